// Package mutation measures the power of the conformance suite: it runs the whole
// suite against the reference emulator and against every mutant of package mutants
// (each a foreign endpoint on 127.0.0.1, with the default fixture and its primary key,
// as a user runs the suite against a server), and reports for each mutant whether a
// check of the row it breaks failed.
//
// A mutant is killed when the failure of at least one scenario is blamed on its row
// (exact attribution: a check of that row failed, whatever the scenario is tagged
// with). A mutant whose failures all belong to other rows is "killed by another row only" and
// does not count as killed. An equivalent mutant (one the contract allows) must pass:
// a failure there is an over-assertion of the suite.
package mutation

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ciam-harness/listjobs/emulator"
	"github.com/ciam-harness/listjobs/fixture"
	"github.com/ciam-harness/listjobs/mutants"
	"github.com/ciam-harness/listjobs/runner"
	"github.com/ciam-harness/listjobs/vocab"
)

// Verdict is what the suite did to one mutant.
type Verdict string

// Verdicts. Only Killed and Equivalent are good.
const (
	Killed          Verdict = "killed"                     // a failing scenario carries the mutant's row
	Survived        Verdict = "survived"                   // every scenario passed
	KilledElsewhere Verdict = "killed by another row only" // scenarios failed, none of the mutant's row
	Equivalent      Verdict = "equivalent"                 // an equivalent mutant, and every scenario passed
	OverAsserted    Verdict = "equivalent, but failed"     // an equivalent mutant that a scenario failed on
	Errored         Verdict = "error"                      // the run could not start (exit 2)
	Passed          Verdict = "passed"                     // the reference: every scenario passed
	Failed          Verdict = "failed"                     // the reference: a scenario failed
)

// Good tells whether the verdict is what the catalogue wants.
func (v Verdict) Good() bool { return v == Killed || v == Equivalent }

// Scenario is the kill table's view of a failing result.Scenario: where it is, the rows
// its failure is blamed on (result.Scenario.Failures) and the first line of its error.
type Scenario struct {
	Feature string   `json:"feature"`
	Line    int64    `json:"line"`
	Name    string   `json:"name"`
	Rows    []string `json:"rows"`
	Error   string   `json:"error,omitempty"`
}

func (s Scenario) String() string {
	return fmt.Sprintf("%s:%d %s", s.Feature, s.Line, s.Name)
}

// Result is the outcome of the suite against one emulator.
type Result struct {
	Name       string  `json:"name"`
	Row        string  `json:"row"`
	Break      string  `json:"break"`
	How        string  `json:"how"`
	Equivalent string  `json:"equivalent,omitempty"`
	Verdict    Verdict `json:"verdict"`
	// Killers are the failing scenarios whose failure is blamed on Row (exact
	// attribution: a check of Row failed).
	Killers []Scenario `json:"killers"`
	// Failed are every failing scenario (Killers included), FailedRows their rows.
	Failed     []Scenario `json:"failed"`
	FailedRows []string   `json:"failedRows"`
	Scenarios  int        `json:"scenarios"`
	ExitCode   int        `json:"exitCode"`
	Error      string     `json:"error,omitempty"`
	Seconds    float64    `json:"seconds"`
}

// Totals counts the verdicts.
type Totals struct {
	Mutants         int `json:"mutants"`       // in the run, equivalent ones included
	NonEquivalent   int `json:"nonEquivalent"` // that must be killed
	Killed          int `json:"killed"`
	Survived        int `json:"survived"`
	KilledElsewhere int `json:"killedByAnotherRowOnly"`
	Equivalent      int `json:"equivalent"`   // equivalent mutants that passed
	OverAsserted    int `json:"overAsserted"` // equivalent mutants that failed
	Errors          int `json:"errors"`
}

// KillRate is Killed / NonEquivalent, in percent (100 when there is none).
func (t Totals) KillRate() float64 {
	if t.NonEquivalent == 0 {
		return 100
	}
	return 100 * float64(t.Killed) / float64(t.NonEquivalent)
}

// Report is a whole mutation run.
type Report struct {
	Machine       string    `json:"machine"`
	Parallel      int       `json:"parallel"`
	ClockParallel int       `json:"clockParallel"`
	Started       time.Time `json:"started"`
	Seconds       float64   `json:"seconds"`
	Reference     Result    `json:"reference"`
	Mutants       []Result  `json:"mutants"`
	Totals        Totals    `json:"totals"`
	KillRate      float64   `json:"killRatePercent"`
	// OK: the reference passed, every non-equivalent mutant was killed and every
	// equivalent one passed.
	OK bool `json:"ok"`
}

