package report

import (
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/ciam-harness/listjobs/result"
	"github.com/ciam-harness/listjobs/vocab"
)

// The client matrix puts runs of the suite side by side, one column per run (a client
// against an endpoint), the contract rows down: what each row's scenarios did through
// each client. It is built from report folders alone (ReadClientRun), the manifest.json
// and results.ndjson a run writes, so that any runs can be compared the same way: every
// client against the reference, a vendor's emulator beside it, a real account.

// Files of the client matrix in its output folder.
const (
	ClientMatrixHTMLFile     = "index.html"
	ClientMatrixMarkdownFile = "matrix.md"
)

// CellKind is what one client did on one contract row.
type CellKind string

// The kinds of cell, from the row's verdict in the run (result.RowVerdicts): failed when
// a scenario's failure is blamed on the row, else a known client defect when a
// failure of the row is in the client's known-failure ledger, else passed when a
// scenario judged it and passed, else not checkable through the client (every scenario
// of the row was skipped, or stopped on another row first), else not run (the run
// selected no scenario of the row).
const (
	CellFailed       CellKind = "failed"
	CellKnown        CellKind = "known-failure"
	CellPassed       CellKind = "passed"
	CellNotCheckable CellKind = "not-checkable"
	CellNotRun       CellKind = "not-run"
)

// CellKinds are the kinds, worst first.
var CellKinds = []CellKind{CellFailed, CellKnown, CellPassed, CellNotCheckable, CellNotRun}

// Symbol is the cell's sign, so that the matrix reads without colour.
func (k CellKind) Symbol() string {
	switch k {
	case CellFailed:
		return "✗"
	case CellKnown:
		return "!"
	case CellPassed:
		return "✓"
	case CellNotCheckable:
		return "–"
	}
	return "·"
}

// Words are the cell's words: "failed", "known client defect", ...
func (k CellKind) Words() string {
	switch k {
	case CellFailed:
		return "failed"
	case CellKnown:
		return "known client defect"
	case CellPassed:
		return "passed"
	case CellNotCheckable:
		return "not checkable"
	}
	return "not run"
}

// notJudgedWords say why a scenario of a cell has the verdict NotJudged.
const notJudgedWords = "stopped on another row's failure before it judged this row"

// CellScenario is one scenario behind a cell: its verdict on the row and why.
type CellScenario struct {
	ID, Feature, Name string
	Line              int64
	// Verdict is the scenario's word on the row: Passed, Failed (Undefined and Pending
	// too), KnownFailure, Skipped, or NotJudged.
	Verdict result.Status
	// Note is the error of a failure, the ledger's reason for a known failure, the reason
	// of a skip, or why a scenario did not judge the row.
	Note string
}

// Key is how the cell names the scenario: its case id, or "feature:line name".
func (s CellScenario) Key() string {
	if s.ID != "" {
		return s.ID
	}
	return fmt.Sprintf("%s:%d %s", s.Feature, s.Line, s.Name)
}

// Cell is one client's verdict on one row.
type Cell struct {
	Kind CellKind
	// Reason says why, in one line (after the kind's words): the counts behind the
	// verdict, the ledger's reasons, the skip kinds' words.
	Reason    string
	Scenarios []CellScenario
}

// ByVerdict returns the cell's scenarios with the given verdict.
func (c Cell) ByVerdict(st result.Status) []CellScenario {
	var out []CellScenario
	for _, s := range c.Scenarios {
		if s.Verdict == st {
			out = append(out, s)
		}
	}
	return out
}

