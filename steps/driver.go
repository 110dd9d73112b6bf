package steps

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
	"time"

	"github.com/cucumber/godog"
	tchttp "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/http"

	"github.com/ciam-harness/listjobs/plan"
	"github.com/ciam-harness/listjobs/vocab"
)

// Driver names how the steps send ListJobs requests. The feature files and the checks
// are the same for every driver: only the transport differs.
type Driver string

// The drivers.
const (
	// DriverWire sends the requests the harness builds and signs itself (package
	// signing): every byte is under the scenario's control, deliberate breaks included.
	DriverWire Driver = "wire"
	// DriverSDK sends every request through the official Go SDK
	// (github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common), and the checks
	// look at what the SDK decoded: it gates an SDK release against the contract.
	DriverSDK Driver = "sdk"
)

// Drivers lists the drivers, the default first.
func Drivers() []Driver { return []Driver{DriverWire, DriverSDK} }

// ParseDriver reads a driver name; "" is DriverWire.
func ParseDriver(name string) (Driver, error) {
	switch d := Driver(strings.TrimSpace(name)); d {
	case "":
		return DriverWire, nil
	case DriverWire, DriverSDK:
		return d, nil
	}
	return "", fmt.Errorf("driver %q: want %s or %s", name, DriverWire, DriverSDK)
}

// Tags that tie a scenario to one driver. Under the other driver the scenario is
// skipped, with the reason, before any of its steps runs: never passed.
const (
	// TagWire marks a scenario that needs control the SDK does not give its callers
	// (a tampered signature, a hand-made body or query, a skewed timestamp, another
	// method, a raw HTTP status...): the sdk driver skips it.
	TagWire = vocab.TagWire
	// TagSDKRetry marks a scenario of the SDK's own rate-limit retry
	// (ClientProfile.RateLimitExceededMaxRetries): the wire driver skips it.
	TagSDKRetry = vocab.TagSDKRetry
)

// SkipError ends a scenario that the suite's driver cannot run. It is godog.ErrSkip
// (errors.Is) with the reason; SkipReason recovers the reason from the error a godog
// hook sees.
type SkipError struct{ Reason string }

func (e *SkipError) Error() string { return "skipped: " + e.Reason }

// Unwrap makes a SkipError godog.ErrSkip.
func (e *SkipError) Unwrap() error { return godog.ErrSkip }

// InconclusiveError ends a scenario that could not be judged on this machine now: the
// harness could not produce the conditions its check needs (a rate-limit burst that
// never fitted in one second, a pace that never held), which says nothing about the
// endpoint. Like SkipError it is godog.ErrSkip (errors.Is), so the scenario is skipped,
// not failed; SkipReason gives "inconclusive: " and the reason.
type InconclusiveError struct{ Reason string }

func (e *InconclusiveError) Error() string { return "inconclusive: " + e.Reason }

// Unwrap makes an InconclusiveError godog.ErrSkip.
func (e *InconclusiveError) Unwrap() error { return godog.ErrSkip }

// SkipReason returns the reason of a scenario the steps skipped, found in err (the
// error a step or scenario hook receives), or "": an InconclusiveError's reason starts
// with "inconclusive: ".
func SkipReason(err error) string {
	var s *SkipError
	if errors.As(err, &s) {
		return s.Reason
	}
	var in *InconclusiveError
	if errors.As(err, &in) {
		return in.Error()
	}
	return ""
}

// skipReason says why the suite's driver cannot run the scenario, or "".
func (s *Suite) skipReason(p *godog.Scenario) string {
	tagged := func(name string) bool {
		for _, t := range p.Tags {
			if t.Name == name {
				return true
			}
		}
		return false
	}
	switch {
	case s.driver == DriverSDK:
		var tags []string
		steps := make([]plan.StepText, len(p.Steps))
		for i, step := range p.Steps {
			steps[i].Text = step.Text
		}
		for _, t := range p.Tags {
			tags = append(tags, t.Name)
		}
		if tr := s.steps.Analyze(tags, steps); tr.Wire != "" {
			return fmt.Sprintf("%s: the step %q needs the wire driver: %s", TagWire, tr.WireStep, tr.Wire)
		}
		if tagged(TagWire) {
			return TagWire + ": tagged for the wire driver only"
		}
	case s.driver != DriverSDK && tagged(TagSDKRetry):
		return TagSDKRetry + ": it tests the official Go SDK's own rate-limit retry (ClientProfile.RateLimitExceededMaxRetries), which the wire driver does not have; run it with --driver sdk"
	}
	return ""
}

// transport sends the ListJobs requests of the steps. The checks look only at the
// exchange it returns, so one set of checks serves every driver.
type transport interface {
	// prepare readies spec to be sent at time now (the wire driver signs it then) and
	// returns shot, which sends it once and returns what came back.
	prepare(ctx context.Context, st *scenario, spec *requestSpec, now time.Time) (shot func() *exchange, err error)
}

// wireTransport sends the requests the harness builds and signs (build).
type wireTransport struct{}

func (wireTransport) prepare(ctx context.Context, st *scenario, spec *requestSpec, now time.Time) (func() *exchange, error) {
	r, body, err := st.build(ctx, spec, now)
	if err != nil {
		return nil, err
	}
	return func() *exchange { return st.suite.do(r, body) }, nil
}

// SDKModule is the module of the official Go SDK that the sdk driver uses.
const SDKModule = "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"

// SDKModuleVersion names the SDK module and version under test, for run headers and
// manifests: "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common v1.3.212",
// from the build information of the running binary (with its replacement, if go.mod
// replaces it). A binary without that information (go test) gets the version the SDK
// reports of itself in every request (X-TC-RequestClient "SDK_GO_1.3.212").
func SDKModuleVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path != SDKModule {
				continue
			}
			v := d.Path + " " + d.Version
			if r := d.Replace; r != nil {
				v += " => " + strings.TrimSpace(r.Path+" "+r.Version)
			}
			return v
		}
	}
	return SDKModule + " " + sdkSelfReported() + " (as the SDK reports itself; the binary has no module information)"
}

// sdkSelfReported is the version the SDK writes into X-TC-RequestClient, as a module
// version: "SDK_GO_1.3.212" gives "v1.3.212".
func sdkSelfReported() string {
	r := tchttp.NewCommonRequest(service, version, action)
	tchttp.CompleteCommonParams(r, "", "")
	client := r.GetParams()["RequestClient"]
	if v, ok := strings.CutPrefix(client, "SDK_GO_"); ok && v != "" {
		return "v" + v
	}
	return "(unknown version: X-TC-RequestClient " + client + ")"
}
