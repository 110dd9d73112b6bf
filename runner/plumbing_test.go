package runner

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/cucumber/godog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciam-harness/listjobs/result"
	"github.com/ciam-harness/listjobs/steps"
	"github.com/ciam-harness/listjobs/wire"
)

// The tests in this file exercise the runner's godog plumbing with a fake scenario
// initializer and features in memory, against a trivial HTTP endpoint: they do not
// depend on the real steps or feature files.

const (
	sentinelKey   = "SENTINELkey7Qx9Zr2Lm5Wp8Tn3Vb6Hc1Jd4"
	sentinelToken = "SENTINELtoken0Aa1Bb2Cc3Dd4Ee5Ff6Gg7"
	sentinelSig   = "Signature=5c9f1e0d7a3b4c2e8f6a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e"
)

// fakeSteps is a scenario initializer with steps that pass, fail, skip, pend, call
// the endpoint and leak secrets. target receives the Target the runner built.
func fakeSteps(target *steps.Target, calls *atomic.Int64) func(steps.Target) (func(*godog.ScenarioContext), error) {
	return func(t steps.Target) (func(*godog.ScenarioContext), error) {
		if target != nil {
			*target = t
		}
		return func(sc *godog.ScenarioContext) {
			sc.Step(`^it passes$`, func() error { return nil })
			sc.Step(`^it fails with "([^"]*)"$`, func(msg string) error { return errors.New(msg) })
			sc.Step(`^it is pending$`, func() error { return godog.ErrPending })
			sc.Step(`^it skips$`, func() error { return godog.ErrSkip })
			sc.Step(`^it calls the endpoint$`, func(ctx context.Context) error {
				if calls != nil {
					calls.Add(1)
				}
				ex, err := sendAction(ctx, t, "ListJobs") // the one action a foreign endpoint may be sent
				if err != nil {
					return err
				}
				if ex.Status != http.StatusOK {
					return fmt.Errorf("HTTP %d; want 200", ex.Status)
				}
				return nil
			})
			sc.Step(`^it attaches the secrets$`, func(ctx context.Context) (context.Context, error) {
				body := "X-TC-Token: " + t.Credential.Token + "\nkey=" + t.Credential.SecretKey + "\nAuthorization: TC3-HMAC-SHA256 Credential=x, SignedHeaders=content-type;host, " + sentinelSig
				return godog.Attach(ctx, godog.Attachment{Body: []byte(body), FileName: "request.txt", MediaType: "text/plain"}), nil
			})
			sc.Step(`^it fails with the secrets$`, func() error {
				return fmt.Errorf("key %s token %s %s", t.Credential.SecretKey, t.Credential.Token, sentinelSig)
			})
		}, nil
	}
}

// sendAction sends an ordinary request of action through the run's driver.
func sendAction(ctx context.Context, t steps.Target, action string) (*wire.Exchange, error) {
	spec := wire.NewSpec(t.UserStoreID, t.Credential)
	spec.Headers = []wire.HeaderEdit{{Name: "X-TC-Action", Value: action}}
	shot, err := t.Driver.Prepare(ctx, spec, time.Now())
	if err != nil {
		return nil, err
	}
	ex := shot()
	return ex, ex.Err
}

// okServer is an endpoint that answers every request with 200.
func okServer(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"Response":{"JobSet":[],"RequestId":"00000000-0000-4000-8000-000000000000"}}`)
	}))
	t.Cleanup(srv.Close)
	return srv
}

const plainFeature = `Feature: plain
  @S1 @T6
  Scenario: passes
    Given it passes
    Then it calls the endpoint

  @S2
  Scenario: fails on a row
    Given it passes
    Then it fails with "JobSet has 6 jobs; want 2"

  @J4 @assumed
  Scenario Outline: outline <n>
    Given it passes
    Examples:
      | n |
      | 1 |
      | 2 |
