package mutation

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	listjobs "github.com/ciam-harness/listjobs"
	"github.com/ciam-harness/listjobs/driver"
	"github.com/ciam-harness/listjobs/fixture"
	"github.com/ciam-harness/listjobs/mutants"
	"github.com/ciam-harness/listjobs/result"
	"github.com/ciam-harness/listjobs/runner"
	"github.com/ciam-harness/listjobs/vocab"
)

func scenario(feature string, line int64, status result.Status, rows ...string) result.Scenario {
	return result.Scenario{Feature: feature, Line: line, Name: feature + " scenario", Rows: rows, Status: status,
		Error: "first line\nsecond line"}
}

func TestJudge(t *testing.T) {
	passed := outcome{scenarios: []result.Scenario{scenario("a.feature", 1, result.Passed, "S2")}}
	failS2 := outcome{scenarios: []result.Scenario{scenario("a.feature", 2, result.Failed, "S2", "S8")}, exit: runner.ExitFailed}
	failT8 := outcome{scenarios: []result.Scenario{scenario("b.feature", 3, result.Undefined, "T8")}, exit: runner.ExitFailed}
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
			res := judge(tc.m, tc.phases, nil)
			assert.Equal(t, tc.want, res.Verdict)
			assert.Equal(t, tc.want.Good(), tc.want == Killed || tc.want == Equivalent)
		})
	}
	res := judge(breaking, []outcome{failS2, failT8}, nil)
	assert.Equal(t, []string{"T8", "S2", "S8"}, res.FailedRows, "contract order")
	require.Len(t, res.Killers, 1)
	assert.Equal(t, "a.feature:2 a.feature scenario", res.Killers[0].String())
	assert.Equal(t, "first line", res.Killers[0].Error)
	assert.Len(t, res.Failed, 2)
	assert.Equal(t, 2, res.Scenarios)
	assert.Equal(t, "T8", res.others()[:2])
	assert.Equal(t, "endpoint unreachable", judge(breaking, []outcome{usage, passed}, nil).Error)
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
	fake := func(_ context.Context, m mutants.Mutant, _ driver.Choice, tags string) outcome {
		mu.Lock()
		calls[m.Name] = append(calls[m.Name], tags)
		mu.Unlock()
		clock := tags == runner.ClockBoundTag
		switch {
		case m.Name == "killed-in-clock" && clock:
			return outcome{scenarios: []result.Scenario{scenario("r.feature", 7, result.Failed, "R1")}, exit: runner.ExitFailed}
		case m.Name == "killed":
			return outcome{scenarios: []result.Scenario{scenario("f.feature", 1, result.Failed, "S2")}, exit: runner.ExitFailed}
		}
		return outcome{scenarios: []result.Scenario{scenario("f.feature", 9, result.Passed, "S1", m.Row)}}
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
	failRef := func(ctx context.Context, m mutants.Mutant, d driver.Choice, tags string) outcome {
		if m.Name == reference {
			return outcome{scenarios: []result.Scenario{scenario("x.feature", 1, result.Failed, "T1")}, exit: runner.ExitFailed}
		}
		return fake(ctx, m, d, tags)
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
		suite: func(context.Context, mutants.Mutant, driver.Choice, string) outcome { return outcome{} }})
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
	assert.Contains(t, string(md), `| pipe\|name | S2 | unclassified | a \| b | quirk | killed | f.feature:3 one; f.feature:4 two; f.feature:5 three; … 1 more | T2 |`)
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

func skippedScenario(feature string, line int64, reason string, rows ...string) result.Scenario {
	s := scenario(feature, line, result.Skipped, rows...)
	s.Error, s.Reason, s.Skip = "", reason, result.SkipNeedsWire
	if strings.HasPrefix(reason, "inconclusive: ") {
		s.Skip = result.SkipInconclusive
	}
	return s
}

