package steps

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cucumber/godog"

	"github.com/ciam-harness/listjobs/check"
	"github.com/ciam-harness/listjobs/result"
	"github.com/ciam-harness/listjobs/signing"
	"github.com/ciam-harness/listjobs/wire"
)

// The rate-limit scenarios (R1-R3) send bursts with dedicated keys whose owners nothing
// else uses. Each holds the leases of its keys' owners, so that no other rate-limit
// scenario spends the same owners' budget meanwhile: scenarios with owners of their own
// run at once, beside the ordinary ones; scenarios that share an owner take turns, each
// in a second of its own. They bypass the pacers on purpose.

// rateLimitRolePrefix starts the roles of the rate-limit keys. The owners of the
// fixture's other keys, and of the ordinary keys, may carry ordinary requests at any
// moment: the rate-limit steps refuse keys of those owners.
const rateLimitRolePrefix = "rate-limit"

// hold takes the leases of the owners of the keys, in a fixed order (so two steps
// cannot each wait for the other), after checking that nothing else uses those owners.
// It returns when any of them was last used by a rate-limit step (zero: never), and
// release, which gives them back.
func (bs *bursts) hold(ctx context.Context, creds ...signing.Credential) (last time.Time, release func(), err error) {
	s := bs.sc.suite
	var keys []string
	for _, c := range creds {
		key, ok := s.owners[c.SecretID]
		if !ok || s.leases[key] == nil {
			return time.Time{}, nil, fmt.Errorf("internal: no lease for the key %s", c.SecretID)
		}
		if role := s.shared[key]; role != "" {
			return time.Time{}, nil, fmt.Errorf("the rate-limit key %s has the owner of %s, which ordinary requests may use at any moment: give the rate-limit roles keys whose owners nothing else uses", c.SecretID, role)
		}
		if !slices.Contains(keys, key) {
			keys = append(keys, key)
		}
	}
	sort.Strings(keys)
	var taken []*lease
	release = func() {
		now := time.Now()
		for _, l := range taken {
			l.last = now
			<-l.held
		}
	}
	for _, key := range keys {
		l := s.leases[key]
		select {
		case l.held <- struct{}{}:
			taken = append(taken, l)
			if l.last.After(last) {
				last = l.last
			}
		case <-ctx.Done():
			release()
			return time.Time{}, nil, ctx.Err()
		}
	}
	return last, release, nil
}

// rateLimitStore is the user store rate-limit requests list: the fixture's "varied"
// store when it belongs to the key's account, else any store of that account.
func (bs *bursts) rateLimitStore(role string) (string, error) {
	fx, err := bs.sc.fixture()
	if err != nil {
		return "", err
	}
	c, ok := fx.Credential(role)
	if !ok {
		return "", fmt.Errorf("the fixture has no credential with the role %q (the rate-limit scenarios need dedicated keys)", role)
	}
	if s, ok := fx.UserStore("varied"); ok && s.Account == c.Account {
		return s.ID, nil
	}
	for _, s := range fx.UserStores {
		if s.Account == c.Account {
			if _, faulty := fx.FaultFor(c.SecretID, s.ID); !faulty {
				return s.ID, nil
			}
		}
	}
	return "", fmt.Errorf("the fixture has no user store of the account of %q", role)
}

// prepare readies every shot of the groups at time now (the wire driver signs them).
func (bs *bursts) prepareGroups(ctx context.Context, groups [][]shot, now time.Time) ([][]func() *wire.Exchange, error) {
	out := make([][]func() *wire.Exchange, len(groups))
	for g, group := range groups {
		for _, s := range group {
			store, err := bs.rateLimitStore(s.role)
			if err != nil {
				return nil, err
			}
			spec := wire.NewSpec(store, s.cred)
			spec.WrongKey, spec.SDKRetries = s.bad, s.retries
			send, err := bs.sc.prepare(ctx, spec, now)
			if err != nil {
				return nil, err
			}
			out[g] = append(out[g], send)
		}
	}
	return out, nil
}

