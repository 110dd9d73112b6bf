package suitelist

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciam-harness/listjobs/contract"
	"github.com/ciam-harness/listjobs/features"
	"github.com/ciam-harness/listjobs/plan"
)

func realSuite(t *testing.T) (*plan.Plan, *contract.Contract, []byte) {
	t.Helper()
	p, err := plan.Build(features.FS)
	require.NoError(t, err)
	c, err := contract.Load()
	require.NoError(t, err)
	list, err := os.ReadFile(filepath.Join("..", "features", File))
	require.NoError(t, err)
	return p, c, list
}

// The golden list is the suite's: every scenario has an id, and features/suite.tsv
// lists them as the generator would.
func TestGoldenListIsCurrent(t *testing.T) {
	p, c, list := realSuite(t)
	require.NoError(t, Check(p, c, list))
	lines := strings.Count(string(list), "\n") - strings.Count(header, "\n")
	assert.Equal(t, len(p.Scenarios), lines, "one line per scenario")
}

// A list that is not the suite's fails the check, which names what changed and the
// command that regenerates it.
func TestCheckFailsWhenStale(t *testing.T) {
	p, c, list := realSuite(t)
	text := string(list)
	line := func(id string) string {
		i := strings.Index(text, "\n"+id+"\t")
		require.GreaterOrEqual(t, i, 0, id)
		end := strings.IndexByte(text[i+1:], '\n')
		return text[i+1 : i+1+end+1]
	}
	cases := map[string]struct{ list, want string }{
		"a line gone":      {strings.Replace(text, line("S2-near-miss/2"), "", 1), "new: S2-near-miss/2"},
		"a line too many":  {text + "S2-gone\tS2\tdocumented\t\t2026-01-01\tx.feature\tgone\n", "gone: S2-gone"},
		"a name changed":   {strings.Replace(text, "\tA JobIds of one job returns exactly that job\n", "\tA JobIds of one job\n", 1), "changed: S2-one-job"},
		"a tag changed":    {strings.Replace(text, line("A2-body-altered"), strings.Replace(line("A2-body-altered"), "@wire", "", 1), 1), "changed: A2-body-altered"},
		"the header":       {strings.Replace(text, "# The golden", "# A golden", 1), "its header or order differs"},
		"not a list":       {"S2-x\tonly two fields\n", "not a line of the golden list"},
		"no list at all":   {"", "new: T1-post-json-escaped-ids, T1-post-json-object-body/1"},
		"since is kept":    {strings.Replace(text, line("S2-one-job"), strings.Replace(line("S2-one-job"), "2026-12-07", "2026-12-08", 1), 1), ""},
		"lines reordered":  {strings.Replace(strings.Replace(text, line("S2-one-job"), "", 1), line("S2-near-miss/1"), line("S2-near-miss/1")+line("S2-one-job"), 1), "its header or order differs"},
		"a row tag edited": {strings.Replace(text, line("S2-two-jobs"), strings.Replace(line("S2-two-jobs"), "\tS2\t", "\tS2 S3\t", 1), 1), "changed: S2-two-jobs"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			err := Check(p, c, []byte(tc.list))
			if tc.want == "" {
				require.NoError(t, err, "a since is the list's own: the check keeps it")
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.Contains(t, err.Error(), "`go generate ./features`")
		})
	}
}

// A suite of three scenarios, one an outline, in a feature with a Rule.
const sample = `@S3
Feature: f

  @S2 @assumed @id:S2-kept
  Scenario Outline: kept <n>
    Given it passes

    Examples:
      | n |
      | 1 |
      | 2 |

  Rule: r

    @S1 @fixture @id:S1-new
    Scenario: new one
      Given it passes
`

