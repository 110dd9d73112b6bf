package ledger

import (
	"github.com/ciam-harness/listjobs/result"

	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const valid = `{
  "target": "vendor emulator 2.3",
  "knownFailures": [
    {"feature": "listing.feature", "scenario": "An empty result", "reason": "VX-1: null JobSet"},
    {"feature": "job.feature", "scenario": "Every job has a Format", "reason": "VX-2"}
  ]
}`

func TestLoad(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ledger.json")
	require.NoError(t, os.WriteFile(path, []byte(valid), 0o644))
	l, err := Load(path)
	require.NoError(t, err)
	assert.Equal(t, "vendor emulator 2.3", l.Target)
	require.Len(t, l.Entries, 2)
	e, ok := l.Lookup(ID{Feature: "job.feature", Scenario: "Every job has a Format"})
	assert.True(t, ok)
	assert.Equal(t, "VX-2", e.Reason)
	_, ok = l.Lookup(ID{Feature: "job.feature", Scenario: "Every job has a format"})
	assert.False(t, ok, "names match exactly")

	_, err = Load(filepath.Join(t.TempDir(), "missing.json"))
	assert.ErrorContains(t, err, "known-failure ledger: open ")
}

func TestParseEmptyListIsFine(t *testing.T) {
	l, err := Parse("x", []byte(`{"knownFailures": []}`))
	require.NoError(t, err)
	assert.Empty(t, l.Entries)
}

func TestParseErrors(t *testing.T) {
	cases := map[string]struct{ doc, want string }{
		"not JSON":        {`knownFailures: []`, "not a valid ledger"},
		"unknown field":   {`{"knownFailures": [], "expected": []}`, `unknown field "expected"`},
		"unknown entry":   {`{"knownFailures": [{"feature": "a", "scenario": "b", "reason": "c", "row": "S1"}]}`, `unknown field "row"`},
		"list missing":    {`{"target": "x"}`, `"knownFailures" is missing`},
		"trailing data":   {`{"knownFailures": []} {}`, "data after the JSON object"},
		"no feature":      {`{"knownFailures": [{"scenario": "b", "reason": "c"}]}`, `knownFailures[0]: "feature" is empty`},
		"no id":           {`{"knownFailures": [{"reason": "c"}]}`, `knownFailures[0]: "id" is missing: name the scenario by its case id`},
		"not an id":       {`{"knownFailures": [{"id": "S2 near miss", "reason": "c"}]}`, `knownFailures[0]: "id" "S2 near miss" is not a case id`},
		"id and name":     {`{"knownFailures": [{"id": "S2-x", "feature": "a", "scenario": "b", "reason": "c"}]}`, `knownFailures[0] (S2-x): give "id" alone`},
		"id twice":        {`{"knownFailures": [{"id": "S2-x/1", "reason": "c"}, {"id": "S2-x/1", "reason": "d"}]}`, `knownFailures[1]: S2-x/1 is listed twice (also knownFailures[0])`},
		"id, no reason":   {`{"knownFailures": [{"id": "S2-x/1"}]}`, `knownFailures[0] (S2-x/1): "reason" is empty`},
		"no scenario":     {`{"knownFailures": [{"feature": "a", "reason": "c"}]}`, `knownFailures[0] (a): "scenario" is empty`},
		"blank reason":    {`{"knownFailures": [{"feature": "a", "scenario": "b", "reason": "  "}]}`, `"reason" is empty`},
		"listed twice":    {`{"knownFailures": [{"feature": "a", "scenario": "b", "reason": "c"}, {"feature": "a", "scenario": "b", "reason": "d"}]}`, `knownFailures[1]: a: "b" is listed twice (also knownFailures[0])`},
		"wrong type":      {`{"knownFailures": {"feature": "a"}}`, "not a valid ledger"},
		"reason a number": {`{"knownFailures": [{"feature": "a", "scenario": "b", "reason": 1}]}`, "not a valid ledger"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Parse("l.json", []byte(tc.doc))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.Contains(t, err.Error(), "known-failure ledger l.json")
		})
	}
}

func TestParseReportsEveryProblem(t *testing.T) {
	_, err := Parse("l.json", []byte(`{"knownFailures": [{"feature": "a"}, {"feature": "b", "scenario": "c"}]}`))
	require.Error(t, err)
	assert.Equal(t, 2, strings.Count(err.Error(), "\n")+1, err.Error())
}