// ClientColumn is one run of the matrix.
type ClientColumn struct {
	Label string
	Dir   string
	// Driver and Client are the manifest's driver and the client it named ("" for wire);
	// ClientShort is Client's name and version alone, for the column's header.
	Driver, Client, ClientShort string
	Endpoint                    string
	Embedded                    bool
	Tags                        string
	Verdict                     result.RunVerdict
	ExitCode                    int
	Start                       time.Time
	Duration                    time.Duration
	Harness                     Harness
	Ledger                      *LedgerInfo
	Counts                      map[result.Status]int
	Scenarios                   int
	// Kinds counts the column's rows by the kind of their cell.
	Kinds map[CellKind]int
	// Kills are the broken-SDK kill counts of the column's driver; KillsNote says why
	// there are none (no sdk-mutation report, the wire driver, a driver it does not cover).
	Kills     *Kills
	KillsNote string
	// Reports are the column's own reports (report.html, summary.md) as paths relative to
	// the matrix's folder, by file name; none when a relative path cannot be made.
	Reports map[string]string
	// OtherContract is set when the run's CONTRACT.md differs from the matrix's.
	OtherContract bool
}

// ClientRow is one contract row of the matrix, with a cell per column.
type ClientRow struct {
	Row
	Cells []Cell
}

// ClientMatrix is the matrix: rows by columns, and the notes that go with it.
type ClientMatrix struct {
	Columns []ClientColumn
	Rows    []ClientRow
	// SDKMutation is the sdk-mutation report of the kill counts, if one was given.
	SDKMutation *SDKMutation
	// Notes say what the reader must know about the columns (another CONTRACT.md).
	Notes []string
}

// ClientMatrixOptions configure BuildClientMatrix.
type ClientMatrixOptions struct {
	// Rows are the contract's rows, in contract order (package contract); rows that the
	// runs name but the contract lacks come after, "unclassified".
	Rows []Row
	// Contract is the SHA-256 of the CONTRACT.md the rows come from: a run whose
	// manifest names another is noted.
	Contract string
	// SDKMutation, if set, gives each SDK column its kill counts.
	SDKMutation *SDKMutation
	// OutDir is the folder the matrix is written to, for the links to each run's reports.
	OutDir string
}

// BuildClientMatrix puts runs side by side. Labels must be unique.
func BuildClientMatrix(runs []ClientRun, opts ClientMatrixOptions) (ClientMatrix, error) {
	m := ClientMatrix{SDKMutation: opts.SDKMutation}
	seen := map[string]string{}
	for _, r := range runs {
		if dir, dup := seen[r.Label]; dup {
			return m, fmt.Errorf("two report folders are labelled %q (%s and %s): give one another label (DIR=LABEL)", r.Label, dir, r.Dir)
		}
		seen[r.Label] = r.Dir
	}
	rows := slices.Clone(opts.Rows)
	known := map[string]bool{}
	for _, r := range rows {
		known[r.ID] = true
	}
	var extra []string
	verdicts := make([]map[string]result.Status, len(runs))
	for i, r := range runs {
		verdicts[i] = result.RowVerdicts(r.Scenarios)
		for id := range verdicts[i] {
			if !known[id] {
				known[id] = true
				extra = append(extra, id)
			}
		}
	}
	vocab.SortRows(extra)
	for _, id := range extra {
		rows = append(rows, Row{ID: id, Class: "unclassified"})
	}
	for i, r := range runs {
		m.Columns = append(m.Columns, column(r, opts))
		if opts.Contract != "" && r.Manifest.Contract != "" && r.Manifest.Contract != opts.Contract {
			m.Columns[i].OtherContract = true
			m.Notes = append(m.Notes, fmt.Sprintf("%s was judged against another CONTRACT.md (sha256 %s) than the rows shown (sha256 %s): its rows may differ",
				r.Label, shortCommit(r.Manifest.Contract), shortCommit(opts.Contract)))
		}
	}
	for _, row := range rows {
		cr := ClientRow{Row: row}
		for i, r := range runs {
			c := cell(row.ID, verdicts[i], r.Scenarios)
			m.Columns[i].Kinds[c.Kind]++
			cr.Cells = append(cr.Cells, c)
		}
		m.Rows = append(m.Rows, cr)
	}
	return m, nil
}

