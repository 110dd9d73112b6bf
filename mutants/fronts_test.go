package mutants

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciam-harness/listjobs/emulator"
	"github.com/ciam-harness/listjobs/signing"
)

// TestFrontsBreakOnlyTheirRow: the mutants built outside the emulator (once emulator
// switches) break their row on every path the switch covered (TC3 POST and GET,
// signature v1), and forgive nothing else: a request with a second fault gets the
// answer of that fault. ref is the reference's code, mut the mutant's ("" a success,
// checked further by ids when set).
func TestFrontsBreakOnlyTheirRow(t *testing.T) {
	t.Parallel()
	fx := loadSmallFixture(t)
	primary, temporary, other := key(t, fx, "primary"), key(t, fx, "temporary"), key(t, fx, "other-account")
	varied, _ := fx.UserStore("varied")
	otherStore, _ := fx.UserStore("other-account")
	ids := slices.Sorted(slices.Values(varied.JobIDs()))
	list := func(store string, jobIDs ...string) string {
		m := map[string]any{"UserStoreId": store}
		if jobIDs != nil {
			m["JobIds"] = jobIDs
		}
		b, _ := json.Marshal(m)
		return string(b)
	}
	body := list(varied.ID)
	query := "UserStoreId=" + varied.ID
	wrongKey := primary
	wrongKey.SecretKey = "wrong"
	tokenless := temporary
	tokenless.Token = ""
	wrongToken := temporary
	wrongToken.Token = "wrong"
	unknown := signing.Credential{SecretID: "AKIDnobody", SecretKey: "x"}
	dropToken := func(r *http.Request, _ *string) { r.Header.Del("X-TC-Token") }
	cases := []struct {
		mutant, name string
		req          req
		ref, mut     string
		ids          []string // the mutant's jobs, for a success
	}{
		{"signature-unchecked", "v1", req{v1: true, method: "GET", cred: wrongKey, query: query}, "AuthFailure.SignatureFailure", "", ids},
		{"signature-unchecked", "v1 POST form", req{v1: true, method: "POST", cred: wrongKey, query: query}, "AuthFailure.SignatureFailure", "", ids},
		{"signature-unchecked", "GET", req{method: "GET", cred: wrongKey, query: query}, "AuthFailure.SignatureFailure", "", ids},
		{"signature-unchecked", "the timestamp is still checked", req{cred: wrongKey, body: body, skew: -400}, "AuthFailure.SignatureExpire", "AuthFailure.SignatureExpire", nil},
		{"signature-unchecked", "the scope is still checked", req{cred: wrongKey, body: body, service: "cvm"}, "AuthFailure.SignatureFailure", "AuthFailure.SignatureFailure", nil},
		{"signature-unchecked", "the token is still checked", req{cred: func() signing.Credential { c := temporary; c.SecretKey = "wrong"; return c }(), body: body, after: dropToken},
			"AuthFailure.SignatureFailure", "AuthFailure.TokenFailure", nil},
		{"signature-unchecked", "the SecretId is still checked", req{cred: unknown, body: body}, "AuthFailure.SecretIdNotFound", "AuthFailure.SecretIdNotFound", nil},

		{"timestamp-unchecked", "future", req{cred: primary, body: body, skew: 4000}, "AuthFailure.SignatureExpire", "", ids},
		{"timestamp-unchecked", "GET", req{method: "GET", cred: primary, query: query, skew: -3600}, "AuthFailure.SignatureExpire", "", ids},
		{"timestamp-unchecked", "v1", req{v1: true, method: "GET", cred: primary, query: query, skew: -3600}, "AuthFailure.SignatureExpire", "", ids},
		{"timestamp-unchecked", "the signature is still checked", req{cred: wrongKey, body: body, skew: -400}, "AuthFailure.SignatureExpire", "AuthFailure.SignatureFailure", nil},
		{"timestamp-unchecked", "the signature is still checked, v1", req{v1: true, method: "GET", cred: wrongKey, query: query, skew: -400}, "AuthFailure.SignatureExpire", "AuthFailure.SignatureFailure", nil},
		{"timestamp-unchecked", "the scope is still checked", req{cred: primary, body: body, skew: -400, service: "cvm"}, "AuthFailure.SignatureExpire", "AuthFailure.SignatureFailure", nil},
		{"timestamp-unchecked", "the SecretId is still checked", req{cred: unknown, body: body, skew: -400}, "AuthFailure.SignatureExpire", "AuthFailure.SecretIdNotFound", nil},
		{"timestamp-unchecked", "the token is still checked", req{cred: temporary, body: body, skew: -400, after: dropToken}, "AuthFailure.SignatureExpire", "AuthFailure.TokenFailure", nil},

		{"scope-unchecked", "a scope of the day before", req{cred: primary, body: body, after: func(r *http.Request, b *string) {
			ts, _ := strconv.ParseInt(r.Header.Get("X-TC-Timestamp"), 10, 64)
			names := []string{"content-type", "host"}
			auth := signing.Authorization{SecretID: primary.SecretID, Date: signing.Date(ts - 86400), Service: "ciam", SignedHeaders: names}
			canonical := signing.CanonicalRequest("POST", "", signing.RequestHeader(r), names, signing.HashHex([]byte(*b)))
			auth.Signature = signing.Signature(primary.SecretKey, auth.Date, "ciam", signing.StringToSign(ts, signing.CredentialScope(auth.Date, "ciam"), canonical))
			r.Header.Set("Authorization", auth.String())
		}}, "AuthFailure.SignatureFailure", "", ids},
		{"scope-unchecked", "the signature is still checked", req{cred: wrongKey, body: body, service: "cvm"}, "AuthFailure.SignatureFailure", "AuthFailure.SignatureFailure", nil},
		{"scope-unchecked", "the timestamp is still checked", req{cred: primary, body: body, service: "cvm", skew: -400}, "AuthFailure.SignatureExpire", "AuthFailure.SignatureExpire", nil},
		{"scope-unchecked", "the SecretId is still checked", req{cred: unknown, body: body, service: "cvm"}, "AuthFailure.SignatureFailure", "AuthFailure.SecretIdNotFound", nil},
		{"scope-unchecked", "the token is still checked", req{cred: temporary, body: body, service: "cvm", after: dropToken}, "AuthFailure.SignatureFailure", "AuthFailure.TokenFailure", nil},

		{"token-unchecked", "a wrong token", req{cred: temporary, body: body, after: func(r *http.Request, _ *string) { r.Header.Set("X-TC-Token", "wrong") }}, "AuthFailure.TokenFailure", "", ids},
		{"token-unchecked", "a wrong signed token", req{cred: wrongToken, body: body, signed: []string{"content-type", "host", "x-tc-token"}}, "AuthFailure.TokenFailure", "", ids},
		{"token-unchecked", "v1 without its token", req{v1: true, method: "GET", cred: tokenless, query: query}, "AuthFailure.TokenFailure", "", ids},
		{"token-unchecked", "v1 with a wrong token", req{v1: true, method: "GET", cred: wrongToken, query: query}, "AuthFailure.TokenFailure", "", ids},
		{"token-unchecked", "the signature is still checked", req{cred: func() signing.Credential { c := tokenless; c.SecretKey = "wrong"; return c }(), body: body}, "AuthFailure.SignatureFailure", "AuthFailure.SignatureFailure", nil},

		{"version-unchecked", "signed", req{cred: primary, body: body, headers: map[string]string{"X-TC-Version": "2017-03-12"}, signed: []string{"content-type", "host", "x-tc-version"}}, "NoSuchVersion", "", ids},
		{"version-unchecked", "v1", req{v1: true, method: "GET", cred: primary, query: query, headers: map[string]string{"Version": "2017-03-12"}}, "NoSuchVersion", "", ids},
		{"version-unchecked", "the signature is still checked", req{cred: primary, body: body, headers: map[string]string{"X-TC-Version": "2017-03-12"}, signed: []string{"content-type", "host", "x-tc-version"},
			after: func(_ *http.Request, b *string) { *b = list(varied.ID, ids[0]) }}, "AuthFailure.SignatureFailure", "AuthFailure.SignatureFailure", nil},
		{"version-unchecked", "an absent version is still missing", req{cred: primary, body: body, headers: map[string]string{"X-TC-Version": ""}}, "MissingParameter", "MissingParameter", nil},
		{"version-unchecked", "the action is still checked", req{cred: primary, body: body, headers: map[string]string{"X-TC-Version": "2017-03-12", "X-TC-Action": "ListJob"}}, "InvalidAction", "InvalidAction", nil},

		{"region-unchecked", "signed", req{cred: primary, body: body, headers: map[string]string{"X-TC-Region": "xx-nowhere-1"}, signed: []string{"content-type", "host", "x-tc-region"}}, "UnsupportedRegion", "", ids},
		{"region-unchecked", "v1", req{v1: true, method: "GET", cred: primary, query: query, headers: map[string]string{"Region": "xx-nowhere-1"}}, "UnsupportedRegion", "", ids},
		{"region-unchecked", "an absent region is still missing", req{cred: primary, body: body, headers: map[string]string{"X-TC-Region": ""}}, "MissingParameter", "MissingParameter", nil},
		{"region-unchecked", "the version is still checked", req{cred: primary, body: body, headers: map[string]string{"X-TC-Region": "xx-nowhere-1", "X-TC-Version": "2017-03-12"}}, "NoSuchVersion", "NoSuchVersion", nil},

		{"unknown-parameter-accepted", "GET", req{method: "GET", cred: primary, query: query + "&Foo=1"}, "UnknownParameter", "", ids},
		{"unknown-parameter-accepted", "GET, a common parameter", req{method: "GET", cred: primary, query: query + "&Action=ListJobs"}, "UnknownParameter", "", ids},
		{"unknown-parameter-accepted", "v1", req{v1: true, method: "GET", cred: primary, query: query + "&Foo=1"}, "UnknownParameter", "", ids},
		{"unknown-parameter-accepted", "the types are still checked", req{cred: primary, body: `{"UserStoreId":1,"Foo":1}`}, "UnknownParameter", "InvalidParameter", nil},
		{"unknown-parameter-accepted", "the filter is kept", req{cred: primary, body: `{"UserStoreId":"` + varied.ID + `","Foo":1,"JobIds":["` + ids[0] + `"]}`}, "UnknownParameter", "", []string{ids[0]}},
		{"unknown-parameter-accepted", "the signature is still checked", req{cred: wrongKey, body: `{"UserStoreId":"` + varied.ID + `","Foo":1}`}, "AuthFailure.SignatureFailure", "AuthFailure.SignatureFailure", nil},
		{"unknown-parameter-accepted", "a body that is not an object is still refused", req{cred: primary, body: `[{"Foo":1}]`}, "InvalidParameter", "InvalidParameter", nil},

		{"null-rejected", "UserStoreId", req{cred: primary, body: `{"UserStoreId":null}`}, "MissingParameter", "InvalidParameter", nil},
		{"null-rejected", "an unknown parameter still wins", req{cred: primary, body: `{"UserStoreId":null,"Foo":1}`}, "UnknownParameter", "UnknownParameter", nil},
		{"null-rejected", "the signature is still checked", req{cred: wrongKey, body: `{"UserStoreId":null}`}, "AuthFailure.SignatureFailure", "AuthFailure.SignatureFailure", nil},

		{"filter-ignored", "GET", req{method: "GET", cred: primary, query: query + "&JobIds.0=" + ids[0]}, "", "", ids},
		{"filter-ignored", "v1", req{v1: true, method: "GET", cred: primary, query: query + "&JobIds.0=" + ids[0]}, "", "", ids},
		{"filter-ignored", "an unknown id only", req{cred: primary, body: list(varied.ID, "nope")}, "", "", ids},
		{"duplicates-returned", "GET", req{method: "GET", cred: primary, query: query + "&JobIds.0=" + ids[0]}, "", "", []string{ids[0], ids[0]}},
		{"unknown-id-error", "GET", req{method: "GET", cred: primary, query: query + "&JobIds.0=" + ids[0] + "&JobIds.1=nope"}, "", "ResourceNotFound", nil},
		{"unknown-id-error", "known ids are served", req{cred: primary, body: list(varied.ID, ids[0], ids[1])}, "", "", []string{ids[0], ids[1]}},
		{"empty-jobids-nothing", "absent JobIds are served", req{cred: primary, body: list(varied.ID)}, "", "", ids},
		{"other-account-store-visible", "filtered", req{cred: primary, body: list(otherStore.ID, otherStore.Jobs[0].ID, "nope")}, "FailedOperation.InvalidUserStore", "", []string{otherStore.Jobs[0].ID}},
		{"other-account-store-visible", "the other way round, GET", req{method: "GET", cred: other, query: query}, "FailedOperation.InvalidUserStore", "", ids},
		{"other-account-store-visible", "an unknown store is still unknown", req{cred: primary, body: list("us-nowhere")}, "FailedOperation.InvalidUserStore", "FailedOperation.InvalidUserStore", nil},
	}
	for _, tc := range cases {
		t.Run(tc.mutant+"/"+tc.name, func(t *testing.T) {
			t.Parallel()
			m, ok := ByName(tc.mutant)
			require.True(t, ok)
			ref := serve(t, newHandler(t, emulator.Config{Fixture: fx}), tc.req.build(t))
			mut := serve(t, newHandler(t, m.Config(fx)), tc.req.build(t))
			require.Equal(t, tc.ref, ref.code, "the reference: %s", ref.raw)
			assert.Equal(t, tc.mut, mut.code, "the mutant: %s", mut.raw)
			if tc.mut == "" && tc.ids != nil {
				assert.Equal(t, slices.Sorted(slices.Values(tc.ids)), mut.ids)
			}
		})
	}
}

