package steps

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cucumber/godog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	tcerr "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"

	"github.com/ciam-harness/listjobs/features"
	"github.com/ciam-harness/listjobs/plan"
	"github.com/ciam-harness/listjobs/signing"
)

// TestWireTags: a scenario carries @wire exactly when the catalogue says one of its
// steps needs the wire driver. Without the tag, a reader of the feature would not know
// the sdk driver skips it; with a stale tag, the sdk driver would skip a scenario it
// could run.
func TestWireTags(t *testing.T) {
	t.Parallel()
	p, err := plan.Build(features.FS)
	require.NoError(t, err)
	cat := Steps()
	wire, sdkRetry := 0, 0
	for _, sc := range p.Scenarios {
		tags := map[string]bool{}
		for _, tg := range sc.Tags {
			tags[tg] = true
		}
		tr := cat.Analyze(sc.Tags, sc.Steps)
		switch {
		case tags[TagWire] && tr.Wire == "":
			t.Errorf("%s: %q is tagged %s, but no step of it needs the wire driver", sc.Feature, sc.Name, TagWire)
		case !tags[TagWire] && tr.Wire != "":
			t.Errorf("%s: %q needs the wire driver (%q) but is not tagged %s", sc.Feature, sc.Name, tr.WireStep, TagWire)
		}
		if tags[TagWire] {
			wire++
		}
		if tags[TagSDKRetry] {
			sdkRetry++
			assert.False(t, tags[TagWire], "%s: a scenario cannot need both drivers", sc.Name)
		}
	}
	t.Logf("%d scenarios, %d @wire, %d @sdk-retry", len(p.Scenarios), wire, sdkRetry)
	assert.Positive(t, wire)
	assert.Positive(t, sdkRetry)
}

func TestSDKLimit(t *testing.T) {
	t.Parallel()
	for text, wireOnly := range map[string]bool{
		`the request method is "PUT"`:                                              true,
		`the request method is "GET"`:                                              false,
		"the body is exactly `[]`":                                                 true,
		"the body is exactly:":                                                     true,
		"the body is empty":                                                        true,
		`the query is exactly "UserStoreId=x"`:                                     true,
		`the header "X-TC-Region" is absent`:                                       false,
		`the header "X-TC-Action" is absent`:                                       true,
		`the header "X-TC-Region" is "ap-shanghai"`:                                false,
		`the request signs the headers "content-type;host"`:                        false,
		`the request signs the headers "content-type;host;x-tc-action"`:            true,
		`the request's timestamp is 400 seconds in the past`:                       true,
		`the credential scope service is "cvm"`:                                    true,
		`the request carries no Authorization header`:                              true,
		`the Authorization header is replaced by ""`:                               true,
		"the body is replaced after signing by `{}`":                               true,
		`the X-TC-Region is changed to another Tencent Cloud region after signing`: true,
		`the JobIds pad the body beyond 10 MB`:                                     true,
		`the HTTP status is 200`:                                                   true,
		`the Content-Type of the response is application/json`:                     true,
		`the request is signed with a wrong SecretKey`:                             false,
		`the request is signed with signature v1 and "HmacSHA1"`:                   false,
		`the request carries no X-TC-Token`:                                        false,
		`the response is the error "InvalidAction"`:                                false,
	} {
		assert.Equal(t, wireOnly, Steps().wireReason(text) != "", text)
	}
}

func TestParseDriver(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]Driver{"": DriverWire, "wire": DriverWire, " sdk ": DriverSDK} {
		d, err := ParseDriver(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, d)
	}
	for _, in := range []string{"SDK", "http", "wire,sdk"} {
		_, err := ParseDriver(in)
		assert.Error(t, err, in)
	}
	assert.Equal(t, []Driver{DriverWire, DriverSDK}, Drivers())
}

// TestSDKModuleVersion: the module under test with a version (the test binary has no
// module information: the SDK's own report of its version).
func TestSDKModuleVersion(t *testing.T) {
	t.Parallel()
	v := SDKModuleVersion()
	assert.Regexp(t, regexp.MustCompile(`^`+regexp.QuoteMeta(SDKModule)+` v[0-9]+\.[0-9]+\.[0-9]+`), v)
	assert.Regexp(t, `^v[0-9]+\.[0-9]+\.[0-9]+$`, sdkSelfReported())
}

