package steps_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cucumber/godog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	listjobs "github.com/ciam-harness/listjobs"
	"github.com/ciam-harness/listjobs/driver"
	"github.com/ciam-harness/listjobs/emulator"
	"github.com/ciam-harness/listjobs/features"
	"github.com/ciam-harness/listjobs/fixture"
	"github.com/ciam-harness/listjobs/mutants"
	resultpkg "github.com/ciam-harness/listjobs/result"
	"github.com/ciam-harness/listjobs/runner"
	"github.com/ciam-harness/listjobs/signing"
	"github.com/ciam-harness/listjobs/steps"
	"github.com/ciam-harness/listjobs/wire"
)

// readFixture parses the default fixture (3000 generated jobs: costly under -race).
func readFixture(t *testing.T) *fixture.Fixture {
	t.Helper()
	fx, err := fixture.Read(bytes.NewReader(listjobs.DefaultFixture))
	require.NoError(t, err)
	return fx
}

// sharedFixture is the default fixture parsed once; emulators and suites only read it.
var sharedFixture = sync.OnceValues(func() (*fixture.Fixture, error) {
	return fixture.Read(bytes.NewReader(listjobs.DefaultFixture))
})

func defaultFixture(t *testing.T) *fixture.Fixture {
	t.Helper()
	fx, err := sharedFixture()
	require.NoError(t, err)
	return fx
}

// startTarget starts an emulator and returns the target the runner would build for it:
// every "primary" key of the fixture in the pool of ordinary keys.
func startTarget(t *testing.T, cfg emulator.Config) steps.Target {
	t.Helper()
	if cfg.Fixture == nil {
		cfg.Fixture = defaultFixture(t)
	}
	srv, err := emulator.Start(cfg)
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	primary, ok := cfg.Fixture.Credential("primary")
	require.True(t, ok)
	varied, ok := cfg.Fixture.UserStore("varied")
	require.True(t, ok)
	var pool []signing.Credential
	for _, c := range cfg.Fixture.CredentialsByRole("primary") {
		pool = append(pool, signing.Credential{SecretID: c.SecretID, SecretKey: c.SecretKey})
	}
	target := steps.Target{
		BaseURL:     srv.URL,
		Region:      "ap-guangzhou",
		Credential:  signing.Credential{SecretID: primary.SecretID, SecretKey: primary.SecretKey},
		Credentials: pool,
		UserStoreID: varied.ID,
		Fixture:     cfg.Fixture,
		Clock:       &wire.Clock{},
	}
	require.NoError(t, open(t, driver.NameWire, &target, 30*time.Second, false))
	return target
}

// result is what one scenario did.
type result struct {
	name string
	tags []string
	err  error
	skip string // the reason of a skip (godog hands the After hook a nil error then)
	kind resultpkg.SkipKind
}

// run runs the scenarios selected by tags against target and records each scenario's
// outcome; it fails the test when the filter selects nothing.
func run(t *testing.T, target steps.Target, tags string, testingT bool) (int, []result) {
	t.Helper()
	suite, err := steps.NewSuite(target)
	require.NoError(t, err)
	return runSuite(t, suite, target, tags, testingT)
}

func runSuite(t *testing.T, suite *steps.Suite, target steps.Target, tags string, testingT bool) (int, []result) {
	t.Helper()
	var mu sync.Mutex
	var results []result
	var out bytes.Buffer
	opts := &godog.Options{
		Format:      "progress",
		Output:      &out,
		Strict:      true,
		Tags:        runner.WithoutScale(tags), // as a run does: @scale only when named
		FS:          features.FS,
		Paths:       []string{"."},
		Concurrency: 4,
	}
	if testingT {
		opts.TestingT = t
	}
	status := godog.TestSuite{
		Name: "listjobs",
		ScenarioInitializer: func(sc *godog.ScenarioContext) {
			suite.InitializeScenario(sc)
			skipAsARunDoes(sc, target)
			var skip resultpkg.Skip
			sc.StepContext().After(func(ctx context.Context, _ *godog.Step, _ godog.StepResultStatus, err error) (context.Context, error) {
				if s, ok := steps.SkipOf(err); ok && !skip.Skipped() {
					skip = s
				}
				return ctx, nil
			})
			sc.After(func(ctx context.Context, s *godog.Scenario, err error) (context.Context, error) {
				r := result{name: s.Name, err: err, skip: skip.Reason, kind: skip.Kind}
				for _, tg := range s.Tags {
					r.tags = append(r.tags, tg.Name)
				}
				mu.Lock()
				results = append(results, r)
				mu.Unlock()
				return ctx, nil
			})
		},
		Options: opts,
	}.Run()
	require.NotEmpty(t, results, "the tag filter %q selected no scenario", tags)
	if status != 0 && testingT {
		t.Log(out.String())
	}
	return status, results
}

