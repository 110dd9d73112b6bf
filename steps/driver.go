package steps

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
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
	// DriverNode sends every request through the official Node.js SDK
	// (tencentcloud-sdk-nodejs), by the adapter drivers/node/adapter.js: the exec driver
	// of "node drivers/node/adapter.js" (NodeCommand).
	DriverNode Driver = "node"
	// DriverExecPrefix starts an exec driver: "exec:CMD ARGS" sends every request
	// through the adapter CMD ARGS starts (DRIVERS.md, adapter.go).
	DriverExecPrefix = "exec:"
)

// Drivers lists the built-in drivers, the default first (an exec driver is any
// DriverExecPrefix + command).
func Drivers() []Driver { return []Driver{DriverWire, DriverSDK} }

// ParseDriver reads a driver name; "" is DriverWire. An exec driver's command is
// split here (SplitCommand), so a malformed one is an error.
func ParseDriver(name string) (Driver, error) {
	switch d := Driver(strings.TrimSpace(name)); {
	case d == "":
		return DriverWire, nil
	case d == DriverWire, d == DriverSDK, d == DriverNode:
		return d, nil
	case strings.HasPrefix(string(d), DriverExecPrefix):
		if _, err := SplitCommand(strings.TrimPrefix(string(d), DriverExecPrefix)); err != nil {
			return "", fmt.Errorf("driver %q: %v", name, err)
		}
		return d, nil
	}
	return "", fmt.Errorf("driver %q: want %s, %s, %s or %sCMD ARGS", name, DriverWire, DriverSDK, DriverNode, DriverExecPrefix)
}

// Adapter reports whether d sends through an adapter process (DriverNode, exec:).
func (d Driver) Adapter() bool {
	return d == DriverNode || strings.HasPrefix(string(d), DriverExecPrefix)
}

// Command is the adapter command of an exec driver (DriverNode: NodeCommand). Its
// errors are one line, for exit 2.
func (d Driver) Command() ([]string, error) {
	switch {
	case d == DriverNode:
		return NodeCommand()
	case strings.HasPrefix(string(d), DriverExecPrefix):
		return SplitCommand(strings.TrimPrefix(string(d), DriverExecPrefix))
	}
	return nil, fmt.Errorf("driver %q sends through no adapter", d)
}

// NodeAdapter is the Node.js adapter's script, from the repository's root.
const NodeAdapter = "drivers/node/adapter.js"

// NodeCommand is the command of DriverNode: node and the adapter script, found in the
// working directory or a directory above it, else beside this package's source (a
// binary built from the repository on this machine). It fails, saying what to do,
// when node is not on PATH, the script is not found, or its node_modules is missing.
func NodeCommand() ([]string, error) {
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, errors.New("--driver node needs Node.js: node is not on PATH (install Node.js 18 or later)")
	}
	script := findNodeAdapter()
	if script == "" {
		return nil, fmt.Errorf("--driver node: %s is not in the working directory or a directory above it; run the harness from the repository, or use --driver exec:'node /path/to/%s'", NodeAdapter, NodeAdapter)
	}
	dir := filepath.Dir(script)
	if st, err := os.Stat(filepath.Join(dir, "node_modules", "tencentcloud-sdk-nodejs")); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("--driver node: %s has no node_modules/tencentcloud-sdk-nodejs: run `npm ci` in %s", dir, dir)
	}
	return []string{node, script}, nil
}

// findNodeAdapter returns the path of NodeAdapter, or "".
func findNodeAdapter() string {
	var dirs []string
	if wd, err := os.Getwd(); err == nil {
		for d := wd; ; d = filepath.Dir(d) {
			dirs = append(dirs, d)
			if filepath.Dir(d) == d {
				break
			}
		}
	}
	if _, file, _, ok := runtime.Caller(0); ok {
		dirs = append(dirs, filepath.Dir(filepath.Dir(file)))
	}
	for _, d := range dirs {
		p := filepath.Join(d, filepath.FromSlash(NodeAdapter))
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			return p
		}
	}
	return ""
}

// SplitCommand splits a command line as a POSIX shell splits words, with no shell:
// blanks separate words; '...' is literal; "..." is literal but for \" \\ \$ \`;
// a backslash outside quotes escapes the next character. Nothing is expanded (no $VAR,
// no globs, no pipes): for those, give sh -c '...' as the command.
func SplitCommand(line string) ([]string, error) {
	var words []string
	var w strings.Builder
	inWord := false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n':
			if inWord {
				words = append(words, w.String())
				w.Reset()
				inWord = false
			}
		case c == '\'':
			j := strings.IndexByte(line[i+1:], '\'')
			if j < 0 {
				return nil, errors.New("the command has an unterminated ' quote")
			}
			w.WriteString(line[i+1 : i+1+j])
			i += j + 1
			inWord = true
		case c == '"':
			i++
			for ; i < len(line) && line[i] != '"'; i++ {
				if line[i] == '\\' && i+1 < len(line) && strings.IndexByte("\"\\$`", line[i+1]) >= 0 {
					i++
				}
				w.WriteByte(line[i])
			}
			if i >= len(line) {
				return nil, errors.New("the command has an unterminated \" quote")
			}
			inWord = true
		case c == '\\':
			if i+1 >= len(line) {
				return nil, errors.New("the command ends with a backslash")
			}
			i++
			w.WriteByte(line[i])
			inWord = true
		default:
			w.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, w.String())
	}
	if len(words) == 0 {
		return nil, errors.New("the command is empty")
	}
	return words, nil
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
		if tr := s.analyze(p); tr.Wire != "" {
			return fmt.Sprintf("%s: the step %q needs the wire driver: %s", TagWire, tr.WireStep, tr.Wire)
		}
		if tagged(TagWire) {
			return TagWire + ": tagged for the wire driver only"
		}
	case s.driver.Adapter():
		if tr := s.analyze(p); tr.Wire != "" {
			return fmt.Sprintf("%s: the step %q needs the wire driver: %s", TagWire, tr.WireStep, tr.Wire)
		} else if tagged(TagWire) {
			return TagWire + ": tagged for the wire driver only"
		} else if h := s.hello(); h != nil {
			for _, n := range tr.Needs {
				if why := h.Caps.missing(n); why != "" {
					return fmt.Sprintf("the %s cannot run the step %q: %s", h.describe(), n.Step, why)
				}
			}
		}
	case s.driver != DriverSDK && tagged(TagSDKRetry):
		return TagSDKRetry + ": it tests the official Go SDK's own rate-limit retry (ClientProfile.RateLimitExceededMaxRetries), which the wire driver does not have; run it with --driver sdk"
	}
	return ""
}

// analyze returns the catalogue's traits of p.
func (s *Suite) analyze(p *godog.Scenario) Traits {
	var tags []string
	steps := make([]plan.StepText, len(p.Steps))
	for i, step := range p.Steps {
		steps[i].Text = step.Text
	}
	for _, t := range p.Tags {
		tags = append(tags, t.Name)
	}
	return s.steps.Analyze(tags, steps)
}

// hello is the hello of the suite's adapter, nil for a driver without one.
func (s *Suite) hello() *Hello {
	t := s.transport
	if o, ok := t.(observed); ok {
		t = o.next
	}
	if e, ok := t.(*execTransport); ok {
		return &e.adapter.hello
	}
	return nil
}

// retries reports whether the suite's driver has an SDK with its own rate-limit retry.
func (s *Suite) retries() bool {
	h := s.hello()
	return s.driver == DriverSDK || h != nil && h.Caps.Retry
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
