package drift

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/ciam-harness/listjobs/contract"
)

// The aspects a model can disagree with the contract on.
const (
	AspectPresence = "presence" // the field is in one model and not the other
	AspectType     = "type"
	AspectRequired = "required"
	AspectNullable = "nullable"
)

var aspects = []string{AspectPresence, AspectType, AspectRequired, AspectNullable}

// Disagreement is one aspect of one field on which a client's model says other than the
// contract (schemas/).
type Disagreement struct {
	Field    string // "Job.CreatedDate"
	Aspect   string // AspectType, ...
	Model    string // "node"
	Says     string // what the model says: "number", "no", "absent"
	Contract string // what schemas/ says: "integer", "yes", "present"
}

func (d Disagreement) String() string {
	return fmt.Sprintf("%s %s: %s says %s, the contract %s", d.Field, d.Aspect, d.Model, d.Says, d.Contract)
}

// Compare lists the disagreements of a model with the reference (the contract's model),
// in the reference's field order, then the model's extra fields. An aspect the model
// leaves unsaid is no disagreement.
func Compare(ref, m Model) []Disagreement {
	var out []Disagreement
	d := func(f Field, aspect, says, contract string) {
		out = append(out, Disagreement{Field: f.Path(), Aspect: aspect, Model: m.Name, Says: says, Contract: contract})
	}
	for _, rf := range ref.Fields {
		mf, ok := m.Field(rf.Struct, rf.Name)
		if !ok {
			d(rf, AspectPresence, "absent", "present")
			continue
		}
		if mf.Type != rf.Type {
			d(rf, AspectType, mf.Type, rf.Type)
		}
		if mf.Required != Unsaid && rf.Required != Unsaid && mf.Required != rf.Required {
			d(rf, AspectRequired, mf.Required.String(), rf.Required.String())
		}
		if mf.Nullable != Unsaid && rf.Nullable != Unsaid && mf.Nullable != rf.Nullable {
			d(rf, AspectNullable, mf.Nullable.String(), rf.Nullable.String())
		}
	}
	for _, mf := range m.Fields {
		if _, ok := ref.Field(mf.Struct, mf.Name); !ok {
			d(mf, AspectPresence, "present", "absent")
		}
	}
	return out
}

// Judged is a disagreement and the entry of explained.tsv that explains it, if any.
type Judged struct {
	Disagreement
	By *Explanation // nil: nobody explained it
}

// Stale is a (field, model) pair an entry names that no longer disagrees that way.
type Stale struct {
	Entry *Explanation
	Field string
	Model string
	Now   string // what the model says now of that aspect
}

func (s Stale) String() string {
	return fmt.Sprintf("explained.tsv:%d: %s %s: %s no longer says %s (it says %s); remove it from the entry",
		s.Entry.Line, s.Field, s.Entry.Aspect, s.Model, s.Entry.Says, s.Now)
}

// Verdict is the drift judged against the explanations.
type Verdict struct {
	Judged []Judged
	Stale  []Stale
	// Unjudged are entries naming only models that were not read (a client not
	// installed): neither confirmed nor stale.
	Unjudged []*Explanation
}

// Unexplained returns the disagreements no entry explains.
func (v Verdict) Unexplained() []Disagreement {
	var out []Disagreement
	for _, j := range v.Judged {
		if j.By == nil {
			out = append(out, j.Disagreement)
		}
	}
	return out
}

// OK says whether every disagreement is explained and no entry is stale.
func (v Verdict) OK() bool { return len(v.Unexplained()) == 0 && len(v.Stale) == 0 }

// Judge compares each model with the reference and judges every disagreement against the
// entries; models are the models that were read.
func Judge(ref Model, models []Model, entries []*Explanation) Verdict {
	var v Verdict
	read := map[string]Model{}
	for _, m := range models {
		read[m.Name] = m
		for _, d := range Compare(ref, m) {
			v.Judged = append(v.Judged, Judged{Disagreement: d, By: explaining(entries, d)})
		}
	}
	for _, e := range entries {
		judged := false
		for _, model := range e.Models {
			m, ok := read[model]
			if !ok {
				continue
			}
			judged = true
			for _, field := range e.Fields {
				if !v.explains(e, field, model) {
					v.Stale = append(v.Stale, Stale{Entry: e, Field: field, Model: model, Now: says(ref, m, field, e.Aspect)})
				}
			}
		}
		if !judged {
			v.Unjudged = append(v.Unjudged, e)
		}
	}
	return v
}

// explains says whether the entry explains a disagreement of that field and model.
func (v Verdict) explains(e *Explanation, field, model string) bool {
	for _, j := range v.Judged {
		if j.By == e && j.Field == field && j.Model == model {
			return true
		}
	}
	return false
}

// explaining returns the entry that explains d: same aspect, d's field and model among
// the entry's, and the same two values.
func explaining(entries []*Explanation, d Disagreement) *Explanation {
	for _, e := range entries {
		if e.Aspect == d.Aspect && e.Says == d.Says && e.Contract == d.Contract &&
			contains(e.Fields, d.Field) && contains(e.Models, d.Model) {
			return e
		}
	}
	return nil
}

// says is what a model says now of one aspect of a field, for a stale entry's message.
func says(ref, m Model, path, aspect string) string {
	structName, name, _ := strings.Cut(path, ".")
	mf, ok := m.Field(structName, name)
	if !ok {
		return "absent (the field is not in the model)"
	}
	if _, inRef := ref.Field(structName, name); !inRef && aspect == AspectPresence {
		return "present"
	}
	switch aspect {
	case AspectType:
		return mf.Type
	case AspectRequired:
		return mf.Required.String()
	case AspectNullable:
		return mf.Nullable.String()
	}
	return "present"
}

// Rows returns the rows of the contract that name a field: the rows of "Job object" for
// the Job and its elements, any row for the request's and the response's fields; a row
// names a field written `Name`, "Name" (inside a JSON example) or `Name.N`.
func Rows(rows []contract.Row, f Field) []string {
	name := regexp.QuoteMeta(f.Name)
	re := regexp.MustCompile("[`\"]" + name + "(?:[`\"]|\\.N`)")
	var out []string
	for _, r := range rows {
		if !isInput(f.Struct) && f.Struct != "ListJobsResponse" && r.Area != JobArea {
			continue
		}
		if re.MatchString(r.Behaviour) {
			out = append(out, r.ID)
		}
	}
	return out
}

// JobArea is the heading of CONTRACT.md whose rows state the Job's fields.
const JobArea = "Job object"
