package plan

import (
	"fmt"
	"strings"

	messages "github.com/cucumber/messages/go/v34"

	"github.com/ciam-harness/listjobs/vocab"
)

// idReader reads the @id: tags of one feature file and gathers their problems.
type idReader struct {
	file string
	errs []string
}

// of returns the case id the tags of a scenario give, "" for none.
func (r *idReader) of(tags []*messages.Tag, at *messages.Location) string {
	var id string
	for _, t := range tags {
		v, ok := vocab.CaseIDOfTag(t.Name)
		switch {
		case !ok:
		case !vocab.IsCaseID(v):
			r.fail(t.Location, "%s is not a case id: want %s<ROW>-<slug>, the scenario's first contract row and a kebab-case slug of its title of at most %d characters in all, e.g. %sS2-near-miss", t.Name, vocab.TagIDPrefix, vocab.MaxCaseID, vocab.TagIDPrefix)
		case id != "":
			r.fail(at, "the scenario has two @id: tags, %s%s and %s: keep one", vocab.TagIDPrefix, id, t.Name)
		default:
			id = v
		}
	}
	return id
}

// none reports the @id: tags of what is not a scenario (where names a Feature, a Rule).
func (r *idReader) none(tags []*messages.Tag, where string) {
	for _, t := range tags {
		if _, ok := vocab.CaseIDOfTag(t.Name); ok {
			r.fail(t.Location, "%s is on %s: a case id belongs on the Scenario or Scenario Outline it names", t.Name, where)
		}
	}
}

func (r *idReader) fail(at *messages.Location, format string, args ...any) {
	line := int64(0)
	if at != nil {
		line = at.Line
	}
	r.errs = append(r.errs, fmt.Sprintf("%s:%d: %s", r.file, line, fmt.Sprintf(format, args...)))
}

// checkUniqueIDs returns a problem for each case id that two scenarios share (an
// outline's rows share its id, each with its own number).
func (p *Plan) checkUniqueIDs() []string {
	var errs []string
	type owner struct {
		sc  Scenario
		key string // the outline, or the scenario
	}
	seen := map[string]owner{}
	for _, sc := range p.Scenarios {
		if sc.ID == "" {
			continue
		}
		id, _, _ := strings.Cut(sc.ID, "/")
		key := fmt.Sprintf("%s\x00%s\x00%d", sc.Feature, sc.outline, sc.Line)
		if sc.outline != "" {
			key = sc.Feature + "\x00" + sc.outline
		}
		prev, dup := seen[id]
		switch {
		case !dup:
			seen[id] = owner{sc, key}
		case prev.key != key:
			errs = append(errs, fmt.Sprintf("%s:%d: the case id %s is also the id of %s:%d: give each scenario an id of its own", sc.Feature, sc.Line, id, prev.sc.Feature, prev.sc.Line))
		}
	}
	return errs
}
