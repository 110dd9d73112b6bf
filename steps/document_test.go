package steps

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tidwall/gjson"

	"github.com/ciam-harness/listjobs/signing"
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

// readAll reads what io.ReadAll reads, whatever the announced size, and passes read
// errors on.
func TestReadAllIsIOReadAll(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 511, 512, 513, 4096, 100_000} {
		data := make([]byte, n)
		for i := range data {
			data[i] = byte(rng.IntN(256))
		}
		for _, size := range []int64{-1, 0, int64(n), int64(n) / 2, int64(n) + 10, maxResponse + 1} {
			for _, r := range []func() io.Reader{
				func() io.Reader { return bytes.NewReader(data) },
				func() io.Reader { return iotest.OneByteReader(bytes.NewReader(data)) },
				func() io.Reader { return iotest.HalfReader(bytes.NewReader(data)) },
			} {
				got, err := readAll(r(), size)
				require.NoError(t, err)
				assert.True(t, bytes.Equal(data, got), "n=%d size=%d: %d bytes read", n, size, len(got))
			}
		}
	}
	boom := errors.New("boom")
	got, err := readAll(io.MultiReader(strings.NewReader("abc"), iotest.ErrReader(boom)), 10)
	assert.ErrorIs(t, err, boom)
	assert.Equal(t, "abc", string(got))
	_, err = readAll(iotest.TimeoutReader(strings.NewReader("abcdef")), 6)
	assert.ErrorIs(t, err, iotest.ErrTimeout)
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

// A body is parsed once however many steps look at it; its lookups are root.Get's.
func TestDocumentIsParsedOnce(t *testing.T) {
	ex := &exchange{body: []byte(`{"Response":{"JobSet":[{"Id":"a"},{"Id":"b"}],"RequestId":"r"}}`)}
	d := ex.doc()
	assert.True(t, d.valid)
	assert.Same(t, d, ex.doc())
	assert.Equal(t, gjson.ParseBytes(ex.body).Get("Response.RequestId").Raw, ex.get("Response.RequestId").Raw)
	assert.False(t, ex.get("Response.Error").Exists())
	jobs := ex.jobSet()
	require.Len(t, jobs, 2)
	assert.Equal(t, "b", jobs[1].Get("Id").Str)
	assert.Equal(t, &jobs[0], &ex.jobSet()[0], "the JobSet is split once")

	bad := &exchange{body: []byte(`{"Response":`)}
	_, err := bad.parse("T6")
	assert.ErrorContains(t, err, "not valid JSON")
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
	suite, err := NewSuite(Target{BaseURL: "http://127.0.0.1:9", UserStoreID: "us-x", Credential: signing.Credential{SecretID: "AKIDx", SecretKey: "k"}})
	require.NoError(t, err)
	st := &scenario{suite: suite, last: &exchange{status: 200, body: []byte(b.String())}}
	err = st.everyJobJ4()
	require.Error(t, err)
	text := err.Error()
	var at []int
	for i := range broken {
		at = append(at, strings.Index(text, fmt.Sprintf("Response.JobSet[%d].CreatedDate = 1715156770 (seconds?)", i)))
	}
	slices.Sort(at)
	assert.NotContains(t, at, -1, text)
	assert.Less(t, strings.Index(text, "JobSet[5]."), strings.Index(text, fmt.Sprintf("JobSet[%d].", n-1)), "violations in job order")
	for _, rule := range []func() error{st.everyJobJ1, st.everyJobJ2, st.everyJobJ3, st.everyJobJ5, st.everyJobJ6, st.everyJobJ7, st.everyJobJ8} {
		assert.NoError(t, rule())
	}
}
