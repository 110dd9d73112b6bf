package mutation

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/ciam-harness/listjobs/mutants"
)

// The kill tables by class of break (mutants.Class): each mutant's class in a column,
// and the verdicts counted per class in the summary and in mutation.json's "classes".

// ClassTotals counts the verdicts on the mutants of one class.
type ClassTotals struct {
	Class mutants.Class `json:"class"`
	Totals
}

// unclassified names the mutants of no class in the tables.
const unclassified = "unclassified"

// className is c as the tables write it.
func className(c mutants.Class) string {
	return cmp.Or(string(c), unclassified)
}

// ByClass counts the verdicts on the report's mutants class by class: the classes of
// mutants.Classes in their order, then any other class in the order of its first
// mutant (no class at all included, written "unclassified"). A class without a
// mutant in the report is left out.
func (r Report) ByClass() []ClassTotals {
	var order []mutants.Class
	for _, ci := range mutants.Classes() {
		order = append(order, ci.Class)
	}
	groups := map[mutants.Class][]Result{}
	for _, m := range r.Mutants {
		if !slices.Contains(order, m.Class) {
			order = append(order, m.Class)
		}
		groups[m.Class] = append(groups[m.Class], m)
	}
	out := []ClassTotals{} // [] in mutation.json for a run of no mutant
	for _, c := range order {
		if len(groups[c]) > 0 {
			out = append(out, ClassTotals{Class: c, Totals: count(groups[c])})
		}
	}
	return out
}

// String is one class's count in the summary: "near-miss 30/30 killed", with the
// mutants not checked through the driver and, for equivalent ones, how many passed.
func (c ClassTotals) String() string {
	var parts []string
	if c.NonEquivalent > 0 {
		s := fmt.Sprintf("%d/%d killed", c.Killed, c.NonEquivalent)
		if c.NotChecked > 0 {
			s += fmt.Sprintf(" (%d not checked)", c.NotChecked)
		}
		parts = append(parts, s)
	}
	if eq := c.Mutants - c.NonEquivalent; eq > 0 {
		parts = append(parts, fmt.Sprintf("%d/%d passed", c.Equivalent, eq))
	}
	return className(c.Class) + " " + strings.Join(parts, ", ")
}

// classSummary is the summary's line of the counts by class, "" when the report has
// no mutant.
func (r Report) classSummary() string {
	var parts []string
	for _, c := range r.ByClass() {
		parts = append(parts, c.String())
	}
	if len(parts) == 0 {
		return ""
	}
	return "by class of break (killed of those to kill; equivalent ones passed): " + strings.Join(parts, "; ")
}
