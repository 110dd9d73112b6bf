// Command conformance runs the ListJobs conformance suite against an endpoint (by
// default an embedded reference emulator) and exits 0 when every selected scenario
// passed, 1 when one failed, 2 when the run could not start. See --help.
//
// conformance matrix DIR... puts the report folders of runs side by side (matrix.go);
// conformance explore draws requests from the contract's input space (explore.go).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/ciam-harness/listjobs/driver"

	"github.com/ciam-harness/listjobs/report"
	"github.com/ciam-harness/listjobs/runner"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == matrixCommand {
		os.Exit(matrixMain(os.Args[2:], os.Stdout, os.Stderr))
	}
	if len(os.Args) > 1 && os.Args[1] == exploreName {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := exploreCommand(ctx, os.Args[2:], os.Getenv, os.Stdout, os.Stderr)
		stop()
		os.Exit(code)
	}
	if wantsVersion(os.Args[1:]) {
		printVersion(os.Stdout)
		os.Exit(runner.ExitPassed)
	}
	cfg, err := runner.ParseFlags(os.Args[1:], os.Getenv, os.Stdout)
	switch {
	case errors.Is(err, flag.ErrHelp):
		os.Exit(runner.ExitPassed)
	case err != nil:
		fmt.Fprintf(os.Stderr, "conformance: %v\n", err)
		os.Exit(runner.ExitUsage)
	}
	// The first interrupt cancels the run (scenarios stop, the summary is printed); a
	// second one kills the process as usual.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop()
	}()
	// The run stops itself at its deadline; should a step ignore the cancellation, the
	// process still ends soon after.
	if cfg.Deadline > 0 {
		defer watchdog(cfg.Deadline+deadlineGrace, os.Stderr, os.Exit)()
	}
	res := runner.Run(ctx, cfg, os.Stdout, os.Stderr)
	stop()
	os.Exit(res.ExitCode)
}

// wantsVersion tells whether the command line asks for the version: "--version" or
// "-version" before any "--" (flag syntax; the value of another flag is never taken for it,
// since no flag's value starts with a dash).
func wantsVersion(args []string) bool {
	for _, a := range args {
		switch a {
		case "--":
			return false
		case "--version", "-version":
			return true
		}
	}
	return false
}

// printVersion writes the harness's identity: its module version and commit, the Go it
// was built with, and the SDK the sdk driver sends through.
func printVersion(w io.Writer) {
	fmt.Fprintf(w, "conformance: %s\n", report.BuildHarness())
	fmt.Fprintf(w, "sdk driver: %s\n", driver.SDKModuleVersion())
}

// deadlineGrace is how long after its --deadline a run may take to stop its scenarios,
// write its reports and print its summary.
const deadlineGrace = 30 * time.Second

// watchdog ends the process with exit 1 after limit, saying why, unless the returned
// stop is called first.
func watchdog(limit time.Duration, stderr io.Writer, exit func(int)) (stop func()) {
	t := time.AfterFunc(limit, func() {
		fmt.Fprintf(stderr, "conformance: the run did not stop within %s of its --deadline: exiting\n", deadlineGrace)
		exit(runner.ExitFailed)
	})
	return func() { t.Stop() }
}
