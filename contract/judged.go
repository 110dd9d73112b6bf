package contract

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ciam-harness/listjobs/plan"
	"github.com/ciam-harness/listjobs/vocab"
)

// KindUnjudgedRow is a coverage problem: a scenario tagged with a row has no check that
// judges the row, or a row no scenario's checks judge.
const KindUnjudgedRow Kind = "unjudged-row"

// Judges returns the contract rows the checks of a scenario judge (the step catalogue's
// traits: steps.Catalogue.Analyze).
type Judges func(sc plan.Scenario) []string

// Judged checks the plan against the contract by what its checks judge rather than by
// its tags: every row is judged by the checks of some scenario, and every row a
// scenario is tagged with is judged by one of its checks (a tag without a check would
// pass a row nothing tested).
func (c *Contract) Judged(p *plan.Plan, judges Judges) *Report {
	r := &Report{Scenarios: len(p.Scenarios)}
	judged := map[string]bool{}
	for _, sc := range p.Scenarios {
		rows := judges(sc)
		for _, row := range rows {
			judged[row] = true
		}
		var unjudged []string
		for _, row := range vocab.RowsOf(sc.Tags) {
			if !slices.Contains(rows, row) {
				unjudged = append(unjudged, row)
			}
		}
		if len(unjudged) > 0 {
			r.add(KindUnjudgedRow, fmt.Sprintf("%s:%d", sc.Feature, sc.Line), "%s: tagged %s, but none of its checks judges it", sc.Name, strings.Join(unjudged, " "))
		}
	}
	for _, row := range c.Rows {
		if !judged[row.ID] {
			r.add(KindUnjudgedRow, "", "row %s (%s, %s) is judged by the checks of no scenario", row.ID, row.Area, row.Class)
		}
	}
	return r
}
