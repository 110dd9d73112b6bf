package emulator

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/ciam-harness/listjobs/signing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestQuirks: each quirk breaks its row, and the same request without it conforms.
// check gets the response of the quirky emulator and of a correct one.
func TestQuirks(t *testing.T) {
	t.Parallel()
	primary, temporary := cred(t, "primary"), cred(t, "temporary")
	varied, other := storeOf(t, "varied"), storeOf(t, "other-account")
	v := varied.JobIDs()
	body := listBody(varied.ID)
	wrongKey := primary
	wrongKey.SecretKey = "wrong"
	cases := []struct {
		name   string
		quirks Quirks
		call   call
		want   string // code without the quirk
		broken func(t *testing.T, res result)
	}{
		{"SkipSignatureCheck A2", Quirks{SkipSignatureCheck: true}, call{cred: wrongKey, body: body}, "AuthFailure.SignatureFailure",
			func(t *testing.T, res result) { assert.Len(t, res.ids, 6) }},
		{"SkipSignatureCheck v1", Quirks{SkipSignatureCheck: true}, call{}, "AuthFailure.SignatureFailure",
			func(t *testing.T, res result) { assert.Len(t, res.ids, 6) }},
		{"IgnoreFilter S2", Quirks{IgnoreFilter: true}, call{cred: primary, body: listBody(varied.ID, v[0])}, "",
			func(t *testing.T, res result) { assert.Len(t, res.ids, 6) }},
		{"SkipTimestampCheck A3", Quirks{SkipTimestampCheck: true}, call{cred: primary, body: body, ts: t0.Unix() - 3600}, "AuthFailure.SignatureExpire",
			func(t *testing.T, res result) { assert.Empty(t, res.code) }},
		{"SkipScopeCheck A6", Quirks{SkipScopeCheck: true}, call{cred: primary, body: body, after: func(r *http.Request) {
			// A valid signature over the scope of the day before the timestamp's.
			date := signing.Date(t0.Unix() - 86400)
			names := []string{"content-type", "host"}
			canonical := signing.CanonicalRequest("POST", "", signing.RequestHeader(r), names, signing.HashHex([]byte(body)))
			sig := signing.Signature(primary.SecretKey, date, "ciam", signing.StringToSign(t0.Unix(), signing.CredentialScope(date, "ciam"), canonical))
			r.Header.Set("Authorization", signing.Authorization{SecretID: primary.SecretID, Date: date, Service: "ciam", SignedHeaders: names, Signature: sig}.String())
		}}, "AuthFailure.SignatureFailure", func(t *testing.T, res result) { assert.Len(t, res.ids, 6) }},
		{"SkipTokenCheck A8", Quirks{SkipTokenCheck: true}, call{cred: temporary, body: body, after: func(r *http.Request) { r.Header.Del("X-TC-Token") }}, "AuthFailure.TokenFailure",
			func(t *testing.T, res result) { assert.Empty(t, res.code) }},
		{"SkipAccountCheck S9", Quirks{SkipAccountCheck: true}, call{cred: primary, body: listBody(other.ID)}, "FailedOperation.InvalidUserStore",
			func(t *testing.T, res result) { assert.Equal(t, sortedIDs(other.JobIDs()...), res.ids) }},
		{"AcceptUnknownParameters P6", Quirks{AcceptUnknownParameters: true}, call{cred: primary, body: `{"UserStoreId":"` + varied.ID + `","Foo":1}`}, "UnknownParameter",
			func(t *testing.T, res result) { assert.Len(t, res.ids, 6) }},
		{"AcceptUnknownParameters GET", Quirks{AcceptUnknownParameters: true}, call{method: "GET", cred: primary, query: listQuery(varied.ID) + "&Foo=1"}, "UnknownParameter",
			func(t *testing.T, res result) { assert.Len(t, res.ids, 6) }},
		{"RejectNull P10 JobIds", Quirks{RejectNull: true}, call{cred: primary, body: `{"UserStoreId":"` + varied.ID + `","JobIds":null}`}, "",
			func(t *testing.T, res result) { assert.Equal(t, "InvalidParameter", res.code) }},
		{"RejectNull P10 UserStoreId", Quirks{RejectNull: true}, call{cred: primary, body: `{"UserStoreId":null}`}, "MissingParameter",
			func(t *testing.T, res result) { assert.Equal(t, "InvalidParameter", res.code) }},
		{"RepeatJobs S2", Quirks{RepeatJobs: true}, call{cred: primary, body: listBody(varied.ID, v[0])}, "",
			func(t *testing.T, res result) { assert.Equal(t, []string{v[0], v[0]}, res.ids) }},
		{"EmptyJobIDsMatchNothing S1", Quirks{EmptyJobIDsMatchNothing: true}, call{cred: primary, body: listBody(varied.ID, []string{}...)}, "",
			func(t *testing.T, res result) { assert.Empty(t, res.ids) }},
		{"UnknownJobIDError S3", Quirks{UnknownJobIDError: true}, call{cred: primary, body: listBody(varied.ID, v[0], "nope")}, "",
			func(t *testing.T, res result) { assert.Equal(t, "ResourceNotFound", res.code) }},
		{"AcceptAnyRegion P3", Quirks{AcceptAnyRegion: true}, call{cred: primary, body: body, region: "xx-nowhere-1"}, "UnsupportedRegion",
			func(t *testing.T, res result) { assert.Empty(t, res.code) }},
		{"AcceptAnyVersion P2", Quirks{AcceptAnyVersion: true}, call{cred: primary, body: body, version: "2017-03-12"}, "NoSuchVersion",
			func(t *testing.T, res result) { assert.Empty(t, res.code) }},
		{"RewriteResponse", Quirks{RewriteResponse: func(b []byte) []byte { return bytes.Replace(b, []byte(`"JobSet"`), []byte(`"Jobs"`), 1) }},
			call{cred: primary, body: body}, "", func(t *testing.T, res result) { assert.False(t, res.hasJobSet()) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := func() *http.Request {
				if tc.call.cred.SecretID == "" { // the v1 case
					params := signV1Form(t, "GET", wrongKey, "", t0.Unix(), map[string]string{"UserStoreId": varied.ID})
					return v1Request(t, "GET", params)
				}
				return tc.call.request(t)
			}
			good := serve(t, newEmu(t, Config{}), req())
			require.Equal(t, tc.want, good.code, "without the quirk: %s", good.message)
			bad := serveRaw(t, newEmu(t, Config{Quirks: tc.quirks}), req())
			if tc.broken != nil {
				tc.broken(t, bad)
			} else {
				assert.NotEqual(t, good.code, bad.code)
			}
		})
	}
}

