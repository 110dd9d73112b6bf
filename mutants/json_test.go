package mutants

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestJSONHelpers(t *testing.T) {
	b, ok := dropMember([]byte(`{"UserStoreId": "x", "JobIds": ["a"], "Z": {"k": [1, 2]}}`), "JobIds")
	require.True(t, ok)
	assert.Equal(t, `{"UserStoreId":"x","Z":{"k":[1,2]}}`, string(b), "order kept, compact")
	_, ok = dropMember([]byte(`{"UserStoreId":"x"}`), "JobIds")
	assert.False(t, ok)
	_, ok = dropMember([]byte(`[1]`), "JobIds")
	assert.False(t, ok)
	b, ok = replaceMember([]byte(`{"A":1,"B":2}`), "A", json.RawMessage(`"1"`))
	require.True(t, ok)
	assert.Equal(t, `{"A":"1","B":2}`, string(b))

	for in, want := range map[string]string{`123`: "123", `true`: "true", `["x", 1]`: "x", `{"Id": "x"}`: "x", `"s"`: "s"} {
		got, ok := literalString(json.RawMessage(in))
		assert.True(t, ok, in)
		assert.Equal(t, want, got, in)
	}
	for _, in := range []string{`null`, `[]`, `{}`, ``} {
		_, ok := literalString(json.RawMessage(in))
		assert.False(t, ok, in)
	}
	for in, want := range map[string]string{`"x"`: `["x"]`, `[1]`: `["1"]`, `{"0": "x"}`: `["x"]`, `[["x"]]`: `["x"]`} {
		got, ok := jobIDsAsStrings(json.RawMessage(in))
		assert.True(t, ok, in)
		assert.Equal(t, want, string(got), in)
	}
	for _, in := range []string{`["a","b"]`, `null`, `[]`} {
		_, ok := jobIDsAsStrings(json.RawMessage(in))
		assert.False(t, ok, in)
	}
	_, ok = storeIDAsString(json.RawMessage(`"x"`))
	assert.False(t, ok)
	got, ok := storeIDAsString(json.RawMessage(`123`))
	assert.True(t, ok)
	assert.Equal(t, `"123"`, string(got))
	assert.Equal(t, "JobIds.0=b&JobIds.1=a&UserStoreId=x", sortedQuery("UserStoreId=x&JobIds.1=a&JobIds.0=b"))
	assert.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, newRequestID())
}
