// Command drift sets the ListJobs model each installed client ships (Node.js, Python,
// Java, tccli) beside the contract's (schemas/ and CONTRACT.md), field by field, prints
// the table, writes it to <out>/drift.md, and exits 0 when every disagreement is
// explained by drift/explained.tsv and no explanation is stale, 1 when not, 2 when it
// could not run. `make drift` runs it. See --help.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/ciam-harness/listjobs/contract"
	"github.com/ciam-harness/listjobs/drift"
	"github.com/ciam-harness/listjobs/internal/cli"
	"github.com/ciam-harness/listjobs/schemas"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

const usage = `usage: drift [--root DIR] [--out DIR] [--java SOURCES] [--strict]

Sets each installed client's model of ListJobs (drivers/node, drivers/python,
drivers/java, drivers/tccli: make drivers installs them) beside schemas/ and
CONTRACT.md, field by field (type, required, nullable), and judges every
disagreement against drift/explained.tsv. Exit 0: every disagreement explained,
no stale explanation; 1: not; 2: could not run.
`

func run(args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("drift", flag.ContinueOnError)
	root := fset.String("root", ".", "the repository, whose drivers/ holds the installed clients")
	out := fset.String("out", "out", "the folder drift.md is written to (\"\": none)")
	java := fset.String("java", "", "the Java SDK's sources: a sources jar or a folder (default: drivers/java's)")
	strict := fset.Bool("strict", os.Getenv("CI") != "", "fail when a client the repository installs is not installed (default: when CI is set)")
	if code, done := cli.Parse(fset, args, usage, stdout, stderr); done {
		return code
	}
	if info, err := os.Stat(filepath.Join(*root, "drivers")); err != nil || !info.IsDir() {
		fmt.Fprintf(stderr, "drift: --root %q: no drivers/ folder there: run it from the repository, or name it with --root\n", *root)
		return 2
	}
	rows, err := contract.Rows()
	if err != nil {
		fmt.Fprintf(stderr, "drift: %v\n", err)
		return 2
	}
	report, err := drift.Run(schemas.FS, rows, drift.Explained, drift.Options{Root: *root, Java: *java}, *strict)
	if err != nil {
		fmt.Fprintf(stderr, "drift: %v\n", err)
		return 2
	}
	report.WriteText(stdout)
	if *out != "" {
		var md bytes.Buffer
		report.WriteMarkdown(&md)
		path := filepath.Join(*out, "drift.md")
		if err := os.MkdirAll(*out, 0o755); err != nil {
			fmt.Fprintf(stderr, "drift: %v\n", err)
			return 2
		}
		if err := os.WriteFile(path, md.Bytes(), 0o644); err != nil {
			fmt.Fprintf(stderr, "drift: %v\n", err)
			return 2
		}
		fmt.Fprintf(stdout, "report: %s\n", path)
	}
	if !report.OK() {
		return 1
	}
	return 0
}
