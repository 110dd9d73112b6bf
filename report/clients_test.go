package report

import (
	"encoding/json"
	"html"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciam-harness/listjobs/result"
)

// matrixRows are the contract rows of the synthetic matrices: R9 is left out, so that a
// run naming it shows an unclassified row.
var matrixRows = []Row{
	{ID: "T1", Class: "documented", Area: "Transport and envelope", Behaviour: "POST with `application/json`"},
	{ID: "T5", Class: "mixed", Area: "Transport and envelope", Behaviour: "HTTP 200"},
	{ID: "T8", Class: "documented", Area: "Transport and envelope", Behaviour: "RequestId"},
	{ID: "A1", Class: "documented", Area: "Authentication", Behaviour: "TC3"},
	{ID: "A2", Class: "documented", Area: "Authentication", Behaviour: "a wrong signature"},
	{ID: "P1", Class: "documented", Area: "Routing and parameters", Behaviour: "InvalidAction"},
	{ID: "S2", Class: "mixed", Area: "Semantics", Behaviour: "JobIds filters"},
	{ID: "J4", Class: "documented", Area: "Job object", Behaviour: "CreatedDate in ms"},
}

// kindsRun is a run with a cell of every kind: T1 passed, S2 failed, J4 a known failure,
// P1 not checkable (skipped: needs the wire driver), A2 not checkable (its one scenario
// stopped on S2 first), T5 passed (a finished scenario that failed on T8 judged it),
// T8 failed, A1 not run, R9 failed (a row the contract lacks).
func kindsRun(label string) Run {
	return Run{
		Manifest: Manifest{Harness: Harness{Module: "github.com/ciam-harness/listjobs", Version: "(devel)", Commit: "0123456789abcdef", Go: "go1.26"},
			Endpoint: "http://127.0.0.1:9000", EmbeddedEmulator: true, Driver: label, SDK: label + " adapter, tencentcloud-sdk-" + label + " 1.2.3 (/x/drivers/" + label + "/run)",
			Region: "ap-guangzhou", Start: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Duration: 2 * time.Second, ExitCode: 1, Verdict: "FAIL", Outcome: result.Fail,
			Contract: strings.Repeat("c", 64), KnownFailures: &LedgerInfo{Path: "drivers/" + label + "/known-failures.json", Entries: 1}},
		Rows: matrixRows,
		Scenarios: []result.Scenario{
			{ID: "T1-post", Feature: "envelope.feature", Line: 3, Name: "POST", Rows: []string{"T1"}, Status: result.Passed},
			{ID: "T1-post-charset", Feature: "envelope.feature", Line: 9, Name: "POST with a charset", Rows: []string{"T1"}, Status: result.Passed},
			{ID: "S2-near-miss/1", Feature: "filtering.feature", Line: 20, Name: "near miss", Rows: []string{"S2"}, Status: result.Failed, Blamed: []string{"S2"},
				Step: "Then the jobs are exactly 1 and 2", Error: "S2: Response.JobSet has 6 jobs; want 2"},
			{ID: "S2-two-ids", Feature: "filtering.feature", Line: 30, Name: "two ids", Rows: []string{"S2"}, Status: result.Passed},
			{ID: "A2-and-s2", Feature: "auth.feature", Line: 5, Name: "stops on S2", Rows: []string{"A2", "S2"}, Status: result.Failed, Blamed: []string{"S2"}, Error: "S2: boom"},
			{ID: "J4-created-ms", Feature: "job.feature", Line: 4, Name: "CreatedDate", Rows: []string{"J4"}, Status: result.KnownFailure, Blamed: []string{"J4"},
				Error: "J4: seconds", Reason: "SDK defect: CreatedDate in seconds (FINDINGS F2)"},
			{ID: "P1-invalid-action", Feature: "parameters.feature", Line: 7, Name: "InvalidAction", Rows: []string{"P1"}, Status: result.Skipped,
				Skip: result.SkipNeedsWire, Reason: "the step \"the action is X\" needs the wire driver"},
			{ID: "T5-status", Feature: "envelope.feature", Line: 40, Name: "status 200", Rows: []string{"T5"}, Status: result.Failed, Blamed: []string{"T8"},
				Finished: true, Error: "T8: RequestId repeated"},
			{ID: "R9-extra", Feature: "extra.feature", Line: 1, Name: "a row of another contract", Rows: []string{"R9"}, Status: result.Undefined, Error: "undefined step"},
		},
	}
}

