package explore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/ciam-harness/listjobs/check"
	"github.com/ciam-harness/listjobs/driver"
	"github.com/ciam-harness/listjobs/steps"
	"github.com/ciam-harness/listjobs/wire"
)

// executor sends programs and judges their answers.
type executor struct {
	m      *model
	suite  *steps.Suite
	driver driver.Driver
	region string // the run's X-TC-Region
	// pacers keep each owner's ordinary traffic under the limit (steps.PacerRate per
	// second): the bursts alone go past it, with keys nothing else uses.
	mu     sync.Mutex
	pacers map[string]*steps.Pacer
	turn   map[string]int // the next key of each role (spread)
	// sentAt are the send times of each owner's requests within the last second or so.
	sentAt map[string][]time.Time
	// budget counts the requests sent and stops the exploration.
	budget *budget
	clock  *wire.Clock
	// noProbes leaves the waits and the probes of a program out (while shrinking a
	// failure of rows no probe judges: they cannot bring it about, and take seconds).
	noProbes bool
	// trace gets each request sent (Options.Trace).
	trace io.Writer
	// probeMu lets one probe of the rate limit run at a time.
	probeMu sync.Mutex
	// lastProbe is when each owner's last probe request was answered (under probeMu).
	lastProbe map[string]time.Time
}

// errBudget ends a program when the budget is spent.
var errBudget = errors.New("the budget is spent")

// errNearMissUnmade: the near miss a request was drawn with cannot be made of the
// values it carries (the catalogue's step refused it: a near miss of a UserStoreId that
// is another store of the fixture, say). The request is not judged.
var errNearMissUnmade = errors.New("the near miss cannot be made of this request")

// pace waits for the owner of secretID.
func (x *executor) pace(ctx context.Context, secretID string) (func(), error) {
	owner := x.m.owner[secretID]
	if owner == "" {
		owner = "unknown owner"
	}
	x.mu.Lock()
	p := x.pacers[owner]
	if p == nil {
		p = steps.NewPacer(steps.PacerRate, time.Second)
		x.pacers[owner] = p
	}
	x.mu.Unlock()
	return p.Wait(ctx)
}

// sendOne builds, paces and sends one request, and checks what every response holds to.
func (x *executor) sendOne(ctx context.Context, r *req) (*wire.Exchange, []*check.RowError, bool, error) {
	spec, _, err := x.suite.BuildRequest(x.m.sentences(r))
	if err != nil {
		if r.near > 0 {
			return nil, nil, false, errNearMissUnmade
		}
		return nil, nil, false, fmt.Errorf("harness error: building a drawn request: %w", err)
	}
	if !x.budget.take(1) {
		return nil, nil, false, errBudget
	}
	x.spread(spec, r.cred)
	done, err := x.pace(ctx, spec.Cred.SecretID)
	if err != nil {
		return nil, nil, false, err
	}
	shot, err := x.driver.Prepare(ctx, spec, time.Now())
	if err != nil {
		done()
		if r.near > 0 {
			return nil, nil, false, errNearMissUnmade
		}
		return nil, nil, false, fmt.Errorf("harness error: preparing a drawn request: %w", err)
	}
	half := x.atHalfLimit(spec.Cred.SecretID)
	ex := shot()
	done()
	x.clock.Note(ex)
	return ex, x.suite.Judge(ex, spec), half, nil
}

// halfWindow is how far back atHalfLimit counts an owner's requests: a second, and a
// margin for the requests still on their way.
const halfWindow = 1100 * time.Millisecond

// atHalfLimit records a request of the owner of secretID sent now, and tells whether
// the owner sent at most half the limit (R2) within the last halfWindow, this one
// included: then no one-second window of the server can hold more, and throttling it
// breaks R2 as well as R1.
func (x *executor) atHalfLimit(secretID string) bool {
	owner := x.m.owner[secretID]
	now := time.Now()
	x.mu.Lock()
	defer x.mu.Unlock()
	recent := x.sentAt[owner][:0]
	for _, t := range x.sentAt[owner] {
		if now.Sub(t) < halfWindow {
			recent = append(recent, t)
		}
	}
	x.sentAt[owner] = append(recent, now)
	return len(x.sentAt[owner]) <= limit/2
}