// TestQuirksRateLimit covers the rate-limit quirks: R3 and per-owner R1.
func TestQuirksRateLimit(t *testing.T) {
	t.Parallel()
	primary, sameOwner := cred(t, "primary"), cred(t, "same-owner")
	body := listBody(storeOf(t, "varied").ID)
	wrongKey := primary
	wrongKey.SecretKey = "wrong"

	e := newEmu(t, Config{RateLimit: 5, Quirks: Quirks{CountAuthFailures: true}})
	codes(t, e, 5, call{cred: wrongKey, body: body})
	assert.Equal(t, map[string]int{"RequestLimitExceeded": 1}, codes(t, e, 1, call{cred: primary, body: body}), "R3 broken")
	temporary := cred(t, "temporary")
	codes(t, e, 5, call{cred: temporary, body: body, after: func(r *http.Request) { r.Header.Del("X-TC-Token") }})
	assert.Equal(t, map[string]int{"RequestLimitExceeded": 1}, codes(t, e, 1, call{cred: temporary, body: body}), "R3 broken by token failures")

	e = newEmu(t, Config{RateLimit: 5, Quirks: Quirks{RateLimitPerSecretID: true}})
	codes(t, e, 5, call{cred: primary, body: body})
	assert.Equal(t, map[string]int{"": 5}, codes(t, e, 5, call{cred: sameOwner, body: body}), "R1 per owner broken")
}

// TestQuirksEnvelope covers the envelope quirks: T5 status and type, T8 RequestId.
func TestQuirksEnvelope(t *testing.T) {
	t.Parallel()
	primary := cred(t, "primary")
	body := listBody(storeOf(t, "varied").ID)

	e := newEmu(t, Config{Quirks: Quirks{ErrorHTTPStatus: 400, ContentType: "text/plain"}})
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, call{cred: primary, body: body, action: "Nope"}.request(t))
	assert.Equal(t, 400, rec.Code)
	assert.Equal(t, "text/plain", rec.Header().Get("Content-Type"))
	rec = httptest.NewRecorder()
	e.ServeHTTP(rec, call{cred: primary, body: body}.request(t))
	assert.Equal(t, 200, rec.Code, "success keeps 200")

	e = newEmu(t, Config{Quirks: Quirks{FixedRequestID: true}})
	a := serve(t, e, call{cred: primary, body: body}.request(t))
	b := serve(t, e, call{cred: primary, body: body, action: "Nope"}.request(t))
	assert.Equal(t, a.requestID, b.requestID, "T8 broken")
	assert.Regexp(t, uuidV4, a.requestID)
}
