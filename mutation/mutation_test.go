package mutation

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciam-harness/listjobs/fixture"
	"github.com/ciam-harness/listjobs/mutants"
	"github.com/ciam-harness/listjobs/runner"
	"github.com/ciam-harness/listjobs/vocab"
)

func scenario(feature string, line int64, status runner.Status, rows ...string) runner.ScenarioResult {
	return runner.ScenarioResult{Feature: feature, Line: line, Name: feature + " scenario", Rows: rows, Status: status,
		Error: "first line\nsecond line"}
}

func TestJudge(t *testing.T) {
	passed := outcome{scenarios: []runner.ScenarioResult{scenario("a.feature", 1, runner.StatusPassed, "S2")}}
	failS2 := outcome{scenarios: []runner.ScenarioResult{scenario("a.feature", 2, runner.StatusFailed, "S2", "S8")}, exit: runner.ExitFailed}
	failT8 := outcome{scenarios: []runner.ScenarioResult{scenario("b.feature", 3, runner.StatusUndefined, "T8")}, exit: runner.ExitFailed}
	usage := outcome{exit: runner.ExitUsage, err: "endpoint unreachable"}
	breaking := mutants.Mutant{Name: "m", Row: "S2", Break: "b", How: "h"}
	equivalent := mutants.Mutant{Name: "e", Row: "S4", Equivalent: "any order conforms"}
	cases := []struct {
		name   string
		m      mutants.Mutant
		phases []outcome
		want   Verdict
	}{
		{"killed in the first phase", breaking, []outcome{failS2, passed}, Killed},
		{"killed in the second phase", breaking, []outcome{passed, failS2}, Killed},
		{"survived", breaking, []outcome{passed, passed}, Survived},
		{"killed by another row only", breaking, []outcome{failT8, passed}, KilledElsewhere},
		{"a failing exit code alone is not a kill", breaking, []outcome{{exit: runner.ExitFailed}, passed}, KilledElsewhere},
		{"error", breaking, []outcome{usage, failS2}, Errored},
		{"equivalent passes", equivalent, []outcome{passed, passed}, Equivalent},
		{"equivalent fails", equivalent, []outcome{passed, failT8}, OverAsserted},
		{"reference passes", mutants.Mutant{Name: reference}, []outcome{passed, passed}, Passed},
		{"reference fails", mutants.Mutant{Name: reference}, []outcome{passed, failT8}, Failed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := judge(tc.m, tc.phases)
			assert.Equal(t, tc.want, res.Verdict)
			assert.Equal(t, tc.want.Good(), tc.want == Killed || tc.want == Equivalent)
		})
	}
	res := judge(breaking, []outcome{failS2, failT8})
	assert.Equal(t, []string{"T8", "S2", "S8"}, res.FailedRows, "contract order")
	require.Len(t, res.Killers, 1)
	assert.Equal(t, "a.feature:2 a.feature scenario", res.Killers[0].String())
	assert.Equal(t, "first line", res.Killers[0].Error)
	assert.Len(t, res.Failed, 2)
	assert.Equal(t, 2, res.Scenarios)
	assert.Equal(t, "T8", res.others()[:2])
	assert.Equal(t, "endpoint unreachable", judge(breaking, []outcome{usage, passed}).Error)
}

func TestCompareRows(t *testing.T) {
	rows := []string{"R1", "J9", "S10", "S9", "T10", "T2", "A1", "P3"}
	for i := range rows {
		for j := range rows {
			assert.Equal(t, i == j, vocab.CompareRows(rows[i], rows[j]) == 0)
		}
	}
	assert.Negative(t, vocab.CompareRows("T2", "T10"))
	assert.Negative(t, vocab.CompareRows("T10", "A1"))
	assert.Negative(t, vocab.CompareRows("J9", "R1"))
}

