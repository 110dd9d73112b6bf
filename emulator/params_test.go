//go:build !mechanical

package emulator

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestParametersPOST covers P4-P10 for JSON bodies.
func TestParametersPOST(t *testing.T) {
	t.Parallel()
	e := newEmu(t, Config{})
	primary := cred(t, "primary")
	varied := storeOf(t, "varied")
	id := varied.ID
	j0, j1 := varied.Jobs[0].ID, varied.Jobs[1].ID
	all := sortedIDs(varied.JobIDs()...)
	cases := []struct {
		name string
		body string
		code string
		ids  []string // on success
	}{
		{"P4 empty body", ``, "MissingParameter", nil},
		{"P4 empty object", `{}`, "MissingParameter", nil},
		{"P4 only JobIds", `{"JobIds":["a"]}`, "MissingParameter", nil},
		{"P5 UserStoreId number", `{"UserStoreId":1}`, "InvalidParameter", nil},
		{"P5 UserStoreId array", `{"UserStoreId":["` + id + `"]}`, "InvalidParameter", nil},
		{"P5 UserStoreId object", `{"UserStoreId":{}}`, "InvalidParameter", nil},
		{"P5 UserStoreId bool", `{"UserStoreId":true}`, "InvalidParameter", nil},
		{"P5 JobIds string", `{"UserStoreId":"` + id + `","JobIds":"` + j0 + `"}`, "InvalidParameter", nil},
		{"P5 JobIds numbers", `{"UserStoreId":"` + id + `","JobIds":[1]}`, "InvalidParameter", nil},
		{"P5 JobIds null element", `{"UserStoreId":"` + id + `","JobIds":["` + j0 + `",null]}`, "InvalidParameter", nil},
		{"P5 JobIds nested array", `{"UserStoreId":"` + id + `","JobIds":[["` + j0 + `"]]}`, "InvalidParameter", nil},
		{"P5 JobIds object", `{"UserStoreId":"` + id + `","JobIds":{"0":"` + j0 + `"}}`, "InvalidParameter", nil},
		{"P6 Foo", `{"UserStoreId":"` + id + `","Foo":1}`, "UnknownParameter", nil},
		{"P6 DryRun", `{"UserStoreId":"` + id + `","DryRun":true}`, "UnknownParameter", nil},
		{"P6 Limit", `{"UserStoreId":"` + id + `","Limit":10}`, "UnknownParameter", nil},
		{"P6 names are case-sensitive", `{"userStoreId":"` + id + `"}`, "UnknownParameter", nil},
		{"P6 null unknown", `{"UserStoreId":"` + id + `","Foo":null}`, "UnknownParameter", nil},
		{"P6 unknown beats wrong type", `{"UserStoreId":1,"Foo":1}`, "UnknownParameter", nil},
		{"P6 unknown beats missing", `{"Foo":1}`, "UnknownParameter", nil},
		{"P7 array", `[]`, "InvalidParameter", nil},
		{"P7 string", `"x"`, "InvalidParameter", nil},
		{"P7 null", `null`, "InvalidParameter", nil},
		{"P7 number", `1`, "InvalidParameter", nil},
		{"P7 malformed", `{"UserStoreId":"` + id + `"`, "InvalidParameter", nil},
		{"P7 trailing data", `{"UserStoreId":"` + id + `"} {}`, "InvalidParameter", nil},
		{"P7 whitespace only", ` `, "InvalidParameter", nil},
		{"P7 form body", `UserStoreId=` + id, "InvalidParameter", nil},
		{"P8 unknown store", listBody("us-does-not-exist"), "FailedOperation.InvalidUserStore", nil},
		{"P9 empty store id", listBody(""), "FailedOperation.InvalidUserStore", nil},
		{"P10 JobIds null", `{"UserStoreId":"` + id + `","JobIds":null}`, "", all},
		{"P10 UserStoreId null", `{"UserStoreId":null}`, "MissingParameter", nil},
		{"duplicate UserStoreId", `{"UserStoreId":"` + id + `","UserStoreId":"` + id + `"}`, "InvalidParameter", nil},
		{"duplicate JobIds", `{"UserStoreId":"` + id + `","JobIds":[],"JobIds":[]}`, "InvalidParameter", nil},
		{"whitespace everywhere", " \n{ \"UserStoreId\" :\t\"" + id + "\" , \"JobIds\" : [ \"" + j0 + "\" , \"" + j1 + "\" ] }\r\n", "", sortedIDs(j0, j1)},
		{"escaped strings", `{"Use\u0072StoreId":"` + escapeAll(id) + `","JobIds":["` + escapeAll(j0) + `"]}`, "", []string{j0}},
		{"escaped unknown key", `{"F\u006fo":1,"UserStoreId":"` + id + `"}`, "UnknownParameter", nil},
		{"unicode id", listBody("us-é\u2028\"\\"), "FailedOperation.InvalidUserStore", nil},
		{"invalid UTF-8 id reads as U+FFFD", "{\"UserStoreId\":\"us-\xff\xfe\"}", "FailedOperation.InvalidUserStore", nil},
		{"deep nesting in unknown", `{"Foo":` + strings.Repeat("[", 5000) + strings.Repeat("]", 5000) + `,"UserStoreId":"` + id + `"}`, "UnknownParameter", nil},
		{"too deep", strings.Repeat("[", 20000) + strings.Repeat("]", 20000), "InvalidParameter", nil},
		{"unknown key with braces in strings", `{"Foo":{"a":"}]\"["},"UserStoreId":"` + id + `"}`, "UnknownParameter", nil},
		{"JobIds empty array", `{"UserStoreId":"` + id + `","JobIds":[]}`, "", all},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := serve(t, e, call{cred: primary, body: tc.body}.request(t))
			require.Equal(t, tc.code, res.code, "message %q", res.message)
			if tc.code == "" {
				assert.Equal(t, tc.ids, res.ids)
			}
		})
	}
}

