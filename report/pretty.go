package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
)

// textLine is one line of an attachment as the HTML report shows it; Mark is the line
// of the JSON value a failure names.
type textLine struct {
	Indent, Text string
	Mark         bool
}

// jsonPathRe finds the JSON path a check's message names, as the checks write it:
// "Response.JobSet[3].CreatedDate".
var jsonPathRe = regexp.MustCompile(`\bResponse(?:\.[A-Za-z_][A-Za-z0-9_]*|\[[0-9]+\])+`)

// prettyResponse is a response attachment for the HTML report: its JSON body (the
// first line that starts a JSON value, to the end of that value) indented, and the
// line of the value at the path the error names marked (or of its nearest parent
// below the top). Text that is not JSON is shown as it is.
func prettyResponse(text, errText string) []textLine {
	if text == "" {
		return nil
	}
	start := -1
	for i := 0; i < len(text); i++ {
		if (i == 0 || text[i-1] == '\n') && (text[i] == '{' || text[i] == '[') {
			start = i
			break
		}
	}
	if start >= 0 {
		p := &jsonPrinter{dec: json.NewDecoder(strings.NewReader(text[start:]))}
		p.dec.UseNumber()
		if err := p.value("", "", 0); err == nil {
			p.mark(jsonPathRe.FindString(errText))
			out := plainLines(strings.TrimSuffix(text[:start], "\n"), start > 0)
			out = append(out, p.lines...)
			if tail := strings.TrimPrefix(text[start+int(p.dec.InputOffset()):], "\n"); tail != "" {
				out = append(out, plainLines(tail, true)...)
			}
			return out
		}
	}
	return plainLines(text, true)
}

// plainLines splits text into lines; none for "" unless keep.
func plainLines(text string, keep bool) []textLine {
	if text == "" && !keep {
		return nil
	}
	var out []textLine
	for _, l := range strings.Split(text, "\n") {
		out = append(out, textLine{Text: l})
	}
	return out
}

// jsonPrinter indents one JSON value, line by line, and knows the path of the value
// each line starts.
type jsonPrinter struct {
	dec   *json.Decoder
	lines []textLine
	paths []string // the path of each line's value, "" for a closing bracket
}

func (p *jsonPrinter) add(indent, text, path string) {
	p.lines = append(p.lines, textLine{Indent: indent, Text: text})
	p.paths = append(p.paths, path)
}

// value prints the next value of the decoder, at path, after prefix (its key).
func (p *jsonPrinter) value(path, prefix string, depth int) error {
	tok, err := p.dec.Token()
	if err != nil {
		return err
	}
	indent := strings.Repeat("  ", depth)
	delim, ok := tok.(json.Delim)
	if !ok {
		s, err := scalar(tok)
		p.add(indent, prefix+s, path)
		return err
	}
	closer := "}"
	if delim == '[' {
		closer = "]"
	}
	if !p.dec.More() {
		p.add(indent, prefix+delim.String()+closer, path)
		_, err := p.dec.Token()
		return err
	}
	p.add(indent, prefix+delim.String(), path)
	for i := 0; p.dec.More(); i++ {
		child, childPrefix := fmt.Sprintf("%s[%d]", path, i), ""
		if delim == '{' {
			k, err := p.dec.Token()
			if err != nil {
				return err
			}
			key, _ := k.(string)
			child, childPrefix = key, quoteJSON(key)+": "
			if path != "" {
				child = path + "." + key
			}
		}
		if err := p.value(child, childPrefix, depth+1); err != nil {
			return err
		}
		if p.dec.More() {
			p.lines[len(p.lines)-1].Text += ","
		}
	}
	p.add(indent, closer, "")
	_, err = p.dec.Token()
	return err
}

// mark marks the line of the value at path, or of its nearest parent that is not the
// top-level key.
func (p *jsonPrinter) mark(path string) {
	for strings.ContainsAny(path, ".[") {
		for i, lp := range p.paths {
			if lp == path {
				p.lines[i].Mark = true
				return
			}
		}
		path = path[:strings.LastIndexAny(path, ".[")]
	}
}

// scalar is a JSON scalar token as JSON.
func scalar(tok json.Token) (string, error) {
	switch v := tok.(type) {
	case nil:
		return "null", nil
	case bool:
		return fmt.Sprint(v), nil
	case json.Number:
		return v.String(), nil
	case string:
		return quoteJSON(v), nil
	}
	return "", fmt.Errorf("unexpected JSON token %v", tok)
}

// quoteJSON is s as a JSON string, '<', '>' and '&' as they are (the template escapes).
func quoteJSON(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return strings.TrimSuffix(b.String(), "\n")
}
