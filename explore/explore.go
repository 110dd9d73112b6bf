// Package explore is a model-based explorer of ListJobs: a property-based, stateful
// exploration of request sequences against one endpoint. It draws programs, sequences
// of requests of every shape CONTRACT.md lets a caller vary (methods, encodings of the
// body and the query, every credential role and user store of the fixture, real ids
// mixed with unknown ones and near misses, regions, the headers the SDKs send, the
// deliberate breaks of the signature the contract answers with an error), one at a time
// or several in flight, with waits across second boundaries and probes of the rate
// limit; an oracle computed from the fixture and the contract's rows says what each
// answer must be (expectation), and the rules of every exchange (check.Universal)
// judge every answer too. A failure is shrunk (pgregory.net/rapid) to a minimal program and printed as a scenario of the
// suite's own sentences, with its seed.
//
// A run is seeded (the same seed draws the same programs) and budgeted in requests and
// time. Once a failure is found and shrunk, its rows are set aside and the exploration
// goes on, so that one broken row does not hide another: a run reports at most one
// failure per row.
package explore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"pgregory.net/rapid"

	"github.com/ciam-harness/listjobs/driver"
	"github.com/ciam-harness/listjobs/fixture"
	"github.com/ciam-harness/listjobs/signing"
	"github.com/ciam-harness/listjobs/steps"
	"github.com/ciam-harness/listjobs/vocab"
	"github.com/ciam-harness/listjobs/wire"
)

// Options configure Run.
type Options struct {
	// BaseURL is the endpoint (scheme://host[:port]); Region its X-TC-Region.
	BaseURL, Region string
	// Fixture is the endpoint's data: every expectation is computed from it.
	Fixture *fixture.Fixture
	// Driver sends the requests (the wire driver, or an SDK's: then only what its
	// client lets a caller do is drawn); Clock is the endpoint's clock it uses.
	Driver driver.Driver
	Clock  *wire.Clock
	// Seed seeds the draws (0: Run picks one, reported).
	Seed uint64
	// Budget bounds the requests sent, Duration the time (0: no bound of that kind;
	// one of them must be set). Shrinking a failure spends them too.
	Budget   int64
	Duration time.Duration
	// MaxFailures stops the run after that many failures (0: none, explore on).
	MaxFailures int
	// ListJobsOnly: a foreign endpoint: no request of another action is drawn.
	ListJobsOnly bool
	// NoProbes leaves out the probes of the rate limit and of the size limits.
	NoProbes bool
	// Progress, when set, gets a line per failure found.
	Progress io.Writer
	// Trace, when set, gets each request drawn and sent, as its sentences on one line,
	// in the order drawn: the same seed and budget give the same trace.
	Trace io.Writer
	// StopWhen, when set, ends the run after a failure whose rows it accepts (the
	// mutation engine: a mutant is judged once its row is found broken).
	StopWhen func(rows []string) bool
}

// Failure is one failure found, shrunk.
type Failure struct {
	// Rows are the contract rows its failing checks judge.
	Rows []string `json:"rows"`
	// Error says what failed, check by check.
	Error string `json:"error"`
	// Feature is the shrunk program as a feature file of the suite's sentences.
	Feature string `json:"feature"`
	// Steps counts the requests and probes of the shrunk program.
	Steps int `json:"steps"`
	// Reproduced: the failure came back when its program was run again (else it may
	// be a matter of timing).
	Reproduced bool `json:"reproduced"`
}

// Report is a whole exploration.
type Report struct {
	Seed     uint64    `json:"seed"`
	Budget   int64     `json:"budget"`
	Duration string    `json:"duration"`
	Requests int64     `json:"requests"`
	Programs int       `json:"programs"`
	Seconds  float64   `json:"seconds"`
	Failures []Failure `json:"failures"`
	// Stopped says why the run ended.
	Stopped string `json:"stopped"`
}

// FailedRows are the rows of every failure, in contract order.
func (r Report) FailedRows() []string {
	var rows []string
	for _, f := range r.Failures {
		rows = append(rows, f.Rows...)
	}
	vocab.SortRows(rows)
	return slices.Compact(rows)
}

// budget bounds the requests and the time of a run. While exploring, 80% of it may be
// spent; the rest is kept for shrinking what was found.
type budget struct {
	mu        sync.Mutex
	left      int64 // requests left; <0: no bound
	reserve   int64 // requests kept for shrinking
	deadline  time.Time
	shrinkEnd time.Time // the deadline while shrinking
	shrinking bool
	used      int64 // requests sent
	ctx       context.Context
}

