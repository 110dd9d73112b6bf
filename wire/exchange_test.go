package wire

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tidwall/gjson"
)

// readAll reads what io.ReadAll reads, whatever the announced size, and passes read
// errors on.
func TestReadAllIsIOReadAll(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 511, 512, 513, 4096, 100_000} {
		data := make([]byte, n)
		for i := range data {
			data[i] = byte(rng.IntN(256))
		}
		for _, size := range []int64{-1, 0, int64(n), int64(n) / 2, int64(n) + 10, MaxResponse + 1} {
			for _, r := range []func() io.Reader{
				func() io.Reader { return bytes.NewReader(data) },
				func() io.Reader { return iotest.OneByteReader(bytes.NewReader(data)) },
				func() io.Reader { return iotest.HalfReader(bytes.NewReader(data)) },
			} {
				got, err := ReadAll(r(), size)
				require.NoError(t, err)
				assert.True(t, bytes.Equal(data, got), "n=%d size=%d: %d bytes read", n, size, len(got))
			}
		}
	}
	boom := errors.New("boom")
	got, err := ReadAll(io.MultiReader(strings.NewReader("abc"), iotest.ErrReader(boom)), 10)
	assert.ErrorIs(t, err, boom)
	assert.Equal(t, "abc", string(got))
	_, err = ReadAll(iotest.TimeoutReader(strings.NewReader("abcdef")), 6)
	assert.ErrorIs(t, err, iotest.ErrTimeout)
}

// A body is parsed once however many steps look at it; its lookups are root.Get's.
func TestDocumentIsParsedOnce(t *testing.T) {
	ex := &Exchange{Body: []byte(`{"Response":{"JobSet":[{"Id":"a"},{"Id":"b"}],"RequestId":"r"}}`)}
	d := ex.doc()
	assert.True(t, d.valid)
	assert.Same(t, d, ex.doc())
	assert.Equal(t, gjson.ParseBytes(ex.Body).Get("Response.RequestId").Raw, ex.Get("Response.RequestId").Raw)
	assert.False(t, ex.Get("Response.Error").Exists())
	jobs := ex.JobSet()
	require.Len(t, jobs, 2)
	assert.Equal(t, "b", jobs[1].Get("Id").Str)
	assert.Equal(t, &jobs[0], &ex.JobSet()[0], "the JobSet is split once")

	bad := &Exchange{Body: []byte(`{"Response":`)}
	_, why := bad.Root()
	assert.Contains(t, why, "not valid JSON")
}

// TestStrictJSONWorkIsBounded counts the work of reading a hostile body: the bytes
// allocated while strictJSON reads it, against the body's size. A body past a bound is
// refused at the first token past it, so a deep, wide or long body costs what its bound
// allows, not its size (limit, in bytes); any body costs at most maxWorkFactor times its
// size (json.Decoder.Token allocates for each token: "many tokens", about 56 bytes per
// byte of body, is the worst case). It counts allocation, not time, and does not run in parallel, so
// that no other test allocates meanwhile.
func TestStrictJSONWorkIsBounded(t *testing.T) {
	const maxWorkFactor = 96 // about 56 measured with Go 1.26
	for name, c := range map[string]struct {
		body  string
		limit uint64 // bytes allocated at most; 0: maxWorkFactor times the body
	}{
		"deep, 4 MB":      {strings.Repeat(`[`, 4<<20), 1 << 20},
		"deep objects":    {strings.Repeat(`{"a":`, 1<<20), 1 << 20},
		"wide, 1 MB":      {`{` + wideMembers(100000) + `}`, 4 << 20},
		"long array":      {`[` + strings.Repeat(`0,`, 1<<20) + `0]`, 160 << 20}, // what 1<<20 elements cost
		"invalid at end":  {`["` + strings.Repeat(`a`, 4<<20) + "\xff" + `"]`, 1 << 20},
		"duplicate early": {`{"a":1,"a":2,"b":"` + strings.Repeat(`x`, 4<<20) + `"}`, 1 << 20},
		"long string":     {`["` + strings.Repeat(`a`, 2<<20) + `"]`, 0},
		"many tokens":     {`[` + strings.Repeat(`[0,0,0,0,0,0,0],`, 1<<17) + `[]]`, 0},
	} {
		body := []byte(c.body)
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		why := strictJSON(body)
		runtime.ReadMemStats(&after)
		allocated := after.TotalAlloc - before.TotalAlloc
		t.Logf("%s: %d bytes of body, %d allocated: %s", name, len(body), allocated, Shorten(why, 100))
		if c.limit == 0 {
			assert.Empty(t, why, "%s: within the bounds", name)
			c.limit = maxWorkFactor * uint64(len(body))
		} else {
			assert.NotEmpty(t, why, name)
		}
		assert.LessOrEqual(t, allocated, c.limit, "%s: %d bytes allocated for %d bytes of body", name, allocated, len(body))
	}
}

// wideMembers is n members of an object, "m0":1,...
func wideMembers(n int) string {
	members := make([]string, n)
	for i := range members {
		members[i] = `"m` + strconv.Itoa(i) + `":1`
	}
	return strings.Join(members, ",")
}