// TestJudgeNotChecked: through an SDK driver, a mutant that no scenario able to catch it
// ran for is not checked, apart from a survivor.
func TestJudgeNotChecked(t *testing.T) {
	m := mutants.Mutant{Name: "m", Row: "A2"}
	rowSkipped := outcome{scenarios: []result.Scenario{skippedScenario("a.feature", 1, "@wire: needs the wire driver", "A2"),
		scenario("b.feature", 2, result.Passed, "S1")}}
	otherFails := outcome{scenarios: []result.Scenario{scenario("c.feature", 3, result.Failed, "T2")}, exit: runner.ExitFailed}
	// Through the driver: the A2 scenario at line 5 ran and passed, the one at line 6 was skipped.
	rowRan := outcome{scenarios: []result.Scenario{scenario("a.feature", 5, result.Passed, "A2"),
		skippedScenario("a.feature", 6, "@wire: the SDK signs and sends in one call", "A2")}}
	// Through the wire driver: killed by line 6 (skipped through the driver), or by line 5 (which ran).
	wireKills6 := outcome{scenarios: []result.Scenario{scenario("a.feature", 5, result.Passed, "A2"),
		scenario("a.feature", 6, result.Failed, "A2")}, exit: runner.ExitFailed}
	wireKills5 := outcome{scenarios: []result.Scenario{scenario("a.feature", 5, result.Failed, "A2"),
		scenario("a.feature", 6, result.Passed, "A2")}, exit: runner.ExitFailed}
	wirePasses := outcome{scenarios: []result.Scenario{scenario("a.feature", 5, result.Passed, "A2")}}
	inconclusiveRow := outcome{scenarios: []result.Scenario{skippedScenario("a.feature", 1, "inconclusive: the burst did not fit in one second", "A2")}}
	rowRanInconclusive6 := outcome{scenarios: []result.Scenario{scenario("a.feature", 5, result.Passed, "A2"),
		skippedScenario("a.feature", 6, "inconclusive: the burst did not fit in one second", "A2")}}
	blamed := scenario("d.feature", 7, result.Failed, "S1")
	blamed.Blamed = []string{"A2"} // an invariant of A2 failed in a scenario of S1
	cases := []struct {
		name         string
		phases, wire []outcome
		want         Verdict
		reason       string
	}{
		{"every scenario of the row skipped", []outcome{rowSkipped, {}}, nil, NotChecked, "@wire: needs the wire driver"},
		{"row skipped, other rows failed", []outcome{rowSkipped, otherFails}, nil, NotChecked, "@wire: needs the wire driver"},
		{"a check of the row failed elsewhere", []outcome{rowSkipped, {scenarios: []result.Scenario{blamed}, exit: runner.ExitFailed}}, nil, Killed, ""},
		{"row ran, no wire baseline", []outcome{rowRan, {}}, nil, Survived, ""},
		{"row ran, wire kills by a scenario skipped here", []outcome{rowRan, {}}, []outcome{wireKills6, {}}, NotChecked, "@wire: the SDK signs and sends in one call"},
		{"row ran, wire kills by a scenario that ran here", []outcome{rowRan, {}}, []outcome{wireKills5, {}}, Survived, ""},
		{"row ran, wire does not kill either", []outcome{rowRan, {}}, []outcome{wirePasses, {}}, Survived, ""},
		{"row ran, other rows failed, wire kills by a skipped one", []outcome{rowRan, otherFails}, []outcome{{}, wireKills6}, NotChecked, "@wire: the SDK signs and sends in one call"},
		{"row ran, other rows failed, wire kills by one that ran", []outcome{rowRan, otherFails}, []outcome{wireKills5, {}}, KilledElsewhere, ""},
		{"the row's scenario inconclusive is no driver skip", []outcome{inconclusiveRow, {}}, nil, Survived, ""},
		{"a wire killer inconclusive here is no driver skip", []outcome{rowRanInconclusive6, {}}, []outcome{wireKills6, {}}, Survived, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := judge(m, tc.phases, tc.wire)
			assert.Equal(t, tc.want, res.Verdict)
			assert.Equal(t, tc.reason, res.SkipReason)
			assert.False(t, res.Verdict.Good() && res.Verdict == NotChecked, "not checked is never good in itself")
		})
	}
	res := judge(m, []outcome{rowRan, {}}, []outcome{wireKills6, {}})
	require.Len(t, res.WireKillers, 1)
	assert.Contains(t, res.killers(maxKillers), "killed through wire by a.feature:6 a.feature scenario only, skipped here: @wire: the SDK signs")
	assert.Contains(t, judge(m, []outcome{rowSkipped, otherFails}, nil).killers(maxKillers),
		"every scenario of A2 skipped: @wire: needs the wire driver; 1 scenarios of rows T2 failed")
	assert.Equal(t, 1, judge(m, []outcome{rowSkipped, {}}, nil).Skipped)
	res = judge(m, []outcome{inconclusiveRow, {}}, nil)
	assert.Equal(t, 0, res.Skipped)
	assert.Equal(t, 1, res.Inconclusive)
	assert.Contains(t, res.killers(maxKillers), "1 scenarios inconclusive on this machine")
}