// Options configure Run.
type Options struct {
	// Fixture is the data of every emulator and of the suite.
	Fixture *fixture.Fixture
	// Mutants are the mutants to run (mutants.Catalogue() for all).
	Mutants []mutants.Mutant
	// Parallel is how many suites run at once, in the first phase (every scenario but
	// the clock-bound ones). Each has an emulator of its own, so no two share a
	// rate-limit budget.
	Parallel int
	// ClockParallel is how many suites run at once in the second phase, the
	// clock-bound scenarios (runner.ClockBoundTag: the rate-limit bursts must be sent
	// and answered within one second, which a saturated CPU would not allow). 0: Parallel.
	ClockParallel int
	// OutDir is where a run's report files would go (the runs write none by default).
	OutDir string
	// Progress, when set, gets one line per finished run.
	Progress io.Writer
	// Timeout bounds every HTTP request of the suite (0: the runner's default).
	Timeout time.Duration

	// suite replaces runSuite (tests of the orchestration).
	suite func(ctx context.Context, m mutants.Mutant, tags string) outcome
}

// reference is the name of the run against the unbroken emulator.
const reference = "reference"

// phaseTags split the suite: the clock-bound scenarios run apart, after the others, at
// a parallelism that leaves the CPU idle enough for their one-second bursts.
func phaseTags() [2]string { return [2]string{"~" + runner.ClockBoundTag, runner.ClockBoundTag} }

// outcome is one phase of the suite against one emulator.
type outcome struct {
	scenarios []runner.ScenarioResult
	exit      int
	err       string
	seconds   float64
}

// Run runs the suite against the reference emulator and every mutant of opts: first
// every scenario but the clock-bound ones, for every emulator, then the clock-bound
// ones. A mutant's verdict comes from both.
func Run(ctx context.Context, opts Options) (Report, error) {
	if opts.Fixture == nil {
		return Report{}, errors.New("mutation: Options.Fixture is required")
	}
	if opts.ClockParallel == 0 {
		opts.ClockParallel = opts.Parallel
	}
	if opts.Parallel < 1 || opts.ClockParallel < 1 {
		return Report{}, fmt.Errorf("mutation: Parallel %d, ClockParallel %d: want at least 1", opts.Parallel, opts.ClockParallel)
	}
	primary, ok := opts.Fixture.Credential(runner.DefaultCredentialRole)
	if !ok {
		return Report{}, fmt.Errorf("mutation: the fixture has no %q credential", runner.DefaultCredentialRole)
	}
	suite := opts.suite
	if suite == nil {
		suite = func(ctx context.Context, m mutants.Mutant, tags string) outcome {
			return runSuite(ctx, opts, primary, m, tags)
		}
	}
	report := Report{
		Machine:       fmt.Sprintf("%s/%s, %d CPUs, %s", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version()),
		Parallel:      opts.Parallel,
		ClockParallel: opts.ClockParallel,
		Started:       time.Now().UTC().Truncate(time.Second),
	}
	// The reference first: its verdict decides whether the others mean anything.
	all := append([]mutants.Mutant{{Name: reference}}, opts.Mutants...)
	outcomes := make([][2]outcome, len(all))
	start := time.Now()
	var mu sync.Mutex // Progress
	for phase, tags := range phaseTags() {
		parallel := opts.Parallel
		if phase == 1 {
			parallel = opts.ClockParallel
		}
		queue := make(chan int)
		var wg sync.WaitGroup
		done := 0
		for range min(parallel, len(all)) {
			wg.Go(func() {
				for i := range queue {
					o := suite(ctx, all[i], tags)
					outcomes[i][phase] = o
					if opts.Progress != nil {
						mu.Lock()
						done++
						fmt.Fprintf(opts.Progress, "phase %d/2 [%d/%d] %-30s %d scenarios, %d failed (%.1fs)\n",
							phase+1, done, len(all), all[i].Name, len(o.scenarios), failures(o.scenarios), o.seconds)
						mu.Unlock()
					}
				}
			})
		}
		for i := range all {
			if ctx.Err() != nil {
				break
			}
			queue <- i
		}
		close(queue)
		wg.Wait()
	}
	report.Seconds = time.Since(start).Seconds()
	for i, m := range all {
		res := judge(m, outcomes[i][:])
		if i == 0 {
			report.Reference = res
		} else {
			report.Mutants = append(report.Mutants, res)
		}
	}
	report.Totals = count(report.Mutants)
	report.KillRate = report.Totals.KillRate()
	report.OK = report.Reference.Verdict == Passed && report.Totals.Killed == report.Totals.NonEquivalent &&
		report.Totals.OverAsserted == 0 && report.Totals.Errors == 0 && ctx.Err() == nil
	return report, ctx.Err()
}

func failures(scenarios []runner.ScenarioResult) int {
	n := 0
	for _, s := range scenarios {
		if s.Status.Failing() {
			n++
		}
	}
	return n
}

