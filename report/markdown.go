package report

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/ciam-harness/listjobs/result"
)

// Bounds that keep the Markdown summary within what a CI job summary shows (GitHub
// takes 1 MiB per step): the full details are in the HTML report and the NDJSON log.
const (
	mdMaxItems = 50  // entries per list
	mdMaxText  = 300 // characters of one message
)

// Markdown renders a summary fit for a CI job summary (e.g. appended to
// $GITHUB_STEP_SUMMARY): the verdict, the fidelity scores, the rows that failed, the
// failures with their expectation, the known failures, the ledger problems and the
// skipped scenarios, and the matrix folded away.
func Markdown(run Run) []byte {
	var b bytes.Buffer
	m := run.Manifest
	matrix := Matrix(run)
	counts := Counts(run.Scenarios)

	fmt.Fprintf(&b, "## ListJobs conformance: %s\n\n", mdText(run.Verdict.String()))
	target := "embedded emulator"
	if !m.EmbeddedEmulator {
		target = "endpoint"
	}
	fmt.Fprintf(&b, "%s `%s`, region `%s`", target, mdCode(m.Endpoint), mdCode(m.Region))
	if m.Tags != "" {
		fmt.Fprintf(&b, ", tags `%s`", mdCode(m.Tags))
	}
	if m.Shard != "" {
		fmt.Fprintf(&b, ", shard %s", mdText(m.Shard))
	}
	if m.Seed != 0 {
		fmt.Fprintf(&b, ", seed %d", m.Seed)
	}
	fmt.Fprintf(&b, ", exit %d, %s.\n\n", m.ExitCode, m.Duration.Round(10*time.Millisecond))
	fmt.Fprintf(&b, "**%d scenarios**: %d passed, %d failed, %d known failures, %d skipped",
		len(run.Scenarios), counts[result.Passed], counts[result.Failed]+counts[result.Undefined]+counts[result.Pending], counts[result.KnownFailure], counts[result.Skipped])
	if n := counts[result.Undefined] + counts[result.Pending]; n > 0 {
		fmt.Fprintf(&b, " (%d of the failures are undefined or pending steps)", n)
	}
	b.WriteString(".\n\n")

	b.WriteString("| contract rows | fidelity | failed | known failures | skipped | not run |\n|---|---|---|---|---|---|\n")
	for _, sc := range Scores(matrix) {
		failed, known := 0, 0
		for _, rr := range matrix {
			if sc.Class == "all" || rr.Class == sc.Class {
				switch rr.Verdict {
				case result.Failed:
					failed++
				case result.KnownFailure:
					known++
				}
			}
		}
		fmt.Fprintf(&b, "| %s (%d) | %s | %d | %d | %d | %d |\n", sc.Class, sc.Total, sc.String(), failed, known, sc.Skipped, sc.NotRun)
	}
	b.WriteString("\n")

	if len(run.Problems) > 0 {
		b.WriteString("### Problems\n\n")
		for _, p := range run.Problems {
			fmt.Fprintf(&b, "- %s\n", mdText(clipText(p)))
		}
		b.WriteString("\n")
	}

	if m.KnownFailures != nil && len(m.KnownFailures.Notes) > 0 {
		b.WriteString("### Known-failure ledger: deprecation notes\n\n")
		for i, n := range m.KnownFailures.Notes {
			if i == mdMaxItems {
				fmt.Fprintf(&b, "- ... and %d more: see %s\n", len(m.KnownFailures.Notes)-mdMaxItems, ManifestFile)
				break
			}
			fmt.Fprintf(&b, "- %s\n", mdText(n))
		}
		b.WriteString("\n")
	}

	var failedRows []RowResult
	for _, rr := range matrix {
		if rr.Verdict == result.Failed {
			failedRows = append(failedRows, rr)
		}
	}
	if len(failedRows) > 0 {
		b.WriteString("### Rows failed\n\n| row | class | failing scenarios |\n|---|---|---|\n")
		for _, rr := range failedRows {
			fmt.Fprintf(&b, "| %s | %s | %s |\n", rr.ID, rr.Class, mdText(clipText(strings.Join(rr.Failing, "; "))))
		}
		b.WriteString("\n")
	}

	section := func(title string, keep func(result.Scenario) bool, line func(result.Scenario) string) {
		var items []result.Scenario
		for _, s := range run.Scenarios {
			if keep(s) {
				items = append(items, s)
			}
		}
		if len(items) == 0 {
			return
		}
		fmt.Fprintf(&b, "### %s (%d)\n\n", title, len(items))
		for i, s := range items {
			if i == mdMaxItems {
				fmt.Fprintf(&b, "- ... and %d more: see %s\n", len(items)-mdMaxItems, HTMLFile)
				break
			}
			rows := s.Rows
			if f := s.Failures(); len(f) > 0 {
				rows = f // the rows it failed, not all it is tagged with
			}
			id := ""
			if s.ID != "" {
				id = "`" + mdCode(s.ID) + "` "
			}
			fmt.Fprintf(&b, "- %s`%s:%d` %s %s: %s\n", id, mdCode(s.Feature), s.Line, mdText(s.Name), mdRows(rows), line(s))
		}
		b.WriteString("\n")
	}
	section("Failures", func(s result.Scenario) bool { return s.Status.Failing() }, func(s result.Scenario) string {
		msg := s.Error
		if msg == "" {
			msg = string(s.Status)
		}
		return mdText(clipText(msg))
	})
	section("Known failures", func(s result.Scenario) bool { return s.Status == result.KnownFailure }, func(s result.Scenario) string {
		return "known: " + mdText(clipText(s.Reason))
	})
	section("Skipped", func(s result.Scenario) bool { return s.Status == result.Skipped }, func(s result.Scenario) string {
		if s.Reason == "" {
			return "skipped"
		}
		return mdText(clipText(s.Reason))
	})

	b.WriteString("<details><summary>Contract matrix</summary>\n\n| row | class | passed | failed | skipped | known failures | verdict |\n|---|---|---|---|---|---|---|\n")
	for _, rr := range matrix {
		fmt.Fprintf(&b, "| %s | %s | %d | %d | %d | %d | %s |\n", rr.ID, rr.Class, rr.Counts[result.Passed], rr.Counts[result.Failed], rr.Counts[result.Skipped], rr.Counts[result.KnownFailure], rr.Verdict)
	}
	b.WriteString("\n</details>\n\n")
	fmt.Fprintf(&b, "Harness %s, commit %s. Full report: `%s`; one record per scenario: `%s`; manifest: `%s`.\n",
		mdText(m.Harness.Version), mdText(shortCommit(m.Harness.Commit)), HTMLFile, NDJSONFile, ManifestFile)
	return b.Bytes()
}

// mdRows is "[S2 T8]" with the rows in a code span, or "" without rows.
func mdRows(rows []string) string {
	if len(rows) == 0 {
		return ""
	}
	return "`[" + mdCode(strings.Join(rows, " ")) + "]`"
}

// mdText makes text inert in Markdown (GitHub flavour): one line, Markdown punctuation
// escaped, and no raw HTML, so a response excerpt cannot turn into markup.
func mdText(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		case '\\', '`', '*', '_', '[', ']', '|', '#', '~', '!', '@':
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// mdCode is text for a single-backtick code span: one line, no backtick, and no pipe
// (GitHub ends a table cell at a pipe even in a code span).
func mdCode(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	return strings.NewReplacer("`", "'", "|", "/").Replace(s)
}

// clipText keeps the first line-joined mdMaxText characters of a message.
func clipText(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > mdMaxText {
		return string(r[:mdMaxText]) + "..."
	}
	return s
}

func shortCommit(c string) string {
	if len(c) > 12 && c != Unknown {
		return c[:12]
	}
	return c
}
