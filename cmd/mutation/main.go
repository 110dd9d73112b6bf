// Command mutation runs the conformance suite against the reference emulator and
// against every mutant of the catalogue (package mutants), prints a table (mutant,
// contract row, verdict, the scenarios that killed it) and writes the same as
// <out>/mutation.json and <out>/mutation.md. --driver sends the suite through any
// driver of the conformance command. It exits 0 when the reference passed, every
// non-equivalent mutant was killed by a scenario of its row (through an SDK driver: or
// not checked through it, every scenario of its row skipped) and every equivalent
// mutant passed; 1 otherwise; 2 on a bad flag or driver. See --help.
package main

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	listjobs "github.com/ciam-harness/listjobs"
	"github.com/ciam-harness/listjobs/driver"
	"github.com/ciam-harness/listjobs/fixture"
	"github.com/ciam-harness/listjobs/ledger"
	"github.com/ciam-harness/listjobs/mutants"
	"github.com/ciam-harness/listjobs/mutation"
)

// Defaults of --parallel and --clock-parallel, the wire driver's. The runs wait on the
// suite's pacing (18 requests per second per key) far more than on the CPU; the
// clock-bound phase keeps the CPU idle enough for its one-second bursts.
const (
	DefaultParallel      = 16
	DefaultClockParallel = 8
	// AdapterParallel and AdapterClockParallel are the defaults through an adapter
	// driver.
	AdapterParallel      = 8
	AdapterClockParallel = 4
	// ExploreParallel is the default of --engine explore: an exploration judges every
	// answer itself (a listing of 3000 jobs field for field), so it wants more CPU than
	// a suite's run.
	ExploreParallel = 6
)

// defaultParallel returns the defaults of --parallel and --clock-parallel for driver d.
// An adapter driver (node, exec:) starts an adapter process per suite and sends every
// request through it, so fewer suites run at once (BENCHMARKS.md, "Mutation through
// the drivers"); the Go SDK runs in process, as the wire driver.
func defaultParallel(d driver.Choice) (parallel, clock int) {
	if d.Kind == driver.KindAdapter {
		return AdapterParallel, AdapterClockParallel
	}
	return DefaultParallel, DefaultClockParallel
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop()
	}()
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr, mutation.Run)
	stop()
	os.Exit(code)
}

