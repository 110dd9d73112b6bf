package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciam-harness/listjobs/result"
)

// sampleRun has a row of each verdict: T1 passed, S2 failed (one scenario failed, one
// passed), J4 a known failure, P1 skipped, A1 not run; T1 documented, S2 mixed, J4
// documented, P1 documented, A1 assumed, plus a scenario on a row the contract lacks.
func sampleRun() Run {
	return Run{
		Verdict: result.RunVerdict{Outcome: result.Fail},
		Manifest: Manifest{
			Harness:  Harness{Module: "github.com/ciam-harness/listjobs", Version: "(devel)", Commit: "0123456789abcdef0123", Go: "go1.26"},
			Features: Digest{SHA256: strings.Repeat("a", 64)}, Schemas: Digest{SHA256: strings.Repeat("b", 64)},
			Endpoint: "http://127.0.0.1:9000", Region: "ap-guangzhou", Tags: "~@slow", Seed: 7,
			Start: time.Date(2025, 5, 1, 12, 0, 0, 0, time.UTC), Duration: 2500 * time.Millisecond, ExitCode: 1, Verdict: "FAIL",
		},
		Rows: []Row{
			{ID: "T1", Class: "documented", Area: "Transport", Behaviour: "POST and GET with `application/json`"},
			{ID: "A1", Class: "assumed", Area: "Authentication", Behaviour: "an assumed row"},
			{ID: "P1", Class: "documented", Area: "Parameters", Behaviour: "InvalidAction"},
			{ID: "S2", Class: "mixed", Area: "Listing", Behaviour: "JobIds filters"},
			{ID: "J4", Class: "documented", Area: "Job", Behaviour: "CreatedDate in ms"},
		},
		Scenarios: []result.Scenario{
			{ID: "T1-post", Feature: "envelope.feature", Line: 5, Name: "POST works", Tags: []string{"@T1", "@id:T1-post"}, Rows: []string{"T1"}, Status: result.Passed, Duration: 30 * time.Millisecond},
			{ID: "S2-filter/1", Feature: "filtering.feature", Line: 9, Name: "filter <by> two | ids", Tags: []string{"@S2", "@id:S2-filter"}, Rows: []string{"S2"}, Blamed: []string{"S2"}, Status: result.Failed, Duration: time.Second,
				Step:  "Then the returned Ids are exactly known jobs 1 and 2",
				Error: "S2: Response.JobSet has 6 jobs; want 2 <script>alert(1)</script>",
				Steps: []result.Step{
					{Keyword: "Given ", Text: "a user store with jobs", Line: 10, Status: result.Passed, Duration: 2 * time.Millisecond},
					{Keyword: "When ", Text: "I list the jobs filtered by two ids", Line: 11, Status: result.Passed, Duration: 900 * time.Millisecond},
					{Keyword: "Then ", Text: "the returned Ids are exactly known jobs 1 and 2", Line: 12, Status: result.Failed, Duration: time.Millisecond,
						Error: "S2: Response.JobSet has 6 jobs; want 2 <script>alert(1)</script>"},
					{Keyword: "And ", Text: "the response is valid", Line: 13, Status: result.Skipped},
				},
				Attachments: []result.Attachment{
					{Name: "request.txt", Body: "POST / HTTP/1.1\nAuthorization: TC3-HMAC-SHA256 Credential=AKIDx/2025-05-01/ciam/tc3_request, SignedHeaders=content-type;host, Signature=[REDACTED]\n\n{\"UserStoreId\":\"us-1\"}"},
					{Name: "response.txt", Body: "HTTP 200\n\n{\"Response\":{\"JobSet\":[]}}"},
					{Name: "burst.txt", Body: "30 requests"},
				}},
			{Feature: "filtering.feature", Line: 20, Name: "filter one", Tags: []string{"@S2"}, Rows: []string{"S2"}, Status: result.Passed},
			{ID: "J4-createddate", Feature: "job.feature", Line: 3, Name: "CreatedDate", Tags: []string{"@J4", "@id:J4-createddate"}, Rows: []string{"J4"}, Blamed: []string{"J4"}, Status: result.KnownFailure, Reason: "VX-9: seconds", Error: "J4: seconds",
				Step: "CreatedDate is in ms", Steps: []result.Step{{Keyword: "Then ", Text: "CreatedDate is in ms", Line: 4, Status: result.Failed, Error: "J4: seconds"}}},
			{Feature: "parameters.feature", Line: 7, Name: "wrong action", Tags: []string{"@P1"}, Rows: []string{"P1"}, Status: result.Skipped, Reason: "sends another action"},
			{Feature: "extra.feature", Line: 1, Name: "unknown row", Tags: []string{"@Z1"}, Rows: []string{"Z1"}, Status: result.Undefined, Error: "undefined step"},
		},
		Problems: []string{`job.feature: "x" is listed as a known failure but passed: remove it from the ledger`},
	}
}