// TestGate: a mutant not checked fails a run through the wire driver, not through an SDK
// driver; a survivor, an over-assertion, an error or a failing reference fail any.
func TestGate(t *testing.T) {
	notChecked := Totals{Mutants: 3, NonEquivalent: 3, Killed: 2, NotChecked: 1}
	for _, d := range []driver.Choice{mustParse("sdk"), mustParse("node"), mustParse("exec:adapter")} {
		assert.True(t, gate(d, Passed, notChecked), d)
		assert.False(t, gate(d, Failed, notChecked), d)
		assert.False(t, gate(d, Passed, Totals{Mutants: 3, NonEquivalent: 3, Killed: 1, NotChecked: 1, Survived: 1}), d)
		assert.False(t, gate(d, Passed, Totals{Mutants: 4, NonEquivalent: 4, Killed: 2, NotChecked: 1, KilledElsewhere: 1}), d)
		assert.False(t, gate(d, Passed, Totals{Mutants: 4, NonEquivalent: 3, Killed: 3, OverAsserted: 1}), d)
		assert.False(t, gate(d, Passed, Totals{Mutants: 3, NonEquivalent: 3, Killed: 2, Errors: 1}), d)
	}
	assert.False(t, gate(driver.Wire, Passed, notChecked), "the wire driver runs every scenario")
	assert.True(t, gate(driver.Wire, Passed, Totals{Mutants: 3, NonEquivalent: 3, Killed: 3}))
	assert.InDelta(t, 66.7, notChecked.KillRate(), 0.1)
	assert.InDelta(t, 100, notChecked.CheckedKillRate(), 0.001)
	assert.InDelta(t, 100, Totals{NonEquivalent: 1, NotChecked: 1}.CheckedKillRate(), 0.001)
}

// TestRunThroughSDKDriver: through an SDK driver, the mutants whose row was checked but
// which were not killed run again through the wire driver, and only they.
func TestRunThroughSDKDriver(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	calls := map[string][]string{}
	fake := func(_ context.Context, m mutants.Mutant, d driver.Choice, tags string) outcome {
		if tags == runner.ClockBoundTag {
			return outcome{scenarios: []result.Scenario{scenario("r.feature", 1, result.Passed, "R1")}}
		}
		mu.Lock()
		calls[m.Name] = append(calls[m.Name], d.String())
		mu.Unlock()
		wire := d.IsWire()
		line5, line6 := scenario("a.feature", 5, result.Passed, "A2"), skippedScenario("a.feature", 6, "@wire: the SDK signs and sends in one call", "A2")
		if wire {
			line6 = scenario("a.feature", 6, result.Passed, "A2")
		}
		switch {
		case m.Name == "caught-by-wire-only" && wire:
			line6.Status = result.Failed
		case m.Name == "survivor" && wire:
			line5.Status = result.Failed
		case m.Name == "killed":
			line5.Status = result.Failed
		}
		o := outcome{scenarios: []result.Scenario{line5, line6, skippedScenario("t.feature", 9, "@wire: the HTTP status", "T5")}, sdk: "Fake SDK 1.0"}
		if wire {
			o.sdk = ""
		}
		return o
	}
	ms := []mutants.Mutant{{Name: "killed", Row: "A2"}, {Name: "caught-by-wire-only", Row: "A2"}, {Name: "row-skipped", Row: "T5"}}
	report, err := Run(context.Background(), Options{Fixture: testFixture(), Mutants: ms, Parallel: 2, Driver: mustParse("sdk"), suite: fake})
	require.NoError(t, err)
	verdicts := map[string]Verdict{}
	for _, r := range report.Mutants {
		verdicts[r.Name] = r.Verdict
	}
	assert.Equal(t, map[string]Verdict{"killed": Killed, "caught-by-wire-only": NotChecked, "row-skipped": NotChecked}, verdicts)
	assert.Equal(t, []string{"sdk", "wire"}, calls["caught-by-wire-only"])
	assert.Equal(t, []string{"sdk"}, calls["killed"])
	assert.Equal(t, []string{"sdk"}, calls["row-skipped"], "its row was not checked: no wire run needed")
	assert.Equal(t, []string{"sdk"}, calls[reference])
	assert.Equal(t, 1, report.WireBaseline)
	assert.Equal(t, Totals{Mutants: 3, NonEquivalent: 3, Killed: 1, NotChecked: 2}, report.Totals)
	assert.True(t, report.OK, "not checked is no failure through an SDK driver")
	assert.Equal(t, "sdk", report.Driver)
	assert.Equal(t, "Fake SDK 1.0", report.SDK)
	var table bytes.Buffer
	require.NoError(t, report.WriteTable(&table))
	assert.Contains(t, table.String(), "driver: sdk, Fake SDK 1.0")
	assert.Contains(t, table.String(), "2 not checked through this driver")
	assert.Contains(t, table.String(), "33.3% of non-equivalent mutants, 100.0% of the 1 it can check")
	assert.Contains(t, table.String(), "\nPASS\n")

	// A survivor (a scenario the driver ran catches it through wire) fails the run.
	report, err = Run(context.Background(), Options{Fixture: testFixture(), Mutants: []mutants.Mutant{{Name: "survivor", Row: "A2"}}, Parallel: 1, Driver: mustParse("exec:fake-adapter"), suite: fake})
	require.NoError(t, err)
	assert.Equal(t, Survived, report.Mutants[0].Verdict)
	assert.False(t, report.OK)

	// Through the wire driver, a mutant not checked fails the run, and nothing runs again.
	clear(calls)
	report, err = Run(context.Background(), Options{Fixture: testFixture(), Mutants: ms[2:], Parallel: 1, suite: fake})
	require.NoError(t, err)
	assert.Equal(t, NotChecked, report.Mutants[0].Verdict)
	assert.False(t, report.OK)
	assert.Zero(t, report.WireBaseline)
	assert.Equal(t, []string{"wire"}, calls["row-skipped"])
}