// TestEnvelopeFronts: the envelope mutants change every answer they concern, and only
// what they name.
func TestEnvelopeFronts(t *testing.T) {
	t.Parallel()
	fx := loadSmallFixture(t)
	primary := key(t, fx, "primary")
	varied, _ := fx.UserStore("varied")
	ok := req{cred: primary, body: `{"UserStoreId":"` + varied.ID + `"}`}
	bad := req{cred: primary, body: `{"UserStoreId":"` + varied.ID + `"}`, headers: map[string]string{"X-TC-Action": "Nope"}}
	handler := func(name string) http.Handler {
		m, found := ByName(name)
		require.True(t, found)
		return newHandler(t, m.Config(fx))
	}

	h := handler("error-status-400")
	assert.Equal(t, 400, serve(t, h, bad.build(t)).status)
	assert.Equal(t, 200, serve(t, h, ok.build(t)).status, "a success keeps 200")

	h = handler("content-type-text")
	for _, q := range []req{ok, bad} {
		a := serve(t, h, q.build(t))
		assert.Equal(t, "text/plain; charset=utf-8", a.ctype)
		assert.Equal(t, 200, a.status)
	}

	h = handler("requestid-constant")
	a, b := serve(t, h, ok.build(t)), serve(t, h, bad.build(t))
	assert.Equal(t, a.requestID, b.requestID, "T8 broken")
	assert.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, a.requestID)
	assert.Len(t, a.ids, len(varied.Jobs), "the listing is left alone")
	assert.Equal(t, "InvalidAction", b.code)
	assert.Equal(t, `{"Response":{"JobSet":[],"RequestId":"`+fixedRequestID+`"}}`, string(constantRequestID([]byte(`{"Response":{"JobSet":[],"RequestId":"r-1"}}`))))
	assert.Equal(t, "not json", string(constantRequestID([]byte("not json"))))
}

// TestRewriterKeepsTheAnswer: a rewriter sees the emulator's answer whole (status,
// headers, body) and passes on what it does not change.
func TestRewriterKeepsTheAnswer(t *testing.T) {
	t.Parallel()
	inner := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Connection", "close")
		w.WriteHeader(http.StatusTeapot)
		_, _ = w.Write([]byte(`{"a":1}`))
	})
	rec := httptest.NewRecorder()
	rewriteBodies(func(b []byte) []byte { return append(b, ' ') })(inner).ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	assert.Equal(t, http.StatusTeapot, rec.Code)
	assert.Equal(t, `{"a":1} `, rec.Body.String())
	assert.Equal(t, "8", rec.Header().Get("Content-Length"))
	assert.Equal(t, "close", rec.Header().Get("Connection"))
}
