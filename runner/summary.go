package runner

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ciam-harness/listjobs/result"
	"github.com/ciam-harness/listjobs/vocab"
)

// maxErrorLen bounds one error in the summary; the full text is in godog's output and
// the reports.
const maxErrorLen = 240

// printSummary prints, after godog's own output, the outcome per contract row (the
// rows that failed, with their scenarios) and the counts, so a reader sees exactly
// which documented behaviour broke.
func printSummary(w io.Writer, res Result) {
	fmt.Fprintf(w, "\n== ListJobs conformance: %s ==\n", res.Endpoint)
	switch {
	case res.SDK != "":
		fmt.Fprintf(w, "driver: %s, %s\n", res.Driver, res.SDK)
	case res.Driver != "":
		fmt.Fprintf(w, "driver: %s\n", res.Driver)
	}
	if res.Shard != "" {
		fmt.Fprintf(w, "shard %s: the scenarios whose feature file and name hash to it\n", res.Shard)
	}
	printRows(w, res)
	printScenarios(w, res)
	for _, p := range res.Problems {
		fmt.Fprintf(w, "problem: %s\n", p)
	}
	printCounts(w, res)
	if res.Seed != 0 {
		fmt.Fprintf(w, "seed: %d (repeat the order with --seed %d)\n", res.Seed, res.Seed)
	}
	if len(res.Reports) > 0 {
		fmt.Fprintf(w, "reports: %s\n", strings.Join(res.Reports, ", "))
	}
	fmt.Fprintf(w, "%s (exit %d)\n", verdict(res), res.ExitCode)
}

// printRows prints the verdict per contract row: the counts, and the rows that failed
// with the scenarios blamed.
func printRows(w io.Writer, res Result) {
	rowStatus := result.RowVerdicts(res.Scenarios)
	var rows []string
	for row := range rowStatus {
		rows = append(rows, row)
	}
	vocab.SortRows(rows)
	var failedRows, skippedRows, knownRows []string
	for _, row := range rows {
		switch {
		case rowStatus[row].Failing():
			failedRows = append(failedRows, row)
		case rowStatus[row] == result.KnownFailure:
			knownRows = append(knownRows, row)
		case rowStatus[row] == result.Skipped:
			skippedRows = append(skippedRows, row)
		}
	}
	fmt.Fprintf(w, "contract rows: %d checked, %d passed, %d failed, %d skipped",
		len(rows), len(rows)-len(failedRows)-len(skippedRows)-len(knownRows), len(failedRows), len(skippedRows))
	if len(knownRows) > 0 {
		fmt.Fprintf(w, ", %d known failures (%s)", len(knownRows), strings.Join(knownRows, " "))
	}
	fmt.Fprintln(w)
	if len(failedRows) > 0 {
		fmt.Fprintf(w, "rows failed: %s\n", strings.Join(failedRows, " "))
		for _, row := range failedRows {
			var names []string
			for _, s := range res.Scenarios {
				if st, ok := s.Verdict(row); ok && st.Failing() {
					names = append(names, fmt.Sprintf("%q", s.Name))
				}
			}
			fmt.Fprintf(w, "  %-4s %s\n", row, strings.Join(names, ", "))
		}
	}
	if len(skippedRows) > 0 {
		fmt.Fprintf(w, "rows not checked (every scenario of the row skipped, or stopped by another row's failure): %s\n", strings.Join(skippedRows, " "))
	}
}

// printScenarios lists the known failures, the skipped scenarios with their reasons and
// the failed scenarios with the rows they failed.
func printScenarios(w io.Writer, res Result) {
	listed := func(title string, status result.Status, detail func(result.Scenario) string) {
		var items []result.Scenario
		for _, s := range res.Scenarios {
			if s.Status == status && (status != result.Skipped || s.Reason != "") {
				items = append(items, s)
			}
		}
		if len(items) == 0 {
			return
		}
		fmt.Fprintf(w, "%s:\n", title)
		for _, s := range items {
			fmt.Fprintf(w, "  %s:%d %q [%s]: %s\n", s.Feature, s.Line, s.Name, rowList(s.Rows), oneLine(detail(s)))
		}
	}
	listed("known failures (listed in the ledger)", result.KnownFailure, func(s result.Scenario) string { return s.Reason })
	listed("scenarios skipped, and why", result.Skipped, func(s result.Scenario) string { return s.Reason })
	if failed := res.Failed(); len(failed) > 0 {
		fmt.Fprintf(w, "scenarios failed:\n")
		for _, s := range failed {
			fmt.Fprintf(w, "  %s:%d %q [%s] %s: %s\n", s.Feature, s.Line, s.Name, rowList(s.Failures()), s.Status, oneLine(s.Error))
		}
	}
}

