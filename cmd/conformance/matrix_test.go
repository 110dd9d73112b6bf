package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciam-harness/listjobs/report"
	"github.com/ciam-harness/listjobs/result"
)

// matrixRun runs the suite with args into a new folder and returns it.
func matrixRun(t *testing.T, env []string, want int, args ...string) string {
	t.Helper()
	out := t.TempDir()
	code, stdout, stderr := command(t, env, append(args, "--format", "progress", "--out", out)...)
	require.Equal(t, want, code, "conformance %v:\nstdout:\n%s\nstderr:\n%s", args, stdout, stderr)
	return out
}

// TestMatrixEndToEnd runs the suite three times (through the wire driver and the Go SDK
// against the embedded emulator, and through the wire driver against an emulator that
// ignores JobIds), then conformance matrix over the three folders: S2 passes through both
// clients and fails on the broken endpoint; T5 passes through the wire driver and is not
// checkable through the SDK, which does not hand its caller the HTTP status.
func TestMatrixEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the suite three times")
	}
	wire := matrixRun(t, nil, 0, "--tags", "@S2,@T5")
	sdk := matrixRun(t, nil, 0, "--tags", "@S2,@T5", "--driver", "sdk")
	env, _ := brokenEndpoint(t)
	broken := matrixRun(t, env, 1, "--tags", "@S2", "--fixture", filepath.Join("..", "..", "testdata", "fixture.json"))

	out := filepath.Join(t.TempDir(), "clients")
	code, stdout, stderr := command(t, nil, "matrix", "--out", out, wire, sdk, broken+"=wire, broken emulator")
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	assert.Empty(t, stderr)
	assert.Contains(t, stdout, "matrix: 49 rows by 3 clients: "+filepath.Join(out, "index.html")+", "+filepath.Join(out, "matrix.md")+"\n")
	assert.Regexp(t, "\n  wire, broken emulator: [0-9]+ failed, [0-9]+ not run\n", stdout)

	md, err := os.ReadFile(filepath.Join(out, report.ClientMatrixMarkdownFile))
	require.NoError(t, err)
	assert.Contains(t, string(md), "| row | class | wire | sdk | wire, broken emulator |")
	assert.Contains(t, string(md), "| [S2](#s2) | mixed | ✓ pass | ✓ pass | ✗ fail |")
	assert.Contains(t, string(md), "| [T5](#t5) | mixed | ✓ pass | – n/c | · not run |")
	assert.Contains(t, string(md), "- **sdk**: – not checkable: 4 skipped, which need the wire driver (--driver wire runs them)")
	assert.Regexp(t, "- \\*\\*wire, broken emulator\\*\\*: ✗ failed: [0-9]+ scenarios failed on S2", string(md))

	page, err := os.ReadFile(filepath.Join(out, report.ClientMatrixHTMLFile))
	require.NoError(t, err)
	assert.Contains(t, string(page), `<td class="cell failed" title="wire, broken emulator, S2: failed: `)
	rel, err := filepath.Rel(out, filepath.Join(broken, "report.html"))
	require.NoError(t, err)
	assert.Contains(t, string(page), `<a href="`+filepath.ToSlash(rel)+`">report.html</a>`, "the column links its run's report")
}

