package steps_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	harnesscheck "github.com/ciam-harness/listjobs/check"
	"github.com/ciam-harness/listjobs/emulator"
	"github.com/ciam-harness/listjobs/features"
	"github.com/ciam-harness/listjobs/steps"
	"github.com/ciam-harness/listjobs/vocab"
)

// failures joins the errors of the scenarios that failed.
func failures(outcomes []outcome) string {
	var msgs []string
	for _, o := range outcomes {
		if o.err != nil {
			msgs = append(msgs, o.name+": "+o.err.Error())
		}
	}
	return strings.Join(msgs, "\n---\n")
}

// sdkDriverTags are the scenarios TestSDKDriver runs: those whose requests the sdk
// driver makes in a way of its own (signature v1, tokens, GET, headers mapped to the
// client's settings, parameters of the wrong type, the SDK's retry) and some @wire ones.
// The runner's tests run the whole suite with the sdk driver.
const sdkDriverTags = "@A1,@A2,@A7,@A8,@T1,@T2,@T4,@P1,@P2,@P3,@P5,@P6,@P10,@S9,@R3,@sdk-retry"

// TestSDKDriver runs scenarios through the official SDK against the reference emulator:
// every scenario not tagged @wire passes, every @wire one is skipped with a reason, and
// every request the emulator saw came from the SDK.
func TestSDKDriver(t *testing.T) {
	t.Parallel()
	var requests, fromSDK atomic.Int64
	cfg := emulator.Config{RateLimit: emulator.DefaultRateLimit,
		Wrap: func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				requests.Add(1)
				// TC3 says who sent it in X-TC-RequestClient, signature v1 in the
				// RequestClient parameter (the query of a GET, the form of a POST).
				body, _ := io.ReadAll(r.Body)
				r.Body = io.NopCloser(bytes.NewReader(body))
				form, _ := url.ParseQuery(string(body))
				client := r.Header.Get("X-TC-RequestClient") + r.URL.Query().Get("RequestClient") + form.Get("RequestClient")
				if strings.HasPrefix(client, "SDK_GO_") {
					fromSDK.Add(1)
				}
				next.ServeHTTP(w, r)
			})
		},
	}
	status, outcomes := runDriver(t, sdkTarget(t, cfg), features.FS, sdkDriverTags)
	assert.Equal(t, 0, status, failures(outcomes))
	var passed, skipped int
	for _, o := range outcomes {
		switch {
		case o.err != nil:
			t.Errorf("%s: %v", o.name, o.err)
		case contains(o.tags, vocab.TagWire):
			assert.Contains(t, o.skipped, "needs the wire driver: ", "%s: a @wire scenario was not skipped with its reason", o.name)
			skipped++
		default:
			assert.Empty(t, o.skipped, o.name)
			passed++
		}
	}
	t.Logf("sdk driver: %d passed, %d @wire skipped, %d requests", passed, skipped, requests.Load())
	assert.GreaterOrEqual(t, skipped, 5)
	assert.GreaterOrEqual(t, passed, 40)
	assert.Positive(t, requests.Load())
	// The probe-free run sends nothing but the SDK's requests (the T4 scenario sets its
	// own X-TC-RequestClient, which starts with SDK_GO_ too).
	assert.Equal(t, requests.Load(), fromSDK.Load(), "requests that did not come from the SDK")
}

// TestSDKDriverConformingVariants: what the contract allows, the SDK must decode:
// "JobSet": null for an empty result (S5) and Job fields the contract does not name (J9).
func TestSDKDriverConformingVariants(t *testing.T) {
	t.Parallel()
	extra := func(body []byte) []byte {
		return bytes.ReplaceAll(body, []byte(`{"Id":`), []byte(`{"Extra":{"x":[1,2]},"Id":`))
	}
	for name, c := range map[string]struct {
		cfg  emulator.Config
		tags string
	}{
		"null for an empty result": {emulator.Config{NullEmpty: true}, "@S5,@S3,@S6"},
		"extra fields":             {emulator.Config{Wrap: rewriteBodies(extra)}, "@J1,@J4,@J9,@S1"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			status, outcomes := runDriver(t, sdkTarget(t, c.cfg), features.FS, c.tags)
			assert.Equal(t, 0, status, failures(outcomes))
		})
	}
}

