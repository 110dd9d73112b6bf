package explore

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ciam-harness/listjobs/check"
	"github.com/ciam-harness/listjobs/fixture"
	"github.com/ciam-harness/listjobs/steps"
	"github.com/ciam-harness/listjobs/wire"
)

// The probes of the rate limit (R1-R3) go past the pace on purpose, with the fixture's
// rate-limit keys, whose owners nothing else uses, as the suite's rate-limit scenarios
// do, and are judged as they are: a burst must be sent and answered within one second
// of the local clock; one that straddles a boundary is fired again, at most
// probeAttempts times, and then the probe is inconclusive, never a failure.

const probeAttempts = 3

// shotResult is one request of a probe and its answer.
type shotResult struct {
	owner  string
	bad    bool
	second int // actLateEarly: 0 for the late requests, 1 for the early ones
	ex     *wire.Exchange
	a      answer
}

// probeStore is the user store a rate-limit key lists: "varied" when it is of the key's
// account, else a store of that account.
func (m *model) probeStore(c fixture.Credential) string {
	if s := m.store("varied"); s != nil && s.Account == c.Account {
		return s.ID
	}
	for _, s := range m.stores {
		if s.Account == c.Account {
			return s.ID
		}
	}
	return ""
}

// probe runs a probe action and judges it.
func (x *executor) probe(ctx context.Context, a action, step int) ([]finding, error) {
	total := a.n[0] // actSteady: n requests at a rate
	if a.kind != actSteady {
		total = 0
		for _, n := range a.n { // a burst's requests per key, or the bad and the good
			total += n
		}
	}
	if !x.budget.take(int64(total)) {
		return nil, errBudget
	}
	x.probeMu.Lock() // one probe at a time: each holds its owners' budgets
	defer x.probeMu.Unlock()
	var results []shotResult
	var ok bool
	var err error
	for attempt := 0; attempt < probeAttempts && !ok; attempt++ {
		switch a.kind {
		case actSteady:
			results, ok, err = x.steady(ctx, a)
		case actLateEarly:
			results, ok, err = x.lateEarly(ctx, a)
		default:
			results, ok, err = x.burst(ctx, a)
		}
		if err != nil {
			return nil, err
		}
	}
	var found []finding
	for _, r := range results {
		for _, e := range x.suite.Judge(r.ex, nil) {
			found = append(found, finding{step: step, err: e})
		}
	}
	if !ok {
		return found, nil // inconclusive: the machine could not hold the timing
	}
	fail := func(row, format string, args ...any) {
		found = append(found, finding{step: step, err: rowErr([]string{row}, "%s\n%s", fmt.Sprintf(format, args...), tally(results))})
	}
	switch a.kind {
	case actBurst:
		perOwner := map[string]int{}
		for _, r := range results {
			perOwner[r.owner]++
		}
		want := 0
		for _, n := range perOwner {
			want += min(n, limit)
		}
		got := 0
		for _, r := range results {
			switch {
			case r.a.ok:
				got++
			case r.a.code == "" || !check.CodeUnder("RequestLimitExceeded").Passes(gjsonString(r.a.code)):
				fail("R1", "a request of the burst got %s; want a success or RequestLimitExceeded (or a sub-code)", describe(r.a))
			}
		}
		if got != want {
			fail("R1", "%d of %d requests sent and answered within one second succeeded; want exactly %d (%d per owner and second)", got, len(results), want, limit)
		}
	case actSteady:
		for _, r := range results {
			if !r.a.ok {
				fail("R2", "a request sent at %d per second got %s; want a success", a.n[1], describe(r.a))
				break
			}
		}
	case actLateEarly:
		for g, when := range []string{"late in one second", "early in the next"} {
			n, got := 0, 0
			for _, r := range results {
				if r.second != g {
					continue
				}
				n++
				switch {
				case r.a.ok:
					got++
				case r.a.code == "" || !check.CodeUnder("RequestLimitExceeded").Passes(gjsonString(r.a.code)):
					fail("R1", "a request sent %s got %s; want a success or RequestLimitExceeded (or a sub-code)", when, describe(r.a))
				}
			}
			if want := min(n, limit); got != want {
				fail("R1", "%d of the %d requests sent %s succeeded; want exactly %d: each second's budget is whole (%d per owner), whatever the second before spent", got, n, when, want, limit)
			}
		}
	case actBadGood:
		for _, r := range results {
			switch {
			case r.bad && r.a.code != "AuthFailure.SignatureFailure":
				fail("R3", "a badly signed request got %s; want the error \"AuthFailure.SignatureFailure\"", describe(r.a))
			case !r.bad && !r.a.ok:
				fail("R3", "a good request after %d badly signed ones got %s; want a success (refused authentications do not count)", a.n[0], describe(r.a))
			}
		}
	}
	for i := range found {
		found[i].probe = true
	}
	if len(found) > 0 {
		// One finding per row is enough to tell.
		seen := map[string]bool{}
		found = slices.DeleteFunc(found, func(f finding) bool {
			k := f.err.Label
			if seen[k] {
				return true
			}
			seen[k] = true
			return false
		})
	}
	return found, nil
}

