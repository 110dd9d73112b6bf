package runner

import (
	"bytes"
	"context"
	"encoding/pem"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cucumber/godog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciam-harness/listjobs/features"
	"github.com/ciam-harness/listjobs/nearmiss"
	"github.com/ciam-harness/listjobs/result"
	"github.com/ciam-harness/listjobs/steps"
	"github.com/ciam-harness/listjobs/vocab"
)

func TestActionsOf(t *testing.T) {
	req := func(method, target, contentType, body string, headers ...string) *http.Request {
		r, err := http.NewRequest(method, target, strings.NewReader(body))
		require.NoError(t, err)
		if contentType != "" {
			r.Header.Set("Content-Type", contentType)
		}
		for i := 0; i < len(headers); i += 2 {
			r.Header.Add(headers[i], headers[i+1])
		}
		return r
	}
	cases := []struct {
		name string
		r    *http.Request
		want []string
	}{
		{"TC3 header", req("POST", "http://h/", "application/json", "{}", "X-TC-Action", "ListJobs"), []string{"ListJobs"}},
		{"two headers", req("POST", "http://h/", "application/json", "{}", "X-TC-Action", "ListJobs", "X-TC-Action", "DeleteUser"), []string{"ListJobs", "DeleteUser"}},
		{"v1 GET", req("GET", "http://h/?Action=ListJobs&Version=2022-03-31", "", ""), []string{"ListJobs"}},
		{"v1 POST form", req("POST", "http://h/", "application/x-www-form-urlencoded", "Action=DeleteUser&Version=1"), []string{"DeleteUser"}},
		{"header and query", req("POST", "http://h/?Action=DeleteUser", "application/json", "{}", "X-TC-Action", "ListJobs"), []string{"ListJobs", "DeleteUser"}},
		{"none", req("POST", "http://h/", "application/json", `{"Action":"DeleteUser"}`), nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := actionsOf(tc.r)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
	// The body can still be sent after the guard read it.
	r := req("POST", "http://h/", "application/x-www-form-urlencoded", "Action=ListJobs")
	_, err := actionsOf(r)
	require.NoError(t, err)
	b, _ := io.ReadAll(r.Body)
	assert.Equal(t, "Action=ListJobs", string(b))
}

// TestSentActionInTheRealSuite: the scenarios of the suite that send another action
// than ListJobs on purpose are exactly P1's (the near misses of the action that the
// table of package nearmiss gives included) and the InvalidAction examples of T5 and
// T7, the ones skipped against a foreign endpoint.
func TestSentActionInTheRealSuite(t *testing.T) {
	sel, _, err := selectIn(features.FS, "", shard{1, 1})
	require.NoError(t, err)
	actions := []string{"ListJob", "ListJobsX", "listjobs", "LISTJOBS", "NoSuchAction"}
	misses := actionNearMisses()
	for _, m := range misses {
		actions = append(actions, regexp.QuoteMeta(m))
	}
	var other []string
	for _, s := range sel {
		if s.traits.OtherAction {
			other = append(other, s.Name+" ["+strings.Join(vocab.RowsOf(s.Tags), " ")+"] "+s.traits.Action)
		}
	}
	assert.Len(t, other, 7+len(misses), "%v", other)
	for _, o := range other {
		assert.Regexp(t, `\[(P1|T5|T7)\] (`+strings.Join(actions, "|")+`)$`, o)
	}
}

// actionNearMisses are the actions the near-miss scenarios of X-TC-Action send.
func actionNearMisses() []string {
	var out []string
	for _, o := range nearmiss.Outlines() {
		if o.Value.Field == "X-TC-Action" {
			for _, m := range o.Members {
				miss, _ := o.Value.Of(m)
				out = append(out, miss)
			}
		}
	}
	return out
}

// recordingServer answers 200 to everything and records the actions it is sent.
func recordingServer(t *testing.T) (*httptest.Server, func() []string) {
	t.Helper()
	var mu sync.Mutex
	var actions []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		actions = append(actions, r.Header.Get("X-TC-Action"))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"Response":{"JobSet":[],"RequestId":"00000000-0000-4000-8000-000000000000"}}`)
	}))
	t.Cleanup(srv.Close)
	return srv, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), actions...)
	}
}

// actionSteps are fake steps that send a given action: through a step text the runner
// recognises, or sneaked past it.
func actionSteps(t *testing.T) func(steps.Target) (func(*godog.ScenarioContext), error) {
	fake := fakeSteps(nil, nil)
	return func(tg steps.Target) (func(*godog.ScenarioContext), error) {
		init, err := fake(tg)
		return func(sc *godog.ScenarioContext) {
			init(sc)
			send := func(ctx context.Context, action string) error {
				_, err := sendAction(ctx, tg, action)
				return err
			}
			// The real sentences, so that the catalogue's traits say what they send.
			var action string
			sc.Step(`^the header "X-TC-Action" is "([^"]*)"$`, func(a string) { action = a })
			sc.Step(`^the request is sent$`, func(ctx context.Context) error { return send(ctx, action) })
			sc.Step(`^it sneaks the action "([^"]*)"$`, send)
		}, err
	}
}

