// Command suitelist gives every scenario of the feature files that has no @id: tag one,
// then writes the golden list of the suite (features/suite.tsv, package suitelist). `go
// generate ./features` runs it. It exits 0 when done, 2 on an error (a malformed id, a
// scenario without a row tag, a file it cannot write). See --help.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/ciam-harness/listjobs/internal/cli"
	"github.com/ciam-harness/listjobs/suitelist"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("suitelist", flag.ContinueOnError)
	dir := fset.String("dir", "features", "the folder of the feature files and of "+suitelist.File)
	today := fset.String("today", time.Now().UTC().Format(time.DateOnly), "the since of a new id (YYYY-MM-DD)")
	if code, done := cli.Parse(fset, args, "usage: suitelist [--dir features] [--today YYYY-MM-DD]\n", stdout, stderr); done {
		return code
	}
	if _, err := time.Parse(time.DateOnly, *today); err != nil {
		fmt.Fprintf(stderr, "suitelist: --today %q: want a date YYYY-MM-DD\n", *today)
		return 2
	}
	msg, err := suitelist.Update(*dir, *today)
	if err != nil {
		fmt.Fprintf(stderr, "suitelist: %v\n", err)
		return 2
	}
	fmt.Fprintln(stdout, msg)
	return 0
}