// escapeAll writes every byte of an ASCII string as a \u escape.
func escapeAll(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		b.WriteString(`\u00`)
		b.WriteByte("0123456789abcdef"[c>>4])
		b.WriteByte("0123456789abcdef"[c&15])
	}
	return b.String()
}

// TestParametersGET covers P4-P6 and the Name.N arrays of T2 for GET queries.
func TestParametersGET(t *testing.T) {
	t.Parallel()
	e := newEmu(t, Config{})
	primary := cred(t, "primary")
	varied := storeOf(t, "varied")
	id := varied.ID
	j0, j1 := varied.Jobs[0].ID, varied.Jobs[1].ID
	all := sortedIDs(varied.JobIDs()...)
	cases := []struct {
		name  string
		query string
		code  string
		ids   []string
	}{
		{"all", "UserStoreId=" + id, "", all},
		{"JobIds.N", listQuery(id, j0, j1), "", sortedIDs(j0, j1)},
		{"JobIds.N out of order with gaps", "JobIds.7=" + j1 + "&UserStoreId=" + id + "&JobIds.3=" + j0, "", sortedIDs(j0, j1)},
		{"escaped", "UserStoreId=" + url.QueryEscape(id) + "&JobIds.0=" + strings.ReplaceAll(url.PathEscape(j0), "-", "%2D"), "", []string{j0}},
		{"empty segments", "&&UserStoreId=" + id + "&&", "", all},
		{"P4 no query", "", "MissingParameter", nil},
		{"P4 only JobIds", "JobIds.0=" + j0, "MissingParameter", nil},
		{"P9 empty UserStoreId", "UserStoreId=", "FailedOperation.InvalidUserStore", nil},
		{"P6 Foo", "UserStoreId=" + id + "&Foo=1", "UnknownParameter", nil},
		{"P6 JobIds.x", "UserStoreId=" + id + "&JobIds.x=1", "UnknownParameter", nil},
		{"P6 JobIds without index", "UserStoreId=" + id + "&JobIds=" + j0, "UnknownParameter", nil},
		{"P6 JobIds.-1", "UserStoreId=" + id + "&JobIds.-1=" + j0, "UnknownParameter", nil},
		{"P6 JobIds.0.x", "UserStoreId=" + id + "&JobIds.0.x=" + j0, "UnknownParameter", nil},
		{"P6 JobIds. huge index", "UserStoreId=" + id + "&JobIds.1234567890=" + j0, "UnknownParameter", nil},
		{"P6 common parameter in a v3 query", "UserStoreId=" + id + "&Action=ListJobs", "UnknownParameter", nil},
		{"P6 unknown beats duplicate", "UserStoreId=" + id + "&UserStoreId=" + id + "&Foo=1", "UnknownParameter", nil},
		{"duplicate UserStoreId", "UserStoreId=" + id + "&UserStoreId=" + id, "InvalidParameter", nil},
		{"duplicate JobIds.0", "UserStoreId=" + id + "&JobIds.0=" + j0 + "&JobIds.0=" + j1, "InvalidParameter", nil},
		{"no =", "UserStoreId=" + id + "&JobIds.0", "InvalidParameter", nil},
		{"bad escape", "UserStoreId=" + id + "%zz", "InvalidParameter", nil},
		{"truncated escape", "UserStoreId=" + id + "%2", "InvalidParameter", nil},
		{"semicolon is data", "UserStoreId=" + id + ";x", "FailedOperation.InvalidUserStore", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := serve(t, e, call{method: "GET", cred: primary, query: tc.query}.request(t))
			require.Equal(t, tc.code, res.code, "message %q", res.message)
			if tc.code == "" {
				assert.Equal(t, tc.ids, res.ids)
			}
		})
	}
}

// TestUnescape pins the query decoding to net/url's.
func TestUnescape(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"", "a", "a+b", "%41%42", "%e4%bd%a0", "%", "%4", "%zz", "a%2Bb", "%2b", "x%20y+z"} {
		want, err := url.QueryUnescape(s)
		got, ok := unescape(nil, []byte(s))
		assert.Equal(t, err == nil, ok, "%q", s)
		if err == nil {
			assert.Equal(t, want, string(got), "%q", s)
		}
	}
}

// TestAppendJSONString checks the envelope's string encoder against encoding/json's reading.
func TestAppendJSONString(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"", "plain", `q"b\`, "ctl\x00\x1f\n\t", "<&>", "é漢\u2028\u2029", "bad\xff\xfeutf8", "\U0001F600"} {
		b := appendJSONString(nil, s)
		var got string
		require.NoError(t, json.Unmarshal(b, &got), "%q -> %s", s, b)
		want := strings.ToValidUTF8(s, "\uFFFD")
		if s == "bad\xff\xfeutf8" {
			want = "bad\uFFFD\uFFFDutf8"
		}
		assert.Equal(t, want, got)
	}
}
