package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing/fstest"
	"time"

	"github.com/ciam-harness/listjobs/explore"
	"github.com/ciam-harness/listjobs/runner"
)

// explore flags: the explorer's own; every other flag is the conformance command's
// (the endpoint, the fixture, the keys, the driver...), read by runner.ParseFlags.
type exploreFlags struct {
	seed        uint64
	budget      int64
	duration    time.Duration
	maxFailures int
	noProbes    bool
	replay      string
}

// exploreName is the subcommand that explores: conformance explore.
const exploreName = "explore"

// Defaults of the explorer's budget: about a minute against the embedded emulator.
const (
	DefaultExploreBudget   = 2000
	DefaultExploreDuration = 2 * time.Minute
)

func newExploreFlagSet(f *exploreFlags) *flag.FlagSet {
	fs := flag.NewFlagSet("conformance "+exploreName, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Uint64Var(&f.seed, "seed", 0, "seed of the exploration: the same seed draws the same requests (0: one picked at random, printed)")
	fs.Int64Var(&f.budget, "budget", DefaultExploreBudget, "requests the exploration may send, shrinking included (0: no bound but --duration)")
	fs.DurationVar(&f.duration, "duration", DefaultExploreDuration, "time the exploration may take, shrinking included (0: no bound but --budget), e.g. 1h")
	fs.IntVar(&f.maxFailures, "max-failures", 0, "stop after this many failures (0: explore on until the budget is spent; a row found broken is set aside, so each failure is of other rows)")
	fs.BoolVar(&f.noProbes, "no-probes", false, "leave out the probes of the rate limit (bursts past 20 per second with the fixture's rate-limit keys) and of the size limits (10 MB bodies)")
	fs.StringVar(&f.replay, "replay", "", "run a feature file the explorer printed (out/explore/failure-N.feature) as the suite runs its scenarios, against the same endpoint flags, instead of exploring")
	return fs
}

// splitExploreArgs separates the explorer's flags from the conformance command's.
func splitExploreArgs(args []string, own *flag.FlagSet) (mine, rest []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		f := own.Lookup(name)
		if !strings.HasPrefix(a, "-") || f == nil {
			if a == "-h" || a == "--help" || a == "-help" {
				mine = append(mine, a)
				continue
			}
			rest = append(rest, a)
			continue
		}
		mine = append(mine, a)
		if _, isBool := f.Value.(interface{ IsBoolFlag() bool }); !hasValue && !isBool && i+1 < len(args) {
			mine = append(mine, args[i+1])
			i++
		}
	}
	return mine, rest
}

// exploreCommand is `conformance explore`: it returns the exit code: 0 no failure, 1 a
// failure found (printed as a scenario, with the seed), 2 it could not start.
func exploreCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	var f exploreFlags
	own := newExploreFlagSet(&f)
	mine, rest := splitExploreArgs(args, own)
	if err := own.Parse(mine); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			exploreUsage(stdout, own)
			return runner.ExitPassed
		}
		fmt.Fprintf(stderr, "conformance explore: %v (see --help)\n", err)
		return runner.ExitUsage
	}
	cfg, err := runner.ParseFlags(rest, getenv, stdout)
	if err != nil {
		fmt.Fprintf(stderr, "conformance explore: %v\n", err)
		return runner.ExitUsage
	}
	if f.replay != "" {
		return replay(ctx, cfg, f.replay, stdout, stderr)
	}
	if f.budget < 0 || f.duration < 0 || f.maxFailures < 0 || f.budget == 0 && f.duration == 0 {
		fmt.Fprintln(stderr, "conformance explore: --budget and --duration must not be negative, and one of them must bound the run")
		return runner.ExitUsage
	}
	if f.seed == 0 {
		f.seed = explore.RandomSeed()
	}
	sess, err := runner.OpenSession(ctx, cfg, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "conformance explore: %v\n", err)
		return runner.ExitUsage
	}
	defer sess.Close()
	fmt.Fprintf(stdout, "explore: %s, driver %s, seed %d (--seed %d draws the same requests), budget %d requests and %s\n",
		sess.Endpoint, sess.Driver.Name(), f.seed, f.seed, f.budget, f.duration)
	rep, err := explore.Run(ctx, explore.Options{BaseURL: sess.Endpoint, Region: sess.Region, Fixture: sess.Fixture,
		Driver: sess.Driver, Clock: sess.Clock, Seed: f.seed, Budget: f.budget, Duration: f.duration,
		MaxFailures: f.maxFailures, ListJobsOnly: sess.ListJobsOnly, NoProbes: f.noProbes, Progress: stderr})
	if err != nil {
		fmt.Fprintf(stderr, "conformance explore: %s\n", sess.Redact(err.Error()))
		return runner.ExitUsage
	}
	paths, werr := writeExplore(cfg.OutDir, rep, sess.Redact)
	for i, fl := range rep.Failures {
		fmt.Fprintf(stdout, "\nFAILURE %d of %d: %s (%d steps after shrinking%s)\n%s\n\n%s", i+1, len(rep.Failures), strings.Join(fl.Rows, " "), fl.Steps,
			map[bool]string{true: "", false: "; not seen again when run again: it may depend on timing"}[fl.Reproduced],
			indent(sess.Redact(fl.Error)), sess.Redact(fl.Feature))
	}
	fmt.Fprintf(stdout, "\nexplore: %d programs, %d requests in %.1fs (%s): %d failures", rep.Programs, rep.Requests, rep.Seconds, rep.Stopped, len(rep.Failures))
	if rows := rep.FailedRows(); len(rows) > 0 {
		fmt.Fprintf(stdout, ", rows %s", strings.Join(rows, " "))
	}
	fmt.Fprintf(stdout, "; seed %d\n", rep.Seed)
	if werr != nil {
		fmt.Fprintf(stderr, "conformance explore: writing the report: %v\n", werr)
		return runner.ExitUsage
	}
	if len(paths) > 0 {
		fmt.Fprintf(stdout, "reports: %s\n", strings.Join(paths, ", "))
	}
	if len(rep.Failures) > 0 {
		fmt.Fprintln(stdout, "FAIL (exit 1)")
		return runner.ExitFailed
	}
	fmt.Fprintln(stdout, "PASS (exit 0)")
	return runner.ExitPassed
}

