// Package plan is the suite plan: the feature files parsed once into the scenarios
// godog runs (outline rows expanded, as godog's pickles), each with its feature file,
// name, line, tags, shard hash and step texts.
//
// The runner does not read it yet: it still parses the features itself (runner/run.go,
// runner/shard.go). This package is the first step of that change.
package plan

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io/fs"
	"strings"

	gherkin "github.com/cucumber/gherkin/go/v42"
	messages "github.com/cucumber/messages/go/v34"
)

// StepText is one step of a scenario: its text and doc string ("" for none).
type StepText struct {
	Text, DocString string
}

// Scenario is one scenario of the suite (an outline row is a scenario of its own).
type Scenario struct {
	Feature, Name string
	// Line is the line of the scenario, or of its example row for an outline row.
	Line  int64
	Tags  []string
	Steps []StepText
}

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
}

// Build parses the *.feature files of fsys (searched recursively, in lexical order, as
// godog does) once.
func Build(fsys fs.FS) (*Plan, error) {
	p := &Plan{}
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
		p.add(doc, gherkin.Pickles(*doc, path, newID))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("features: %v", err)
	}
	return p, nil
}

func (p *Plan) add(doc *messages.GherkinDocument, pickles []*messages.Pickle) {
	lines := map[string]int64{}
	addScenario := func(sc *messages.Scenario) {
		lines[sc.Id] = sc.Location.Line
		for _, ex := range sc.Examples {
			for _, row := range ex.TableBody {
				lines[row.Id] = row.Location.Line
			}
		}
	}
	if doc.Feature != nil {
		for _, child := range doc.Feature.Children {
			if child.Scenario != nil {
				addScenario(child.Scenario)
			}
			if child.Rule != nil {
				for _, rc := range child.Rule.Children {
					if rc.Scenario != nil {
						addScenario(rc.Scenario)
					}
				}
			}
		}
	}
	for _, pk := range pickles {
		sc := Scenario{Feature: pk.Uri, Name: pk.Name}
		if n := len(pk.AstNodeIds); n > 0 {
			sc.Line = lines[pk.AstNodeIds[n-1]]
		}
		for _, t := range pk.Tags {
			sc.Tags = append(sc.Tags, t.Name)
		}
		for _, st := range pk.Steps {
			s := StepText{Text: st.Text}
			if st.Argument != nil && st.Argument.DocString != nil {
				s.DocString = st.Argument.DocString.Content
			}
			sc.Steps = append(sc.Steps, s)
		}
		p.Scenarios = append(p.Scenarios, sc)
	}
}