func TestSelect(t *testing.T) {
	cat := mutants.Catalogue()
	all, err := Select(cat, nil)
	require.NoError(t, err)
	assert.Len(t, all, len(cat))
	some, err := Select(cat, []string{"filter-ignored", "jobset-sorted", "filter-ignored"})
	require.NoError(t, err)
	require.Len(t, some, 2)
	assert.Equal(t, "filter-ignored", some[0].Name)
	_, err = Select(cat, []string{"filter-ignored", "nope", "nada"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "nope, nada")
}

func testFixture() *fixture.Fixture {
	return &fixture.Fixture{Credentials: []fixture.Credential{{Role: "primary", SecretID: "AKID1", SecretKey: "k", Account: "a", Owner: "o"}}}
}

// TestRunOrchestration runs the phases with a fake suite: every emulator gets both
// phases, the clock-bound one after the other, and the verdicts and totals follow.
func TestRunOrchestration(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	calls := map[string][]string{}
	fake := func(_ context.Context, m mutants.Mutant, tags string) outcome {
		mu.Lock()
		calls[m.Name] = append(calls[m.Name], tags)
		mu.Unlock()
		clock := tags == runner.ClockBoundTag
		switch {
		case m.Name == "killed-in-clock" && clock:
			return outcome{scenarios: []runner.ScenarioResult{scenario("r.feature", 7, runner.StatusFailed, "R1")}, exit: runner.ExitFailed}
		case m.Name == "killed":
			return outcome{scenarios: []runner.ScenarioResult{scenario("f.feature", 1, runner.StatusFailed, "S2")}, exit: runner.ExitFailed}
		}
		return outcome{scenarios: []runner.ScenarioResult{scenario("f.feature", 9, runner.StatusPassed, "S1")}}
	}
	ms := []mutants.Mutant{{Name: "killed", Row: "S2"}, {Name: "killed-in-clock", Row: "R1"}, {Name: "survivor", Row: "J4"},
		{Name: "equivalent", Row: "S4", Equivalent: "allowed"}}
	var progress bytes.Buffer
	report, err := Run(context.Background(), Options{Fixture: testFixture(), Mutants: ms, Parallel: 3, ClockParallel: 2, suite: fake, Progress: &progress})
	require.NoError(t, err)
	for _, name := range []string{reference, "killed", "killed-in-clock", "survivor", "equivalent"} {
		assert.Equal(t, []string{"~" + runner.ClockBoundTag, runner.ClockBoundTag}, calls[name], name)
	}
	assert.Equal(t, Passed, report.Reference.Verdict)
	verdicts := map[string]Verdict{}
	for _, r := range report.Mutants {
		verdicts[r.Name] = r.Verdict
	}
	assert.Equal(t, map[string]Verdict{"killed": Killed, "killed-in-clock": Killed, "survivor": Survived, "equivalent": Equivalent}, verdicts)
	assert.Equal(t, Totals{Mutants: 4, NonEquivalent: 3, Killed: 2, Survived: 1, Equivalent: 1}, report.Totals)
	assert.InDelta(t, 66.7, report.KillRate, 0.1)
	assert.False(t, report.OK, "a survivor fails the run")
	assert.Equal(t, 10, strings.Count(progress.String(), "\n"), "one progress line per run and phase")

	report, err = Run(context.Background(), Options{Fixture: testFixture(), Mutants: ms[:2], Parallel: 1, suite: fake})
	require.NoError(t, err)
	assert.True(t, report.OK)
	assert.Equal(t, 1, report.ClockParallel, "ClockParallel defaults to Parallel")
	assert.InDelta(t, 100, report.KillRate, 0.001)

	// A failing reference fails the run, whatever the mutants did.
	failRef := func(ctx context.Context, m mutants.Mutant, tags string) outcome {
		if m.Name == reference {
			return outcome{scenarios: []runner.ScenarioResult{scenario("x.feature", 1, runner.StatusFailed, "T1")}, exit: runner.ExitFailed}
		}
		return fake(ctx, m, tags)
	}
	report, err = Run(context.Background(), Options{Fixture: testFixture(), Mutants: ms[:2], Parallel: 2, suite: failRef})
	require.NoError(t, err)
	assert.Equal(t, Failed, report.Reference.Verdict)
	assert.False(t, report.OK)
	var table bytes.Buffer
	require.NoError(t, report.WriteTable(&table))
	assert.Contains(t, table.String(), "reference failure: x.feature:1 x.feature scenario: first line")
	assert.Contains(t, table.String(), "\nFAIL\n")

	// An equivalent mutant that fails is an over-assertion: the run fails.
	report, err = Run(context.Background(), Options{Fixture: testFixture(), Mutants: []mutants.Mutant{{Name: "killed", Row: "S2", Equivalent: "says so"}}, Parallel: 2, suite: fake})
	require.NoError(t, err)
	assert.Equal(t, OverAsserted, report.Mutants[0].Verdict)
	assert.False(t, report.OK)
}

func TestRunValidates(t *testing.T) {
	_, err := Run(context.Background(), Options{Parallel: 1})
	assert.ErrorContains(t, err, "Fixture")
	_, err = Run(context.Background(), Options{Fixture: testFixture()})
	assert.ErrorContains(t, err, "Parallel")
	_, err = Run(context.Background(), Options{Fixture: &fixture.Fixture{}, Parallel: 1})
	assert.ErrorContains(t, err, "primary")
}

func TestRunInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	report, err := Run(ctx, Options{Fixture: testFixture(), Mutants: []mutants.Mutant{{Name: "m", Row: "S2"}}, Parallel: 1,
		suite: func(ctx context.Context, m mutants.Mutant, tags string) outcome { return outcome{} }})
	assert.ErrorIs(t, err, context.Canceled)
	assert.False(t, report.OK)
	assert.Equal(t, Errored, report.Reference.Verdict, "no scenario ran")
	assert.Equal(t, Errored, report.Mutants[0].Verdict)
}

