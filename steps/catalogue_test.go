package steps

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciam-harness/listjobs/features"
	"github.com/ciam-harness/listjobs/plan"
	"github.com/ciam-harness/listjobs/vocab"
)

// Every step of the feature files is in the catalogue, once, and every step of the
// catalogue is used by some scenario.
func TestCatalogueMatchesTheFeatures(t *testing.T) {
	p, err := plan.Build(features.FS)
	require.NoError(t, err)
	cat := Steps()
	used := map[string]bool{}
	for _, sc := range p.Scenarios {
		for _, text := range sc.Steps {
			n := 0
			for i, re := range cat.res {
				if re.MatchString(text.Text) {
					n++
					used[cat.steps[i].Pattern] = true
				}
			}
			assert.Equal(t, 1, n, "%s %q: the step %q matches %d steps of the catalogue; want 1", sc.Feature, sc.Name, text.Text, n)
		}
	}
	for _, s := range cat.steps {
		assert.True(t, used[s.Pattern], "the step %s is used by no scenario", s.Pattern)
		for _, r := range s.Rows {
			assert.True(t, vocab.IsRow(r), "%s: row %q", s.Pattern, r)
		}
	}
}

// A scenario is tagged @fixture exactly when the catalogue says one of its steps reads
// the target's known data, and each of its tagged rows is judged by one of its checks.
func TestTagsAgreeWithTheCatalogue(t *testing.T) {
	p, err := plan.Build(features.FS)
	require.NoError(t, err)
	cat := Steps()
	for _, sc := range p.Scenarios {
		tr := cat.Analyze(sc.Tags, sc.Steps)
		require.Empty(t, tr.Undefined, sc.Name)
		assert.Equal(t, slices.Contains(sc.Tags, vocab.TagFixture), tr.Fixture,
			"%s %q: tagged %s = %v, but its steps read the fixture = %v", sc.Feature, sc.Name, vocab.TagFixture, !tr.Fixture, tr.Fixture)
		for _, row := range vocab.RowsOf(sc.Tags) {
			assert.Contains(t, tr.Rows, row, "%s %q is tagged @%s, but none of its checks judges %s", sc.Feature, sc.Name, row, row)
		}
	}
}

// The traits a scenario gets are those of its steps, with their submatches.
func TestAnalyze(t *testing.T) {
	cat := Steps()
	steps := func(texts ...string) []plan.StepText {
		var out []plan.StepText
		for _, s := range texts {
			out = append(out, plan.StepText{Text: s})
		}
		return out
	}
	tr := cat.Analyze([]string{"@S2", "@wire"}, steps(
		`a ListJobs request for the fixture user store "varied"`,
		`the header "X-TC-Action" is "NoSuchAction"`,
		`the HTTP status is 200`,
		`the response is the error "InvalidAction"`,
		`a step nobody wrote`))
	assert.Equal(t, []string{"T5", "T7", "T8", "S2"}, tr.Rows)
	assert.True(t, tr.Fixture)
	assert.Equal(t, "the SDK does not hand the HTTP status to its caller", tr.Wire)
	assert.Equal(t, "the HTTP status is 200", tr.WireStep)
	assert.True(t, tr.OtherAction)
	assert.Equal(t, "NoSuchAction", tr.Action)
	assert.Equal(t, []string{"a step nobody wrote"}, tr.Undefined)

	for text, want := range map[string]string{
		`the header "X-TC-Action" is "ListJobs"`:                           "-",
		`the header "x-tc-action" is "ListJob"`:                            "ListJob",
		`the header "X-TC-Action" is absent`:                               "",
		`the header "X-TC-Region" is absent`:                               "-",
		`the parameter "Action" is removed`:                                "",
		"the parameter \"Action\" is `\"Other\"`":                          "Other",
		"the body is exactly `Action=DescribeJobs&x`":                      "DescribeJobs",
		`the query is exactly "Action=ListJobs&a=b"`:                       "-",
		`the header "X-TC-Action" is changed to "ListJobsX" after signing`: "ListJobsX",
	} {
		tr := cat.Analyze(nil, steps(text))
		if want == "-" {
			assert.False(t, tr.OtherAction, text)
			continue
		}
		assert.True(t, tr.OtherAction, text)
		assert.Equal(t, want, tr.Action, text)
	}
	tr = cat.Analyze(nil, []plan.StepText{{Text: "the body is exactly:", DocString: "Action=Other&Version=2022-03-31"}})
	assert.Equal(t, "Other", tr.Action)
}

// wireReason says why the sdk driver cannot run the step of text, or "".
func (c *Catalogue) wireReason(text string) string {
	if s, m, ok := c.match(text); ok && s.Wire != nil {
		return s.Wire(m)
	}
	return ""
}

// Each kind of near miss differs from the id and is what a loose comparison would take
// for it; an id without letters has no other case.
func TestNearMiss(t *testing.T) {
	for kind, want := range map[string]string{
		"another case": "Ab1c", "a proper prefix": "aB1", "a suffix added": "aB1C0",
		"surrounding white space": " aB1C ", "the empty string": "",
	} {
		got, ok := nearMiss("aB1C", kind)
		assert.True(t, ok, kind)
		assert.Equal(t, want, got, kind)
	}
	_, ok := nearMiss("123", "another case")
	assert.False(t, ok)
	_, ok = nearMiss("x", "a proper prefix")
	assert.False(t, ok)
	got, _ := nearMiss("jöb", "a proper prefix")
	assert.Equal(t, "j", got[:1])
	assert.Equal(t, "jö", got, "a prefix cuts whole characters")
	assert.Equal(t, []string{"another case", "a proper prefix", "a suffix added", "surrounding white space", "the empty string"}, nearMissKinds[:5], "the kinds filtering.feature was written with come first")
	assert.NotContains(t, nearMissKinds, "a character JSON-escaped", "a spelling a JSON body decodes is no near miss of an id")
}

// An id spelled out decodes to the id itself: by URL decoding, or by JSON.
func TestSpellOut(t *testing.T) {
	got, ok := spellOut("a-0é", "percent-encoded")
	require.True(t, ok)
	assert.Equal(t, "%61%2D%30%C3%A9", got)
	got, ok = spellOut("a-0é😀", "JSON-escaped")
	require.True(t, ok)
	var back string
	require.NoError(t, json.Unmarshal([]byte(`"`+got+`"`), &back))
	assert.Equal(t, "a-0é😀", back)
	assert.Equal(t, `\u0061\u002d`, got[:12])
	_, ok = spellOut("x", "backwards")
	assert.False(t, ok)
}
