package mutation

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciam-harness/listjobs/driver"
	"github.com/ciam-harness/listjobs/mutants"
	"github.com/ciam-harness/listjobs/result"
	"github.com/ciam-harness/listjobs/runner"
)

// TestRunCarriesClasses: every result of a run has the class of its mutant, the
// reference none.
func TestRunCarriesClasses(t *testing.T) {
	t.Parallel()
	var ms []mutants.Mutant
	for _, name := range []string{"filter-ignored", "action-case-insensitive", "jobset-sorted", "rate-limit-19"} {
		m, ok := mutants.ByName(name)
		require.True(t, ok, name)
		ms = append(ms, m)
	}
	fake := func(_ context.Context, m mutants.Mutant, _ driver.Choice, _ string) outcome {
		if m.Name == "filter-ignored" {
			return outcome{scenarios: []result.Scenario{scenario("f.feature", 1, result.Failed, "S2")}, exit: runner.ExitFailed}
		}
		return outcome{scenarios: []result.Scenario{scenario("f.feature", 2, result.Passed, m.Row)}}
	}
	report, err := Run(context.Background(), Options{Fixture: testFixture(), Mutants: ms, Parallel: 2, suite: fake})
	require.NoError(t, err)
	assert.Empty(t, report.Reference.Class)
	require.Len(t, report.Mutants, len(ms))
	for i, res := range report.Mutants {
		assert.Equal(t, ms[i].Class, res.Class, res.Name)
		assert.NotEmpty(t, res.Class, res.Name)
	}
	var table bytes.Buffer
	require.NoError(t, report.WriteTable(&table))
	assert.Contains(t, table.String(), "by class of break (killed of those to kill; equivalent ones passed): "+
		"near-miss 0/1 killed; boundary 0/1 killed; selection 1/1 killed; equivalent 1/1 passed\n")
}

// classReport is a report of mutants of three classes, one of no class and one of a
// class the catalogue does not know, with every verdict the counts tell apart.
func classReport() Report {
	results := []Result{
		{Name: "n1", Row: "P1", Class: mutants.ClassNearMiss, Verdict: Killed},
		{Name: "odd", Row: "S2", Class: "made-up", Verdict: Killed},
		{Name: "n2", Row: "P2", Class: mutants.ClassNearMiss, Verdict: Survived},
		{Name: "e1", Row: "S4", Class: mutants.ClassEquivalent, Equivalent: "S4 allows it", Verdict: Equivalent},
		{Name: "none", Row: "J4", Verdict: Killed},
		{Name: "n3", Row: "A4", Class: mutants.ClassNearMiss, Verdict: NotChecked},
		{Name: "e2", Row: "J9", Class: mutants.ClassEquivalent, Equivalent: "J9 allows it", Verdict: OverAsserted},
		{Name: "s1", Row: "A2", Class: mutants.ClassSignedPart, Verdict: Killed},
	}
	return Report{Machine: "m", Parallel: 1, ClockParallel: 1, Reference: Result{Name: reference, Verdict: Passed},
		Mutants: results, Totals: count(results)}
}

func TestByClass(t *testing.T) {
	by := classReport().ByClass()
	var got []string
	for _, c := range by {
		got = append(got, c.String())
	}
	assert.Equal(t, []string{
		"near-miss 1/3 killed (1 not checked)",
		"signed-part 1/1 killed",
		"equivalent 1/2 passed",
		"made-up 1/1 killed",
		"unclassified 1/1 killed",
	}, got, "the catalogue's classes in their order, then the others as they come; a class without mutants left out")
	require.Len(t, by, 5)
	assert.Equal(t, Totals{Mutants: 3, NonEquivalent: 3, Killed: 1, Survived: 1, NotChecked: 1}, by[0].Totals)
	assert.Equal(t, Totals{Mutants: 2, Equivalent: 1, OverAsserted: 1}, by[2].Totals)

	assert.Empty(t, Report{}.ByClass())
	assert.Empty(t, Report{}.classSummary(), "no line for a report without mutants")
	mixed := ClassTotals{Class: "x", Totals: Totals{Mutants: 3, NonEquivalent: 2, Killed: 2, Equivalent: 1}}
	assert.Equal(t, "x 2/2 killed, 1/1 passed", mixed.String())
}

// TestKillTablesShowClasses: the text table, mutation.md and mutation.json give each
// mutant's class, and the counts by class.
func TestKillTablesShowClasses(t *testing.T) {
	report := classReport()
	const summary = "by class of break (killed of those to kill; equivalent ones passed): near-miss 1/3 killed (1 not checked); " +
		"signed-part 1/1 killed; equivalent 1/2 passed; made-up 1/1 killed; unclassified 1/1 killed"

	var table bytes.Buffer
	require.NoError(t, report.WriteTable(&table))
	lines := strings.Split(table.String(), "\n")
	assert.Regexp(t, `^MUTANT +ROW +CLASS +VERDICT +KILLED BY$`, lines[0])
	for i, m := range report.Mutants {
		assert.Regexp(t, `^`+m.Name+` +`+m.Row+` +`+className(m.Class)+` +`+string(m.Verdict)+` `, lines[i+1])
	}
	assert.Contains(t, table.String(), "\n"+summary+"\n")

	var md bytes.Buffer
	require.NoError(t, report.WriteMarkdown(&md))
	assert.Contains(t, md.String(), "| mutant | row | class | breaks |")
	assert.Contains(t, md.String(), "| n1 | P1 | near-miss |")
	assert.Contains(t, md.String(), "| none | J4 | unclassified |")
	assert.Contains(t, md.String(), "\n- "+summary+"\n")

	var js bytes.Buffer
	require.NoError(t, report.WriteJSON(&js))
	var doc struct {
		Mutants []struct {
			Name  string `json:"name"`
			Class string `json:"class"`
		} `json:"mutants"`
		Classes []map[string]any `json:"classes"`
	}
	require.NoError(t, json.Unmarshal(js.Bytes(), &doc))
	require.Len(t, doc.Mutants, len(report.Mutants))
	for i, m := range report.Mutants {
		assert.Equal(t, string(m.Class), doc.Mutants[i].Class, m.Name)
	}
	require.Len(t, doc.Classes, 5)
	assert.Equal(t, map[string]any{"class": "near-miss", "mutants": 3.0, "nonEquivalent": 3.0, "killed": 1.0, "survived": 1.0,
		"killedByAnotherRowOnly": 0.0, "equivalent": 0.0, "overAsserted": 0.0, "notChecked": 1.0, "errors": 0.0}, doc.Classes[0])
	assert.Equal(t, "", doc.Classes[4]["class"], "the mutants of no class")
	var back Report
	require.NoError(t, json.Unmarshal(js.Bytes(), &back), "the report reads back")
	assert.Equal(t, report.Mutants, back.Mutants)
	assert.Equal(t, report.Totals, back.Totals)
}