// writeRunDir writes the reports of run into a new folder, as a run does, and returns it.
func writeRunDir(t *testing.T, run Run) string {
	t.Helper()
	dir := t.TempDir()
	_, err := Write(dir, []string{"ndjson", "manifest", "markdown", "html"}, run, nil)
	require.NoError(t, err)
	return dir
}

func readRun(t *testing.T, dir, label string) ClientRun {
	t.Helper()
	r, err := ReadClientRun(dir, label)
	require.NoError(t, err)
	return r
}

func cellsOf(t *testing.T, m ClientMatrix, col int) map[string]Cell {
	t.Helper()
	out := map[string]Cell{}
	for _, r := range m.Rows {
		out[r.ID] = r.Cells[col]
	}
	return out
}

// TestRecordRoundTrip: a scenario written to results.ndjson and read back has the same
// verdict on every row, skip kind included (the matrix is built from the file alone).
func TestRecordRoundTrip(t *testing.T) {
	for _, run := range []Run{kindsRun("node"), sampleRun()} {
		var back []result.Scenario
		for _, s := range run.Scenarios {
			b, err := json.Marshal(RecordOf(s))
			require.NoError(t, err)
			var rec Record
			require.NoError(t, json.Unmarshal(b, &rec))
			got := ScenarioOf(rec)
			assert.Equal(t, s.Skip, got.Skip, s.Name)
			assert.Equal(t, s.Finished, got.Finished, s.Name)
			assert.Equal(t, s.Failures(), got.Failures(), s.Name)
			back = append(back, got)
		}
		assert.Equal(t, result.RowVerdicts(run.Scenarios), result.RowVerdicts(back))
	}
	assert.Equal(t, result.SkipOther, skipKindOf("a-kind-of-a-newer-harness"))
	assert.Equal(t, result.SkipNone, skipKindOf(""))
	for k := result.SkipNeedsWire; k <= result.SkipOther; k++ {
		assert.Equal(t, k, skipKindOf(k.String()))
	}
}

func TestClientMatrixCells(t *testing.T) {
	dir := writeRunDir(t, kindsRun("node"))
	m, err := BuildClientMatrix([]ClientRun{readRun(t, dir, "")}, ClientMatrixOptions{Rows: matrixRows, Contract: strings.Repeat("c", 64)})
	require.NoError(t, err)
	require.Len(t, m.Columns, 1)
	col := m.Columns[0]
	assert.Equal(t, "node", col.Label, "the driver of the manifest by default")
	assert.Equal(t, "tencentcloud-sdk-node 1.2.3", col.ClientShort)
	assert.Empty(t, m.Notes, "the same CONTRACT.md")

	var ids []string
	for _, r := range m.Rows {
		ids = append(ids, r.ID)
	}
	assert.Equal(t, []string{"T1", "T5", "T8", "A1", "A2", "P1", "S2", "J4", "R9"}, ids, "contract order, a row the contract lacks last")
	assert.Equal(t, "unclassified", m.Rows[len(m.Rows)-1].Class)

	cells := cellsOf(t, m, 0)
	want := map[string]CellKind{"T1": CellPassed, "T5": CellPassed, "T8": CellFailed, "A1": CellNotRun, "A2": CellNotCheckable,
		"P1": CellNotCheckable, "S2": CellFailed, "J4": CellKnown, "R9": CellFailed}
	for row, kind := range want {
		assert.Equal(t, kind, cells[row].Kind, row)
	}
	assert.Equal(t, map[CellKind]int{CellPassed: 2, CellFailed: 3, CellKnown: 1, CellNotCheckable: 2, CellNotRun: 1}, col.Kinds)

	assert.Equal(t, "2 passed", cells["T1"].Reason)
	assert.Equal(t, "2 scenarios failed on S2; 1 passed", cells["S2"].Reason, "a failure blamed on S2 is S2's, whatever else the scenario is tagged with")
	assert.Equal(t, "1 known failure in the client's ledger (SDK defect: CreatedDate in seconds (FINDINGS F2))", cells["J4"].Reason)
	assert.Equal(t, "1 skipped, which "+result.SkipNeedsWire.Summary(), cells["P1"].Reason)
	assert.Equal(t, "1 stopped on another row's failure before judging A2", cells["A2"].Reason)
	assert.Equal(t, "1 passed", cells["T5"].Reason, "a finished scenario judged its tagged rows")
	assert.Equal(t, "no scenario of A1 in this run (not selected)", cells["A1"].Reason)

	s2 := cells["S2"]
	require.Len(t, s2.ByVerdict(result.Failed), 2)
	assert.Equal(t, "S2-near-miss/1", s2.ByVerdict(result.Failed)[0].Key())
	assert.Equal(t, "S2: Response.JobSet has 6 jobs; want 2", s2.ByVerdict(result.Failed)[0].Note)
	assert.Equal(t, []CellScenario{{ID: "S2-two-ids", Feature: "filtering.feature", Name: "two ids", Line: 30, Verdict: result.Passed}}, s2.ByVerdict(result.Passed))
	a2 := cells["A2"].ByVerdict(NotJudged)
	require.Len(t, a2, 1)
	assert.Contains(t, a2[0].Note, "it failed on S2")
	assert.Equal(t, "the step \"the action is X\" needs the wire driver", cells["P1"].ByVerdict(result.Skipped)[0].Note)
}

