package driver

import (
	"context"
	"net/http"
	"time"

	"github.com/ciam-harness/listjobs/wire"
)

func init() { register(NameWire, NewWire) }

// wireDriver sends the requests the harness builds and signs itself (wire.Build).
type wireDriver struct {
	target wire.Target
	client *http.Client
	clock  *wire.Clock
}

// NewWire is the wire driver: every request built and signed by the harness, sent with
// env.Client; a deliberate skew of a timestamp is measured on env.Clock.
func NewWire(env Env) (Driver, error) {
	if _, err := env.url(); err != nil {
		return nil, err
	}
	return &wireDriver{target: env.Target, client: env.Client, clock: env.Clock}, nil
}

func (d *wireDriver) Prepare(ctx context.Context, spec *wire.Spec, now time.Time) (Shot, error) {
	ts := now.Unix() + spec.TSOffset
	if spec.TSOffset != 0 && d.clock != nil {
		// A deliberate skew is measured from the endpoint's clock, as far as its Date
		// headers tell (to the second), so that 290 s stays 290 s of skew there.
		ts += d.clock.Offset()
	}
	r, body, err := wire.Build(ctx, d.target, spec, ts)
	if err != nil {
		return nil, err
	}
	return func() *wire.Exchange { return wire.Do(d.client, r, body) }, nil
}

func (*wireDriver) Name() string   { return NameWire }
func (*wireDriver) Client() string { return "" }
func (*wireDriver) Close() error   { return nil }

// Capabilities of the wire driver: any request, but no SDK of its own (no retry).
func (*wireDriver) Capabilities() Capabilities {
	return Capabilities{Wire: true, Nulls: true, Methods: []string{"*"}, SignMethods: []string{"TC3-HMAC-SHA256", "HmacSHA1", "HmacSHA256"}, Headers: []string{"*"}}
}