// TestMatrixUsage: the subcommand's flags and arguments; every error is one line on
// stderr and exit 2, with nothing written.
func TestMatrixUsage(t *testing.T) {
	code, stdout, stderr := command(t, nil, "matrix", "--help")
	assert.Equal(t, 0, code)
	assert.Empty(t, stderr)
	for _, s := range []string{"usage: conformance matrix [--out DIR] [--sdk-mutation FILE] DIR[=LABEL]...", "-out", "-sdk-mutation", "index.html", "matrix.md", "Exit 0"} {
		assert.Contains(t, stdout, s)
	}

	run := writeReportFolder(t)
	missing := filepath.Join(t.TempDir(), "nope")
	corrupt := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(corrupt, report.ManifestFile), []byte("{"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(corrupt, report.NDJSONFile), nil, 0o644))
	noResults := t.TempDir()
	manifest, err := os.ReadFile(filepath.Join(run, report.ManifestFile))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(noResults, report.ManifestFile), manifest, 0o644))
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"no folder", nil, "no report folder given"},
		{"unknown flag", []string{"--title", "x", run}, "flag provided but not defined: -title"},
		{"missing folder", []string{missing}, "report folder " + missing + ": no such file or directory"},
		{"corrupt manifest", []string{run, corrupt}, filepath.Join(corrupt, report.ManifestFile) + ": not a manifest"},
		{"no results", []string{noResults}, filepath.Join(noResults, report.NDJSONFile) + ": missing"},
		{"one label twice", []string{run + "=x", run + "=x"}, `two report folders are labelled "x"`},
		{"missing sdk-mutation report", []string{"--sdk-mutation", missing, run}, "--sdk-mutation: " + missing + ": missing"},
		{"empty out", []string{"--out", " ", run}, "--out is empty"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "clients")
			code, stdout, stderr := command(t, nil, append([]string{"matrix", "--out", out}, tc.args...)...)
			assert.Equal(t, 2, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
			assert.Contains(t, stderr, tc.want)
			assert.True(t, strings.HasPrefix(stderr, "conformance matrix: "), stderr)
			assert.Equal(t, 1, strings.Count(stderr, "\n"), "one line: %q", stderr)
			assert.Empty(t, stdout)
			_, err := os.Stat(out)
			assert.True(t, os.IsNotExist(err), "nothing written")
		})
	}
}

// TestMatrixLabelsAndSDKMutation: DIR=LABEL names a column, a folder whose name holds a
// "=" is still a folder, and --sdk-mutation gives the SDK columns their kill counts.
func TestMatrixLabelsAndSDKMutation(t *testing.T) {
	run := writeReportFolder(t)
	odd := filepath.Join(t.TempDir(), "a=b")
	require.NoError(t, os.CopyFS(odd, os.DirFS(run)))
	sdkMutation := filepath.Join(t.TempDir(), report.SDKMutationFile)
	require.NoError(t, os.WriteFile(sdkMutation, []byte(`{"results": [
		{"name": "node-unpatched", "driver": "node", "verdict": "passed"},
		{"name": "node-x", "driver": "node", "rows": ["S2"], "edits": [{"file": "f", "search": "a", "replace": "b"}], "verdict": "killed"}]}`), 0o644))

	out := t.TempDir()
	code, stdout, stderr := command(t, nil, "matrix", "--out", out, "--sdk-mutation", sdkMutation, run+"=Node.js SDK", odd)
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	assert.Contains(t, stdout, "\n  Node.js SDK: ")
	assert.Contains(t, stdout, "\n  node: ", "the folder named a=b, labelled by its driver")
	md, err := os.ReadFile(filepath.Join(out, report.ClientMatrixMarkdownFile))
	require.NoError(t, err)
	assert.Contains(t, string(md), "| row | class | Node.js SDK | node |")
	assert.Contains(t, string(md), "1 of 1 broken SDKs killed, 0 of 0 equivalent passed, control passed")

	dir, label := splitDirLabel(run + "=x=y")
	assert.Equal(t, run, dir)
	assert.Equal(t, "x=y", label)
}

// writeReportFolder writes a small run's report folder (through the report package, as
// a run does) and returns it.
func writeReportFolder(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	run := report.Run{
		Manifest: report.Manifest{Driver: "node", SDK: "node adapter, tencentcloud-sdk-nodejs 4.1.313 (drivers/node/run)", Endpoint: "http://127.0.0.1:1",
			EmbeddedEmulator: true, Verdict: "PASS"},
		Scenarios: []result.Scenario{{ID: "S2-two-ids", Feature: "filtering.feature", Line: 3, Name: "two ids", Rows: []string{"S2"}, Status: result.Passed}},
	}
	_, err := report.Write(dir, []string{"ndjson", "manifest"}, run, nil)
	require.NoError(t, err)
	return dir
}
