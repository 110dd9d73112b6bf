package sdkmutants

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/ciam-harness/listjobs/mutation"
)

// seen is the failing rows column: the rows the failures were blamed on (the expected
// ones first, the others counted past a few), or why none.
func (r Result) seen() string {
	switch {
	case r.Verdict == mutation.Errored:
		return "error: " + r.Error
	case len(r.FailedRows) == 0:
		return "- (passed)"
	}
	var named, others []string
	for _, row := range r.FailedRows {
		if slices.Contains(r.Rows, row) {
			named = append(named, row)
		} else {
			others = append(others, row)
		}
	}
	switch {
	case len(named) > 0 && len(others) > 0:
		named = append(named, fmt.Sprintf("+ %d other rows", len(others)))
	case len(others) > 6:
		named = append(others[:6:6], fmt.Sprintf("+ %d more", len(others)-6))
	case len(named) == 0:
		named = others
	}
	return fmt.Sprintf("%s (%d scenarios failed)", strings.Join(named, " "), len(r.Failed))
}

func (r Result) expected() string {
	switch {
	case r.Control():
		return "none (control)"
	case r.Equivalent != "":
		return "none (equivalent)"
	}
	return strings.Join(r.Rows, " ")
}

// counts are the closing line of a driver's table.
func counts(results []Result) string {
	var kill, killed, eq, eqOK, bad int
	control := "not run"
	for _, r := range results {
		switch {
		case r.Control():
			control = string(r.Verdict)
		case r.Equivalent != "":
			eq++
			if r.Good() {
				eqOK++
			}
		default:
			kill++
			if r.Good() {
				killed++
			}
		}
		if !r.Good() {
			bad++
		}
	}
	return fmt.Sprintf("%d broken SDKs: %d of %d killed on a row they name, %d of %d equivalent passed; control %s; %d not as wanted",
		kill+eq, killed, kill, eqOK, eq, control, bad)
}

// drivers are the drivers of the report, in catalogue order.
func (rep Report) drivers() []string {
	var out []string
	for _, r := range rep.Results {
		d := string(r.Driver)
		if len(out) == 0 || out[len(out)-1] != d {
			out = append(out, d)
		}
	}
	return out
}

func (rep Report) of(driver string) []Result {
	var out []Result
	for _, r := range rep.Results {
		if string(r.Driver) == driver {
			out = append(out, r)
		}
	}
	return out
}

func (rep Report) verdict() string {
	if rep.OK {
		return "PASS"
	}
	return "FAIL"
}

// WriteTable prints the kill table: driver, broken SDK, rows expected, verdict, the
// failing rows seen.
func (rep Report) WriteTable(w io.Writer) error {
	var b strings.Builder
	row := "%-6s %-34s %-18s %-26s %s\n"
	fmt.Fprintf(&b, row, "DRIVER", "BROKEN SDK", "ROWS EXPECTED", "VERDICT", "FAILING ROWS SEEN")
	for _, d := range rep.drivers() {
		results := rep.of(d)
		for _, r := range results {
			fmt.Fprintf(&b, row, d, r.Name, r.expected(), r.Verdict, r.seen())
		}
		fmt.Fprintf(&b, "%s: %s\n", d, counts(results))
	}
	fmt.Fprintf(&b, "wall time: %.1fs, %s\n%s\n", rep.Seconds, rep.Machine, rep.verdict())
	_, err := io.WriteString(w, b.String())
	return err
}

// Markdown is the kill table per driver, with what each broken SDK changes.
func (rep Report) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# SDK mutation: %s\n\n", rep.verdict())
	fmt.Fprintf(&b, "Every SDK is run against the embedded emulator and against the reference emulator with `NullEmpty` (`JobSet: null` for an empty result). Started %s, %.1fs, %s.\n",
		rep.Started.Format("2006-01-02 15:04 UTC"), rep.Seconds, rep.Machine)
	for _, sdk := range []string{rep.GoSDK, rep.NodeSDK} {
		if sdk != "" {
			fmt.Fprintf(&b, "\nCopied from %s.\n", sdk)
		}
	}
	for _, d := range rep.drivers() {
		results := rep.of(d)
		fmt.Fprintf(&b, "\n## driver %s\n\n%s\n\n", d, counts(results))
		b.WriteString("| broken SDK | what it changes | rows expected | verdict | failing rows seen |\n|---|---|---|---|---|\n")
		for _, r := range results {
			what := r.Break
			if r.Equivalent != "" {
				what += " (allowed: " + r.Equivalent + ")"
			}
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n", r.Name, cell(what), r.expected(), r.Verdict, cell(r.seen()))
		}
	}
	return b.String()
}

func cell(s string) string { return strings.ReplaceAll(strings.ReplaceAll(s, "|", `\|`), "\n", " ") }

// WriteFiles writes sdk-mutation.json and sdk-mutation.md into dir.
func (rep Report) WriteFiles(dir string) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	js, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{"sdk-mutation.json": append(js, '\n'), "sdk-mutation.md": []byte(rep.Markdown())}
	var paths []string
	for _, name := range []string{"sdk-mutation.json", "sdk-mutation.md"} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, files[name], 0o644); err != nil {
			return nil, err
		}
		paths = append(paths, p)
	}
	return paths, nil
}