func TestGenerate(t *testing.T) {
	p, err := plan.Build(fstest.MapFS{"f.feature": {Data: []byte(sample)}})
	require.NoError(t, err)
	c, err := contract.Load()
	require.NoError(t, err)
	old := header + "S2-kept/1\tS2\tassumed\t@assumed\t2026-01-02\tf.feature\tkept 1\nS2-gone\tS2\tdocumented\t\t2025-01-01\tf.feature\tgone\n"
	got, err := Generate(p, c, []byte(old), "2026-12-24")
	require.NoError(t, err)
	assert.Equal(t, header+
		"S1-new\tS1 S3\tassumed\t@fixture\t2026-12-24\tf.feature\tnew one\n"+
		"S2-kept/1\tS2 S3\tassumed\t@assumed\t2026-01-02\tf.feature\tkept 1\n"+
		"S2-kept/2\tS2 S3\tassumed\t@assumed\t2026-12-24\tf.feature\tkept 2\n", string(got),
		"sorted by id, rows in contract order; S3 is assumed; since kept for an id the list held")

	p, err = plan.Build(fstest.MapFS{"f.feature": {Data: []byte(strings.Replace(sample, " @id:S1-new", "", 1))}})
	require.NoError(t, err)
	_, err = Generate(p, c, nil, "2026-12-24")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `f.feature:16 "new one" has no @id: tag`)
	assert.Contains(t, err.Error(), "go generate ./features")
}

func TestClassOfMixedRows(t *testing.T) {
	// S2 is mixed: a scenario of S2 is assumed when tagged @assumed.
	text := "Feature: f\n\n  @S2 @id:S2-plain\n  Scenario: plain\n    Given it passes\n\n  @S2 @assumed @id:S2-assumed\n  Scenario: assumed\n    Given it passes\n"
	p, err := plan.Build(fstest.MapFS{"f.feature": {Data: []byte(text)}})
	require.NoError(t, err)
	c, err := contract.Load()
	require.NoError(t, err)
	row, ok := c.Lookup("S2")
	require.True(t, ok)
	require.Equal(t, contract.Mixed, row.Class, "the test's premise")
	got, err := Generate(p, c, nil, "2026-12-24")
	require.NoError(t, err)
	assert.Contains(t, string(got), "S2-assumed\tS2\tassumed\t@assumed\t")
	assert.Contains(t, string(got), "S2-plain\tS2\tdocumented\t\t")
}

func TestAddIDs(t *testing.T) {
	src := "@S9\nFeature: f\n\n  @S2 @assumed\n  Scenario Outline: A near miss of a job's id (<kind>) matches no job\n    Given it passes\n\n    Examples:\n      | kind |\n      | x    |\n\n  @S2 @id:S2-kept\n  Scenario: kept\n    Given it passes\n\n  Rule: r\n\n    Scenario: A body without UserStoreId gets the error MissingParameter\n      Given it passes\n\n    @S1   # a comment\n    Scenario: An empty JobIds returns every job of the user store\n      Given it passes\n"
	taken := map[string]bool{"S2-kept": true, "S2-near-miss-job-id-matches-no-job": true}
	out, added, err := AddIDs("f.feature", []byte(src), taken)
	require.NoError(t, err)
	assert.Equal(t, []string{"S2-near-miss-job-id-matches-no-job-2", "S9-body-without-userstoreid", "S1-empty-jobids-returns-every-job"}, added,
		"a taken id gets a number; a scenario without a row tag its Feature's row")
	assert.Contains(t, string(out), "  @S2 @assumed @id:S2-near-miss-job-id-matches-no-job-2\n  Scenario Outline:")
	assert.Contains(t, string(out), "\n    @id:S9-body-without-userstoreid\n    Scenario: A body without")
	assert.Contains(t, string(out), "    @S1 @id:S1-empty-jobids-returns-every-job   # a comment\n")
	assert.Equal(t, strings.Count(src, "\n")+1, strings.Count(string(out), "\n"), "one line added, for the scenario without tags")
	for _, id := range added {
		assert.True(t, taken[id])
	}
	p, err := plan.Build(fstest.MapFS{"f.feature": {Data: out}})
	require.NoError(t, err, "the result parses, every id valid")
	for _, sc := range p.Scenarios {
		assert.NotEmpty(t, sc.ID, sc.Name)
	}
	again, none, err := AddIDs("f.feature", out, taken)
	require.NoError(t, err)
	assert.Empty(t, none)
	assert.Equal(t, string(out), string(again), "a second run changes nothing")

	_, _, err = AddIDs("g.feature", []byte("Feature: g\n\n  Scenario: no row\n    Given it passes\n"), map[string]bool{})
	assert.ErrorContains(t, err, `g.feature:3: "no row" has no row tag`)
	_, _, err = AddIDs("h.feature", []byte("Feature: h\n  Scenario Outline: x <a>\n    Given y\n  Examples:\n    | a |\n    | 1 | 2 |\n"), map[string]bool{})
	assert.ErrorContains(t, err, "h.feature: ")
}

