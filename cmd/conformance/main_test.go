package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	listjobs "github.com/ciam-harness/listjobs"
	"github.com/ciam-harness/listjobs/emulator"
	"github.com/ciam-harness/listjobs/fixture"
	"github.com/ciam-harness/listjobs/mutants"
)

// runMainEnv makes the test binary run main() instead of the tests, so the tests see
// the command's real exit codes without building it separately.
const runMainEnv = "CONFORMANCE_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(runMainEnv) == "1" {
		main()
		os.Exit(0) // main always exits itself; this is a safety net
	}
	os.Exit(m.Run())
}

// command runs the command with args and only the given variables (plus PATH, HOME
// and the Go cache): the developer's CIAM_* or TENCENTCLOUD_* do not leak in.
func command(t *testing.T, env []string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = []string{runMainEnv + "=1", "PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
	cmd.Env = append(cmd.Env, env...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		code = 0
	case errors.As(err, &exit):
		code = exit.ExitCode()
	default:
		t.Fatalf("running the command: %v", err)
	}
	return code, out.String(), errOut.String()
}

func defaultFixture(t *testing.T) *fixture.Fixture {
	t.Helper()
	fx, err := fixture.Read(bytes.NewReader(listjobs.DefaultFixture))
	require.NoError(t, err)
	return fx
}

func TestHelp(t *testing.T) {
	code, stdout, stderr := command(t, nil, "--help")
	assert.Equal(t, 0, code)
	assert.Empty(t, stderr)
	for _, s := range []string{"--endpoint", "CIAM_ENDPOINT", "--region", "TENCENTCLOUD_REGION", "--fixture", "CIAM_FIXTURE",
		"--user-store", "CIAM_USER_STORE_ID", "--tags", "CIAM_TAGS", "--format", "--out", "CIAM_OUT", "--concurrency",
		"--timeout", "--seed", "TENCENTCLOUD_SECRET_ID", "TENCENTCLOUD_SECRET_KEY"} {
		assert.Contains(t, stdout, s)
	}
}

func TestPassesOnTheEmbeddedEmulator(t *testing.T) {
	out := t.TempDir()
	code, stdout, stderr := command(t, nil, "--tags", "@T1,@S1", "--format", "progress", "--out", out)
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	assert.Contains(t, stdout, "PASS (exit 0)")
	// Every report, by default.
	for _, name := range []string{"junit.xml", "cucumber.json", "results.ndjson", "summary.md", "report.html", "manifest.json"} {
		_, err := os.Stat(filepath.Join(out, name))
		assert.NoError(t, err, name)
	}
	assert.Contains(t, stdout, "reports: "+filepath.Join(out, "junit.xml"))

	// junit is a report of the harness, no longer a godog formatter.
	code, _, stderr = command(t, nil, "--tags", "@T1", "--format", "progress,junit", "--out", out)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "junit is no longer a godog formatter")
}

func TestUsageErrorsExit2(t *testing.T) {
	fx := defaultFixture(t)
	primary, _ := fx.Credential("primary")
	creds := []string{"TENCENTCLOUD_SECRET_ID=" + primary.SecretID, "TENCENTCLOUD_SECRET_KEY=" + primary.SecretKey}
	cases := []struct {
		name string
		env  []string
		args []string
		want string
	}{
		{"cucumber tag expression", nil, []string{"--tags", "@S1 and not @assumed"}, `is not @tag or ~@tag`},
		{"trailing comma", nil, []string{"--tags", "@S1,"}, `empty alternative`},
		{"tags from the environment", []string{"CIAM_TAGS=not @slow"}, nil, `--tags "not @slow"`},
		{"no scenario selected", nil, []string{"--tags", "@no-such-tag"}, `no scenario matches --tags "@no-such-tag"`},
		{"unreachable endpoint", creds, []string{"--endpoint", "http://127.0.0.1:1", "--user-store", "us-x"}, "endpoint http://127.0.0.1:1 could not be reached: "},
		{"endpoint not a URL", creds, []string{"--endpoint", "127.0.0.1:9000", "--user-store", "us-x"}, "is not an http(s) URL"},
		{"foreign endpoint without credentials", nil, []string{"--endpoint", "http://127.0.0.1:1", "--user-store", "us-x"}, "needs credentials"},
		{"unknown flag", nil, []string{"--secret-key", "x"}, "flag provided but not defined: -secret-key"},
		{"invalid fixture", nil, []string{"--fixture", "main.go"}, "--fixture: fixture main.go: not a valid fixture"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := command(t, tc.env, tc.args...)
			assert.Equal(t, 2, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
			assert.Contains(t, stderr, tc.want)
			assert.Equal(t, 1, strings.Count(stderr, "\n"), "one line: %q", stderr)
			assert.Empty(t, stdout)
		})
	}
}

