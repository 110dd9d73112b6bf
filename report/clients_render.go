package report

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/ciam-harness/listjobs/result"
)

// clientsTemplate is the client matrix page: one file, its style inline, no script and no
// link out of the folder, so that it opens the same from a CI artifact with no network.
//
//go:embed clients.html.tmpl
var clientsTemplate string

var clientsPage = template.Must(template.New("clients").Funcs(template.FuncMap{
	"plain": htmlFuncs["plain"],
	"short": func(s string, n int) string { return clip(htmlFuncs["plain"].(func(string) string)(s), n) },
	"clip":  clip,
	"label": htmlFuncs["label"],
	"count": htmlFuncs["count"],
	"commit": func(h Harness) string {
		s := shortCommit(h.Commit)
		if h.Modified {
			s += " (modified)"
		}
		return s
	},
	// verdictWord is the verdict without the rows it did not check: "PASS, INCOMPLETE".
	"verdictWord": func(v result.RunVerdict) string {
		if len(v.NotChecked) > 0 {
			return v.Outcome.String() + ", INCOMPLETE"
		}
		return v.Outcome.String()
	},
	"when": func(t time.Time) string {
		if t.IsZero() {
			return "unknown"
		}
		return t.UTC().Format("2006-01-02 15:04:05 MST")
	},
	"dur":   func(d time.Duration) string { return d.Round(100 * time.Millisecond).String() },
	"kinds": func() []CellKind { return CellKinds },
	"kind":  func(m map[CellKind]int, k CellKind) int { return m[k] },
	// cellID is the anchor of a cell in the list of every cell.
	"cellID": func(row string, col int) string { return fmt.Sprintf("cell-%s-%d", row, col+1) },
	"cols":   func(m ClientMatrix) int { return len(m.Columns) + 2 },
	"col":    func(m ClientMatrix, i int) ClientColumn { return m.Columns[i] },
	"add3": func(counts map[result.Status]int) int {
		return counts[result.Failed] + counts[result.Undefined] + counts[result.Pending]
	},
	"hint": cellHint,
	"notPassed": func(c Cell) []CellScenario {
		var out []CellScenario
		for _, s := range c.Scenarios {
			if s.Verdict != result.Passed {
				out = append(out, s)
			}
		}
		return out
	},
	"passed":       func(c Cell) []CellScenario { return c.ByVerdict(result.Passed) },
	"verdictWords": verdictText,
}).Parse(clientsTemplate))

// cellHint is the short text a cell shows beside its symbol: the word of its kind, and
// for a cell not checkable the kind of skip of most of its scenarios.
func cellHint(c Cell) string {
	switch c.Kind {
	case CellFailed:
		return "fail"
	case CellKnown:
		return "known"
	case CellPassed:
		return "pass"
	case CellNotRun:
		return "not run"
	}
	return "n/c"
}

// ClientMatrixHTML renders the matrix as one self-contained page.
func ClientMatrixHTML(m ClientMatrix) ([]byte, error) {
	var buf bytes.Buffer
	if err := clientsPage.Execute(&buf, m); err != nil {
		return nil, fmt.Errorf("report: client matrix: %v", err)
	}
	return buf.Bytes(), nil
}