`

// fakeConfig runs features (name -> text) with the fake steps against endpoint.
func fakeConfig(t *testing.T, endpoint string, files map[string]string) Config {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, text := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(text)}
	}
	cfg := DefaultConfig()
	cfg.Endpoint = endpoint
	cfg.SecretID, cfg.SecretKey = "AKIDfake", sentinelKey
	cfg.UserStoreID = "us-fake"
	cfg.Format = "progress"
	cfg.OutDir = t.TempDir()
	cfg.features = fsys
	cfg.newScenarios = fakeSteps(nil, nil)
	return cfg
}

func runCfg(t *testing.T, cfg Config) (Result, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	res := Run(context.Background(), cfg, &stdout, &stderr)
	return res, stdout.String(), stderr.String()
}

func byName(t *testing.T, res Result, name string) result.Scenario {
	t.Helper()
	for _, s := range res.Scenarios {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no result for scenario %q in %+v", name, res.Scenarios)
	return result.Scenario{}
}

func TestRunRecordsEveryScenario(t *testing.T) {
	srv := okServer(t)
	cfg := fakeConfig(t, srv.URL, map[string]string{"plain.feature": plainFeature})
	var calls atomic.Int64
	cfg.newScenarios = fakeSteps(nil, &calls)
	res, stdout, stderr := runCfg(t, cfg)

	require.Equal(t, ExitFailed, res.ExitCode, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	require.NoError(t, res.Err)
	require.Len(t, res.Scenarios, 4)
	assert.Equal(t, int64(1), calls.Load())

	pass := byName(t, res, "passes")
	assert.Equal(t, result.Passed, pass.Status)
	assert.Equal(t, []string{"@S1", "@T6"}, pass.Tags)
	assert.Equal(t, []string{"T6", "S1"}, pass.Rows, "rows in contract order")
	assert.Equal(t, "plain.feature", pass.Feature)
	assert.Equal(t, int64(3), pass.Line)
	assert.Empty(t, pass.Error)

	fail := byName(t, res, "fails on a row")
	assert.Equal(t, result.Failed, fail.Status)
	assert.Equal(t, []string{"S2"}, fail.Rows)
	assert.Contains(t, fail.Error, "JobSet has 6 jobs; want 2")
	assert.Positive(t, fail.Duration)

	outline := byName(t, res, "outline 2")
	assert.Equal(t, result.Passed, outline.Status)
	assert.Equal(t, []string{"J4"}, outline.Rows)
	assert.Equal(t, int64(18), outline.Line, "an outline row's line is the example row's")

	assert.Equal(t, map[string][]string{"S2": {"fails on a row"}}, res.FailedRows())
	assert.Contains(t, stdout, "rows failed: S2\n")
	assert.Contains(t, stdout, `  S2   "fails on a row"`)
	assert.Contains(t, stdout, `plain.feature:8 "fails on a row" [S2] failed: JobSet has 6 jobs; want 2`)
	assert.Contains(t, stdout, "scenarios: 4 selected, 3 passed, 1 failed")
	assert.Contains(t, stdout, "FAIL (exit 1)")
	assert.Empty(t, stderr)
}

func TestRunPassesWhenEveryScenarioPasses(t *testing.T) {
	srv := okServer(t)
	cfg := fakeConfig(t, srv.URL, map[string]string{"plain.feature": plainFeature})
	cfg.Tags = "~@S2"
	res, stdout, _ := runCfg(t, cfg)
	require.Equal(t, ExitPassed, res.ExitCode, stdout)
	assert.Len(t, res.Scenarios, 3)
	assert.Empty(t, res.Failed())
	assert.Contains(t, stdout, "contract rows: 3 checked, 3 passed, 0 failed")
	assert.Contains(t, stdout, "PASS (exit 0)")
}

func TestRunStatuses(t *testing.T) {
	srv := okServer(t)
	cases := []struct {
		name, steps string
		status      result.Status
		exit        int
	}{
		{"undefined step fails under strict mode", "Given it passes\n    And nobody defined this step", result.Undefined, ExitFailed},
		{"pending step fails under strict mode", "Given it is pending", result.Pending, ExitFailed},
		{"skip at the end", "Given it passes\n    Then it skips", result.Skipped, ExitPassed},
		{"skip in the middle", "Given it skips\n    Then it passes", result.Skipped, ExitPassed},
		{"failure after a skip is not run", "Given it skips\n    Then it fails with \"x\"", result.Skipped, ExitPassed},
		{"no steps", "", result.Undefined, ExitFailed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			feature := "Feature: f\n  @P4\n  Scenario: s\n    " + tc.steps + "\n"
			res, stdout, _ := runCfg(t, fakeConfig(t, srv.URL, map[string]string{"f.feature": feature}))
			require.Len(t, res.Scenarios, 1, stdout)
			assert.Equal(t, tc.status, res.Scenarios[0].Status, stdout)
			assert.Equal(t, tc.exit, res.ExitCode, stdout)
		})
	}
}

func TestRunConcurrentScenariosAreAllRecorded(t *testing.T) {
	srv := okServer(t)
	var b strings.Builder
	b.WriteString("Feature: many\n")
	for i := range 40 {
		fmt.Fprintf(&b, "  @R%d\n  Scenario: s%02d\n    Given it calls the endpoint\n", i%3+1, i)
		if i%10 == 9 {
			b.WriteString("    Then it fails with \"boom\"\n")
		}
	}
	cfg := fakeConfig(t, srv.URL, map[string]string{"many.feature": b.String()})
	cfg.Concurrency = 8
	res, stdout, _ := runCfg(t, cfg)
	require.Len(t, res.Scenarios, 40, stdout)
	assert.Len(t, res.Failed(), 4)
	assert.Equal(t, ExitFailed, res.ExitCode)
	for i, s := range res.Scenarios {
		assert.Equal(t, fmt.Sprintf("s%02d", i), s.Name, "feature-file order")
	}
}

// TestRunStartsClockBoundFeaturesFirst: the features with @rate-limit scenarios start
// first, and every result still lands on its own scenario, in feature-file order.
func TestRunStartsClockBoundFeaturesFirst(t *testing.T) {
	srv := okServer(t)
	files := map[string]string{
		"a.feature": "Feature: a\n  Scenario: a1\n    Given it passes\n\n  Scenario: a2\n    Given it fails with \"a2 broke\"\n",
		"b.feature": "Feature: b\n  Scenario: b1\n    Given it passes\n\n  @R1 @rate-limit\n  Scenario: b2\n    Given it fails with \"b2 broke\"\n",
		"c.feature": "Feature: c\n  @rate-limit\n  Scenario: c1\n    Given it passes\n",
		"d.feature": "Feature: d\n  Scenario: d1\n    Given it passes\n",
	}
	cfg := fakeConfig(t, srv.URL, files)
	cfg.Concurrency = 1 // the start order is godog's order
	var mu sync.Mutex
	var started []string
	cfg.newScenarios = func(target steps.Target) (func(*godog.ScenarioContext), error) {
		inner, err := fakeSteps(nil, nil)(target)
		return func(sc *godog.ScenarioContext) {
			inner(sc)
			sc.Before(func(ctx context.Context, p *godog.Scenario) (context.Context, error) {
				mu.Lock()
				started = append(started, p.Name)
				mu.Unlock()
				return ctx, nil
			})
		}, err
	}
	res, stdout, _ := runCfg(t, cfg)
	assert.Equal(t, []string{"b1", "b2", "c1", "a1", "a2", "d1"}, started)
	var names []string
	for _, s := range res.Scenarios {
		names = append(names, s.Name)
	}
	assert.Equal(t, []string{"a1", "a2", "b1", "b2", "c1", "d1"}, names, "results in feature-file order")
	assert.Equal(t, map[string][]string{"R1": {"b2"}}, res.FailedRows(), stdout)
	assert.Contains(t, byName(t, res, "a2").Error, "a2 broke")
	assert.Contains(t, byName(t, res, "b2").Error, "b2 broke")
	assert.Equal(t, int64(6), byName(t, res, "b2").Line)
	assert.Equal(t, result.Passed, byName(t, res, "c1").Status)

	// With a tag filter, the order holds among the selected features.
	sel, paths, err := selectIn(cfg.features, "~@S1", shard{1, 1})
	require.NoError(t, err)
	assert.Equal(t, []string{"b.feature", "c.feature", "a.feature", "d.feature"}, paths)
	assert.Len(t, sel, 6)
	_, paths, err = selectIn(cfg.features, "~@R1", shard{1, 1})
	require.NoError(t, err)
	assert.Equal(t, []string{"c.feature", "a.feature", "b.feature", "d.feature"}, paths, "b holds no selected @rate-limit scenario")
}

func TestRunWritesReports(t *testing.T) {
	srv := okServer(t)
	cfg := fakeConfig(t, srv.URL, map[string]string{"plain.feature": plainFeature})
	cfg.Format = "pretty"
	cfg.Reports = "junit,cucumber"
	cfg.OutDir = filepath.Join(t.TempDir(), "nested", "out")
	res, stdout, stderr := runCfg(t, cfg)
	require.Equal(t, ExitFailed, res.ExitCode, stderr)
	junit := filepath.Join(cfg.OutDir, "junit.xml")
	cucumber := filepath.Join(cfg.OutDir, "cucumber.json")
	assert.Equal(t, []string{junit, cucumber}, res.Reports)
	for _, p := range res.Reports {
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		assert.Contains(t, string(b), "fails on a row", p)
	}
	assert.Contains(t, stdout, "Scenario: passes", "pretty output goes to stdout")
	assert.Contains(t, stdout, "reports: "+junit+", "+cucumber)
}

func TestRunEventsAloneStillFails(t *testing.T) {
	// godog exits 0 whatever happens when its format is exactly "events"; the runner
	// writes events to a file, and its exit code comes from the recorded results.
	srv := okServer(t)
	cfg := fakeConfig(t, srv.URL, map[string]string{"plain.feature": plainFeature})
	cfg.Format = "events"
	res, _, _ := runCfg(t, cfg)
	assert.Equal(t, ExitFailed, res.ExitCode)
	_, err := os.Stat(filepath.Join(cfg.OutDir, "events.ndjson"))
	assert.NoError(t, err)
}

func TestRunNoScenarioSelected(t *testing.T) {
	srv := okServer(t)
	cfg := fakeConfig(t, srv.URL, map[string]string{"plain.feature": plainFeature})
	cfg.Tags = "@S9"
	res, stdout, stderr := runCfg(t, cfg)
	assert.Equal(t, ExitUsage, res.ExitCode)
	assert.Equal(t, "conformance: no scenario matches --tags \"@S9\"\n", stderr)
	assert.Empty(t, stdout)
	assert.Empty(t, res.Scenarios)
}

func TestRunNoScenarioSelectedWouldPassInGodog(t *testing.T) {
	// Why the runner counts: godog itself exits 0 when a filter selects nothing.
	fsys := fstest.MapFS{"plain.feature": &fstest.MapFile{Data: []byte(plainFeature)}}
	opts := godog.Options{Format: "progress", Tags: "@S9", Strict: true, FS: fsys, Paths: []string{"."}, Output: io.Discard}
	code := godog.TestSuite{ScenarioInitializer: func(*godog.ScenarioContext) {}, Options: &opts}.Run()
	assert.Equal(t, 0, code)
}

func TestRunUnreachableEndpoint(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // nothing listens there any more
	cfg := fakeConfig(t, url, map[string]string{"plain.feature": plainFeature})
	cfg.Timeout = 2 * 1e9
	res, stdout, stderr := runCfg(t, cfg)
	assert.Equal(t, ExitUsage, res.ExitCode)
	assert.Regexp(t, `^conformance: endpoint `+url+` could not be reached: .*refused\n$`, stderr)
	assert.Empty(t, stdout)
}

func TestRunProbeDoesNotNeedSuccess(t *testing.T) {
	// Any HTTP answer proves the endpoint is reachable; an error status is for the
	// scenarios to judge.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "nope", http.StatusBadGateway)
	}))
	t.Cleanup(srv.Close)
	cfg := fakeConfig(t, srv.URL, map[string]string{"f.feature": "Feature: f\n  Scenario: s\n    Given it calls the endpoint\n"})
	res, _, _ := runCfg(t, cfg)
	assert.Equal(t, ExitFailed, res.ExitCode)
	require.Len(t, res.Scenarios, 1)
	assert.Contains(t, res.Scenarios[0].Error, "HTTP 502")
}

func TestRunTargetRefused(t *testing.T) {
	srv := okServer(t)
	cfg := fakeConfig(t, srv.URL, map[string]string{"plain.feature": plainFeature})
	cfg.newScenarios = func(steps.Target) (func(*godog.ScenarioContext), error) {
		return nil, errors.New("user store us-fake holds no job")
	}
	res, _, stderr := runCfg(t, cfg)
	assert.Equal(t, ExitUsage, res.ExitCode)
	assert.Equal(t, "conformance: target: user store us-fake holds no job\n", stderr)
}

func TestRunKeepsSecretsOut(t *testing.T) {
	srv := okServer(t)
	feature := `Feature: leaks
  @A2
  Scenario: attaches
    Given it attaches the secrets
    Then it fails with the secrets