func TestNewID(t *testing.T) {
	cases := map[[2]string]string{
		{"S2", "A near miss of a job's id (<kind>) matches no job"}:                          "S2-near-miss-job-id-matches-no-job",
		{"P4", "A body with JobIds but without UserStoreId gets the error MissingParameter"}: "P4-body-jobids-but-without", // a cut that tells little: its author may edit it
		{"T3", "A <method> request gets the error UnsupportedProtocol"}:                      "T3-request-unsupportedprotocol",
		{"T8", "An error carries a non-empty RequestId, different every time"}:               "T8-error-carries-non-empty",
		{"A1", "A request signed over content-type;host;x-tc-action is accepted"}:            "A1-request-signed-over-content-type",
		{"J2", "Every job has a Status among PENDING and FAILED"}:                            "J2-every-job-has-status",
		{"S1", "<n>"}:                   "S1-scenario",
		{"S1", strings.Repeat("x", 70)}: "S1-" + strings.Repeat("x", 32),
	}
	for in, want := range cases {
		got := NewID(in[0], in[1], map[string]bool{})
		assert.Equal(t, want, got, in[1])
		assert.LessOrEqual(t, len(got), 64)
	}
	taken := map[string]bool{"A1-request-signed-over-content-type": true}
	assert.Equal(t, "A1-request-signed-over-content-type-host", NewID("A1", "A request signed over content-type;host;x-tc-action is accepted", taken), "one more word")
	taken = map[string]bool{"S1-scenario": true}
	assert.Equal(t, "S1-scenario-2", NewID("S1", "<n>", taken), "then a number")
}

func TestUpdate(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644))
	}
	write("a.feature", "Feature: a\n\n  @S1\n  Scenario: An empty JobIds returns every job\n    Given it passes\n")
	write("b.feature", strings.Replace(sample, " @id:S1-new", "", 1))
	msg, err := Update(dir, "2026-12-24")
	require.NoError(t, err)
	assert.Contains(t, msg, "suite.tsv: 4 scenarios, written; 2 new ids tagged: @id:S1-empty-jobids-returns-every-job ... @id:S1-new-one")
	a, err := os.ReadFile(filepath.Join(dir, "a.feature"))
	require.NoError(t, err)
	assert.Contains(t, string(a), "@S1 @id:S1-empty-jobids-returns-every-job\n")
	list, err := os.ReadFile(filepath.Join(dir, File))
	require.NoError(t, err)
	assert.Contains(t, string(list), "S1-new-one\tS1 S3\tassumed\t@fixture\t2026-12-24\tb.feature\tnew one\n")

	msg, err = Update(dir, "2027-01-01")
	require.NoError(t, err)
	assert.Contains(t, msg, "4 scenarios, unchanged")
	again, err := os.ReadFile(filepath.Join(dir, File))
	require.NoError(t, err)
	assert.Equal(t, string(list), string(again), "a second run keeps every since")

	write("c.feature", "Feature: c\n\n  @S1 @id:S1-new-one\n  Scenario: twin\n    Given it passes\n")
	_, err = Update(dir, "2026-12-24")
	assert.ErrorContains(t, err, "the case id S1-new-one is also the id of")
	require.NoError(t, os.Remove(filepath.Join(dir, "c.feature")))
	write(File, "garbage\n")
	_, err = Update(dir, "2026-12-24")
	assert.ErrorContains(t, err, "not a line of the golden list")
}