// concurrently runs each named function as a subtest, all at once. The subtests do not
// call t.Parallel: the runs mostly wait on pacers and clocks, and -parallel (GOMAXPROCS,
// 2 on CI) would queue them.
func concurrently(t *testing.T, runs map[string]func(t *testing.T)) {
	var wg sync.WaitGroup
	for name, f := range runs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t.Run(name, f)
		}()
	}
	wg.Wait()
}

// TestFeatures runs the whole feature set against the reference emulator with the
// default fixture and the documented rate limit: it must pass. Beside it run the proofs
// against other emulators (other data, another conforming variant, broken ones), each
// with an emulator of its own.
func TestFeatures(t *testing.T) {
	start := time.Now()
	runs := map[string]func(t *testing.T){
		"default emulator":         defaultEmulator,
		"data agnostic":            dataAgnostic,
		"null for an empty result": nullEmpty,
		"extra fields":             extraFields,
		"without fixture":          withoutFixture,
		"attachments":              attachmentsAreRedacted,
	}
	// The proofs of the rate-limit rows send bursts that must be answered within one
	// second: they run after the others, apart from their load, as the runner's clock-
	// bound phase does (a burst that cannot fit is inconclusive, and proves nothing).
	clockBound := map[string]func(t *testing.T){}
	for _, c := range brokenEmulators() {
		into := runs
		if strings.HasPrefix(c.tags, "@R") {
			into = clockBound
		}
		into["broken/"+c.name] = func(t *testing.T) { c.prove(t) }
	}
	concurrently(t, runs)
	concurrently(t, clockBound)
	t.Logf("all runs in %s", time.Since(start).Round(time.Millisecond))
}

// defaultEmulator: the ordinary scenarios and the rate-limit ones run side by side, as
// the rate-limit keys' owners are used by nothing else.
func defaultEmulator(t *testing.T) {
	target := startTarget(t, emulator.Config{RateLimit: emulator.DefaultRateLimit})
	suite, err := steps.NewSuite(target)
	require.NoError(t, err)
	start := time.Now()
	var total atomic.Int64
	concurrently(t, map[string]func(t *testing.T){
		"ordinary":   func(t *testing.T) { total.Add(int64(check(t, suite, target, "~@rate-limit"))) },
		"rate-limit": func(t *testing.T) { total.Add(int64(check(t, suite, target, "@rate-limit"))) },
	})
	assert.GreaterOrEqual(t, total.Load(), int64(150), "every scenario ran")
	t.Logf("%d scenarios in %s", total.Load(), time.Since(start).Round(time.Millisecond))
}

// check runs the scenarios of tags, which must all pass, and returns how many ran.
func check(t *testing.T, suite *steps.Suite, target steps.Target, tags string) int {
	status, results := runSuite(t, suite, target, tags, true)
	assert.Equal(t, 0, status)
	for _, r := range results {
		assert.NoError(t, r.err, r.name)
	}
	return len(results)
}

// dataAgnostic runs every scenario not tagged @fixture against another user store, with
// no fixture given: they hold on any data, as they must.
func dataAgnostic(t *testing.T) {
	fx := readFixture(t) // a copy of its own: a user store is added
	primary, ok := fx.Credential("primary")
	require.True(t, ok)
	other := fixture.UserStore{ID: "us-data-agnostic", Account: primary.Account}
	other.Jobs = fixture.GenerateJobs(other.ID, fixture.Generate{Count: 12, Seed: 7, IDPrefix: "job-"})
	fx.UserStores = append(fx.UserStores, other)
	target := startTarget(t, emulator.Config{Fixture: fx, RateLimit: emulator.DefaultRateLimit})
	target.UserStoreID, target.Fixture = other.ID, nil
	status, results := run(t, target, "~@fixture", true)
	assert.Equal(t, 0, status)
	assert.GreaterOrEqual(t, len(results), 100)
}