// brokenEndpoint starts the mutant that ignores JobIds (breaking S2) and returns the
// environment that points the command at it with the default fixture's primary key.
func brokenEndpoint(t *testing.T) (env []string, primary fixture.Credential) {
	t.Helper()
	fx := defaultFixture(t)
	primary, _ = fx.Credential("primary")
	m, ok := mutants.ByName("filter-ignored")
	require.True(t, ok)
	srv, err := m.Start(fx)
	require.NoError(t, err)
	t.Cleanup(func() { srv.Close() })
	return []string{"TENCENTCLOUD_SECRET_ID=" + primary.SecretID, "TENCENTCLOUD_SECRET_KEY=" + primary.SecretKey, "CIAM_ENDPOINT=" + srv.URL}, primary
}

func TestFailsAgainstABrokenEndpoint(t *testing.T) {
	env, primary := brokenEndpoint(t)
	args := []string{"--fixture", filepath.Join("..", "..", "testdata", "fixture.json"), "--tags", "@S2", "--format", "progress", "--out", t.TempDir()}
	code, stdout, stderr := command(t, env, args...)
	require.Equal(t, 1, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	assert.Contains(t, stdout, "rows failed: S2")
	assert.NotContains(t, stdout+stderr, primary.SecretKey)
}

// TestKnownFailureLedger runs the command against an emulator that ignores JobIds
// (breaking S2) with a ledger of its failures: exit 0; then the same ledger against the
// unbroken emulator: exit 1, "remove it from the ledger".
func TestKnownFailureLedger(t *testing.T) {
	fx := defaultFixture(t)
	primary, _ := fx.Credential("primary")
	ignoreFilter, ok := mutants.ByName("filter-ignored")
	require.True(t, ok)
	broken, err := ignoreFilter.Start(fx)
	require.NoError(t, err)
	t.Cleanup(func() { broken.Close() })
	healthy, err := emulator.Start(emulator.Config{Fixture: fx, RateLimit: emulator.DefaultRateLimit})
	require.NoError(t, err)
	t.Cleanup(func() { healthy.Close() })
	creds := []string{"TENCENTCLOUD_SECRET_ID=" + primary.SecretID, "TENCENTCLOUD_SECRET_KEY=" + primary.SecretKey}
	fixturePath := filepath.Join("..", "..", "testdata", "fixture.json")
	run := func(endpoint string, args ...string) (int, string, string, string) {
		out := t.TempDir()
		args = append([]string{"--endpoint", endpoint, "--fixture", fixturePath, "--tags", "@S2", "--format", "progress", "--out", out}, args...)
		code, stdout, stderr := command(t, creds, args...)
		return code, stdout, stderr, out
	}

	code, stdout, stderr, out := run(broken.URL)
	require.Equal(t, 1, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	var entries []map[string]string
	b, err := os.ReadFile(filepath.Join(out, "results.ndjson"))
	require.NoError(t, err)
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var rec struct{ Feature, Name, Status string }
		require.NoError(t, json.Unmarshal([]byte(line), &rec))
		if rec.Status == "failed" {
			entries = append(entries, map[string]string{"feature": rec.Feature, "scenario": rec.Name, "reason": "the emulator ignores JobIds"})
		}
	}
	require.NotEmpty(t, entries)
	doc, err := json.Marshal(map[string]any{"target": "broken emulator", "knownFailures": entries})
	require.NoError(t, err)
	ledger := filepath.Join(t.TempDir(), "known-failures.json")
	require.NoError(t, os.WriteFile(ledger, doc, 0o644))

	code, stdout, stderr, out = run(broken.URL, "--known-failures", ledger)
	require.Equal(t, 0, code, "every failure is a known one:\nstdout:\n%s\nstderr:\n%s", stdout, stderr)
	assert.Contains(t, stdout, "known failures (listed in the ledger):")
	md, err := os.ReadFile(filepath.Join(out, "summary.md"))
	require.NoError(t, err)
	assert.Contains(t, string(md), "### Known failures")

	code, stdout, stderr, _ = run(healthy.URL, "--known-failures", ledger)
	require.Equal(t, 1, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	assert.Contains(t, stdout, "is listed as a known failure but passed: remove it from the ledger")
}

// TestProxyFromTheEnvironment: with HTTP_PROXY set, every request of the run, the probe
// included, goes through the proxy, which forwards it to the emulator.
func TestProxyFromTheEnvironment(t *testing.T) {
	fx := defaultFixture(t)
	primary, _ := fx.Credential("primary")
	emu, err := emulator.Start(emulator.Config{Fixture: fx, RateLimit: emulator.DefaultRateLimit})
	require.NoError(t, err)
	t.Cleanup(func() { emu.Close() })
	target, err := url.Parse(emu.URL)
	require.NoError(t, err)
	var proxied atomic.Int64
	forward := httputil.NewSingleHostReverseProxy(target) // keeps the Host the request was signed for
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Host != "ciam.example.test" || !r.URL.IsAbs() {
			http.Error(w, "not a proxy request for ciam.example.test", http.StatusBadRequest)
			return
		}
		proxied.Add(1)
		forward.ServeHTTP(w, r)
	}))
	t.Cleanup(proxy.Close)

	env := []string{"TENCENTCLOUD_SECRET_ID=" + primary.SecretID, "TENCENTCLOUD_SECRET_KEY=" + primary.SecretKey, "HTTP_PROXY=" + proxy.URL}
	code, stdout, stderr := command(t, env, "--endpoint", "http://ciam.example.test", "--fixture", filepath.Join("..", "..", "testdata", "fixture.json"),
		"--tags", "@T1", "--format", "progress", "--reports", "none")
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	assert.Greater(t, proxied.Load(), int64(1), "the probe and the scenarios went through the proxy")
}