func newBudget(ctx context.Context, n int64, d time.Duration) *budget {
	b := &budget{left: -1, ctx: ctx}
	if n > 0 {
		b.left, b.reserve = n, n/5
	}
	if d > 0 {
		b.shrinkEnd = time.Now().Add(d)
		b.deadline = time.Now().Add(d * 4 / 5)
	}
	return b
}

// take spends n requests, or says that the budget is spent.
func (b *budget) take(n int64) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	end, floor := b.deadline, b.reserve
	if b.shrinking {
		end, floor = b.shrinkEnd, 0
	}
	if b.ctx.Err() != nil || !end.IsZero() && time.Now().After(end) || b.left >= 0 && b.left-n < floor {
		return false
	}
	if b.left >= 0 {
		b.left -= n
	}
	b.used += n
	return true
}

func (b *budget) setShrinking(on bool) {
	b.mu.Lock()
	b.shrinking = on
	b.mu.Unlock()
}

// exhausted tells whether nothing more may be spent in the current phase.
func (b *budget) exhausted() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	end, floor := b.deadline, b.reserve
	if b.shrinking {
		end, floor = b.shrinkEnd, 0
	}
	return b.ctx.Err() != nil || !end.IsZero() && time.Now().After(end) || b.left >= 0 && b.left <= floor
}

// stopMessage ends a rapid check when the budget is spent: not a failure.
const stopMessage = "explore: the budget is spent"

// quietStart is how long an exploration waits before its first request and after its
// last: a window of the rate limit (R1), so that none of its owners' budgets holds
// requests of a run before it, nor holds its own requests for a run after it.
const quietStart = 1100 * time.Millisecond

