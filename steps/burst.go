package steps

import (
	"context"
	"fmt"
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
			kind = wire.Shorten(o.code, 80)
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

func classify(s shot, ex *wire.Exchange) outcome {
	o := outcome{shot: s, sent: ex.Sent, received: ex.Received}
	if ex.SDK != nil && len(ex.SDK.Trips) > 0 {
		// The SDK's first request is the one of the burst; its retries come later.
		trips := ex.SDK.Trips
		o.sent, o.received = trips[0].Sent, trips[0].Received
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