// spread signs a request of a role with the next key of that role, in turn: the
// printed scenario names the role, whose keys are alike for the contract (one account,
// temporary or not), and each key's owner brings a rate-limit budget of its own.
func (x *executor) spread(spec *wire.Spec, role string) {
	keys := x.m.keys[role]
	if len(keys) < 2 || spec.Cred.SecretID != keys[0].SecretID {
		return
	}
	x.mu.Lock()
	k := keys[x.turn[role]%len(keys)]
	x.turn[role]++
	x.mu.Unlock()
	spec.Cred = signingCred(k)
}

// outcome is the judged answer of one request of a program.
type outcome struct {
	step int
	r    *req
	e    expectation
	ex   *wire.Exchange
}

// execute runs a program and returns what it found.
func (x *executor) execute(ctx context.Context, p program) ([]finding, error) {
	var found []finding
	var listings []listing
	step := 0
	for _, a := range p {
		if ctx.Err() != nil {
			return found, ctx.Err()
		}
		switch a.kind {
		case actOne, actGroup:
			outs := make([]outcome, len(a.reqs))
			inv := make([][]*check.RowError, len(a.reqs))
			half := make([]bool, len(a.reqs))
			errs := make([]error, len(a.reqs))
			var wg sync.WaitGroup
			for i, r := range a.reqs {
				outs[i] = outcome{step: step + i, r: r, e: x.m.expect(r, x.region)}
				x.traceReq(r)
				send := func() { outs[i].ex, inv[i], half[i], errs[i] = x.sendOne(ctx, r) }
				if a.kind == actOne {
					send()
				} else {
					wg.Go(send)
				}
			}
			wg.Wait()
			for i, o := range outs {
				if errors.Is(errs[i], errNearMissUnmade) {
					continue
				}
				if errs[i] != nil {
					return found, errs[i]
				}
				for _, e := range inv[i] {
					found = append(found, finding{step: o.step, err: e})
				}
				fs := x.m.judge(o.step, o.ex, o.e, half[i])
				found = append(found, fs...)
				if l, ok := x.listingOf(o); ok {
					found = append(found, relate(listings, l)...)
					listings = append(listings, l)
				}
			}
			step += len(a.reqs)
		case actBoundary:
			if x.noProbes {
				continue
			}
			if err := waitPastBoundary(ctx, 50*time.Millisecond); err != nil {
				return found, err
			}
		default:
			if x.noProbes {
				step++
				continue
			}
			fs, err := x.probe(ctx, a, step)
			if err != nil {
				return found, err
			}
			found = append(found, fs...)
			step++
		}
	}
	return found, nil
}

// listingOf is the listing of a success the oracle expected, for the relations.
func (x *executor) listingOf(o outcome) (listing, bool) {
	if !o.e.success || o.r.method == "" {
		return listing{}, false
	}
	a := read(o.ex)
	if !a.ok {
		return listing{}, false
	}
	ids := append([]string{}, a.ids...)
	sortCompact(&ids)
	l := listing{step: o.step, account: x.m.cred(o.r.cred).Account, store: o.e.store, region: regionOf(o.r, x.region), ids: ids, whole: !o.e.filtered}
	if o.e.filtered {
		l.named = x.m.resolve(o.r).ids
	}
	return l, true
}

// traceReq writes a request's sentences on one line to the trace.
func (x *executor) traceReq(r *req) {
	if x.trace == nil {
		return
	}
	var texts []string
	for _, s := range x.m.sentences(r) {
		texts = append(texts, s.Text+s.Doc)
	}
	fmt.Fprintln(x.trace, strings.Join(texts, " | "))
}

// waitPastBoundary sleeps until margin past the next second boundary of the local clock.
func waitPastBoundary(ctx context.Context, margin time.Duration) error {
	now := time.Now()
	t := time.NewTimer(now.Truncate(time.Second).Add(time.Second + margin).Sub(now))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
