package mutation

import (
	"context"
	"fmt"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ciam-harness/listjobs/driver"
	"github.com/ciam-harness/listjobs/emulator"
	"github.com/ciam-harness/listjobs/explore"
	"github.com/ciam-harness/listjobs/mutants"
	"github.com/ciam-harness/listjobs/vocab"
	"github.com/ciam-harness/listjobs/wire"
)

// The explorer as the only judge: each emulator (the reference, every mutant) is
// explored (package explore) with the same seed and budget instead of running the
// scenarios. A mutant is killed when a failure the explorer found and shrank is blamed
// on its row (a check of that row failed); an equivalent mutant and the reference must
// give no failure at all.

// ExploreOptions configure RunExplore.
type ExploreOptions struct {
	// Seed is the seed of every exploration (0: one picked at random, reported).
	Seed uint64
	// Budget and Duration bound each exploration (explore.Options).
	Budget   int64
	Duration time.Duration
}

// EngineExplore names the engine in the report.
const EngineExplore = "explore"

// RunExplore explores the reference emulator and every mutant of opts, Parallel at once,
// and gives each its verdict.
func RunExplore(ctx context.Context, opts Options, eo ExploreOptions) (Report, error) {
	if opts.Fixture == nil {
		return Report{}, fmt.Errorf("mutation: Options.Fixture is required")
	}
	if opts.Parallel < 1 {
		return Report{}, fmt.Errorf("mutation: Parallel %d: want at least 1", opts.Parallel)
	}
	if eo.Seed == 0 {
		eo.Seed = explore.RandomSeed()
	}
	report := Report{
		Driver:   driver.NameWire,
		Engine:   fmt.Sprintf("%s (seed %d, budget %d requests and %s per emulator)", EngineExplore, eo.Seed, eo.Budget, eo.Duration),
		Machine:  fmt.Sprintf("%s/%s, %d CPUs, %s", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version()),
		Parallel: opts.Parallel,
		Started:  time.Now().UTC().Truncate(time.Second),
	}
	all := append([]mutants.Mutant{{Name: reference}}, opts.Mutants...)
	results := make([]Result, len(all))
	start := time.Now()
	queue := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex
	done := 0
	for range min(opts.Parallel, len(all)) {
		wg.Go(func() {
			for i := range queue {
				results[i] = exploreOne(ctx, opts, eo, all[i])
				if opts.Progress != nil {
					mu.Lock()
					done++
					fmt.Fprintf(opts.Progress, "explore [%d/%d] %-30s %-26s rows %s (%.1fs)\n", done, len(all), all[i].Name, results[i].Verdict, strings.Join(results[i].FailedRows, " "), results[i].Seconds)
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
	report.Seconds = time.Since(start).Seconds()
	report.Reference, report.Mutants = results[0], results[1:]
	report.Totals = count(report.Mutants)
	report.KillRate = report.Totals.KillRate()
	report.CheckedKillRate = report.Totals.CheckedKillRate()
	report.OK = gate(driver.Wire, report.Reference.Verdict, report.Totals) && ctx.Err() == nil
	return report, ctx.Err()
}

// exploreOne explores the emulator of m and judges it.
func exploreOne(ctx context.Context, opts Options, eo ExploreOptions, m mutants.Mutant) (res Result) {
	res = Result{Name: m.Name, Row: m.Row, Class: m.Class, Break: m.Break, How: m.How, Equivalent: m.Equivalent}
	if m.Name == reference {
		res.Break, res.How = "none: the reference emulator", "config RateLimit 20"
	}
	start := time.Now()
	defer func() { res.Seconds = float64(int(time.Since(start).Seconds()*100)) / 100 }()
	var srv *emulator.Server
	var err error
	if m.Name == reference {
		srv, err = emulator.Start(emulator.Config{Fixture: opts.Fixture, RateLimit: emulator.DefaultRateLimit})
	} else {
		srv, err = m.Start(opts.Fixture)
	}
	if err != nil {
		res.Verdict, res.Error = Errored, "starting the emulator: "+err.Error()
		return res
	}
	defer srv.Close()
	timeout := opts.Timeout
	if timeout == 0 {
		timeout = 10 * time.Second
	}
	client := &http.Client{Timeout: timeout, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	defer client.CloseIdleConnections()
	clock := &wire.Clock{}
	d, err := driver.Wire.Open(ctx, driver.Env{Target: wire.Target{BaseURL: srv.URL, Region: vocab.DefaultRegion}, Client: client, Clock: clock, Timeout: timeout})
	if err != nil {
		res.Verdict, res.Error = Errored, err.Error()
		return res
	}
	defer d.Close()
	rep, err := explore.Run(ctx, explore.Options{BaseURL: srv.URL, Region: vocab.DefaultRegion, Fixture: opts.Fixture, Driver: d, Clock: clock,
		Seed: eo.Seed, Budget: eo.Budget, Duration: eo.Duration,
		// A mutant is judged once its row is found broken; the reference and the
		// equivalent mutants are explored with the whole budget.
		StopWhen: func(rows []string) bool { return m.Equivalent == "" && slices.Contains(rows, m.Row) }})
	if err != nil {
		res.Verdict, res.Error = Errored, err.Error()
		return res
	}
	res.Scenarios = rep.Programs
	for i, f := range rep.Failures {
		sc := Scenario{ID: fmt.Sprintf("explore failure %d (%d steps)", i+1, f.Steps), Rows: f.Rows, Error: firstLine(f.Error)}
		res.Failed = append(res.Failed, sc)
		if slices.Contains(f.Rows, m.Row) {
			res.Killers = append(res.Killers, sc)
		}
	}
	res.FailedRows = rep.FailedRows()
	switch {
	case m.Name == reference && len(res.Failed) == 0:
		res.Verdict = Passed
	case m.Name == reference:
		res.Verdict = Failed
	case res.Equivalent != "" && len(res.Failed) == 0:
		res.Verdict = Equivalent
	case res.Equivalent != "":
		res.Verdict = OverAsserted
	case len(res.Killers) > 0:
		res.Verdict = Killed
	case len(res.Failed) > 0:
		res.Verdict = KilledElsewhere
	default:
		res.Verdict = Survived
	}
	return res
}
