package contract

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	listjobs "github.com/ciam-harness/listjobs"
	"github.com/ciam-harness/listjobs/vocab"
)

// ExactHeading is the level-two heading of the table of exact comparisons.
const ExactHeading = "Exact comparisons"

// Exact is one line of the table of exact comparisons: a value the rows compare exactly.
type Exact struct {
	Compared string   // what is compared: "SecretId", "Status"
	Values   []string // the values the contract fixes (written in backticks); none when they are the request's own
	Where    string   // where the value lives, as written
	Rows     []string // the rows that judge a value that differs
	Gets     string   // what such a value gets, as written
	Line     int
}

// Assumed tells a row whose class is assumed or mixed: a scenario tagged with it
// carries @assumed (a mixed row's scenario does when it checks the assumed part, and a
// generated scenario is taken to).
func (c *Contract) Assumed(row string) bool {
	r, ok := c.Lookup(row)
	return ok && (r.Class == Assumed || r.Class == Mixed)
}

var backticked = regexp.MustCompile("`([^`]*)`")

// Exacts returns the exact comparisons of the embedded CONTRACT.md.
func Exacts() ([]Exact, error) {
	c, err := Load()
	if err != nil {
		return nil, err
	}
	return ParseExact("CONTRACT.md", listjobs.Contract, c)
}

// ParseExact reads the table under the "Exact comparisons" heading of md, whose rows c
// holds: five cells a line (compared, values, where, rows, what a value that differs
// gets); every row named must be a row of c, and what is compared named once.
func ParseExact(name string, md []byte, c *Contract) ([]Exact, error) {
	var out []Exact
	var errs []error
	fail := func(n int, format string, args ...any) {
		errs = append(errs, &ParseError{File: name, Line: n, Msg: fmt.Sprintf(format, args...)})
	}
	in, seen, fence := false, false, false
	for i, raw := range strings.Split(string(md), "\n") {
		n := i + 1
		line := strings.TrimSpace(strings.TrimSuffix(raw, "\r"))
		if strings.HasPrefix(line, "```") || strings.HasPrefix(line, "~~~") {
			fence = !fence
			continue
		}
		switch {
		case fence:
			continue
		case strings.HasPrefix(line, "## "), strings.HasPrefix(line, "# "):
			in = strings.TrimSpace(strings.TrimLeft(line, "#")) == ExactHeading
			seen = seen || in
			continue
		case !in || !strings.HasPrefix(line, "|"):
			continue
		}
		cells := splitRow(line)
		if isSeparator(cells) || strings.EqualFold(cells[0], "compared") {
			continue
		}
		if len(cells) != 5 {
			fail(n, "an exact comparison has %d cells; want 5: | compared | values | where | rows | a value that differs gets |", len(cells))
			continue
		}
		e := Exact{Compared: cells[0], Where: cells[2], Gets: cells[4], Line: n}
		for _, m := range backticked.FindAllStringSubmatch(cells[1], -1) {
			e.Values = append(e.Values, m[1])
		}
		for _, r := range strings.Split(cells[3], ",") {
			r = strings.TrimSpace(r)
			if !vocab.IsRow(r) {
				fail(n, "%s: %q is not a row id", e.Compared, r)
				continue
			}
			if _, ok := c.Lookup(r); !ok {
				fail(n, "%s: %s is not a row of the contract", e.Compared, r)
				continue
			}
			e.Rows = append(e.Rows, r)
		}
		switch {
		case e.Compared == "":
			fail(n, "an exact comparison names nothing compared")
		case len(e.Rows) == 0:
			fail(n, "%s: no row judges a value that differs", e.Compared)
		}
		for _, prev := range out {
			if prev.Compared == e.Compared {
				fail(n, "%s is listed twice (first at line %d)", e.Compared, prev.Line)
			}
		}
		out = append(out, e)
	}
	if !seen {
		fail(0, "no %q section (##)", ExactHeading)
	} else if len(out) == 0 {
		fail(0, "the %q section has no table", ExactHeading)
	}
	return out, errors.Join(errs...)
}