// limit is the documented rate (R1).
const limit = 20

func describe(a answer) string {
	switch {
	case a.unread != "":
		return a.unread
	case a.ok:
		return "a success"
	}
	return fmt.Sprintf("the error %q", a.code)
}

// tally counts a probe's answers by owner and kind.
func tally(results []shotResult) string {
	count := map[string]int{}
	for _, r := range results {
		k := r.owner
		if r.bad {
			k += " (badly signed)"
		}
		count[k+": "+describe(r.a)]++
	}
	var lines []string
	for k, n := range count {
		lines = append(lines, fmt.Sprintf("    %s × %d", k, n))
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}

// burst fires the requests of a burst (actBurst, actBadGood) at once from just past a
// second boundary; ok is false when they were not all sent and answered within it.
func (x *executor) burst(ctx context.Context, a action) ([]shotResult, bool, error) {
	type planned struct {
		owner string
		bad   bool
		shot  func() *wire.Exchange
	}
	var groups [][]planned
	addGroup := func(role string, n int, bad bool) error {
		c := x.m.cred(role)
		var g []planned
		for range n {
			spec := wire.NewSpec(x.m.probeStore(c), signingCred(c))
			spec.WrongKey = bad
			shot, err := x.driver.Prepare(ctx, spec, time.Now())
			if err != nil {
				return fmt.Errorf("harness error: preparing a probe: %w", err)
			}
			g = append(g, planned{owner: c.Owner, bad: bad, shot: shot})
		}
		groups = append(groups, g)
		return nil
	}
	if a.kind == actBadGood {
		if err := addGroup(a.roles[0], a.n[0], true); err != nil {
			return nil, false, err
		}
		if err := addGroup(a.roles[0], a.n[1], false); err != nil {
			return nil, false, err
		}
	} else {
		var all []planned
		for i, role := range a.roles {
			if err := addGroup(role, a.n[i], false); err != nil {
				return nil, false, err
			}
			all = append(all, groups[len(groups)-1]...)
		}
		groups = [][]planned{all} // every key's requests at once
	}
	if err := waitPastBoundary(ctx, 100*time.Millisecond); err != nil {
		return nil, false, err
	}
	var results []shotResult
	for _, g := range groups {
		out := make([]shotResult, len(g))
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i, p := range g {
			wg.Go(func() {
				<-start
				ex := p.shot()
				out[i] = shotResult{owner: p.owner, bad: p.bad, ex: ex, a: read(ex)}
			})
		}
		close(start)
		wg.Wait()
		results = append(results, out...)
	}
	first, last := results[0].ex.Sent, results[0].ex.Received
	for _, r := range results {
		if r.ex.Sent.Before(first) {
			first = r.ex.Sent
		}
		if r.ex.Received.After(last) {
			last = r.ex.Received
		}
	}
	return results, first.Unix() == last.Unix(), nil
}

// steady sends a.n[0] requests at a.n[1] per second, each at its slot half an interval
// off the seconds; ok is false when the pace did not hold (the busiest second held
// other than a.n[1] of them).
func (x *executor) steady(ctx context.Context, a action) ([]shotResult, bool, error) {
	c := x.m.cred(a.roles[0])
	n, rate := a.n[0], a.n[1]
	interval := time.Second / time.Duration(rate)
	if err := waitPastBoundary(ctx, 0); err != nil {
		return nil, false, err
	}
	now := time.Now()
	first := now.Truncate(interval).Add(interval / 2)
	for first.Before(now.Add(5 * time.Millisecond)) {
		first = first.Add(interval)
	}
	out := make([]shotResult, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			t := time.NewTimer(time.Until(first.Add(time.Duration(i) * interval)))
			defer t.Stop()
			select {
			case <-ctx.Done():
				errs[i] = ctx.Err()
				return
			case <-t.C:
			}
			shot, err := x.driver.Prepare(ctx, wire.NewSpec(x.m.probeStore(c), signingCred(c)), time.Now())
			if err != nil {
				errs[i] = err
				return
			}
			ex := shot()
			out[i] = shotResult{owner: c.Owner, ex: ex, a: read(ex)}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, false, err
		}
	}
	perSec := map[int64]int{}
	busiest := 0
	for _, r := range out {
		perSec[r.ex.Sent.Unix()]++
		busiest = max(busiest, perSec[r.ex.Sent.Unix()])
	}
	return out, busiest == rate, nil
}

