package drift

import (
	"fmt"
	"regexp"
	"strings"
)

var (
	tsInterface = regexp.MustCompile(`(?m)^export interface (\w+) \{\s*$`)
	tsMember    = regexp.MustCompile(`^\s*(\w+)(\??):\s*(.+?);\s*$`)
	tsArray     = regexp.MustCompile(`^Array<(.+)>$`)
)

// FromNode reads the model of the Node.js SDK's ciam_models.d.ts
// (tencentcloud/services/ciam/v20220331/ciam_models.d.ts): each interface lists its
// fields as "Name?: Type;" under a /** */ comment. A field without "?" is required; an
// output field whose comment carries the null note is nullable.
func FromNode(src []byte, source string) (Model, error) {
	m := Model{Name: "node", Source: source}
	text := string(src)
	bodies := map[string]string{}
	for _, loc := range tsInterface.FindAllStringSubmatchIndex(text, -1) {
		rest := text[loc[1]:]
		end := strings.Index(rest, "\n}")
		if end < 0 {
			return m, fmt.Errorf("node: %s: interface %s does not end", source, text[loc[2]:loc[3]])
		}
		bodies[text[loc[2]:loc[3]]] = rest[:end]
	}
	for _, s := range Structs {
		body, ok := bodies[s]
		if !ok {
			return m, fmt.Errorf("node: %s: no interface %s", source, s)
		}
		if err := tsFields(&m, s, body); err != nil {
			return m, fmt.Errorf("node: %s: interface %s: %w", source, s, err)
		}
	}
	return m, checkComplete(&m)
}

// tsFields adds the members of an interface body; the comment above a member is its
// documentation.
func tsFields(m *Model, structName, body string) error {
	var doc docComment
	for _, line := range strings.Split(body, "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case doc.read(trimmed):
		case trimmed == "":
		default:
			mem := tsMember.FindStringSubmatch(line)
			if mem == nil {
				return fmt.Errorf("a line that is no member: %q", trimmed)
			}
			typ, err := tsType(mem[3])
			if err != nil {
				return fmt.Errorf("%s: %w", mem[1], err)
			}
			if err := m.add(Field{Struct: structName, Name: mem[1], Type: typ, Raw: mem[3],
				Required: tri(mem[2] == ""), Nullable: commentNullable(structName, doc.text.String())}); err != nil {
				return err
			}
			doc.text.Reset()
		}
	}
	if doc.open {
		return fmt.Errorf("a comment that does not end")
	}
	return nil
}

// tsType normalises a TypeScript type: string, number, boolean, Array<T>, T[] or an
// interface's name. TypeScript has one number type: a number is "number", never integer.
func tsType(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	var elem string
	if a := tsArray.FindStringSubmatch(raw); a != nil {
		elem = a[1]
	} else if e, ok := strings.CutSuffix(raw, "[]"); ok {
		elem = e
	}
	if elem != "" {
		t, err := tsType(elem)
		if err != nil {
			return "", err
		}
		return array(t), nil
	}
	switch raw {
	case "string", "boolean", "number":
		return raw, nil
	}
	if isIdent(raw) {
		return "object " + raw, nil
	}
	return "", fmt.Errorf("the type %q is not one the drift reads", raw)
}
