package runner

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciam-harness/listjobs/contract"
	"github.com/ciam-harness/listjobs/plan"
	"github.com/ciam-harness/listjobs/result"
	"github.com/ciam-harness/listjobs/steps"
)

// uuidFeature is one scenario whose steps all run under either driver and send
// ListJobs only, and whose row only one check judges.
const uuidFeature = `Feature: f
  @T9 @assumed
  Scenario: The RequestId has the UUID form
    Given a ListJobs request for the user store under test
    When the request is sent
    Then the response carries a RequestId in UUID form
`

// TestTraitsDeriveFromTheCatalogue: the action guard, the sdk driver's skips and the
// coverage of the rows all come from the step catalogue: giving one step other traits
// (another action, a wire-only reason, no row) changes all three.
func TestTraitsDeriveFromTheCatalogue(t *testing.T) {
	fsys := mapFS(map[string]string{"f.feature": uuidFeature})
	p, err := plan.Build(fsys)
	require.NoError(t, err)
	c, err := contract.Load()
	require.NoError(t, err)

	entries := steps.Steps().Entries()
	changed := 0
	for i, s := range entries {
		if s.Pattern == `^the response carries a RequestId in UUID form$` {
			entries[i].Rows = nil
			entries[i].Wire = func([]string) string { return "a reason of the test" }
			entries[i].Action = func([]string, string) (string, bool) { return "DescribeUsers", true }
			changed++
		}
	}
	require.Equal(t, 1, changed)

	type derived struct {
		guard     map[string]result.Skip // the action guard's skips against a foreign endpoint
		sdkSkip   string                 // why the sdk driver skips the scenario
		sdkStatus result.Status
		unjudged  int // coverage problems of the scenario
	}
	derive := func(cat *steps.Catalogue) derived {
		var d derived
		sel, _, err := selectScenarios(p, cat, "", shard{1, 1}, nil)
		require.NoError(t, err)
		d.guard = map[string]result.Skip{}
		for _, sc := range sel {
			if skip := sc.traits.Skip(wireDriver(t), true, true); skip.Skipped() {
				d.guard[sc.Key()] = skip
			}
		}
		for _, pr := range c.Judged(p, func(sc plan.Scenario) []string { return cat.Analyze(sc.Tags, sc.Steps).Rows }).Problems {
			if pr.Kind == contract.KindUnjudgedRow && pr.Pos != "" {
				d.unjudged++
			}
		}
		cfg := DefaultConfig()
		cfg.features, cfg.catalogue = fsys, cat
		cfg.Driver, cfg.Format, cfg.Reports = choice(t, "sdk"), "progress", "none"
		res, stdout, stderr := runCfg(t, cfg)
		require.NoError(t, res.Err, "%s\n%s", stdout, stderr)
		require.Len(t, res.Scenarios, 1)
		d.sdkStatus, d.sdkSkip = res.Scenarios[0].Status, res.Scenarios[0].Reason
		return d
	}

	before := derive(steps.Steps())
	assert.Empty(t, before.guard)
	assert.Equal(t, result.Passed, before.sdkStatus)
	assert.Zero(t, before.unjudged)

	after := derive(steps.NewCatalogue(entries))
	key := plan.Scenario{Feature: "f.feature", Name: "The RequestId has the UUID form"}.Key()
	require.Contains(t, after.guard, key)
	assert.Equal(t, result.SkipInvalidAction, after.guard[key].Kind)
	assert.Contains(t, after.guard[key].Reason, `sends the action "DescribeUsers" on purpose`)
	assert.Equal(t, result.Skipped, after.sdkStatus)
	assert.Contains(t, after.sdkSkip, "a reason of the test")
	assert.Equal(t, 1, after.unjudged)
}
