package runner

import (
	"bufio"
	"context"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cucumber/godog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciam-harness/listjobs/contract"
	"github.com/ciam-harness/listjobs/features"
	reportpkg "github.com/ciam-harness/listjobs/report"
	"github.com/ciam-harness/listjobs/result"
	"github.com/ciam-harness/listjobs/steps"
	"github.com/ciam-harness/listjobs/vocab"
)

// checkEveryReport checks that a run with the default --reports wrote every report into
// dir, each well-formed and about the run's scenarios.
func checkEveryReport(t *testing.T, dir string, res Result) {
	t.Helper()
	names := []string{"junit.xml", "cucumber.json", reportpkg.NDJSONFile, reportpkg.MarkdownFile, reportpkg.HTMLFile, reportpkg.ManifestFile}
	var want []string
	for _, n := range names {
		want = append(want, filepath.Join(dir, n))
	}
	require.Equal(t, want, res.Reports)
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err)
		return b
	}

	var junit struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Errors   int `xml:"errors,attr"`
		Suites   []struct {
			Skipped int `xml:"skipped,attr"`
		} `xml:"testsuite"`
	}
	require.NoError(t, xml.Unmarshal(read("junit.xml"), &junit))
	assert.Equal(t, len(res.Scenarios), junit.Tests, "junit.xml")
	skipped := 0
	for _, s := range junit.Suites {
		skipped += s.Skipped
	}
	counts := reportpkg.Counts(res.Scenarios)
	assert.Equal(t, counts[result.Skipped]+counts[result.KnownFailure], skipped, "junit.xml: skips and known failures are skipped")
	assert.Equal(t, len(res.Failed()), junit.Failures+junit.Errors, "junit.xml")

	var cucumber []struct {
		URI      string `json:"uri"`
		Elements []json.RawMessage
	}
	require.NoError(t, json.Unmarshal(read("cucumber.json"), &cucumber))
	n := 0
	for _, f := range cucumber {
		n += len(f.Elements)
	}
	assert.Equal(t, len(res.Scenarios), n, "cucumber.json")

	sc := bufio.NewScanner(strings.NewReader(string(read(reportpkg.NDJSONFile))))
	sc.Buffer(nil, 16<<20)
	var recs []reportpkg.Record
	for sc.Scan() {
		var r reportpkg.Record
		require.NoError(t, json.Unmarshal(sc.Bytes(), &r))
		recs = append(recs, r)
	}
	require.Len(t, recs, len(res.Scenarios), "one NDJSON record per scenario")
	for i, r := range recs {
		s := res.Scenarios[i]
		assert.Equal(t, []any{s.Feature, s.Name, s.Line, s.Rows, string(s.Status)}, []any{r.Feature, r.Name, r.Line, r.Rows, string(r.Status)})
	}

	md := string(read(reportpkg.MarkdownFile))
	assert.True(t, strings.HasPrefix(md, "## ListJobs conformance: "+verdict(res).String()+"\n"), md)

	html := string(read(reportpkg.HTMLFile))
	rows, err := contract.Rows()
	require.NoError(t, err)
	for _, r := range rows {
		assert.Contains(t, html, `<tr id="row-`+r.ID+`">`, "the matrix has every contract row")
	}
	for _, class := range reportpkg.Classes {
		assert.Contains(t, html, `id="class-`+class+`"`)
	}

	var m struct {
		Harness         reportpkg.Harness
		Features        reportpkg.Digest
		Schemas         reportpkg.Digest
		Endpoint        string
		Region          string
		Tags            string
		Seed            int64
		Start           time.Time
		DurationSeconds float64
		ExitCode        int
		Reports         []string
	}
	require.NoError(t, json.Unmarshal(read(reportpkg.ManifestFile), &m))
	assert.Equal(t, res.Endpoint, m.Endpoint)
	assert.Equal(t, DefaultRegion, m.Region)
	assert.Equal(t, res.Seed, m.Seed)
	assert.Equal(t, res.ExitCode, m.ExitCode)
	assert.NotEmpty(t, m.Harness.Commit, "a commit or \"unknown\"")
	assert.NotEmpty(t, m.Harness.Version)
	assert.WithinDuration(t, time.Now(), m.Start, 5*time.Minute)
	assert.Positive(t, m.DurationSeconds)
	assert.Equal(t, res.Reports, m.Reports)
	feats, err := reportpkg.DigestFS(features.FS, "*.feature")
	require.NoError(t, err)
	assert.Equal(t, feats.SHA256, m.Features.SHA256)
	assert.Len(t, m.Schemas.Files, 6)
}

