package runner

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"time"
)

// maxErrorLen bounds one error in the summary; the full text is in godog's output and
// the reports.
const maxErrorLen = 240

// printSummary prints, after godog's own output, the outcome per contract row (the
// rows that failed, with their scenarios) and the counts, so a reader sees exactly
// which documented behaviour broke.
func printSummary(w io.Writer, res Result) {
	counts := map[Status]int{}
	rowStatus := map[string]Status{} // worst status per row
	for _, s := range res.Scenarios {
		counts[s.Status]++
		for _, row := range s.Rows {
			if worse(s.Status, rowStatus[row]) {
				rowStatus[row] = s.Status
			}
		}
	}
	var rows []string
	for row := range rowStatus {
		rows = append(rows, row)
	}
	sort.Slice(rows, func(i, j int) bool { return rowLess(rows[i], rows[j]) })
	var failedRows, skippedRows []string
	for _, row := range rows {
		switch {
		case rowStatus[row].Failing():
			failedRows = append(failedRows, row)
		case rowStatus[row] == StatusSkipped:
			skippedRows = append(skippedRows, row)
		}
	}

	fmt.Fprintf(w, "\n== ListJobs conformance: %s ==\n", res.Endpoint)
	fmt.Fprintf(w, "contract rows: %d checked, %d passed, %d failed, %d skipped\n",
		len(rows), len(rows)-len(failedRows)-len(skippedRows), len(failedRows), len(skippedRows))
	if len(failedRows) > 0 {
		fmt.Fprintf(w, "rows failed: %s\n", strings.Join(failedRows, " "))
		for _, row := range failedRows {
			var names []string
			for _, s := range res.Scenarios {
				if s.Status.Failing() && slices.Contains(s.Rows, row) {
					names = append(names, fmt.Sprintf("%q", s.Name))
				}
			}
			fmt.Fprintf(w, "  %-4s %s\n", row, strings.Join(names, ", "))
		}
	}
	if len(skippedRows) > 0 {
		fmt.Fprintf(w, "rows with a skipped scenario: %s\n", strings.Join(skippedRows, " "))
	}
	if failed := res.Failed(); len(failed) > 0 {
		fmt.Fprintf(w, "scenarios failed:\n")
		for _, s := range failed {
			rows := "no contract row"
			if len(s.Rows) > 0 {
				rows = strings.Join(s.Rows, " ")
			}
			fmt.Fprintf(w, "  %s:%d %q [%s] %s: %s\n", s.Feature, s.Line, s.Name, rows, s.Status, oneLine(s.Error))
		}
	}
	fmt.Fprintf(w, "scenarios: %d selected, %d passed, %d failed, %d skipped, %d undefined, %d pending (%s)\n",
		len(res.Scenarios), counts[StatusPassed], counts[StatusFailed], counts[StatusSkipped], counts[StatusUndefined], counts[StatusPending],
		res.Duration.Round(10*time.Millisecond))
	if res.Seed != 0 {
		fmt.Fprintf(w, "seed: %d (repeat the order with --seed %d)\n", res.Seed, res.Seed)
	}
	if len(res.Reports) > 0 {
		fmt.Fprintf(w, "reports: %s\n", strings.Join(res.Reports, ", "))
	}
	verdict := "PASS"
	switch {
	case res.Interrupted:
		verdict = "INTERRUPTED"
	case res.ExitCode != ExitPassed:
		verdict = "FAIL"
	}
	fmt.Fprintf(w, "%s (exit %d)\n", verdict, res.ExitCode)
}

// worse orders statuses for a row: failing beats skipped beats passed.
func worse(a, b Status) bool {
	rank := func(s Status) int {
		switch {
		case s.Failing():
			return 3
		case s == StatusSkipped:
			return 2
		case s == StatusPassed:
			return 1
		}
		return 0
	}
	return rank(a) > rank(b)
}

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
