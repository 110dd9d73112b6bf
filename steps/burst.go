package steps

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/ciam-harness/listjobs/signing"
	"github.com/ciam-harness/listjobs/wire"
	"github.com/tidwall/gjson"
)

// lease is the exclusive use of one owner's budget by a rate-limit step.
type lease struct {
	held chan struct{} // holds a token while taken
	last time.Time     // when the last holder was done; zero: never taken (guarded by held)
}

func newLease() *lease { return &lease{held: make(chan struct{}, 1)} }

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
	second  int  // which second of the step it is sent in: 0, or 1 for the next (lateThenEarly)
}

// outcome is what one shot got back.
type outcome struct {
	shot
	code     string // "" for a success
	problem  string // neither a success nor a well-formed error
	sent     time.Time
	received time.Time
	// date is the response's HTTP Date header (the server's clock, to the second); zero
	// when it has none.
	date time.Time
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
			kind = wire.Shorten(o.code, 80)
		}
		role := o.role
		if o.bad {
			role += " (badly signed)"
		}
		if o.second > 0 {
			role = "next second, " + role
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
	first, last := extent(b.outcomes)
	return fmt.Sprintf("  (attempt %d; first sent at %s, last answered at %s, local time)\n%s",
		b.attempts, first.Format("15:04:05.000"), last.Format("15:04:05.000"), strings.Join(b.tally(), "\n"))
}

// extent is when the first of the outcomes was sent and the last answered.
func extent(outcomes []outcome) (first, last time.Time) {
	first, last = outcomes[0].sent, outcomes[0].received
	for _, o := range outcomes {
		if o.sent.Before(first) {
			first = o.sent
		}
		if o.received.After(last) {
			last = o.received
		}
	}
	return first, last
}

func classify(s shot, ex *wire.Exchange) outcome {
	o := outcome{shot: s, sent: ex.Sent, received: ex.Received, date: dateOf(ex.RespHeader)}
	if ex.SDK != nil && len(ex.SDK.Trips) > 0 {
		// The SDK's first request is the one of the burst; its retries come later.
		trips := ex.SDK.Trips
		o.sent, o.received, o.date = trips[0].Sent, trips[0].Received, dateOf(trips[0].RespHeader)
		for _, t := range trips[:len(trips)-1] {
			what := t.Code()
			switch {
			case t.Status == 0:
				what = "no response"
			case what == "":
				what = fmt.Sprintf("HTTP %d", t.Status)
			}
			o.retriedOn = append(o.retriedOn, what)
		}
	}
	switch {
	case ex.Err != nil:
		o.problem = "no response: " + ex.Err.Error()
	case ex.SDK != nil && ex.SDK.Mismatch != nil:
		o.problem = ex.SDK.Mismatch.Error()
	case !strict(ex):
		// The body is read strictly and within bounds first (Root): gjson validates
		// recursively, and megabytes of '[' would overflow the stack.
		o.problem = "not strict JSON: " + wire.Shorten(string(ex.Body), 80)
	default:
		root, _ := ex.Root()
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

// dateOf is the HTTP Date of a response's header; zero when it has none that parses.
func dateOf(h http.Header) time.Time {
	t, err := http.ParseTime(h.Get("Date"))
	if err != nil {
		return time.Time{}
	}
	return t
}

// waitPastBoundary sleeps until boundaryMargin past the next local second boundary.
func waitPastBoundary(ctx context.Context) error {
	now := time.Now()
	return waitUntil(ctx, now.Truncate(time.Second).Add(time.Second+boundaryMargin))
}

// waitUntil sleeps until the local time at.
func waitUntil(ctx context.Context, at time.Time) error {
	t := time.NewTimer(time.Until(at))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
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

// steadyLead is the least time between planning a steady run and its first request.
const steadyLead = 5 * time.Millisecond

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// strict tells whether the body of ex is one strict JSON value.
func strict(ex *wire.Exchange) bool {
	_, why := ex.Root()
	return why == ""
}

// lateStart is how far into a local second the first burst of a step across a second
// boundary starts (lateThenEarly): late enough that the burst of the next second comes
// within a second of it, early enough that the first burst is answered before the
// boundary on a slower link.
const lateStart = 600 * time.Millisecond

// acrossBoundary tells whether the outcomes of a step across a second boundary fell as
// it means them, and returns "" when they did, else why not: those of second 0 sent
// and answered within one local second, those of second 1 within the next, and the two
// bursts within one second of each other (the first send to the last answer), so that
// any state an endpoint carries from one second to the next is still there.
//
// The local clock may be off the server's. When every response carries an HTTP Date
// header (the server's clock, to the second), the seconds must be the server's too:
// the first burst's responses all dated one second and the next burst's all the
// second after. Dates that show both bursts in one second mean that they shared one
// second's budget of the server, and nothing can be judged. Without Date headers the
// local clock alone decides, as for the other bursts.
func acrossBoundary(outcomes []outcome) string {
	var bursts [2][]outcome
	for _, o := range outcomes {
		if o.second < 0 || o.second > 1 {
			return fmt.Sprintf("harness error: a request of second %d", o.second)
		}
		bursts[o.second] = append(bursts[o.second], o)
	}
	if len(bursts[0]) == 0 || len(bursts[1]) == 0 {
		return "harness error: want requests in one second and in the next"
	}
	const local = "15:04:05.000"
	f0, l0 := extent(bursts[0])
	f1, l1 := extent(bursts[1])
	switch {
	case f0.Unix() != l0.Unix():
		return fmt.Sprintf("the first burst straddled a local second boundary (sent from %s, answered until %s)", f0.Format(local), l0.Format(local))
	case f1.Unix() != f0.Unix()+1 || l1.Unix() != f1.Unix():
		return fmt.Sprintf("the next burst did not fall within the local second after the first's (sent from %s, answered until %s)", f1.Format(local), l1.Format(local))
	case l1.Sub(f0) >= time.Second:
		return fmt.Sprintf("the two bursts took %s from the first send to the last answer: more than a second", l1.Sub(f0).Round(time.Millisecond))
	}
	lo0, hi0, dated0 := dates(bursts[0])
	lo1, hi1, dated1 := dates(bursts[1])
	const server = "15:04:05 MST"
	switch {
	case !dated0 || !dated1:
		return "" // no Date on some response: the local clock decides
	case !lo0.Equal(hi0):
		return fmt.Sprintf("the server's Date headers show the first burst over more than one second (%s to %s)", lo0.Format(server), hi0.Format(server))
	case !lo1.Equal(hi1):
		return fmt.Sprintf("the server's Date headers show the next burst over more than one second (%s to %s)", lo1.Format(server), hi1.Format(server))
	case lo1.Equal(lo0):
		return fmt.Sprintf("the server's Date headers show both bursts in one second of its clock (%s), where they shared one budget", lo0.Format(server))
	case !lo1.Equal(lo0.Add(time.Second)):
		return fmt.Sprintf("the server's Date headers show the first burst at %s and the next at %s, not in the second after", lo0.Format(server), lo1.Format(server))
	}
	return ""
}

// dates are the earliest and latest HTTP Date of the outcomes' responses, and whether
// every one of them had one.
func dates(outcomes []outcome) (lo, hi time.Time, all bool) {
	for _, o := range outcomes {
		if o.date.IsZero() {
			return time.Time{}, time.Time{}, false
		}
		if lo.IsZero() || o.date.Before(lo) {
			lo = o.date
		}
		if o.date.After(hi) {
			hi = o.date
		}
	}
	return lo, hi, true
}
