package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	listjobs "github.com/ciam-harness/listjobs"
	"github.com/ciam-harness/listjobs/contract"
	"github.com/ciam-harness/listjobs/report"
	"github.com/ciam-harness/listjobs/runner"
)

// matrixCommand is the subcommand that puts runs side by side: conformance matrix.
const matrixCommand = "matrix"

const matrixUsage = `usage: conformance matrix [--out DIR] [--sdk-mutation FILE] DIR[=LABEL]...

Puts the report folders of runs of the suite (conformance --out DIR) side by side: the
contract rows down, one column per folder, each cell passed, failed, a known client
defect, not checkable through that client (with the reason) or not run, from the
folder's manifest.json and results.ndjson alone. Writes DIR/index.html (one
self-contained page) and DIR/matrix.md (its Markdown twin).

A column is labelled with the driver its manifest names, or LABEL: "out/node=Node.js".
An argument that is an existing folder is taken whole, even with a "=" in it.

Exit 0 when the matrix is written, 2 when it cannot be (a bad flag, a folder that is
not a run's report folder, a file that cannot be read; the error names the file).

flags:
`

// matrixMain runs conformance matrix with args (those after "matrix") and returns the
// exit code.
func matrixMain(args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("conformance matrix", flag.ContinueOnError)
	fset.SetOutput(io.Discard)
	out := fset.String("out", filepath.Join("out", "clients"), "folder of index.html and matrix.md")
	sdkMutation := fset.String("sdk-mutation", "", "an sdk-mutation.json (cmd/sdk-mutation --out) for the broken-SDK kill counts of each client; none by default")
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "conformance matrix: "+format+"\n", a...)
		return runner.ExitUsage
	}
	if err := fset.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, matrixUsage)
			fset.SetOutput(stdout)
			fset.PrintDefaults()
			return runner.ExitPassed
		}
		return fail("%v (see conformance matrix --help)", err)
	}
	if fset.NArg() == 0 {
		return fail("no report folder given: conformance matrix [flags] DIR[=LABEL]... (see --help)")
	}
	if strings.TrimSpace(*out) == "" {
		return fail("--out is empty")
	}
	var runs []report.ClientRun
	for _, arg := range fset.Args() {
		dir, label := splitDirLabel(arg)
		run, err := report.ReadClientRun(dir, label)
		if err != nil {
			return fail("%v", err)
		}
		runs = append(runs, run)
	}
	opts := report.ClientMatrixOptions{Contract: report.SHA256(listjobs.Contract), OutDir: *out}
	rows, err := contract.Rows()
	if err != nil {
		return fail("reading the contract: %v", err)
	}
	for _, r := range rows {
		opts.Rows = append(opts.Rows, report.Row{ID: r.ID, Class: r.Class.String(), Area: r.Area, Behaviour: r.Behaviour})
	}
	if *sdkMutation != "" {
		if opts.SDKMutation, err = report.ReadSDKMutation(*sdkMutation); err != nil {
			return fail("--sdk-mutation: %v", err)
		}
	}
	m, err := report.BuildClientMatrix(runs, opts)
	if err != nil {
		return fail("%v", err)
	}
	page, err := report.ClientMatrixHTML(m)
	if err != nil {
		return fail("%v", err)
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return fail("--out: %v", err)
	}
	files := []struct {
		name string
		body []byte
	}{{report.ClientMatrixHTMLFile, page}, {report.ClientMatrixMarkdownFile, report.ClientMatrixMarkdown(m)}}
	var paths []string
	for _, f := range files {
		p := filepath.Join(*out, f.name)
		if err := writeFileAtomic(p, f.body); err != nil {
			return fail("writing %s: %v", p, err)
		}
		paths = append(paths, p)
	}
	for _, n := range m.Notes {
		fmt.Fprintf(stderr, "conformance matrix: note: %s\n", n)
	}
	fmt.Fprintf(stdout, "matrix: %d rows by %d clients: %s\n", len(m.Rows), len(m.Columns), strings.Join(paths, ", "))
	for _, line := range columnSummary(m) {
		fmt.Fprintf(stdout, "  %s\n", line)
	}
	return runner.ExitPassed
}

// splitDirLabel splits "DIR=LABEL"; an argument that names an existing folder is a
// folder whole.
func splitDirLabel(arg string) (dir, label string) {
	if st, err := os.Stat(arg); err == nil && st.IsDir() {
		return arg, ""
	}
	dir, label, _ = strings.Cut(arg, "=")
	return dir, label
}

// columnSummary is a line per column: "node: 1 failed, 40 passed, 8 not checkable".
func columnSummary(m report.ClientMatrix) []string {
	var cols []string
	for _, c := range m.Columns {
		var parts []string
		for _, k := range report.CellKinds {
			if n := c.Kinds[k]; n > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", n, k.Words()))
			}
		}
		cols = append(cols, c.Label+": "+strings.Join(parts, ", "))
	}
	return cols
}

// writeFileAtomic writes b to path through a temporary file in its folder, so that a
// reader never sees half a page.
func writeFileAtomic(path string, b []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
