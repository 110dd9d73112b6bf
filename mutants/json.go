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

func mustMarshal(v any) json.RawMessage {
	b, err := marshal(v)
	if err != nil {
		panic(err) // only called on values that always encode
	}
	return b
}

// members reads the members of a JSON object in order.
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

// jsonObject reads a POST body the emulator reads as a JSON object.
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
	var top map[string]json.RawMessage
	if err := json.Unmarshal(body, &top); err != nil {
		return body
	}
	var resp map[string]json.RawMessage
	if err := json.Unmarshal(top["Response"], &resp); err != nil || resp == nil {
		return body
	}
	if err := edit(resp); err != nil {
		return body
	}
	r, err := marshal(resp)
	if err != nil {
		return body
	}
	top["Response"] = r
	out, err := marshal(top)
	if err != nil {
		return body
	}
	return out
}