// TestSDKDriverFails: an endpoint that breaks what the SDK reads fails the sdk driver's
// scenarios of the row, with a message that names it.
func TestSDKDriverFails(t *testing.T) {
	t.Parallel()
	status400 := func(next http.Handler) http.Handler { // every answer, successes too, with HTTP 400
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(statusWriter{w, http.StatusBadRequest}, r)
		})
	}
	eventStream := func(next http.Handler) http.Handler { // every answer as text/event-stream
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			for k, v := range rec.Header() {
				w.Header()[k] = v
			}
			w.Header().Set("Content-Type", "text/event-stream")
			w.WriteHeader(rec.Code)
			_, _ = w.Write(rec.Body.Bytes())
		})
	}
	cases := []struct {
		name    string
		cfg     emulator.Config
		tags    string
		message string
	}{
		{"no RequestId", emulator.Config{Wrap: rewriteBodies(rewriteJSON(func(r map[string]any) {
			delete(r, "RequestId")
		}))}, "@T8", `T8: Response.RequestId = ""; want a non-empty string`},
		{"a success with HTTP 400", emulator.Config{Wrap: status400}, "@S1", "ClientError.HttpStatusCodeError"},
		{"a server-sent event stream", emulator.Config{Wrap: eventStream}, "@S2", "the SDK decoded no response"},
		{"another error code", emulator.Config{Wrap: rewriteBodies(rewriteJSON(func(r map[string]any) {
			if e, ok := r["Error"].(map[string]any); ok {
				e["Code"] = e["Code"].(string) + ".Other"
			}
		}))}, "@T7&&~@fault-injection", `.Other"; want "`},
		{"no rate limit", emulator.Config{RateLimit: 0}, "@sdk-retry", "succeeded after the SDK retried them"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			status, outcomes := runDriver(t, sdkTarget(t, c.cfg), features.FS, c.tags)
			assert.NotEqual(t, 0, status, "the sdk driver passed against a broken emulator")
			msgs := failures(outcomes)
			require.NotEmpty(t, msgs, "no scenario of %s failed", c.tags)
			assert.Contains(t, msgs, c.message)
			t.Log(msgs)
		})
	}
}

// TestSDKDriverRefusesRedirects: the SDK's own HTTP client would follow a redirect,
// carrying a signature v1 form (signature, token) wherever the server points; the sdk
// driver refuses, the scenario fails saying so, and no signature shows in the messages.
func TestSDKDriverRefusesRedirects(t *testing.T) {
	t.Parallel()
	var elsewhere atomic.Int64
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { elsewhere.Add(1) }))
	t.Cleanup(other.Close)
	cfg := emulator.Config{Wrap: func(http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, other.URL+"/", http.StatusTemporaryRedirect)
		})
	}}
	status, outcomes := runDriver(t, sdkTarget(t, cfg), features.FS, "@A7")
	assert.NotEqual(t, 0, status)
	msgs := failures(outcomes)
	assert.Contains(t, msgs, "a redirect is never followed")
	assert.NotRegexp(t, `Signature=[^<]`, msgs)
	assert.Zero(t, elsewhere.Load(), "a request went where the redirect pointed")
}

// statusWriter answers with status instead of 200.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w statusWriter) WriteHeader(code int) {
	if code == http.StatusOK {
		code = w.status
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w statusWriter) Write(b []byte) (int, error) { return w.ResponseWriter.Write(b) }

// TestSDKDriverJudgesTheRoundTripsItSaw: an endpoint that answers errors with HTTP 400
// breaks T5. The SDK reads the error code of such a response all the same, and hands
// its caller neither the status nor the Content-Type, so the T5 scenarios are the wire
// driver's; but every HTTP round trip the sdk driver saw is the endpoint's own answer,
// judged by the rules of every exchange: the error scenarios run through the SDK fail
// on T5, and on T5 alone (what the SDK decoded is a correct error).
func TestSDKDriverJudgesTheRoundTripsItSaw(t *testing.T) {
	t.Parallel()
	cfg := mutantConfig(t, "error-status-400")
	cfg.RateLimit = 0
	status, outcomes := runDriver(t, startTarget(t, cfg), features.FS, "@T5")
	assert.NotEqual(t, 0, status, "the wire driver missed errors answered with HTTP 400")
	assert.Contains(t, failures(outcomes), "T5: HTTP status 400")

	status, outcomes = runDriver(t, sdkTarget(t, cfg), features.FS, "@T7,@T5")
	assert.NotEqual(t, 0, status, "the sdk driver missed the HTTP 400 of the round trips it saw")
	failed := 0
	for _, o := range outcomes {
		if contains(o.tags, "@T5") {
			assert.NotEmpty(t, o.skipped, "%s: the T5 scenarios are the wire driver's", o.name)
		}
		if o.err == nil {
			continue
		}
		failed++
		assert.Equal(t, []string{"T5"}, harnesscheck.Blame(o.err), "%s: %v", o.name, o.err)
		assert.Contains(t, o.err.Error(), "HTTP status 400", o.name)
	}
	assert.Positive(t, failed, "no error scenario failed on the round trips' HTTP 400")
}