// run is the command without the process: it returns the exit code. mutate is
// mutation.Run (replaced in tests).
func run(ctx context.Context, args []string, stdout, stderr io.Writer, mutate func(context.Context, mutation.Options) (mutation.Report, error)) int {
	fset := flag.NewFlagSet("mutation", flag.ContinueOnError)
	fset.SetOutput(io.Discard)
	out := fset.String("out", "out", "folder of mutation.json and mutation.md")
	only := fset.String("only", "", "comma-separated mutant names to run (default: the whole catalogue)")
	var drv driver.Choice
	fset.Var(driver.Flag{Choice: &drv}, "driver", "how the suite's requests are sent, as conformance --driver: wire, sdk (the official Go SDK), an SDK adapter of drivers/ (node, python, java, tccli; `make drivers` installs them) or exec:'CMD ARGS' (any adapter of DRIVERS.md); through an SDK driver, a mutant that only scenarios the driver skips can catch is \"not checked through this driver\", counted and no failure")
	parallel := fset.Int("parallel", 0, fmt.Sprintf("suites run at once (each against an emulator of its own); 0: %d, %d through an adapter driver (node, exec:), %d explorations with --engine explore", DefaultParallel, AdapterParallel, ExploreParallel))
	clockParallel := fset.Int("clock-parallel", 0, fmt.Sprintf("suites run at once in the phase of the clock-bound (@rate-limit) scenarios; 0: %d, %d through an adapter driver", DefaultClockParallel, AdapterClockParallel))
	list := fset.Bool("list", false, "print the catalogue (name, row, class of break, how, what it breaks) and exit")
	quiet := fset.Bool("quiet", false, "no progress line per finished run")
	engine := fset.String("engine", "suite", "what judges each emulator: suite (the scenarios) or explore (the model-based explorer alone, `conformance explore`, with --seed and --budget)")
	seed := fset.Uint64("seed", 0, "--engine explore: the seed of every exploration (0: one picked at random, printed)")
	budget := fset.Int64("budget", 600, "--engine explore: requests of each exploration")
	duration := fset.Duration("duration", 40*time.Second, "--engine explore: time of each exploration")
	known := fset.String("known-failures", "", "known-failure ledger of the driver's client (as conformance --known-failures): its own failures, listed, do not fail the reference; not applied to the wire reruns")
	if err := fset.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			usage(stdout, fset)
			return 0
		}
		fmt.Fprintf(stderr, "mutation: %v (see --help)\n", err)
		return 2
	}
	if fset.NArg() > 0 {
		fmt.Fprintf(stderr, "mutation: unexpected argument %q (see --help)\n", fset.Arg(0))
		return 2
	}
	for name, n := range map[string]int{"parallel": *parallel, "clock-parallel": *clockParallel} {
		if n < 0 || n > 64 {
			fmt.Fprintf(stderr, "mutation: --%s %d: want 1 to 64\n", name, n)
			return 2
		}
	}
	var names []string
	for n := range strings.SplitSeq(*only, ",") {
		if n = strings.TrimSpace(n); n != "" {
			names = append(names, n)
		}
	}
	if *only != "" && len(names) == 0 {
		fmt.Fprintf(stderr, "mutation: --only %q names no mutant\n", *only)
		return 2
	}
	selected, err := mutation.Select(mutants.Catalogue(), names)
	if err != nil {
		fmt.Fprintf(stderr, "mutation: %v\n", err)
		return 2
	}
	if *list {
		for _, m := range selected {
			eq := ""
			if m.Equivalent != "" {
				eq = " [equivalent: " + m.Equivalent + "]"
			}
			fmt.Fprintf(stdout, "%-30s %-4s %-15s %-30s %s%s\n", m.Name, m.Row, m.Class, m.How, m.Break, eq)
		}
		return 0
	}
	if *out == "" {
		fmt.Fprintln(stderr, "mutation: --out is empty")
		return 2
	}
	if err := drv.Check(ctx); err != nil { // an adapter not installed: before any suite runs
		fmt.Fprintf(stderr, "mutation: %v\n", err)
		return 2
	}
	p, c := defaultParallel(drv)
	if *engine == mutation.EngineExplore {
		p = ExploreParallel
	}
	*parallel, *clockParallel = cmp.Or(*parallel, p), cmp.Or(*clockParallel, c)
	fx, err := fixture.Read(bytes.NewReader(listjobs.DefaultFixture))
	if err != nil {
		fmt.Fprintf(stderr, "mutation: embedded fixture: %v\n", err)
		return 2
	}
	if *known != "" {
		if _, err := ledger.Load(*known); err != nil {
			fmt.Fprintf(stderr, "mutation: --known-failures: %v\n", err)
			return 2
		}
	}
	opts := mutation.Options{Fixture: fx, Mutants: selected, Parallel: *parallel, ClockParallel: *clockParallel, OutDir: *out, Driver: drv, KnownFailures: *known}
	if !*quiet {
		opts.Progress = stderr
	}
	var report mutation.Report
	switch *engine {
	case "suite":
		report, err = mutate(ctx, opts)
	case mutation.EngineExplore:
		if !drv.IsWire() {
			fmt.Fprintln(stderr, "mutation: --engine explore explores through the wire driver only")
			return 2
		}
		report, err = mutation.RunExplore(ctx, opts, mutation.ExploreOptions{Seed: *seed, Budget: *budget, Duration: *duration})
	default:
		fmt.Fprintf(stderr, "mutation: --engine %q: want suite or explore\n", *engine)
		return 2
	}
	if err != nil && !errors.Is(err, context.Canceled) {
		fmt.Fprintf(stderr, "mutation: %v\n", err)
		return 2
	}
	return mutation.Emit("mutation", report, report.OK && ctx.Err() == nil, *out, stdout, stderr)
}

func usage(w io.Writer, fset *flag.FlagSet) {
	fmt.Fprintf(w, `Usage: mutation [flags]

Runs the ListJobs conformance suite against the reference emulator and against every
mutant of the catalogue (each an emulator with one contract row broken, or an
equivalent change the contract allows), with the default fixture. A mutant is killed
when a check of the row it breaks failed (exact attribution: the failure is blamed
on that row, whatever else the scenario is tagged with).

--driver sends the suite through the wire driver (the default), the official Go SDK
(sdk), the official Node.js SDK (node) or any adapter (exec:CMD). Through an SDK
driver the scenarios it cannot express are skipped; a mutant none of whose row's
scenarios ran is "not checked through this driver": reported and counted, and no
failure, since the gate for an SDK driver is that every mutant it can check is
killed. A mutant not killed although scenarios of its row ran is run again through
the wire driver: when every scenario that kills it there was skipped through this
driver, it is not checked through it too; else it survived, and fails the run.
Through the wire driver a mutant not checked fails the run.

Exit status: 0 the reference passed, every non-equivalent mutant was killed (or, through
an SDK driver, not checked through it) and every equivalent one passed; 1 otherwise
(a mutant survived, was killed by another row only, an equivalent one failed, the
reference failed); 2 bad flags, an unknown driver, or an adapter driver whose adapter
cannot be found (node not on PATH, drivers/node not installed).

Flags:
`)
	fset.SetOutput(w)
	fset.PrintDefaults()
}
