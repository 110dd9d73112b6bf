// Package plan is the suite plan: the feature files parsed once into the scenarios
// godog runs (outline rows expanded, as godog's pickles), each with its case id (see
// vocab.TagIDPrefix), feature file, name, line, tags, shard hash and step texts.
//
// The runner reads the plan to select, order and shard the scenarios, and to know them
// before godog runs them; FS gives godog the feature files of a part of the suite.
package plan

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"time"

	gherkin "github.com/cucumber/gherkin/go/v42"
	messages "github.com/cucumber/messages/go/v34"

	"github.com/ciam-harness/listjobs/vocab"
)

// StepText is one step of a scenario: its text and doc string ("" for none), and the
// keyword ("Given ", "And ", with its space) and line of the step as written.
type StepText struct {
	Text, DocString string
	Keyword         string
	Line            int64
}

// Scenario is one scenario of the suite (an outline row is a scenario of its own).
type Scenario struct {
	// ID is its case id: its @id: tag's ("S2-near-miss"), with "/N" for the N-th row of an
	// outline ("S2-near-miss/3"); "" when it has no @id: tag.
	ID            string
	Feature, Name string
	// Line is the line of the scenario, or of its example row for an outline row.
	Line  int64
	Tags  []string
	Steps []StepText

	// lines are the lines of the feature file that hold the scenario alone, for FS to
	// comment out: its block (tags to last line), or its example row in an outline.
	lines [2]int64
	// outline is the ast id of its outline ("" for a plain scenario); block the
	// outline's lines, dropped with its last row.
	outline string
	block   [2]int64
}

// Key identifies the scenario in the suite: its feature file and name (the tests keep
// names unique within a feature).
func (s Scenario) Key() string { return s.Feature + "\x00" + s.Name }

// Shard is the shard (1 to n) of the scenario: a stable SHA-256 hash of its feature
// file and name, the same as the runner's.
func (s Scenario) Shard(n int) int { return ShardOf(s.Feature, s.Name, n) }

// ShardOf is the shard (1 to n) of the scenario of feature and name.
func ShardOf(feature, name string, n int) int {
	h := sha256.Sum256([]byte(feature + "\x00" + name))
	return int(binary.BigEndian.Uint64(h[:8])%uint64(n)) + 1
}

// Plan is every scenario of the suite, in the order godog parses them.
type Plan struct {
	Scenarios []Scenario
	fsys      fs.FS
	sources   map[string][]byte
}

// Build parses the *.feature files of fsys (searched recursively, in lexical order, as
// godog does) once. A malformed @id: tag, one out of place (anywhere but on a
// Scenario), two on one scenario, and an id two scenarios share are errors; a scenario
// without one has no id.
func Build(fsys fs.FS) (*Plan, error) {
	p := &Plan{fsys: fsys, sources: map[string][]byte{}}
	var idErrs []string
	err := fs.WalkDir(fsys, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".feature") {
			return err
		}
		src, err := fs.ReadFile(fsys, path)
		if err != nil {
			return err
		}
		newID := (&messages.Incrementing{}).NewId
		doc, err := gherkin.ParseGherkinDocumentForLanguage(bytes.NewReader(src), gherkin.DefaultDialect, newID)
		if err != nil {
			return fmt.Errorf("%s - %v", path, err)
		}
		p.sources[path] = src
		idErrs = append(idErrs, p.add(path, doc, gherkin.Pickles(*doc, path, newID), int64(bytes.Count(src, []byte("\n"))+1))...)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("features: %v", err)
	}
	idErrs = append(idErrs, p.checkUniqueIDs()...)
	if len(idErrs) > 0 {
		return nil, fmt.Errorf("features: %s", strings.Join(idErrs, "\n"))
	}
	return p, nil
}