const actionFeature = `Feature: actions
  @P1
  Scenario: wrong action
    Given the header "X-TC-Action" is "NoSuchAction"
    When the request is sent

  @T6
  Scenario: ordinary
    Given it calls the endpoint

  @T7
  Scenario: sneaky
    Given it sneaks the action "DeleteUser"
`

// TestRunSkipsOtherActionsOnForeignEndpoints: against a foreign endpoint the scenario
// that sends another action on purpose is skipped with the reason, one that sneaks one
// in is refused by the client, and the endpoint sees ListJobs only; with
// AllowInvalidActions both are sent.
func TestRunSkipsOtherActionsOnForeignEndpoints(t *testing.T) {
	srv, seen := recordingServer(t)
	cfg := fakeConfig(t, srv.URL, map[string]string{"actions.feature": actionFeature})
	cfg.newScenarios = actionSteps(t)
	res, stdout, _ := runCfg(t, cfg)
	assert.Equal(t, ExitFailed, res.ExitCode, "the sneaked action fails its scenario")
	wrong := byName(t, res, "wrong action")
	assert.Equal(t, result.Skipped, wrong.Status)
	assert.Equal(t, `sends the action "NoSuchAction" on purpose: against an endpoint other than the embedded emulator the harness sends only ListJobs (--allow-invalid-actions runs it)`, wrong.Reason)
	assert.Equal(t, result.Passed, byName(t, res, "ordinary").Status)
	sneaky := byName(t, res, "sneaky")
	assert.Equal(t, result.Failed, sneaky.Status)
	assert.Contains(t, sneaky.Error, `refused to send the action "DeleteUser"`)
	for _, a := range seen() {
		assert.Equal(t, "ListJobs", a, "the endpoint sees ListJobs only (the probe included)")
	}
	assert.Len(t, seen(), 3, "the probe, the pre-flight and the ordinary scenario")
	assert.Contains(t, stdout, "scenarios skipped, and why:\n  actions.feature:3 \"wrong action\" [P1]: sends the action \"NoSuchAction\" on purpose")
	assert.Contains(t, stdout, "rows not checked (every scenario of the row skipped, or stopped by another row's failure): P1")
	html, err := os.ReadFile(filepath.Join(cfg.OutDir, "report.html"))
	require.NoError(t, err)
	assert.Contains(t, string(html), "--allow-invalid-actions runs it")
	junit, err := os.ReadFile(filepath.Join(cfg.OutDir, "junit.xml"))
	require.NoError(t, err)
	assert.Regexp(t, `<testcase name="wrong action"[^>]*>\s*<skipped>sends the action &#34;NoSuchAction&#34; on purpose[^<]*</skipped>\s*</testcase>`, string(junit), "junit.xml shows the skip as a skip, with its reason, and no error")
	assert.Regexp(t, `<testcase name="sneaky"[^>]*>\s*<error message="Post [^"]*refused to send the action &#34;DeleteUser&#34;[^"]*" type="harness">`, string(junit), "the client's refusal names no row: a harness error")

	cfg = fakeConfig(t, srv.URL, map[string]string{"actions.feature": actionFeature})
	cfg.newScenarios = actionSteps(t)
	cfg.AllowInvalidActions = true
	before := len(seen())
	res, _, _ = runCfg(t, cfg)
	assert.Equal(t, ExitPassed, res.ExitCode)
	// The probe and the pre-flight, then the scenarios' requests.
	assert.ElementsMatch(t, []string{"ListJobs", "ListJobs", "NoSuchAction", "ListJobs", "DeleteUser"}, seen()[before:])
}

// TestRunEmbeddedSendsOtherActions: the embedded emulator is ours: every scenario runs.
func TestRunEmbeddedSendsOtherActions(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Tags = "@P1"
	cfg.Format = "progress"
	cfg.Reports = "none"
	res, stdout, _ := runCfg(t, cfg)
	require.Equal(t, ExitPassed, res.ExitCode, stdout)
	require.Len(t, res.Scenarios, 5+len(actionNearMisses()))
	for _, s := range res.Scenarios {
		assert.Equal(t, result.Passed, s.Status)
	}
}

