// Package contract reads CONTRACT.md, the project's statement of the ListJobs contract:
// its numbered rows (T1 ... R3, each documented or assumed) and its error-code ledger
// (for each code of the ListJobs error table: the rows that produce it, or why ListJobs
// input cannot reach it). CheckCoverage keeps the Gherkin scenarios in step with both.
package contract

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"

	listjobs "github.com/ciam-harness/listjobs"

	"github.com/ciam-harness/listjobs/vocab"
)

// Class says whether a row is stated by Tencent's material or chosen by this project.
type Class int

// The classes. The zero Class is invalid, so a Row built without one is caught. A Mixed
// row is partly documented and partly assumed: each of its scenarios says by carrying
// @assumed or not whether it checks the assumed part.
const (
	Documented Class = iota + 1
	Assumed
	Mixed
)

// String returns "documented", "assumed" or "mixed".
func (c Class) String() string {
	switch c {
	case Documented:
		return "documented"
	case Assumed:
		return "assumed"
	case Mixed:
		return "mixed"
	default:
		return "Class(" + strconv.Itoa(int(c)) + ")"
	}
}

// Row is one numbered behaviour of the contract.
type Row struct {
	ID        string // "T1", "A8", ...
	Area      string // the level-two heading above the row, e.g. "Transport and envelope"
	Behaviour string // the behaviour cell, Markdown as written
	Class     Class
	Source    string // the class cell after its first word: the source or the reason
	Line      int    // line in CONTRACT.md, 1-based
}

// Code is one entry of the error-code ledger. Exactly one of ProducedBy and Unreachable
// is set.
type Code struct {
	Name        string
	ProducedBy  []string // ids of the rows whose scenarios provoke the code
	Unreachable string   // why ListJobs input cannot provoke the code
	// Common marks a code of the API 3.0 common list that the rows use but the
	// ListJobs page's error table does not hold.
	Common bool
	Line   int
}

// Contract is a parsed CONTRACT.md together with the ListJobs error table it was checked
// against.
type Contract struct {
	Rows []Row
	// Codes are the ledger entries: the ListJobs table's codes in its order, then the
	// common codes.
	Codes []Code
	// TableCodes is the error table of the ListJobs page (testdata/listjobs-error-codes.json).
	TableCodes []string
}

// Lookup returns the row with the given id.
func (c *Contract) Lookup(id string) (Row, bool) {
	for _, r := range c.Rows {
		if r.ID == id {
			return r, true
		}
	}
	return Row{}, false
}

// Headings and cell prefixes of CONTRACT.md that the parser relies on.
const (
	ErrorCodesHeading  = "Error codes"
	TableCodesHeading  = "ListJobs error table"
	CommonCodesHeading = "Common API 3.0 codes used by the rows"
	ProducedPrefix     = "produced by:"
	UnreachablePrefix  = "not reachable from ListJobs input:"
)