func TestReportFiles(t *testing.T) {
	report := Report{Machine: "m", Parallel: 2, ClockParallel: 1, Seconds: 12.5,
		Reference: Result{Name: reference, Verdict: Passed, Scenarios: 165},
		Mutants: []Result{
			{Name: "pipe|name", Row: "S2", Break: "a | b", How: "quirk", Verdict: Killed, FailedRows: []string{"S2", "T2"},
				Killers: []Scenario{{Feature: "f.feature", Line: 3, Name: "one"}, {Feature: "f.feature", Line: 4, Name: "two"},
					{Feature: "f.feature", Line: 5, Name: "three"}, {Feature: "f.feature", Line: 6, Name: "four"}}},
			{Name: "e", Row: "S4", Equivalent: "any order", Verdict: Equivalent},
			{Name: "o", Row: "J4", Verdict: KilledElsewhere, Failed: []Scenario{{Feature: "g.feature", Line: 1}}, FailedRows: []string{"T6"}},
		},
		Totals: Totals{Mutants: 3, NonEquivalent: 2, Killed: 1, KilledElsewhere: 1, Equivalent: 1}, KillRate: 50,
	}
	dir := t.TempDir()
	paths, err := report.WriteFiles(filepath.Join(dir, "sub"))
	require.NoError(t, err)
	require.Equal(t, []string{filepath.Join(dir, "sub", "mutation.json"), filepath.Join(dir, "sub", "mutation.md")}, paths)
	raw, err := os.ReadFile(paths[0])
	require.NoError(t, err)
	var back Report
	require.NoError(t, json.Unmarshal(raw, &back))
	assert.Equal(t, report.Mutants[0].Killers, back.Mutants[0].Killers)
	assert.Equal(t, Killed, back.Mutants[0].Verdict)
	md, err := os.ReadFile(paths[1])
	require.NoError(t, err)
	assert.Contains(t, string(md), `| pipe\|name | S2 | a \| b | quirk | killed | f.feature:3 one; f.feature:4 two; f.feature:5 three; … 1 more | T2 |`)
	assert.Contains(t, string(md), "(passed) any order")
	assert.Contains(t, string(md), "1 scenarios of rows T6 failed")
	assert.Contains(t, string(md), "- kill rate: 50.0% of non-equivalent mutants")
	var table bytes.Buffer
	require.NoError(t, report.WriteTable(&table))
	assert.Contains(t, table.String(), "killed by another row only")
	assert.Contains(t, table.String(), "\nFAIL\n")

	_, err = report.WriteFiles(filepath.Join(paths[0], "not-a-dir"))
	assert.Error(t, err)
}
