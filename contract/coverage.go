package contract

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	gherkin "github.com/cucumber/gherkin/go/v42"
	messages "github.com/cucumber/messages/go/v34"

	"github.com/ciam-harness/listjobs/vocab"
)

// Tags with a meaning in CONTRACT.md besides the row tags (@T1 ... @R3).
const (
	TagAssumed        = vocab.TagAssumed
	TagSignatureV1    = vocab.TagSignatureV1
	TagToken          = vocab.TagToken
	TagFixture        = vocab.TagFixture
	TagFaultInjection = vocab.TagFaultInjection
)

// CapabilityTag returns the tag that the scenarios of an optional-capability row must
// carry (A7: @signature-v1, A8: @token), or "" for any other row.
func CapabilityTag(rowID string) string {
	switch rowID {
	case "A7":
		return TagSignatureV1
	case "A8":
		return TagToken
	}
	return ""
}

// Kind names one kind of coverage problem.
type Kind string

// The kinds of coverage problem.
const (
	KindFeatureParse      Kind = "feature-parse"      // a .feature file does not parse
	KindNoFeatures        Kind = "no-features"        // no .feature file at all
	KindUncoveredRow      Kind = "uncovered-row"      // a row has no scenario
	KindUnknownRowTag     Kind = "unknown-row-tag"    // a row tag names no row
	KindMissingAssumed    Kind = "missing-assumed"    // assumed row tag without @assumed
	KindStrayAssumed      Kind = "stray-assumed"      // @assumed without an assumed row tag
	KindNoRowTag          Kind = "no-row-tag"         // a scenario without any row tag
	KindMissingCapability Kind = "missing-capability" // A7 without @signature-v1, A8 without @token
	KindCodeNotExpected   Kind = "code-not-expected"  // a produced code that no scenario of its rows expects
	KindCodeUnaccounted   Kind = "code-unaccounted"   // a table code without a valid ledger entry
	KindFaultCoverage     Kind = "fault-coverage"     // fault-injection outline missing, or missing codes
)

// Problem is one coverage failure. Pos is "file:line" in the features, or "" for a
// problem of the contract as a whole.
type Problem struct {
	Kind Kind
	Pos  string
	Msg  string
}

func (p Problem) String() string {
	if p.Pos == "" {
		return fmt.Sprintf("%s [%s]", p.Msg, p.Kind)
	}
	return fmt.Sprintf("%s: %s [%s]", p.Pos, p.Msg, p.Kind)
}

// Report is the result of a coverage check.
type Report struct {
	Files     int // .feature files read
	Scenarios int // scenarios, counting each Examples block of an outline once
	Problems  []Problem
}

// Count returns how many problems of the given kind the report holds.
func (r *Report) Count(k Kind) int {
	n := 0
	for _, p := range r.Problems {
		if p.Kind == k {
			n++
		}
	}
	return n
}

// Err returns nil when there is no problem, or one error that lists every problem,
// one per line.
func (r *Report) Err() error {
	if len(r.Problems) == 0 {
		return nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "contract coverage: %d problem(s) in %d feature file(s), %d scenario(s):", len(r.Problems), r.Files, r.Scenarios)
	for _, p := range r.Problems {
		b.WriteString("\n  ")
		b.WriteString(p.String())
	}
	return errors.New(b.String())
}

// CheckCoverage checks the *.feature files of features (searched recursively) against the
// embedded CONTRACT.md and reports every problem at once.
func CheckCoverage(features fs.FS) error {
	c, err := Load()
	if err != nil {
		return err
	}
	r, err := c.Coverage(features)
	if err != nil {
		return err
	}
	return r.Err()
}

// scenario is one unit that carries tags: a Scenario, or one Examples block of a
// Scenario Outline (its rows share the block's tags).
type scenario struct {
	pos     string
	name    string
	tags    map[string]bool
	texts   []string // step texts and doc strings: searched for quoted codes
	cells   []string // data table cells and Examples body cells
	outline *outline
}

type outline struct {
	pos, name string
	fault     bool
	cells     map[string]bool // body cells of its @fault-injection Examples blocks
}

type tagDecl struct {
	name, pos string
}

// Coverage parses the *.feature files of features (searched recursively) and checks them
// against the contract. The error is for a file system failure; contract and feature
// problems are in the report.
func (c *Contract) Coverage(features fs.FS) (*Report, error) {
	r := &Report{}
	var scenarios []*scenario
	var outlines []*outline
	var decls []tagDecl
	err := fs.WalkDir(features, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || path.Ext(p) != ".feature" {
			return nil
		}
		data, err := fs.ReadFile(features, p)
		if err != nil {
			return err
		}
		r.Files++
		doc, err := gherkin.ParseGherkinDocument(bytes.NewReader(data), (&messages.Incrementing{}).NewId)
		if err != nil {
			r.add(KindFeatureParse, p, "does not parse: %s", oneLine(err.Error()))
			return nil
		}
		w := walker{file: p}
		w.feature(doc.Feature)
		scenarios = append(scenarios, w.scenarios...)
		outlines = append(outlines, w.outlines...)
		decls = append(decls, w.decls...)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading features: %w", err)
	}
	r.Scenarios = len(scenarios)
	if r.Files == 0 {
		r.add(KindNoFeatures, "", "no .feature file found")
	}
	c.checkTags(r, scenarios, decls)
	c.checkRowsCovered(r, scenarios)
	c.checkLedgerEntries(r)
	c.checkCodesExpected(r, scenarios)
	c.checkFaultInjection(r, outlines)
	return r, nil
}

