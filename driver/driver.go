// Package driver sends the suite's ListJobs requests. A Driver takes a request described
// as a wire.Spec and returns the wire.Exchange the checks read: the wire driver builds
// and signs the request itself (every byte under the scenario's control, deliberate
// breaks included); an SDK driver sends it through an official SDK, in-process (the Go
// SDK) or through an adapter process of DRIVERS.md (Node.js, Python, Java, tccli, any
// exec:CMD), and the exchange is what the SDK handed its caller.
//
// The feature files and the checks are the same for every driver. What differs is what
// a driver's client lets its caller do (Capabilities): a scenario that needs more is
// skipped with the reason, decided once when the run is planned (Capabilities.Refuse).
package driver

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ciam-harness/listjobs/wire"

	"github.com/ciam-harness/listjobs/result"
)

// Driver sends ListJobs requests. It is safe for concurrent use.
type Driver interface {
	// Prepare readies spec to be sent at now (the wire driver signs it then) and
	// returns the shot that sends it once. A request the driver's client cannot make
	// is an error (a harness error: the scenario should have been skipped).
	Prepare(ctx context.Context, spec *wire.Spec, now time.Time) (Shot, error)
	// Name is the driver's name as --driver takes it: "wire", "sdk", "node", "exec:CMD".
	Name() string
	// Client names the client it sends through, with its version as the client
	// reports itself ("" for the wire driver): run headers, manifests and the matrix.
	Client() string
	// Capabilities say what its client lets a caller do.
	Capabilities() Capabilities
	// Close ends the driver (an adapter process).
	Close() error
}

// Shot sends a prepared request once and returns what came back (never nil).
type Shot func() *wire.Exchange

// Capabilities say what a driver's client lets its callers do: the hello of an
// adapter (DRIVERS.md), and the same for the drivers in Go.
type Capabilities struct {
	// Methods the client sends ("GET", "POST").
	Methods []string `json:"methods"`
	// SignMethods it signs with ("TC3-HMAC-SHA256", "HmacSHA1", "HmacSHA256").
	SignMethods []string `json:"signMethods"`
	// Headers a caller may set: "X-TC-Region" (the client's region; "" for none),
	// "X-TC-Action", "X-TC-Version", "X-TC-Language", or "*" for any other header,
	// sent as given.
	Headers []string `json:"headers"`
	// Languages the client accepts for X-TC-Language; empty: any.
	Languages []string `json:"languages,omitempty"`
	// Retry is set when the client has its own rate-limit retry
	// (rateLimitExceededMaxRetries of an intent).
	Retry bool `json:"retry"`
	// Nulls is set when the client sends a parameter its caller set to null as a JSON
	// null (the Node.js SDK drops it: the request would then test an absent
	// parameter, not a null one).
	Nulls bool `json:"nulls"`
	// Wire is set for the wire driver alone: it makes any request, deliberate breaks
	// of the protocol included, and sees every byte of the response.
	Wire bool `json:"-"`
	// SDK is set for a client that is an SDK (every driver but the wire driver).
	SDK bool `json:"-"`
}

// Need is one thing a step needs a driver's client to let its callers do.
type Need struct {
	// Kind is NeedMethod, NeedSignMethod, NeedHeader, NeedLanguage, NeedRetry,
	// NeedNulls or NeedSDK; Value the method, sign method, header, language or
	// parameter ("" for NeedRetry and NeedSDK).
	Kind, Value string
	// Step is the step that needs it; "" for a scenario tagged @sdk-retry (NeedSDK).
	Step string
}

// The kinds of Need, each checked against the Capabilities field of its name.
const (
	NeedMethod     = "method"
	NeedSignMethod = "signMethod"
	NeedHeader     = "header"
	NeedLanguage   = "language"
	NeedRetry      = "retry"
	NeedNulls      = "nulls"
	// NeedSDK is a step that tests an SDK client itself (its own retry): the wire
	// driver has none.
	NeedSDK = "sdk"
)

// Missing says why a client of capabilities c cannot do n, or "".
func (c Capabilities) Missing(n Need) string {
	has := func(list []string, v string) bool {
		return slices.ContainsFunc(list, func(x string) bool { return strings.EqualFold(x, v) })
	}
	switch n.Kind {
	case NeedMethod:
		if !c.Wire && !has(c.Methods, n.Value) {
			return "its client does not send " + n.Value + " (capabilities.methods)"
		}
	case NeedSignMethod:
		if !c.Wire && !has(c.SignMethods, n.Value) {
			return "its client does not sign with " + n.Value + " (capabilities.signMethods)"
		}
	case NeedRetry:
		if !c.Retry {
			return "its client has no rate-limit retry of its own (capabilities.retry)"
		}
	case NeedSDK:
		if !c.SDK {
			return "it tests an SDK client's own behaviour, and the wire driver is no SDK (--driver sdk, or an SDK adapter, runs it)"
		}
	case NeedNulls:
		if !c.Nulls {
			return "its client does not send a parameter set to null (capabilities.nulls)"
		}
	case NeedLanguage:
		if len(c.Languages) > 0 && !has(c.Languages, n.Value) {
			return fmt.Sprintf("its client takes the languages %s only, not %q (capabilities.languages)", strings.Join(c.Languages, ", "), n.Value)
		}
	case NeedHeader:
		if c.Wire {
			return ""
		}
		wellKnown := slices.ContainsFunc([]string{"X-TC-Region", "X-TC-Action", "X-TC-Version", "X-TC-Language"}, func(x string) bool { return strings.EqualFold(x, n.Value) })
		if !has(c.Headers, n.Value) && (wellKnown || !has(c.Headers, "*")) {
			return "its client does not let its caller set the header " + n.Value + " (capabilities.headers)"
		}
	}
	return ""
}

// Demands is what a scenario's steps demand of a driver, from the step catalogue's
// traits: why it needs the wire driver ("" when it does not) and the step that does
// ("" for a scenario tagged @wire), and what its steps need of an SDK's client.
type Demands struct {
	Wire, WireStep string
	Needs          []Need
}

// Refuse decides whether a driver named name, of capabilities c, can run a scenario
// that demands d: the zero Skip when it can, else the kind of skip and its reason.
func (c Capabilities) Refuse(name string, d Demands) result.Skip {
	if d.Wire != "" && !c.Wire {
		reason := d.Wire
		if d.WireStep != "" {
			reason = fmt.Sprintf("the step %q needs the wire driver: %s", d.WireStep, d.Wire)
		}
		return result.Skip{Kind: result.SkipNeedsWire, Reason: reason}
	}
	for _, n := range d.Needs {
		if why := c.Missing(n); why != "" {
			kind := result.SkipNeedsCapability
			if n.Kind == NeedSDK {
				kind = result.SkipNeedsSDK
			}
			what := fmt.Sprintf("the step %q", n.Step)
			if n.Step == "" {
				what = "a scenario tagged @sdk-retry"
			}
			return result.Skip{Kind: kind, Reason: fmt.Sprintf("the %s driver cannot run %s: %s", name, what, why)}
		}
	}
	return result.Skip{}
}