// nullEmpty: an endpoint that answers an empty result with "JobSet": null conforms too (S5).
func nullEmpty(t *testing.T) {
	target := startTarget(t, emulator.Config{RateLimit: emulator.DefaultRateLimit, NullEmpty: true})
	status, results := run(t, target, "@S5,@S3,@S6", true)
	assert.Equal(t, 0, status)
	assert.GreaterOrEqual(t, len(results), 5)
}

// extraFields: jobs with fields the contract does not name still pass every Job
// scenario (J9), so the checks do not over-assert.
func extraFields(t *testing.T) {
	rewrite := func(body []byte) []byte {
		return bytes.ReplaceAll(body, []byte(`{"Id":`), []byte(`{"Extra":{"x":[1,2]},"Id":`))
	}
	target := startTarget(t, emulator.Config{Wrap: rewriteBodies(rewrite)})
	status, _ := run(t, target, "@J1,@J2,@J3,@J4,@J5,@J6,@J7,@J8,@J9", true)
	assert.Equal(t, 0, status)
}

// withoutFixture: without the target's fixture, @fixture scenarios are skipped with the
// reason and the others still pass.
func withoutFixture(t *testing.T) {
	target := startTarget(t, emulator.Config{})
	target.Fixture = nil
	status, results := run(t, target, "@S5,@A8", true)
	assert.Equal(t, 0, status)
	var fixtureSkips, passes int
	for _, r := range results {
		if contains(r.tags, "@fixture") {
			assert.Equal(t, "it needs the target's known data, and no fixture was given (--fixture)", r.skip, r.name)
			fixtureSkips++
		} else {
			assert.NoError(t, r.err, r.name)
			passes++
		}
	}
	assert.Positive(t, fixtureSkips)
	assert.Positive(t, passes)
}

// attachmentsAreRedacted: a failing step attaches the request and the response, with
// the signature and the token hidden and no SecretKey anywhere.
func attachmentsAreRedacted(t *testing.T) {
	cfg := mutantConfig(t, "token-unchecked")
	cfg.RateLimit = 0
	target := startTarget(t, cfg)
	temporary, ok := target.Fixture.Credential("temporary")
	require.True(t, ok)
	suite, err := steps.NewSuite(target)
	require.NoError(t, err)
	var out bytes.Buffer
	status := godog.TestSuite{
		ScenarioInitializer: suite.InitializeScenario,
		Options: &godog.Options{Format: "cucumber", Output: &out, Strict: true, Tags: "@A8",
			FS: features.FS, Paths: []string{"."}},
	}.Run()
	require.NotEqual(t, 0, status, "the wrong-token scenario must fail against an emulator that skips the token check")
	var report []struct {
		Elements []struct {
			Steps []struct {
				Embeddings []struct {
					Name string `json:"name"`
					Data []byte `json:"data"` // base64 in the report
				} `json:"embeddings"`
			} `json:"steps"`
		} `json:"elements"`
	}
	require.NoError(t, json.Unmarshal(out.Bytes(), &report))
	texts := map[string]string{}
	for _, f := range report {
		for _, e := range f.Elements {
			for _, st := range e.Steps {
				for _, em := range st.Embeddings {
					texts[em.Name] += string(em.Data)
				}
			}
		}
	}
	require.Contains(t, texts, "request.txt")
	require.Contains(t, texts, "response.txt")
	assert.Contains(t, texts["request.txt"], "X-Tc-Token: <redacted>")
	assert.Contains(t, texts["request.txt"], "Signature=<redacted>")
	assert.Contains(t, texts["request.txt"], temporary.SecretID)
	assert.Contains(t, texts["response.txt"], `"RequestId"`)
	for _, secret := range []string{temporary.SecretKey, temporary.Token, "wrong-" + temporary.SecretKey} {
		assert.NotContains(t, out.String(), secret)
		for name, text := range texts {
			assert.NotContains(t, text, secret, name)
		}
	}
}

// broken is an emulator that breaks one row, the scenarios of that row, and a phrase a
// failing scenario's error must carry.
type broken struct {
	name    string
	cfg     emulator.Config
	mutant  string // when set, the catalogue's mutant of that name, with cfg's RateLimit
	tags    string
	message string
}