func TestMatrix(t *testing.T) {
	m := Matrix(sampleRun())
	require.Len(t, m, 6)
	got := map[string]RowResult{}
	var order []string
	for _, rr := range m {
		got[rr.ID] = rr
		order = append(order, rr.ID)
	}
	assert.Equal(t, []string{"T1", "A1", "P1", "S2", "J4", "Z1"}, order, "contract order, unknown rows last")
	assert.Equal(t, result.Passed, got["T1"].Verdict)
	assert.Equal(t, NotRun, got["A1"].Verdict)
	assert.Equal(t, result.Skipped, got["P1"].Verdict)
	assert.Equal(t, result.Failed, got["S2"].Verdict)
	assert.Equal(t, map[result.Status]int{result.Failed: 1, result.Passed: 1}, got["S2"].Counts)
	assert.Equal(t, []string{"filter <by> two | ids"}, got["S2"].Failing)
	assert.Equal(t, result.KnownFailure, got["J4"].Verdict)
	assert.Equal(t, result.Failed, got["Z1"].Verdict, "an undefined step fails its row")
	assert.Equal(t, "unclassified", got["Z1"].Class)
}

func TestScores(t *testing.T) {
	scores := Scores(Matrix(sampleRun()))
	byClass := map[string]Score{}
	for _, s := range scores {
		byClass[s.Class] = s
	}
	assert.Equal(t, []string{"documented", "assumed", "mixed", "all"}, []string{scores[0].Class, scores[1].Class, scores[2].Class, scores[3].Class})
	// documented: T1 passed, P1 skipped, J4 known failure: 1 of 2 judged.
	assert.Equal(t, Score{Class: "documented", Passed: 1, Judged: 2, Skipped: 1, Total: 3}, byClass["documented"])
	assert.Equal(t, "1 of 2 rows (50.0%)", byClass["documented"].String())
	assert.Equal(t, Score{Class: "assumed", NotRun: 1, Total: 1}, byClass["assumed"])
	assert.Equal(t, "no row judged", byClass["assumed"].String())
	assert.Equal(t, "0 of 1 rows (0.0%)", byClass["mixed"].String())
	assert.Equal(t, Score{Class: "all", Passed: 1, Judged: 4, Skipped: 1, NotRun: 1, Total: 6}, byClass["all"])
}

func TestNDJSON(t *testing.T) {
	run := sampleRun()
	b, err := NDJSON(run)
	require.NoError(t, err)
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 1<<20)
	var recs []Record
	for sc.Scan() {
		var r Record
		dec := json.NewDecoder(strings.NewReader(sc.Text()))
		dec.DisallowUnknownFields()
		require.NoError(t, dec.Decode(&r), sc.Text())
		recs = append(recs, r)
	}
	require.Len(t, recs, len(run.Scenarios), "one record per scenario, one per line")
	assert.Equal(t, Record{ID: "T1-post", Feature: "envelope.feature", Line: 5, Name: "POST works", Tags: []string{"@T1", "@id:T1-post"}, Rows: []string{"T1"}, Status: result.Passed, DurationMs: 30}, recs[0])
	f := recs[1].Failure
	require.NotNil(t, f)
	assert.Equal(t, "Then the returned Ids are exactly known jobs 1 and 2", f.Step)
	assert.Contains(t, f.Error, "want 2")
	assert.Len(t, f.Attachments, 3)
	assert.Equal(t, "VX-9: seconds", recs[3].Reason)
	assert.Equal(t, result.Skipped, recs[4].Status)
	assert.Contains(t, string(b), `<script>`, "JSON is not HTML: no \\u003c escapes")
	assert.True(t, strings.HasPrefix(string(b), `{"id":"T1-post","feature":"envelope.feature",`), "the case id first")
	assert.Contains(t, string(b), `{"id":"","feature":"filtering.feature","line":20,`, "a scenario without an id says so")
}