var (
	codePattern   = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*$`)
	separatorCell = regexp.MustCompile(`^:?-+:?$`)
)

// ParseError is a problem at one line of a contract file.
type ParseError struct {
	File string
	Line int // 1-based; 0 for a problem of the whole file
	Msg  string
}

// Error returns "file:line: message", or "file: message" for a problem of the whole file
// (Line 0).
func (e *ParseError) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	}
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}

// Load parses the embedded CONTRACT.md against the embedded ListJobs error table.
func Load() (*Contract, error) {
	codes, err := ParseErrorCodes(listjobs.ErrorCodes)
	if err != nil {
		return nil, err
	}
	return Parse("CONTRACT.md", listjobs.Contract, codes)
}

// Rows returns the rows of the embedded contract, in document order.
func Rows() ([]Row, error) {
	c, err := Load()
	if err != nil {
		return nil, err
	}
	return c.Rows, nil
}

// Lookup returns the row of the embedded contract with the given id. It reports false
// when there is no such row or the contract does not parse (Rows gives the error).
func Lookup(id string) (Row, bool) {
	c, err := Load()
	if err != nil {
		return Row{}, false
	}
	return c.Lookup(id)
}

// Codes returns the error-code ledger of the embedded contract: the 28 codes of the
// ListJobs error table in the page's order, then the common codes the rows use.
func Codes() ([]Code, error) {
	c, err := Load()
	if err != nil {
		return nil, err
	}
	return c.Codes, nil
}

// ParseErrorCodes reads testdata/listjobs-error-codes.json: {"codes": ["AuthFailure", ...]}.
func ParseErrorCodes(data []byte) ([]string, error) {
	var doc struct {
		Codes []string `json:"codes"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("listjobs-error-codes.json: %w", err)
	}
	if len(doc.Codes) == 0 {
		return nil, errors.New(`listjobs-error-codes.json: "codes" is missing or empty`)
	}
	seen := make(map[string]bool, len(doc.Codes))
	for i, c := range doc.Codes {
		if !codePattern.MatchString(c) {
			return nil, fmt.Errorf("listjobs-error-codes.json: codes[%d] = %q is not an error code", i, c)
		}
		if seen[c] {
			return nil, fmt.Errorf("listjobs-error-codes.json: code %q is listed twice", c)
		}
		seen[c] = true
	}
	return doc.Codes, nil
}

// Parse reads a contract in the format CONTRACT.md describes and checks its ledger
// against tableCodes, the ListJobs error table. name labels the errors. Every problem
// found is reported, one per line, each with its line number.
func Parse(name string, md []byte, tableCodes []string) (*Contract, error) {
	p := &parser{file: name, contract: &Contract{TableCodes: append([]string(nil), tableCodes...)}}
	p.lines(string(md))
	p.checkRows()
	p.checkLedger()
	if len(p.errs) > 0 {
		return nil, errors.Join(p.errs...)
	}
	return p.contract, nil
}

type parser struct {
	file     string
	contract *Contract
	errs     []error
	// tableSeen and commonSeen record that the ledger subsections exist.
	tableSeen, commonSeen bool
	errorCodesSeen        bool
}

func (p *parser) fail(line int, format string, args ...any) {
	p.errs = append(p.errs, &ParseError{File: p.file, Line: line, Msg: fmt.Sprintf(format, args...)})
}

func (p *parser) lines(md string) {
	var area, sub string
	fence := ""
	for i, raw := range strings.Split(md, "\n") {
		n := i + 1
		line := strings.TrimSpace(strings.TrimSuffix(raw, "\r"))
		if fence != "" {
			if strings.HasPrefix(line, fence) {
				fence = ""
			}
			continue
		}
		switch {
		case strings.HasPrefix(line, "```"), strings.HasPrefix(line, "~~~"):
			fence = line[:3]
			continue
		case strings.HasPrefix(line, "# "):
			area, sub = "", ""
			continue
		case strings.HasPrefix(line, "## "):
			area, sub = strings.TrimSpace(line[3:]), ""
			if area == ErrorCodesHeading {
				p.errorCodesSeen = true
			}
			continue
		case strings.HasPrefix(line, "### "):
			sub = strings.TrimSpace(line[4:])
			if area == ErrorCodesHeading {
				p.tableSeen = p.tableSeen || sub == TableCodesHeading
				p.commonSeen = p.commonSeen || sub == CommonCodesHeading
			}
			continue
		case !strings.HasPrefix(line, "|"):
			continue
		}
		cells := splitRow(line)
		if len(cells) == 0 || isSeparator(cells) {
			continue
		}
		first := cells[0]
		switch {
		case vocab.IsRowLike(first):
			p.row(n, area, cells)
		case area == ErrorCodesHeading && (sub == TableCodesHeading || sub == CommonCodesHeading):
			if strings.EqualFold(first, "code") { // header line
				continue
			}
			p.ledger(n, sub == CommonCodesHeading, cells)
		}
	}
}