func indent(s string) string { return "    " + strings.ReplaceAll(s, "\n", "\n    ") }

// writeExplore writes <out>/explore/explore.json and a failure-N.feature per failure
// (the files of an earlier run removed first).
func writeExplore(out string, rep explore.Report, redact func(string) string) ([]string, error) {
	if out == "" {
		return nil, nil
	}
	dir := filepath.Join(out, "explore")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	old, _ := filepath.Glob(filepath.Join(dir, "failure-*.feature"))
	for _, p := range old {
		_ = os.Remove(p)
	}
	for i := range rep.Failures {
		rep.Failures[i].Error = redact(rep.Failures[i].Error)
		rep.Failures[i].Feature = redact(rep.Failures[i].Feature)
	}
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return nil, err
	}
	paths := []string{filepath.Join(dir, "explore.json")}
	if err := os.WriteFile(paths[0], append(b, '\n'), 0o644); err != nil {
		return nil, err
	}
	for i, fl := range rep.Failures {
		p := filepath.Join(dir, fmt.Sprintf("failure-%d.feature", i+1))
		if err := os.WriteFile(p, []byte(fl.Feature), 0o644); err != nil {
			return paths, err
		}
		paths = append(paths, p)
	}
	return paths, nil
}

// replay runs a feature file the explorer printed.
func replay(ctx context.Context, cfg runner.Config, path string, stdout, stderr io.Writer) int {
	src, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintf(stderr, "conformance explore: --replay: %v\n", err)
		return runner.ExitUsage
	}
	fsys := fstest.MapFS{filepath.Base(path): &fstest.MapFile{Data: src}}
	if !strings.HasSuffix(path, ".feature") {
		fsys = fstest.MapFS{filepath.Base(path) + ".feature": &fstest.MapFile{Data: src}}
	}
	return runner.RunFeatures(ctx, cfg, fsys, stdout, stderr).ExitCode
}

func exploreUsage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintf(w, `Usage: conformance explore [explore flags] [conformance flags]

Explores the ListJobs endpoint (by default the embedded reference emulator) with
sequences of requests drawn at random from everything CONTRACT.md lets a caller vary,
judges every answer against an oracle computed from the fixture and the contract's
rows, and prints each failure shrunk to a minimal scenario of the suite's own
sentences, with its seed. The same seed sends the same requests. Against an endpoint
other than the embedded emulator only ListJobs is sent, paced under the rate limit
except in the probes of the rate limit, which use the fixture's rate-limit keys.

Exit status: 0 no failure, 1 a failure (out/explore/failure-N.feature, explore.json),
2 it could not start.

Explore flags:
`)
	fs.SetOutput(w)
	fs.PrintDefaults()
	fmt.Fprintln(w, "\nEvery other flag is the conformance command's (see conformance --help): --endpoint, --fixture,\n--region, --driver, --secret-id, --timeout, --out, --profile, ...")
}