// driverFeature holds scenarios that test the driver switch itself.
const driverFeature = `Feature: the driver switch

  @T6
  Scenario: untagged, but it needs the wire driver
    Given a ListJobs request for the user store under test
    And the request's timestamp is 60 seconds in the past
    When the request is sent
    Then the response is a success

  @T6
  Scenario: untagged, and it checks the HTTP status
    Given a ListJobs request for the user store under test
    When the request is sent
    Then the HTTP status is 200

  @T6 @wire
  Scenario: tagged @wire without a step that needs it
    When the jobs of the user store under test are listed
    Then the response is a success

  @T6
  Scenario: untagged and fine with the SDK
    Given a ListJobs request for the user store under test
    And the header "X-TC-Region" is absent
    When the request is sent
    Then the response is the error "MissingParameter"

  @T6
  Scenario: untagged, and the SDK's typed GET cannot carry it
    Given a ListJobs request for the user store under test
    And the request is sent as GET
    And the parameter "Foo" is ` + "`\"bar\"`" + `
    When the request is sent
    Then the response is the error "UnknownParameter"

  @T6 @sdk-retry
  Scenario: the SDK's retry
    When the jobs of the user store under test are listed
    Then the response is a success
`

// TestDriverSwitch: under the sdk driver, a scenario that needs the wire driver is
// skipped, naming the step, whether it is tagged @wire or not (the catalogue says so);
// a @wire scenario is skipped whatever its steps; under the wire driver, @sdk-retry
// scenarios are skipped and the others run.
func TestDriverSwitch(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{"driver.feature": {Data: []byte(driverFeature)}}
	byName := func(outcomes []outcome) map[string]outcome {
		m := map[string]outcome{}
		for _, o := range outcomes {
			m[o.name] = o
		}
		return m
	}

	status, outcomes := runDriver(t, sdkTarget(t, emulator.Config{}), fsys, "")
	assert.NotEqual(t, 0, status)
	sdk := byName(outcomes)
	for name, step := range map[string]string{
		"untagged, but it needs the wire driver":  "the request's timestamp is",
		"untagged, and it checks the HTTP status": "the HTTP status is 200",
	} {
		require.NoError(t, sdk[name].err, name)
		assert.Contains(t, sdk[name].skipped, "the step \""+step, name)
	}
	require.Error(t, sdk["untagged, and the SDK's typed GET cannot carry it"].err)
	assert.Contains(t, sdk["untagged, and the SDK's typed GET cannot carry it"].err.Error(), "typed request")
	assert.Equal(t, "the scenario is tagged @wire for the wire driver only", sdk["tagged @wire without a step that needs it"].skipped)
	assert.NoError(t, sdk["untagged and fine with the SDK"].err)
	assert.NoError(t, sdk["the SDK's retry"].err)
	assert.Empty(t, sdk["the SDK's retry"].skipped)

	status, outcomes = runDriver(t, startTarget(t, emulator.Config{}), fsys, "")
	assert.Equal(t, 0, status, failures(outcomes))
	wire := byName(outcomes)
	assert.Contains(t, wire["the SDK's retry"].skipped, "tagged @sdk-retry")
	assert.Empty(t, wire["tagged @wire without a step that needs it"].skipped)
	assert.Empty(t, wire["untagged, but it needs the wire driver"].skipped)
}

// TestNewSuiteDriver: a target without a driver is refused.
func TestNewSuiteDriver(t *testing.T) {
	t.Parallel()
	target := startTarget(t, emulator.Config{})
	target.Driver = nil
	_, err := steps.NewSuite(target)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "Target.Driver is nil")
}