func (p *parser) row(n int, area string, cells []string) {
	id := cells[0]
	if len(cells) != 3 {
		p.fail(n, "row %s has %d cells; want 3: | ID | behaviour | class |", id, len(cells))
		return
	}
	if area == "" {
		p.fail(n, "row %s is not under a level-two (##) area heading", id)
		return
	}
	num, _ := strconv.Atoi(id[1:])
	if canonical := id[:1] + strconv.Itoa(num); canonical != id || num == 0 {
		p.fail(n, "row id %q is not canonical: write a letter and a number from 1 without leading zeros", id)
		return
	}
	behaviour := cells[1]
	if behaviour == "" {
		p.fail(n, "row %s has an empty behaviour cell", id)
		return
	}
	class, source, ok := parseClass(cells[2])
	if !ok {
		p.fail(n, "row %s: class cell %q must start with the word \"documented\", \"assumed\" or \"mixed\"", id, abbreviate(cells[2]))
		return
	}
	if prev, dup := p.contract.Lookup(id); dup {
		p.fail(n, "row %s is defined twice (first at line %d)", id, prev.Line)
		return
	}
	p.contract.Rows = append(p.contract.Rows, Row{ID: id, Area: area, Behaviour: behaviour, Class: class, Source: source, Line: n})
}

// parseClass splits a class cell into its first word and the rest.
func parseClass(cell string) (Class, string, bool) {
	end := strings.IndexFunc(cell, func(r rune) bool { return !unicode.IsLetter(r) })
	if end < 0 {
		end = len(cell)
	}
	var c Class
	switch cell[:end] {
	case "documented":
		c = Documented
	case "assumed":
		c = Assumed
	case "mixed":
		c = Mixed
	default:
		return 0, "", false
	}
	rest := strings.TrimLeft(cell[end:], " :;,.-—")
	return c, strings.TrimSpace(rest), true
}

func (p *parser) ledger(n int, common bool, cells []string) {
	name := strings.Trim(cells[0], "`")
	if len(cells) != 2 {
		p.fail(n, "error code line %q has %d cells; want 2: | code | ledger |", abbreviate(cells[0]), len(cells))
		return
	}
	if !codePattern.MatchString(name) {
		p.fail(n, "%q is not an error code", abbreviate(cells[0]))
		return
	}
	code := Code{Name: name, Common: common, Line: n}
	cell := cells[1]
	switch {
	case strings.HasPrefix(cell, ProducedPrefix):
		for _, id := range strings.Split(cell[len(ProducedPrefix):], ",") {
			id = strings.Trim(strings.TrimSpace(id), "`")
			if !vocab.IsRowLike(id) {
				p.fail(n, "code %s: %q in %q is not a row id", name, id, ProducedPrefix)
				return
			}
			code.ProducedBy = append(code.ProducedBy, id)
		}
	case strings.HasPrefix(cell, UnreachablePrefix):
		code.Unreachable = strings.TrimSpace(cell[len(UnreachablePrefix):])
		if code.Unreachable == "" {
			p.fail(n, "code %s: %q gives no reason", name, UnreachablePrefix)
			return
		}
	default:
		p.fail(n, "code %s is neither produced nor unreachable: the ledger cell must start with %q or %q", name, ProducedPrefix, UnreachablePrefix)
		return
	}
	if common && code.Unreachable != "" {
		p.fail(n, "code %s: a common code is listed because rows produce it; it cannot be unreachable", name)
		return
	}
	for _, c := range p.contract.Codes {
		if c.Name == name {
			p.fail(n, "code %s has two ledger entries (first at line %d)", name, c.Line)
			return
		}
	}
	p.contract.Codes = append(p.contract.Codes, code)
}