// Run explores the endpoint of opts and reports what it found.
func Run(ctx context.Context, opts Options) (Report, error) {
	if opts.Fixture == nil {
		return Report{}, errors.New("explore: a fixture is required: the oracle is computed from it")
	}
	if opts.Driver == nil {
		return Report{}, errors.New("explore: no driver")
	}
	if opts.Budget <= 0 && opts.Duration <= 0 {
		return Report{}, errors.New("explore: give a budget of requests or a duration")
	}
	m := newModel(opts.Fixture)
	if len(m.roles) == 0 || len(m.stores) == 0 {
		return Report{}, errors.New("explore: the fixture needs a credential of a role and a user store of a role")
	}
	if opts.Region == "" {
		opts.Region = vocab.DefaultRegion
	}
	m.near = nearCases(m, opts.Region, opts.BaseURL)
	if opts.Seed == 0 {
		opts.Seed = RandomSeed()
	}
	if opts.Region == "" {
		opts.Region = vocab.DefaultRegion
	}
	if opts.Clock == nil {
		opts.Clock = &wire.Clock{}
	}
	first := m.cred(m.roles[0])
	suite, err := steps.NewSuite(steps.Target{BaseURL: opts.BaseURL, Region: opts.Region,
		Credential:  signing.Credential{SecretID: first.SecretID, SecretKey: first.SecretKey, Token: first.Token},
		UserStoreID: m.stores[0].ID, Fixture: opts.Fixture, Driver: opts.Driver, Clock: opts.Clock})
	if err != nil {
		return Report{}, fmt.Errorf("explore: %v", err)
	}
	// The endpoint may still count the last second of a run before this one (the
	// suite, another exploration) against the same keys: the pacers start empty, so
	// the first request waits until that second is over. An exploration sends at its
	// full pace until its last request, so it waits as long at its end too: the next
	// run against the endpoint (the suite, whose pacers start empty as well) finds
	// every budget as this one found it.
	select {
	case <-time.After(quietStart):
	case <-ctx.Done():
		return Report{}, ctx.Err()
	}
	defer func() {
		select {
		case <-time.After(quietStart):
		case <-ctx.Done():
		}
	}()
	start := time.Now()
	b := newBudget(ctx, opts.Budget, opts.Duration)
	x := &executor{trace: opts.Trace, m: m, suite: suite, driver: opts.Driver, region: opts.Region, pacers: map[string]*steps.Pacer{}, turn: map[string]int{}, sentAt: map[string][]time.Time{}, lastProbe: map[string]time.Time{}, budget: b, clock: opts.Clock}
	hasProbes := len(m.limitRoles) > 0 && !opts.NoProbes
	d := &draws{m: m, region: opts.Region, caps: opts.Driver.Capabilities(), listJobsOnly: opts.ListJobsOnly, bursts: hasProbes && opts.Driver.Capabilities().Wire, pads: !opts.NoProbes}
	report := Report{Seed: opts.Seed, Budget: opts.Budget, Duration: opts.Duration.String()}

	release := useSeed(opts.Seed)
	defer release()
	masked := map[string]bool{}
	cat := steps.Steps()
	for round := 1; ; round++ {
		st := &state{passed: map[string]bool{}}
		prop := func(t *rapid.T) {
			if b.exhausted() {
				t.Fatalf(stopMessage)
			}
			p := d.program(t)
			if st.probe != nil {
				// Shrinking a probe's failure: a program fails when it holds that
				// probe, without a request sent; the probe alone is run again once
				// rapid is done (rerunProbe).
				if slices.ContainsFunc(p, func(a action) bool { return sameProbe(a, *st.probe) }) {
					st.fails++
					t.Fatalf("explore: a check of %s failed", label(st.target))
				}
				return
			}
			key := programKey(p)
			if st.passedKey(key) {
				return
			}
			found, err := x.execute(ctx, p)
			switch {
			case errors.Is(err, errBudget) || ctx.Err() != nil:
				t.Fatalf(stopMessage)
			case err != nil:
				st.harness = err
				t.Fatalf("explore: %v", err)
			}
			var live []finding
			for _, f := range found {
				if !allMasked(f.err.Rows, masked) {
					live = append(live, f)
				}
			}
			if len(live) == 0 {
				st.pass(key)
				return
			}
			rows := rowsOf(live)
			if st.target == nil {
				st.target = rows
				b.setShrinking(true)
				// A failure no probe found shrinks without the waits and the probes
				// (they take seconds each time; the printed scenario leaves them out).
				x.noProbes = !slices.ContainsFunc(live, func(f finding) bool { return f.probe })
				if i := slices.IndexFunc(live, func(f finding) bool { return f.probe }); i >= 0 {
					a := probeAt(p, live[i].step)
					st.probe = &a
				}
			}
			if !intersects(rows, st.target) {
				return
			}
			st.fails++
			st.last = &caught{p: p, found: live, rows: rows}
			if x.noProbes {
				st.last.p = withoutProbes(p, live)
			}
			t.Fatalf("explore: a check of %s failed", label(st.target))
		}
		tb := &quietTB{name: "explore"}
		rapid.Check(tb, prop)
		if st.probe != nil && st.harness == nil {
			st.last, st.fails = x.rerunProbe(ctx, *st.probe, st.last, masked), 1
		}
		b.setShrinking(false)
		x.noProbes = false
		report.Programs += st.programs
		if st.harness != nil {
			return report, st.harness
		}
		if st.last == nil {
			break
		}
		f := Failure{Rows: st.last.rows, Reproduced: st.fails > 1 || st.last.again, Steps: stepsOf(st.last.p)}
		var errs []string
		for _, fd := range st.last.found {
			errs = append(errs, fmt.Sprintf("step %d: %v", fd.step+1, fd.err))
		}
		f.Error = strings.Join(errs, "\n")
		title := fmt.Sprintf("%s broken: found by the explorer with seed %d, failure %d", strings.Join(f.Rows, ", "), opts.Seed, round)
		id := fmt.Sprintf("%s-explore-%d-%d", strings.ToLower(f.Rows[0]), opts.Seed, round)
		id = strings.ToUpper(id[:1]) + id[1:]
		f.Feature = m.feature(title, id, opts.Seed, f.Rows, m.scenarioSteps(st.last.p, st.last.found, opts.Region), cat)
		report.Failures = append(report.Failures, f)
		if opts.Progress != nil {
			fmt.Fprintf(opts.Progress, "explore: failure %d: %s (%d steps after shrinking)\n", len(report.Failures), label(f.Rows), f.Steps)
		}
		// The rows of the failure as shrunk are set aside; the other rows of the first
		// failing program, if still broken, come up again in a later round.
		for _, r := range st.last.rows {
			masked[r] = true
		}
		if opts.StopWhen != nil && opts.StopWhen(f.Rows) {
			report.Stopped = "a failure of the rows looked for"
			break
		}
		if opts.MaxFailures > 0 && len(report.Failures) >= opts.MaxFailures {
			report.Stopped = fmt.Sprintf("%d failures found (--max-failures)", opts.MaxFailures)
			break
		}
		if b.exhausted() {
			break
		}
	}
	if report.Stopped == "" {
		report.Stopped = "the budget is spent"
		if ctx.Err() != nil {
			report.Stopped = "interrupted"
		}
	}
	report.Requests = b.sent()
	report.Seconds = time.Since(start).Seconds()
	return report, nil
}

