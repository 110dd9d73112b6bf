package driver

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	tcerr "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"

	"github.com/ciam-harness/listjobs/check"
	"github.com/ciam-harness/listjobs/signing"
	"github.com/ciam-harness/listjobs/wire"
)

// TestSDKModuleVersion: the module under test with a version (the test binary has no
// module information: the SDK's own report of its version).
func TestSDKModuleVersion(t *testing.T) {
	t.Parallel()
	v := SDKModuleVersion()
	assert.Regexp(t, regexp.MustCompile(`^`+regexp.QuoteMeta(SDKModule)+` v[0-9]+\.[0-9]+\.[0-9]+`), v)
	assert.Regexp(t, `^v[0-9]+\.[0-9]+\.[0-9]+$`, sdkSelfReported())
}

// trip is a round trip that received body.
func trip(body string) wire.RoundTrip {
	return wire.RoundTrip{Method: "POST", URL: "http://x/", Status: 200, Body: []byte(body), Sent: time.Now(), Received: time.Now()}
}

// TestSDKExchange: what the checks read of an SDK call, and the comparison of the SDK's
// report with the response it decoded, which must be able to fail.
func TestSDKExchange(t *testing.T) {
	t.Parallel()
	const wireErr = `{"Response":{"Error":{"Code":"InternalError","Message":"boom"},"RequestId":"r-1"}}`
	now := time.Now()

	ex := sdkExchange("the sdk", nil, tcerr.NewTencentCloudSDKError("InternalError", "boom", "r-1"), []wire.RoundTrip{trip(wireErr)}, now, now)
	require.NoError(t, ex.Err)
	require.NoError(t, ex.SDK.Mismatch)
	var env struct {
		Response struct {
			Error     struct{ Code, Message string }
			RequestId string
		}
	}
	require.NoError(t, json.Unmarshal(ex.Body, &env))
	assert.Equal(t, "InternalError", env.Response.Error.Code)
	assert.Equal(t, "boom", env.Response.Error.Message)
	assert.Equal(t, "r-1", env.Response.RequestId)
	assert.Equal(t, "POST", ex.Method)

	for name, sdkErr := range map[string]error{
		"another RequestId": tcerr.NewTencentCloudSDKError("InternalError", "boom", "r-2"),
		"no RequestId":      tcerr.NewTencentCloudSDKError("InternalError", "boom", ""),
		"another Code":      tcerr.NewTencentCloudSDKError("InternalError.X", "boom", "r-1"),
		"another Message":   tcerr.NewTencentCloudSDKError("InternalError", "", "r-1"),
	} {
		ex := sdkExchange("the sdk", nil, sdkErr, []wire.RoundTrip{trip(wireErr)}, now, now)
		require.Error(t, ex.SDK.Mismatch, name)
		assert.Contains(t, ex.SDK.Mismatch.Error(), "the SDK raised an error with", name)
		_, err := check.Parse(ex, "T7")
		assert.Equal(t, ex.SDK.Mismatch, err, name)
	}

	// A success: the decoded body, held against the last round trip.
	ok := `{"Response":{"JobSet":[],"RequestId":"r-3"}}`
	ex = sdkExchange("the sdk", []byte(ok), nil, []wire.RoundTrip{trip(wireErr), trip(ok)}, now, now)
	require.NoError(t, ex.Err)
	require.NoError(t, ex.SDK.Mismatch)
	assert.JSONEq(t, ok, string(ex.Body))
	ex = sdkExchange("the sdk", []byte(`{"Response":{"JobSet":[],"RequestId":"r-4"}}`), nil, []wire.RoundTrip{trip(ok)}, now, now)
	require.Error(t, ex.SDK.Mismatch)
	assert.Contains(t, ex.SDK.Mismatch.Error(), `RequestId "r-4" where the response carried "r-3"`)

	// An SDK message that quotes a signature v1 GET's URL shows neither its signature
	// nor its token.
	quoting := errors.New(`Get "http://x/?Action=ListJobs&Signature=c2ln%2BbmF0dXJl&Token=sess-token&X=1": dial tcp: refused`)
	ex = sdkExchange("the sdk", nil, tcerr.NewTencentCloudSDKErrorWithCause("ClientError.NetworkError", "Fail to get response", "", quoting), nil, now, now)
	for _, text := range []string{ex.Err.Error(), ex.ResponseText()} {
		assert.Contains(t, text, "Signature=<redacted>")
		assert.NotContains(t, text, "c2ln")
		assert.NotContains(t, text, "sess-token")
	}

	// The SDK's own errors are no response to check.
	for _, err := range []error{
		tcerr.NewTencentCloudSDKError("ClientError.HttpStatusCodeError", "400", ""),
		tcerr.NewTencentCloudSDKError("", "no code", ""),
		errors.New("plain"),
	} {
		ex := sdkExchange("the sdk", nil, err, []wire.RoundTrip{trip("not json")}, now, now)
		require.Error(t, ex.Err, err.Error())
		assert.Contains(t, ex.Err.Error(), "the SDK decoded no response")
		_, perr := check.Parse(ex, "T6")
		assert.ErrorContains(t, perr, "T6: no response: the SDK decoded no response")
		assert.Contains(t, ex.ResponseText(), "the SDK returned: "+err.Error())
	}
}

