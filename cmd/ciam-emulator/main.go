// Command ciam-emulator serves the reference emulator of CIAM ListJobs over HTTP.
//
//	ciam-emulator [--addr 127.0.0.1:9000] [--fixture FILE] [--rate-limit 20] [--null-empty] [--seed N]
//
// It prints one line with its URL, serves until SIGINT or SIGTERM, then shuts down and
// exits 0. Bad flags, an unreadable or invalid fixture and an address in use end it at
// once with a one-line error on stderr and exit status 2.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	listjobs "github.com/ciam-harness/listjobs"
	"github.com/ciam-harness/listjobs/emulator"
	"github.com/ciam-harness/listjobs/fixture"
)

func main() {
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr, stop))
}

// run is the command: it returns the exit status. It serves until stop delivers.
func run(args []string, stdout, stderr io.Writer, stop <-chan os.Signal) int {
	fail := func(format string, a ...any) int {
		msg := strings.Join(strings.Fields(fmt.Sprintf(format, a...)), " ") // one line
		fmt.Fprintln(stderr, "ciam-emulator: "+msg)
		return 2
	}
	fs := flag.NewFlagSet("ciam-emulator", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	addr := fs.String("addr", "127.0.0.1:9000", "address to listen on (host:port)")
	fixturePath := fs.String("fixture", "", "fixture JSON file (default: the embedded default fixture)")
	rateLimit := fs.Int("rate-limit", emulator.DefaultRateLimit, "ListJobs requests per second per credential owner; 0 = off")
	nullEmpty := fs.Bool("null-empty", false, `answer an empty result with "JobSet": null instead of []`)
	seed := fs.Uint64("seed", 0, "shuffle seed; 0 = random")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(stdout)
			fmt.Fprintln(stdout, "usage: ciam-emulator [flags]")
			fs.PrintDefaults()
			return 0
		}
		return fail("%v", err)
	}
	if fs.NArg() > 0 {
		return fail("unexpected argument %q", fs.Arg(0))
	}
	if *rateLimit < 0 {
		return fail("--rate-limit %d is negative", *rateLimit)
	}
	var fx *fixture.Fixture
	var err error
	if *fixturePath == "" {
		fx, err = fixture.Read(bytes.NewReader(listjobs.DefaultFixture))
	} else {
		fx, err = fixture.Load(*fixturePath)
	}
	if err != nil {
		return fail("%v", err)
	}
	srv, err := emulator.Listen(*addr, emulator.Config{Fixture: fx, RateLimit: *rateLimit, NullEmpty: *nullEmpty, Seed: *seed})
	if err != nil {
		return fail("%v", err)
	}
	fmt.Fprintf(stdout, "ciam-emulator listening on %s\n", srv.URL)
	select {
	case <-stop:
	case <-srv.Done():
	}
	if err := srv.Close(); err != nil {
		return fail("%v", err)
	}
	return 0
}
