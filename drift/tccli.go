package drift

import (
	"encoding/json"
	"fmt"
)

// apiJSON is the part of tccli's api.json (tccli/services/ciam/v20220331/api.json, the
// CLI model Tencent generates the clients from) that the drift reads.
type apiJSON struct {
	Objects map[string]struct {
		Members []struct {
			Name          string `json:"name"`
			Type          string `json:"type"`   // "string", "int", "list", "object", ...
			Member        string `json:"member"` // the element or scalar: "string", "int64", "Job"
			Required      *bool  `json:"required"`
			OutputRequire *bool  `json:"output_required"`
			AllowedNull   *bool  `json:"value_allowed_null"`
		} `json:"members"`
	} `json:"objects"`
}

// FromTCCLI reads the model of tccli's api.json: a member's type and member give the
// type, required (an input's) or output_required (an output's) whether it is required,
// and value_allowed_null whether it may be null (an output's only; a flag the file leaves
// out is unsaid).
func FromTCCLI(data []byte, source string) (Model, error) {
	m := Model{Name: "tccli", Source: source}
	var api apiJSON
	if err := json.Unmarshal(data, &api); err != nil {
		return m, fmt.Errorf("tccli: %s: %w", source, err)
	}
	for _, s := range Structs {
		obj, ok := api.Objects[s]
		if !ok {
			return m, fmt.Errorf("tccli: %s: no object %s", source, s)
		}
		for _, mem := range obj.Members {
			typ, err := tccliType(mem.Type, mem.Member)
			if err != nil {
				return m, fmt.Errorf("tccli: %s: %s.%s: %w", source, s, mem.Name, err)
			}
			f := Field{Struct: s, Name: mem.Name, Type: typ, Raw: mem.Type + " of " + mem.Member}
			if mem.Type == mem.Member || !(mem.Type == "list" || mem.Type == "object") {
				f.Raw = mem.Member
			}
			req := mem.OutputRequire
			if isInput(s) {
				req = mem.Required
			} else if mem.AllowedNull != nil {
				f.Nullable = tri(*mem.AllowedNull)
			}
			if req != nil {
				f.Required = tri(*req)
			}
			if err := m.add(f); err != nil {
				return m, err
			}
		}
	}
	return m, checkComplete(&m)
}

// tccliType normalises a member's type and member.
func tccliType(typ, member string) (string, error) {
	switch typ {
	case "list":
		elem, err := normalise(member)
		if err != nil {
			return "", err
		}
		return array(elem), nil
	case "object":
		if !isIdent(member) {
			return "", fmt.Errorf("an object of %q", member)
		}
		return "object " + member, nil
	case "":
		return "", fmt.Errorf("no type")
	}
	// A scalar: the member is the precise one (int64 for an int).
	if t, ok := scalar(member); ok {
		return t, nil
	}
	if t, ok := scalar(typ); ok {
		return t, nil
	}
	return "", fmt.Errorf("the type %q of %q is not a scalar", typ, member)
}
