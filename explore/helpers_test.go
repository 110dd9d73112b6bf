package explore

import (
	"bytes"
	"context"
	"net/http"
	"testing"
	"time"

	listjobs "github.com/ciam-harness/listjobs"
	"github.com/ciam-harness/listjobs/driver"
	"github.com/ciam-harness/listjobs/emulator"
	"github.com/ciam-harness/listjobs/fixture"
	"github.com/ciam-harness/listjobs/vocab"
	"github.com/ciam-harness/listjobs/wire"
)

// defaultFixture is the embedded emulator's fixture.
func defaultFixture(t testing.TB) *fixture.Fixture {
	t.Helper()
	fx, err := fixture.Read(bytes.NewReader(listjobs.DefaultFixture))
	if err != nil {
		t.Fatal(err)
	}
	return fx
}

// explore runs an exploration of the endpoint at url through the wire driver.
func explore(t testing.TB, url string, fx *fixture.Fixture, opts Options) Report {
	t.Helper()
	clock := &wire.Clock{}
	d, err := driver.Wire.Open(context.Background(), driver.Env{Target: wire.Target{BaseURL: url, Region: vocab.DefaultRegion},
		Client: &http.Client{Timeout: 20 * time.Second}, Clock: clock, Timeout: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	opts.BaseURL, opts.Fixture, opts.Driver, opts.Clock = url, fx, d, clock
	rep, err := Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// start serves an emulator of cfg (the default fixture when cfg has none).
func start(t testing.TB, cfg emulator.Config) *emulator.Server {
	t.Helper()
	if cfg.Fixture == nil {
		cfg.Fixture = defaultFixture(t)
	}
	srv, err := emulator.Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}