// TestSDKCallRefuses: what the SDK cannot send is a harness error naming @wire, never a
// request that quietly differs from the scenario's.
func TestSDKCallRefuses(t *testing.T) {
	t.Parallel()
	tr := &goSDK{host: "127.0.0.1:1", scheme: "HTTP", region: "ap-guangzhou", timeout: 1, base: http.DefaultTransport, limit: wire.MaxResponse}
	base := func() *wire.Spec {
		return wire.NewSpec("us-1", signing.Credential{SecretID: "AKIDx", SecretKey: "k"})
	}
	for name, change := range map[string]func(r *wire.Spec){
		"PUT":                  func(r *wire.Spec) { r.Method = http.MethodPut },
		"a hand-made body":     func(r *wire.Spec) { r.Body, r.HasBody = []byte("{}"), true },
		"a hand-made query":    func(r *wire.Spec) { r.Method, r.Query, r.HasQuery = http.MethodGet, "a=b", true },
		"other signed headers": func(r *wire.Spec) { r.SignedHeaders = []string{"content-type", "host", "x-tc-action"} },
		"a skewed timestamp":   func(r *wire.Spec) { r.TSOffset = 60 },
		"another scope date":   func(r *wire.Spec) { r.ScopeDayOffset = 1 },
		"another service":      func(r *wire.Spec) { r.Service = "cvm" },
		"no Authorization":     func(r *wire.Spec) { r.NoAuth = true },
		"an Authorization":     func(r *wire.Spec) { r.Authorization = func(signing.Authorization) (string, error) { return "x", nil } },
		"a tamper":             func(r *wire.Spec) { r.After = []wire.Tamper{nil} },
		"X-TC-Timestamp":       func(r *wire.Spec) { r.Headers = []wire.HeaderEdit{{Name: "X-TC-Timestamp", Value: "1"}} },
		"no X-TC-Action":       func(r *wire.Spec) { r.Headers = []wire.HeaderEdit{{Name: "X-TC-Action", Remove: true}} },
		"a GET with a number": func(r *wire.Spec) {
			r.Method = http.MethodGet
			r.SetParam("JobIds", json.RawMessage(`[1]`))
		},
		"a GET with an unknown parameter": func(r *wire.Spec) {
			r.Method = http.MethodGet
			r.SetParam("Foo", json.RawMessage(`"x"`))
		},
		"a GET with an empty UserStoreId": func(r *wire.Spec) {
			r.Method = http.MethodGet
			r.SetParam("UserStoreId", json.RawMessage(`""`))
		},
		"v1 with an object": func(r *wire.Spec) {
			r.V1Method = signing.HmacSHA256
			r.SetParam("UserStoreId", json.RawMessage(`{"Id":"x"}`))
		},
	} {
		spec := base()
		change(spec)
		_, err := tr.call(context.Background(), spec, tr.region)
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), "harness error", name)
		assert.Contains(t, err.Error(), "tag the scenario @wire", name)
	}
	for name, change := range map[string]func(r *wire.Spec){
		"POST":                       func(*wire.Spec) {},
		"POST with wrong types":      func(r *wire.Spec) { r.SetParam("UserStoreId", json.RawMessage(`123`)) },
		"POST with an unknown one":   func(r *wire.Spec) { r.SetParam("Limit", json.RawMessage(`10`)) },
		"GET with JobIds and a null": func(r *wire.Spec) { r.Method = http.MethodGet; r.SetParam("JobIds", json.RawMessage(`null`)) },
		"v1 GET":                     func(r *wire.Spec) { r.Method, r.V1Method = http.MethodGet, signing.HmacSHA1 },
		"the SDK's signed headers":   func(r *wire.Spec) { r.SignedHeaders = strings.Split(wire.SDKSignedHeaders, ";") },
		"headers the SDK maps": func(r *wire.Spec) {
			r.Headers = []wire.HeaderEdit{{Name: "X-TC-Region", Remove: true}, {Name: "x-tc-action", Value: "ListJob"},
				{Name: "X-TC-Version", Value: "2021-01-01"}, {Name: "X-TC-Language", Value: "en-US"}, {Name: "X-TC-TraceId", Value: "t"}}
		},
	} {
		spec := base()
		change(spec)
		_, err := tr.call(context.Background(), spec, tr.region)
		assert.NoError(t, err, name)
	}
}

