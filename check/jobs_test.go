package check

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tidwall/gjson"
)

// eachIndex gives the results in index order, whether it runs one by one or in
// parallel chunks.
func TestEachIndexKeepsTheOrder(t *testing.T) {
	for _, n := range []int{0, 1, 7, ParallelMin - 1, 2 * ParallelMin, 5*ParallelMin + 3} {
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
		got := EachIndex(n, check)
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
		FieldsOf(v, names, out)
		for k, name := range names {
			want := v.Get(name)
			assert.Equal(t, want.Exists(), out[k].Exists(), "%s in %s", name, doc)
			assert.Equal(t, want.Raw, out[k].Raw, "%s in %s", name, doc)
			assert.Equal(t, want.Type, out[k].Type, "%s in %s", name, doc)
			assert.Equal(t, want.Str, out[k].Str, "%s in %s", name, doc)
		}
	}
}
