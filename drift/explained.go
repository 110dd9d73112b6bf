package drift

import (
	_ "embed" // explained.tsv
	"fmt"
	"strings"

	"github.com/ciam-harness/listjobs/contract"
)

// ExplainedFile is the path of the explanations in the repository; CONTRACT.md names it.
const ExplainedFile = "drift/explained.tsv"

// Explained is drift/explained.tsv: the known disagreements of the clients' models with
// the contract, each with its reason and the CONTRACT.md rows it relies on.
//
//go:embed explained.tsv
var Explained []byte

// explainedHeader is the first line of explained.tsv that is not a comment.
var explainedHeader = []string{"fields", "aspect", "models", "model says", "contract says", "rows", "reason"}

// Explanation is one entry of explained.tsv: every field of Fields, in every model of
// Models, says Says of Aspect where the contract says Contract, for Reason, which rests on
// Rows of CONTRACT.md.
type Explanation struct {
	Line     int
	Fields   []string // "Job.Id", ...
	Aspect   string
	Models   []string // "node", ...
	Says     string
	Contract string
	Rows     []string // "J4", ...
	Reason   string
}

// ParseExplained reads explained.tsv: '#' lines are comments, the first other line is the
// header, then one entry a line, its cells separated by tabs; fields, models and rows are
// lists separated by commas. Every row must be one of rows, every model one of models,
// every field a Struct.Name of Structs; a (field, aspect, model) may be explained once.
func ParseExplained(data []byte, rows []contract.Row, models []string) ([]*Explanation, error) {
	rowIDs := map[string]bool{}
	for _, r := range rows {
		rowIDs[r.ID] = true
	}
	var out []*Explanation
	seen := map[string]int{}
	header := false
	for i, line := range strings.Split(string(data), "\n") {
		n := i + 1
		line = strings.TrimRight(line, "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cells := strings.Split(line, "\t")
		if !header {
			if strings.Join(cells, "\t") != strings.Join(explainedHeader, "\t") {
				return nil, fmt.Errorf("%s:%d: the header must be %q", ExplainedFile, n, strings.Join(explainedHeader, "<TAB>"))
			}
			header = true
			continue
		}
		if len(cells) != len(explainedHeader) {
			return nil, fmt.Errorf("%s:%d: %d cells separated by tabs, want %d (%s)", ExplainedFile, n, len(cells), len(explainedHeader), strings.Join(explainedHeader, ", "))
		}
		for j, c := range cells {
			if strings.TrimSpace(c) == "" {
				return nil, fmt.Errorf("%s:%d: the %s cell is empty", ExplainedFile, n, explainedHeader[j])
			}
		}
		e := &Explanation{Line: n, Fields: list(cells[0]), Aspect: cells[1], Models: list(cells[2]),
			Says: cells[3], Contract: cells[4], Rows: list(cells[5]), Reason: cells[6]}
		if !contains(aspects, e.Aspect) {
			return nil, fmt.Errorf("%s:%d: aspect %q: want one of %s", ExplainedFile, n, e.Aspect, strings.Join(aspects, ", "))
		}
		for _, f := range e.Fields {
			s, name, ok := strings.Cut(f, ".")
			if !ok || !contains(Structs, s) || !isIdent(name) {
				return nil, fmt.Errorf("%s:%d: field %q: want Struct.Name with Struct one of %s", ExplainedFile, n, f, strings.Join(Structs, ", "))
			}
		}
		for _, m := range e.Models {
			if !contains(models, m) {
				return nil, fmt.Errorf("%s:%d: model %q: want one of %s", ExplainedFile, n, m, strings.Join(models, ", "))
			}
		}
		for _, r := range e.Rows {
			if !rowIDs[r] {
				return nil, fmt.Errorf("%s:%d: row %q is no row of CONTRACT.md", ExplainedFile, n, r)
			}
		}
		for _, f := range e.Fields {
			for _, m := range e.Models {
				key := f + " " + e.Aspect + " " + m
				if prev, dup := seen[key]; dup {
					return nil, fmt.Errorf("%s:%d: %s %s of %s is already explained on line %d", ExplainedFile, n, f, e.Aspect, m, prev)
				}
				seen[key] = n
			}
		}
		out = append(out, e)
	}
	if !header {
		return nil, fmt.Errorf("%s: no header line", ExplainedFile)
	}
	return out, nil
}

// list splits a cell of comma-separated items.
func list(cell string) []string {
	var out []string
	for _, s := range strings.Split(cell, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
