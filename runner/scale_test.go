package runner

import (
	"bytes"
	"encoding/json"
	"os"
	"runtime/debug"
	"slices"
	"testing"

	"github.com/cucumber/godog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	listjobs "github.com/ciam-harness/listjobs"
	"github.com/ciam-harness/listjobs/features"
	"github.com/ciam-harness/listjobs/fixture"
	"github.com/ciam-harness/listjobs/plan"
)

func TestWithoutScale(t *testing.T) {
	for in, want := range map[string]string{
		"":                   "~@scale",
		"@S1":                "@S1&&~@scale",
		"~@R1":               "~@R1&&~@scale",
		"@S1,@S2":            "@S1&&~@scale,@S2&&~@scale",
		" @S1 , @J1&&~@R1 ":  "@S1&&~@scale,@J1&&~@R1&&~@scale",
		"@scaled":            "@scaled&&~@scale",
		"@scale":             "@scale",
		"~@scale":            "~@scale",
		"@S1,@scale":         "@S1,@scale",
		"@S2&&@scale":        "@S2&&@scale",
		"@S1&& ~@scale ,@S2": "@S1&& ~@scale ,@S2",
	} {
		got := WithoutScale(in)
		assert.Equal(t, want, got, "filter %q", in)
		assert.NoError(t, ValidateTags(got), "filter %q gives %q", in, got)
	}
}

// tagsOf returns the tags of every scenario a run selects from the real features for a
// user's filter (selectScenarios), or, raw, the scenarios godog alone selects.
func tagsOf(t *testing.T, filter string, raw bool) [][]string {
	t.Helper()
	var out [][]string
	if raw {
		feats, err := (&godog.TestSuite{Options: &godog.Options{FS: features.FS, Paths: []string{"."}, Tags: filter}}).RetrieveFeatures()
		require.NoError(t, err, filter)
		for _, ft := range feats {
			for _, p := range ft.Pickles {
				var tags []string
				for _, tg := range p.Tags {
					tags = append(tags, tg.Name)
				}
				out = append(out, tags)
			}
		}
		return out
	}
	sel, _, err := selectIn(features.FS, filter, shard{1, 1})
	require.NoError(t, err, filter)
	for _, s := range sel {
		out = append(out, s.Tags)
	}
	return out
}

func hasTag(tag string) func([]string) bool {
	return func(tags []string) bool { return slices.Contains(tags, tag) }
}

// The scale scenarios exist, carry rows that other filters name, and are selected only
// when the filter names @scale.
func TestScaleScenariosRunOnlyWhenAsked(t *testing.T) {
	scale := tagsOf(t, ScaleTag, false)
	require.GreaterOrEqual(t, len(scale), 3, "features/scale.feature holds the @scale scenarios")
	for _, tags := range scale {
		assert.Contains(t, tags, "@fixture")
	}
	require.True(t, slices.ContainsFunc(scale, hasTag("@S1")), "a scale scenario of S1, so that the filters below could select it")
	require.True(t, slices.ContainsFunc(scale, hasTag("@S2")))
	require.True(t, slices.ContainsFunc(scale, hasTag("@J4")))

	for _, filter := range []string{"", "@S1", "@S1,@S2", "~@R1", "@J4,@S2&&@fixture"} {
		require.True(t, slices.ContainsFunc(tagsOf(t, filter, true), hasTag(ScaleTag)), "godog alone selects scale scenarios for %q, or the test proves nothing", filter)
		got := tagsOf(t, filter, false)
		assert.NotEmpty(t, got, filter)
		assert.False(t, slices.ContainsFunc(got, hasTag(ScaleTag)), "a scale scenario is selected for %q", filter)
	}
	assert.Len(t, tagsOf(t, "@scale", false), len(tagsOf(t, "@scale", true)))
	assert.True(t, slices.ContainsFunc(tagsOf(t, "@S1,@scale", false), hasTag(ScaleTag)))
}

