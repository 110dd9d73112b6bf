// Command sdk-mutation runs the conformance suite through every broken SDK of package
// sdkmutants (copies of the official Go and Node.js SDKs, each with one deliberate
// change), and through the unpatched copies, prints the kill table (driver, broken SDK,
// rows expected, verdict, the failing rows seen) and writes it as <out>/sdk-mutation.json
// and <out>/sdk-mutation.md. It exits 0 when every control passed, every breaking SDK
// was killed on a row it names and every equivalent one passed; 1 otherwise; 2 when it
// could not set up (a bad flag, no node, an SDK whose text moved, a build that failed).
// Run it from the repository. See --help.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"

	listjobs "github.com/ciam-harness/listjobs"
	"github.com/ciam-harness/listjobs/mutation"
	"github.com/ciam-harness/listjobs/sdkmutants"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop()
	}()
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr, sdkmutants.FindSources, sdkmutants.Run)
	stop()
	os.Exit(code)
}

// run is the command without the process: it returns the exit code. find and mutate
// are sdkmutants.FindSources and sdkmutants.Run (replaced in tests).
func run(ctx context.Context, args []string, stdout, stderr io.Writer,
	find func(needNode bool) (sdkmutants.Sources, error),
	mutate func(context.Context, sdkmutants.Options) (sdkmutants.Report, error)) int {
	fset := flag.NewFlagSet("sdk-mutation", flag.ContinueOnError)
	fset.SetOutput(io.Discard)
	out := fset.String("out", "out", "folder of sdk-mutation.json, sdk-mutation.md and sdk-mutation-runs/ (each run's log, results.ndjson and summary.md)")
	only := fset.String("only", "", "comma-separated broken SDK names to run (default: the whole catalogue)")
	parallel := fset.Int("parallel", 2, "suites run at once")
	list := fset.Bool("list", false, "print the catalogue (driver, name, rows, what it changes) and exit")
	quiet := fset.Bool("quiet", false, "no progress lines")
	if err := fset.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			usage(stdout, fset)
			return 0
		}
		fmt.Fprintf(stderr, "sdk-mutation: %v (see --help)\n", err)
		return 2
	}
	switch {
	case fset.NArg() > 0:
		fmt.Fprintf(stderr, "sdk-mutation: unexpected argument %q (see --help)\n", fset.Arg(0))
		return 2
	case *parallel < 1 || *parallel > 16:
		fmt.Fprintf(stderr, "sdk-mutation: --parallel %d: want 1 to 16\n", *parallel)
		return 2
	case *out == "" && !*list:
		fmt.Fprintln(stderr, "sdk-mutation: --out is empty")
		return 2
	}
	selected, err := selectBroken(sdkmutants.Catalogue(), *only)
	if err != nil {
		fmt.Fprintf(stderr, "sdk-mutation: %v\n", err)
		return 2
	}
	if *list {
		for _, b := range selected {
			rows := strings.Join(b.Rows, " ")
			switch {
			case b.Control():
				rows = "control"
			case b.Equivalent != "":
				rows = "equivalent"
			}
			fmt.Fprintf(stdout, "%-6s %-34s %-18s %s\n", b.Driver, b.Name, rows, b.Break)
		}
		return 0
	}
	needNode := slices.ContainsFunc(selected, func(b sdkmutants.Broken) bool { return b.Driver == sdkmutants.NodeDriver })
	src, err := find(needNode)
	if err != nil {
		fmt.Fprintf(stderr, "sdk-mutation: %v\n", err)
		return 2
	}
	opts := sdkmutants.Options{Sources: src, Broken: selected, Fixture: listjobs.DefaultFixture, OutDir: *out, Parallel: *parallel}
	if !*quiet {
		opts.Progress = stderr
	}
	rep, err := mutate(ctx, opts)
	switch {
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(stderr, "sdk-mutation: interrupted")
		return 1
	case err != nil:
		fmt.Fprintf(stderr, "sdk-mutation: %v\n", err)
		return 2
	}
	return mutation.Emit("sdk-mutation", rep, rep.OK, *out, stdout, stderr)
}

// selectBroken returns the entries of the catalogue named in only (comma-separated; all
// when empty), or an error naming the unknown ones.
func selectBroken(catalogue []sdkmutants.Broken, only string) ([]sdkmutants.Broken, error) {
	var names []string
	for n := range strings.SplitSeq(only, ",") {
		if n = strings.TrimSpace(n); n != "" {
			names = append(names, n)
		}
	}
	if only == "" {
		return catalogue, nil
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("--only %q names no broken SDK", only)
	}
	var out []sdkmutants.Broken
	var unknown []string
	for _, n := range names {
		i := slices.IndexFunc(catalogue, func(b sdkmutants.Broken) bool { return b.Name == n })
		if i < 0 {
			unknown = append(unknown, n)
			continue
		}
		out = append(out, catalogue[i])
	}
	if len(unknown) > 0 {
		return nil, fmt.Errorf("--only: no broken SDK named %s (see --list)", strings.Join(unknown, ", "))
	}
	return out, nil
}

func usage(w io.Writer, fset *flag.FlagSet) {
	fmt.Fprintf(w, `Usage: sdk-mutation [flags]

Runs the ListJobs conformance suite through broken copies of the official SDKs: the Go
SDK (--driver sdk: the module copied from the module cache, one change made, swapped in
with a replace directive) and the Node.js SDK (the driver node's adapter over a patched
copy of drivers/node/node_modules/tencentcloud-sdk-nodejs), each against the embedded
emulator and against the reference emulator with NullEmpty. A breaking SDK is killed
when a failure is blamed on a row it names; an equivalent one must pass, and so must
the unpatched copy of each SDK (the control). Run it from the repository.

Exit status: 0 every control passed, every breaking SDK was killed and every equivalent
one passed; 1 otherwise; 2 it could not set up (bad flags, no node or SDK, an SDK text
not found, a copy that does not build).

Flags:
`)
	fset.SetOutput(w)
	fset.PrintDefaults()
}