// runSuite starts the emulator of m (the reference for the mutant named reference)
// and runs the scenarios tags selects against it, as a foreign endpoint with the
// fixture's primary key.
func runSuite(ctx context.Context, opts Options, primary fixture.Credential, m mutants.Mutant, tags string) (o outcome) {
	start := time.Now()
	defer func() { o.seconds = time.Since(start).Seconds() }()
	if ctx.Err() != nil {
		return outcome{exit: runner.ExitUsage, err: "interrupted"}
	}
	var srv *emulator.Server
	var err error
	if m.Name == reference {
		srv, err = emulator.Start(emulator.Config{Fixture: opts.Fixture, RateLimit: emulator.DefaultRateLimit})
	} else {
		srv, err = m.Start(opts.Fixture)
	}
	if err != nil {
		return outcome{exit: runner.ExitUsage, err: "starting the emulator: " + err.Error()}
	}
	defer srv.Close()

	cfg := runner.DefaultConfig()
	cfg.Endpoint = srv.URL
	// The mutants are our own emulators: the P1 probes (other actions) are meant for them.
	cfg.AllowInvalidActions = true
	cfg.Fixture = opts.Fixture
	cfg.SecretID, cfg.SecretKey, cfg.Token = primary.SecretID, primary.SecretKey, primary.Token
	cfg.Tags = tags
	cfg.Format = "progress"
	cfg.OutDir = filepath.Join(opts.OutDir, "runs", m.Name)
	if opts.Timeout > 0 {
		cfg.Timeout = opts.Timeout
	}
	run := runner.Run(ctx, cfg, io.Discard, io.Discard)
	o = outcome{scenarios: run.Scenarios, exit: run.ExitCode}
	if run.Err != nil {
		o.err = run.Err.Error()
	}
	return o
}

// judge gives the verdict on m from the phases of the suite against it.
func judge(m mutants.Mutant, phases []outcome) Result {
	res := Result{Name: m.Name, Row: m.Row, Break: m.Break, How: m.How, Equivalent: m.Equivalent}
	if m.Name == reference {
		res.Break, res.How = "none: the reference emulator", "config RateLimit 20"
	}
	exit := runner.ExitPassed
	rows := map[string]bool{}
	var errs []string
	for _, o := range phases {
		res.Seconds += o.seconds
		exit = max(exit, o.exit)
		if o.err != "" {
			errs = append(errs, o.err)
		}
		res.Scenarios += len(o.scenarios)
		for _, s := range o.scenarios {
			if !s.Status.Failing() {
				continue
			}
			sc := Scenario{Feature: s.Feature, Line: s.Line, Name: s.Name, Rows: s.Failures(), Error: firstLine(s.Error)}
			res.Failed = append(res.Failed, sc)
			if slices.Contains(s.Failures(), res.Row) {
				res.Killers = append(res.Killers, sc)
			}
			for _, r := range s.Failures() {
				rows[r] = true
			}
		}
	}
	res.Seconds = float64(int(res.Seconds*100)) / 100
	if res.Scenarios == 0 && exit == runner.ExitPassed {
		exit, errs = runner.ExitUsage, append(errs, "no scenario ran")
	}
	res.ExitCode, res.Error = exit, strings.Join(errs, "; ")
	for r := range rows {
		res.FailedRows = append(res.FailedRows, r)
	}
	vocab.SortRows(res.FailedRows)
	switch {
	case exit == runner.ExitUsage:
		res.Verdict = Errored
	case m.Name == reference && len(res.Failed) == 0 && exit == runner.ExitPassed:
		res.Verdict = Passed
	case m.Name == reference:
		res.Verdict = Failed
	case res.Equivalent != "" && len(res.Failed) == 0 && exit == runner.ExitPassed:
		res.Verdict = Equivalent
	case res.Equivalent != "":
		res.Verdict = OverAsserted
	case len(res.Killers) > 0:
		res.Verdict = Killed
	case len(res.Failed) > 0 || exit != runner.ExitPassed:
		res.Verdict = KilledElsewhere
	default:
		res.Verdict = Survived
	}
	return res
}

func count(results []Result) Totals {
	t := Totals{Mutants: len(results)}
	for _, r := range results {
		if r.Equivalent == "" {
			t.NonEquivalent++
		}
		switch r.Verdict {
		case Killed:
			t.Killed++
		case Survived:
			t.Survived++
		case KilledElsewhere:
			t.KilledElsewhere++
		case Equivalent:
			t.Equivalent++
		case OverAsserted:
			t.OverAsserted++
		case Errored:
			t.Errors++
		}
	}
	return t
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

// Select returns the mutants of the catalogue named in names (all when names is
// empty), or an error naming the unknown ones.
func Select(catalogue []mutants.Mutant, names []string) ([]mutants.Mutant, error) {
	if len(names) == 0 {
		return catalogue, nil
	}
	byName := map[string]mutants.Mutant{}
	for _, m := range catalogue {
		byName[m.Name] = m
	}
	var out []mutants.Mutant
	var unknown []string
	seen := map[string]bool{}
	for _, n := range names {
		m, ok := byName[n]
		switch {
		case !ok:
			unknown = append(unknown, n)
		case !seen[n]:
			seen[n] = true
			out = append(out, m)
		}
	}
	if len(unknown) > 0 {
		return nil, fmt.Errorf("unknown mutant %s (see --list)", strings.Join(unknown, ", "))
	}
	return out, nil
}