// suite: a.feature holds s1..s4; results: s1 failed, s2 passed, s3 skipped; s4 not run.
func compareFixture() ([]ID, []result.Scenario) {
	ids := []ID{{Feature: "a.feature", Scenario: "s1"}, {Feature: "a.feature", Scenario: "s2"}, {Feature: "a.feature", Scenario: "s3"}, {Feature: "a.feature", Scenario: "s4"}}
	return ids, []result.Scenario{
		{Feature: "a.feature", Name: "s1", Status: result.Failed},
		{Feature: "a.feature", Name: "s2", Status: result.Passed},
		{Feature: "a.feature", Name: "s3", Status: result.Skipped},
	}
}

func TestCompareWithoutLedger(t *testing.T) {
	suite, results := compareFixture()
	v := Compare(nil, suite, results)
	assert.Equal(t, []ID{suite[0]}, v.New)
	assert.False(t, v.OK())
	assert.Empty(t, v.Problems(), "new failures are reported with the failures")

	results[0].Status = result.Passed
	assert.True(t, Compare(nil, suite, results).OK())
}

func TestCompareKnownFailure(t *testing.T) {
	suite, results := compareFixture()
	l := &Ledger{Entries: []Entry{{Feature: "a.feature", Scenario: "s1", Reason: "r"}}}
	v := Compare(l, suite, results)
	assert.True(t, v.OK(), "%+v", v)
	assert.Equal(t, l.Entries, v.Known)
	assert.Empty(t, v.New)
	assert.Empty(t, v.Problems())
}

func TestCompareNewFailure(t *testing.T) {
	suite, results := compareFixture()
	l := &Ledger{Entries: []Entry{{Feature: "a.feature", Scenario: "s1", Reason: "r"}}}
	results[1].Status = result.Failed
	v := Compare(l, suite, results)
	assert.False(t, v.OK())
	assert.Equal(t, []ID{suite[1]}, v.New)
}

func TestCompareListedFailureThatPasses(t *testing.T) {
	suite, results := compareFixture()
	l := &Ledger{Entries: []Entry{{Feature: "a.feature", Scenario: "s2", Reason: "r"}}}
	results[0].Status = result.Passed
	v := Compare(l, suite, results)
	assert.False(t, v.OK())
	assert.Equal(t, l.Entries, v.Fixed)
	assert.Equal(t, []string{`a.feature: "s2" is listed as a known failure but passed: remove it from the ledger`}, v.Problems())
}

func TestCompareListedScenarioThatIsGone(t *testing.T) {
	suite, results := compareFixture()
	results[0].Status = result.Passed
	l := &Ledger{Entries: []Entry{{Feature: "a.feature", Scenario: "renamed", Reason: "r"}, {Feature: "b.feature", Scenario: "s1", Reason: "r"}}}
	v := Compare(l, suite, results)
	assert.False(t, v.OK())
	assert.Equal(t, l.Entries, v.Stale)
	require.Len(t, v.Problems(), 2)
	assert.Contains(t, v.Problems()[0], `a.feature: "renamed" is listed as a known failure but the suite has no such scenario`)
}

func TestCompareUncheckedEntriesDoNotFail(t *testing.T) {
	// s3 was skipped and s4 not selected (tags, shard): the ledger cannot judge them,
	// and they exist, so they are neither fixed nor stale.
	suite, results := compareFixture()
	results[0].Status = result.Passed
	l := &Ledger{Entries: []Entry{{Feature: "a.feature", Scenario: "s3", Reason: "r"}, {Feature: "a.feature", Scenario: "s4", Reason: "r"}}}
	v := Compare(l, suite, results)
	assert.True(t, v.OK(), "%+v", v)
	assert.Equal(t, l.Entries, v.Unchecked)
}

// idFixture: a suite of ids (s1..s4 as compareFixture), the results carrying them.
func idFixture() ([]ID, []result.Scenario) {
	suite, results := compareFixture()
	for i := range suite {
		suite[i].Case = "S1-" + suite[i].Scenario
	}
	for i := range results {
		results[i].ID = "S1-" + results[i].Name
	}
	return suite, results
}

func TestParseIDs(t *testing.T) {
	l, err := Parse("l.json", []byte(`{"knownFailures": [{"id": "S2-near-miss/3", "reason": "VX-1"}, {"feature": "a.feature", "scenario": "s1", "reason": "VX-2"}]}`))
	require.NoError(t, err, "ids and names side by side")
	assert.Equal(t, []Entry{{ID: "S2-near-miss/3", Reason: "VX-1"}, {Feature: "a.feature", Scenario: "s1", Reason: "VX-2"}}, l.Entries)
	e, ok := l.Lookup(ID{Case: "S2-near-miss/3", Feature: "x.feature", Scenario: "any name"})
	assert.True(t, ok, "an id matches whatever the name")
	assert.Equal(t, "VX-1", e.Reason)
	_, ok = l.Lookup(ID{Case: "S2-near-miss/4", Feature: "x.feature", Scenario: "any name"})
	assert.False(t, ok)
	e, ok = l.Lookup(ID{Case: "S1-s1", Feature: "a.feature", Scenario: "s1"})
	assert.True(t, ok, "a name matches as before")
	assert.Equal(t, "VX-2", e.Reason)
}

