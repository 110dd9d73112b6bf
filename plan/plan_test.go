package plan

import (
	"io/fs"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/cucumber/godog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciam-harness/listjobs/features"
)

// The plan holds exactly godog's scenarios, in godog's order, at the same lines.
func TestBuildMatchesGodog(t *testing.T) {
	p, err := Build(features.FS)
	require.NoError(t, err)
	suite := godog.TestSuite{Options: &godog.Options{FS: features.FS, Paths: []string{"."}}}
	feats, err := suite.RetrieveFeatures()
	require.NoError(t, err)
	var want []string
	for _, ft := range feats {
		for _, pk := range ft.Pickles {
			want = append(want, pk.Uri+"\x00"+pk.Name)
		}
	}
	var got []string
	for _, sc := range p.Scenarios {
		got = append(got, sc.Feature+"\x00"+sc.Name)
		require.NotZero(t, sc.Line, sc.Name)
		require.NotEmpty(t, sc.Steps, sc.Name)
		require.GreaterOrEqual(t, sc.Shard(4), 1)
	}
	require.Equal(t, want, got)
}

func TestOverlayFS(t *testing.T) {
	base := fstest.MapFS{"a.feature": {Data: []byte("old")}, "b.feature": {Data: []byte("kept")}}
	o := overlayFS{base: base, files: map[string][]byte{"a.feature": []byte("new")}}
	b, err := fs.ReadFile(o, "a.feature")
	require.NoError(t, err)
	assert.Equal(t, "new", string(b))
	st, err := fs.Stat(o, "a.feature")
	require.NoError(t, err)
	assert.Equal(t, "a.feature", st.Name())
	assert.Equal(t, int64(3), st.Size())
	b, err = fs.ReadFile(o, "b.feature")
	require.NoError(t, err)
	assert.Equal(t, "kept", string(b))
	assert.Equal(t, "#x\ny\n#z", string(commentOut([]byte("x\ny\nz"), map[int64]bool{1: true, 3: true})))
}

// FS keeps exactly the scenarios asked for, each at its line, as godog reads them:
// plain scenarios, rows of an outline, a whole outline, scenarios in a rule.
func TestFSKeepsExactlyTheScenarios(t *testing.T) {
	text := "Feature: f\n\n  Background:\n    Given it passes\n\n  @S1\n  Scenario: plain one\n    Given it passes\n\n  @S2 @assumed\n  Scenario Outline: row <n>\n    Given it passes\n\n    Examples:\n      | n |\n      | 1 |\n      | 2 |\n      | 3 |\n\n  @S4\n  Scenario Outline: gone <n>\n    Given it passes\n\n    Examples:\n      | n |\n      | 1 |\n\n  Rule: r\n\n    @S3\n    Scenario: in a rule\n      Given it passes\n"
	fsys := fstest.MapFS{"f.feature": {Data: []byte(text)}}
	p, err := Build(fsys)
	require.NoError(t, err)
	require.Len(t, p.Scenarios, 6)
	lines := map[string]int64{}
	for _, s := range p.Scenarios {
		lines[s.Name] = s.Line
	}
	for _, keep := range [][]string{{"plain one", "row 2", "in a rule"}, {"row 1", "row 3"}, {"gone 1"}, {}} {
		part := p.FS(func(s Scenario) bool { return slices.Contains(keep, s.Name) })
		feats, err := (&godog.TestSuite{Options: &godog.Options{FS: part, Paths: []string{"."}}}).RetrieveFeatures()
		require.NoError(t, err, keep)
		var got []string
		for _, ft := range feats {
			for _, pk := range ft.Pickles {
				got = append(got, pk.Name)
			}
		}
		assert.ElementsMatch(t, keep, got)
		again, err := Build(part)
		require.NoError(t, err)
		for _, s := range again.Scenarios {
			assert.Equal(t, lines[s.Name], s.Line, "%s keeps its line", s.Name)
		}
	}
}

// Match selects exactly what godog's own tag filter selects from the real suite.
func TestMatchIsGodogs(t *testing.T) {
	p, err := Build(features.FS)
	require.NoError(t, err)
	for _, filter := range []string{"", "@S1", "~@S1", "@S1,@S2", "@rate-limit && ~@fixture", "@T5&&@wire,~@A2 && ~@fixture", "@nosuch", "~@scale&&@J1"} {
		feats, err := (&godog.TestSuite{Options: &godog.Options{FS: features.FS, Paths: []string{"."}, Tags: filter}}).RetrieveFeatures()
		require.NoError(t, err)
		var want, got []string
		for _, ft := range feats {
			for _, pk := range ft.Pickles {
				want = append(want, pk.Uri+" "+pk.Name)
			}
		}
		for _, s := range p.Scenarios {
			if Match(filter, s.Tags) {
				got = append(got, s.Feature+" "+s.Name)
			}
		}
		assert.Equal(t, want, got, filter)
	}
}

