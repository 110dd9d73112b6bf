package explore

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ciam-harness/listjobs/driver"
	"github.com/ciam-harness/listjobs/emulator"
	"github.com/ciam-harness/listjobs/nearmiss"
	"github.com/ciam-harness/listjobs/signing"
	"github.com/ciam-harness/listjobs/steps"
	"github.com/ciam-harness/listjobs/vocab"
	"github.com/ciam-harness/listjobs/wire"
)

// TestNearCasesCoverTheTable: the explorer draws from every request value of the
// near-miss table (but JobIds, whose near misses jobID draws mixed with other ids),
// every member the suite's outlines run of it, and each case is sent, answered as the
// table says by the reference, and printed with the catalogue's sentences.
func TestNearCasesCoverTheTable(t *testing.T) {
	t.Parallel()
	fx := defaultFixture(t)
	srv := start(t, emulator.Config{RateLimit: emulator.DefaultRateLimit})
	m := newModel(fx)
	m.near = nearCases(m, vocab.DefaultRegion, srv.URL)

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

	clock := &wire.Clock{}
	d, err := driver.Wire.Open(context.Background(), driver.Env{Target: wire.Target{BaseURL: srv.URL, Region: vocab.DefaultRegion},
		Client: &http.Client{Timeout: 20 * time.Second}, Clock: clock, Timeout: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	first := m.cred(m.roles[0])
	suite, err := steps.NewSuite(steps.Target{BaseURL: srv.URL, Region: vocab.DefaultRegion,
		Credential:  signing.Credential{SecretID: first.SecretID, SecretKey: first.SecretKey, Token: first.Token},
		UserStoreID: m.stores[0].ID, Fixture: fx, Driver: d, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	x := &executor{m: m, suite: suite, driver: d, region: vocab.DefaultRegion, pacers: map[string]*steps.Pacer{}, turn: map[string]int{},
		sentAt: map[string][]time.Time{}, budget: newBudget(context.Background(), 0, time.Minute), clock: clock}
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