func TestMarkdown(t *testing.T) {
	md := string(Markdown(sampleRun()))
	assert.True(t, strings.HasPrefix(md, "## ListJobs conformance: FAIL\n"))
	assert.Contains(t, md, "endpoint `http://127.0.0.1:9000`, region `ap-guangzhou`, tags `~@slow`, seed 7, exit 1, 2.5s.")
	assert.Contains(t, md, "**6 scenarios**: 2 passed, 2 failed, 1 known failures, 1 skipped")
	assert.Contains(t, md, "| documented (3) | 1 of 2 rows (50.0%) | 0 | 1 | 1 | 0 |")
	assert.Contains(t, md, "| mixed (1) | 0 of 1 rows (0.0%) | 1 | 0 | 0 | 0 |")
	assert.Contains(t, md, "### Rows failed")
	assert.Contains(t, md, "| S2 | mixed | filter &lt;by&gt; two \\| ids |")
	assert.Contains(t, md, "### Failures (2)")
	assert.Contains(t, md, "- `S2-filter/1` `filtering.feature:9` filter &lt;by&gt; two \\| ids `[S2]`: S2: Response.JobSet has 6 jobs; want 2 &lt;script&gt;alert(1)&lt;/script&gt;")
	assert.Contains(t, md, "### Known failures (1)\n\n- `J4-createddate` `job.feature:3` CreatedDate `[J4]`: known: VX-9: seconds")
	assert.Contains(t, md, "### Skipped (1)")
	assert.Contains(t, md, "### Problems\n\n- job.feature: \"x\" is listed")
	assert.Contains(t, md, "<details><summary>Contract matrix</summary>")
	assert.Contains(t, md, "| P1 | documented | 0 | 0 | 1 | 0 | skipped |")
	assert.NotContains(t, md, "<script>", "no raw HTML from messages")
	assert.Contains(t, md, "commit 0123456789ab.")
}

func TestMarkdownBoundsLongLists(t *testing.T) {
	run := sampleRun()
	run.Scenarios = nil
	for i := range mdMaxItems + 10 {
		run.Scenarios = append(run.Scenarios, result.Scenario{Feature: "f.feature", Line: int64(i), Name: "s", Rows: []string{"T1"}, Status: result.Failed, Error: strings.Repeat("x", 5000)})
	}
	md := string(Markdown(run))
	assert.Contains(t, md, "- ... and 10 more: see report.html")
	assert.Less(t, len(md), 40<<10)
}

