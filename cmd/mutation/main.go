// Command mutation runs the conformance suite against the reference emulator and
// against every mutant of the catalogue (package mutants), prints a table (mutant,
// contract row, verdict, the scenarios that killed it) and writes the same as
// <out>/mutation.json and <out>/mutation.md. It exits 0 when the reference passed,
// every non-equivalent mutant was killed by a scenario of its row and every equivalent
// mutant passed; 1 otherwise; 2 on a bad flag. See --help.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	listjobs "github.com/ciam-harness/listjobs"
	"github.com/ciam-harness/listjobs/fixture"
	"github.com/ciam-harness/listjobs/mutants"
	"github.com/ciam-harness/listjobs/mutation"
)

// Defaults of --parallel and --clock-parallel. The runs wait on the suite's pacing (18
// requests per second per key) far more than on the CPU; the clock-bound phase keeps
// the CPU idle enough for its one-second bursts.
const (
	DefaultParallel      = 16
	DefaultClockParallel = 8
)

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
	parallel := fset.Int("parallel", DefaultParallel, "suites run at once (each against an emulator of its own)")
	clockParallel := fset.Int("clock-parallel", DefaultClockParallel, "suites run at once in the phase of the clock-bound (@rate-limit) scenarios")
	list := fset.Bool("list", false, "print the catalogue (name, row, how, what it breaks) and exit")
	quiet := fset.Bool("quiet", false, "no progress line per finished run")
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
		if n < 1 || n > 64 {
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
			fmt.Fprintf(stdout, "%-30s %-4s %-30s %s%s\n", m.Name, m.Row, m.How, m.Break, eq)
		}
		return 0
	}
	if *out == "" {
		fmt.Fprintln(stderr, "mutation: --out is empty")
		return 2
	}
	fx, err := fixture.Read(bytes.NewReader(listjobs.DefaultFixture))
	if err != nil {
		fmt.Fprintf(stderr, "mutation: embedded fixture: %v\n", err)
		return 2
	}
	opts := mutation.Options{Fixture: fx, Mutants: selected, Parallel: *parallel, ClockParallel: *clockParallel, OutDir: *out}
	if !*quiet {
		opts.Progress = stderr
	}
	report, err := mutate(ctx, opts)
	if err != nil && !errors.Is(err, context.Canceled) {
		fmt.Fprintf(stderr, "mutation: %v\n", err)
		return 2
	}
	if err := report.WriteTable(stdout); err != nil {
		fmt.Fprintf(stderr, "mutation: %v\n", err)
		return 2
	}
	paths, err := report.WriteFiles(*out)
	if err != nil {
		fmt.Fprintf(stderr, "mutation: writing the report: %v\n", err)
		return 2
	}
	fmt.Fprintf(stdout, "report: %s\n", strings.Join(paths, ", "))
	if !report.OK || ctx.Err() != nil {
		return 1
	}
	return 0
}

func usage(w io.Writer, fset *flag.FlagSet) {
	fmt.Fprintf(w, `Usage: mutation [flags]

Runs the ListJobs conformance suite against the reference emulator and against every
mutant of the catalogue (each an emulator with one contract row broken, or an
equivalent change the contract allows), with the default fixture. A mutant is killed
when a check of the row it breaks failed (exact attribution: the failure is blamed
on that row, whatever else the scenario is tagged with).

Exit status: 0 the reference passed, every non-equivalent mutant was killed and every
equivalent one passed; 1 otherwise; 2 bad flags.

Flags:
`)
	fset.SetOutput(w)
	fset.PrintDefaults()
}