// TestClientMatrixColumns: columns in the order given, each judged on its own; labels
// unique; a run judged against another CONTRACT.md noted.
func TestClientMatrixColumns(t *testing.T) {
	broken := writeRunDir(t, kindsRun("python"))
	okRun := kindsRun("wire")
	okRun.Manifest.SDK, okRun.Manifest.Contract, okRun.Manifest.ExitCode, okRun.Manifest.Verdict = "", strings.Repeat("d", 64), 0, "PASS"
	okRun.Scenarios = okRun.Scenarios[:2]
	good := writeRunDir(t, okRun)

	m, err := BuildClientMatrix([]ClientRun{readRun(t, good, ""), readRun(t, broken, "Python SDK")}, ClientMatrixOptions{Rows: matrixRows, Contract: strings.Repeat("c", 64)})
	require.NoError(t, err)
	assert.Equal(t, "wire", m.Columns[0].Label)
	assert.Equal(t, "Python SDK", m.Columns[1].Label)
	wire, python := cellsOf(t, m, 0), cellsOf(t, m, 1)
	assert.Equal(t, CellPassed, wire["T1"].Kind)
	assert.Equal(t, CellNotRun, wire["S2"].Kind)
	assert.Equal(t, CellFailed, python["S2"].Kind)
	assert.Equal(t, CellNotRun, wire["R9"].Kind, "a row only another column names")
	require.Len(t, m.Notes, 1)
	assert.Contains(t, m.Notes[0], "wire was judged against another CONTRACT.md")

	_, err = BuildClientMatrix([]ClientRun{readRun(t, good, "x"), readRun(t, broken, "x")}, ClientMatrixOptions{Rows: matrixRows})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `two report folders are labelled "x"`)
}

