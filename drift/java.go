package drift

import (
	"fmt"
	"io/fs"
	"regexp"
	"strings"
)

// JavaModels is where the Java SDK keeps the ciam models, in its sources jar and in the
// adapter's unpacked sources.
const JavaModels = "com/tencentcloudapi/ciam/v20220331/models"

var (
	javaSerialized = regexp.MustCompile(`^@SerializedName\("(\w+)"\)$`)
	javaField      = regexp.MustCompile(`^private\s+([\w.]+(?:\s*\[\s*\])?)\s+(\w+)\s*;$`)
)

// FromJava reads the model of the Java SDK from its sources (fsys holds NAME.java for each
// structure, as JavaModels does in the sources jar): each field is a
// `@SerializedName("Name") @Expose private Type Name;` under a /** */ comment. The Java
// model says nothing of required; a field whose comment carries the null note is
// nullable.
func FromJava(fsys fs.FS, source string) (Model, error) {
	m := Model{Name: "java", Source: source}
	for _, s := range Structs {
		src, err := fs.ReadFile(fsys, s+".java")
		if err != nil {
			return m, fmt.Errorf("java: %s: %w", source, err)
		}
		if err := javaFields(&m, s, string(src)); err != nil {
			return m, fmt.Errorf("java: %s: %s.java: %w", source, s, err)
		}
	}
	return m, checkComplete(&m)
}

// javaFields adds the serialized fields of one class, up to its first method.
func javaFields(m *Model, structName, src string) error {
	start := strings.Index(src, "public class "+structName+" ")
	if start < 0 {
		return fmt.Errorf("no public class %s", structName)
	}
	var doc docComment
	serialized := ""
	for _, line := range strings.Split(src[start:], "\n")[1:] {
		trimmed := strings.TrimSpace(line)
		switch {
		case doc.read(trimmed):
		case javaSerialized.MatchString(trimmed):
			serialized = javaSerialized.FindStringSubmatch(trimmed)[1]
		case strings.HasPrefix(trimmed, "private ") && serialized != "":
			f := javaField.FindStringSubmatch(trimmed)
			if f == nil {
				return fmt.Errorf("the field of %q is not read: %q", serialized, trimmed)
			}
			typ, err := javaType(f[1])
			if err != nil {
				return fmt.Errorf("%s: %w", serialized, err)
			}
			if err := m.add(Field{Struct: structName, Name: serialized, Type: typ, Raw: f[1],
				Nullable: commentNullable(structName, doc.text.String())}); err != nil {
				return err
			}
			serialized = ""
		case strings.HasPrefix(trimmed, "public ") && strings.Contains(trimmed, "("):
			// The first constructor or method: the fields are done.
			if serialized != "" {
				return fmt.Errorf("@SerializedName(%q) on no field", serialized)
			}
			return nil
		}
	}
	return fmt.Errorf("the class does not end")
}

// javaType normalises a Java type: String, Long, Integer, Boolean, Double, T[] or a
// class name.
func javaType(raw string) (string, error) {
	raw = strings.Join(strings.Fields(raw), "")
	if elem, ok := strings.CutSuffix(raw, "[]"); ok {
		t, err := javaType(elem)
		if err != nil {
			return "", err
		}
		return array(t), nil
	}
	if i := strings.LastIndex(raw, "."); i >= 0 {
		raw = raw[i+1:] // java.lang.String
	}
	return normalise(raw)
}
