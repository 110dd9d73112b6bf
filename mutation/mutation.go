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
//
// The suite runs through one driver (Options.Driver: wire, sdk, node or exec:CMD, as
// the conformance command's --driver). Through an SDK driver the scenarios it cannot
// express are skipped, so a mutant's row may have no scenario run at all, or only
// scenarios that cannot catch it (a mutant not killed although scenarios of its row
// ran is run again through the wire driver: when every scenario that kills it there
// was skipped, it is the case). Such a mutant is "not checked through this driver",
// reported and counted apart from the survivors. Through the wire driver, which runs
// every scenario, a mutant not checked fails the run; through an SDK driver the gate is
// that every mutant it can check is killed.
package mutation

import (
	"cmp"
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

	"github.com/ciam-harness/listjobs/driver"

	"github.com/ciam-harness/listjobs/emulator"
	"github.com/ciam-harness/listjobs/fixture"
	"github.com/ciam-harness/listjobs/mutants"
	"github.com/ciam-harness/listjobs/result"
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
	// NotChecked: no scenario that can catch the mutant ran through the driver: no
	// scenario of its row ran (each was skipped: it needs the wire driver, or what the
	// driver's SDK cannot do) and no check of its row failed; or every scenario that
	// kills it through the wire driver was skipped through this one (Result.WireKillers).
	// Scenarios of other rows may have failed.
	NotChecked Verdict = "not checked through this driver"
	Errored    Verdict = "error"  // the run could not start (exit 2)
	Passed     Verdict = "passed" // the reference: every scenario passed
	Failed     Verdict = "failed" // the reference: a scenario failed
)

// Good tells whether the verdict is what the catalogue wants. NotChecked is not: it
// is tolerated through an SDK driver only (see Report.OK).
func (v Verdict) Good() bool { return v == Killed || v == Equivalent }

// Scenario is the kill table's view of a failing result.Scenario: its case id, where it
// is, the rows its failure is blamed on (result.Scenario.Failures) and the first line of
// its error.
type Scenario struct {
	ID      string   `json:"id"`
	Feature string   `json:"feature"`
	Line    int64    `json:"line"`
	Name    string   `json:"name"`
	Rows    []string `json:"rows"`
	Error   string   `json:"error,omitempty"`
}

// String names the scenario in the kill tables, and keys it: its case id, which a new
// title does not change; "feature:line name" for a scenario without one.
func (s Scenario) String() string {
	if s.ID != "" {
		return s.ID
	}
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
	// Class is the mutant's class of break (mutants.Class; none for the reference):
	// the kill tables show it and count the verdicts by class.
	Class mutants.Class `json:"class,omitempty"`
	// Killers are the failing scenarios whose failure is blamed on Row (exact
	// attribution: a check of Row failed).
	Killers []Scenario `json:"killers"`
	// Failed are every failing scenario (Killers included), FailedRows their rows.
	Failed     []Scenario `json:"failed"`
	FailedRows []string   `json:"failedRows"`
	Scenarios  int        `json:"scenarios"`
	// Skipped counts the scenarios the driver skipped. SkipReason, for a mutant
	// NotChecked, is why the driver skipped a scenario that would have caught it: one
	// of Row's, or one of WireKillers.
	Skipped    int    `json:"skipped"`
	SkipReason string `json:"skipReason,omitempty"`
	// Inconclusive counts the scenarios skipped as inconclusive (a skip of the kind result.SkipInconclusive:
	// a timing the loaded machine could not hold), which say nothing of the mutant.
	Inconclusive int `json:"inconclusive,omitempty"`
	// WireKillers, through a driver other than wire, are the scenarios that kill the
	// mutant through the wire driver: the mutant was run again through it since this
	// driver ran a scenario of its row but did not kill it (Report.WireBaseline).
	WireKillers []Scenario `json:"wireKillers,omitempty"`
	ExitCode    int        `json:"exitCode"`
	Error       string     `json:"error,omitempty"`
	Seconds     float64    `json:"seconds"`
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
	NotChecked      int `json:"notChecked"`   // non-equivalent mutants no scenario that can catch them ran for
	Errors          int `json:"errors"`
}

// KillRate is Killed / NonEquivalent, in percent (100 when there is none).
func (t Totals) KillRate() float64 {
	return percent(t.Killed, t.NonEquivalent)
}

// CheckedKillRate is Killed / (NonEquivalent - NotChecked): the kill rate among the
// mutants the driver can check (a scenario it runs can catch them), in percent (100
// when there is none).
func (t Totals) CheckedKillRate() float64 {
	return percent(t.Killed, t.NonEquivalent-t.NotChecked)
}