func TestParseReports(t *testing.T) {
	own, err := parseReports("all")
	require.NoError(t, err)
	assert.Equal(t, reportpkg.Kinds, own)
	assert.Equal(t, []string{"junit", "cucumber", "ndjson", "markdown", "html", "manifest"}, own)
	own, err = parseReports("none")
	require.NoError(t, err)
	assert.Empty(t, own)
	own, err = parseReports(" html , junit,html")
	require.NoError(t, err)
	assert.Equal(t, []string{"junit", "html"}, own)
	_, err = parseReports("html,pdf")
	assert.ErrorContains(t, err, `unknown report "pdf"`)
	_, err = parseReports("")
	assert.ErrorContains(t, err, "--reports is empty")
}

func TestRunReportsNeedAFolder(t *testing.T) {
	cfg := fakeConfig(t, okServer(t).URL, map[string]string{"plain.feature": plainFeature})
	cfg.OutDir = ""
	res, _, stderr := runCfg(t, cfg)
	assert.Equal(t, ExitUsage, res.ExitCode)
	assert.Contains(t, stderr, "--out is empty")
	cfg.Reports = "none"
	res, _, _ = runCfg(t, cfg)
	assert.Equal(t, ExitFailed, res.ExitCode, "without reports no folder is needed")
}

// TestRunReportsShowFailures: the reports of a failing run carry the failure, its step,
// its attachments and the verdict, redacted.
func TestRunReportsShowFailures(t *testing.T) {
	feature := "Feature: leaks\n  @S2\n  Scenario: attaches\n    Given it attaches the secrets\n    Then it fails with \"JobSet has 6 jobs; want 2\"\n"
	cfg := fakeConfig(t, okServer(t).URL, map[string]string{"leaks.feature": feature})
	cfg.Token = sentinelToken
	res, stdout, stderr := runCfg(t, cfg)
	require.Equal(t, ExitFailed, res.ExitCode, stderr)
	s := byName(t, res, "attaches")
	assert.Equal(t, `it fails with "JobSet has 6 jobs; want 2"`, s.Step)
	require.Len(t, s.Attachments, 1)
	assert.Equal(t, "request.txt", s.Attachments[0].Name)
	assert.Contains(t, s.Attachments[0].Body, "X-TC-Token: "+redacted)

	html, err := os.ReadFile(filepath.Join(cfg.OutDir, reportpkg.HTMLFile))
	require.NoError(t, err)
	assert.Contains(t, string(html), "JobSet has 6 jobs; want 2")
	assert.Contains(t, string(html), "Request (secrets redacted)")
	assert.Contains(t, string(html), "X-TC-Token: [REDACTED]")
	assert.Contains(t, string(html), `<a class="badge failed" href="#failed-rows" title="the rows that failed">FAIL</a>`)
	md, err := os.ReadFile(filepath.Join(cfg.OutDir, reportpkg.MarkdownFile))
	require.NoError(t, err)
	assert.Contains(t, string(md), "### Failures (1)")
	assert.Contains(t, stdout, "reports: "+filepath.Join(cfg.OutDir, "junit.xml"))
	for _, p := range res.Reports {
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		assert.NotContains(t, string(b), sentinelKey, p)
		assert.NotContains(t, string(b), sentinelToken, p)
		assert.NotContains(t, string(b), sentinelSig[len("Signature="):], p)
	}
}

