// Package drift sets the model of ListJobs that each official client ships (the Node.js
// SDK's .d.ts, the Python SDK's models.py, the Java SDK's Job.java and its siblings,
// tccli's api.json) beside the contract's own (schemas/ and CONTRACT.md), field by field:
// name, type, required and nullable. Every difference between a client's model and the
// contract is a disagreement; each must be explained by an entry of explained.tsv (the
// reason and the CONTRACT.md rows it relies on), and an entry that explains no
// disagreement any more is stale. `make drift` (cmd/drift) prints the table; the tests
// of this package fail on a disagreement nobody explained.
package drift

import (
	"fmt"
	"sort"
	"strings"
)

// The structures compared, in the order they are printed: the Job, its nested elements,
// then the request and the response of ListJobs.
var Structs = []string{"Job", "ErrorDetails", "FailedUsers", "ListJobsRequest", "ListJobsResponse"}

// isInput says whether a structure is sent by the caller: its fields have no nullable
// flag in the clients' models (they mark only what the service may return as null).
func isInput(structName string) bool { return strings.HasSuffix(structName, "Request") }

// Tri is a yes/no a model may leave unsaid.
type Tri int

// The values of a Tri. Unsaid is the zero value: a model that does not say.
const (
	Unsaid Tri = iota
	Yes
	No
)

// String returns "yes", "no" or "-".
func (t Tri) String() string {
	switch t {
	case Yes:
		return "yes"
	case No:
		return "no"
	default:
		return "-"
	}
}

func tri(b bool) Tri {
	if b {
		return Yes
	}
	return No
}

// Field is one field of one structure as a model states it.
type Field struct {
	Struct string // "Job", "ListJobsResponse", ...
	Name   string // the JSON name, "CreatedDate"
	// Type is the normalised type: string, integer, int32, number, boolean, object NAME
	// (a structure), array<T> (array<NAME> for an array of structures).
	Type string
	// Raw is the type as the model spells it ("Long", "list of Job", "int64"), shown when
	// it is not Type itself.
	Raw      string
	Required Tri
	Nullable Tri
}

// Path is "Struct.Name".
func (f Field) Path() string { return f.Struct + "." + f.Name }

// Model is the fields of the compared structures as one source states them.
type Model struct {
	Name   string // the column: "schemas", "node", "python", "java", "tccli"
	Source string // where it was read: a path, with the client's version when known
	Fields []Field
}

// Field returns the model's field of that structure and name.
func (m *Model) Field(structName, name string) (Field, bool) {
	for _, f := range m.Fields {
		if f.Struct == structName && f.Name == name {
			return f, true
		}
	}
	return Field{}, false
}

// add appends a field, refusing a second one of the same path.
func (m *Model) add(f Field) error {
	if _, dup := m.Field(f.Struct, f.Name); dup {
		return fmt.Errorf("%s: the field %s twice", m.Name, f.Path())
	}
	m.Fields = append(m.Fields, f)
	return nil
}

// scalar normalises a scalar type name of any of the models; ok is false for a name that
// is not a scalar (a structure's name).
func scalar(raw string) (string, bool) {
	switch raw {
	case "string", "str", "String":
		return "string", true
	case "integer", "int", "int64", "uint64", "Long", "long":
		// Python's int has no bound; Java's Long and tccli's int64 hold epoch milliseconds.
		return "integer", true
	case "int32", "uint32", "Integer":
		// 32 bits: epoch milliseconds do not fit, so it is told apart from integer.
		return "int32", true
	case "number", "float", "double", "Float", "Double":
		return "number", true
	case "boolean", "bool", "Boolean":
		return "boolean", true
	}
	return "", false
}

// normalise turns a type name into the normalised form: a scalar, or "object NAME" for a
// structure's name (an identifier).
func normalise(raw string) (string, error) {
	if t, ok := scalar(raw); ok {
		return t, nil
	}
	if isIdent(raw) {
		return "object " + raw, nil
	}
	return "", fmt.Errorf("the type %q is neither a scalar nor a structure's name", raw)
}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		ok := r == '_' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || i > 0 && r >= '0' && r <= '9'
		if !ok {
			return false
		}
	}
	return true
}

// array wraps a normalised element type; an element that is a structure is written by
// its name alone: array<Job>.
func array(elem string) string { return "array<" + strings.TrimPrefix(elem, "object ") + ">" }

// nullMarker is the sentence the generated clients put in the documentation of a field
// the service may return as null ("Note: this field may return null, meaning no valid
// value could be obtained"): Python, Java and Node.js carry it, from the same source as
// tccli's value_allowed_null.
const nullMarker = "可能返回 null"

// docComment gathers the /** ... */ comment above a field of a Java class or a member
// of a TypeScript interface, a line at a time: its documentation.
type docComment struct {
	text strings.Builder
	open bool // inside a comment not yet closed
}

// read takes a trimmed line when it is (part of) a documentation comment, and tells
// whether it was; a comment that starts replaces the one before.
func (d *docComment) read(trimmed string) bool {
	switch {
	case d.open:
		d.text.WriteString("\n" + trimmed)
		d.open = !strings.Contains(trimmed, "*/")
	case strings.HasPrefix(trimmed, "/**"):
		d.text.Reset()
		d.text.WriteString(trimmed)
		d.open = !strings.Contains(trimmed, "*/")
	default:
		return false
	}
	return true
}

// commentNullable reads a field's nullable flag from its documentation: for an output
// field, Yes when it carries nullMarker and No otherwise; for an input, Unsaid.
func commentNullable(structName, doc string) Tri {
	if isInput(structName) {
		return Unsaid
	}
	return tri(strings.Contains(doc, nullMarker))
}

// checkComplete fails when a model lacks one of the compared structures entirely: an
// extractor that found nothing of a structure read the wrong file, or the file changed
// shape, and an empty column would hide every disagreement.
func checkComplete(m *Model) error {
	have := map[string]bool{}
	for _, f := range m.Fields {
		have[f.Struct] = true
	}
	var missing []string
	for _, s := range Structs {
		if !have[s] {
			missing = append(missing, s)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%s: no fields of %s in %s", m.Name, strings.Join(missing, ", "), m.Source)
	}
	return nil
}

// sortFields orders a model's fields by structure (Structs' order), keeping each
// structure's own field order.
func sortFields(fields []Field) {
	rank := map[string]int{}
	for i, s := range Structs {
		rank[s] = i
	}
	sort.SliceStable(fields, func(i, j int) bool { return rank[fields[i].Struct] < rank[fields[j].Struct] })
}