// add adds the scenarios of a document, and returns the problems of its @id: tags.
func (p *Plan) add(path string, doc *messages.GherkinDocument, pickles []*messages.Pickle, lastLine int64) []string {
	type node struct {
		first, line int64
		outline     bool
		id          string // case id
	}
	ids := idReader{file: path}
	nodes := map[string]node{} // scenario and example row ids
	var starts []int64         // where each block of the document starts

	stepsByID := map[string]*messages.Step{} // the steps as written, by ast id
	addSteps := func(steps []*messages.Step) {
		for _, st := range steps {
			stepsByID[st.Id] = st
		}
	}
	addScenario := func(sc *messages.Scenario) {
		addSteps(sc.Steps)
		first := sc.Location.Line
		for _, t := range sc.Tags {
			first = min(first, t.Location.Line)
		}
		starts = append(starts, first)
		id := ids.of(sc.Tags, sc.Location)
		nodes[sc.Id] = node{first: first, line: sc.Location.Line, outline: len(sc.Examples) > 0, id: id}
		n := 0 // the rows of every Examples table, numbered together
		for _, ex := range sc.Examples {
			ids.none(ex.Tags, "an Examples table")
			for _, row := range ex.TableBody {
				n++
				rowID := ""
				if id != "" {
					rowID = vocab.OutlineRowID(id, n)
				}
				nodes[row.Id] = node{first: row.Location.Line, line: row.Location.Line, id: rowID}
			}
		}
	}
	if doc.Feature != nil {
		ids.none(doc.Feature.Tags, "a Feature")
		for _, child := range doc.Feature.Children {
			switch {
			case child.Background != nil:
				starts = append(starts, child.Background.Location.Line)
				addSteps(child.Background.Steps)
			case child.Scenario != nil:
				addScenario(child.Scenario)
			case child.Rule != nil:
				ids.none(child.Rule.Tags, "a Rule")
				first := child.Rule.Location.Line
				for _, t := range child.Rule.Tags {
					first = min(first, t.Location.Line)
				}
				starts = append(starts, first)
				for _, rc := range child.Rule.Children {
					switch {
					case rc.Background != nil:
						starts = append(starts, rc.Background.Location.Line)
						addSteps(rc.Background.Steps)
					case rc.Scenario != nil:
						addScenario(rc.Scenario)
					}
				}
			}
		}
	}
	slices.Sort(starts)
	// blockOf is the lines from a scenario's first tag to the line before the next block.
	blockOf := func(first int64) [2]int64 {
		end := lastLine
		if i, _ := slices.BinarySearch(starts, first+1); i < len(starts) {
			end = starts[i] - 1
		}
		return [2]int64{first, end}
	}
	for _, pk := range pickles {
		sc := Scenario{Feature: pk.Uri, Name: pk.Name}
		if len(pk.AstNodeIds) > 0 {
			outer := nodes[pk.AstNodeIds[0]]
			sc.ID, sc.Line, sc.lines = outer.id, outer.line, blockOf(outer.first)
			if n := len(pk.AstNodeIds); n > 1 && outer.outline {
				row := nodes[pk.AstNodeIds[n-1]]
				sc.ID, sc.Line, sc.lines = row.id, row.line, [2]int64{row.line, row.line}
				sc.outline, sc.block = pk.AstNodeIds[0], blockOf(outer.first)
			}
		}
		for _, t := range pk.Tags {
			sc.Tags = append(sc.Tags, t.Name)
		}
		for _, st := range pk.Steps {
			s := StepText{Text: st.Text}
			if st.Argument != nil && st.Argument.DocString != nil {
				s.DocString = st.Argument.DocString.Content
			}
			if len(st.AstNodeIds) > 0 {
				if ast := stepsByID[st.AstNodeIds[0]]; ast != nil {
					s.Keyword, s.Line = ast.Keyword, ast.Location.Line
				}
			}
			sc.Steps = append(sc.Steps, s)
		}
		p.Scenarios = append(p.Scenarios, sc)
	}
	return ids.errs
}

// Source returns the feature files the plan was built from.
func (p *Plan) Source() fs.FS { return p.fsys }

