package mutation

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// maxKillers is how many killing scenarios the table and the Markdown name per mutant
// (the JSON has them all).
const maxKillers = 3

// killers names the scenarios that killed a mutant, or what happened instead.
func (r Result) killers(limit int) string {
	switch {
	case r.Error != "" && r.Verdict == Errored:
		return r.Error
	case r.Verdict == Equivalent:
		return "(passed) " + r.Equivalent
	case len(r.Killers) == 0 && len(r.Failed) > 0:
		return fmt.Sprintf("%d scenarios of rows %s failed", len(r.Failed), strings.Join(r.FailedRows, " "))
	case len(r.Killers) == 0:
		return "-"
	}
	var names []string
	for i, s := range r.Killers {
		if i == limit {
			names = append(names, fmt.Sprintf("… %d more", len(r.Killers)-limit))
			break
		}
		names = append(names, s.String())
	}
	return strings.Join(names, "; ")
}

// others says which other rows failed too.
func (r Result) others() string {
	var rows []string
	for _, row := range r.FailedRows {
		if row != r.Row {
			rows = append(rows, row)
		}
	}
	return strings.Join(rows, " ")
}

// summary is the closing lines of the table and the Markdown.
func (r Report) summary() []string {
	t := r.Totals
	lines := []string{
		fmt.Sprintf("reference: %s (%d scenarios, %.1fs)", r.Reference.Verdict, r.Reference.Scenarios, r.Reference.Seconds),
		fmt.Sprintf("mutants: %d (%d to kill, %d equivalent): %d killed, %d survived, %d killed by another row only, %d errors",
			t.Mutants, t.NonEquivalent, t.Mutants-t.NonEquivalent, t.Killed, t.Survived, t.KilledElsewhere, t.Errors),
		fmt.Sprintf("equivalent mutants: %d passed as they should, %d failed (over-assertion)", t.Equivalent, t.OverAsserted),
		fmt.Sprintf("kill rate: %.1f%% of non-equivalent mutants", r.KillRate),
		fmt.Sprintf("wall time: %.1fs (%d runs at once, %d for the clock-bound scenarios), %s", r.Seconds, r.Parallel, r.ClockParallel, r.Machine),
	}
	if r.Reference.Verdict != Passed {
		for _, s := range r.Reference.Failed {
			lines = append(lines, "reference failure: "+s.String()+": "+s.Error)
		}
		if r.Reference.Error != "" {
			lines = append(lines, "reference error: "+r.Reference.Error)
		}
	}
	verdict := "PASS"
	if !r.OK {
		verdict = "FAIL"
	}
	return append(lines, verdict)
}

// WriteTable prints the table: mutant, row, verdict, the scenarios that killed it.
func (r Report) WriteTable(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%-30s %-4s %-26s %s\n", "MUTANT", "ROW", "VERDICT", "KILLED BY")
	for _, m := range r.Mutants {
		fmt.Fprintf(&b, "%-30s %-4s %-26s %s\n", m.Name, m.Row, m.Verdict, m.killers(maxKillers))
	}
	b.WriteString("\n")
	for _, l := range r.summary() {
		b.WriteString(l + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// mdCell escapes a Markdown table cell.
func mdCell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}

// WriteMarkdown writes the report as a Markdown page.
func (r Report) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	b.WriteString("# Mutation testing of the ListJobs conformance suite\n\n")
	for _, l := range r.summary() {
		b.WriteString("- " + l + "\n")
	}
	b.WriteString("\nA mutant is killed when a check of the row it breaks failed (the failure is blamed on that row). " +
		"\"Other rows\" are rows whose scenarios failed as well. Equivalent mutants make changes the contract allows: the suite must pass on them.\n\n")
	b.WriteString("| mutant | row | breaks | how | verdict | killed by | other rows failing |\n|---|---|---|---|---|---|---|\n")
	for _, m := range r.Mutants {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s |\n", mdCell(m.Name), m.Row, mdCell(m.Break), mdCell(m.How),
			m.Verdict, mdCell(m.killers(maxKillers)), mdCell(m.others()))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteJSON writes the report as indented JSON.
func (r Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

// WriteFiles writes <dir>/mutation.json and <dir>/mutation.md, and returns their paths.
func (r Report) WriteFiles(dir string) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var paths []string
	for _, out := range []struct {
		name  string
		write func(io.Writer) error
	}{{"mutation.json", r.WriteJSON}, {"mutation.md", r.WriteMarkdown}} {
		p, write := filepath.Join(dir, out.name), out.write
		f, err := os.Create(p)
		if err != nil {
			return paths, err
		}
		err = write(f)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return paths, fmt.Errorf("%s: %v", p, err)
		}
		paths = append(paths, p)
	}
	return paths, nil
}
