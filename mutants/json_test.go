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

// TestMembers: members keeps the order and the duplicates of an object's members,
// and reads as a decoder does; jsonObject is strict.
func TestMembers(t *testing.T) {
	keys, vals, ok := members([]byte(` {"b": 1, "a": [2], "b": "<3>"}`))
	require.True(t, ok)
	assert.Equal(t, []string{"b", "a", "b"}, keys)
	assert.Equal(t, []json.RawMessage{json.RawMessage(`1`), json.RawMessage(`[2]`), json.RawMessage(`"<3>"`)}, vals)
	assert.Equal(t, `{"b":1,"a":[2],"b":"<3>"}`, string(object(keys, vals)), "compact, in order, no HTML escaping")
	assert.Equal(t, `{"<k>":{"x":[1,2]}}`, string(object([]string{"<k>"}, []json.RawMessage{json.RawMessage(`{ "x" : [1, 2] }`)})))

	for _, body := range []string{`{"a":1} x`, `{"a":1}{}`, `{"a":1`} {
		_, _, ok := members([]byte(body))
		assert.True(t, ok, "members does not read past the last member of %q", body)
		_, _, ok = jsonObject([]byte(body))
		assert.False(t, ok, "jsonObject refuses %q", body)
	}
	for _, body := range []string{``, `[]`, `"x"`, `null`, ` `, `{"a"}`, `{1:2}`} {
		_, _, ok := members([]byte(body))
		assert.False(t, ok, "members of %q", body)
		_, _, ok = jsonObject([]byte(body))
		assert.False(t, ok, "jsonObject of %q", body)
	}
	keys, _, ok = jsonObject([]byte("\r\n {\"a\":1} \t"))
	assert.True(t, ok)
	assert.Equal(t, []string{"a"}, keys)
}

// TestStringMember: the value of the last string member of a name, in raw bytes.
func TestStringMember(t *testing.T) {
	body := []byte(`{"Response":{"JobSet":[{"RequestId":"inner"}],"RequestId":"3f1e6a3c-5b8e-4f7a-9d2c-8e1b0a4c6d7f"}}`)
	start, end, ok := stringMember(body, "RequestId")
	require.True(t, ok)
	assert.Equal(t, "3f1e6a3c-5b8e-4f7a-9d2c-8e1b0a4c6d7f", string(body[start:end]), "the last one")
	start, end, ok = stringMember([]byte(`{"RequestId":""}`), "RequestId")
	require.True(t, ok)
	assert.Equal(t, start, end, "an empty value")
	for _, b := range []string{`{"RequestId":1}`, `{"RequestId":"unterminated`, `{"Other":"x"}`, `{"RequestId": "spaced"}`, ``} {
		_, _, ok := stringMember([]byte(b), "RequestId")
		assert.False(t, ok, b)
	}
}

// TestRewriteTop: an answer is decoded and encoded again as the emulator encodes
// (sorted keys, no HTML escaping, compact) down to the level edited; a body that cannot be read, or an edit that
// fails, leaves the body as it is.
func TestRewriteTop(t *testing.T) {
	same := func(map[string]json.RawMessage) error { return nil }
	assert.Equal(t, `{"Response":{"b":1,"a":"<x>"},"Z":null}`, string(rewriteTop([]byte(`{"Z":null, "Response":{"b":1, "a":"<x>"}}`), same)),
		"the top level sorted, the members' values compact and as they were")
	assert.Equal(t, `{"Response":{"a":"<x>","b":1}}`, string(rewriteResponse([]byte(`{"Response":{"b":1,"a":"<x>"}}`), same)))
	fail := func(map[string]json.RawMessage) error { return errUnchanged }
	for _, body := range []string{`{"Response":{"b":1}}`, ``, `null`, `[]`, `{"Response":[]}`, `{"Response":null}`, `{"a":1} x`} {
		assert.Equal(t, body, string(rewriteResponse([]byte(body), fail)), body)
		assert.Equal(t, body, string(rewriteTop([]byte(body), fail)), body)
	}
	for _, body := range []string{``, `null`, `[]`, `{"Response":[]}`, `{"Response":null}`, `{"Other":{}}`} {
		assert.Equal(t, body, string(rewriteResponse([]byte(body), same)), body)
	}
}