// column describes a run.
func column(r ClientRun, opts ClientMatrixOptions) ClientColumn {
	mf := r.Manifest
	c := ClientColumn{Label: r.Label, Dir: r.Dir, Driver: cmpOr(mf.Driver, "wire"), Client: mf.SDK, ClientShort: shortClient(mf.SDK), Endpoint: mf.Endpoint,
		Embedded: mf.EmbeddedEmulator, Tags: mf.Tags, Verdict: result.RunVerdict{Outcome: mf.Outcome, NotChecked: mf.RowsNotChecked}, ExitCode: mf.ExitCode, Start: mf.Start,
		Duration: mf.Duration, Harness: mf.Harness, Ledger: mf.KnownFailures, Counts: Counts(r.Scenarios),
		Scenarios: len(r.Scenarios), Kinds: map[CellKind]int{}, Reports: map[string]string{}}
	switch {
	case opts.SDKMutation == nil:
		c.KillsNote = "no sdk-mutation report given"
	case c.Driver == "wire":
		c.KillsNote = "not an SDK: the harness's own requests"
	default:
		if k, ok := opts.SDKMutation.Kills[c.Driver]; ok {
			c.Kills = &k
		} else {
			c.KillsNote = "no broken copy of this client in the sdk-mutation report"
		}
	}
	if opts.OutDir != "" {
		for _, f := range r.Reports {
			if rel, err := relPath(opts.OutDir, filepath.Join(r.Dir, f)); err == nil {
				c.Reports[f] = rel
			}
		}
	}
	return c
}

// pathGroup is a parenthesised group that holds a path: an adapter's command.
var pathGroup = regexp.MustCompile(`\s*\([^()]*/[^()]*\)`)

// shortClient is a client's name and version for a column header: the adapter's prefix
// ("node adapter, ") and command left out, a Go module path shortened to its repository:
// "tencentcloud-sdk-nodejs 4.1.313", "tencentcloud-sdk-go v1.3.212".
func shortClient(client string) string {
	s := strings.TrimSpace(pathGroup.ReplaceAllString(client, ""))
	if before, after, ok := strings.Cut(s, ", "); ok && strings.HasSuffix(before, " adapter") {
		s = after
	}
	if first, rest, _ := strings.Cut(s, " "); strings.Count(first, "/") >= 2 {
		s = strings.TrimSpace(strings.Split(first, "/")[2] + " " + rest)
	}
	return s
}

// relPath is target relative to base, slash-separated, for a link.
func relPath(base, target string) (string, error) {
	ab, err := filepath.Abs(base)
	if err != nil {
		return "", err
	}
	at, err := filepath.Abs(target)
	if err != nil {
		return "", err
	}
	rel, err := filepath.Rel(ab, at)
	if err != nil {
		return "", err
	}
	return filepath.ToSlash(rel), nil
}

// cell is the verdict of one run on one row, with the scenarios behind it.
func cell(row string, verdicts map[string]result.Status, scenarios []result.Scenario) Cell {
	var c Cell
	for _, s := range scenarios {
		if !slices.Contains(s.Rows, row) && !slices.Contains(s.Failures(), row) {
			continue
		}
		cs := CellScenario{ID: s.ID, Feature: s.Feature, Name: s.Name, Line: s.Line}
		st, ok := s.Verdict(row)
		switch {
		case !ok:
			cs.Verdict, cs.Note = NotJudged, notJudgedWords
			if len(s.Failures()) > 0 {
				cs.Note += " (it failed on " + strings.Join(s.Failures(), " ") + ")"
			}
		case st.Failing():
			cs.Verdict, cs.Note = result.Failed, cmpOr(s.Error, string(s.Status))
		case st == result.KnownFailure:
			cs.Verdict, cs.Note = result.KnownFailure, s.Reason
		case st == result.Skipped:
			cs.Verdict, cs.Note = result.Skipped, cmpOr(s.Reason, "skipped")
		default:
			cs.Verdict = st
		}
		c.Scenarios = append(c.Scenarios, cs)
	}
	v, ok := verdicts[row]
	switch {
	case !ok:
		c.Kind = CellNotRun
		c.Reason = "no scenario of " + row + " in this run (not selected)"
		return c
	case v.Failing():
		c.Kind = CellFailed
	case v == result.KnownFailure:
		c.Kind = CellKnown
	case v == result.Passed:
		c.Kind = CellPassed
	default:
		c.Kind = CellNotCheckable
	}
	c.Reason = cellReason(c, scenarios, row)
	return c
}