func TestSDKMutationKills(t *testing.T) {
	path := filepath.Join(t.TempDir(), SDKMutationFile)
	doc := `{"started": "2026-01-02T03:04:05Z", "results": [
		{"name": "node-unpatched", "driver": "node", "verdict": "passed"},
		{"name": "node-a", "driver": "node", "rows": ["A1"], "edits": [{"file": "f", "search": "a", "replace": "b"}], "verdict": "killed"},
		{"name": "node-b", "driver": "node", "rows": ["S2"], "edits": [{"file": "f", "search": "a", "replace": "b"}], "verdict": "survived"},
		{"name": "node-eq", "driver": "node", "equivalent": "allowed", "edits": [{"file": "f", "search": "a", "replace": "b"}], "verdict": "equivalent"},
		{"name": "go-a", "driver": "sdk", "rows": ["A1"], "edits": [{"file": "f", "search": "a", "replace": "b"}], "verdict": "killed"}]}`
	require.NoError(t, os.WriteFile(path, []byte(doc), 0o644))
	sm, err := ReadSDKMutation(path)
	require.NoError(t, err)
	node := sm.Kills["node"]
	assert.Equal(t, Kills{Driver: "node", Breaking: 2, Killed: 1, Missed: []string{"node-b: survived"}, Equivalent: 1, EquivalentPassed: 1, Control: "passed"}, node)
	assert.Equal(t, "1 of 2 broken SDKs killed (not killed: node-b: survived), 1 of 1 equivalent passed, control passed", node.String())

	run := kindsRun("node")
	nodeDir := writeRunDir(t, run)
	run.Manifest.Driver, run.Manifest.SDK = "wire", ""
	wireDir := writeRunDir(t, run)
	run.Manifest.Driver = "java"
	javaDir := writeRunDir(t, run)
	m, err := BuildClientMatrix([]ClientRun{readRun(t, nodeDir, ""), readRun(t, wireDir, ""), readRun(t, javaDir, "")}, ClientMatrixOptions{Rows: matrixRows, SDKMutation: sm})
	require.NoError(t, err)
	require.NotNil(t, m.Columns[0].Kills)
	assert.Equal(t, 1, m.Columns[0].Kills.Killed)
	assert.Nil(t, m.Columns[1].Kills)
	assert.Contains(t, m.Columns[1].KillsNote, "not an SDK")
	assert.Contains(t, m.Columns[2].KillsNote, "no broken copy of this client")

	page, err := ClientMatrixHTML(m)
	require.NoError(t, err)
	assert.Contains(t, string(page), "1 of 2 killed (not killed: node-b: survived); 1 of 1 equivalent passed; control passed")
	assert.Contains(t, string(ClientMatrixMarkdown(m)), "1 of 2 broken SDKs killed (not killed: node-b: survived)")

	m, err = BuildClientMatrix([]ClientRun{readRun(t, nodeDir, "")}, ClientMatrixOptions{Rows: matrixRows})
	require.NoError(t, err)
	assert.Equal(t, "no sdk-mutation report given", m.Columns[0].KillsNote)
}

// TestClientMatrixFileErrors: a folder that is not a run's, and every file that is
// missing or not what it should be, is an error that names the file.
func TestClientMatrixFileErrors(t *testing.T) {
	good := writeRunDir(t, kindsRun("node"))
	manifest, err := os.ReadFile(filepath.Join(good, ManifestFile))
	require.NoError(t, err)
	results, err := os.ReadFile(filepath.Join(good, NDJSONFile))
	require.NoError(t, err)
	folder := func(files map[string]string) string {
		dir := t.TempDir()
		for name, body := range files {
			require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644))
		}
		return dir
	}
	notAFolder := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(notAFolder, []byte("x"), 0o644))
	lines := strings.Split(strings.TrimSpace(string(results)), "\n")
	cases := []struct {
		name string
		dir  string
		file string // the file the error names, in dir; "" for the folder
		want string
	}{
		{"no folder", filepath.Join(t.TempDir(), "nope"), "", "no such file or directory"},
		{"a file", notAFolder, "", "not a folder"},
		{"no manifest", folder(map[string]string{NDJSONFile: string(results)}), ManifestFile, "missing: not a report folder of a run"},
		{"no results", folder(map[string]string{ManifestFile: string(manifest)}), NDJSONFile, "missing: not a report folder of a run"},
		{"manifest not JSON", folder(map[string]string{ManifestFile: "{", NDJSONFile: string(results)}), ManifestFile, "not a manifest"},
		{"manifest of nothing", folder(map[string]string{ManifestFile: "{}", NDJSONFile: string(results)}), ManifestFile, "names no harness, endpoint or verdict"},
		{"results not JSON", folder(map[string]string{ManifestFile: string(manifest), NDJSONFile: lines[0] + "\n{\"id\": \n"}), NDJSONFile, "line 2: not a result record"},
		{"unknown status", folder(map[string]string{ManifestFile: string(manifest), NDJSONFile: `{"id":"T1-x","rows":["T1"],"status":"great"}`}), NDJSONFile, `line 1: status "great" is not one of`},
		{"not a row", folder(map[string]string{ManifestFile: string(manifest), NDJSONFile: `{"id":"T1-x","rows":["<b>"],"status":"passed"}`}), NDJSONFile, `line 1: row "<b>" is not a contract row`},
		{"not a case id", folder(map[string]string{ManifestFile: string(manifest), NDJSONFile: `{"id":"x y","rows":["T1"],"status":"passed"}`}), NDJSONFile, `line 1: id "x y" is not a case id`},
		{"a blamed row that is not one", folder(map[string]string{ManifestFile: string(manifest), NDJSONFile: `{"id":"T1-x","rows":["T1"],"status":"failed","failure":{"rows":["Q1"],"error":"x"}}`}), NDJSONFile, `row "Q1" is not a contract row`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadClientRun(tc.dir, "")
			require.Error(t, err)
			name := tc.dir
			if tc.file != "" {
				name = filepath.Join(tc.dir, tc.file)
			}
			assert.Contains(t, err.Error(), name+": ", "the error names the file")
			assert.Contains(t, err.Error(), tc.want)
		})
	}

	// An empty results.ndjson is a run with no scenario: every row not run.
	empty := folder(map[string]string{ManifestFile: string(manifest), NDJSONFile: ""})
	m, err := BuildClientMatrix([]ClientRun{readRun(t, empty, "")}, ClientMatrixOptions{Rows: matrixRows})
	require.NoError(t, err)
	assert.Equal(t, len(matrixRows), m.Columns[0].Kinds[CellNotRun])

	for name, doc := range map[string]string{"not JSON": "{", "no results": `{"machine": "x"}`, "a result without a driver": `{"results": [{"name": "x", "verdict": "killed"}]}`} {
		path := filepath.Join(t.TempDir(), SDKMutationFile)
		require.NoError(t, os.WriteFile(path, []byte(doc), 0o644))
		_, err := ReadSDKMutation(path)
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), path+": ", name)
	}
	_, err = ReadSDKMutation(filepath.Join(t.TempDir(), SDKMutationFile))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "missing")
}