// fire sends the groups one after the other, the requests of a group all at once.
func (bs *bursts) fire(groups [][]shot, reqs [][]func() *wire.Exchange) []outcome {
	var out []outcome
	for g, group := range groups {
		results := make([]outcome, len(group))
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range group {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				<-start
				results[i] = classify(group[i], reqs[g][i]())
			}(i)
		}
		close(start)
		wg.Wait()
		out = append(out, results...)
	}
	return out
}

// withinOneSecond fires the groups so that every request is sent and answered within one
// local second, retrying a burst that straddled a boundary (at most burstAttempts times).
func (bs *bursts) withinOneSecond(ctx context.Context, groups [][]shot) error {
	var creds []signing.Credential
	for _, group := range groups {
		for _, s := range group {
			creds = append(creds, s.cred)
		}
	}
	_, release, err := bs.hold(ctx, creds...)
	if err != nil {
		return err
	}
	defer release()
	for attempt := 1; attempt <= burstAttempts; attempt++ {
		// The requests are signed beforehand, so that the burst only sends them.
		reqs, err := bs.prepareGroups(ctx, groups, time.Now())
		if err != nil {
			return err
		}
		// Each attempt starts in a fresh second, so no earlier request of these owners
		// (an earlier attempt, another scenario's burst) shares its window.
		if err := waitPastBoundary(ctx); err != nil {
			return err
		}
		out := bs.fire(groups, reqs)
		first, last := extent(out)
		bs.last = &burst{outcomes: out, attempts: attempt, span: last.Sub(first)}
		if first.Unix() == last.Unix() {
			return nil
		}
	}
	return &SkipError{Kind: result.SkipInconclusive, Reason: fmt.Sprintf("%s: every one of %d bursts straddled a second boundary (the last took %s from first send to last answer); the limit cannot be judged per second on this endpoint",
		bs.sc.label(), burstAttempts, bs.last.span.Round(time.Millisecond))}
}

// lateThenEarly sends late requests of role late in one second and early more just
// after the next second begins (R1: the budget is whole again in the next second,
// whatever the first second spent). The first burst starts lateStart into a second at
// least a second after the owner's last request, so that the owner starts fresh; the
// next starts boundaryMargin past the following boundary. An attempt whose bursts did
// not fall in one second and the next (acrossBoundary: by the local clock, and by the
// server's Date headers when it sends them) is made again, at most burstAttempts
// times, and then the step is inconclusive.
func (bs *bursts) lateThenEarly(ctx context.Context, late int, role string, early int) error {
	if late < 1 || early < 1 || late > 200 || early > 200 {
		return errors.New("harness error: want 1-200 requests in each second")
	}
	cred, err := bs.sc.fixtureCredential(role)
	if err != nil {
		return err
	}
	groups := [][]shot{make([]shot, late), make([]shot, early)}
	for g := range groups {
		for i := range groups[g] {
			groups[g][i] = shot{role: role, cred: cred, second: g}
		}
	}
	last, release, err := bs.hold(ctx, cred)
	if err != nil {
		return err
	}
	defer release()
	var why string
	for attempt := 1; attempt <= burstAttempts; attempt++ {
		// The requests are signed beforehand, so that each burst only sends them.
		reqs, err := bs.prepareGroups(ctx, groups, time.Now())
		if err != nil {
			return err
		}
		now := time.Now()
		start := now.Truncate(time.Second).Add(lateStart)
		for start.Before(now.Add(steadyLead)) || (!last.IsZero() && start.Sub(last) < time.Second) {
			start = start.Add(time.Second)
		}
		if err := waitUntil(ctx, start); err != nil {
			return err
		}
		out := bs.fire(groups[:1], reqs[:1])
		if err := waitPastBoundary(ctx); err != nil {
			return err
		}
		out = append(out, bs.fire(groups[1:], reqs[1:])...)
		first, end := extent(out)
		bs.last = &burst{outcomes: out, attempts: attempt, span: end.Sub(first)}
		last = end
		if why = acrossBoundary(out); why == "" {
			return nil
		}
	}
	return &SkipError{Kind: result.SkipInconclusive, Reason: fmt.Sprintf("%s: in none of %d attempts did the two bursts fall in one second and the next (in the last, %s); the budget of the next second cannot be judged on this endpoint",
		bs.sc.label(), burstAttempts, why)}
}