const ledgerFeature = `Feature: ledger
  @S1
  Scenario: passes
    Given it passes

  @S2
  Scenario: fails
    Given it fails with "JobSet has 6 jobs; want 2"

  @J4
  Scenario: fails too
    Given it fails with "CreatedDate in seconds"
`

func writeLedger(t *testing.T, entries ...[2]string) string {
	t.Helper()
	type entry struct {
		Feature  string `json:"feature"`
		Scenario string `json:"scenario"`
		Reason   string `json:"reason"`
	}
	doc := struct {
		KnownFailures []entry `json:"knownFailures"`
	}{KnownFailures: []entry{}}
	for _, e := range entries {
		doc.KnownFailures = append(doc.KnownFailures, entry{"ledger.feature", e[0], e[1]})
	}
	b, err := json.Marshal(doc)
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "known.json")
	require.NoError(t, os.WriteFile(path, b, 0o644))
	return path
}

func TestRunKnownFailuresPass(t *testing.T) {
	cfg := fakeConfig(t, okServer(t).URL, map[string]string{"ledger.feature": ledgerFeature})
	cfg.KnownFailures = writeLedger(t, [2]string{"fails", "VX-1: filter ignored"}, [2]string{"fails too", "VX-2: seconds"})
	res, stdout, stderr := runCfg(t, cfg)
	require.Equal(t, ExitPassed, res.ExitCode, "every failure is listed:\n%s\n%s", stdout, stderr)
	s := byName(t, res, "fails")
	assert.Equal(t, result.KnownFailure, s.Status)
	assert.Equal(t, "VX-1: filter ignored", s.Reason)
	assert.Contains(t, s.Error, "want 2", "the failure is kept")
	assert.Empty(t, res.Failed())
	assert.Contains(t, stdout, "known failures (listed in the ledger):\n  ledger.feature:7 \"fails\" [S2]: VX-1: filter ignored\n")
	assert.Contains(t, stdout, "1 passed, 0 failed, 0 skipped, 0 undefined, 0 pending, 2 known failures")
	assert.Contains(t, stdout, "contract rows: 3 checked, 1 passed, 0 failed, 0 skipped, 2 known failures (S2 J4)")
	assert.Contains(t, stdout, "PASS (exit 0)")

	ndjson, err := os.ReadFile(filepath.Join(cfg.OutDir, reportpkg.NDJSONFile))
	require.NoError(t, err)
	assert.Contains(t, string(ndjson), `"status":"known-failure","durationMs"`)
	assert.Contains(t, string(ndjson), `"reason":"VX-2: seconds"`)
	var m struct {
		KnownFailures reportpkg.LedgerInfo
	}
	b, err := os.ReadFile(filepath.Join(cfg.OutDir, reportpkg.ManifestFile))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &m))
	assert.Equal(t, cfg.KnownFailures, m.KnownFailures.Path)
	assert.Equal(t, 2, m.KnownFailures.Entries)
	assert.Len(t, m.KnownFailures.SHA256, 64)
}

func TestRunKnownFailuresNewFailureFails(t *testing.T) {
	cfg := fakeConfig(t, okServer(t).URL, map[string]string{"ledger.feature": ledgerFeature})
	cfg.KnownFailures = writeLedger(t, [2]string{"fails", "VX-1"})
	res, stdout, _ := runCfg(t, cfg)
	assert.Equal(t, ExitFailed, res.ExitCode)
	assert.Equal(t, result.KnownFailure, byName(t, res, "fails").Status)
	assert.Equal(t, result.Failed, byName(t, res, "fails too").Status)
	assert.Equal(t, map[string][]string{"J4": {"fails too"}}, res.FailedRows())
	assert.Contains(t, stdout, "FAIL (exit 1)")
}

