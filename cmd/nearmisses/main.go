// Command nearmisses writes the feature file of the near-miss table (package nearmiss)
// to --out, or with --check tells whether the file there is current. `go generate
// ./nearmiss` runs it. It exits 0 when done (or current), 1 when --check finds the file
// stale, 2 on an error. See --help.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/ciam-harness/listjobs/contract"
	"github.com/ciam-harness/listjobs/internal/cli"
	"github.com/ciam-harness/listjobs/nearmiss"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("nearmisses", flag.ContinueOnError)
	out := fset.String("out", "features/"+nearmiss.FeatureFile, "the feature file to write")
	check := fset.Bool("check", false, "write nothing: exit 1 when the file is not what the table gives")
	if code, done := cli.Parse(fset, args, "usage: nearmisses [--out features/"+nearmiss.FeatureFile+"] [--check]\n", stdout, stderr); done {
		return code
	}
	c, err := contract.Load()
	if err != nil {
		fmt.Fprintf(stderr, "nearmisses: %v\n", err)
		return 2
	}
	want, err := nearmiss.Feature(c.Assumed)
	if err != nil {
		fmt.Fprintf(stderr, "nearmisses: %v\n", err)
		return 2
	}
	if *check {
		have, err := os.ReadFile(*out)
		if err != nil {
			fmt.Fprintf(stderr, "nearmisses: %v\n", err)
			return 2
		}
		if !bytes.Equal(have, want) {
			fmt.Fprintf(stderr, "nearmisses: %s is stale: run go generate ./nearmiss\n", *out)
			return 1
		}
		fmt.Fprintf(stdout, "%s is current\n", *out)
		return 0
	}
	if err := os.WriteFile(*out, want, 0o644); err != nil {
		fmt.Fprintf(stderr, "nearmisses: %v\n", err)
		return 2
	}
	fmt.Fprintf(stdout, "wrote %s: %d outlines\n", *out, len(nearmiss.Outlines()))
	return 0
}