func TestMdText(t *testing.T) {
	assert.Equal(t, `a \| b &lt;i&gt; \*c\* \[d\](e) \`+"`"+`f\`+"`"+` \@user`, mdText("a | b <i>\n *c* [d](e) `f` @user"))
	assert.Equal(t, "a / b 'c'", mdCode("a | b `c`"))
}

func TestHTML(t *testing.T) {
	b, err := HTML(sampleRun())
	require.NoError(t, err)
	html := string(b)
	assert.True(t, strings.HasPrefix(html, "<!DOCTYPE html>"))
	// Self-contained: nothing is fetched.
	for _, re := range []string{`(?i)<script`, `(?i)<link`, `(?i)<img`, `(?i)src=`, `(?i)@import`, `(?i)url\(`} {
		assert.NotRegexp(t, regexp.MustCompile(re), html)
	}
	for _, m := range regexp.MustCompile(`https?://[^\s"<]+`).FindAllString(html, -1) {
		assert.Equal(t, "http://127.0.0.1:9000", m, "the only URL is the endpoint, as text")
	}
	assert.Contains(t, html, `content="default-src 'none'; style-src 'unsafe-inline'"`)
	// The matrix, by class, with counts and verdicts.
	for _, s := range []string{`id="class-documented"`, `id="class-assumed"`, `id="class-mixed"`, `id="class-unclassified"`, `<tr id="row-S2">`, "known failure</span>"} {
		assert.Contains(t, html, s)
	}
	assert.Regexp(t, `(?s)<tr id="row-S2">.*?<td class="n passed">1</td>\s*<td class="n failed">1</td>\s*<td class="n skipped zero">0</td>\s*<td class="n known-failure zero">0</td>\s*<td><span class="status failed">failed</span>`, html)
	assert.Regexp(t, `(?s)<tr id="row-A1">.*?<span class="status not-run">not run</span>`, html)
	assert.Contains(t, html, "documented rows (3): 50.0%")
	// The failure: step, expectation, request and response, escaped.
	assert.Contains(t, html, "Then the returned Ids are exactly known jobs 1 and 2")
	assert.Contains(t, html, "want 2 &lt;script&gt;alert(1)&lt;/script&gt;")
	assert.Contains(t, html, "Request (secrets redacted)")
	assert.Contains(t, html, "Signature=[REDACTED]")
	assert.Contains(t, html, `<pre class="response">HTTP 200`+"\n\n{\n  &#34;Response&#34;: {\n    <mark>&#34;JobSet&#34;: []</mark>\n  }\n}</pre>", "indented, the path the error names marked")
	assert.Contains(t, html, "burst.txt")
	assert.Contains(t, html, "VX-9: seconds")
	assert.Contains(t, html, "sends another action")
	assert.Contains(t, html, "remove it from the ledger")
	assert.Contains(t, html, `style="width: 50.0%"`)
	assert.NotContains(t, html, "ZgotmplZ", "a value the template refused")
}

func TestManifestJSON(t *testing.T) {
	m := sampleRun().Manifest
	m.Shard = "2/4"
	m.KnownFailures = &LedgerInfo{Path: "known.json", SHA256: "c", Entries: 2}
	m.Counts = map[result.Status]int{result.Passed: 3}
	b, err := ManifestJSON(m)
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(b, &doc))
	assert.Equal(t, "2025-05-01T12:00:00Z", doc["start"])
	assert.Equal(t, 2.5, doc["durationSeconds"])
	assert.Equal(t, "2.5s", doc["duration"])
	assert.Equal(t, "2/4", doc["shard"])
	assert.Equal(t, float64(7), doc["seed"])
	assert.Equal(t, "~@slow", doc["tags"])
	assert.Equal(t, "0123456789abcdef0123", doc["harness"].(map[string]any)["commit"])
	assert.Equal(t, strings.Repeat("a", 64), doc["features"].(map[string]any)["sha256"])
	assert.Equal(t, "known.json", doc["knownFailures"].(map[string]any)["path"])
	assert.Equal(t, float64(3), doc["scenarios"].(map[string]any)["passed"])
}

func TestHarnessOf(t *testing.T) {
	assert.Equal(t, Harness{Module: Unknown, Version: Unknown, Commit: Unknown, Go: Unknown}, HarnessOf(nil))
	h := HarnessOf(&debug.BuildInfo{GoVersion: "go1.26.1", Main: debug.Module{Path: "m", Version: "(devel)"}})
	assert.Equal(t, Unknown, h.Commit, "no vcs settings (go test, go run without VCS)")
	h = HarnessOf(&debug.BuildInfo{GoVersion: "go1.26.1", Main: debug.Module{Path: "m", Version: "v1.2.3"}, Settings: []debug.BuildSetting{
		{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: "abc123"}, {Key: "vcs.time", Value: "2025-05-01T00:00:00Z"}, {Key: "vcs.modified", Value: "true"}}})
	assert.Equal(t, Harness{Module: "m", Version: "v1.2.3", Commit: "abc123", CommitTime: "2025-05-01T00:00:00Z", Modified: true, Go: "go1.26.1"}, h)
	assert.NotEmpty(t, BuildHarness().Go)
}

func TestDigestFS(t *testing.T) {
	fsys := fstest.MapFS{
		"a.feature":     {Data: []byte("Feature: a\n")},
		"sub/b.feature": {Data: []byte("Feature: b\n")},
		"notes.md":      {Data: []byte("not hashed")},
	}
	d, err := DigestFS(fsys, "*.feature")
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"a.feature": SHA256([]byte("Feature: a\n")), "sub/b.feature": SHA256([]byte("Feature: b\n"))}, d.Files)
	want := SHA256([]byte(SHA256([]byte("Feature: a\n")) + "  a.feature\n" + SHA256([]byte("Feature: b\n")) + "  sub/b.feature\n"))
	assert.Equal(t, want, d.SHA256, "sha256sum format, name order")

	fsys["a.feature"] = &fstest.MapFile{Data: []byte("Feature: a changed\n")}
	d2, err := DigestFS(fsys, "*.feature")
	require.NoError(t, err)
	assert.NotEqual(t, d.SHA256, d2.SHA256)
}