// hostileRun is a run whose every text field a report folder can carry is hostile.
func hostileRun() Run {
	const evil = `<script>alert(1)</script><img src=x onerror=alert(2)> | ** [x](javascript:alert(3)) "'&`
	run := kindsRun("node")
	run.Manifest.Driver = evil
	run.Manifest.SDK = evil
	run.Manifest.Endpoint = "http://evil/" + evil
	run.Manifest.EmbeddedEmulator = false
	run.Manifest.Tags = evil
	run.Manifest.Verdict = evil
	run.Manifest.KnownFailures.Path = evil
	for i := range run.Scenarios {
		run.Scenarios[i].Name = evil
		run.Scenarios[i].Feature = evil
		if run.Scenarios[i].Error != "" {
			run.Scenarios[i].Error = evil
		}
		if run.Scenarios[i].Reason != "" {
			run.Scenarios[i].Reason = evil
		}
	}
	run.Scenarios = append(run.Scenarios, result.Scenario{Feature: evil, Name: evil, Rows: []string{"T1"}, Status: result.Failed, Error: evil})
	return run
}

// TestClientMatrixEscapes: hostile text in a report folder (a label, a client, an
// endpoint, a scenario's name, error or reason) is text in the page and in the Markdown,
// never markup.
func TestClientMatrixEscapes(t *testing.T) {
	const evil = `<script>alert(1)</script><img src=x onerror=alert(2)> | ** [x](javascript:alert(3)) "'&`
	dir := writeRunDir(t, hostileRun())
	m, err := BuildClientMatrix([]ClientRun{readRun(t, dir, evil)}, ClientMatrixOptions{Rows: append(matrixRows, Row{ID: "R1", Class: "documented", Area: evil, Behaviour: evil}), OutDir: dir})
	require.NoError(t, err)
	page, err := ClientMatrixHTML(m)
	require.NoError(t, err)
	html := string(page)
	// Every element of the page is one of the template's: the hostile text made none.
	template := map[string]bool{}
	for _, tag := range strings.Fields("html head meta title style body header h1 h2 h3 p ul li span table caption thead tbody tfoot tr th td a code br section details summary strong footer") {
		template[tag] = true
	}
	for _, m := range regexp.MustCompile(`<([a-zA-Z][a-zA-Z0-9]*)`).FindAllStringSubmatch(html, -1) {
		assert.True(t, template[strings.ToLower(m[1])], "an element <%s> the template does not write", m[1])
	}
	assert.Empty(t, externalRefs(html), "no link out")
	assert.NotContains(t, html, `"'&`, "quotes escaped: no attribute breaks out")
	assert.Contains(t, html, "&lt;script&gt;alert(1)&lt;/script&gt;", "shown as text")

	md := string(ClientMatrixMarkdown(m))
	// Outside code spans (where Markdown is text), no tag and no link of the run's text.
	prose := regexp.MustCompile("`[^`\n]*`").ReplaceAllString(md, "")
	assert.NotContains(t, prose, "<", "no raw HTML")
	assert.NotRegexp(t, `[^\\]\]\(javascript:`, prose, "no Markdown link")
	assert.Contains(t, md, "&lt;script&gt;")
	// Every line of the row table has as many cells as its header: no pipe got through.
	var table []string
	_, after, ok := strings.Cut(md, "## Contract rows by client\n\n")
	require.True(t, ok)
	for _, l := range strings.Split(after, "\n") {
		if !strings.HasPrefix(l, "|") {
			break
		}
		table = append(table, l)
	}
	require.NotEmpty(t, table)
	unescaped := regexp.MustCompile(`(^|[^\\])\|`)
	for _, l := range table {
		assert.Equal(t, len(unescaped.FindAllString(table[0], -1)), len(unescaped.FindAllString(l, -1)), l)
	}
}