func TestRunKnownFailureThatPassesFails(t *testing.T) {
	cfg := fakeConfig(t, okServer(t).URL, map[string]string{"ledger.feature": ledgerFeature})
	cfg.Tags = "~@J4&&~@S2"
	cfg.KnownFailures = writeLedger(t, [2]string{"passes", "VX-3: was broken"})
	res, stdout, _ := runCfg(t, cfg)
	assert.Equal(t, ExitFailed, res.ExitCode)
	assert.Empty(t, res.Failed(), "no scenario failed: the ledger fails the run")
	want := `known-failure ledger ` + cfg.KnownFailures + `: ledger.feature: "passes" is listed as a known failure but passed: remove it from the ledger`
	assert.Equal(t, []string{want}, res.Problems)
	assert.Contains(t, stdout, "problem: "+want+"\n")
	md, err := os.ReadFile(filepath.Join(cfg.OutDir, reportpkg.MarkdownFile))
	require.NoError(t, err)
	assert.Contains(t, string(md), "remove it from the ledger")
}

func TestRunKnownFailureThatIsGoneFails(t *testing.T) {
	cfg := fakeConfig(t, okServer(t).URL, map[string]string{"ledger.feature": ledgerFeature})
	cfg.KnownFailures = writeLedger(t, [2]string{"fails", "VX-1"}, [2]string{"fails too", "VX-2"}, [2]string{"was renamed", "VX-4"})
	res, stdout, _ := runCfg(t, cfg)
	assert.Equal(t, ExitFailed, res.ExitCode)
	require.Len(t, res.Problems, 1)
	assert.Contains(t, res.Problems[0], `ledger.feature: "was renamed" is listed as a known failure but the suite has no such scenario`)
	assert.Contains(t, stdout, "FAIL (exit 1)")
}

func TestRunKnownFailureNotSelectedIsNotGone(t *testing.T) {
	// A listed scenario outside the tags (or the shard) exists: it is not judged.
	cfg := fakeConfig(t, okServer(t).URL, map[string]string{"ledger.feature": ledgerFeature})
	cfg.Tags = "@S1"
	cfg.KnownFailures = writeLedger(t, [2]string{"fails", "VX-1"})
	res, _, _ := runCfg(t, cfg)
	assert.Equal(t, ExitPassed, res.ExitCode)
	assert.Empty(t, res.Problems)
}

func TestRunKnownFailuresInvalidLedger(t *testing.T) {
	cfg := fakeConfig(t, okServer(t).URL, map[string]string{"ledger.feature": ledgerFeature})
	path := filepath.Join(t.TempDir(), "bad.json")
	require.NoError(t, os.WriteFile(path, []byte(`{"knownFailures": [{"feature": "ledger.feature", "scenario": "fails"}]}`), 0o644))
	cfg.KnownFailures = path
	res, stdout, stderr := runCfg(t, cfg)
	assert.Equal(t, ExitUsage, res.ExitCode)
	assert.Contains(t, stderr, `"reason" is empty`)
	assert.Empty(t, stdout)
}

// TestRunDeadline: a scenario that would wait forever fails at the deadline, the run
// ends right after it, and says why.
func TestRunDeadline(t *testing.T) {
	feature := "Feature: slow\n  @T1\n  Scenario: waits\n    Given it waits for the end of the run\n\n  @T2\n  Scenario: quick\n    Given it passes\n"
	cfg := fakeConfig(t, okServer(t).URL, map[string]string{"slow.feature": feature})
	cfg.Deadline = 300 * time.Millisecond
	fake := cfg.newScenarios
	cfg.newScenarios = func(tg steps.Target) (func(*godog.ScenarioContext), error) {
		init, err := fake(tg)
		return func(sc *godog.ScenarioContext) {
			init(sc)
			sc.Step(`^it waits for the end of the run$`, func(ctx context.Context) error {
				<-ctx.Done()
				return ctx.Err()
			})
		}, err
	}
	start := time.Now()
	res, stdout, _ := runCfg(t, cfg)
	assert.Less(t, time.Since(start), 3*time.Second, "the run ends at its deadline")
	assert.Equal(t, ExitFailed, res.ExitCode)
	assert.True(t, res.DeadlineExceeded)
	assert.False(t, res.Interrupted, "the caller did not interrupt it")
	assert.Contains(t, byName(t, res, "waits").Error, "context deadline exceeded")
	assert.Contains(t, stdout, "problem: the run reached its --deadline of 300ms")
	assert.Contains(t, stdout, "DEADLINE EXCEEDED (exit 1)")
	html, err := os.ReadFile(filepath.Join(cfg.OutDir, reportpkg.HTMLFile))
	require.NoError(t, err)
	assert.Contains(t, string(html), "DEADLINE EXCEEDED")
}