func TestWrite(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	filter := func(b []byte) []byte { return bytes.ReplaceAll(b, []byte("AKIDx"), []byte("[ID]")) }
	paths, err := Write(dir, Kinds, sampleRun(), filter)
	require.NoError(t, err)
	require.Equal(t, []string{filepath.Join(dir, JUnitFile), filepath.Join(dir, CucumberFile), filepath.Join(dir, NDJSONFile), filepath.Join(dir, MarkdownFile), filepath.Join(dir, HTMLFile), filepath.Join(dir, ManifestFile)}, paths)
	for _, p := range paths {
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		assert.NotEmpty(t, b, p)
		assert.NotContains(t, string(b), "AKIDx", "every file goes through the filter: %s", p)
	}
	_, err = Render("pdf", sampleRun())
	assert.ErrorContains(t, err, `unknown kind "pdf"`)
}

func TestPrettyResponse(t *testing.T) {
	render := func(lines []textLine) string {
		var b strings.Builder
		for i, l := range lines {
			if i > 0 {
				b.WriteString("\n")
			}
			b.WriteString(l.Indent)
			if l.Mark {
				b.WriteString(">>" + l.Text + "<<")
			} else {
				b.WriteString(l.Text)
			}
		}
		return b.String()
	}
	body := "HTTP 200 (3ms after sending)\nContent-Type: application/json\n\n" +
		`{"Response":{"JobSet":[{"Id":"a","CreatedDate":1715156770000},{"Id":"b","CreatedDate":1715156770,"Tags":[],"Note":"<b>&"}],"RequestId":"r"}}`
	want := func(mark string) string {
		return strings.Replace(`HTTP 200 (3ms after sending)
Content-Type: application/json

{
  "Response": {
    "JobSet": [
      {
        "Id": "a",
        "CreatedDate": 1715156770000
      },
      {
        "Id": "b",
        "CreatedDate": 1715156770,
        "Tags": [],
        "Note": "<b>&"
      }
    ],
    "RequestId": "r"
  }
}`, mark, ">>"+strings.TrimSpace(mark)+"<<", 1)
	}
	assert.Equal(t, want(`"CreatedDate": 1715156770,`), render(prettyResponse(body, "J4: Response.JobSet[1].CreatedDate = 1715156770 (seconds?); want integer epoch milliseconds")))
	parent := strings.Replace(want("\x00"), "},\n      {\n        \"Id\": \"b\"", "},\n      >>{<<\n        \"Id\": \"b\"", 1)
	assert.Equal(t, parent, render(prettyResponse(body, "J9: Response.JobSet[1].Missing is absent")), "a missing value marks its parent")
	assert.Equal(t, want(`"JobSet": [`), render(prettyResponse(body, "S2: Response.JobSet has 6 jobs; want 2")))
	assert.Equal(t, want("\x00"), render(prettyResponse(body, "T1: HTTP 500")), "no path: nothing marked")
	assert.Equal(t, want("\x00"), render(prettyResponse(body, "Response.Nothing.Here")), "nothing below the top: nothing marked")

	// Not JSON, cut short, or no response: as it is.
	assert.Equal(t, "HTTP 502\n\n<html>bad gateway</html>", render(prettyResponse("HTTP 502\n\n<html>bad gateway</html>", "Response.X")))
	cut := "HTTP 200\n\n{\"Response\":{\"JobSet\":[\n… (9999 bytes in all)"
	assert.Equal(t, cut, render(prettyResponse(cut, "Response.JobSet")))
	assert.Empty(t, prettyResponse("", "Response.JobSet"))
	// What follows the JSON value stays (the sdk driver's round trips).
	assert.Equal(t, "the SDK decoded:\n{\n  \"Response\": {\n    >>\"A\": 1<<\n  }\n}\n\n-- round trip 1 of 1",
		render(prettyResponse("the SDK decoded:\n{\"Response\":{\"A\":1}}\n\n-- round trip 1 of 1", "Response.A = 1")))
}