// externalRefs lists what in a page would load anything, or lead out of its folder: an
// element that fetches (script, link, img, iframe, object, embed, source, base, form), a
// src, srcset, action or poster attribute, an href that is neither a fragment nor a
// relative path, a url( or @import in a style attribute or element. The page's own
// quoting is html/template's: every attribute value in double quotes.
func externalRefs(page string) []string {
	var out []string
	tag := regexp.MustCompile(`<([a-zA-Z][a-zA-Z0-9]*)([^>]*)>`)
	attr := regexp.MustCompile(`\s([a-zA-Z-]+)(?:="([^"]*)")?`)
	for _, m := range tag.FindAllStringSubmatch(page, -1) {
		name := strings.ToLower(m[1])
		switch name {
		case "script", "link", "img", "iframe", "object", "embed", "source", "base", "form":
			out = append(out, "<"+name+">")
		}
		for _, a := range attr.FindAllStringSubmatch(m[2], -1) {
			key, val := strings.ToLower(a[1]), strings.ToLower(html.UnescapeString(a[2]))
			switch key {
			case "src", "srcset", "action", "formaction", "poster", "background":
				out = append(out, key+"="+val)
			case "href":
				u, err := url.Parse(val)
				if err != nil || u.Scheme != "" || u.Host != "" || strings.HasPrefix(val, "//") {
					out = append(out, key+"="+val)
				}
			case "style":
				if strings.Contains(val, "url(") || strings.Contains(val, "@import") {
					out = append(out, key+"="+val)
				}
			}
		}
	}
	for _, m := range regexp.MustCompile(`(?s)<style>(.*?)</style>`).FindAllStringSubmatch(page, -1) {
		if css := strings.ToLower(m[1]); strings.Contains(css, "url(") || strings.Contains(css, "@import") {
			out = append(out, "a url( or @import in <style>")
		}
	}
	return out
}

func TestClientMatrixSelfContained(t *testing.T) {
	dir := writeRunDir(t, kindsRun("node"))
	out := filepath.Join(t.TempDir(), "clients")
	m, err := BuildClientMatrix([]ClientRun{readRun(t, dir, "")}, ClientMatrixOptions{Rows: matrixRows, OutDir: out})
	require.NoError(t, err)
	page, err := ClientMatrixHTML(m)
	require.NoError(t, err)
	assert.Empty(t, externalRefs(string(page)), "external references")
	assert.Contains(t, string(page), `Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'"`)
	// The column links to its own reports, relative to the matrix's folder.
	rel, err := filepath.Rel(out, filepath.Join(dir, HTMLFile))
	require.NoError(t, err)
	assert.Contains(t, string(page), `href="`+filepath.ToSlash(rel)+`"`)

	// The check itself finds each kind of external reference.
	for _, bad := range []string{`<script>x()</script>`, `<link rel="stylesheet" href="a.css">`, `<a href="https://example.com">`,
		`<a href="//example.com">`, `<img alt="">`, `<p style="background: url(x.png)">`, `<a href="javascript:x()">`,
		`<a href="JavaScript&#58;x()">`, `<video poster="x.png">`, `<style>@import "x.css";</style>`, `<span src="x">`} {
		assert.NotEmpty(t, externalRefs(bad), bad)
	}
	for _, ok := range []string{`<a href="#cells-S2">`, `<a href="runs/wire/report.html">`, `<td title="&lt;img src=x&gt; href=https://x">`} {
		assert.Empty(t, externalRefs(ok), ok)
	}
}