func (r *Report) add(k Kind, pos, format string, args ...any) {
	r.Problems = append(r.Problems, Problem{Kind: k, Pos: pos, Msg: fmt.Sprintf(format, args...)})
}

func (c *Contract) checkTags(r *Report, scenarios []*scenario, decls []tagDecl) {
	for _, d := range decls {
		if vocab.IsRowLike(d.name[1:]) {
			if _, ok := c.Lookup(d.name[1:]); !ok {
				r.add(KindUnknownRowTag, d.pos, "tag %s names no row of the contract", d.name)
			}
		}
	}
	for _, s := range scenarios {
		var rowTags, assumed, mixed []string
		for _, id := range sortedTags(s.tags) {
			if !vocab.IsRowLike(id[1:]) {
				continue
			}
			rowTags = append(rowTags, id)
			row, ok := c.Lookup(id[1:])
			if !ok {
				continue // reported at its declaration
			}
			switch row.Class {
			case Assumed:
				assumed = append(assumed, id)
			case Mixed:
				mixed = append(mixed, id)
			}
			if capTag := CapabilityTag(row.ID); capTag != "" && !s.tags[capTag] {
				r.add(KindMissingCapability, s.pos, "%s: tagged %s, an optional capability, but not %s", s.name, id, capTag)
			}
		}
		if len(rowTags) == 0 {
			r.add(KindNoRowTag, s.pos, "%s: no row tag (@T1 ... @R3)", s.name)
		}
		switch {
		case len(assumed) > 0 && !s.tags[TagAssumed]:
			r.add(KindMissingAssumed, s.pos, "%s: tagged with assumed row(s) %s but not %s", s.name, strings.Join(assumed, " "), TagAssumed)
		case len(assumed) == 0 && len(mixed) == 0 && s.tags[TagAssumed]:
			r.add(KindStrayAssumed, s.pos, "%s: tagged %s but with no assumed or mixed row (row tags: %s)", s.name, TagAssumed, orNone(rowTags))
		}
	}
}

func (c *Contract) checkRowsCovered(r *Report, scenarios []*scenario) {
	for _, row := range c.Rows {
		covered := false
		for _, s := range scenarios {
			if s.tags["@"+row.ID] {
				covered = true
				break
			}
		}
		if !covered {
			r.add(KindUncoveredRow, "", "row %s (%s, %s) has no scenario tagged @%s", row.ID, row.Area, row.Class, row.ID)
		}
	}
}

// checkLedgerEntries checks that each code of the ListJobs table has exactly one ledger
// entry, produced or unreachable, whose rows exist. Parse already ensures this for a
// parsed contract; a Contract built in code is checked here.
func (c *Contract) checkLedgerEntries(r *Report) {
	for _, name := range c.TableCodes {
		var entries []Code
		for _, code := range c.Codes {
			if code.Name == name && !code.Common {
				entries = append(entries, code)
			}
		}
		switch {
		case len(entries) == 0:
			r.add(KindCodeUnaccounted, "", "code %s of the ListJobs error table has no ledger entry", name)
		case len(entries) > 1:
			r.add(KindCodeUnaccounted, "", "code %s has %d ledger entries; want one", name, len(entries))
		case len(entries[0].ProducedBy) == 0 && entries[0].Unreachable == "":
			r.add(KindCodeUnaccounted, "", "code %s is neither produced by a row nor marked unreachable", name)
		case len(entries[0].ProducedBy) > 0 && entries[0].Unreachable != "":
			r.add(KindCodeUnaccounted, "", "code %s is both produced by %s and marked unreachable", name, strings.Join(entries[0].ProducedBy, ", "))
		}
	}
	for _, code := range c.Codes {
		for _, id := range code.ProducedBy {
			if _, ok := c.Lookup(id); !ok {
				r.add(KindCodeUnaccounted, "", "code %s is produced by %s, which is not a row of the contract", code.Name, id)
			}
		}
	}
}

func (c *Contract) checkCodesExpected(r *Report, scenarios []*scenario) {
	for _, code := range c.Codes {
		if len(code.ProducedBy) == 0 {
			continue
		}
		found := false
		for _, s := range scenarios {
			if s.hasAnyRow(code.ProducedBy) && s.mentions(code.Name) {
				found = true
				break
			}
		}
		if !found {
			r.add(KindCodeNotExpected, "", "code %s is produced by %s, but no scenario tagged with one of them expects it (as \"%s\" in a step or a table cell)",
				code.Name, strings.Join(code.ProducedBy, ", "), code.Name)
		}
	}
}

