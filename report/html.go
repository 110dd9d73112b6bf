package report

import (
	"bytes"
	"cmp"
	_ "embed"
	"fmt"
	"html/template"
	"slices"
	"strings"
	"time"

	"github.com/ciam-harness/listjobs/result"
)

// htmlTemplate is the fidelity report: one file with its style inline, no script and no
// link to anything, so it opens the same from a CI artifact with no network.
//
//go:embed report.html.tmpl
var htmlTemplate string

// classSection is the matrix of one class of rows.
type classSection struct {
	Class string
	Score Score
	Rows  []RowResult
}

// htmlData is what the template shows.
type htmlData struct {
	Run      Run
	Verdict  result.RunVerdict
	Counts   map[result.Status]int
	Failing  int
	Scores   []Score
	Sections []classSection
	// FailedRows are the rows whose verdict is failed, in matrix order: the badge links
	// to their list.
	FailedRows []string
	Failures   []result.Scenario
	Known      []result.Scenario
	Skipped    []result.Scenario
	Start      string
	Duration   string
}

var htmlFuncs = template.FuncMap{
	// plain strips the Markdown of a contract cell for display.
	"plain": func(s string) string { return strings.NewReplacer("`", "", "**", "", "\\|", "|").Replace(s) },
	"short": func(s string, n int) string {
		if r := []rune(s); len(r) > n {
			return string(r[:n]) + "…"
		}
		return s
	},
	"pct": func(s Score) string {
		p, ok := s.Percent()
		if !ok {
			return "n/a"
		}
		return fmt.Sprintf("%.1f%%", p)
	},
	"width": func(s Score) string {
		p, _ := s.Percent()
		return fmt.Sprintf("%.1f%%", p)
	},
	"ms": func(d time.Duration) string {
		if d < time.Second {
			return fmt.Sprintf("%d ms", d.Milliseconds())
		}
		return d.Round(10 * time.Millisecond).String()
	},
	"join":   strings.Join,
	"commit": shortCommit,
	"attachment": func(s result.Scenario, name string) string {
		return s.Attachment(name)
	},
	"others": func(s result.Scenario) []result.Attachment {
		var out []result.Attachment
		for _, a := range s.Attachments {
			if a.Name != "request.txt" && a.Name != "response.txt" {
				out = append(out, a)
			}
		}
		return out
	},
	"label": func(st result.Status) string {
		switch st {
		case result.KnownFailure:
			return "known failure"
		case NotRun:
			return "not run"
		}
		return string(st)
	},
	"count": func(counts map[result.Status]int, st result.Status) int { return counts[st] },
	// response is the response attachment of a failure, its JSON indented and the
	// value the failure names marked.
	"response": func(s result.Scenario) []textLine { return prettyResponse(s.Attachment("response.txt"), s.Error) },
}

// rowRank orders the rows of a class in the matrix: failed first.
func rowRank(rr RowResult) int {
	if rr.Verdict == result.Failed {
		return 0
	}
	return 1
}

var reportTemplate = template.Must(template.New("report").Funcs(htmlFuncs).Parse(htmlTemplate))

// HTML renders the self-contained fidelity report.
func HTML(run Run) ([]byte, error) {
	matrix := Matrix(run)
	d := htmlData{Run: run, Verdict: run.Verdict, Counts: Counts(run.Scenarios), Scores: Scores(matrix),
		Start: run.Manifest.Start.UTC().Format("2006-01-02 15:04:05 MST"), Duration: run.Manifest.Duration.Round(10 * time.Millisecond).String()}
	d.Failing = d.Counts[result.Failed] + d.Counts[result.Undefined] + d.Counts[result.Pending]
	classes := append([]string{}, Classes...)
	for _, rr := range matrix {
		if rr.Class == "unclassified" {
			classes = append(classes, "unclassified")
			break
		}
	}
	for _, class := range classes {
		sec := classSection{Class: class}
		for _, rr := range matrix {
			if rr.Class == class {
				sec.Rows = append(sec.Rows, rr)
			}
		}
		// Failed rows first, the others in contract order.
		slices.SortStableFunc(sec.Rows, func(a, b RowResult) int {
			return cmp.Compare(rowRank(a), rowRank(b))
		})
		for _, rr := range sec.Rows {
			if rr.Verdict == result.Failed {
				d.FailedRows = append(d.FailedRows, rr.ID)
			}
		}
		for _, sc := range d.Scores {
			if sc.Class == class {
				sec.Score = sc
			}
		}
		if len(sec.Rows) > 0 {
			d.Sections = append(d.Sections, sec)
		}
	}
	for _, s := range run.Scenarios {
		switch {
		case s.Status.Failing():
			d.Failures = append(d.Failures, s)
		case s.Status == result.KnownFailure:
			d.Known = append(d.Known, s)
		case s.Status == result.Skipped:
			d.Skipped = append(d.Skipped, s)
		}
	}
	var buf bytes.Buffer
	if err := reportTemplate.Execute(&buf, d); err != nil {
		return nil, fmt.Errorf("report: html: %v", err)
	}
	return buf.Bytes(), nil
}
