package contract

import (
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciam-harness/listjobs/features"
	"github.com/ciam-harness/listjobs/plan"
	"github.com/ciam-harness/listjobs/steps"
)

// judgesOf is the judge of the step catalogue cat.
func judgesOf(cat *steps.Catalogue) Judges {
	return func(sc plan.Scenario) []string { return cat.Analyze(sc.Tags, sc.Steps).Rows }
}

// The real suite: every row is judged by a check, and every row tag by a check of its
// scenario.
func TestEveryRowIsJudged(t *testing.T) {
	c, err := Load()
	require.NoError(t, err)
	p, err := plan.Build(features.FS)
	require.NoError(t, err)
	r := c.Judged(p, judgesOf(steps.Steps()))
	assert.NoError(t, r.Err())
	assert.Equal(t, len(p.Scenarios), r.Scenarios)
}

// uuidFeature is a scenario whose row only one check judges.
const uuidFeature = `Feature: f
  @T9 @assumed
  Scenario: The RequestId has the UUID form
    Given a ListJobs request for the user store under test
    When the request is sent
    Then the response carries a RequestId in UUID form
`

// A step that stops judging its row leaves the row's scenarios, and the row, unjudged.
func TestJudgedFollowsTheCatalogue(t *testing.T) {
	c, err := Load()
	require.NoError(t, err)
	p, err := plan.Build(fstest.MapFS{"f.feature": {Data: []byte(uuidFeature)}})
	require.NoError(t, err)
	unjudged := func(cat *steps.Catalogue) []string {
		var out []string
		for _, pr := range c.Judged(p, judgesOf(cat)).Problems {
			if pr.Kind == KindUnjudgedRow && pr.Pos != "" {
				out = append(out, pr.Msg)
			}
		}
		return out
	}
	assert.Empty(t, unjudged(steps.Steps()))
	entries := steps.Steps().Entries()
	for i, s := range entries {
		if s.Pattern == `^the response carries a RequestId in UUID form$` {
			entries[i].Rows = nil
		}
	}
	assert.Equal(t, []string{"The RequestId has the UUID form: tagged T9, but none of its checks judges it"}, unjudged(steps.NewCatalogue(entries)))
}