// checkRows checks that there are rows, that each letter lives in one area and that the
// numbers of each letter run from 1 without gaps.
func (p *parser) checkRows() {
	rows := p.contract.Rows
	if len(rows) == 0 {
		p.fail(0, "no contract rows found (table lines whose first cell is a row id such as T1)")
		return
	}
	areaOf := map[string]Row{}
	nums := map[string][]int{}
	for _, r := range rows {
		letter := r.ID[:1]
		if first, ok := areaOf[letter]; ok && first.Area != r.Area {
			p.fail(r.Line, "row %s is under %q but %s is under %q: the rows of one letter belong to one area", r.ID, r.Area, first.ID, first.Area)
		} else if !ok {
			areaOf[letter] = r
		}
		n, _ := strconv.Atoi(r.ID[1:])
		nums[letter] = append(nums[letter], n)
	}
	letters := make([]string, 0, len(nums))
	for l := range nums {
		letters = append(letters, l)
	}
	sort.Strings(letters)
	for _, l := range letters {
		ns := nums[l]
		sort.Ints(ns)
		for i, n := range ns {
			if n != i+1 {
				p.fail(areaOf[l].Line, "rows %s: numbers must run from %s1 without gaps; %s%d is missing", l, l, l, i+1)
				break
			}
		}
	}
}

// checkLedger checks the ledger against the rows and the ListJobs error table.
func (p *parser) checkLedger() {
	c := p.contract
	if !p.errorCodesSeen || !p.tableSeen || !p.commonSeen {
		p.fail(0, "missing ledger: want a %q section (##) with subsections (###) %q and %q", ErrorCodesHeading, TableCodesHeading, CommonCodesHeading)
		return
	}
	inTable := make(map[string]int, len(c.TableCodes))
	for i, name := range c.TableCodes {
		inTable[name] = i
	}
	var table []Code
	for _, code := range c.Codes {
		for _, id := range code.ProducedBy {
			if _, ok := c.Lookup(id); !ok {
				p.fail(code.Line, "code %s: produced by %s, which is not a row of the contract", code.Name, id)
			}
		}
		_, listed := inTable[code.Name]
		switch {
		case code.Common && listed:
			p.fail(code.Line, "code %s is in the ListJobs error table; move it to %q", code.Name, TableCodesHeading)
		case !code.Common && !listed:
			p.fail(code.Line, "code %s is not in the ListJobs error table (testdata/listjobs-error-codes.json)", code.Name)
		case !code.Common:
			table = append(table, code)
		}
	}
	have := map[string]bool{}
	for _, code := range table {
		have[code.Name] = true
	}
	var missing []string
	for _, name := range c.TableCodes {
		if !have[name] {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		p.fail(0, "the ledger has no entry for %d code(s) of the ListJobs error table: %s", len(missing), strings.Join(missing, ", "))
		return
	}
	for i, code := range table {
		if code.Name != c.TableCodes[i] {
			p.fail(code.Line, "code %s is out of order: the ListJobs page lists %s at position %d", code.Name, c.TableCodes[i], i+1)
			return
		}
	}
}

// splitRow splits a Markdown table line into trimmed cells; `\|` is a literal bar.
func splitRow(line string) []string {
	line = strings.TrimPrefix(line, "|")
	if strings.HasSuffix(line, "|") && !strings.HasSuffix(line, `\|`) {
		line = line[:len(line)-1]
	}
	var cells []string
	var cur strings.Builder
	for i := 0; i < len(line); i++ {
		switch {
		case line[i] == '\\' && i+1 < len(line) && line[i+1] == '|':
			cur.WriteByte('|')
			i++
		case line[i] == '|':
			cells = append(cells, strings.TrimSpace(cur.String()))
			cur.Reset()
		default:
			cur.WriteByte(line[i])
		}
	}
	return append(cells, strings.TrimSpace(cur.String()))
}

func isSeparator(cells []string) bool {
	for _, c := range cells {
		if !separatorCell.MatchString(strings.ReplaceAll(c, " ", "")) {
			return false
		}
	}
	return true
}

func abbreviate(s string) string {
	const max = 40
	if r := []rune(s); len(r) > max {
		return string(r[:max]) + "..."
	}
	return s
}