`
	cfg := fakeConfig(t, srv.URL, map[string]string{"leaks.feature": feature})
	cfg.Token = sentinelToken
	cfg.Format = "pretty,events:" + filepath.Join(t.TempDir(), "events.json")
	res, stdout, stderr := runCfg(t, cfg)
	require.Equal(t, ExitFailed, res.ExitCode, stderr)

	outputs := map[string]string{"stdout": stdout, "stderr": stderr, "result": fmt.Sprintf("%+v %#v", res, cfg)}
	for _, p := range []string{filepath.Join(cfg.OutDir, "junit.xml"), filepath.Join(cfg.OutDir, "cucumber.json"), strings.TrimPrefix(strings.Split(cfg.Format, ",")[1], "events:")} {
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		outputs[p] = string(b)
	}
	// The secrets went through: the redaction marker shows where they were.
	assert.Contains(t, stdout, "key "+redacted+" token "+redacted+" Signature="+redacted)
	assert.Contains(t, outputs[filepath.Join(cfg.OutDir, "junit.xml")], redacted)
	for name, text := range outputs {
		for _, secret := range []string{sentinelKey, sentinelToken, sentinelSig[len("Signature="):]} {
			assert.NotContains(t, text, secret, name)
			assert.NotContains(t, text, base64.StdEncoding.EncodeToString([]byte(secret))[:20], name)
		}
	}
	// Attachments are base64 in the cucumber report: decode them to be sure.
	assert.Contains(t, outputs[filepath.Join(cfg.OutDir, "cucumber.json")], base64.StdEncoding.EncodeToString([]byte("X-TC-Token: "+redacted+"\nkey=")))
}

func TestRunDoesNotFollowRedirects(t *testing.T) {
	// A redirect is an answer for the scenarios to judge; following it would send a
	// signed request to another server.
	var followed atomic.Int64
	other := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { followed.Add(1) }))
	t.Cleanup(other.Close)
	srv := httptest.NewServer(http.RedirectHandler(other.URL+"/", http.StatusTemporaryRedirect))
	t.Cleanup(srv.Close)
	cfg := fakeConfig(t, srv.URL, map[string]string{"f.feature": "Feature: f\n  Scenario: s\n    Given it calls the endpoint\n"})
	res, _, _ := runCfg(t, cfg)
	require.Len(t, res.Scenarios, 1)
	assert.Contains(t, res.Scenarios[0].Error, "HTTP 307")
	assert.Zero(t, followed.Load())
}

func TestExitCode(t *testing.T) {
	passed := []result.Scenario{{Status: result.Passed}, {Status: result.Skipped}}
	assert.Equal(t, ExitPassed, exitCode(0, passed))
	assert.Equal(t, ExitFailed, exitCode(1, passed), "godog saw a failure the hooks did not")
	assert.Equal(t, ExitUsage, exitCode(2, passed))
	for _, st := range []result.Status{result.Failed, result.Undefined, result.Pending} {
		assert.Equal(t, ExitFailed, exitCode(0, append(passed, result.Scenario{Status: st})), "godog said 0, a scenario is %s", st)
	}
}

func TestRunInterrupted(t *testing.T) {
	srv := okServer(t)
	cfg := fakeConfig(t, srv.URL, map[string]string{"f.feature": "Feature: f\n  Scenario: s\n    Given it cancels the run\n    Then it calls the endpoint\n"})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	fake := fakeSteps(nil, nil)
	cfg.newScenarios = func(tg steps.Target) (func(*godog.ScenarioContext), error) {
		init, err := fake(tg)
		return func(sc *godog.ScenarioContext) {
			init(sc)
			sc.Step(`^it cancels the run$`, func() error { cancel(); return nil })
		}, err
	}
	var stdout bytes.Buffer
	res := Run(ctx, cfg, &stdout, io.Discard)
	assert.True(t, res.Interrupted)
	assert.Equal(t, ExitFailed, res.ExitCode)
	require.Len(t, res.Scenarios, 1)
	assert.Contains(t, res.Scenarios[0].Error, "context canceled", "the scenario context derives from Run's")
	assert.Contains(t, stdout.String(), "INTERRUPTED (exit 1)")
}

// Every kind of skip the steps give has its own words in the summary's count.
func TestSkipsByReason(t *testing.T) {
	sk := func(kind result.SkipKind) result.Scenario {
		return result.Scenario{Status: result.Skipped, Skip: kind, Reason: "words that say nothing of the kind"}
	}
	got := skipsByReason([]result.Scenario{
		sk(result.SkipNeedsWire),
		sk(result.SkipNullNotSent),
		sk(result.SkipNullNotSent),
		{Status: result.Passed},
	})
	assert.Equal(t, "skipped by reason: 1 need the wire driver (--driver wire runs them), 2 had their null parameter dropped by the driver's SDK (P10 not checked on the endpoint)", got)
}
