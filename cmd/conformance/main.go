// Command conformance runs the ListJobs conformance suite against an endpoint (by
// default an embedded reference emulator) and exits 0 when every selected scenario
// passed, 1 when one failed, 2 when the run could not start. See --help.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/ciam-harness/listjobs/runner"
)

func main() {
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
	res := runner.Run(ctx, cfg, os.Stdout, os.Stderr)
	stop()
	os.Exit(res.ExitCode)
}