// TestClientMatrixAccessible: the table has column and row headers with their scope, and
// every cell says its kind in words and a symbol, beside its colour, with its reason as
// its title and in the list of every cell.
func TestClientMatrixAccessible(t *testing.T) {
	dir := writeRunDir(t, kindsRun("node"))
	m, err := BuildClientMatrix([]ClientRun{readRun(t, dir, "")}, ClientMatrixOptions{Rows: matrixRows})
	require.NoError(t, err)
	page, err := ClientMatrixHTML(m)
	require.NoError(t, err)
	html := string(page)
	assert.Contains(t, html, `<th scope="col" class="client"><a href="#client-0">node</a>`)
	assert.Contains(t, html, `<th scope="row" title="JobIds filters"><a href="#cells-S2">S2</a>`)
	assert.Contains(t, html, `<th scope="rowgroup" colspan="3">Semantics</th>`)
	assert.Contains(t, html, `<td class="cell failed" title="node, S2: failed: 2 scenarios failed on S2; 1 passed"><a href="#cell-S2-1"><span aria-hidden="true">✗</span> fail</a></td>`)
	assert.Contains(t, html, `<td class="cell not-checkable" title="node, A2: not checkable: 1 stopped on another row&#39;s failure before judging A2">`)
	assert.Contains(t, html, `<td class="cell not-checkable" title="node, P1: not checkable: 1 skipped, which need the wire driver (--driver wire runs them)">`)
	assert.Contains(t, html, `<li id="cell-S2-1"><strong>node</strong>: <span class="k failed"><span aria-hidden="true">✗</span> failed</span>: 2 scenarios failed on S2; 1 passed`)
	assert.Contains(t, html, `<code>S2-near-miss/1</code> failed: S2: Response.JobSet has 6 jobs; want 2`)
	for _, k := range CellKinds {
		assert.Contains(t, html, `<span class="k `+string(k)+`"><span aria-hidden="true">`+k.Symbol()+`</span> `+k.Words()+`</span>`, "the legend")
	}

	md := string(ClientMatrixMarkdown(m))
	assert.Contains(t, md, "| [S2](#s2) | mixed | ✗ fail |")
	assert.Contains(t, md, "| [P1](#p1) | documented | – n/c |")
	assert.Contains(t, md, "| [J4](#j4) | documented | ! known |")
	assert.Contains(t, md, "| [A1](#a1) | documented | · not run |")
	assert.Contains(t, md, "- **node**: ✗ failed: 2 scenarios failed on S2; 1 passed\n  - `S2-near-miss/1` failed: S2: Response.JobSet has 6 jobs; want 2\n")
	assert.Contains(t, md, "- **node**: – not checkable: 1 stopped on another row's failure before judging A2\n  - `A2-and-s2` not judged: ")
	assert.Contains(t, md, "  - passed: `S2-two-ids`\n")
}

func TestShortClient(t *testing.T) {
	for in, want := range map[string]string{
		"": "",
		"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common v1.3.212":                   "tencentcloud-sdk-go v1.3.212",
		"node adapter, tencentcloud-sdk-nodejs 4.1.313 (/work/drivers/node/run)":                     "tencentcloud-sdk-nodejs 4.1.313",
		"python adapter, tencentcloud-sdk-python 3.1.97 (common 3.1.195) (/work/drivers/python/run)": "tencentcloud-sdk-python 3.1.97 (common 3.1.195)",
		"tccli adapter, tccli 3.1.189.1 (/work/drivers/tccli/run)":                                   "tccli 3.1.189.1",
		"my sdk 2.0 (exec:sh -c './a b')":                                                            "my sdk 2.0",
	} {
		assert.Equal(t, want, shortClient(in), in)
	}
}