// Every step carries its keyword and line as written, Background steps included.
func TestStepKeywords(t *testing.T) {
	text := "Feature: f\n\n  Background:\n    Given a store\n\n  Scenario: plain\n    When it lists\n    Then it works\n    * and more\n\n  Scenario Outline: row <n>\n    But <n> fails\n\n    Examples:\n      | n |\n      | 1 |\n\n  Rule: r\n\n    Background:\n      Given a rule store\n\n    Scenario: in a rule\n      And it passes\n"
	p, err := Build(fstest.MapFS{"f.feature": {Data: []byte(text)}})
	require.NoError(t, err)
	var got [][]StepText
	for _, sc := range p.Scenarios {
		got = append(got, sc.Steps)
	}
	assert.Equal(t, [][]StepText{
		{{Text: "a store", Keyword: "Given ", Line: 4}, {Text: "it lists", Keyword: "When ", Line: 7}, {Text: "it works", Keyword: "Then ", Line: 8}, {Text: "and more", Keyword: "* ", Line: 9}},
		{{Text: "a store", Keyword: "Given ", Line: 4}, {Text: "1 fails", Keyword: "But ", Line: 12}},
		{{Text: "a store", Keyword: "Given ", Line: 4}, {Text: "a rule store", Keyword: "Given ", Line: 21}, {Text: "it passes", Keyword: "And ", Line: 24}},
	}, got)
}

// Each scenario has the id of its @id: tag; each row of an outline the outline's id and
// its number among the rows of all its Examples tables; a scenario without a tag none.
func TestCaseIDs(t *testing.T) {
	text := "Feature: f\n\n  @S1 @id:S1-plain\n  Scenario: plain\n    Given it passes\n\n  @id:S2-rows @S2\n  Scenario Outline: row <n>\n    Given it passes\n\n    Examples:\n      | n |\n      | 1 |\n      | 2 |\n\n    Examples: more\n      | n |\n      | 3 |\n\n  Rule: r\n\n    @S3 @id:S3-in-a-rule\n    Scenario: in a rule\n      Given it passes\n\n  Scenario: no id\n    Given it passes\n"
	p, err := Build(fstest.MapFS{"f.feature": {Data: []byte(text)}})
	require.NoError(t, err)
	got := map[string]string{}
	for _, sc := range p.Scenarios {
		got[sc.Name] = sc.ID
	}
	assert.Equal(t, map[string]string{"plain": "S1-plain", "row 1": "S2-rows/1", "row 2": "S2-rows/2", "row 3": "S2-rows/3", "in a rule": "S3-in-a-rule", "no id": ""}, got)
}

func TestCaseIDProblems(t *testing.T) {
	scenario := func(tags, name string) string {
		return "  " + tags + "\n  Scenario: " + name + "\n    Given it passes\n\n"
	}
	cases := map[string]struct {
		files map[string]string
		want  []string
	}{
		"bad grammar": {map[string]string{"f.feature": "Feature: f\n\n" + scenario("@S1 @id:S1_Bad", "a")},
			[]string{"f.feature:3: @id:S1_Bad is not a case id: want @id:<ROW>-<slug>"}},
		"too long": {map[string]string{"f.feature": "Feature: f\n\n" + scenario("@S1 @id:S1-"+strings.Repeat("x", 62), "a")},
			[]string{"is not a case id", "at most 64 characters"}},
		"two tags": {map[string]string{"f.feature": "Feature: f\n\n" + scenario("@S1 @id:S1-a @id:S1-b", "a")},
			[]string{"f.feature:4: the scenario has two @id: tags, @id:S1-a and @id:S1-b: keep one"}},
		"on the feature": {map[string]string{"f.feature": "@id:S1-f\nFeature: f\n\n" + scenario("@S1 @id:S1-a", "a")},
			[]string{"f.feature:1: @id:S1-f is on a Feature"}},
		"on examples": {map[string]string{"f.feature": "Feature: f\n\n  @id:S1-o\n  Scenario Outline: o <n>\n    Given it passes\n\n    @id:S1-e\n    Examples:\n      | n |\n      | 1 |\n"},
			[]string{"f.feature:7: @id:S1-e is on an Examples table"}},
		"shared across files": {map[string]string{"a.feature": "Feature: a\n\n" + scenario("@S1 @id:S1-same", "a"), "b.feature": "Feature: b\n\n" + scenario("@S1 @id:S1-same", "b")},
			[]string{"b.feature:4: the case id S1-same is also the id of a.feature:4"}},
		"outline and scenario": {map[string]string{"f.feature": "Feature: f\n\n" + scenario("@S1 @id:S1-same", "a") + "  @id:S1-same\n  Scenario Outline: o <n>\n    Given it passes\n\n    Examples:\n      | n |\n      | 1 |\n"},
			[]string{"the case id S1-same is also the id of f.feature:4"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for f, text := range tc.files {
				fsys[f] = &fstest.MapFile{Data: []byte(text)}
			}
			_, err := Build(fsys)
			require.Error(t, err)
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}