func (bs *bursts) burstTable(ctx context.Context, table *godog.Table) error {
	if len(table.Rows) < 2 {
		return errors.New("harness error: the table needs a header row and at least one row")
	}
	var group []shot
	for _, row := range table.Rows[1:] {
		if len(row.Cells) != 2 {
			return errors.New("harness error: want the columns credential | requests")
		}
		role := row.Cells[0].Value
		n, err := strconv.Atoi(row.Cells[1].Value)
		if err != nil || n < 1 || n > 200 {
			return fmt.Errorf("harness error: requests %q: want 1-200", row.Cells[1].Value)
		}
		cred, err := bs.sc.fixtureCredential(role)
		if err != nil {
			return err
		}
		for range n {
			group = append(group, shot{role: role, cred: cred})
		}
	}
	return bs.withinOneSecond(ctx, [][]shot{group})
}

func (bs *bursts) badThenGood(ctx context.Context, bad, good int, role string) error {
	cred, err := bs.sc.fixtureCredential(role)
	if err != nil {
		return err
	}
	groups := [][]shot{make([]shot, bad), make([]shot, good)}
	for i := range groups[0] {
		groups[0][i] = shot{role: role, cred: cred, bad: true}
	}
	for i := range groups[1] {
		groups[1][i] = shot{role: role, cred: cred}
	}
	return bs.withinOneSecond(ctx, groups)
}

// steady sends n requests at perSecond (R2), from a second in which no other rate-limit
// step used the owner.
//
// Each request goes out at its own slot, whatever the answers to the earlier ones take
// (a slow endpoint would otherwise slow the pace down and prove nothing). The slots sit
// half an interval off the seconds, so that every second the run covers whole holds
// exactly perSecond of them, and a request a little late stays in its second. The run
// counts only if the pace held: the busiest second held exactly perSecond requests, by
// their send times. A run that a loaded machine held up (fewer in every second) or
// bunched (more in one) proves nothing either way: it is run again, at most
// burstAttempts times, rather than judged.
func (bs *bursts) steady(ctx context.Context, n int, role string, perSecond int) error {
	if perSecond < 1 || perSecond > 1000 || n < 2*perSecond-1 || n > 2000 {
		return errors.New("harness error: want 1-1000 per second, and requests for two seconds at least (so that one second is covered whole) and 2000 at most")
	}
	cred, err := bs.sc.fixtureCredential(role)
	if err != nil {
		return err
	}
	store, err := bs.rateLimitStore(role)
	if err != nil {
		return err
	}
	last, release, err := bs.hold(ctx, cred)
	if err != nil {
		return err
	}
	defer release()
	interval := time.Second / time.Duration(perSecond)
	var busiest int
	for attempt := 1; attempt <= burstAttempts; attempt++ {
		// Only an earlier rate-limit step of the same owner, or an earlier attempt, may
		// have spent the budget of the current second: then start in a fresh one.
		if attempt > 1 || (!last.IsZero() && time.Now().Unix() <= last.Unix()) {
			if err := waitPastBoundary(ctx); err != nil {
				return err
			}
		}
		b, err := bs.steadyRun(ctx, n, role, cred, store, interval)
		if err != nil {
			return err
		}
		b.attempts = attempt
		bs.last = b
		if busiest = busiestSecond(b.outcomes); busiest == perSecond {
			return nil
		}
	}
	return &SkipError{Kind: result.SkipInconclusive, Reason: fmt.Sprintf("%s: could not send %d requests at %d per second: in each of %d runs the pace did not hold (in the last, the busiest second held %d of them; want %d); the rate cannot be judged on this machine now",
		bs.sc.label(), n, perSecond, burstAttempts, busiest, perSecond)}
}

// steadyRun sends n requests, one per interval from the next slot half an interval off
// the seconds, each at its slot, and returns them once all are answered.
func (bs *bursts) steadyRun(ctx context.Context, n int, role string, cred signing.Credential, store string, interval time.Duration) (*burst, error) {
	now := time.Now()
	first := now.Truncate(interval).Add(interval / 2)
	for first.Before(now.Add(steadyLead)) {
		first = first.Add(interval)
	}
	b := &burst{outcomes: make([]outcome, n)}
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			s := shot{role: role, cred: cred}
			t := time.NewTimer(time.Until(first.Add(time.Duration(i) * interval)))
			defer t.Stop()
			select {
			case <-ctx.Done():
				errs[i] = ctx.Err()
				return
			case <-t.C:
			}
			send, err := bs.sc.prepare(ctx, wire.NewSpec(store, cred), time.Now())
			if err != nil {
				errs[i] = err
				return
			}
			b.outcomes[i] = classify(s, send())
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	b.span = b.outcomes[n-1].received.Sub(b.outcomes[0].sent)
	return b, nil
}

