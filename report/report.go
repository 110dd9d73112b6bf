// Package report turns the results of one conformance run into files for people and
// pipelines: JUnit XML and Cucumber JSON for CI dashboards, an NDJSON log (one record
// per scenario), a Markdown summary fit for a CI job summary, a self-contained HTML
// fidelity report (the contract rows by result, per class, with a fidelity score for
// each class and the request, response and expectation of every failure) and the run
// manifest.
//
// The writers are pure functions of a Run: they neither read the clock nor the
// environment, and they write what they are given. The caller (the runner) removes the
// secrets from what it hands over and again from every file (Write takes the filter).
package report

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/ciam-harness/listjobs/result"
	"github.com/ciam-harness/listjobs/vocab"
)

// Row is one row of the contract (see package contract).
type Row struct {
	ID        string // "S2"
	Class     string // "documented", "assumed" or "mixed"
	Area      string
	Behaviour string // Markdown as written in CONTRACT.md
}

// Run is everything the reports show.
type Run struct {
	Manifest Manifest
	// Rows are the rows of the contract, in contract order.
	Rows      []Row
	Scenarios []result.Scenario
	// Verdict is the run's outcome, and the rows it left unchecked.
	Verdict result.RunVerdict
	// Problems are run-level reasons for the verdict besides failed scenarios, one line
	// each: known-failure ledger entries that passed or are gone, a deadline reached.
	Problems []string
}

// Classes in the order the reports show them.
var Classes = []string{"documented", "assumed", "mixed"}

// RowResult is one contract row of the matrix: how many of its scenarios ended in each
// status, and the row's verdict.
type RowResult struct {
	Row
	Counts map[result.Status]int
	// Verdict is Failed if a scenario's failure is blamed on the row (or it had an
	// undefined or pending step), else KnownFailure if one is a known failure of the
	// row, else Passed if one passed, else Skipped if one was skipped or did not get to
	// judge the row (NotJudged), else NotRun.
	Verdict result.Status
	// Scenarios are the names of the row's scenarios that failed or are known failures.
	Failing []string
}

// NotRun is the verdict of a row none of whose scenarios the run selected.
const NotRun result.Status = "not-run"

// NotJudged counts, in a row's Counts, the scenarios of the row that failed on another
// row before they judged this one (exact attribution: their failure is not the row's).
// A row with no other verdict is not checked, like a skipped one.
const NotJudged result.Status = "not-judged"

// Matrix returns the contract rows with their results, in contract order; rows that
// scenarios carry but the contract lacks come last, with the class "unclassified".
func Matrix(run Run) []RowResult {
	byRow := map[string]*RowResult{}
	var out []*RowResult
	for _, r := range run.Rows {
		rr := &RowResult{Row: r, Counts: map[result.Status]int{}}
		byRow[r.ID] = rr
		out = append(out, rr)
	}
	var extra []*RowResult
	for _, s := range run.Scenarios {
		ids := append(slices.Clone(s.Rows), s.Failures()...)
		vocab.SortRows(ids)
		for _, id := range slices.Compact(ids) {
			rr := byRow[id]
			if rr == nil {
				rr = &RowResult{Row: Row{ID: id, Class: "unclassified"}, Counts: map[result.Status]int{}}
				byRow[id] = rr
				extra = append(extra, rr)
			}
			st, ok := s.Verdict(id)
			switch {
			case !ok:
				st = NotJudged
			case st == result.Undefined || st == result.Pending:
				st = result.Failed
			}
			rr.Counts[st]++
			if st == result.Failed || st == result.KnownFailure {
				rr.Failing = append(rr.Failing, s.Name)
			}
		}
	}
	sort.Slice(extra, func(i, j int) bool { return extra[i].ID < extra[j].ID })
	rows := make([]RowResult, 0, len(out)+len(extra))
	for _, rr := range append(out, extra...) {
		switch {
		case rr.Counts[result.Failed] > 0:
			rr.Verdict = result.Failed
		case rr.Counts[result.KnownFailure] > 0:
			rr.Verdict = result.KnownFailure
		case rr.Counts[result.Passed] > 0:
			rr.Verdict = result.Passed
		case rr.Counts[result.Skipped] > 0 || rr.Counts[NotJudged] > 0:
			rr.Verdict = result.Skipped
		default:
			rr.Verdict = NotRun
		}
		rows = append(rows, *rr)
	}
	return rows
}

// Score is the fidelity of one class of rows: of the rows whose scenarios ran (passed,
// failed or known failure), the share that passed. Skipped and unselected rows do not
// count either way.
type Score struct {
	Class   string
	Passed  int // rows passed
	Judged  int // rows passed, failed or known failures
	Skipped int // rows whose scenarios were all skipped
	NotRun  int // rows the run did not select
	Total   int // rows of the class
}