func (c *Contract) checkFaultInjection(r *Report, outlines []*outline) {
	if len(c.TableCodes) == 0 {
		return
	}
	n := 0
	for _, o := range outlines {
		if !o.fault {
			continue
		}
		n++
		var missing []string
		for _, name := range c.TableCodes {
			if !o.cells[name] {
				missing = append(missing, name)
			}
		}
		if len(missing) > 0 {
			r.add(KindFaultCoverage, o.pos, "%s: %s outline lacks example rows for %d code(s) of the ListJobs error table: %s",
				o.name, TagFaultInjection, len(missing), strings.Join(missing, ", "))
		}
	}
	if n == 0 {
		r.add(KindFaultCoverage, "", "no Scenario Outline tagged %s: the %d codes of the ListJobs error table are not checked by fault injection",
			TagFaultInjection, len(c.TableCodes))
	}
}

func (s *scenario) hasAnyRow(ids []string) bool {
	for _, id := range ids {
		if s.tags["@"+id] {
			return true
		}
	}
	return false
}

// mentions reports whether the scenario names the code as a quoted string in a step or
// doc string, or as a whole table cell.
func (s *scenario) mentions(code string) bool {
	quoted := `"` + code + `"`
	for _, t := range s.texts {
		if strings.Contains(t, quoted) {
			return true
		}
	}
	for _, cell := range s.cells {
		if strings.TrimSpace(cell) == code {
			return true
		}
	}
	return false
}

// walker collects the scenarios and tag declarations of one Gherkin document.
type walker struct {
	file      string
	scenarios []*scenario
	outlines  []*outline
	decls     []tagDecl
}

func (w *walker) pos(l *messages.Location) string {
	if l == nil {
		return w.file
	}
	return fmt.Sprintf("%s:%d", w.file, l.Line)
}

func (w *walker) tags(inherited map[string]bool, tags []*messages.Tag) map[string]bool {
	out := make(map[string]bool, len(inherited)+len(tags))
	for t := range inherited {
		out[t] = true
	}
	for _, t := range tags {
		out[t.Name] = true
		w.decls = append(w.decls, tagDecl{name: t.Name, pos: w.pos(t.Location)})
	}
	return out
}

func (w *walker) feature(f *messages.Feature) {
	if f == nil {
		return
	}
	tags := w.tags(nil, f.Tags)
	for _, child := range f.Children {
		switch {
		case child.Scenario != nil:
			w.scenario(tags, child.Scenario)
		case child.Rule != nil:
			ruleTags := w.tags(tags, child.Rule.Tags)
			for _, rc := range child.Rule.Children {
				if rc.Scenario != nil {
					w.scenario(ruleTags, rc.Scenario)
				}
			}
		}
	}
}

func (w *walker) scenario(inherited map[string]bool, sc *messages.Scenario) {
	tags := w.tags(inherited, sc.Tags)
	var texts, cells []string
	for _, st := range sc.Steps {
		texts = append(texts, st.Text)
		if st.DocString != nil {
			texts = append(texts, st.DocString.Content)
		}
		if st.DataTable != nil {
			cells = append(cells, tableCells(st.DataTable.Rows)...)
		}
	}
	name := fmt.Sprintf("%s %q", strings.TrimSpace(sc.Keyword), sc.Name)
	isOutline := len(sc.Examples) > 0 || strings.Contains(sc.Keyword, "Outline") || strings.Contains(sc.Keyword, "Template")
	if !isOutline {
		w.scenarios = append(w.scenarios, &scenario{pos: w.pos(sc.Location), name: name, tags: tags, texts: texts, cells: cells})
		return
	}
	o := &outline{pos: w.pos(sc.Location), name: name, cells: map[string]bool{}}
	w.outlines = append(w.outlines, o)
	if len(sc.Examples) == 0 {
		w.scenarios = append(w.scenarios, &scenario{pos: o.pos, name: name, tags: tags, texts: texts, cells: cells, outline: o})
		o.fault = tags[TagFaultInjection]
		return
	}
	for _, ex := range sc.Examples {
		exTags := w.tags(tags, ex.Tags)
		body := tableCells(ex.TableBody)
		exName := name
		if ex.Name != "" {
			exName = fmt.Sprintf("%s, Examples %q", name, ex.Name)
		}
		w.scenarios = append(w.scenarios, &scenario{
			pos: w.pos(ex.Location), name: exName, tags: exTags, texts: texts,
			cells: append(append([]string(nil), cells...), body...), outline: o,
		})
		if exTags[TagFaultInjection] {
			o.fault = true
			for _, cell := range body {
				o.cells[strings.TrimSpace(cell)] = true
			}
		}
	}
}

func tableCells(rows []*messages.TableRow) []string {
	var out []string
	for _, row := range rows {
		for _, c := range row.Cells {
			out = append(out, c.Value)
		}
	}
	return out
}

func sortedTags(tags map[string]bool) []string {
	out := make([]string, 0, len(tags))
	for t := range tags {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, " ")
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
