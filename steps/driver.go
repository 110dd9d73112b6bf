package steps

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"runtime/debug"
	"strings"
	"time"

	"github.com/cucumber/godog"
	tchttp "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/http"

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

// SkipReason returns the reason of a scenario the steps skipped, found in err (the
// error a step or scenario hook receives), or "".
func SkipReason(err error) string {
	var s *SkipError
	if errors.As(err, &s) {
		return s.Reason
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
	case s.driver == DriverSDK && tagged(TagWire):
		for _, step := range p.Steps {
			if why := sdkLimit(step.Text); why != "" {
				return fmt.Sprintf("%s: the step %q needs the wire driver: %s", TagWire, step.Text, why)
			}
		}
		return TagWire + ": tagged for the wire driver only"
	case s.driver != DriverSDK && tagged(TagSDKRetry):
		return TagSDKRetry + ": it tests the official Go SDK's own rate-limit retry (ClientProfile.RateLimitExceededMaxRetries), which the wire driver does not have; run it with --driver sdk"
	}
	return ""
}

// sdkLimits are the steps the sdk driver cannot honour, each with the reason: what the
// step controls that the SDK decides for its callers. A scenario with one of them
// carries @wire (TestWireTags checks the feature files both ways).
var sdkLimits = []struct {
	re     *regexp.Regexp
	reason func(m []string) string // "" when the SDK can do what the step says after all
}{
	{regexp.MustCompile(`^the request method is "([^"]*)"$`), func(m []string) string {
		if m[1] == "GET" || m[1] == "POST" {
			return ""
		}
		return "the SDK sends GET or POST only (it turns any other method into GET)"
	}},
	{regexp.MustCompile("^the body is (exactly|empty)"), always("the SDK writes the body itself, from the request's parameters")},
	{regexp.MustCompile(`^the query is exactly `), always("the SDK writes and orders the query itself, from the request's parameters")},
	{regexp.MustCompile(`^the header "([^"]*)" is absent$`), func(m []string) string {
		if strings.EqualFold(m[1], "X-TC-Region") {
			return "" // a client without a region sends none
		}
		return fmt.Sprintf("the SDK always sends %s", m[1])
	}},
	{regexp.MustCompile(`^the request signs the headers "([^"]*)"$`), func(m []string) string {
		if strings.EqualFold(m[1], sdkSignedHeaders) {
			return ""
		}
		return "the SDK always signs " + sdkSignedHeaders
	}},
	{regexp.MustCompile(`^the request's timestamp is `), always("the SDK stamps X-TC-Timestamp with the machine's clock as it sends")},
	{regexp.MustCompile(`^the credential scope `), always("the SDK derives the credential scope from the timestamp and the request's service")},
	{regexp.MustCompile(`^the request carries no Authorization header$|^the Authorization header is replaced by `), always("the SDK always writes its own Authorization header")},
	{regexp.MustCompile(` after signing`), always("the SDK signs and sends in one call: nothing can be changed in between")},
	{regexp.MustCompile(`^the JobIds pad the (body|URL) beyond `), always("the size limits (T10) are probed with padded requests that test the endpoint, not the SDK")},
	{regexp.MustCompile(`^the HTTP status is `), always("the SDK does not hand the HTTP status to its caller")},
	{regexp.MustCompile(`^the Content-Type of the response is `), always("the SDK does not hand the response's Content-Type to its caller")},
}

// sdkSignedHeaders are the headers the SDK signs (TC3), always.
const sdkSignedHeaders = "content-type;host"

func always(reason string) func([]string) string { return func([]string) string { return reason } }

// sdkLimit says why the sdk driver cannot run a step, or "" when it can.
func sdkLimit(text string) string {
	for _, l := range sdkLimits {
		if m := l.re.FindStringSubmatch(text); m != nil {
			if why := l.reason(m); why != "" {
				return why
			}
		}
	}
	return ""
}

// wireOnly fails, under the sdk driver, the step under way when it needs the wire
// driver. A @wire scenario is skipped before it gets there; this catches a scenario
// that lacks the tag, which would otherwise pass without doing what it says.
func (st *scenario) wireOnly() error {
	if st.suite.driver != DriverSDK {
		return nil
	}
	if why := sdkLimit(st.step); why != "" {
		return fmt.Errorf("harness error: the sdk driver cannot run the step %q: %s; tag the scenario %s", st.step, why, TagWire)
	}
	return nil
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
