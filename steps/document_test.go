package steps

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciam-harness/listjobs/check"
	"github.com/ciam-harness/listjobs/wire"
)

// compareSets reports what a comparison by binary search reports, on random sets.
func TestCompareSetsOnRandomSets(t *testing.T) {
	reference := func(got, want []string) (missing, extra []string) {
		for _, w := range want {
			if _, ok := slices.BinarySearch(got, w); !ok {
				missing = append(missing, w)
			}
		}
		for _, g := range got {
			if _, ok := slices.BinarySearch(want, g); !ok {
				extra = append(extra, g)
			}
		}
		return missing, extra
	}
	rng := rand.New(rand.NewPCG(3, 4))
	set := func() []string {
		var out []string
		for range rng.IntN(20) {
			out = append(out, fmt.Sprintf("job-%02d", rng.IntN(30)))
		}
		return sortedSet(out)
	}
	differ := 0
	for range 500 {
		got, want := set(), set()
		err := compareSets("S1", "got", "want", got, want)
		missing, extra := reference(got, want)
		if len(missing) == 0 && len(extra) == 0 {
			assert.NoError(t, err)
			continue
		}
		differ++
		require.Error(t, err)
		if len(missing) > 0 {
			assert.Contains(t, err.Error(), "missing "+listIDs(missing))
		} else {
			assert.NotContains(t, err.Error(), "missing")
		}
		if len(extra) > 0 {
			assert.Contains(t, err.Error(), "unexpected "+listIDs(extra))
		} else {
			assert.NotContains(t, err.Error(), "unexpected")
		}
	}
	assert.Greater(t, differ, 400)
}

// The Job rules over a JobSet large enough to be checked in parallel report the same
// violations, in job order, as they would one job at a time.
func TestJobRulesOverALargeJobSet(t *testing.T) {
	const n = 3*check.ParallelMin + 11
	broken := map[int]bool{5: true, check.ParallelMin + 1: true, n - 1: true}
	var b strings.Builder
	b.WriteString(`{"Response":{"JobSet":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		created := "1715156770024"
		if broken[i] {
			created = "1715156770" // seconds: breaks J4
		}
		fmt.Fprintf(&b, `{"Id":"job-%d","Status":"PENDING","Type":"IMPORT_USER","CreatedDate":%s,"Format":null,"Location":null}`, i, created)
	}
	b.WriteString(`],"RequestId":"r"}}`)
	suite, err := NewSuite(testTarget(t, "http://127.0.0.1:9"))
	require.NoError(t, err)
	st := newWorld(suite)
	st.sc.last = &wire.Exchange{Status: 200, Body: []byte(b.String())}
	err = st.jb.everyJobJ4()
	require.Error(t, err)
	text := err.Error()
	var at []int
	for i := range broken {
		at = append(at, strings.Index(text, fmt.Sprintf("Response.JobSet[%d].CreatedDate = 1715156770 (seconds?)", i)))
	}
	slices.Sort(at)
	assert.NotContains(t, at, -1, text)
	assert.Less(t, strings.Index(text, "JobSet[5]."), strings.Index(text, fmt.Sprintf("JobSet[%d].", n-1)), "violations in job order")
	for _, rule := range []func() error{st.jb.everyJobJ1, st.jb.everyJobJ2, st.jb.everyJobJ3, st.jb.everyJobJ5, st.jb.everyJobJ6, st.jb.everyJobJ7, st.jb.everyJobJ8} {
		assert.NoError(t, rule())
	}
}