// lateEarly fires a.n[0] requests at once steps.LateStart into a second, at least a
// second after the owner's last probe request, then a.n[1] more just past the next
// boundary; ok is false when the two did not fall in one second and the next, within
// one second in all (steps.AcrossBoundary, the suite's rule).
func (x *executor) lateEarly(ctx context.Context, a action) ([]shotResult, bool, error) {
	c := x.m.cred(a.roles[0])
	var shots [2][]func() *wire.Exchange
	for g := range shots {
		for range a.n[g] {
			shot, err := x.driver.Prepare(ctx, wire.NewSpec(x.m.probeStore(c), signingCred(c)), time.Now())
			if err != nil {
				return nil, false, fmt.Errorf("harness error: preparing a probe: %w", err)
			}
			shots[g] = append(shots[g], shot)
		}
	}
	now := time.Now()
	start := now.Truncate(time.Second).Add(steps.LateStart)
	for start.Before(now.Add(5*time.Millisecond)) || start.Sub(x.lastProbe[c.Owner]) < time.Second {
		start = start.Add(time.Second)
	}
	t := time.NewTimer(time.Until(start))
	select {
	case <-ctx.Done():
		t.Stop()
		return nil, false, ctx.Err()
	case <-t.C:
	}
	var exs [2][]*wire.Exchange
	var results []shotResult
	for g := range shots {
		if g == 1 {
			if err := waitPastBoundary(ctx, steps.BoundaryMargin); err != nil {
				return nil, false, err
			}
		}
		exs[g] = make([]*wire.Exchange, len(shots[g]))
		var wg sync.WaitGroup
		for i, shot := range shots[g] {
			wg.Go(func() { exs[g][i] = shot() })
		}
		wg.Wait()
		for _, ex := range exs[g] {
			results = append(results, shotResult{owner: c.Owner, second: g, ex: ex, a: read(ex)})
			if ex.Received.After(x.lastProbe[c.Owner]) {
				x.lastProbe[c.Owner] = ex.Received
			}
		}
	}
	return results, steps.AcrossBoundary(exs[0], exs[1]) == "", nil
}
