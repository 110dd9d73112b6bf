package drift

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
)

// schemaFile is where each structure is in schemas/: the file and the path of the object
// schema inside it (the response's fields are those of its "Response" member).
var schemaFile = map[string]struct {
	file string
	path []string
}{
	"Job":              {"job.json", nil},
	"ErrorDetails":     {"error-details.json", nil},
	"FailedUsers":      {"failed-users.json", nil},
	"ListJobsRequest":  {"request.json", nil},
	"ListJobsResponse": {"success-response.json", []string{"Response"}},
}

// objectSchema is the part of a draft-07 object schema the drift reads.
type objectSchema struct {
	Title      string          `json:"title"`
	Required   []string        `json:"required"`
	Properties json.RawMessage `json:"properties"`
}

type propertySchema struct {
	Type  json.RawMessage `json:"type"`
	Ref   string          `json:"$ref"`
	Items *propertySchema `json:"items"`
}

// FromSchemas reads the contract's model from the JSON Schemas of schemas/ (fsys holds
// the files, as schemas.FS does).
func FromSchemas(fsys fs.FS) (Model, error) {
	m := Model{Name: "schemas", Source: "schemas/*.json"}
	titles, err := schemaTitles(fsys)
	if err != nil {
		return m, err
	}
	for _, s := range Structs {
		loc := schemaFile[s]
		data, err := fs.ReadFile(fsys, loc.file)
		if err != nil {
			return m, fmt.Errorf("schemas: %w", err)
		}
		obj, err := descend(data, loc.path)
		if err != nil {
			return m, fmt.Errorf("schemas: %s: %w", loc.file, err)
		}
		names, err := orderedKeys(obj.Properties)
		if err != nil {
			return m, fmt.Errorf("schemas: %s: properties: %w", loc.file, err)
		}
		var props map[string]propertySchema
		if err := json.Unmarshal(obj.Properties, &props); err != nil {
			return m, fmt.Errorf("schemas: %s: properties: %w", loc.file, err)
		}
		for _, name := range names {
			typ, nullable, err := schemaType(props[name], titles)
			if err != nil {
				return m, fmt.Errorf("schemas: %s: %s: %w", loc.file, name, err)
			}
			f := Field{Struct: s, Name: name, Type: typ, Nullable: nullable, Required: tri(contains(obj.Required, name))}
			if isInput(s) {
				f.Nullable = Unsaid // P10: a null parameter counts as not sent; the schema is of what the harness sends
			}
			if err := m.add(f); err != nil {
				return m, err
			}
		}
	}
	return m, checkComplete(&m)
}

// schemaTitles maps each schema file to its title, the name of the structure it holds.
func schemaTitles(fsys fs.FS) (map[string]string, error) {
	titles := map[string]string{}
	for _, loc := range schemaFile {
		data, err := fs.ReadFile(fsys, loc.file)
		if err != nil {
			return nil, fmt.Errorf("schemas: %w", err)
		}
		var o objectSchema
		if err := json.Unmarshal(data, &o); err != nil {
			return nil, fmt.Errorf("schemas: %s: %w", loc.file, err)
		}
		titles[loc.file] = o.Title
	}
	return titles, nil
}

// descend follows the "properties" of path from the root object schema of data.
func descend(data []byte, path []string) (objectSchema, error) {
	var o objectSchema
	if err := json.Unmarshal(data, &o); err != nil {
		return o, err
	}
	for _, p := range path {
		var props map[string]json.RawMessage
		if err := json.Unmarshal(o.Properties, &props); err != nil {
			return o, fmt.Errorf("properties: %w", err)
		}
		raw, ok := props[p]
		if !ok {
			return o, fmt.Errorf("no property %q", p)
		}
		o = objectSchema{}
		if err := json.Unmarshal(raw, &o); err != nil {
			return o, fmt.Errorf("%s: %w", p, err)
		}
	}
	if len(o.Properties) == 0 {
		return o, fmt.Errorf("no properties")
	}
	return o, nil
}

// schemaType normalises a property's type: "type" a name or a list of names of which
// "null" makes it nullable, an array's items, a $ref to another file of schemas/ (the
// structure its title names).
func schemaType(p propertySchema, titles map[string]string) (string, Tri, error) {
	if p.Ref != "" {
		title, ok := titles[p.Ref]
		if !ok || title == "" {
			return "", Unsaid, fmt.Errorf("$ref %q names no schema of the compared structures", p.Ref)
		}
		return "object " + title, No, nil
	}
	var types []string
	var one string
	switch {
	case len(p.Type) == 0:
		return "", Unsaid, fmt.Errorf("no type")
	case json.Unmarshal(p.Type, &one) == nil:
		types = []string{one}
	case json.Unmarshal(p.Type, &types) == nil:
	default:
		return "", Unsaid, fmt.Errorf("type %s is neither a name nor a list of names", p.Type)
	}
	nullable := No
	var rest []string
	for _, t := range types {
		if t == "null" {
			nullable = Yes
		} else {
			rest = append(rest, t)
		}
	}
	if len(rest) != 1 {
		return "", Unsaid, fmt.Errorf("type %s: want one type besides null", p.Type)
	}
	if rest[0] == "array" {
		if p.Items == nil {
			return "", Unsaid, fmt.Errorf("an array without items")
		}
		elem, _, err := schemaType(*p.Items, titles)
		if err != nil {
			return "", Unsaid, fmt.Errorf("items: %w", err)
		}
		return array(elem), nullable, nil
	}
	t, ok := scalar(rest[0])
	if !ok {
		return "", Unsaid, fmt.Errorf("type %q is not a scalar of the compared models", rest[0])
	}
	return t, nullable, nil
}

// orderedKeys lists the keys of a JSON object in the order they are written.
func orderedKeys(raw json.RawMessage) ([]string, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, fmt.Errorf("not an object")
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		keys = append(keys, tok.(string)) // inside an object, a key is always a string
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return nil, err
		}
	}
	return keys, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