func TestSkipReason(t *testing.T) {
	t.Parallel()
	err := &SkipError{Reason: "why"}
	assert.ErrorIs(t, err, godog.ErrSkip)
	assert.Equal(t, "why", SkipReason(errors.Join(errors.New("before scenario hook failed"), err)))
	assert.Equal(t, "", SkipReason(godog.ErrSkip))
	assert.Equal(t, "", SkipReason(nil))
}

// trip is a round trip that received body.
func trip(body string) roundTrip {
	return roundTrip{method: "POST", url: "http://x/", status: 200, body: []byte(body), sent: time.Now(), received: time.Now()}
}

// TestSDKExchange: what the checks read of an SDK call, and the comparison of the SDK's
// report with the response it decoded, which must be able to fail.
func TestSDKExchange(t *testing.T) {
	t.Parallel()
	const wireErr = `{"Response":{"Error":{"Code":"InternalError","Message":"boom"},"RequestId":"r-1"}}`
	now := time.Now()

	ex := sdkExchange(nil, tcerr.NewTencentCloudSDKError("InternalError", "boom", "r-1"), []roundTrip{trip(wireErr)}, now, now)
	require.NoError(t, ex.err)
	require.NoError(t, ex.sdk.mismatch)
	var env struct {
		Response struct {
			Error     struct{ Code, Message string }
			RequestId string
		}
	}
	require.NoError(t, json.Unmarshal(ex.body, &env))
	assert.Equal(t, "InternalError", env.Response.Error.Code)
	assert.Equal(t, "boom", env.Response.Error.Message)
	assert.Equal(t, "r-1", env.Response.RequestId)
	assert.Equal(t, "POST", ex.method)

	for name, sdkErr := range map[string]error{
		"another RequestId": tcerr.NewTencentCloudSDKError("InternalError", "boom", "r-2"),
		"no RequestId":      tcerr.NewTencentCloudSDKError("InternalError", "boom", ""),
		"another Code":      tcerr.NewTencentCloudSDKError("InternalError.X", "boom", "r-1"),
		"another Message":   tcerr.NewTencentCloudSDKError("InternalError", "", "r-1"),
	} {
		ex := sdkExchange(nil, sdkErr, []roundTrip{trip(wireErr)}, now, now)
		require.Error(t, ex.sdk.mismatch, name)
		assert.Contains(t, ex.sdk.mismatch.Error(), "the SDK raised an error with", name)
		_, err := ex.parse("T7")
		assert.Equal(t, ex.sdk.mismatch, err, name)
	}

	// A success: the decoded body, held against the last round trip.
	ok := `{"Response":{"JobSet":[],"RequestId":"r-3"}}`
	ex = sdkExchange([]byte(ok), nil, []roundTrip{trip(wireErr), trip(ok)}, now, now)
	require.NoError(t, ex.err)
	require.NoError(t, ex.sdk.mismatch)
	assert.JSONEq(t, ok, string(ex.body))
	ex = sdkExchange([]byte(`{"Response":{"JobSet":[],"RequestId":"r-4"}}`), nil, []roundTrip{trip(ok)}, now, now)
	require.Error(t, ex.sdk.mismatch)
	assert.Contains(t, ex.sdk.mismatch.Error(), `RequestId "r-4" where the response carried "r-3"`)

	// An SDK message that quotes a signature v1 GET's URL shows neither its signature
	// nor its token.
	quoting := errors.New(`Get "http://x/?Action=ListJobs&Signature=c2ln%2BbmF0dXJl&Token=sess-token&X=1": dial tcp: refused`)
	ex = sdkExchange(nil, tcerr.NewTencentCloudSDKErrorWithCause("ClientError.NetworkError", "Fail to get response", "", quoting), nil, now, now)
	for _, text := range []string{ex.err.Error(), ex.responseText()} {
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
		ex := sdkExchange(nil, err, []roundTrip{trip("not json")}, now, now)
		require.Error(t, ex.err, err.Error())
		assert.Contains(t, ex.err.Error(), "the SDK decoded no response")
		_, perr := ex.parse("T6")
		assert.ErrorContains(t, perr, "T6: no response: the SDK decoded no response")
		assert.Contains(t, ex.responseText(), "the SDK returned: "+err.Error())
	}
}

