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
	"github.com/tidwall/gjson"

	"github.com/ciam-harness/listjobs/signing"
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

// lease is the exclusive use of one owner's budget by a rate-limit step.
type lease struct {
	held chan struct{} // holds a token while taken
	last time.Time     // when the last holder was done; zero: never taken (guarded by held)
}

func newLease() *lease { return &lease{held: make(chan struct{}, 1)} }

// hold takes the leases of the owners of the keys, in a fixed order (so two steps
// cannot each wait for the other), after checking that nothing else uses those owners.
// It returns when any of them was last used by a rate-limit step (zero: never), and
// release, which gives them back.
func (st *scenario) hold(ctx context.Context, creds ...signing.Credential) (last time.Time, release func(), err error) {
	s := st.suite
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

// burstAttempts is how often a burst that straddled a second boundary is fired again,
// rather than weakening the check.
const burstAttempts = 3

// boundaryMargin is how far past a local second boundary a burst starts.
const boundaryMargin = 100 * time.Millisecond

// shot is one request of a burst.
type shot struct {
	role    string
	cred    signing.Credential
	bad     bool // signed with a wrong key (R3)
	retries int  // the sdk driver's RateLimitExceededMaxRetries
}

// outcome is what one shot got back.
type outcome struct {
	shot
	code     string // "" for a success
	problem  string // neither a success nor a well-formed error
	sent     time.Time
	received time.Time
	// retriedOn holds the codes of the responses the SDK retried on, in order (the sdk
	// driver; its first request was sent and answered at sent and received).
	retriedOn []string
}

func (o outcome) succeeded() bool { return o.code == "" && o.problem == "" }

// burst is the record of the last rate-limit step.
type burst struct {
	outcomes []outcome
	attempts int
	span     time.Duration
}

func (b *burst) summary() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "%d requests, attempt %d, first sent to last answered: %s\n", len(b.outcomes), b.attempts, b.span.Round(time.Microsecond))
	for _, line := range b.tally() {
		sb.WriteString(line + "\n")
	}
	return sb.String()
}

// tally counts outcomes per credential role and result, sorted.
func (b *burst) tally() []string {
	count := map[string]int{}
	for _, o := range b.outcomes {
		kind := "success"
		switch {
		case o.problem != "":
			kind = "malformed response: " + o.problem
		case o.code != "":
			kind = shorten(o.code, 80)
		}
		role := o.role
		if o.bad {
			role += " (badly signed)"
		}
		if len(o.retriedOn) > 0 {
			kind += fmt.Sprintf(" after the SDK retried on %s", strings.Join(o.retriedOn, ", "))
		}
		count[role+": "+kind]++
	}
	var out []string
	for k, n := range count {
		out = append(out, fmt.Sprintf("  %s × %d", k, n))
	}
	sort.Strings(out)
	return out
}

// describe is the tally with the burst's timing, for failure messages.
func (b *burst) describe() string {
	first, last := b.outcomes[0].sent, b.outcomes[0].received
	for _, o := range b.outcomes {
		if o.sent.Before(first) {
			first = o.sent
		}
		if o.received.After(last) {
			last = o.received
		}
	}
	return fmt.Sprintf("  (attempt %d; first sent at %s, last answered at %s, local time)\n%s",
		b.attempts, first.Format("15:04:05.000"), last.Format("15:04:05.000"), strings.Join(b.tally(), "\n"))
}