// Files returns the feature files that hold a scenario keep accepts, in parse order.
func (p *Plan) Files(keep func(Scenario) bool) []string {
	var out []string
	for _, sc := range p.Scenarios {
		if keep(sc) && !slices.Contains(out, sc.Feature) {
			out = append(out, sc.Feature)
		}
	}
	return out
}

// FS returns the feature files as godog should see them to run exactly the scenarios
// keep accepts: every other scenario commented out, line for line, so that each kept
// scenario stays at its own line. An outline keeps the example rows of kept scenarios
// (each row is a scenario of its own), and goes altogether when none is kept.
func (p *Plan) FS(keep func(Scenario) bool) fs.FS {
	drop := map[string]map[int64]bool{} // file -> 1-based lines to comment out
	kept := map[string]bool{}           // outlines with a kept row
	for _, sc := range p.Scenarios {
		if keep(sc) && sc.outline != "" {
			kept[sc.Feature+"\x00"+sc.outline] = true
		}
	}
	for _, sc := range p.Scenarios {
		if keep(sc) {
			continue
		}
		lines := sc.lines
		if sc.outline != "" && !kept[sc.Feature+"\x00"+sc.outline] {
			lines = sc.block
		}
		if drop[sc.Feature] == nil {
			drop[sc.Feature] = map[int64]bool{}
		}
		for l := lines[0]; l <= lines[1]; l++ {
			drop[sc.Feature][l] = true
		}
	}
	files := map[string][]byte{}
	for name, lines := range drop {
		files[name] = commentOut(p.sources[name], lines)
	}
	return overlayFS{base: p.fsys, files: files}
}

// Match tells whether tags satisfy a godog tag filter: "@a,@b" is either, "@a && ~@b"
// both (godog's own rule, internal/tags, which godog does not export).
func Match(filter string, tags []string) bool {
	if filter == "" {
		return true
	}
	for _, alt := range strings.Split(filter, ",") {
		if matchAll(alt, tags) {
			return true
		}
	}
	return false
}

func matchAll(filter string, tags []string) bool {
	if filter == "" {
		return false
	}
	for _, term := range strings.Split(filter, "&&") {
		term = strings.ReplaceAll(strings.TrimSpace(term), "@", "")
		want := true
		if t, ok := strings.CutPrefix(term, "~"); ok {
			term, want = t, false
		}
		if term == "" || slices.ContainsFunc(tags, func(t string) bool { return strings.ReplaceAll(t, "@", "") == term }) != want {
			return false
		}
	}
	return true
}

// commentOut prefixes the given 1-based lines with "#".
func commentOut(src []byte, drop map[int64]bool) []byte {
	lines := bytes.SplitAfter(src, []byte("\n"))
	var out bytes.Buffer
	out.Grow(len(src) + len(drop))
	for i, l := range lines {
		if drop[int64(i+1)] {
			out.WriteByte('#')
		}
		out.Write(l)
	}
	return out.Bytes()
}

// overlayFS is base with some files replaced.
type overlayFS struct {
	base  fs.FS
	files map[string][]byte
}

func (o overlayFS) Open(name string) (fs.File, error) {
	if b, ok := o.files[name]; ok {
		return &memFile{name: name, r: bytes.NewReader(b), size: int64(len(b))}, nil
	}
	return o.base.Open(name)
}

// memFile is a read-only file in memory.
type memFile struct {
	name string
	r    *bytes.Reader
	size int64
}

func (f *memFile) Read(p []byte) (int, error) { return f.r.Read(p) }
func (f *memFile) Close() error               { return nil }
func (f *memFile) Stat() (fs.FileInfo, error) { return memInfo{f}, nil }

type memInfo struct{ f *memFile }

func (i memInfo) Name() string       { return i.f.name[strings.LastIndexByte(i.f.name, '/')+1:] }
func (i memInfo) Size() int64        { return i.f.size }
func (i memInfo) Mode() fs.FileMode  { return 0o444 }
func (i memInfo) ModTime() time.Time { return time.Time{} }
func (i memInfo) IsDir() bool        { return false }
func (i memInfo) Sys() any           { return nil }