func percent(n, of int) float64 {
	if of <= 0 {
		return 100
	}
	return 100 * float64(n) / float64(of)
}

// Report is a whole mutation run.
type Report struct {
	// Driver sent the requests (driver.Choice); SDK names the SDK under test and its
	// version when the driver is an SDK's (the runner's Result.SDK), else "".
	Driver string `json:"driver"`
	SDK    string `json:"sdk,omitempty"`
	// Engine is what judged the emulators: "" for the scenarios of the suite, else
	// the explorer and its seed and budget (RunExplore).
	Engine        string    `json:"engine,omitempty"`
	Machine       string    `json:"machine"`
	Parallel      int       `json:"parallel"`
	ClockParallel int       `json:"clockParallel"`
	Started       time.Time `json:"started"`
	Seconds       float64   `json:"seconds"`
	Reference     Result    `json:"reference"`
	Mutants       []Result  `json:"mutants"`
	Totals        Totals    `json:"totals"`
	KillRate      float64   `json:"killRatePercent"`
	// WireBaseline counts the mutants run again through the wire driver (Result.WireKillers).
	WireBaseline int `json:"wireBaseline,omitempty"`
	// CheckedKillRate is the kill rate among the mutants the driver can check
	// (Totals.CheckedKillRate); KillRate when it can check them all.
	CheckedKillRate float64 `json:"checkedKillRatePercent"`
	// OK: the reference passed, every equivalent mutant passed and every
	// non-equivalent one was killed; through an SDK driver (not the wire driver) a
	// mutant not checked through it is no failure (it is counted in Totals.NotChecked).
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
	// Driver sends the suite's requests, as runner.Config.Driver (the zero value is
	// the wire driver).
	Driver driver.Choice
	// KnownFailures is the known-failure ledger of the driver's client (runner.Config
	// KnownFailures): the failures of the client itself, which would fail the
	// reference too. It applies to the runs through Driver, not to the wire reruns.
	KnownFailures string

	// suite replaces runSuite (tests of the orchestration).
	suite suiteFunc
}

// suiteFunc runs the scenarios tags selects through driver against the emulator of m.
type suiteFunc func(ctx context.Context, m mutants.Mutant, d driver.Choice, tags string) outcome

// reference is the name of the run against the unbroken emulator.
const reference = "reference"

// phaseTags split the suite: the clock-bound scenarios run apart, after the others, at
// a parallelism that leaves the CPU idle enough for their one-second bursts.
func phaseTags() [2]string { return [2]string{"~" + runner.ClockBoundTag, runner.ClockBoundTag} }

// outcome is one phase of the suite against one emulator.
type outcome struct {
	scenarios []result.Scenario
	exit      int
	err       string
	seconds   float64
	sdk       string // runner.Result.SDK
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
	drv := opts.Driver
	primary, ok := opts.Fixture.Credential(runner.DefaultCredentialRole)
	if !ok {
		return Report{}, fmt.Errorf("mutation: the fixture has no %q credential", runner.DefaultCredentialRole)
	}
	suite := opts.suite
	if suite == nil {
		suite = func(ctx context.Context, m mutants.Mutant, d driver.Choice, tags string) outcome {
			return runSuite(ctx, opts, primary, m, d, tags)
		}
	}
	report := Report{
		Driver:        drv.String(),
		Machine:       fmt.Sprintf("%s/%s, %d CPUs, %s", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version()),
		Parallel:      opts.Parallel,
		ClockParallel: opts.ClockParallel,
		Started:       time.Now().UTC().Truncate(time.Second),
	}
	// The reference first: its verdict decides whether the others mean anything.
	all := append([]mutants.Mutant{{Name: reference}}, opts.Mutants...)
	start := time.Now()
	outcomes := runAll(ctx, opts, suite, drv, all)
	results := make([]Result, len(all))
	var again []int // mutants run again through the wire driver
	for i, m := range all {
		results[i] = judge(m, outcomes[i][:], nil)
		if v := results[i].Verdict; !drv.IsWire() && (v == Survived || v == KilledElsewhere) {
			again = append(again, i)
		}
	}
	// A mutant the driver checked its row for and did not catch: the wire driver tells
	// whether a scenario the driver ran can catch it at all.
	if len(again) > 0 && ctx.Err() == nil {
		list := make([]mutants.Mutant, len(again))
		for j, i := range again {
			list[j] = all[i]
		}
		for j, wire := range runAll(ctx, opts, suite, driver.Wire, list) {
			i := again[j]
			results[i] = judge(all[i], outcomes[i][:], wire[:])
		}
		report.WireBaseline = len(again)
	}
	report.Seconds = time.Since(start).Seconds()
	for i, res := range results {
		for _, o := range outcomes[i] {
			report.SDK = cmp.Or(report.SDK, o.sdk)
		}
		if i == 0 {
			report.Reference = res
		} else {
			report.Mutants = append(report.Mutants, res)
		}
	}
	report.Totals = count(report.Mutants)
	report.KillRate = report.Totals.KillRate()
	report.CheckedKillRate = report.Totals.CheckedKillRate()
	report.OK = gate(drv, report.Reference.Verdict, report.Totals) && ctx.Err() == nil
	return report, ctx.Err()
}

