package explore

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/ciam-harness/listjobs/plan"
	"github.com/ciam-harness/listjobs/steps"
	"github.com/ciam-harness/listjobs/vocab"
)

// A failure is printed as a scenario of the suite's own sentences (steps.Steps()), so
// that it runs as Gherkin: `conformance explore --replay FILE`, or under godog.

// jSentences are the catalogue's sentences of the J rows.
var jSentences = map[string]string{
	"J1": "every returned job has an Id that is a non-empty string",
	"J2": "every returned job has a Status among PENDING, PROCESSING, COMPLETED and FAILED",
	"J3": "every returned job has a Type among IMPORT_USER and EXPORT_USER",
	"J4": "every returned job has a CreatedDate that is an integer of epoch milliseconds",
	"J5": "every returned job has a Format that is NDJSON, CSV or null",
	"J6": "every returned job has a Location that is a string or null",
	"J7": "every returned job has ErrorDetails that are absent, null or an array of {UserId, Error}",
	"J8": "every returned job has FailedUsers that are absent, null or an array of {FailedUserIdentification, FailedReason}",
}

// gherkinStep is one line of a scenario: its keyword is chosen when printed.
type gherkinStep struct {
	kind  string // "given", "and", "when", "then", or "#" (a comment)
	text  string
	doc   string
	table [][]string
}

// scenarioSteps are the steps of program p, with the checks its findings need.
func (m *model) scenarioSteps(p program, found []finding, region string) []gherkinStep {
	var out []gherkinStep
	remember := map[int]bool{}
	relations := map[int][]*relation{}
	byStep := map[int][]finding{}
	for _, f := range found {
		byStep[f.step] = append(byStep[f.step], f)
		if f.rel != nil {
			relations[f.rel.to] = append(relations[f.rel.to], f.rel)
			for _, s := range f.rel.of {
				remember[s] = true
			}
		}
	}
	step := 0
	for _, a := range p {
		switch a.kind {
		case actOne, actGroup:
			if a.kind == actGroup {
				out = append(out, gherkinStep{kind: "#", text: fmt.Sprintf("the %d requests below were sent at once", len(a.reqs))})
			}
			for _, r := range a.reqs {
				for i, s := range m.sentences(r) {
					kind := "given"
					if i > 0 {
						kind = "and"
					}
					out = append(out, gherkinStep{kind: kind, text: s.Text, doc: s.Doc})
				}
				out = append(out, gherkinStep{kind: "when", text: "the request is sent"})
				out = append(out, m.checks(step, r, m.expect(r, region), byStep[step], remember[step], relations[step])...)
				step++
			}
		case actBoundary:
			out = append(out, gherkinStep{kind: "#", text: "here the explorer waited until just past the next second boundary"})
		case actBurst:
			table := [][]string{{"credential", "requests"}}
			perOwner := map[string]int{}
			total := 0
			for i, role := range a.roles {
				table = append(table, []string{role, strconv.Itoa(a.n[i])})
				perOwner[m.cred(role).Owner] += a.n[i]
				total += a.n[i]
			}
			want := 0
			for _, n := range perOwner {
				want += min(n, limit)
			}
			out = append(out, gherkinStep{kind: "when", text: "these requests arrive within one second:", table: table})
			if want == total {
				out = append(out, gherkinStep{kind: "then", text: fmt.Sprintf("all %d of them succeed", total)})
			} else {
				out = append(out, gherkinStep{kind: "then", text: fmt.Sprintf("exactly %d of them succeed", want)},
					gherkinStep{kind: "and", text: `the others get the error "RequestLimitExceeded" or one of its sub-codes`})
			}
			step++
		case actSteady:
			out = append(out, gherkinStep{kind: "when", text: fmt.Sprintf(`%d requests of the fixture credential "%s" are sent at %d per second`, a.n[0], a.roles[0], a.n[1])},
				gherkinStep{kind: "then", text: fmt.Sprintf("all %d of them succeed", a.n[0])})
			step++
		case actLateEarly:
			out = append(out, gherkinStep{kind: "when", text: fmt.Sprintf(`%d requests of the fixture credential "%s" arrive late in one second and %d more early in the next`, a.n[0], a.roles[0], a.n[1])},
				gherkinStep{kind: "then", text: fmt.Sprintf(`in each second the first %d succeed and the others get the error "RequestLimitExceeded" or one of its sub-codes`, limit)})
			step++
		case actBadGood:
			out = append(out, gherkinStep{kind: "when", text: fmt.Sprintf(`%d badly signed and then %d good requests of the fixture credential "%s" arrive within one second`, a.n[0], a.n[1], a.roles[0])},
				gherkinStep{kind: "then", text: fmt.Sprintf(`the %d badly signed requests get the error "AuthFailure.SignatureFailure"`, a.n[0])},
				gherkinStep{kind: "and", text: fmt.Sprintf("all %d good requests succeed", a.n[1])})
			step++
		}
	}
	return out
}

