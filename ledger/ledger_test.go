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
	e, ok := l.Lookup(ID{"job.feature", "Every job has a Format"})
	assert.True(t, ok)
	assert.Equal(t, "VX-2", e.Reason)
	_, ok = l.Lookup(ID{"job.feature", "Every job has a format"})
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
	ids := []ID{{"a.feature", "s1"}, {"a.feature", "s2"}, {"a.feature", "s3"}, {"a.feature", "s4"}}
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
