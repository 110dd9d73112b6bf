package explore

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/ciam-harness/listjobs/emulator"
	"github.com/ciam-harness/listjobs/fixture"
	"github.com/ciam-harness/listjobs/nearmiss"
	"github.com/ciam-harness/listjobs/runner"
	"github.com/ciam-harness/listjobs/steps"
	"github.com/ciam-harness/listjobs/vocab"
)

// TestNearCasesCoverTheTable: the explorer draws from every request value of the
// near-miss table (but JobIds, whose near misses jobID draws mixed with other ids),
// every member the suite's outlines run of it, and each case is sent, answered as the
// table says by the reference, and printed with the catalogue's sentences.
func TestNearCasesCoverTheTable(t *testing.T) {
	t.Parallel()
	fx := defaultFixture(t)
	srv := start(t, emulator.Config{RateLimit: emulator.DefaultRateLimit})
	m := testModel(fx, srv.URL)

	want := map[string]int{}
	for _, o := range nearmiss.Outlines() {
		if o.Value.Carrier != nearmiss.CarrierJobID && o.Value.Carrier != nearmiss.CarrierQueryJobID {
			want[o.Value.ID] += len(o.Members)
		}
	}
	got := map[string]int{}
	for _, c := range m.near {
		got[c.value.ID]++
	}
	for id, n := range want {
		if got[id] == 0 {
			t.Errorf("no near miss of %s is drawn (the table runs %d)", id, n)
		}
	}
	t.Logf("%d cases of %d values", len(m.near), len(got))

	x := newExecutor(t, srv.URL, fx, m)
	unmade := 0
	for i, c := range m.near {
		r := &req{cred: m.roles[0], store: storeFixture, role: m.stores[0].Role, method: http.MethodPost, near: i + 1}
		if c.token {
			r.cred = m.tokenRole()
		}
		if c.get {
			r.method = http.MethodGet
		}
		ex, inv, half, err := x.sendOne(context.Background(), r)
		if errors.Is(err, errNearMissUnmade) {
			unmade++
			continue
		}
		if err != nil {
			t.Fatalf("%s (%s): %v", c.value.ID, c.member.Name, err)
		}
		for _, e := range inv {
			t.Errorf("%s (%s): %v", c.value.ID, c.member.Name, e)
		}
		e := m.expect(r, vocab.DefaultRegion)
		for _, f := range m.judge(i, ex, e, half) {
			t.Errorf("%s (%s): the reference's answer is judged wrong: %v", c.value.ID, c.member.Name, f.err)
		}
		if c.verdict.Outcome == nearmiss.Refused && e.success {
			t.Errorf("%s (%s): refused by the table, a success for the oracle", c.value.ID, c.member.Name)
		}
		if c.verdict.Outcome == nearmiss.Refused {
			then := m.nearThen(r, e)
			if len(then) == 0 || !strings.HasPrefix(then[0], "the response is") {
				t.Errorf("%s (%s): printed as %q", c.value.ID, c.member.Name, then)
			}
		}
	}
	if unmade > len(m.near)/10 {
		t.Errorf("%d of %d near misses could not be made", unmade, len(m.near))
	}
}

// A near miss the reference refuses and a mutant accepts fails on the mutant's row, and
// is printed as a scenario that fails against the mutant and passes against the
// reference.
func TestNearMissPrintedScenarioReplays(t *testing.T) {
	t.Parallel()
	fx := defaultFixture(t)
	mutant, srv := startMutant(t, "secretid-case-insensitive", fx)
	m := testModel(fx, srv.URL)
	i := slices.IndexFunc(m.near, func(c nearCase) bool { return c.value.ID == "secretid" && c.member.Name == nearmiss.OtherCase })
	if i < 0 {
		t.Fatal("no near miss of the SecretId in another case")
	}
	p := program{{kind: actOne, reqs: []*req{{cred: m.roles[0], store: storeFixture, role: m.stores[0].Role, method: http.MethodPost, near: i + 1}}}}
	printed := runAndPrint(t, newExecutor(t, srv.URL, fx, m), p)
	if !strings.Contains(printed, "@"+mutant.Row) || !strings.Contains(printed, "the SecretId is sent as its near miss: another case") {
		t.Fatalf("the failure is not on %s, or not printed with the near miss:\n%s", mutant.Row, printed)
	}
	replayBoth(t, printed, srv.URL, mutant.Row, fx)
}

// The probe of the next second's budget (R1) passes on the reference and fails on an
// endpoint that counts a sliding second, and its printed scenario replays as such. It
// runs alone (not in parallel): two bursts within one second need an idle CPU.
func TestLateEarlyProbe(t *testing.T) {
	fx := defaultFixture(t)
	_, srv := startMutant(t, "rate-limit-sliding-window", fx)
	ref := start(t, emulator.Config{RateLimit: emulator.DefaultRateLimit})
	p := program{{kind: actLateEarly, roles: []string{"rate-limit-next-second"}, n: []int{30, 20}}}
	if found, err := newExecutor(t, ref.URL, fx, testModel(fx, ref.URL)).execute(context.Background(), p); err != nil || len(found) > 0 {
		t.Fatalf("the reference: %v %+v", err, found)
	}
	m := testModel(fx, srv.URL)
	printed := runAndPrint(t, newExecutor(t, srv.URL, fx, m), p)
	replayBoth(t, printed, srv.URL, "R1", fx)
}

// runAndPrint runs p, which must fail, and prints its failure as the explorer does.
func runAndPrint(t *testing.T, x *executor, p program) string {
	t.Helper()
	found, err := x.execute(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	if len(found) == 0 {
		t.Fatal("no failure")
	}
	rows := rowsOf(found)
	return x.m.feature("a failure", rows[0]+"-explore-test", 1, rows, x.m.scenarioSteps(p, found, vocab.DefaultRegion), steps.Steps())
}

// replayBoth runs a printed failure against the endpoint at url, where it must fail on
// row, and against the reference, where it must pass.
func replayBoth(t *testing.T, printed, url, row string, fx *fixture.Fixture) {
	t.Helper()
	if code, out := replay(t, printed, url, fx); code != runner.ExitFailed || !strings.Contains(out, row) {
		t.Errorf("the printed scenario exits %d against the mutant; want %d on %s:\n%s\n%s", code, runner.ExitFailed, row, printed, out)
	}
	ref := start(t, emulator.Config{RateLimit: emulator.DefaultRateLimit})
	if code, out := replay(t, printed, ref.URL, fx); code != runner.ExitPassed {
		t.Errorf("the printed scenario exits %d against the reference; want %d:\n%s\n%s", code, runner.ExitPassed, printed, out)
	}
}