// toleratesNotChecked tells whether a mutant not checked through driver d is no
// failure: d is a driver other than wire ("" is wire).
func toleratesNotChecked(d driver.Choice) bool { return !d.IsWire() }

// gate tells whether a run passes: the reference passed, no equivalent mutant failed,
// nothing errored, and every non-equivalent mutant was killed, or, through a driver
// other than wire, not checked through it (every scenario of its row skipped). The
// wire driver runs every scenario: a mutant not checked through it is a catalogue
// mutant no scenario of its row can catch, a failure.
func gate(d driver.Choice, reference Verdict, t Totals) bool {
	tolerated := 0
	if toleratesNotChecked(d) {
		tolerated = t.NotChecked
	}
	return reference == Passed && t.OverAsserted == 0 && t.Errors == 0 && t.Killed+tolerated == t.NonEquivalent
}

// runAll runs both phases of the suite through driver against every emulator of list,
// and returns the outcomes, in list's order.
func runAll(ctx context.Context, opts Options, suite suiteFunc, d driver.Choice, list []mutants.Mutant) [][2]outcome {
	outcomes := make([][2]outcome, len(list))
	var mu sync.Mutex // Progress
	for phase, tags := range phaseTags() {
		parallel := opts.Parallel
		if phase == 1 {
			parallel = opts.ClockParallel
		}
		queue := make(chan int)
		var wg sync.WaitGroup
		done := 0
		for range min(parallel, len(list)) {
			wg.Go(func() {
				for i := range queue {
					o := suite(ctx, list[i], d, tags)
					outcomes[i][phase] = o
					if opts.Progress != nil {
						mu.Lock()
						done++
						fmt.Fprintf(opts.Progress, "%s phase %d/2 [%d/%d] %-30s %d scenarios, %d failed, %d skipped (%.1fs)\n",
							d, phase+1, done, len(list), list[i].Name, len(o.scenarios), failures(o.scenarios), skipped(o.scenarios), o.seconds)
						mu.Unlock()
					}
				}
			})
		}
		for i := range list {
			if ctx.Err() != nil {
				break
			}
			queue <- i
		}
		close(queue)
		wg.Wait()
	}
	return outcomes
}

func skipped(scenarios []result.Scenario) int {
	n := 0
	for _, s := range scenarios {
		if s.Status == result.Skipped {
			n++
		}
	}
	return n
}

