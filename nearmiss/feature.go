package nearmiss

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/ciam-harness/listjobs/vocab"
)

// FeatureFile is the feature file the table becomes, in features/.
const FeatureFile = "near-misses.feature"

// Outline is one Scenario Outline of the feature file: the members of one value that
// get the same verdict, and need the same driver.
type Outline struct {
	Value   Value
	Verdict Verdict
	Wire    bool
	Members []Member
	// ID is the case id of the outline (its rows add /N).
	ID string
}

// Title is the outline's title, a sentence of the contract with the member left open:
// "A SecretId near miss (<member>) gets AuthFailure.SecretIdNotFound".
func (o Outline) Title() string {
	if o.Verdict.Outcome == Accepted {
		return fmt.Sprintf("%s written another way (<member>) is the same value", o.Value.Noun)
	}
	title := fmt.Sprintf("%s near miss (<member>) %s", o.Value.Noun, o.Verdict.Says())
	if len(o.Verdict.Rows) > 0 || len(o.Verdict.Also) > 0 {
		title += " (" + strings.Join(o.Rows(), ", ") + ")"
	}
	return title
}

// Rows are the contract rows the outline is tagged with: an acceptance's own when it
// names them, else the value's and those the verdict adds, in contract order.
func (o Outline) Rows() []string {
	if o.Verdict.Outcome == Accepted && len(o.Verdict.Rows) > 0 {
		return o.Verdict.Rows
	}
	rows := slices.Concat(o.Value.Rows, o.Verdict.Rows, o.Verdict.Also)
	vocab.SortRows(rows)
	return slices.Compact(rows)
}

// Steps are the outline's steps, keyword first.
func (o Outline) Steps() ([]string, error) {
	v, w := o.Value, o.Verdict
	given := v.Setup
	if w.Outcome == Accepted && v.AcceptSetup != nil {
		given = v.AcceptSetup
	}
	if len(given) == 0 {
		given = []string{"a ListJobs request for the user store under test"}
	}
	var then []string
	switch {
	case w.Outcome == Accepted:
		then = append([]string{"the response is a success"}, v.Accept...)
	case w.NoMatch:
		then = []string{"the response is a success", "the JobSet is empty"}
	case w.Under != "":
		then = []string{fmt.Sprintf("the response is an error with a code under %q", w.Under)}
	case len(w.Codes) == 1:
		then = []string{fmt.Sprintf("the response is the error %q", w.Codes[0])}
	case len(w.Codes) == 2:
		then = []string{fmt.Sprintf("the response is the error %q or %q", w.Codes[0], w.Codes[1])}
	default:
		return nil, fmt.Errorf("%s: a refusal must name one or two codes, a code to be under, or no match: %+v", v.ID, w)
	}
	var out []string
	for i, g := range given {
		out = append(out, keyword(i, "Given")+" "+g)
	}
	out = append(out, "And "+v.Step+": <member>", "When the request is sent")
	for i, t := range then {
		out = append(out, keyword(i, "Then")+" "+t)
	}
	return out, nil
}

func keyword(i int, first string) string {
	if i == 0 {
		return first
	}
	return "And"
}

// Outlines groups the members of every request value that run (refused or accepted,
// with a near miss, judged nowhere else) into outlines, in table and family order.
func Outlines() []Outline {
	var out []Outline
	for _, v := range request {
		var mine []Outline
		for _, m := range family {
			w := v.Verdict(m)
			if !w.Runs() || v.Elsewhere[m.Name] != "" {
				continue
			}
			if _, ok := v.Of(m); v.Literal != "" && (!ok || v.sameAs(m) != "") {
				continue
			}
			wire := v.WireOnly(m)
			i := slices.IndexFunc(mine, func(o Outline) bool { return o.Verdict.same(w) && o.Wire == wire })
			if i < 0 {
				mine = append(mine, Outline{Value: v, Verdict: w, Wire: wire})
				i = len(mine) - 1
			}
			mine[i].Members = append(mine[i].Members, m)
		}
		taken := map[string]int{}
		for i := range mine {
			kind, row := "-near-miss-", v.Rows[0]
			if mine[i].Verdict.Outcome == Accepted {
				kind, row = "-spelled-", mine[i].Rows()[0]
			}
			id := row + kind + v.ID
			if taken[id]++; taken[id] > 1 {
				id += "-" + strconv.Itoa(taken[id])
			}
			mine[i].ID = id
		}
		out = append(out, mine...)
	}
	return out
}