// prove runs the row's scenarios against the broken emulator: the run must fail, with
// a message naming the row. A run whose only verdicts are inconclusive (a rate-limit
// burst that never fitted in one second on a loaded machine) judged nothing, and is
// made again, three times at most.
func (c broken) prove(t *testing.T) {
	cfg := c.cfg
	if c.mutant != "" {
		cfg = mutantConfig(t, c.mutant)
		cfg.RateLimit = c.cfg.RateLimit
	}
	target := startTarget(t, cfg)
	var status int
	var results []result
	for attempt := 1; ; attempt++ {
		status, results = run(t, target, c.tags, false)
		inconclusive := slices.ContainsFunc(results, func(r result) bool { return r.kind == resultpkg.SkipInconclusive })
		if status != 0 || !inconclusive || attempt == 3 {
			break
		}
		t.Logf("attempt %d was inconclusive; again", attempt)
	}
	assert.NotEqual(t, 0, status, "the run passed against a broken emulator")
	var messages []string
	for _, r := range results {
		if r.err != nil {
			messages = append(messages, r.err.Error())
		}
	}
	require.NotEmpty(t, messages, "no scenario of %s failed", c.tags)
	assert.Contains(t, strings.Join(messages, "\n"), c.message)
	t.Log(strings.Join(messages, "\n---\n"))
}

// brokenEmulators prove the steps' power: each breaks one row, and a scenario of that
// row must fail against it.
func brokenEmulators() []broken {
	return []broken{
		{"an unchecked signature breaks A2", emulator.Config{}, "signature-unchecked", "@A2", "AuthFailure.SignatureFailure"},
		{"an ignored filter breaks S2", emulator.Config{}, "filter-ignored", "@S2", "S2: the returned Ids"},
		{"no RequestId breaks T8", emulator.Config{Wrap: rewriteBodies(rewriteJSON(func(r map[string]any) {
			delete(r, "RequestId")
		}))}, "", "@T8", "T8: Response.RequestId is absent"},
		{"CreatedDate in seconds breaks J4", emulator.Config{Wrap: rewriteBodies(rewriteJSON(func(r map[string]any) {
			jobs, _ := r["JobSet"].([]any)
			for _, j := range jobs {
				job := j.(map[string]any)
				if n, err := job["CreatedDate"].(json.Number).Int64(); err == nil {
					job["CreatedDate"] = n / 1000
				}
			}
		}))}, "", "@J4", "(seconds?); want integer epoch milliseconds"},
		{"JobSet null while jobs exist breaks S5", emulator.Config{Wrap: rewriteBodies(rewriteJSON(func(r map[string]any) {
			if _, ok := r["JobSet"]; ok {
				r["JobSet"] = nil
			}
		}))}, "", "@S5", "S5: Response.JobSet = null; want an array"},
		{"no rate limit breaks R1", emulator.Config{RateLimit: 0}, "", "@R1", "R1: 30 of 30 requests"},
		{"a limit of 8 breaks R2", emulator.Config{RateLimit: 8}, "", "@R2", "requests succeed; want all 20"},
		{"counting auth failures breaks R3", emulator.Config{RateLimit: emulator.DefaultRateLimit}, "auth-failures-counted", "@R3", "R3:"},
	}
}

func contains(tags []string, tag string) bool {
	for _, t := range tags {
		if t == tag {
			return true
		}
	}
	return false
}

// rewriteJSON decodes a response, applies f to its Response object, and encodes it again.
// mutantConfig is the configuration of the catalogue's mutant name over the default fixture.
func mutantConfig(t *testing.T, name string) emulator.Config {
	t.Helper()
	m, ok := mutants.ByName(name)
	require.True(t, ok, name)
	return m.Config(defaultFixture(t))
}

// rewriteBodies is a Config.Wrap that rewrites the body of every answer with f.
func rewriteBodies(f func([]byte) []byte) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			body := f(rec.Body.Bytes())
			for k, v := range rec.Header() {
				w.Header()[k] = v
			}
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			w.WriteHeader(rec.Code)
			_, _ = w.Write(body)
		})
	}
}

func rewriteJSON(f func(resp map[string]any)) func([]byte) []byte {
	return func(body []byte) []byte {
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		var doc map[string]any
		if dec.Decode(&doc) != nil {
			return body
		}
		resp, ok := doc["Response"].(map[string]any)
		if !ok {
			return body
		}
		f(resp)
		out, err := json.Marshal(doc)
		if err != nil {
			return body
		}
		return out
	}
}