func TestWatchdog(t *testing.T) {
	var stderr bytes.Buffer
	exited := make(chan int, 1)
	stop := watchdog(10*time.Millisecond, &stderr, func(code int) { exited <- code })
	defer stop()
	select {
	case code := <-exited:
		assert.Equal(t, 1, code)
		assert.Contains(t, stderr.String(), "did not stop within 30s of its --deadline")
	case <-time.After(5 * time.Second):
		t.Fatal("the watchdog did not fire")
	}

	stop = watchdog(50*time.Millisecond, io.Discard, func(int) { t.Error("fired after stop") })
	stop()
	time.Sleep(100 * time.Millisecond)
}

func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"--version"}, {"-version"}, {"--tags", "@S1", "--version"}} {
		code, stdout, stderr := command(t, nil, args...)
		require.Equal(t, 0, code, "conformance %v: stderr %s", args, stderr)
		assert.Contains(t, stdout, "conformance: github.com/ciam-harness/listjobs ")
		assert.Contains(t, stdout, ", commit ")
		assert.Contains(t, stdout, "go1.")
		assert.Contains(t, stdout, "sdk driver: github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common v")
	}
	// After "--" it is no flag.
	assert.False(t, wantsVersion([]string{"--", "--version"}))
}

// TestWrongKeyStopsAtThePreflight: a SecretKey the endpoint refuses is exit 2 after one
// signed request, with a sentence saying the key was refused, and no scenario run.
func TestWrongKeyStopsAtThePreflight(t *testing.T) {
	fx := defaultFixture(t)
	primary, _ := fx.Credential("primary")
	emu, err := emulator.New(emulator.Config{Fixture: fx, RateLimit: emulator.DefaultRateLimit})
	require.NoError(t, err)
	var signed atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			signed.Add(1)
		}
		emu.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	varied, _ := fx.UserStore("varied")
	env := []string{"TENCENTCLOUD_SECRET_ID=" + primary.SecretID, "TENCENTCLOUD_SECRET_KEY=wrong-" + primary.SecretKey, "CIAM_ENDPOINT=" + srv.URL}
	code, stdout, stderr := command(t, env, "--user-store", varied.ID, "--format", "progress", "--out", t.TempDir())
	require.Equal(t, 2, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	assert.Contains(t, stderr, "refused the key")
	assert.Contains(t, stderr, "AuthFailure.SignatureFailure")
	assert.Equal(t, int64(1), signed.Load(), "one signed request, then the run stops")
	assert.NotContains(t, stdout+stderr, primary.SecretKey)
	assert.NotContains(t, stdout, "scenarios", "no scenario ran")
}
