package suitelist

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	gherkin "github.com/cucumber/gherkin/go/v42"
	messages "github.com/cucumber/messages/go/v34"

	"github.com/ciam-harness/listjobs/vocab"
)

// maxSlug bounds the slug a new id gets from its title: short enough to read in a
// table, long enough to tell the scenarios of a row apart.
const maxSlug = 32

// stopWords are left out of a slug: they tell no scenario from another.
var stopWords = map[string]bool{
	"a": true, "an": true, "the": true, "of": true, "is": true, "are": true, "its": true, "it": true,
	"to": true, "and": true, "or": true, "with": true, "by": true, "as": true, "that": true,
	"whose": true, "be": true, "in": true, "on": true, "for": true, "at": true, "s": true,
	"gets": true,
}

// weakEnds are left off the end of a slug.
var weakEnds = map[string]bool{"returns": true, "return": true, "has": true, "authfailure": true, "still": true, "among": true, "very": true}

// AddIDs gives every Scenario and Scenario Outline of a feature file that has no @id: tag
// one, written at the end of its last tag line (or on a line of its own above it, when it
// has no tag): its first row tag as written (its own, else its Rule's or its Feature's),
// a hyphen and a slug of its title (NewID). taken holds the case ids in use, and gets the
// new ones. It returns the new source and the ids added, in file order; a scenario
// without a row tag is an error.
func AddIDs(file string, src []byte, taken map[string]bool) ([]byte, []string, error) {
	doc, err := gherkin.ParseGherkinDocument(bytes.NewReader(src), (&messages.Incrementing{}).NewId)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %v", file, err)
	}
	if doc.Feature == nil {
		return src, nil, nil
	}
	type insert struct {
		line int64  // 1-based
		col  int    // 0-based rune offset in the line; -1: a line of its own above it
		text string // the tag
	}
	var inserts []insert
	var added []string
	var errs []string
	visit := func(inherited []*messages.Tag, sc *messages.Scenario) {
		for _, t := range sc.Tags {
			if _, ok := vocab.CaseIDOfTag(t.Name); ok {
				return
			}
		}
		row := firstRow(sc.Tags)
		if row == "" {
			row = firstRow(inherited)
		}
		if row == "" {
			errs = append(errs, fmt.Sprintf("%s:%d: %q has no row tag to start its id with: tag it with the contract row it checks", file, sc.Location.Line, sc.Name))
			return
		}
		id := NewID(row, sc.Name, taken)
		taken[id] = true
		added = append(added, id)
		if n := len(sc.Tags); n > 0 {
			last := sc.Tags[n-1]
			inserts = append(inserts, insert{line: last.Location.Line, col: int(last.Location.Column) - 1 + len([]rune(last.Name)), text: " " + vocab.TagIDPrefix + id})
		} else {
			inserts = append(inserts, insert{line: sc.Location.Line, col: -1, text: vocab.TagIDPrefix + id})
		}
	}
	for _, child := range doc.Feature.Children {
		switch {
		case child.Scenario != nil:
			visit(doc.Feature.Tags, child.Scenario)
		case child.Rule != nil:
			inherited := append(append([]*messages.Tag(nil), child.Rule.Tags...), doc.Feature.Tags...)
			for _, rc := range child.Rule.Children {
				if rc.Scenario != nil {
					visit(inherited, rc.Scenario)
				}
			}
		}
	}
	if len(errs) > 0 {
		return nil, nil, fmt.Errorf("%s", strings.Join(errs, "\n"))
	}
	lines := strings.SplitAfter(string(src), "\n")
	for i := len(inserts) - 1; i >= 0; i-- { // from the end: the lines before keep their numbers
		in := inserts[i]
		l := []rune(lines[in.line-1])
		if in.col < 0 {
			indent := len(l) - len([]rune(strings.TrimLeftFunc(string(l), unicode.IsSpace)))
			lines[in.line-1] = string(l[:indent]) + in.text + "\n" + string(l)
			continue
		}
		lines[in.line-1] = string(l[:in.col]) + in.text + string(l[in.col:])
	}
	return []byte(strings.Join(lines, "")), added, nil
}

// firstRow is the first row tag among tags, as written, without its '@'.
func firstRow(tags []*messages.Tag) string {
	for _, t := range tags {
		if row, ok := vocab.RowOfTag(t.Name); ok {
			return row
		}
	}
	return ""
}

// NewID returns an id for a scenario of the row titled title that taken does not hold:
// ROW-slug, the slug the title's words in lower case, placeholders and stop words left
// out, as many as fit in maxSlug characters; more words, then a number, when the id is
// taken.
func NewID(row, title string, taken map[string]bool) string {
	words := slugWords(title)
	if len(words) == 0 {
		words = []string{"scenario"}
	}
	short := 1
	for short < len(words) && len(strings.Join(words[:short+1], "-")) <= maxSlug {
		short++
	}
	for n := short; n <= len(words); n++ {
		id := row + "-" + strings.Join(trimWeak(words[:n]), "-")
		if len(id) <= vocab.MaxCaseID && !taken[id] {
			return id
		}
	}
	base := row + "-" + strings.Join(trimWeak(words[:short]), "-")
	for i := 2; ; i++ {
		if id := base + "-" + strconv.Itoa(i); !taken[id] {
			return id
		}
	}
}

// slugWords are the words of a title for a slug: runs of ASCII letters and digits in
// lower case, a hyphenated word ("x-tc-action") kept whole, the <placeholders> of an
// outline and the stop words left out, and "error" after "gets" ("gets the error X"
// says X).
func slugWords(title string) []string {
	var words []string
	prev := ""
	for _, w := range strings.FieldsFunc(stripPlaceholders(title), func(r rune) bool {
		return r != '-' && !(r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)))
	}) {
		w = strings.Trim(strings.ToLower(w), "-")
		if w == "" || w == "the" && prev == "gets" {
			continue
		}
		if !stopWords[w] && !(w == "error" && prev == "gets") {
			words = append(words, w[:min(len(w), maxSlug)])
		}
		prev = w
	}
	return words
}

// trimWeak drops the weak words at the end of a slug's words ("returns", "has"): cut
// there, a title tells nothing.
func trimWeak(words []string) []string {
	for len(words) > 1 && weakEnds[words[len(words)-1]] {
		words = words[:len(words)-1]
	}
	return words
}

// stripPlaceholders removes the <placeholders> of an outline's title.
func stripPlaceholders(s string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '<')
		j := strings.IndexByte(s[max(i, 0):], '>')
		if i < 0 || j < 0 {
			return b.String() + s
		}
		b.WriteString(s[:i])
		b.WriteByte(' ')
		s = s[i+j+1:]
	}
}
