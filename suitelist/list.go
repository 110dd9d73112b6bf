// Package suitelist keeps the golden list of the suite, features/suite.tsv: one line per
// scenario (an outline row is one), keyed by its case id (vocab.TagIDPrefix), with its
// rows, class, tags and the day its id first appeared. The list is generated (Command);
// a test fails when it is stale, so that a change of the suite's ids, rows or tags shows
// in review, as Kubernetes' conformance.yaml does. AddIDs gives a new scenario its id.
package suitelist

import (
	"bufio"
	"bytes"
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/ciam-harness/listjobs/contract"
	"github.com/ciam-harness/listjobs/plan"
	"github.com/ciam-harness/listjobs/vocab"
)

// File is the golden list, in the features folder.
const File = "suite.tsv"

// Command regenerates the golden list (and gives the scenarios without an id one), from
// the module root.
const Command = "go generate ./features"

// header is the top of the golden list: what it is, its fields and their header.
const header = `# The golden list of the conformance suite: one line per scenario godog runs (each row of
# an outline is one), keyed by its case id, the key of the known-failure ledger, the
# reports and the kill tables. Generated: run ` + "`" + Command + "`" + ` after a change of the
# feature files (it also tags a new scenario with an id); a test fails while this file is
# stale. Fields, tab-separated: id; rows (the contract rows it is tagged with, in contract
# order); class (assumed when it checks an assumed part of CONTRACT.md, else documented);
# tags (its other tags); since (the day its id first appeared here, kept by the generator);
# feature; name (as the reports print it).
id	rows	class	tags	since	feature	name
`

// Case is one line of the golden list.
type Case struct {
	ID      string
	Rows    []string
	Class   string // "documented" or "assumed"
	Tags    []string
	Since   string // YYYY-MM-DD
	Feature string
	Name    string
}

// Generate returns the golden list of the suite p under the contract c. old is the list
// as it stands (nil for none): an id it holds keeps its since; a new one gets today. A
// scenario without an id, or with a row the contract lacks, is an error.
func Generate(p *plan.Plan, c *contract.Contract, old []byte, today string) ([]byte, error) {
	since, err := parseSince(old)
	if err != nil {
		return nil, err
	}
	cases, err := casesOf(p, c, since, today)
	if err != nil {
		return nil, err
	}
	return render(cases), nil
}

// Check tells whether current is the golden list of p under c; the error says what
// changed and the command that regenerates the list.
func Check(p *plan.Plan, c *contract.Contract, current []byte) error {
	want, err := Generate(p, c, current, "(new)")
	if err != nil {
		return fmt.Errorf("features/%s cannot be checked: %v", File, err)
	}
	if bytes.Equal(want, current) {
		return nil
	}
	return fmt.Errorf("features/%s is stale (%s): run `%s` and commit the result", File, diff(current, want), Command)
}

func casesOf(p *plan.Plan, c *contract.Contract, since map[string]string, today string) ([]Case, error) {
	var cases []Case
	var errs []string
	for _, sc := range p.Scenarios {
		if sc.ID == "" {
			errs = append(errs, fmt.Sprintf("%s:%d %q has no %s tag", sc.Feature, sc.Line, sc.Name, vocab.TagIDPrefix))
			continue
		}
		if strings.ContainsAny(sc.Name, "\t\r\n") {
			errs = append(errs, fmt.Sprintf("%s:%d %q: a tab or a line break in a name has no place in the list", sc.Feature, sc.Line, sc.Name))
			continue
		}
		k := Case{ID: sc.ID, Rows: vocab.RowsOf(sc.Tags), Class: contract.Documented.String(), Since: cmp.Or(since[sc.ID], today), Feature: sc.Feature, Name: sc.Name}
		for _, t := range sc.Tags {
			_, isRow := vocab.RowOfTag(t)
			_, isID := vocab.CaseIDOfTag(t)
			if !isRow && !isID {
				k.Tags = append(k.Tags, t)
			}
		}
		for _, id := range k.Rows {
			row, ok := c.Lookup(id)
			switch {
			case !ok:
				errs = append(errs, fmt.Sprintf("%s:%d %q: @%s is no row of the contract", sc.Feature, sc.Line, sc.Name, id))
			case row.Class == contract.Assumed, row.Class == contract.Mixed && slices.Contains(sc.Tags, vocab.TagAssumed):
				k.Class = contract.Assumed.String()
			}
		}
		cases = append(cases, k)
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("%s (run `%s` to tag the scenarios without an id)", strings.Join(errs, "; "), Command)
	}
	slices.SortFunc(cases, func(a, b Case) int { return compareIDs(a.ID, b.ID) })
	return cases, nil
}

// compareIDs orders case ids by row (contract order), slug, then outline row number.
func compareIDs(a, b string) int {
	split := func(id string) (row, slug string, n int) {
		row, rest, _ := strings.Cut(id, "-")
		slug, num, _ := strings.Cut(rest, "/")
		n, _ = strconv.Atoi(num)
		return row, slug, n
	}
	ra, sa, na := split(a)
	rb, sb, nb := split(b)
	return cmp.Or(vocab.CompareRows(ra, rb), strings.Compare(sa, sb), cmp.Compare(na, nb))
}

func render(cases []Case) []byte {
	var b bytes.Buffer
	b.WriteString(header)
	for _, k := range cases {
		fmt.Fprintf(&b, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", k.ID, strings.Join(k.Rows, " "), k.Class, strings.Join(k.Tags, " "), k.Since, k.Feature, k.Name)
	}
	return b.Bytes()
}

// parseSince reads the id and since of every line of a golden list.
func parseSince(data []byte) (map[string]string, error) {
	since := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, "id\t") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 7 || !vocab.IsScenarioID(f[0]) {
			return nil, fmt.Errorf("features/%s:%d: not a line of the golden list (want 7 tab-separated fields, a case id first): fix or delete the file and run `%s`", File, n, Command)
		}
		since[f[0]] = f[4]
	}
	return since, sc.Err()
}

// diff summarizes how the list want differs from got: ids added, removed, changed.
func diff(got, want []byte) string {
	lines := func(data []byte) map[string]string {
		out := map[string]string{}
		for _, l := range strings.Split(string(data), "\n") {
			if id, _, ok := strings.Cut(l, "\t"); ok && !strings.HasPrefix(l, "#") && id != "id" {
				out[id] = l
			}
		}
		return out
	}
	g, w := lines(got), lines(want)
	var added, removed, changed []string
	for id, l := range w {
		switch old, ok := g[id]; {
		case !ok:
			added = append(added, id)
		case old != l:
			changed = append(changed, id)
		}
	}
	for id := range g {
		if _, ok := w[id]; !ok {
			removed = append(removed, id)
		}
	}
	var parts []string
	for _, p := range []struct {
		what string
		ids  []string
	}{{"new", added}, {"gone", removed}, {"changed", changed}} {
		if len(p.ids) > 0 {
			slices.SortFunc(p.ids, compareIDs)
			if len(p.ids) > 5 {
				p.ids = append(p.ids[:5:5], fmt.Sprintf("and %d more", len(p.ids)-5))
			}
			parts = append(parts, p.what+": "+strings.Join(p.ids, ", "))
		}
	}
	if len(parts) == 0 {
		return "its header or order differs"
	}
	return strings.Join(parts, "; ")
}