// TestHTMLLeadsToTheFailures: the badge links to the failed rows, the failed rows come
// first in their class, and the response's failing line is marked, escaped.
func TestHTMLLeadsToTheFailures(t *testing.T) {
	run := sampleRun()
	run.Scenarios[4].Status, run.Scenarios[4].Error, run.Scenarios[4].Reason = result.Failed, "P1: Response.Error.Code = \"<i>x</i>\"", ""
	run.Scenarios[4].Blamed = []string{"P1"}
	run.Scenarios[4].Attachments = []result.Attachment{{Name: "response.txt", Body: "HTTP 200\n\n{\"Response\":{\"Error\":{\"Code\":\"<i>x</i>\"}}}"}}
	b, err := HTML(run)
	require.NoError(t, err)
	html := string(b)
	assert.Contains(t, html, `<a class="badge failed" href="#failed-rows" title="the rows that failed">FAIL</a>`)
	assert.Contains(t, html, `<p id="failed-rows" class="failed-rows"><strong>Rows failed:</strong> <a href="#row-P1">P1</a> <a href="#row-S2">S2</a> <a href="#row-Z1">Z1</a> · <a href="#failures">the failures</a></p>`)
	assert.Contains(t, html, `<h2 id="failures">`)
	assert.Regexp(t, `(?s)id="class-documented".*?<tr id="row-P1">.*?<tr id="row-T1">.*?<tr id="row-J4">.*?id="class-assumed"`, html, "failed first, then contract order")
	assert.Contains(t, html, `      <mark>&#34;Code&#34;: &#34;&lt;i&gt;x&lt;/i&gt;&#34;</mark>`)
	assert.NotContains(t, html, "<i>")

	// No failed row: the badge of a run failed by a problem links to the problems; a
	// passing run's badge links nowhere.
	run = sampleRun()
	run.Scenarios = run.Scenarios[:1]
	b, err = HTML(run)
	require.NoError(t, err)
	assert.Contains(t, string(b), `<a class="badge failed" href="#problems" title="why">FAIL</a>`)
	assert.Contains(t, string(b), `<h2 id="problems">`)
	run.Problems, run.Verdict = nil, result.RunVerdict{Outcome: result.Pass}
	b, err = HTML(run)
	require.NoError(t, err)
	assert.Contains(t, string(b), `<span class="badge passed">PASS</span>`)
	assert.NotContains(t, string(b), `id="failed-rows"`)
}

// The ledger's deprecation notes are in the Markdown summary, the HTML report and the
// manifest; the case ids are beside the scenarios.
func TestLedgerNotesAndIDs(t *testing.T) {
	run := sampleRun()
	note := `ledger entry knownFailures[0] (job.feature: "CreatedDate") names a scenario by its name; key it by its id "J4-createddate"`
	run.Manifest.KnownFailures = &LedgerInfo{Path: "known.json", SHA256: "c", Entries: 1, Notes: []string{note}}
	md := string(Markdown(run))
	assert.Contains(t, md, "### Known-failure ledger: deprecation notes\n\n- ledger entry knownFailures\\[0\\] (job.feature: \"CreatedDate\") names a scenario by its name; key it by its id \"J4-createddate\"\n")
	b, err := HTML(run)
	require.NoError(t, err)
	html := string(b)
	assert.Contains(t, html, "known.json (1 entry)<br>ledger entry knownFailures[0] (job.feature: &#34;CreatedDate&#34;) names a scenario by its name")
	assert.Contains(t, html, "<summary><code>S2-filter/1</code> filtering.feature:9 filter &lt;by&gt; two | ids")
	assert.Contains(t, html, "<tr><td><code>T1-post</code></td><td>envelope.feature:5</td>")
	m, err := ManifestJSON(run.Manifest)
	require.NoError(t, err)
	assert.Contains(t, string(m), `"notes": [`)

	run.Manifest.KnownFailures.Notes = make([]string, mdMaxItems+3)
	for i := range run.Manifest.KnownFailures.Notes {
		run.Manifest.KnownFailures.Notes[i] = note
	}
	assert.Contains(t, string(Markdown(run)), "- ... and 3 more: see manifest.json\n")
	run.Manifest.KnownFailures.Notes = nil
	assert.NotContains(t, string(Markdown(run)), "deprecation notes")
}