func TestResponseCap(t *testing.T) {
	var written atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/exact":
			w.Write(bytes.Repeat([]byte("x"), 2048))
		case "/announced":
			w.Header().Set("Content-Length", "300000000")
			w.WriteHeader(http.StatusOK)
			n, _ := w.Write(make([]byte, 4096))
			written.Add(int64(n))
		case "/stream":
			buf := make([]byte, 32<<10)
			for range 1 << 14 { // 512 MB if nobody stops reading
				n, err := w.Write(buf)
				written.Add(int64(n))
				if err != nil {
					return
				}
			}
		}
	}))
	t.Cleanup(srv.Close)
	client := newClient(5*time.Second, 2048, nil, false)
	get := func(path string) ([]byte, error) {
		resp, err := client.Get(srv.URL + path)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		return io.ReadAll(resp.Body)
	}
	b, err := get("/exact")
	require.NoError(t, err, "a body of exactly the cap is read")
	assert.Len(t, b, 2048)

	_, err = get("/announced")
	require.ErrorIs(t, err, errResponseTooLarge)
	assert.ErrorContains(t, err, "HTTP 200 announces a body of 300000000 bytes, above the cap of 2KB (--max-response)")

	b, err = get("/stream")
	require.ErrorIs(t, err, errResponseTooLarge)
	assert.ErrorContains(t, err, "longer than the cap of 2KB (--max-response)")
	assert.Len(t, b, 2048, "what is read stops at the cap")
	assert.Less(t, written.Load(), int64(64<<20), "the reader stopped, the body was not read whole")
}

func TestTLSConfig(t *testing.T) {
	dir := t.TempDir()
	_, err := tlsConfig(Config{CAFile: filepath.Join(dir, "missing.pem")})
	assert.ErrorContains(t, err, "--ca-file: open ")
	notPEM := filepath.Join(dir, "not.pem")
	require.NoError(t, os.WriteFile(notPEM, []byte("hello"), 0o644))
	_, err = tlsConfig(Config{CAFile: notPEM})
	assert.ErrorContains(t, err, "holds no PEM certificate")
	_, err = tlsConfig(Config{CAFile: notPEM, InsecureSkipVerify: true})
	assert.ErrorContains(t, err, "give --ca-file or --insecure-skip-verify, not both")
	tc, err := tlsConfig(Config{})
	require.NoError(t, err)
	assert.Nil(t, tc.RootCAs, "the system's roots")
	assert.False(t, tc.InsecureSkipVerify, "verification is on by default")
}

// TestRunTLS: an https endpoint with a certificate of its own CA is refused (exit 2,
// with a hint), verified with --ca-file, and taken unverified with
// --insecure-skip-verify, with a warning.
func TestRunTLS(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		io.WriteString(w, `{}`)
	}))
	t.Cleanup(srv.Close)
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	require.NoError(t, os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o644))
	feature := map[string]string{"f.feature": "Feature: f\n  Scenario: s\n    Given it calls the endpoint\n"}

	cfg := fakeConfig(t, srv.URL, feature)
	res, _, stderr := runCfg(t, cfg)
	assert.Equal(t, ExitUsage, res.ExitCode)
	assert.Regexp(t, `^conformance: endpoint https://127\.0\.0\.1:\d+ could not be reached: .*certificate.*\(give the CA that signed it with --ca-file\)\n$`, stderr)

	cfg = fakeConfig(t, srv.URL, feature)
	cfg.CAFile = caFile
	res, _, stderr = runCfg(t, cfg)
	assert.Equal(t, ExitPassed, res.ExitCode, stderr)
	assert.Empty(t, stderr)

	cfg = fakeConfig(t, srv.URL, feature)
	cfg.InsecureSkipVerify = true
	res, _, stderr = runCfg(t, cfg)
	assert.Equal(t, ExitPassed, res.ExitCode, stderr)
	assert.Contains(t, stderr, "warning: --insecure-skip-verify")
}

func TestProbeCountsAConnectionAsReachable(t *testing.T) {
	// A server that accepts and then never answers is reachable: its scenarios fail.
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(func() { close(release); srv.Close() })
	client := newClient(200*time.Millisecond, DefaultMaxResponse, nil, true)
	assert.NoError(t, probe(context.Background(), client, srv.URL, 200*time.Millisecond))

	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	err := probe(context.Background(), client, dead.URL, 200*time.Millisecond)
	assert.ErrorContains(t, err, "could not be reached")
	assert.False(t, errors.Is(err, errActionRefused), "the probe names ListJobs")
}
