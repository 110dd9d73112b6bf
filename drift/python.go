package drift

import (
	"fmt"
	"regexp"
	"strings"
)

var (
	pyClass = regexp.MustCompile(`(?m)^class (\w+)\(AbstractModel\):`)
	pyParam = regexp.MustCompile(`^\s*:param _(\w+):(.*)$`)
	pyType  = regexp.MustCompile(`^\s*:type (\w+):\s*(.+?)\s*$`)
	pyRef   = regexp.MustCompile("^:class:`(?:[\\w.]+\\.)?(\\w+)`$")
)

// FromPython reads the model of the Python SDK's models.py
// (tencentcloud/ciam/v20220331/models.py): each class's __init__ documents its fields as
// ":param _Name: text" then ":type Name: type". The Python model says nothing of required;
// a field whose text carries the null note is nullable.
func FromPython(src []byte, source string) (Model, error) {
	m := Model{Name: "python", Source: source}
	classes := pySplit(string(src))
	for _, s := range Structs {
		body, ok := classes[s]
		if !ok {
			return m, fmt.Errorf("python: %s: no class %s(AbstractModel)", source, s)
		}
		doc, err := pyInitDoc(body)
		if err != nil {
			return m, fmt.Errorf("python: %s: class %s: %w", source, s, err)
		}
		if err := pyFields(&m, s, doc); err != nil {
			return m, fmt.Errorf("python: %s: class %s: %w", source, s, err)
		}
	}
	return m, checkComplete(&m)
}

// pySplit maps each class of models.py to its text, up to the next class.
func pySplit(src string) map[string]string {
	out := map[string]string{}
	locs := pyClass.FindAllStringSubmatchIndex(src, -1)
	for i, loc := range locs {
		end := len(src)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		out[src[loc[2]:loc[3]]] = src[loc[1]:end]
	}
	return out
}

// pyInitDoc returns the docstring of a class's __init__.
func pyInitDoc(body string) (string, error) {
	i := strings.Index(body, "def __init__(self")
	if i < 0 {
		return "", fmt.Errorf("no __init__")
	}
	rest := body[i:]
	open := strings.Index(rest, `"""`)
	if open < 0 {
		return "", fmt.Errorf("__init__ has no docstring")
	}
	rest = rest[open+3:]
	end := strings.Index(rest, `"""`)
	if end < 0 {
		return "", fmt.Errorf("__init__'s docstring does not end")
	}
	return rest[:end], nil
}

// pyFields adds the fields a docstring documents: the text of a :param runs to its :type.
func pyFields(m *Model, structName, doc string) error {
	var name string
	var text strings.Builder
	open := false
	for _, line := range strings.Split(doc, "\n") {
		if p := pyParam.FindStringSubmatch(line); p != nil {
			if open {
				return fmt.Errorf(":param _%s has no :type", name)
			}
			name, open = p[1], true
			text.Reset()
			text.WriteString(p[2])
			continue
		}
		if t := pyType.FindStringSubmatch(line); t != nil {
			if !open || t[1] != name {
				return fmt.Errorf(":type %s follows no :param _%s", t[1], t[1])
			}
			typ, err := pythonType(t[2])
			if err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			if err := m.add(Field{Struct: structName, Name: name, Type: typ, Raw: t[2],
				Nullable: commentNullable(structName, text.String())}); err != nil {
				return err
			}
			open = false
			continue
		}
		if open {
			text.WriteString("\n" + line)
		}
	}
	if open {
		return fmt.Errorf(":param _%s has no :type", name)
	}
	return nil
}

// pythonType normalises a docstring type: str, int, float, bool, "list of T", a class
// name or :class:`module.Name`.
func pythonType(raw string) (string, error) {
	if elem, ok := strings.CutPrefix(raw, "list of "); ok {
		t, err := pythonType(strings.TrimSpace(elem))
		if err != nil {
			return "", err
		}
		return array(t), nil
	}
	if r := pyRef.FindStringSubmatch(raw); r != nil {
		return "object " + r[1], nil
	}
	return normalise(raw)
}
