package schemas

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"

	"github.com/tidwall/gjson"
	"github.com/xeipuuv/gojsonreference"
	"github.com/xeipuuv/gojsonschema"
)

// ValidateValue is Validate for a value that gjson found inside a document it accepted
// (gjson.Valid), such as one job of a large JobSet: the same violations, in the same
// order, without decoding the value's text again with encoding/json, which is most of
// what validating one small object costs.
//
// The value is built as gojsonschema's own loader would decode v.Raw (encoding/json
// with UseNumber): objects as map[string]any (a repeated key: the last one), arrays as
// []any, numbers as json.Number of their literal, and strings decoded by encoding/json
// itself unless they are plain (valid UTF-8, no escape, no control character), which
// it would return unchanged.
func (s *Set) ValidateValue(name string, v gjson.Result) ([]Violation, error) {
	schema, ok := s.compiled[name]
	if !ok {
		return nil, fmt.Errorf("schemas: no schema %q", name)
	}
	if !v.Exists() {
		return nil, fmt.Errorf("schemas: %s: document is not JSON: no value", name)
	}
	doc, err := goValue(v)
	if err != nil {
		return nil, fmt.Errorf("schemas: %s: document is not JSON: %w", name, err)
	}
	res, err := schema.Validate(decoded{doc})
	if err != nil {
		return nil, fmt.Errorf("schemas: %s: %w", name, err)
	}
	return violations(res), nil
}

// decoded is a gojsonschema loader of a value already decoded.
type decoded struct{ doc any }

func (d decoded) JsonSource() any        { return d.doc }
func (d decoded) LoadJSON() (any, error) { return d.doc, nil }
func (d decoded) LoaderFactory() gojsonschema.JSONLoaderFactory {
	return &gojsonschema.DefaultJSONLoaderFactory{}
}
func (d decoded) JsonReference() (gojsonreference.JsonReference, error) {
	return gojsonreference.NewJsonReference("#")
}

// goValue is v as encoding/json decodes it into an any with UseNumber.
func goValue(v gjson.Result) (any, error) {
	switch v.Type {
	case gjson.Null:
		return nil, nil
	case gjson.False:
		return false, nil
	case gjson.True:
		return true, nil
	case gjson.Number:
		return json.Number(v.Raw), nil
	case gjson.String:
		return goString(v.Raw)
	}
	var err error
	if v.IsArray() {
		out := make([]any, 0)
		v.ForEach(func(_, el gjson.Result) bool {
			var x any
			if x, err = goValue(el); err != nil {
				return false
			}
			out = append(out, x)
			return true
		})
		return out, err
	}
	if !v.IsObject() {
		return nil, fmt.Errorf("unexpected value %.20q", v.Raw)
	}
	out := map[string]any{}
	v.ForEach(func(key, el gjson.Result) bool {
		var k string
		var x any
		if k, err = goString(key.Raw); err != nil {
			return false
		}
		if x, err = goValue(el); err != nil {
			return false
		}
		out[k] = x
		return true
	})
	return out, err
}

// goString decodes a JSON string literal (quotes included) as encoding/json does.
func goString(raw string) (string, error) {
	if len(raw) >= 2 && raw[0] == '"' && raw[len(raw)-1] == '"' {
		s := raw[1 : len(raw)-1]
		plain := utf8.ValidString(s)
		for i := 0; plain && i < len(s); i++ {
			plain = s[i] != '\\' && s[i] != '"' && s[i] >= 0x20
		}
		if plain {
			return s, nil
		}
	}
	var out string
	err := json.Unmarshal([]byte(raw), &out)
	return out, err
}