// Percent is the score in percent; ok is false when no row of the class was judged.
func (s Score) Percent() (p float64, ok bool) {
	if s.Judged == 0 {
		return 0, false
	}
	return 100 * float64(s.Passed) / float64(s.Judged), true
}

// String is "30 of 31 rows (96.8%)", or "no row judged".
func (s Score) String() string {
	p, ok := s.Percent()
	if !ok {
		return "no row judged"
	}
	return fmt.Sprintf("%d of %d rows (%s%%)", s.Passed, s.Judged, strconv.FormatFloat(p, 'f', 1, 64))
}

// Scores returns the fidelity score of each class of Classes, then of all rows together
// (Class "all"), from a matrix.
func Scores(matrix []RowResult) []Score {
	var out []Score
	for _, class := range append(slices.Clone(Classes), "all") {
		sc := Score{Class: class}
		for _, rr := range matrix {
			if class != "all" && rr.Class != class {
				continue
			}
			sc.Total++
			switch rr.Verdict {
			case result.Passed:
				sc.Passed++
				sc.Judged++
			case result.Failed, result.KnownFailure:
				sc.Judged++
			case result.Skipped:
				sc.Skipped++
			default:
				sc.NotRun++
			}
		}
		out = append(out, sc)
	}
	return out
}

// Counts returns how many scenarios ended in each status.
func Counts(scenarios []result.Scenario) map[result.Status]int {
	out := map[result.Status]int{}
	for _, s := range scenarios {
		out[s.Status]++
	}
	return out
}

// File names of the reports in the output folder.
const (
	NDJSONFile   = "results.ndjson"
	MarkdownFile = "summary.md"
	HTMLFile     = "report.html"
	ManifestFile = "manifest.json"
)

// Kind is one report: its name (as --reports names it), its file in the output folder
// and its renderer.
type Kind struct {
	Name, File string
	Render     func(Run) ([]byte, error)
}

// registry is every report, in the order they are written: the one place a new report
// is added.
var registry = []Kind{
	{"junit", JUnitFile, JUnit},
	{"cucumber", CucumberFile, Cucumber},
	{"ndjson", NDJSONFile, NDJSON},
	{"markdown", MarkdownFile, func(r Run) ([]byte, error) { return Markdown(r), nil }},
	{"html", HTMLFile, HTML},
	{"manifest", ManifestFile, func(r Run) ([]byte, error) { return ManifestJSON(r.Manifest) }},
}

// Kinds are the names of the reports Write can produce, in registry order.
var Kinds = func() []string {
	var out []string
	for _, k := range registry {
		out = append(out, k.Name)
	}
	return out
}()

// lookup returns the report of a name.
func lookup(name string) (Kind, error) {
	for _, k := range registry {
		if k.Name == name {
			return k, nil
		}
	}
	return Kind{}, fmt.Errorf("report: unknown kind %q (want one of %s)", name, strings.Join(Kinds, ", "))
}

// FileName returns the file of a report kind, or "" for an unknown kind.
func FileName(kind string) string {
	k, _ := lookup(kind)
	return k.File
}

// Render produces the report of one kind.
func Render(kind string, run Run) ([]byte, error) {
	k, err := lookup(kind)
	if err != nil {
		return nil, err
	}
	return k.Render(run)
}

// Write renders the given kinds into dir, passing every file through filter (the
// caller's secret redaction; nil = none) before it is written, and returns the paths.
func Write(dir string, kinds []string, run Run, filter func([]byte) []byte) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("report: %v", err)
	}
	var paths []string
	for _, kind := range kinds {
		b, err := Render(kind, run)
		if err != nil {
			return paths, err
		}
		if filter != nil {
			b = filter(b)
		}
		p := filepath.Join(dir, FileName(kind))
		if err := os.WriteFile(p, b, 0o644); err != nil {
			return paths, fmt.Errorf("report: %v", err)
		}
		paths = append(paths, p)
	}
	return paths, nil
}

// Prune removes from dir the files of the registered reports that kinds does not name,
// so that a run writing some reports leaves none of an earlier run looking current. It
// touches only those file names, only in dir, and returns the paths it removed.
func Prune(dir string, kinds []string) ([]string, error) {
	var removed []string
	for _, k := range registry {
		if slices.Contains(kinds, k.Name) {
			continue
		}
		p := filepath.Join(dir, k.File)
		st, err := os.Lstat(p)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			continue
		case err != nil:
			return removed, fmt.Errorf("report: %v", err)
		case st.IsDir():
			continue // not a report of ours
		}
		if err := os.Remove(p); err != nil {
			return removed, fmt.Errorf("report: %v", err)
		}
		removed = append(removed, p)
	}
	return removed, nil
}
