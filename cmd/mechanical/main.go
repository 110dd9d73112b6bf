// Command mechanical reads gremlins' report of the mechanical mutants of the reference
// emulator (make mutation-mechanical) against the ledger of explained survivors
// (mutation/mechanical.tsv), prints the figures and every survivor the ledger does not
// explain, and writes the same as mechanical.md beside the report. It exits 0 when
// every survivor is explained, 1 when one is not, 2 on bad input. See --help.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/ciam-harness/listjobs/internal/cli"
	"github.com/ciam-harness/listjobs/mutation"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("mechanical", flag.ContinueOnError)
	report := fset.String("report", "out/gremlins.json", "gremlins' --output JSON report")
	src := fset.String("src", "emulator", "the folder of the mutated sources the report names")
	if code, done := cli.Parse(fset, args, "usage: mechanical [--report out/gremlins.json] [--src emulator]\n", stdout, stderr); done {
		return code
	}
	ledger, err := mutation.ParseLedger(mutation.MechanicalLedger)
	if err != nil {
		fmt.Fprintf(stderr, "mechanical: mutation/mechanical.tsv: %v\n", err)
		return 2
	}
	f, err := os.Open(*report)
	if err != nil {
		fmt.Fprintf(stderr, "mechanical: %v (run make mutation-mechanical first)\n", err)
		return 2
	}
	defer f.Close()
	score, err := mutation.ScoreMechanical(f, ledger, os.DirFS(*src))
	if err != nil {
		fmt.Fprintf(stderr, "mechanical: %s: %v\n", *report, err)
		return 2
	}
	var md bytes.Buffer
	if err := mutation.WriteMechanical(&md, score); err != nil {
		fmt.Fprintf(stderr, "mechanical: %v\n", err)
		return 2
	}
	out := filepath.Join(filepath.Dir(*report), "mechanical.md")
	if err := os.WriteFile(out, md.Bytes(), 0o644); err != nil {
		fmt.Fprintf(stderr, "mechanical: %v\n", err)
		return 2
	}
	_, _ = stdout.Write(md.Bytes())
	fmt.Fprintf(stdout, "\nreport: %s\n", out)
	if n := len(score.Unexplained()); n > 0 {
		fmt.Fprintf(stdout, "FAIL: %d survivors are neither killed nor explained\n", n)
		return 1
	}
	fmt.Fprintln(stdout, "PASS: every survivor is explained")
	return 0
}