// Feature writes the feature file of the request values. assumed tells the rows whose
// class is assumed or mixed: a scenario tagged with one carries @assumed.
func Feature(assumed func(row string) bool) ([]byte, error) {
	var b strings.Builder
	b.WriteString(header)
	for _, m := range family {
		fmt.Fprintf(&b, "  - %s: %s.\n", m.Name, m.What)
	}
	b.WriteString(header2)
	var errs []error
	seen := map[string]bool{}
	for _, o := range Outlines() {
		v := o.Value
		if !seen[v.ID] {
			seen[v.ID] = true
			comment(&b, v)
		}
		steps, err := o.Steps()
		if err != nil {
			errs = append(errs, err)
			continue
		}
		var tags []string
		isAssumed := false
		for _, r := range o.Rows() {
			tags = append(tags, "@"+r)
			isAssumed = isAssumed || assumed(r)
		}
		if isAssumed {
			tags = append(tags, vocab.TagAssumed)
		}
		if o.Wire {
			tags = append(tags, vocab.TagWire)
		}
		tags = append(tags, v.Tags...)
		tags = append(tags, vocab.TagIDPrefix+o.ID)
		if !vocab.IsCaseID(o.ID) {
			errs = append(errs, fmt.Errorf("%s: %q is not a case id", v.ID, o.ID))
		}
		fmt.Fprintf(&b, "\n  %s\n  Scenario Outline: %s\n", strings.Join(tags, " "), o.Title())
		for _, s := range steps {
			fmt.Fprintf(&b, "    %s\n", s)
		}
		b.WriteString("\n    Examples:\n")
		rows := [][]string{{"member"}}
		if v.Literal != "" {
			rows[0] = append(rows[0], "near miss")
		}
		for _, m := range o.Members {
			row := []string{m.Name}
			if v.Literal != "" {
				miss, _ := v.Of(m)
				row = append(row, cell(strconv.QuoteToASCII(miss)))
			}
			rows = append(rows, row)
		}
		table(&b, rows)
	}
	return []byte(b.String()), errors.Join(errs...)
}

const header = `# Generated by ` + "`go generate ./nearmiss`" + ` from the table of package nearmiss: do not edit. A new
# member or value goes at the end of its list there, so that no case id changes.
Feature: Near misses of every value the contract compares exactly
  Each value that CONTRACT.md compares exactly ("Exact comparisons") gets the same family
  of near misses, made at run time from the value the request would carry:
`

const header2 = `
  A near miss that differs from the value gets what the value's row says a value that
  does not match gets. A spelling the carrier decodes to the same characters (%XX in a
  query, \u00XX in a JSON string) is the same value, and is accepted; the signature is
  over the bytes as they arrived (A1), so the same spelling made after signing is
  refused. The comments say which members a value does not get, and why.
`

// comment writes what a value is, and the members it gets no scenario for: members
// with the same reason on one line.
func comment(b *strings.Builder, v Value) {
	b.WriteString("\n")
	wrap(b, "  # ", fmt.Sprintf("%s (%s): %s.", v.Compared, strings.Join(v.Rows, ", "), v.Where))
	var whys []string
	names := map[string][]string{}
	add := func(why, name string) {
		if names[why] == nil {
			whys = append(whys, why)
		}
		names[why] = append(names[why], name)
	}
	for _, m := range family {
		w := v.Verdict(m)
		_, has := v.Of(m)
		switch {
		case v.Elsewhere[m.Name] != "":
			add(w.Says()+", judged by "+v.Elsewhere[m.Name], m.Name)
		case !w.Runs():
			add(w.Outcome.String()+": "+w.Reason, m.Name)
		case v.Literal != "" && !has:
			add(fmt.Sprintf("none: %q has none", v.Literal), m.Name)
		case v.Literal != "" && v.sameAs(m) != "":
			add("the same near miss as "+v.sameAs(m), m.Name)
		}
	}
	for _, why := range whys {
		wrap(b, "  #   ", strings.Join(names[why], ", ")+": "+why+".")
	}
}

// sameAs names the earlier member whose near miss of the value's Literal is m's, or "".
func (v Value) sameAs(m Member) string {
	miss, ok := v.Of(m)
	if !ok {
		return ""
	}
	for _, e := range family {
		if e.Name == m.Name {
			return ""
		}
		if other, ok := v.Of(e); ok && other == miss && v.Verdict(e).Runs() {
			return e.Name
		}
	}
	return ""
}

// wrap writes text after prefix, in lines of at most 110 characters.
func wrap(b *strings.Builder, prefix, text string) {
	line := prefix
	for i, w := range strings.Fields(text) {
		if i > 0 && len(line)+1+len(w) > 110 {
			b.WriteString(strings.TrimRight(line, " ") + "\n")
			line = prefix + "  "
		}
		if i > 0 && line != prefix+"  " {
			line += " "
		}
		line += w
	}
	b.WriteString(line + "\n")
}

// cell escapes a bar in a Gherkin table cell. The near-miss column is for the
// reader: the steps make the near miss from the member's name.
func cell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

// table writes rows as an aligned Gherkin table.
func table(b *strings.Builder, rows [][]string) {
	widths := make([]int, len(rows[0]))
	for _, r := range rows {
		for i, c := range r {
			widths[i] = max(widths[i], len([]rune(c)))
		}
	}
	for _, r := range rows {
		b.WriteString("      |")
		for i, c := range r {
			fmt.Fprintf(b, " %s%s |", c, strings.Repeat(" ", widths[i]-len([]rune(c))))
		}
		b.WriteString("\n")
	}
}
