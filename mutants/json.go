package mutants

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
)

// The JSON helpers of the package, the one set every mutant uses to read and write the
// members of a JSON object. A request body is edited in order (members, object): a
// re-signed body changes only what its mutant changes. An answer is decoded into maps
// and encoded again as the emulator encodes (rewriteTop, rewriteResponse): sorted keys,
// no HTML escaping.

// errUnchanged is the error of an edit that leaves the body as it is.
var errUnchanged = errors.New("unchanged")

// marshal encodes without HTML escaping, as the emulator does.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// mustMarshal is marshal of a value that always encodes.
func mustMarshal(v any) json.RawMessage {
	b, err := marshal(v)
	if err != nil {
		panic(err) // only called on values that always encode
	}
	return b
}

// members reads the members of a JSON object in order, duplicates kept, as a
// json.Decoder reads them: whether the object is closed, and what follows it, is not
// checked (jsonObject is the strict reading).
func members(body []byte) (keys []string, vals []json.RawMessage, ok bool) {
	dec := json.NewDecoder(bytes.NewReader(body))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, nil, false
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, nil, false
		}
		k, _ := t.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, nil, false
		}
		keys, vals = append(keys, k), append(vals, v)
	}
	return keys, vals, true
}

// object encodes members in order, compact.
func object(keys []string, vals []json.RawMessage) []byte {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(mustMarshal(k))
		b.WriteByte(':')
		_ = json.Compact(&b, vals[i])
	}
	b.WriteByte('}')
	return b.Bytes()
}

// jsonObject reads a POST body the emulator reads as a JSON object: valid JSON as a
// whole, an object, white space around it allowed.
func jsonObject(body []byte) (keys []string, vals []json.RawMessage, ok bool) {
	b := bytes.TrimLeft(body, " \t\r\n")
	if len(b) == 0 || b[0] != '{' || !json.Valid(body) {
		return nil, nil, false
	}
	return members(body)
}

// dropMember removes one member of a JSON object body; false when it has none.
func dropMember(body []byte, name string) ([]byte, bool) {
	keys, vals, ok := members(body)
	i := slices.Index(keys, name)
	if !ok || i < 0 {
		return nil, false
	}
	return object(slices.Delete(keys, i, i+1), slices.Delete(vals, i, i+1)), true
}

// replaceMember sets one member of a JSON object body, keeping the order.
func replaceMember(body []byte, name string, val json.RawMessage) ([]byte, bool) {
	keys, vals, ok := members(body)
	i := slices.Index(keys, name)
	if !ok || i < 0 {
		return nil, false
	}
	vals[i] = val
	return object(keys, vals), true
}

// rewriteTop applies edit to the whole top-level object.
func rewriteTop(body []byte, edit func(top map[string]json.RawMessage) error) []byte {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(body, &top); err != nil || top == nil {
		return body
	}
	if err := edit(top); err != nil {
		return body
	}
	out, err := marshal(top)
	if err != nil {
		return body
	}
	return out
}

// rewriteResponse applies edit to the object under "Response" and re-encodes the
// body; a body it cannot read, or an edit that fails, is returned unchanged.
func rewriteResponse(body []byte, edit func(resp map[string]json.RawMessage) error) []byte {
	return rewriteTop(body, func(top map[string]json.RawMessage) error {
		var resp map[string]json.RawMessage
		if err := json.Unmarshal(top["Response"], &resp); err != nil || resp == nil {
			return errUnchanged
		}
		if err := edit(resp); err != nil {
			return err
		}
		r, err := marshal(resp)
		if err != nil {
			return err
		}
		top["Response"] = r
		return nil
	})
}

// stringMember finds, in the raw bytes of a body, the value of the last member called
// name whose value is a string, as the emulator writes one (no white space around the
// colon, no escaped quote in the value, which holds for a RequestId): the value's
// characters are body[start:end]. A mutant splices there to change that value and
// leave every other byte alone, which decoding and encoding again would not.
func stringMember(body []byte, name string) (start, end int, ok bool) {
	key := []byte(`"` + name + `":"`)
	i := bytes.LastIndex(body, key)
	if i < 0 {
		return 0, 0, false
	}
	start = i + len(key)
	n := bytes.IndexByte(body[start:], '"')
	if n < 0 {
		return 0, 0, false
	}
	return start, start + n, true
}