// checks are the Then steps of one request: what the oracle expects of its answer, and
// the checks of what its findings found.
func (m *model) checks(step int, r *req, e expectation, found []finding, remember bool, rels []*relation) []gherkinStep {
	var out []gherkinStep
	then := func(format string, args ...any) {
		kind := "and"
		if len(out) == 0 {
			kind = "then"
		}
		out = append(out, gherkinStep{kind: kind, text: fmt.Sprintf(format, args...)})
	}
	switch {
	case e.success:
		then("the response is a success")
		own := m.ids[e.store]
		switch {
		case len(e.jobs) == 0:
			then("the JobSet is empty")
		case slices.Equal(e.jobs, own):
			then("the returned Ids are exactly the known jobs")
		default:
			var ns []string
			for _, id := range e.jobs {
				i, _ := slices.BinarySearch(own, id)
				ns = append(ns, strconv.Itoa(i+1))
			}
			word := "jobs"
			if len(ns) == 1 {
				word = "job"
			}
			then("the returned Ids are exactly known %s %s", word, joinAnd(ns))
		}
		var jrows []string
		for _, f := range found {
			if f.dupes {
				then("no Id is returned twice")
			}
			jrows = append(jrows, f.jrows...)
		}
		vocab.SortRows(jrows)
		jrows = slices.Compact(jrows)
		if len(jrows) > 0 && !e.filtered {
			then(`the returned jobs are those of the fixture user store "%s", field for field`, r.role)
		} else {
			for _, row := range jrows {
				then("%s", jSentences[row])
			}
		}
		if remember && len(e.jobs) > 0 {
			then(`the returned Ids are remembered as "step %d"`, step+1)
		}
		for _, rel := range rels {
			switch rel.kind {
			case "same", "set":
				then(`the returned Ids are the same set as those remembered as "step %d"`, rel.of[0]+1)
			case "union":
				then(`the returned Ids are the union of those remembered as "step %d" and "step %d"`, rel.of[0]+1, rel.of[1]+1)
			case "subset":
				then("the returned Ids are a subset of the known jobs")
			}
		}
	case len(m.nearThen(r, e)) > 0:
		for _, text := range m.nearThen(r, e) {
			then("%s", text)
		}
	case e.otherRegion && len(e.violations) == 0:
		then(`the response is a success or an error other than "UnsupportedRegion"`)
	default:
		v := e.violations[0]
		code := strings.Trim(v.code.Want, `"`)
		if strings.Contains(v.code.Want, "sub-code") {
			then(`the response is an error with a code under "%s"`, strings.Trim(strings.Fields(v.code.Want)[0], `"`))
		} else {
			then(`the response is the error "%s"`, code)
		}
		if len(e.violations) > 1 {
			out = append(out, gherkinStep{kind: "#", text: "the contract also allows " + e.wants() + " here: the request breaks " + strings.Join(e.errRows(), ", ")})
		}
	}
	return out
}

// joinAnd writes "1", "1 and 2", "1, 2 and 3".
func joinAnd(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

// feature is a failure printed as a feature file: its scenario tagged with the rows
// that failed, @fixture, @wire when a step needs the wire driver (the catalogue says),
// and its case id.
func (m *model) feature(title, id string, seed uint64, rows []string, body []gherkinStep, cat *steps.Catalogue) string {
	var texts []plan.StepText
	for _, s := range body {
		if s.kind != "#" {
			texts = append(texts, plan.StepText{Text: s.text, DocString: s.doc})
		}
	}
	tags := []string{}
	for _, r := range rows {
		tags = append(tags, "@"+r)
	}
	tags = append(tags, vocab.TagFixture)
	traits := cat.Analyze(tags, texts)
	if traits.Wire != "" {
		tags = append(tags, vocab.TagWire)
	}
	tags = append(tags, vocab.TagIDPrefix+id)
	var b strings.Builder
	fmt.Fprintf(&b, "Feature: What the model-based explorer found (seed %d)\n", seed)
	fmt.Fprintf(&b, "  A failing sequence of requests, shrunk by the explorer and written in the suite's own\n")
	fmt.Fprintf(&b, "  sentences: `conformance explore --replay FILE` runs it (with the same endpoint flags).\n\n")
	fmt.Fprintf(&b, "  %s\n  Scenario: %s\n", strings.Join(tags, " "), title)
	last := ""
	for _, s := range body {
		if s.kind == "#" {
			fmt.Fprintf(&b, "    # %s\n", s.text)
			continue
		}
		kw := map[string]string{"given": "Given", "when": "When", "then": "Then", "and": "And"}[s.kind]
		if kw == "Given" && last == "given" {
			kw = "And"
		}
		fmt.Fprintf(&b, "    %s %s\n", kw, s.text)
		if s.kind != "and" {
			last = s.kind
		}
		if s.doc != "" {
			b.WriteString("      \"\"\"\n")
			for _, line := range strings.Split(s.doc, "\n") {
				fmt.Fprintf(&b, "      %s\n", line)
			}
			b.WriteString("      \"\"\"\n")
		}
		for _, row := range s.table {
			fmt.Fprintf(&b, "      | %s |\n", strings.Join(row, " | "))
		}
	}
	return b.String()
}