// TestSDKErrorIsClipped: the Go SDK's ClientError.ParseJsonError quotes the whole body it
// could not parse, up to megabytes (found by the broken SDK go-null-member-error of
// sdkmutants, on the 3000-job listing): what the checks and reports quote of an SDK's
// error is clipped, and still redacted.
func TestSDKErrorIsClipped(t *testing.T) {
	body := strings.Repeat("j", 1<<20)
	err := tcerr.NewTencentCloudSDKError("ClientError.ParseJsonError", "Fail to parse json content: "+body+" Signature=abc&Token=t", "")
	ex := sdkExchange("the sdk", nil, err, nil, time.Now(), time.Now())
	if ex.Err == nil || len(ex.Err.Error()) > 2*(4<<10) || !strings.Contains(ex.Err.Error(), "bytes in all") {
		t.Fatalf("the SDK's error as the checks see it is %d bytes, want at most %d, clipped", len(ex.Err.Error()), 2*(4<<10))
	}
	short := wire.SDKErrText(errors.New("bad Signature=abc&Token=secret-token"))
	if strings.Contains(short, "abc") || strings.Contains(short, "secret-token") {
		t.Errorf("not redacted: %q", short)
	}
	if txt := ex.ResponseText(); len(txt) > 4*(4<<10) {
		t.Errorf("the response report is %d bytes", len(txt))
	}
}

func TestParse(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]Choice{"": Wire, "wire": Wire, " sdk ": {Name: "sdk", Kind: KindGo}, "python": {Name: "python", Kind: KindAdapter},
		"exec:a 'b c'": {Name: "exec:a 'b c'", Kind: KindAdapter, Command: []string{"a", "b c"}}} {
		c, err := Parse(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, c, in)
	}
	for _, in := range []string{"SDK", "wire,sdk", "exec:", "exec:'unterminated", "a b", "../x"} {
		_, err := Parse(in)
		assert.Error(t, err, in)
	}
	assert.Equal(t, "wire", Choice{}.String(), "the zero Choice is the wire driver")
	var c Choice
	f := Flag{Choice: &c}
	require.NoError(t, f.Set("sdk"))
	assert.Equal(t, "sdk", f.String())
	assert.Error(t, f.Set("NOPE"))
	assert.Equal(t, "sdk", c.String(), "a bad value leaves the choice as it was")
}

// TestArgv: a named adapter is its launcher in drivers/, found from the working
// directory; one that is not there is an error naming the adapters there are.
func TestArgv(t *testing.T) {
	t.Parallel()
	argv, err := Choice{Name: "node", Kind: KindAdapter}.Argv()
	require.NoError(t, err)
	assert.Equal(t, filepath.Join("drivers", "node", "run"), filepath.Join(filepath.Base(filepath.Dir(filepath.Dir(argv[0]))), "node", "run"))
	_, err = Choice{Name: "no-such-adapter", Kind: KindAdapter}.Argv()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "drivers/no-such-adapter/run")
	assert.Contains(t, err.Error(), "node")
	assert.Contains(t, Adapters(), "node")
	_, err = Wire.Argv()
	assert.Error(t, err)
}

// TestSplitCommand: exec:CMD ARGS splits as a shell splits words, without a shell.
func TestSplitCommand(t *testing.T) {
	t.Parallel()
	for line, want := range map[string][]string{
		`node drivers/node/adapter.js`:     {"node", "drivers/node/adapter.js"},
		`  python3  -m  'my adapter'  `:    {"python3", "-m", "my adapter"},
		`sh -c 'exec java -jar "a b.jar"'`: {"sh", "-c", `exec java -jar "a b.jar"`},
		`a\ b "c \"d\" \$e" f''g`:          {"a b", `c "d" $e`, "fg"},
		`x ""`:                             {"x", ""},
	} {
		got, err := SplitCommand(line)
		require.NoError(t, err, line)
		assert.Equal(t, want, got, line)
	}
	for _, bad := range []string{"", "   ", `a 'b`, `a "b`, `a \`} {
		_, err := SplitCommand(bad)
		assert.Error(t, err, "%q", bad)
		_, err = Parse("exec:" + bad)
		assert.Error(t, err, "exec:%q", bad)
	}
	c, err := Parse("exec:node a.js")
	require.NoError(t, err)
	assert.Equal(t, KindAdapter, c.Kind)
	argv, err := c.Argv()
	require.NoError(t, err)
	assert.Equal(t, []string{"node", "a.js"}, argv)
}

// TestNodeLauncher: the node adapter's launcher exits 2, saying what installs it, when
// its SDK is not installed; it never starts a half-installed adapter.
func TestNodeLauncher(t *testing.T) {
	t.Parallel()
	argv, err := Choice{Name: "node", Kind: KindAdapter}.Argv()
	require.NoError(t, err)
	dir := t.TempDir()
	for _, f := range []string{"run", "adapter.js"} {
		b, err := os.ReadFile(filepath.Join(filepath.Dir(argv[0]), f))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, f), b, 0o755))
	}
	out, err := exec.Command(filepath.Join(dir, "run")).CombinedOutput()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit)
	assert.Equal(t, 2, exit.ExitCode())
	assert.Contains(t, string(out), "make drivers")
}