func TestExitCodeKnownFailures(t *testing.T) {
	known := []result.Scenario{{Status: result.Passed}, {Status: result.KnownFailure}}
	assert.Equal(t, ExitPassed, exitCode(1, known), "godog counts the known failure as a failure")
	assert.Equal(t, ExitFailed, exitCode(1, []result.Scenario{{Status: result.Passed}}))
	assert.Equal(t, ExitFailed, exitCode(1, append(known, result.Scenario{Status: result.Failed})))
}

// TestRunJUnitOfAPassingRun: a passing run with skips against the embedded emulator
// (the wire driver skips the SDK's own retry): junit.xml holds no error and no failure,
// counts the skips with their reasons, and cucumber.json has every step passed or
// skipped, with its keyword.
func TestRunJUnitOfAPassingRun(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Tags = "@S1," + vocab.TagSDKRetry
	cfg.Format = "progress"
	cfg.Reports = "junit,cucumber"
	cfg.OutDir = t.TempDir()
	res, stdout, stderr := runCfg(t, cfg)
	require.Equal(t, ExitPassed, res.ExitCode, "%s\n%s", stdout, stderr)
	skipped := 0
	for _, s := range res.Scenarios {
		if s.Status == result.Skipped {
			skipped++
		}
	}
	require.Positive(t, skipped, "the @sdk-retry scenarios are skipped")
	require.Less(t, skipped, len(res.Scenarios))

	b, err := os.ReadFile(filepath.Join(cfg.OutDir, "junit.xml"))
	require.NoError(t, err)
	junit := string(b)
	assert.NotContains(t, junit, "<error")
	assert.NotContains(t, junit, "<failure")
	assert.Contains(t, junit, `<skipped>`)
	assert.Contains(t, junit, "--driver sdk")
	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Errors   int `xml:"errors,attr"`
		Suites   []struct {
			Skipped int `xml:"skipped,attr"`
		} `xml:"testsuite"`
	}
	require.NoError(t, xml.Unmarshal(b, &doc))
	assert.Equal(t, []int{len(res.Scenarios), 0, 0}, []int{doc.Tests, doc.Failures, doc.Errors})
	n := 0
	for _, s := range doc.Suites {
		n += s.Skipped
	}
	assert.Equal(t, skipped, n, "every skip counted")

	var cucumber []struct {
		Elements []struct {
			Name  string
			Steps []struct {
				Keyword string
				Name    string
				Line    int64
				Result  struct{ Status string }
			}
		}
	}
	b, err = os.ReadFile(filepath.Join(cfg.OutDir, "cucumber.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &cucumber))
	statuses := map[string]int{}
	for _, f := range cucumber {
		for _, e := range f.Elements {
			require.NotEmpty(t, e.Steps, e.Name)
			for _, st := range e.Steps {
				assert.Contains(t, []string{"Given ", "When ", "Then ", "And ", "But ", "* "}, st.Keyword, "%s: %s", e.Name, st.Name)
				assert.Positive(t, st.Line, st.Name)
				statuses[st.Result.Status]++
			}
		}
	}
	assert.Positive(t, statuses["passed"])
	assert.Positive(t, statuses["skipped"])
	assert.Equal(t, statuses["passed"]+statuses["skipped"], func() int {
		n := 0
		for _, v := range statuses {
			n += v
		}
		return n
	}(), "nothing failed: %v", statuses)
}

// TestRunRecordsSteps: every step of a scenario gets its own result, Background steps
// included: the steps after a failure are skipped, an undefined step is undefined.
func TestRunRecordsSteps(t *testing.T) {
	feature := "Feature: steps\n  Background:\n    Given it passes\n\n  @S2\n  Scenario: fails midway\n    When it passes\n    Then it fails with \"S2 broke\"\n    And it passes\n\n  @S1\n  Scenario: undefined\n    * nobody wrote this\n    But it passes\n"
	cfg := fakeConfig(t, okServer(t).URL, map[string]string{"steps.feature": feature})
	res, _, stderr := runCfg(t, cfg)
	require.Equal(t, ExitFailed, res.ExitCode, stderr)
	type step struct {
		Keyword, Text string
		Line          int64
		Status        result.Status
		Error         string
	}
	stepsOf := func(name string) []step {
		var out []step
		for _, st := range byName(t, res, name).Steps {
			out = append(out, step{st.Keyword, st.Text, st.Line, st.Status, st.Error})
		}
		return out
	}
	assert.Equal(t, []step{
		{"Given ", "it passes", 3, result.Passed, ""},
		{"When ", "it passes", 7, result.Passed, ""},
		{"Then ", `it fails with "S2 broke"`, 8, result.Failed, "S2 broke"},
		{"And ", "it passes", 9, result.Skipped, ""},
	}, stepsOf("fails midway"))
	got := stepsOf("undefined")
	require.Len(t, got, 3)
	assert.Equal(t, step{"* ", "nobody wrote this", 13, result.Undefined, got[1].Error}, got[1])
	assert.Contains(t, got[1].Error, "nobody wrote this")
	assert.Equal(t, step{"But ", "it passes", 14, result.Skipped, ""}, got[2])
}

// TestRunRemovesOtherReports: a run writing some reports (or none) removes the files of
// the other kinds from --out, so no earlier run's report looks current; it leaves
// every other file alone.
func TestRunRemovesOtherReports(t *testing.T) {
	cfg := fakeConfig(t, okServer(t).URL, map[string]string{"plain.feature": plainFeature})
	for _, f := range []string{"junit.xml", "cucumber.json", reportpkg.HTMLFile, reportpkg.ManifestFile, "events.ndjson", "mine.txt"} {
		require.NoError(t, os.WriteFile(filepath.Join(cfg.OutDir, f), []byte("an earlier run"), 0o644))
	}
	cfg.Reports = "html"
	res, _, stderr := runCfg(t, cfg)
	require.Equal(t, ExitFailed, res.ExitCode, stderr)
	assert.Equal(t, []string{filepath.Join(cfg.OutDir, reportpkg.HTMLFile)}, res.Reports)
	for _, f := range []string{"junit.xml", "cucumber.json", reportpkg.ManifestFile} {
		assert.NoFileExists(t, filepath.Join(cfg.OutDir, f))
		assert.Contains(t, stderr, "conformance: removed "+filepath.Join(cfg.OutDir, f)+": an earlier run's report that this run does not write")
	}
	html, err := os.ReadFile(filepath.Join(cfg.OutDir, reportpkg.HTMLFile))
	require.NoError(t, err)
	assert.Contains(t, string(html), "<!DOCTYPE html>", "this run's")
	for _, f := range []string{"events.ndjson", "mine.txt"} {
		b, err := os.ReadFile(filepath.Join(cfg.OutDir, f))
		require.NoError(t, err)
		assert.Equal(t, "an earlier run", string(b), f)
	}

	cfg.Reports = "none"
	_, _, stderr = runCfg(t, cfg)
	assert.NoFileExists(t, filepath.Join(cfg.OutDir, reportpkg.HTMLFile))
	assert.Contains(t, stderr, "removed "+filepath.Join(cfg.OutDir, reportpkg.HTMLFile))
	assert.FileExists(t, filepath.Join(cfg.OutDir, "mine.txt"))
}