// cellReason says in one line what the cell's scenarios did: how many failed, are known
// failures (and the ledger's reasons), passed, and why the others did not judge the row.
func cellReason(c Cell, scenarios []result.Scenario, row string) string {
	var parts []string
	n := func(st result.Status) int { return len(c.ByVerdict(st)) }
	if k := n(result.Failed); k > 0 {
		parts = append(parts, fmt.Sprintf("%d %s on %s", k, plural(k, "scenario failed", "scenarios failed"), row))
	}
	if k := n(result.KnownFailure); k > 0 {
		reasons := uniq(notes(c.ByVerdict(result.KnownFailure)))
		parts = append(parts, fmt.Sprintf("%d %s in the client's ledger (%s)", k, plural(k, "known failure", "known failures"), clip(strings.Join(reasons, "; "), 240)))
	}
	if k := n(result.Passed); k > 0 {
		parts = append(parts, fmt.Sprintf("%d passed", k))
	}
	// The skips by kind, in the order first seen, in the words of the kind.
	kinds := map[result.SkipKind]int{}
	var order []result.SkipKind
	for _, s := range scenarios {
		if s.Status != result.Skipped || !slices.Contains(s.Rows, row) {
			continue
		}
		if kinds[s.Skip] == 0 {
			order = append(order, s.Skip)
		}
		kinds[s.Skip]++
	}
	for _, k := range order {
		words := ", which " + k.Summary()
		if k == result.SkipNone {
			words = " (the report names no kind of skip)"
		}
		parts = append(parts, fmt.Sprintf("%d skipped%s", kinds[k], words))
	}
	if k := n(NotJudged); k > 0 {
		parts = append(parts, fmt.Sprintf("%d stopped on another row's failure before judging %s", k, row))
	}
	return strings.Join(parts, "; ")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func notes(ss []CellScenario) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = s.Note
	}
	return out
}

// uniq keeps the first of each string, in order.
func uniq(ss []string) []string {
	var out []string
	for _, s := range ss {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// clip keeps the first n runes of s, on one line.
func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// Areas returns the rows of the matrix by area, in the order of the rows.
func (m ClientMatrix) Areas() []ClientArea {
	var out []ClientArea
	for _, r := range m.Rows {
		name := cmpOr(r.Area, "Rows the contract does not hold")
		if len(out) == 0 || out[len(out)-1].Name != name {
			out = append(out, ClientArea{Name: name})
		}
		out[len(out)-1].Rows = append(out[len(out)-1].Rows, r)
	}
	return out
}

// ClientArea is the rows of one area of the contract.
type ClientArea struct {
	Name string
	Rows []ClientRow
}

// ClassCounts counts the matrix's rows by class, in the order of Classes.
func (m ClientMatrix) ClassCounts() []ClassCount {
	counts := map[string]int{}
	for _, r := range m.Rows {
		counts[r.Class]++
	}
	var out []ClassCount
	for _, class := range append(slices.Clone(Classes), "unclassified") {
		if counts[class] > 0 {
			out = append(out, ClassCount{class, counts[class]})
		}
	}
	return out
}

// ClassCount is how many rows a class has.
type ClassCount struct {
	Class string
	Rows  int
}