// prepare applies the filter: a run with no filter selects no scale scenario, nor
// generates the scale store.
func TestPrepareLeavesScaleOut(t *testing.T) {
	cfg := DefaultConfig()
	cfg.OutDir = t.TempDir()
	s, err := newSetup(cfg)
	require.NoError(t, err)
	assert.Empty(t, s.tags, "the user's filter is kept as given, for messages and reports")
	assert.NotEmpty(t, s.selected)
	for _, sc := range s.selected {
		assert.NotContains(t, sc.Tags, ScaleTag, sc.Name)
	}
	_, ok := s.fx.UserStore("scale")
	assert.False(t, ok, "the scale store is generated only for @scale runs")
}

// The scale fixture adds one user store of 100,000 jobs of the role "scale", in the
// account of the default fixture's primary keys (so they may list it), and nothing else.
func TestScaleFixture(t *testing.T) {
	var raw struct {
		Credentials []json.RawMessage `json:"credentials"`
		Faults      []json.RawMessage `json:"faults"`
		UserStores  []struct {
			ID, Role, Account string
			Generate          struct{ Count int }
		} `json:"userStores"`
	}
	require.NoError(t, json.Unmarshal(listjobs.ScaleFixture, &raw))
	assert.Empty(t, raw.Credentials)
	assert.Empty(t, raw.Faults)
	require.Len(t, raw.UserStores, 1)
	st := raw.UserStores[0]
	assert.Equal(t, "scale", st.Role)
	assert.Equal(t, 100_000, st.Generate.Count)
	fx, err := fixture.Read(bytes.NewReader(listjobs.DefaultFixture))
	require.NoError(t, err)
	for _, c := range fx.CredentialsByRole(DefaultCredentialRole) {
		assert.Equal(t, c.Account, st.Account, "primary key %s cannot list the scale store", c.SecretID)
	}
	for _, s := range fx.UserStores {
		assert.NotEqual(t, s.ID, st.ID)
	}
}

func TestMergeStores(t *testing.T) {
	base := &fixture.Fixture{UserStores: []fixture.UserStore{{ID: "us-a", Role: "varied", Account: "x"}}}
	more := &fixture.Fixture{UserStores: []fixture.UserStore{{ID: "us-s", Role: "scale", Account: "x"}}}
	got, err := mergeStores(base, more)
	require.NoError(t, err)
	assert.Len(t, got.UserStores, 2)
	assert.Len(t, base.UserStores, 1, "the fixture given is not changed")
	_, ok := got.UserStore("scale")
	assert.True(t, ok)

	again, err := mergeStores(got, more)
	require.NoError(t, err)
	assert.Len(t, again.UserStores, 2, "a fixture that has a scale store keeps its own")

	clash := &fixture.Fixture{UserStores: []fixture.UserStore{{ID: "us-a", Role: "scale", Account: "x"}}}
	_, err = mergeStores(base, clash)
	assert.ErrorContains(t, err, `"us-a" is already in the fixture`)

	keys := &fixture.Fixture{Credentials: []fixture.Credential{{SecretID: "k"}}}
	_, err = mergeStores(base, keys)
	assert.ErrorContains(t, err, "user stores only")
}

// withScaleStore generates the store only when a selected scenario is tagged @scale.
func TestWithScaleStoreOnlyForScaleRuns(t *testing.T) {
	base := &fixture.Fixture{}
	got, err := withScaleStore(base, []selectedScenario{{Scenario: plan.Scenario{Tags: []string{"@S1"}}}})
	require.NoError(t, err)
	assert.Same(t, base, got)
}

// A run of @scale scenarios bounds its memory with a soft limit, unless the user set
// GOMEMLIMIT; the old limit is back once it ends; other runs leave the limit alone.
func TestBoundScaleMemory(t *testing.T) {
	if os.Getenv("GOMEMLIMIT") != "" {
		t.Skip("GOMEMLIMIT is set: the runner leaves the limit to the user")
	}
	before := debug.SetMemoryLimit(-1)
	restore := boundScaleMemory([]selectedScenario{{Scenario: plan.Scenario{Tags: []string{ScaleTag}}}})
	assert.Equal(t, int64(scaleMemoryLimit), debug.SetMemoryLimit(-1))
	restore()
	assert.Equal(t, before, debug.SetMemoryLimit(-1))
	boundScaleMemory([]selectedScenario{{Scenario: plan.Scenario{Tags: []string{"@S1"}}}})()
	assert.Equal(t, before, debug.SetMemoryLimit(-1))
}
