package runner

import (
	"bytes"
	"os"
	"runtime/debug"
	"slices"
	"strings"

	listjobs "github.com/ciam-harness/listjobs"
	"github.com/ciam-harness/listjobs/fixture"
	"github.com/ciam-harness/listjobs/vocab"
)

// ScaleTag marks the scale scenarios (features/scale.feature): a user store of 100,000
// jobs, listed whole and filtered. They are slow and heavy by design, so a run leaves
// them out unless its tag filter names @scale.
const ScaleTag = vocab.TagScale

// WithoutScale is the tag filter a run applies for the user's filter: ScaleTag
// scenarios are left out unless the filter names the tag (as @scale or ~@scale).
// godog reads ',' (OR) before '&&' (AND), without brackets, so "~@scale" is added to
// every alternative: "" becomes "~@scale", "@S1,@S2" becomes
// "@S1&&~@scale,@S2&&~@scale" (appending "&&~@scale" once would leave @S1's scale
// scenarios in). The filter must be valid (ValidateTags).
func WithoutScale(filter string) string {
	if strings.TrimSpace(filter) == "" {
		return "~" + ScaleTag
	}
	alts := strings.Split(filter, ",")
	for _, alt := range alts {
		for _, term := range strings.Split(alt, "&&") {
			if strings.TrimPrefix(strings.TrimSpace(term), "~") == ScaleTag {
				return filter // asked for explicitly
			}
		}
	}
	for i, alt := range alts {
		alts[i] = strings.TrimSpace(alt) + "&&~" + ScaleTag
	}
	return strings.Join(alts, ",")
}

// withScaleStore returns fx, the embedded default fixture, with the user stores of
// listjobs.ScaleFixture added when a selected scenario is a ScaleTag one: generating
// 100,000 jobs takes a while, so ordinary runs do not.
func withScaleStore(fx *fixture.Fixture, selected []selectedScenario) (*fixture.Fixture, error) {
	if !slices.ContainsFunc(selected, func(s selectedScenario) bool { return slices.Contains(s.Tags, ScaleTag) }) {
		return fx, nil
	}
	scale, err := fixture.Read(bytes.NewReader(listjobs.ScaleFixture))
	if err != nil {
		return nil, usageError("embedded scale fixture: %v", err)
	}
	return mergeStores(fx, scale)
}

// mergeStores returns a copy of fx with the user stores of more added, each unless fx
// already has a store of its role; an id given twice is an error.
func mergeStores(fx, more *fixture.Fixture) (*fixture.Fixture, error) {
	if len(more.Credentials) > 0 || len(more.Faults) > 0 {
		return nil, usageError("embedded scale fixture: it may add user stores only, not credentials or faults")
	}
	out := *fx
	out.UserStores = slices.Clone(fx.UserStores)
	for _, s := range more.UserStores {
		if _, ok := fx.UserStore(s.Role); ok && s.Role != "" {
			continue
		}
		for _, have := range fx.UserStores {
			if have.ID == s.ID {
				return nil, usageError("embedded scale fixture: user store %q is already in the fixture", s.ID)
			}
		}
		out.UserStores = append(out.UserStores, s)
	}
	return &out, nil
}

// scaleMemoryLimit is the soft memory limit of a run of @scale scenarios: about 8x the
// 24 MB listing of the scale store. The Go runtime collects sooner as the heap nears it
// (runtime/debug.SetMemoryLimit), instead of letting the heap reach twice the live data;
// the run stays within about 10x its largest response (BENCHMARKS.md).
const scaleMemoryLimit = 200 << 20

// boundScaleMemory sets scaleMemoryLimit for a run that selects a ScaleTag scenario,
// unless the user set GOMEMLIMIT, and returns the function that puts the old limit back.
func boundScaleMemory(selected []selectedScenario) (restore func()) {
	scale := slices.ContainsFunc(selected, func(s selectedScenario) bool { return slices.Contains(s.Tags, ScaleTag) })
	if !scale || os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	old := debug.SetMemoryLimit(scaleMemoryLimit)
	return func() { debug.SetMemoryLimit(old) }
}