func failures(scenarios []result.Scenario) int {
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
func runSuite(ctx context.Context, opts Options, primary fixture.Credential, m mutants.Mutant, d driver.Choice, tags string) (o outcome) {
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
	// The mutants are our own emulators: the P1 probes (other actions) are meant for
	// them, and every primary key of the fixture signs, each owner its own rate-limit
	// budget, as against the embedded emulator (one key, paced under its budget, would
	// make every run wait on the pace: 28 s instead of 2).
	cfg.Profile = runner.ProfileEmulator
	cfg.Fixture = opts.Fixture
	cfg.SecretID, cfg.SecretKey, cfg.Token = primary.SecretID, primary.SecretKey, primary.Token
	cfg.Tags = tags
	cfg.Format = "progress"
	cfg.OutDir, cfg.Reports = runDir(opts.OutDir, m.Name, d.IsWire() && !opts.Driver.IsWire(), tags), RunReports
	cfg.Driver = d
	if !d.IsWire() {
		cfg.KnownFailures = opts.KnownFailures
	}
	if opts.Timeout > 0 {
		cfg.Timeout = opts.Timeout
	}
	run := runner.Run(ctx, cfg, io.Discard, io.Discard)
	o = outcome{scenarios: run.Scenarios, exit: run.ExitCode, sdk: run.SDK}
	if run.Err != nil {
		o.err = run.Err.Error()
	}
	return o
}

// RunReports are the report files of every run of the suite a mutation run makes:
// what a reader needs to see why a mutant was killed or not (the whole set would cost
// each of the hundreds of runs a third of a second).
const RunReports = "ndjson,markdown"

// runDir is the folder of the reports of the run of the scenarios tags selects against
// the emulator named name: out/runs/NAME/, with the clock-bound phase in clock-bound/
// and a baseline rerun through the wire driver in wire/ below it, so that no run writes
// over another's.
func runDir(out, name string, baseline bool, tags string) string {
	dir := filepath.Join(out, "runs", name)
	if baseline {
		dir = filepath.Join(dir, "wire")
	}
	if tags == runner.ClockBoundTag {
		dir = filepath.Join(dir, "clock-bound")
	}
	return dir
}

// judge gives the verdict on m from the phases of the suite against it.
//
// wire, when not nil, are the phases of the wire driver against m, for a mutant the
// driver of phases checked its row for but did not kill: when every scenario that
// kills it through the wire driver was skipped through this one, no scenario the
// driver can run catches it, and it is NotChecked as well.
func judge(m mutants.Mutant, phases, wire []outcome) Result {
	res := Result{Name: m.Name, Row: m.Row, Class: m.Class, Break: m.Break, How: m.How, Equivalent: m.Equivalent}
	if m.Name == reference {
		res.Break, res.How = "none: the reference emulator", "config RateLimit 20"
	}
	exit := runner.ExitPassed
	rows := map[string]bool{}
	var errs []string
	// ran: a scenario of the row ran (not skipped), or a check of the row failed.
	ran := false
	byKey := map[string]result.Scenario{} // the scenarios of phases
	for _, o := range phases {
		res.Seconds += o.seconds
		exit = max(exit, o.exit)
		if o.err != "" {
			errs = append(errs, o.err)
		}
		res.Scenarios += len(o.scenarios)
		for _, s := range o.scenarios {
			byKey[scenarioOf(s).String()] = s
			tagged := slices.Contains(s.Rows, res.Row)
			switch {
			case driverSkipped(s):
				res.Skipped++
				if tagged && res.SkipReason == "" {
					res.SkipReason = s.Reason
				}
			case s.Status == result.Skipped: // inconclusive: it ran, and could not judge
				res.Inconclusive++
				ran = ran || tagged
			case tagged:
				ran = true
			}
			if !s.Status.Failing() {
				continue
			}
			sc := scenarioOf(s)
			res.Failed = append(res.Failed, sc)
			if slices.Contains(s.Failures(), res.Row) {
				res.Killers = append(res.Killers, sc)
				ran = true
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
	if ran {
		res.SkipReason = ""
	}
	for r := range rows {
		res.FailedRows = append(res.FailedRows, r)
	}
	vocab.SortRows(res.FailedRows)
	// uncatchable: the wire driver kills m, and by scenarios all skipped here.
	uncatchable := false
	if wire != nil {
		res.WireKillers = killersOf(res.Row, wire)
		uncatchable = len(res.WireKillers) > 0
		for _, k := range res.WireKillers {
			s, ok := byKey[k.String()]
			if ok && !driverSkipped(s) {
				uncatchable = false
				break
			}
			if ok && res.SkipReason == "" {
				res.SkipReason = s.Reason
			}
		}
		if !uncatchable {
			res.SkipReason = ""
		}
	}
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
	case !ran, uncatchable:
		res.Verdict = NotChecked
	case len(res.Failed) > 0 || exit != runner.ExitPassed:
		res.Verdict = KilledElsewhere
	default:
		res.Verdict = Survived
	}
	return res
}

// driverSkipped tells whether the driver skipped s: it cannot express a step of it (a
// step for the wire driver only, or what the driver's SDK cannot do). A scenario
// skipped as inconclusive (the machine too loaded for its timing) did run, and said
// nothing: it does not make a mutant "not checked".
func driverSkipped(s result.Scenario) bool {
	return s.Status == result.Skipped && s.Skip != result.SkipInconclusive
}

// scenarioOf is the kill table's view of s.
func scenarioOf(s result.Scenario) Scenario {
	return Scenario{ID: s.ID, Feature: s.Feature, Line: s.Line, Name: s.Name, Rows: s.Failures(), Error: firstLine(s.Error)}
}

// killersOf are the failing scenarios of phases whose failure is blamed on row.
func killersOf(row string, phases []outcome) []Scenario {
	var out []Scenario
	for _, o := range phases {
		for _, s := range o.scenarios {
			if s.Status.Failing() && slices.Contains(s.Failures(), row) {
				out = append(out, scenarioOf(s))
			}
		}
	}
	return out
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
		case NotChecked:
			t.NotChecked++
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