// ClientMatrixMarkdown renders the matrix as Markdown, with the same facts as the page:
// the clients, the rows by client, and every cell's reason and scenarios.
func ClientMatrixMarkdown(m ClientMatrix) []byte {
	var b bytes.Buffer
	b.WriteString("# ListJobs client matrix\n\n")
	b.WriteString("Each contract row of CONTRACT.md (down) through each client (across). " + legendMarkdown() + "\n\n")
	for _, n := range m.Notes {
		fmt.Fprintf(&b, "- **Note**: %s\n", mdText(n))
	}
	if len(m.Notes) > 0 {
		b.WriteString("\n")
	}

	b.WriteString("## Clients\n\n| client | sends through | endpoint | tags | verdict | scenarios | rows | known-failure ledger | broken SDKs | reports |\n|---|---|---|---|---|---|---|---|---|---|\n")
	for _, c := range m.Columns {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s (exit %d) | %s | %s | %s | %s | %s |\n",
			mdText(c.Label), mdText(c.Driver+clientSuffix(c.Client)), mdText(endpointWords(c)), mdText(cmpOr(c.Tags, "all")),
			mdText(c.Verdict.String()), c.ExitCode, mdText(scenarioCounts(c)), mdText(kindCounts(c.Kinds)),
			mdText(ledgerWords(c.Ledger)), mdText(killWords(c)), mdReports(c))
	}
	b.WriteString("\n")

	b.WriteString("## Contract rows by client\n\n| row | class |")
	for _, c := range m.Columns {
		fmt.Fprintf(&b, " %s |", mdText(c.Label))
	}
	b.WriteString("\n|---|---|" + strings.Repeat("---|", len(m.Columns)) + "\n")
	for _, a := range m.Areas() {
		fmt.Fprintf(&b, "| **%s** | |%s\n", mdText(a.Name), strings.Repeat(" |", len(m.Columns)))
		for _, r := range a.Rows {
			fmt.Fprintf(&b, "| [%s](#%s) | %s |", r.ID, strings.ToLower(r.ID), r.Class)
			for _, c := range r.Cells {
				fmt.Fprintf(&b, " %s %s |", c.Kind.Symbol(), cellHint(c))
			}
			b.WriteString("\n")
		}
	}
	b.WriteString("\n")

	b.WriteString("## Every cell, row by row\n\n")
	for _, r := range m.Rows {
		fmt.Fprintf(&b, "### %s\n\n%s row", r.ID, r.Class)
		if r.Area != "" {
			fmt.Fprintf(&b, " of %s", mdText(r.Area))
		}
		if r.Behaviour != "" {
			fmt.Fprintf(&b, ": %s", mdText(htmlFuncs["plain"].(func(string) string)(r.Behaviour)))
		}
		b.WriteString("\n\n")
		for i, c := range r.Cells {
			fmt.Fprintf(&b, "- **%s**: %s %s: %s\n", mdText(m.Columns[i].Label), c.Kind.Symbol(), c.Kind.Words(), mdText(c.Reason))
			var passed []string
			for _, s := range c.Scenarios {
				if s.Verdict == result.Passed {
					passed = append(passed, "`"+mdCode(s.Key())+"`")
					continue
				}
				fmt.Fprintf(&b, "  - `%s` %s", mdCode(s.Key()), verdictText(s.Verdict))
				if s.Note != "" {
					fmt.Fprintf(&b, ": %s", mdText(clipText(s.Note)))
				}
				b.WriteString("\n")
			}
			if len(passed) > 0 {
				fmt.Fprintf(&b, "  - passed: %s\n", strings.Join(passed, ", "))
			}
		}
		b.WriteString("\n")
	}
	b.WriteString(footerMarkdown(m))
	return b.Bytes()
}

func legendMarkdown() string {
	var parts []string
	for _, k := range CellKinds {
		parts = append(parts, k.Symbol()+" "+k.Words())
	}
	return "Cells: " + strings.Join(parts, ", ") + "."
}

func verdictText(st result.Status) string {
	switch st {
	case NotJudged:
		return "not judged"
	case result.KnownFailure:
		return "known failure"
	}
	return string(st)
}

func clientSuffix(client string) string {
	if client == "" {
		return ""
	}
	return " (" + client + ")"
}

func endpointWords(c ClientColumn) string {
	if c.Embedded {
		return "embedded emulator"
	}
	return c.Endpoint
}

func scenarioCounts(c ClientColumn) string {
	return fmt.Sprintf("%d: %d passed, %d failed, %d known failures, %d skipped", c.Scenarios, c.Counts[result.Passed],
		c.Counts[result.Failed]+c.Counts[result.Undefined]+c.Counts[result.Pending], c.Counts[result.KnownFailure], c.Counts[result.Skipped])
}

func kindCounts(kinds map[CellKind]int) string {
	var parts []string
	for _, k := range CellKinds {
		parts = append(parts, fmt.Sprintf("%d %s", kinds[k], k.Words()))
	}
	return strings.Join(parts, ", ")
}

func ledgerWords(l *LedgerInfo) string {
	if l == nil {
		return "none"
	}
	return fmt.Sprintf("%s (%d %s)", l.Path, l.Entries, plural(l.Entries, "entry", "entries"))
}

func killWords(c ClientColumn) string {
	if c.Kills == nil {
		return c.KillsNote
	}
	return c.Kills.String()
}

func mdReports(c ClientColumn) string {
	var parts []string
	for _, f := range []string{HTMLFile, MarkdownFile} {
		if p, ok := c.Reports[f]; ok {
			parts = append(parts, fmt.Sprintf("[%s](%s)", f, mdLink(p)))
		}
	}
	if len(parts) == 0 {
		return mdText(c.Dir)
	}
	return strings.Join(parts, ", ")
}

// mdLink makes a relative path safe as a Markdown link target.
func mdLink(p string) string {
	return strings.NewReplacer(" ", "%20", "(", "%28", ")", "%29", "<", "%3C", ">", "%3E", "|", "%7C", "`", "%60").Replace(p)
}

func footerMarkdown(m ClientMatrix) string {
	var b strings.Builder
	b.WriteString("---\n\nBuilt from the report folders")
	for i, c := range m.Columns {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, " `%s` (%s)", mdCode(c.Dir), mdText(c.Label))
	}
	b.WriteString(" by `conformance matrix`")
	if m.SDKMutation != nil {
		fmt.Fprintf(&b, "; broken-SDK kill counts from `%s`", mdCode(m.SDKMutation.Path))
	}
	b.WriteString(".\n")
	return b.String()
}