// TestSDKCallRefuses: what the SDK cannot send is a harness error naming @wire, never a
// request that quietly differs from the scenario's.
func TestSDKCallRefuses(t *testing.T) {
	t.Parallel()
	tr := &sdkTransport{host: "127.0.0.1:1", scheme: "HTTP", timeout: 1, base: http.DefaultTransport, limit: maxResponse}
	base := func() *requestSpec {
		return (&scenario{}).newSpec("us-1", signing.Credential{SecretID: "AKIDx", SecretKey: "k"})
	}
	for name, change := range map[string]func(r *requestSpec){
		"PUT":                  func(r *requestSpec) { r.method = http.MethodPut },
		"a hand-made body":     func(r *requestSpec) { r.body, r.hasBody = []byte("{}"), true },
		"a hand-made query":    func(r *requestSpec) { r.method, r.query, r.hasQuery = http.MethodGet, "a=b", true },
		"other signed headers": func(r *requestSpec) { r.signedHeaders = []string{"content-type", "host", "x-tc-action"} },
		"a skewed timestamp":   func(r *requestSpec) { r.tsOffset = 60 },
		"another scope date":   func(r *requestSpec) { r.scopeDayOffset = 1 },
		"another service":      func(r *requestSpec) { r.service = "cvm" },
		"no Authorization":     func(r *requestSpec) { r.noAuth = true },
		"an Authorization":     func(r *requestSpec) { v := "x"; r.authValue = &v },
		"a tamper":             func(r *requestSpec) { r.after = []tamper{nil} },
		"X-TC-Timestamp":       func(r *requestSpec) { r.headers = []headerEdit{{name: "X-TC-Timestamp", value: "1"}} },
		"no X-TC-Action":       func(r *requestSpec) { r.headers = []headerEdit{{name: "X-TC-Action", remove: true}} },
		"a GET with a number": func(r *requestSpec) {
			r.method = http.MethodGet
			r.setParam("JobIds", json.RawMessage(`[1]`))
		},
		"a GET with an unknown parameter": func(r *requestSpec) {
			r.method = http.MethodGet
			r.setParam("Foo", json.RawMessage(`"x"`))
		},
		"a GET with an empty UserStoreId": func(r *requestSpec) {
			r.method = http.MethodGet
			r.setParam("UserStoreId", json.RawMessage(`""`))
		},
		"v1 with an object": func(r *requestSpec) {
			r.v1Method = signing.HmacSHA256
			r.setParam("UserStoreId", json.RawMessage(`{"Id":"x"}`))
		},
	} {
		spec := base()
		change(spec)
		_, err := tr.call(context.Background(), spec, "ap-guangzhou")
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), "harness error", name)
		assert.Contains(t, err.Error(), "tag the scenario @wire", name)
	}
	for name, change := range map[string]func(r *requestSpec){
		"POST":                       func(*requestSpec) {},
		"POST with wrong types":      func(r *requestSpec) { r.setParam("UserStoreId", json.RawMessage(`123`)) },
		"POST with an unknown one":   func(r *requestSpec) { r.setParam("Limit", json.RawMessage(`10`)) },
		"GET with JobIds and a null": func(r *requestSpec) { r.method = http.MethodGet; r.setParam("JobIds", json.RawMessage(`null`)) },
		"v1 GET":                     func(r *requestSpec) { r.method, r.v1Method = http.MethodGet, signing.HmacSHA1 },
		"the SDK's signed headers":   func(r *requestSpec) { r.signedHeaders = strings.Split(sdkSignedHeaders, ";") },
		"headers the SDK maps": func(r *requestSpec) {
			r.headers = []headerEdit{{name: "X-TC-Region", remove: true}, {name: "x-tc-action", value: "ListJob"},
				{name: "X-TC-Version", value: "2021-01-01"}, {name: "X-TC-Language", value: "en-US"}, {name: "X-TC-TraceId", value: "t"}}
		},
	} {
		spec := base()
		change(spec)
		_, err := tr.call(context.Background(), spec, "ap-guangzhou")
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
	ex := sdkExchange(nil, err, nil, time.Now(), time.Now())
	if ex.err == nil || len(ex.err.Error()) > 2*attachLimit || !strings.Contains(ex.err.Error(), "bytes in all") {
		t.Fatalf("the SDK's error as the checks see it is %d bytes, want at most %d, clipped", len(ex.err.Error()), 2*attachLimit)
	}
	short := sdkErrText(errors.New("bad Signature=abc&Token=secret-token"))
	if strings.Contains(short, "abc") || strings.Contains(short, "secret-token") {
		t.Errorf("not redacted: %q", short)
	}
	if txt := ex.sdk.text(ex); len(txt) > 4*attachLimit {
		t.Errorf("the response report is %d bytes", len(txt))
	}
}