// Keyed by ids, the ledger judges as by names: a known failure, a listed scenario that
// passed, one not run, one the suite lacks; and a renamed scenario is still the one
// its id names.
func TestCompareByID(t *testing.T) {
	suite, results := idFixture()
	results[1].Name = "s2 renamed" // the suite renamed s2 since the ledger was written
	suite[1].Scenario = "s2 renamed"
	l := &Ledger{Entries: []Entry{{ID: "S1-s1", Reason: "r1"}, {ID: "S1-s2", Reason: "r2"}, {ID: "S1-s4", Reason: "r4"}, {ID: "S1-gone", Reason: "r5"}}}
	v := Compare(l, suite, results)
	assert.Equal(t, []Entry{l.Entries[0]}, v.Known)
	assert.Equal(t, []Entry{l.Entries[1]}, v.Fixed, "s2 passed under its new name")
	assert.Equal(t, []Entry{l.Entries[2]}, v.Unchecked)
	assert.Equal(t, []Entry{l.Entries[3]}, v.Stale)
	assert.Empty(t, v.New)
	assert.Empty(t, v.Notes)
	assert.Equal(t, []string{
		"S1-s2 is listed as a known failure but passed: remove it from the ledger",
		"S1-gone is listed as a known failure but the suite has no such scenario: remove it from the ledger, or correct its id (the NDJSON report and features/suite.tsv list the ids)",
	}, v.Problems())

	results[1].Status = result.Failed
	v = Compare(l, suite, results)
	assert.Empty(t, v.New, "listed: no new failure")
	assert.Equal(t, []Entry{l.Entries[0], l.Entries[1]}, v.Known)
	v = Compare(&Ledger{Entries: l.Entries[2:]}, suite, results)
	assert.Equal(t, []ID{{Case: "S1-s1", Feature: "a.feature", Scenario: "s1"}, {Case: "S1-s2", Feature: "a.feature", Scenario: "s2 renamed"}}, v.New)
}

// An entry written before the ids still matches its scenario by name, and gets a note
// that gives the id to key it by; one that names a scenario without an id gets none.
func TestCompareByNameIsDeprecated(t *testing.T) {
	suite, results := idFixture()
	l := &Ledger{Entries: []Entry{{Feature: "a.feature", Scenario: "s1", Reason: "r1"}, {Feature: "a.feature", Scenario: "s4", Reason: "r4"}}}
	v := Compare(l, suite, results)
	assert.True(t, v.OK(), "%+v", v)
	assert.Equal(t, []Entry{l.Entries[0]}, v.Known)
	assert.Equal(t, []Entry{l.Entries[1]}, v.Unchecked)
	assert.Equal(t, []string{
		`ledger entry knownFailures[0] (a.feature: "s1") names a scenario by its name; key it by its id "S1-s1": {"id": "S1-s1", "reason": ...} (a name changes with the title, the id does not)`,
		`ledger entry knownFailures[1] (a.feature: "s4") names a scenario by its name; key it by its id "S1-s4": {"id": "S1-s4", "reason": ...} (a name changes with the title, the id does not)`,
	}, v.Notes)

	// Renamed since: the entry by name is stale, as before the ids.
	l = &Ledger{Entries: []Entry{{Feature: "a.feature", Scenario: "s1 old name", Reason: "r1"}}}
	v = Compare(l, suite, results)
	assert.Equal(t, l.Entries, v.Stale)
	assert.Empty(t, v.Notes)
	assert.Equal(t, []string{`a.feature: "s1 old name" is listed as a known failure but the suite has no such scenario: remove or rename it in the ledger (better: key it by its id)`}, v.Problems())

	// Listed twice, by id and by name: the note says which to remove.
	l = &Ledger{Entries: []Entry{{ID: "S1-s1", Reason: "r1"}, {Feature: "a.feature", Scenario: "s1", Reason: "r1"}}}
	v = Compare(l, suite, results)
	assert.Equal(t, []string{`ledger entry knownFailures[1] (a.feature: "s1") names by its name the scenario that knownFailures[0] lists by its id "S1-s1": remove knownFailures[1]`}, v.Notes)

	// A suite without ids: nothing to key by.
	plain, plainResults := compareFixture()
	v = Compare(&Ledger{Entries: []Entry{{Feature: "a.feature", Scenario: "s1", Reason: "r1"}}}, plain, plainResults)
	assert.Empty(t, v.Notes)
	assert.Len(t, v.Known, 1)
}
