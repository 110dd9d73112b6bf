package mutation

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	dpkg "github.com/ciam-harness/listjobs/driver"
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
	case r.Verdict == NotChecked:
		why := fmt.Sprintf("every scenario of %s skipped: %s", r.Row, cmp.Or(r.SkipReason, "none selected"))
		if len(r.WireKillers) > 0 {
			why = fmt.Sprintf("killed through wire by %s only, skipped here: %s", names(r.WireKillers, limit), r.SkipReason)
		}
		if len(r.Failed) > 0 {
			why += fmt.Sprintf("; %d scenarios of rows %s failed", len(r.Failed), strings.Join(r.FailedRows, " "))
		}
		return why
	case len(r.Killers) == 0 && r.Inconclusive > 0:
		return fmt.Sprintf("%d scenarios inconclusive on this machine (too loaded for their timing): run it again", r.Inconclusive)
	case len(r.Killers) == 0 && len(r.Failed) > 0:
		return fmt.Sprintf("%d scenarios of rows %s failed", len(r.Failed), strings.Join(r.FailedRows, " "))
	case len(r.Killers) == 0:
		return "-"
	}
	return names(r.Killers, limit)
}

// names lists scenarios, at most limit of them.
func names(scenarios []Scenario, limit int) string {
	var out []string
	for i, s := range scenarios {
		if i == limit {
			out = append(out, fmt.Sprintf("… %d more", len(scenarios)-limit))
			break
		}
		out = append(out, s.String())
	}
	return strings.Join(out, "; ")
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
	driver := cmp.Or(r.Driver, dpkg.NameWire)
	if r.SDK != "" {
		driver += ", " + r.SDK
	}
	if r.Engine != "" {
		driver += "; judged by the " + r.Engine + ", not the scenarios"
	}
	lines := []string{
		"driver: " + driver,
		fmt.Sprintf("reference: %s (%d scenarios, %d skipped by the driver, %.1fs)", r.Reference.Verdict, r.Reference.Scenarios, r.Reference.Skipped, r.Reference.Seconds),
		fmt.Sprintf("mutants: %d (%d to kill, %d equivalent): %d killed, %d survived, %d killed by another row only, %d not checked through this driver, %d errors",
			t.Mutants, t.NonEquivalent, t.Mutants-t.NonEquivalent, t.Killed, t.Survived, t.KilledElsewhere, t.NotChecked, t.Errors),
		fmt.Sprintf("equivalent mutants: %d passed as they should, %d failed (over-assertion)", t.Equivalent, t.OverAsserted),
		fmt.Sprintf("kill rate: %.1f%% of non-equivalent mutants, %.1f%% of the %d it can check (a scenario it runs can catch them)", r.KillRate, r.CheckedKillRate, t.NonEquivalent-t.NotChecked),
		fmt.Sprintf("wall time: %.1fs (%d runs at once, %d for the clock-bound scenarios), %s", r.Seconds, r.Parallel, r.ClockParallel, r.Machine),
	}
	if by := r.classSummary(); by != "" {
		lines = append(lines, by)
	}
	if t.NotChecked > 0 {
		gate := "they fail the run: the wire driver runs every scenario"
		if r.Driver != "" && r.Driver != dpkg.NameWire {
			gate = "no failure through an SDK driver: the gate is that every mutant it can check is killed (--driver wire checks them)"
		}
		lines = append(lines, fmt.Sprintf("not checked through this driver: %d mutants, every scenario that can catch them skipped (their row's, or those that kill them through wire); %s", t.NotChecked, gate))
	}
	if r.WireBaseline > 0 {
		lines = append(lines, fmt.Sprintf("wire baseline: %d mutants not killed although the driver ran scenarios of their row were run again through the wire driver, to tell a survivor (a scenario the driver ran can catch it) from a mutant only skipped scenarios catch", r.WireBaseline))
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

// WriteTable prints the table: mutant, row, class of break, verdict, the scenarios that
// killed it.
func (r Report) WriteTable(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%-30s %-4s %-15s %-26s %s\n", "MUTANT", "ROW", "CLASS", "VERDICT", "KILLED BY")
	for _, m := range r.Mutants {
		fmt.Fprintf(&b, "%-30s %-4s %-15s %-26s %s\n", m.Name, m.Row, className(m.Class), m.Verdict, m.killers(maxKillers))
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
		"\"Other rows\" are rows whose scenarios failed as well. Equivalent mutants make changes the contract allows: the suite must pass on them. " +
		"A mutant is \"not checked through this driver\" when every scenario that can catch it was skipped through the driver (every scenario of its row, or every scenario that kills it through the wire driver). " +
		"Its class is the class of break it is a case of, named after what closes it (MUTATION.md, \"Classes of break\").\n\n")
	b.WriteString("| mutant | row | class | breaks | how | verdict | killed by | other rows failing |\n|---|---|---|---|---|---|---|---|\n")
	for _, m := range r.Mutants {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %s |\n", mdCell(m.Name), m.Row, mdCell(className(m.Class)), mdCell(m.Break), mdCell(m.How),
			m.Verdict, mdCell(m.killers(maxKillers)), mdCell(m.others()))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteJSON writes the report as indented JSON, with the counts by class of break
// (ByClass) as "classes".
func (r Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(struct {
		Report
		Classes []ClassTotals `json:"classes"`
	}{r, r.ByClass()})
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

// Table is a kill table that writes itself: a Report, or sdkmutants' report of the
// broken SDKs.
type Table interface {
	WriteTable(w io.Writer) error
	WriteFiles(dir string) ([]string, error)
}

// Emit is the end of a mutation command: t's table on stdout, its files in dir, and the
// exit code: 2 when it cannot write them, 1 when the run is not ok, 0 otherwise. cmd
// names the command in its messages.
func Emit(cmd string, t Table, ok bool, dir string, stdout, stderr io.Writer) int {
	if err := t.WriteTable(stdout); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", cmd, err)
		return 2
	}
	paths, err := t.WriteFiles(dir)
	if err != nil {
		fmt.Fprintf(stderr, "%s: writing the report: %v\n", cmd, err)
		return 2
	}
	fmt.Fprintf(stdout, "report: %s\n", strings.Join(paths, ", "))
	if !ok {
		return 1
	}
	return 0
}