// printCounts prints the scenarios by status, and the skips of the other driver.
func printCounts(w io.Writer, res Result) {
	counts := map[result.Status]int{}
	for _, s := range res.Scenarios {
		counts[s.Status]++
	}
	fmt.Fprintf(w, "scenarios: %d selected, %d passed, %d failed, %d skipped, %d undefined, %d pending",
		len(res.Scenarios), counts[result.Passed], counts[result.Failed], counts[result.Skipped], counts[result.Undefined], counts[result.Pending])
	if counts[result.KnownFailure] > 0 {
		fmt.Fprintf(w, ", %d known failures", counts[result.KnownFailure])
	}
	fmt.Fprintf(w, " (%s)\n", res.Duration.Round(10*time.Millisecond))
	if line := skipsByReason(res.Scenarios); line != "" {
		fmt.Fprintln(w, line)
	}
	if len(res.Scenarios) == 0 && res.Shard != "" {
		fmt.Fprintf(w, "shard %s holds none of the selected scenarios: nothing to run\n", res.Shard)
	}
}

// verdict is the outcome of a run in a word, followed by ", INCOMPLETE (rows not
// checked: ...)" when some selected contract row had every scenario skipped: a PASS
// then says nothing of those rows.
func verdict(res Result) result.RunVerdict {
	v := result.RunVerdict{Outcome: result.Pass, NotChecked: rowsNotChecked(res.Scenarios)}
	switch {
	case res.Interrupted:
		v.Outcome = result.Interrupted
	case res.DeadlineExceeded:
		v.Outcome = result.DeadlineExceeded
	case res.ExitCode != ExitPassed:
		v.Outcome = result.Fail
	}
	return v
}

// rowsNotChecked are the contract rows of the selected scenarios that no scenario
// judged: every scenario of the row was skipped, or failed on another row before it
// judged this one. In contract order.
func rowsNotChecked(scenarios []result.Scenario) []string {
	var rows []string
	for row, st := range result.RowVerdicts(scenarios) {
		if st == result.Skipped {
			rows = append(rows, row)
		}
	}
	vocab.SortRows(rows)
	return rows
}

// rowList is the rows of a scenario for a summary line.
func rowList(rows []string) string {
	if len(rows) == 0 {
		return "no contract row"
	}
	return strings.Join(rows, " ")
}

// worse orders statuses for a row: failing beats a known failure beats passed beats
// skipped. A row is skipped only when none of its scenarios ran: a passing scenario
// checked it, even if another of its scenarios was skipped (e.g. @wire in SDK mode).

// oneLine keeps the first line of an error, bounded.
func oneLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i] + " ..."
	}
	if len(s) > maxErrorLen {
		s = s[:maxErrorLen] + "..."
	}
	return s
}

// skipsByReason counts the skipped scenarios by the kind of their skip, in the order
// first seen: "skipped by reason: 41 need the wire driver, 2 need the SDK's own retry".
func skipsByReason(scenarios []result.Scenario) string {
	counts := map[result.SkipKind]int{}
	var kinds []result.SkipKind
	for _, s := range scenarios {
		if s.Status != result.Skipped {
			continue
		}
		if counts[s.Skip] == 0 {
			kinds = append(kinds, s.Skip)
		}
		counts[s.Skip]++
	}
	if len(kinds) == 0 {
		return ""
	}
	parts := make([]string, len(kinds))
	for i, k := range kinds {
		parts[i] = fmt.Sprintf("%d %s", counts[k], k.Summary())
	}
	return "skipped by reason: " + strings.Join(parts, ", ")
}