// state is one round of exploration: one rapid check, until a failure or the budget.
type state struct {
	mu       sync.Mutex
	passed   map[string]bool
	programs int
	target   []string // the rows of the first failure: shrinking keeps to them
	probe    *action  // the probe whose failure is being shrunk, if a probe failed
	last     *caught  // the latest failing program (the smallest, once shrunk)
	fails    int
	harness  error
}

func (s *state) passedKey(k string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.passed[k]
}

func (s *state) pass(k string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.passed[k] = true
	s.programs++
}

// caught is a failing program and what it found.
type caught struct {
	p     program
	found []finding
	rows  []string
	again bool // a probe's failure, found again when run alone
}

// programKey identifies a program by its values: the same seed draws it again in a
// later round, and it is not sent again.
func programKey(p program) string {
	var b strings.Builder
	for _, a := range p {
		fmt.Fprintf(&b, "%d%v%v;", a.kind, a.roles, a.n)
		for _, r := range a.reqs {
			fmt.Fprintf(&b, "%+v|", *r)
		}
	}
	return b.String()
}

// sameProbe tells whether two actions are the same probe of the rate limit.
func sameProbe(a, b action) bool {
	return a.kind == b.kind && slices.Equal(a.roles, b.roles) && slices.Equal(a.n, b.n)
}

// probeAt is the probe that is step of p.
func probeAt(p program, step int) action {
	n := 0
	for _, a := range p {
		switch a.kind {
		case actOne, actGroup:
			n += len(a.reqs)
		case actBoundary:
		default:
			if n == step {
				return a
			}
			n++
		}
	}
	return action{}
}

// rerunProbe runs a failing probe alone: the shrunk program, with what it finds now;
// the first failure, found in a longer program, when it does not fail again (it is
// then reported as not reproduced).
func (x *executor) rerunProbe(ctx context.Context, a action, first *caught, masked map[string]bool) *caught {
	p := program{a}
	found, err := x.execute(ctx, p)
	var live []finding
	for _, f := range found {
		if !allMasked(f.err.Rows, masked) {
			live = append(live, f)
		}
	}
	if err == nil && len(live) > 0 {
		return &caught{p: p, found: live, rows: rowsOf(live), again: true}
	}
	var probed []finding
	for _, f := range first.found {
		if f.probe {
			f.step = 0
			probed = append(probed, f)
		}
	}
	return &caught{p: p, found: probed, rows: rowsOf(probed)}
}

// withoutProbes is p without its waits and probes, its findings' steps renumbered
// (found is changed in place).
func withoutProbes(p program, found []finding) program {
	var out program
	renumber := map[int]int{}
	old, now := 0, 0
	for _, a := range p {
		switch a.kind {
		case actOne, actGroup:
			for range a.reqs {
				renumber[old] = now
				old++
				now++
			}
			out = append(out, a)
		case actBoundary:
		default:
			old++
		}
	}
	for i := range found {
		found[i].step = renumber[found[i].step]
		if r := found[i].rel; r != nil {
			r.to = renumber[r.to]
			for k := range r.of {
				r.of[k] = renumber[r.of[k]]
			}
		}
	}
	return out
}

func stepsOf(p program) int {
	n := 0
	for _, a := range p {
		if a.kind == actOne || a.kind == actGroup {
			n += len(a.reqs)
		} else if a.kind != actBoundary {
			n++
		}
	}
	return n
}

func rowsOf(fs []finding) []string {
	var rows []string
	for _, f := range fs {
		rows = append(rows, f.err.Rows...)
	}
	vocab.SortRows(rows)
	return slices.Compact(rows)
}

func allMasked(rows []string, masked map[string]bool) bool {
	for _, r := range rows {
		if !masked[r] {
			return false
		}
	}
	return len(rows) > 0
}

func intersects(a, b []string) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}

func sortCompact(s *[]string) {
	slices.Sort(*s)
	*s = slices.Compact(*s)
}

// sent is how many requests were sent.
func (b *budget) sent() int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.used
}