// rateLimitStore is the user store rate-limit requests list: the fixture's "varied"
// store when it belongs to the key's account, else any store of that account.
func (st *scenario) rateLimitStore(role string) (string, error) {
	fx, err := st.fixture()
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
func (st *scenario) prepare(ctx context.Context, groups [][]shot, now time.Time) ([][]func() *exchange, error) {
	out := make([][]func() *exchange, len(groups))
	for g, group := range groups {
		for _, s := range group {
			store, err := st.rateLimitStore(s.role)
			if err != nil {
				return nil, err
			}
			spec := st.newSpec(store, s.cred)
			spec.wrongKey, spec.sdkRetries = s.bad, s.retries
			send, err := st.suite.transport.prepare(ctx, st, spec, now)
			if err != nil {
				return nil, err
			}
			out[g] = append(out[g], send)
		}
	}
	return out, nil
}

// fire sends the groups one after the other, the requests of a group all at once.
func (st *scenario) fire(groups [][]shot, reqs [][]func() *exchange) []outcome {
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

func classify(s shot, ex *exchange) outcome {
	o := outcome{shot: s, sent: ex.sent, received: ex.received}
	if ex.sdk != nil && len(ex.sdk.trips) > 0 {
		// The SDK's first request is the one of the burst; its retries come later.
		trips := ex.sdk.trips
		o.sent, o.received = trips[0].sent, trips[0].received
		for _, t := range trips[:len(trips)-1] {
			what := t.code()
			switch {
			case t.status == 0:
				what = "no response"
			case what == "":
				what = fmt.Sprintf("HTTP %d", t.status)
			}
			o.retriedOn = append(o.retriedOn, what)
		}
	}
	switch {
	case ex.err != nil:
		o.problem = "no response: " + ex.err.Error()
	case ex.sdk != nil && ex.sdk.mismatch != nil:
		o.problem = ex.sdk.mismatch.Error()
	case !ex.doc().valid:
		// The body is read strictly and within bounds first (doc): gjson validates
		// recursively, and megabytes of '[' would overflow the stack.
		o.problem = "not strict JSON: " + shorten(string(ex.body), 80)
	default:
		root := ex.doc().root
		if e := root.Get("Response.Error"); e.Exists() {
			if c := e.Get("Code"); c.Type == gjson.String && c.Str != "" {
				o.code = c.Str
			} else {
				o.problem = "an Error without a Code"
			}
		} else if !root.Get("Response.JobSet").Exists() || root.Get("Response.RequestId").Type != gjson.String {
			o.problem = "neither a success nor an error envelope"
		}
	}
	return o
}

// waitPastBoundary sleeps until boundaryMargin past the next local second boundary.
func waitPastBoundary(ctx context.Context) error {
	now := time.Now()
	next := now.Truncate(time.Second).Add(time.Second + boundaryMargin)
	t := time.NewTimer(next.Sub(now))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// withinOneSecond fires the groups so that every request is sent and answered within one
// local second, retrying a burst that straddled a boundary (at most burstAttempts times).
func (st *scenario) withinOneSecond(ctx context.Context, groups [][]shot) error {
	var creds []signing.Credential
	for _, group := range groups {
		for _, s := range group {
			creds = append(creds, s.cred)
		}
	}
	_, release, err := st.hold(ctx, creds...)
	if err != nil {
		return err
	}
	defer release()
	for attempt := 1; attempt <= burstAttempts; attempt++ {
		// The requests are signed beforehand, so that the burst only sends them.
		reqs, err := st.prepare(ctx, groups, time.Now())
		if err != nil {
			return err
		}
		// Each attempt starts in a fresh second, so no earlier request of these owners
		// (an earlier attempt, another scenario's burst) shares its window.
		if err := waitPastBoundary(ctx); err != nil {
			return err
		}
		out := st.fire(groups, reqs)
		first, last := out[0].sent, out[0].received
		for _, o := range out {
			if o.sent.Before(first) {
				first = o.sent
			}
			if o.received.After(last) {
				last = o.received
			}
		}
		st.burst = &burst{outcomes: out, attempts: attempt, span: last.Sub(first)}
		if first.Unix() == last.Unix() {
			return nil
		}
	}
	return &InconclusiveError{Reason: fmt.Sprintf("%s: every one of %d bursts straddled a second boundary (the last took %s from first send to last answer); the limit cannot be judged per second on this endpoint",
		st.label(), burstAttempts, st.burst.span.Round(time.Millisecond))}
}

func (st *scenario) burstTable(ctx context.Context, table *godog.Table) error {
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
		cred, err := st.fixtureCredential(role)
		if err != nil {
			return err
		}
		for range n {
			group = append(group, shot{role: role, cred: cred})
		}
	}
	return st.withinOneSecond(ctx, [][]shot{group})
}

func (st *scenario) badThenGood(ctx context.Context, bad, good int, role string) error {
	cred, err := st.fixtureCredential(role)
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
	return st.withinOneSecond(ctx, groups)
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
func (st *scenario) steady(ctx context.Context, n int, role string, perSecond int) error {
	if perSecond < 1 || perSecond > 1000 || n < 2*perSecond-1 || n > 2000 {
		return errors.New("harness error: want 1-1000 per second, and requests for two seconds at least (so that one second is covered whole) and 2000 at most")
	}
	cred, err := st.fixtureCredential(role)
	if err != nil {
		return err
	}
	store, err := st.rateLimitStore(role)
	if err != nil {
		return err
	}
	last, release, err := st.hold(ctx, cred)
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
		b, err := st.steadyRun(ctx, n, role, cred, store, interval)
		if err != nil {
			return err
		}
		b.attempts = attempt
		st.burst = b
		if busiest = busiestSecond(b.outcomes); busiest == perSecond {
			return nil
		}
	}
	return &InconclusiveError{Reason: fmt.Sprintf("%s: could not send %d requests at %d per second: in each of %d runs the pace did not hold (in the last, the busiest second held %d of them; want %d); the rate cannot be judged on this machine now",
		st.label(), n, perSecond, burstAttempts, busiest, perSecond)}
}

// busiestSecond is the most requests sent within one second (by local clock).
func busiestSecond(outcomes []outcome) int {
	perSec := map[int64]int{}
	most := 0
	for _, o := range outcomes {
		perSec[o.sent.Unix()]++
		most = max(most, perSec[o.sent.Unix()])
	}
	return most
}

// steadyRun sends n requests, one per interval from the next slot half an interval off
// the seconds, each at its slot, and returns them once all are answered.
func (st *scenario) steadyRun(ctx context.Context, n int, role string, cred signing.Credential, store string, interval time.Duration) (*burst, error) {
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
			send, err := st.suite.transport.prepare(ctx, st, st.newSpec(store, cred), time.Now())
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

// steadyLead is the least time between planning a steady run and its first request.
const steadyLead = 5 * time.Millisecond

func (st *scenario) lastBurst() (*burst, error) {
	if st.burst == nil || len(st.burst.outcomes) == 0 {
		return nil, errors.New("harness error: no burst was sent")
	}
	return st.burst, nil
}

func (st *scenario) exactlySucceed(n int) error {
	b, err := st.lastBurst()
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
		return rowf(st.label(), "%d of %d requests sent and answered within one second succeeded; want exactly %d:\n%s", ok, len(b.outcomes), n, b.describe())
	}
	return nil
}

func (st *scenario) othersLimited(code string) error {
	b, err := st.lastBurst()
	if err != nil {
		return err
	}
	limited := CodeUnder(code)
	for _, o := range b.outcomes {
		if o.succeeded() {
			continue
		}
		if o.problem != "" || !strings.HasPrefix(o.code+".", code+".") {
			return rowf(st.label(), "a refused request got %s; want %s:\n%s", firstNonEmpty(o.problem, strconv.Quote(shorten(o.code, 80))), limited.Want, b.describe())
		}
	}
	return nil
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func (st *scenario) allSucceed(n int) error {
	b, err := st.lastBurst()
	if err != nil {
		return err
	}
	return st.allOf(b.outcomes, n, false, "", "succeed")
}

// allOf checks that the n outcomes whose bad flag is bad all got code ("" = success).
func (st *scenario) allOf(outcomes []outcome, n int, bad bool, code, what string) error {
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
		return rowf(st.label(), "%d of %d requests %s; want all %d:\n%s", good, total, what, n, st.burst.describe())
	}
	return nil
}

func (st *scenario) badGetError(n int, code string) error {
	b, err := st.lastBurst()
	if err != nil {
		return err
	}
	return st.allOf(b.outcomes, n, true, code, "got "+code)
}

func (st *scenario) goodSucceed(n int) error {
	b, err := st.lastBurst()
	if err != nil {
		return err
	}
	return st.allOf(b.outcomes, n, false, "", "succeed")
}
