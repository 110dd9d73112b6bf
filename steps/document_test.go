package steps

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tidwall/gjson"

	"github.com/ciam-harness/listjobs/wire"
)

// eachIndex gives the results in index order, whether it runs one by one or in
// parallel chunks.
func TestEachIndexKeepsTheOrder(t *testing.T) {
	for _, n := range []int{0, 1, 7, parallelMin - 1, 2 * parallelMin, 5*parallelMin + 3} {
		check := func(i int) []error {
			if i%97 == 3 {
				return []error{fmt.Errorf("e%d", i), nil}
			}
			return nil
		}
		var want []error
		for i := range n {
			want = append(want, check(i)...)
		}
		got := eachIndex(n, check)
		require.Len(t, got, len(want), "n=%d", n)
		for k := range want {
			assert.Equal(t, fmt.Sprint(want[k]), fmt.Sprint(got[k]), "n=%d, error %d", n, k)
		}
	}
}

// fieldsOf finds what gjson's Get finds: the first of repeated keys, escaped keys,
// nothing in a value that is not an object.
func TestFieldsOfIsGet(t *testing.T) {
	names := []string{"Id", "Status", "Type", "CreatedDate", "Format", "Location", "ErrorDetails", "FailedUsers"}
	for _, doc := range []string{
		`{"Id":"a","Status":"PENDING","Type":"IMPORT_USER","CreatedDate":1,"Format":null,"Location":"x","ErrorDetails":[{"UserId":"u"}],"FailedUsers":null}`,
		`{"Id":"first","Id":"second","Status":"A","Status":"B"}`,
		`{"\u0049d":"escaped","Type":{"nested":{"Id":"deep"}},"Format":[1,{"Id":2}]}`,
		`{"Other":1}`, `{}`, `[{"Id":"in an array"}]`, `"Id"`, `12`, `null`,
		`{"Location":"a\"b","FailedUsers":[],"CreatedDate":-1.5e3}`,
	} {
		require.True(t, gjson.Valid(doc), doc)
		v := gjson.Parse(doc)
		out := make([]gjson.Result, len(names))
		fieldsOf(v, names, out)
		for k, name := range names {
			want := v.Get(name)
			assert.Equal(t, want.Exists(), out[k].Exists(), "%s in %s", name, doc)
			assert.Equal(t, want.Raw, out[k].Raw, "%s in %s", name, doc)
			assert.Equal(t, want.Type, out[k].Type, "%s in %s", name, doc)
			assert.Equal(t, want.Str, out[k].Str, "%s in %s", name, doc)
		}
	}
}

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
	const n = 3*parallelMin + 11
	broken := map[int]bool{5: true, parallelMin + 1: true, n - 1: true}
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