func (bs *bursts) lastBurst() (*burst, error) {
	if bs.last == nil || len(bs.last.outcomes) == 0 {
		return nil, errors.New("harness error: no burst was sent")
	}
	return bs.last, nil
}

func (bs *bursts) exactlySucceed(n int) error {
	b, err := bs.lastBurst()
	if err != nil {
		return err
	}
	ok := 0
	for _, o := range b.outcomes {
		if o.succeeded() {
			ok++
		}
	}
	if ok != n {
		return check.Rowf(bs.sc.label(), "%d of %d requests sent and answered within one second succeeded; want exactly %d:\n%s", ok, len(b.outcomes), n, b.describe())
	}
	return nil
}

func (bs *bursts) othersLimited(code string) error {
	b, err := bs.lastBurst()
	if err != nil {
		return err
	}
	limited := check.CodeUnder(code)
	for _, o := range b.outcomes {
		if o.succeeded() {
			continue
		}
		if o.problem != "" || !strings.HasPrefix(o.code+".", code+".") {
			return check.Rowf(bs.sc.label(), "a refused request got %s; want %s:\n%s", firstNonEmpty(o.problem, strconv.Quote(wire.Shorten(o.code, 80))), limited.Want, b.describe())
		}
	}
	return nil
}

// eachSecond checks, second by second of the last step (one, or one and the next),
// that the first n requests of the second succeeded (all of them when it sent fewer)
// and the others got code or one of its sub-codes.
func (bs *bursts) eachSecond(n int, code string) error {
	b, err := bs.lastBurst()
	if err != nil {
		return err
	}
	limited := check.CodeUnder(code)
	total, ok := map[int]int{}, map[int]int{}
	for _, o := range b.outcomes {
		total[o.second]++
		switch {
		case o.succeeded():
			ok[o.second]++
		case o.problem != "" || !strings.HasPrefix(o.code+".", code+"."):
			return check.Rowf(bs.sc.label(), "a refused request got %s; want %s:\n%s", firstNonEmpty(o.problem, strconv.Quote(wire.Shorten(o.code, 80))), limited.Want, b.describe())
		}
	}
	for s := range len(total) {
		if want := min(n, total[s]); ok[s] != want {
			return check.Rowf(bs.sc.label(), "%d of the %d requests of the %s second succeeded; want %d:\n%s", ok[s], total[s], [...]string{"first", "next"}[min(s, 1)], want, b.describe())
		}
	}
	return nil
}

func (bs *bursts) allSucceed(n int) error {
	b, err := bs.lastBurst()
	if err != nil {
		return err
	}
	return bs.allOf(b.outcomes, n, false, "", "succeed")
}

// allOf checks that the n outcomes whose bad flag is bad all got code ("" = success).
func (bs *bursts) allOf(outcomes []outcome, n int, bad bool, code, what string) error {
	total, good := 0, 0
	for _, o := range outcomes {
		if o.bad != bad {
			continue
		}
		total++
		if (code == "" && o.succeeded()) || (code != "" && o.code == code) {
			good++
		}
	}
	if total != n || good != n {
		return check.Rowf(bs.sc.label(), "%d of %d requests %s; want all %d:\n%s", good, total, what, n, bs.last.describe())
	}
	return nil
}

func (bs *bursts) badGetError(n int, code string) error {
	b, err := bs.lastBurst()
	if err != nil {
		return err
	}
	return bs.allOf(b.outcomes, n, true, code, "got "+code)
}

func (bs *bursts) goodSucceed(n int) error {
	b, err := bs.lastBurst()
	if err != nil {
		return err
	}
	return bs.allOf(b.outcomes, n, false, "", "succeed")
}