// mustParse is the driver named name.
func mustParse(name string) driver.Choice {
	c, err := driver.Parse(name)
	if err != nil {
		panic(err)
	}
	return c
}

// The kill tables name and key a scenario by its case id: a killer through the wire
// driver is matched by id with the same scenario skipped through an SDK driver.
func TestKillTablesKeyOnIDs(t *testing.T) {
	m := mutants.Mutant{Name: "m", Row: "A2", Break: "b", How: "h"}
	withID := func(s result.Scenario, id string) result.Scenario {
		s.ID = id
		return s
	}
	killer := withID(scenario("a.feature", 6, result.Failed, "A2"), "A2-body-altered")
	killer.Blamed = []string{"A2"}
	skipped := withID(scenario("a.feature", 6, result.Skipped, "A2"), "A2-body-altered")
	skipped.Reason = "@wire: the SDK signs and sends in one call"
	ran := withID(scenario("a.feature", 5, result.Passed, "A2"), "A2-wrong-secretkey")
	res := judge(m, []outcome{{scenarios: []result.Scenario{ran, skipped}}}, []outcome{{scenarios: []result.Scenario{killer}, exit: runner.ExitFailed}})
	assert.Equal(t, NotChecked, res.Verdict, "the wire killer is the scenario skipped here, by its id")
	require.Len(t, res.WireKillers, 1)
	assert.Equal(t, "A2-body-altered", res.WireKillers[0].String())
	assert.Contains(t, res.killers(maxKillers), "killed through wire by A2-body-altered only, skipped here")

	res = judge(m, []outcome{{scenarios: []result.Scenario{killer}, exit: runner.ExitFailed}}, nil)
	assert.Equal(t, Killed, res.Verdict)
	assert.Equal(t, "A2-body-altered", res.killers(maxKillers))
	b, err := json.Marshal(res.Killers[0])
	require.NoError(t, err)
	assert.Contains(t, string(b), `{"id":"A2-body-altered","feature":"a.feature","line":6,`)
}

// Every run of a mutation run keeps its reports in a folder of its own: the two phases
// and a wire baseline rerun of one mutant never write over each other.
func TestRunDirsDoNotOverlap(t *testing.T) {
	dirs := map[string]bool{}
	for _, baseline := range []bool{false, true} {
		for _, tags := range phaseTags() {
			dir := runDir("out", "m", baseline, tags)
			assert.False(t, dirs[dir], "%s written twice", dir)
			dirs[dir] = true
			assert.True(t, strings.HasPrefix(dir, filepath.Join("out", "runs", "m")), dir)
		}
	}
	assert.Len(t, dirs, 4)
}

// TestRunSuiteWritesItsReports runs the suite for real, two rows against the reference
// emulator, as every run of a mutation run does: its configuration (RunReports among
// it) is accepted, the reports land in the run's folder, and the probes of other
// actions (P1) run: the emulator profile, whose key pool keeps a run from waiting on
// one key's pace.
func TestRunSuiteWritesItsReports(t *testing.T) {
	t.Parallel()
	fx, err := fixture.Read(bytes.NewReader(listjobs.DefaultFixture))
	require.NoError(t, err)
	primary, ok := fx.Credential(runner.DefaultCredentialRole)
	require.True(t, ok)
	out := t.TempDir()
	o := runSuite(context.Background(), Options{Fixture: fx, OutDir: out}, primary, mutants.Mutant{Name: reference}, driver.Choice{}, "@S1,@P1&&~"+runner.ClockBoundTag)
	require.Empty(t, o.err)
	assert.Equal(t, runner.ExitPassed, o.exit)
	assert.NotEmpty(t, o.scenarios)
	p1 := 0
	for _, s := range o.scenarios {
		if slices.Contains(s.Rows, "P1") {
			p1++
			assert.Equal(t, result.Passed, s.Status, s.Name)
		}
	}
	assert.Positive(t, p1, "the P1 probes ran")
	for _, name := range []string{"results.ndjson", "summary.md"} {
		assert.FileExists(t, filepath.Join(runDir(out, reference, false, ""), name))
	}
}
