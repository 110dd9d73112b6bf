package mutants

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciam-harness/listjobs/emulator"
	"github.com/ciam-harness/listjobs/signing"
)

// TestMutantsBreakTheirRow sends, for every breaking mutant of the catalogue, a request
// that shows its break: the reference answers it as the contract says (want.ref), the
// mutant otherwise (want.mut, or check). An ordinary listing is answered alike by both
// unless the mutant changes every listing (changesListing).
func TestMutantsBreakTheirRow(t *testing.T) {
	t.Parallel()
	full, fx := loadFixture(t), loadSmallFixture(t)
	primary, temporary := key(t, fx, "primary"), key(t, fx, "temporary")
	varied, _ := fx.UserStore("varied")
	sibling, _ := fx.UserStore("sibling")
	otherStore, _ := fx.UserStore("other-account")
	many, _ := full.UserStore("many")
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
	plain := req{cred: primary, body: body}
	wrongKey := primary
	wrongKey.SecretKey = "wrong"
	codeOf := func(want string) func(t *testing.T, ref, mut reply) {
		return func(t *testing.T, ref, mut reply) { assert.Equal(t, want, mut.code, mut.raw) }
	}
	idsAre := func(want ...string) func(t *testing.T, ref, mut reply) {
		return func(t *testing.T, ref, mut reply) {
			assert.Empty(t, mut.code, mut.raw)
			assert.Equal(t, slices.Sorted(slices.Values(want)), mut.ids)
		}
	}
	rawHas := func(s string) func(t *testing.T, ref, mut reply) {
		return func(t *testing.T, ref, mut reply) { assert.Contains(t, mut.raw, s) }
	}
	rawLacks := func(s string) func(t *testing.T, ref, mut reply) {
		return func(t *testing.T, ref, mut reply) { assert.NotContains(t, mut.raw, s) }
	}
	// signedOver signs the request again over method and uri in place of its own
	// HTTPRequestMethod and CanonicalURI.
	signedOver := func(method, uri string) func(r *http.Request, b *string) {
		return func(r *http.Request, b *string) {
			auth, err := signing.ParseAuthorization(r.Header.Get("Authorization"))
			require.NoError(t, err)
			ts, _ := strconv.ParseInt(r.Header.Get("X-TC-Timestamp"), 10, 64)
			canonical := signing.CanonicalRequestAt(method, uri, signing.CanonicalQuery(r), signing.RequestHeader(r), auth.SignedHeaders, signing.HashHex([]byte(*b)))
			auth.Signature = signing.Signature(primary.SecretKey, auth.Date, auth.Service, signing.StringToSign(ts, signing.CredentialScope(auth.Date, auth.Service), canonical))
			r.Header.Set("Authorization", auth.String())
		}
	}
	// sentAs is a GET of the query signed, sent with the query sent.
	sentAs := func(signed, sent string) req {
		return req{method: "GET", cred: primary, query: signed, after: func(r *http.Request, _ *string) { r.URL.RawQuery = sent }}
	}
	storeQ := "UserStoreId=" + varied.ID
	const ok = ""
	cases := map[string]struct {
		req            req
		ref            string // the reference's code ("" success)
		check          func(t *testing.T, ref, mut reply)
		changesListing bool
	}{
		"charset-refused": {req: req{cred: primary, body: body, headers: map[string]string{"Content-Type": "application/json; charset=utf-8"}}, ref: ok, check: codeOf("InvalidParameter")},
		"get-refused":     {req: req{method: "GET", cred: primary, query: "UserStoreId=" + varied.ID}, ref: ok, check: codeOf("UnsupportedProtocol")},
		"other-methods-served": {req: req{method: "PUT", cred: primary, body: body}, ref: "UnsupportedProtocol",
			check: idsAre(ids...)},
		"unknown-header-refused": {req: req{cred: primary, body: body, headers: map[string]string{"X-TC-TraceId": "t"}}, ref: ok, check: codeOf("UnknownParameter")},
		"language-refused":       {req: req{cred: primary, body: body, headers: map[string]string{"X-TC-Language": "zh-CN"}}, ref: ok, check: codeOf("InvalidParameterValue")},
		"error-status-400": {req: req{cred: wrongKey, body: body}, ref: "AuthFailure.SignatureFailure",
			check: func(t *testing.T, ref, mut reply) { assert.Equal(t, 400, mut.status) }},
		"content-type-text": {req: plain, ref: ok, check: func(t *testing.T, ref, mut reply) { assert.Equal(t, "text/plain; charset=utf-8", mut.ctype) }, changesListing: true},
		"jobset-duplicate-member": {req: plain, ref: ok, check: func(t *testing.T, ref, mut reply) {
			assert.Equal(t, 1, strings.Count(ref.raw, `"JobSet":`))
			assert.Equal(t, 2, strings.Count(mut.raw, `"JobSet":`))
			assert.True(t, strings.HasSuffix(mut.raw, `,"JobSet":[]}}`) || strings.HasSuffix(mut.raw, ",\"JobSet\":[]}}\n"), mut.raw[max(0, len(mut.raw)-60):])
		}, changesListing: true},
		"byte-order-mark": {req: plain, ref: ok, check: func(t *testing.T, ref, mut reply) {
			assert.False(t, strings.HasPrefix(ref.raw, "\xef\xbb\xbf"))
			assert.Equal(t, "\xef\xbb\xbf"+ref.raw[:20], mut.raw[:23])
		}, changesListing: true},
		"jobset-renamed": {req: plain, ref: ok, check: func(t *testing.T, ref, mut reply) {
			assert.False(t, mut.hasJobSet)
			assert.Contains(t, mut.raw, `"Jobs":[`)
		}, changesListing: true},
		"error-outside-response": {req: req{cred: wrongKey, body: body}, ref: "AuthFailure.SignatureFailure",
			check: func(t *testing.T, ref, mut reply) { assert.Regexp(t, `^\{"Error":`, mut.raw) }},
		"message-empty":      {req: req{cred: wrongKey, body: body}, ref: "AuthFailure.SignatureFailure", check: rawHas(`"Message":""`)},
		"requestid-missing":  {req: plain, ref: ok, check: func(t *testing.T, ref, mut reply) { assert.Nil(t, mut.requestID) }, changesListing: true},
		"requestid-constant": {req: plain, ref: ok, check: rawHas(`"RequestId":"00000000-0000-4000-8000-000000000000"`), changesListing: true},
		"requestid-number":   {req: plain, ref: ok, check: func(t *testing.T, ref, mut reply) { assert.IsType(t, float64(0), mut.requestID) }, changesListing: true},
		"requestid-not-uuid": {req: plain, ref: ok, check: func(t *testing.T, ref, mut reply) {
			assert.Regexp(t, `^[0-9a-f]{32}$`, mut.requestID)
		}, changesListing: true},
		// Partial breaks: one kind of answer only; the ordinary listing is untouched.
		"error-status-400-one-code": {req: req{cred: primary, body: list("us-nowhere")}, ref: "FailedOperation.InvalidUserStore",
			check: func(t *testing.T, ref, mut reply) { assert.Equal(t, 200, ref.status); assert.Equal(t, 400, mut.status) }},
		"content-type-text-on-get": {req: req{method: "GET", cred: primary, query: "UserStoreId=" + varied.ID}, ref: ok,
			check: func(t *testing.T, ref, mut reply) { assert.Equal(t, "text/plain; charset=utf-8", mut.ctype) }},
		"message-empty-one-code": {req: req{cred: primary, body: `{"UserStoreId":"` + varied.ID + `","Limit":10}`}, ref: "UnknownParameter", check: rawHas(`"Message":""`)},
		"requestid-missing-one-code": {req: req{cred: primary, body: body, headers: map[string]string{"X-TC-Version": "2021-01-01"}}, ref: "NoSuchVersion",
			check: func(t *testing.T, ref, mut reply) { assert.NotNil(t, ref.requestID); assert.Nil(t, mut.requestID) }},
		"requestid-constant-one-code": {req: req{cred: primary, body: `{"UserStoreId":123}`}, ref: "InvalidParameter", check: rawHas(`"RequestId":"00000000-0000-4000-8000-000000000000"`)},
		"requestid-short-on-success": {req: req{method: "GET", cred: primary, query: "UserStoreId=" + varied.ID}, ref: ok, check: func(t *testing.T, ref, mut reply) {
			assert.Len(t, ref.requestID, 36)
			assert.Len(t, mut.requestID, 35)
		}},
		"size-limit-wrong-code": {req: req{method: "GET", cred: primary, query: "UserStoreId=" + varied.ID + "&JobIds.0=" + strings.Repeat("x", 33<<10)},
			ref: "RequestSizeLimitExceeded", check: codeOf("InvalidParameter")},

		"body-limit-9mb": {req: req{cred: primary, body: `{"UserStoreId":"` + varied.ID + `","JobIds":["` + strings.Repeat("x", 9500<<10) + `"]}`},
			ref: ok, check: codeOf("RequestSizeLimitExceeded")},
		"url-limit-30kb": {req: req{method: "GET", cred: primary, query: "UserStoreId=" + varied.ID + "&JobIds.0=" + strings.Repeat("x", 31<<10)},
			ref: ok, check: codeOf("RequestSizeLimitExceeded")},
		"signature-query-sorted": {req: req{method: "GET", cred: primary, query: "UserStoreId=" + varied.ID + "&JobIds.0=" + ids[1] + "&JobIds.1=" + ids[0]},
			ref: ok, check: codeOf("AuthFailure.SignatureFailure")},
		"signature-body-reencoded": {req: req{cred: primary, body: `{"UserStoreId": "` + varied.ID + `"}`}, ref: ok, check: codeOf("AuthFailure.SignatureFailure")},
		"signed-headers-fixed": {req: req{cred: primary, body: body, signed: []string{"content-type", "host", "x-tc-action"}}, ref: ok,
			check: codeOf("AuthFailure.SignatureFailure")},
		"signed-headers-unrequired": {req: req{cred: primary, body: body, signed: []string{"host", "x-tc-action"}}, ref: "AuthFailure.InvalidAuthorization",
			check: idsAre(ids...)},
		"signature-unchecked": {req: req{cred: wrongKey, body: body}, ref: "AuthFailure.SignatureFailure", check: idsAre(ids...)},
		"signature-whitespace-blind": {req: req{cred: primary, body: body, after: func(_ *http.Request, b *string) { *b = `{"UserStoreId": "` + varied.ID + `"}` }},
			ref: "AuthFailure.SignatureFailure", check: idsAre(ids...)},
		"signature-ignores-jobids": {req: req{cred: primary, body: body, after: func(_ *http.Request, b *string) { *b = list(varied.ID, ids[0]) }},
			ref: "AuthFailure.SignatureFailure", check: idsAre(ids[0])},
		"signed-header-values-ignored": {req: req{cred: primary, body: body, signed: []string{"content-type", "host", "x-tc-region"},
			after: func(r *http.Request, _ *string) { r.Header.Set("X-TC-Region", "ap-shanghai") }},
			ref: "AuthFailure.SignatureFailure", check: idsAre(ids...)},
		"signature-method-blind": {req: req{method: "GET", cred: primary, query: storeQ, after: signedOver("POST", "/")},
			ref: "AuthFailure.SignatureFailure", check: idsAre(ids...)},
		"signature-uri-blind":     {req: req{cred: primary, body: body, after: signedOver("POST", "/x")}, ref: "AuthFailure.SignatureFailure", check: idsAre(ids...)},
		"signature-ignores-query": {req: sentAs("", storeQ+"&JobIds.0="+ids[0]), ref: "AuthFailure.SignatureFailure", check: idsAre(ids[0])},
		"signature-ignores-query-jobids": {req: sentAs(storeQ, storeQ+"&JobIds.0="+ids[0]),
			ref: "AuthFailure.SignatureFailure", check: idsAre(ids[0])},
		"signature-query-order-blind": {req: sentAs("JobIds.0="+ids[0]+"&"+storeQ, storeQ+"&JobIds.0="+ids[0]),
			ref: "AuthFailure.SignatureFailure", check: idsAre(ids[0])},
		"signature-query-form-reencoded":     {req: sentAs(storeQ+"&JobIds.0=a-b", storeQ+"&JobIds.0=a%2Db"), ref: "AuthFailure.SignatureFailure", check: idsAre()},
		"signature-query-rfc3986-reencoded":  {req: sentAs(storeQ+"&JobIds.0=a%20b", storeQ+"&JobIds.0=a+b"), ref: "AuthFailure.SignatureFailure", check: idsAre()},
		"signature-query-escapes-case-blind": {req: sentAs(storeQ+"&JobIds.0=a%2Db", storeQ+"&JobIds.0=a%2db"), ref: "AuthFailure.SignatureFailure", check: idsAre()},
		"timestamp-unchecked":                {req: req{cred: primary, body: body, skew: -400}, ref: "AuthFailure.SignatureExpire", check: idsAre(ids...)},
		"timestamp-too-strict":               {req: req{cred: primary, body: body, skew: -60}, ref: ok, check: codeOf("AuthFailure.SignatureExpire")},
		"timestamp-future-unchecked":         {req: req{cred: primary, body: body, skew: 400}, ref: "AuthFailure.SignatureExpire", check: idsAre(ids...)},
		"signature-compared-in-part": {req: req{cred: primary, body: body, after: func(r *http.Request, _ *string) {
			h := r.Header.Get("Authorization")
			last := h[len(h)-1]
			r.Header.Set("Authorization", h[:len(h)-1]+map[bool]string{true: "1", false: "0"}[last == '0'])
		}}, ref: "AuthFailure.SignatureFailure", check: idsAre(ids...)},
		"signature-as-long-as-sent": {req: req{cred: primary, body: body, after: func(r *http.Request, _ *string) {
			h := r.Header.Get("Authorization")
			r.Header.Set("Authorization", h[:len(h)-1])
		}}, ref: "AuthFailure.InvalidAuthorization", check: idsAre(ids...)},
		"timestamp-unsigned": {req: req{cred: primary, body: body, after: func(r *http.Request, _ *string) {
			ts, _ := strconv.ParseInt(r.Header.Get("X-TC-Timestamp"), 10, 64)
			r.Header.Set("X-TC-Timestamp", strconv.FormatInt(ts+1, 10))
		}}, ref: "AuthFailure.SignatureFailure", check: idsAre(ids...)},
		"timestamp-window-240": {req: req{cred: primary, body: body, skew: 290}, ref: ok, check: codeOf("AuthFailure.SignatureExpire")},
		"timestamp-window-360": {req: req{cred: primary, body: body, skew: -310}, ref: "AuthFailure.SignatureExpire", check: idsAre(ids...)},
		"secretid-unknown-accepted": {req: req{cred: signing.Credential{SecretID: "AKIDnobody", SecretKey: "x"}, body: body},
			ref: "AuthFailure.SecretIdNotFound", check: idsAre(ids...)},
		"authorization-wrong-code": {req: req{cred: primary, body: body, after: func(r *http.Request, _ *string) { r.Header.Del("Authorization") }},
			ref: "AuthFailure.InvalidAuthorization", check: codeOf("AuthFailure.SignatureFailure")},
		"scope-unchecked":                {req: req{cred: primary, body: body, service: "cvm"}, ref: "AuthFailure.SignatureFailure", check: idsAre(ids...)},
		"scope-service-ignored":          {req: req{cred: primary, body: body, service: "cvm"}, ref: "AuthFailure.SignatureFailure", check: idsAre(ids...)},
		"scope-service-case-insensitive": {req: req{cred: primary, body: body, service: "CIAM"}, ref: "AuthFailure.SignatureFailure", check: idsAre(ids...)},
		"algorithm-case-insensitive": {req: req{cred: primary, body: body, after: func(r *http.Request, _ *string) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "TC3-HMAC-SHA256", "tc3-hmac-sha256", 1))
		}}, ref: "AuthFailure.InvalidAuthorization", check: idsAre(ids...)},
		"algorithm-prefix-match": {req: req{cred: primary, body: body, after: func(r *http.Request, _ *string) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "TC3-HMAC-SHA256", "TC3-HMAC-SHA2560", 1))
		}}, ref: "AuthFailure.InvalidAuthorization", check: idsAre(ids...)},
		"scope-date-ignored": {req: req{cred: primary, body: body, after: func(r *http.Request, b *string) {
			// a valid signature over the scope of the day before the timestamp's
			ts, _ := strconv.ParseInt(r.Header.Get("X-TC-Timestamp"), 10, 64)
			date := signing.Date(ts - 86400)
			names := []string{"content-type", "host"}
			canonical := signing.CanonicalRequest("POST", "", signing.RequestHeader(r), names, signing.HashHex([]byte(*b)))
			sig := signing.Signature(primary.SecretKey, date, "ciam", signing.StringToSign(ts, signing.CredentialScope(date, "ciam"), canonical))
			r.Header.Set("Authorization", signing.Authorization{SecretID: primary.SecretID, Date: date, Service: "ciam", SignedHeaders: names, Signature: sig}.String())
		}}, ref: "AuthFailure.SignatureFailure", check: idsAre(ids...)},
		"signature-v1-refused": {req: req{v1: true, method: "GET", cred: primary, query: "UserStoreId=" + varied.ID}, ref: ok, check: codeOf("AuthFailure.InvalidAuthorization")},
		"token-unchecked": {req: req{cred: temporary, body: body, after: func(r *http.Request, _ *string) { r.Header.Del("X-TC-Token") }},
			ref: "AuthFailure.TokenFailure", check: idsAre(ids...)},
		"token-wrong-code": {req: req{cred: temporary, body: body, after: func(r *http.Request, _ *string) { r.Header.Set("X-TC-Token", "wrong") }},
			ref: "AuthFailure.TokenFailure", check: codeOf("AuthFailure.SignatureFailure")},

		"action-unchecked":               {req: req{cred: primary, body: body, headers: map[string]string{"X-TC-Action": "ListJob"}}, ref: "InvalidAction", check: idsAre(ids...)},
		"version-unchecked":              {req: req{cred: primary, body: body, headers: map[string]string{"X-TC-Version": "2021-01-01"}}, ref: "NoSuchVersion", check: idsAre(ids...)},
		"action-case-insensitive":        {req: req{cred: primary, body: body, headers: map[string]string{"X-TC-Action": "listjobs"}}, ref: "InvalidAction", check: idsAre(ids...)},
		"action-prefix-match":            {req: req{cred: primary, body: body, headers: map[string]string{"X-TC-Action": "ListJobsX"}}, ref: "InvalidAction", check: idsAre(ids...)},
		"version-prefix-match":           {req: req{cred: primary, body: body, headers: map[string]string{"X-TC-Version": "2022-03-310"}}, ref: "NoSuchVersion", check: idsAre(ids...)},
		"region-not-required":            {req: req{cred: primary, body: body, headers: map[string]string{"X-TC-Region": ""}}, ref: "MissingParameter", check: idsAre(ids...)},
		"region-unchecked":               {req: req{cred: primary, body: body, headers: map[string]string{"X-TC-Region": "xx-nowhere-1"}}, ref: "UnsupportedRegion", check: idsAre(ids...)},
		"userstoreid-missing-wrong-code": {req: req{cred: primary, body: `{}`}, ref: "MissingParameter", check: codeOf("InvalidParameter")},
		"userstoreid-type-lenient":       {req: req{cred: primary, body: `{"UserStoreId":123}`}, ref: "InvalidParameter", check: codeOf("FailedOperation.InvalidUserStore")},
		"jobids-type-lenient":            {req: req{cred: primary, body: `{"UserStoreId":"` + varied.ID + `","JobIds":"` + ids[0] + `"}`}, ref: "InvalidParameter", check: idsAre(ids[0])},
		"unknown-parameter-accepted":     {req: req{cred: primary, body: `{"UserStoreId":"` + varied.ID + `","Limit":10}`}, ref: "UnknownParameter", check: idsAre(ids...)},
		"non-object-body-as-empty":       {req: req{cred: primary, body: `[]`}, ref: "InvalidParameter", check: codeOf("MissingParameter")},
		"unknown-store-empty-list":       {req: req{cred: primary, body: list("us-nowhere")}, ref: "FailedOperation.InvalidUserStore", check: idsAre()},
		"empty-userstoreid-missing":      {req: req{cred: primary, body: list("")}, ref: "FailedOperation.InvalidUserStore", check: codeOf("MissingParameter")},
		"null-rejected":                  {req: req{cred: primary, body: `{"UserStoreId":"` + varied.ID + `","JobIds":null}`}, ref: ok, check: codeOf("InvalidParameter")},

		"empty-jobids-nothing": {req: req{cred: primary, body: list(varied.ID, []string{}...)}, ref: ok, check: idsAre()},
		"listing-truncated": {req: req{cred: primary, body: list(many.ID)}, ref: ok,
			check: func(t *testing.T, ref, mut reply) { assert.Len(t, mut.ids, 1000) }},
		"filter-ignored":          {req: req{cred: primary, body: list(varied.ID, ids[0])}, ref: ok, check: idsAre(ids...)},
		"duplicates-returned":     {req: req{cred: primary, body: list(varied.ID, ids[0])}, ref: ok, check: idsAre(ids[0], ids[0]), changesListing: true},
		"jobids-case-insensitive": {req: req{cred: primary, body: list(varied.ID, strings.ToUpper(ids[0]))}, ref: ok, check: idsAre(ids[0])},
		"jobids-prefix-match":     {req: req{cred: primary, body: list(varied.ID, ids[0][:len(ids[0])-1])}, ref: ok, check: idsAre(ids[0])},
		"jobids-trimmed":          {req: req{cred: primary, body: list(varied.ID, " "+ids[0]+" ")}, ref: ok, check: idsAre(ids[0])},
		"filter-extra-job": {req: req{cred: primary, body: list(varied.ID, ids[0])}, ref: ok,
			check: func(t *testing.T, ref, mut reply) { assert.Len(t, mut.ids, 2) }},
		"filter-matches-nothing": {req: req{cred: primary, body: list(varied.ID, ids[0])}, ref: ok, check: idsAre()},
		"unknown-id-error":       {req: req{cred: primary, body: list(varied.ID, ids[0], "nope")}, ref: ok, check: codeOf("ResourceNotFound")},
		"jobset-null":            {req: plain, ref: ok, check: rawHas(`"JobSet":null`), changesListing: true},
		"jobset-object":          {req: plain, ref: ok, check: rawHas(`"JobSet":{"`), changesListing: true},
		"jobset-missing-when-empty": {req: req{cred: primary, body: list(varied.ID, "nope")}, ref: ok,
			check: func(t *testing.T, ref, mut reply) { assert.True(t, ref.hasJobSet); assert.False(t, mut.hasJobSet) }},
		"store-isolation-broken": {req: plain, ref: ok, check: idsAre(append(slices.Clone(ids), sibling.JobIDs()...)...), changesListing: true},
		"filter-across-stores":   {req: req{cred: primary, body: list(varied.ID, sibling.JobIDs()...)}, ref: ok, check: idsAre(sibling.JobIDs()...)},
		"listing-not-repeatable": {req: plain, ref: ok, check: func(t *testing.T, ref, mut reply) {
			assert.Len(t, mut.ids, len(ids)+1)
			assert.Contains(t, mut.raw, "job-listing-")
		}, changesListing: true},
		"filter-phantom-job":        {req: req{cred: primary, body: list(varied.ID, ids[0])}, ref: ok, check: idsAre(ids[0], "job-phantom-00000000000000000000")},
		"filter-order-sensitive":    {req: req{cred: primary, body: list(varied.ID, ids[1], ids[0])}, ref: ok, check: idsAre(ids[1])},
		"filter-duplicates-dropped": {req: req{cred: primary, body: list(varied.ID, ids[0], ids[1], ids[0])}, ref: ok, check: idsAre(ids[1])},
		"filter-union-broken":       {req: req{cred: primary, body: list(varied.ID, ids[2], ids[0], ids[1])}, ref: ok, check: idsAre(ids[2], ids[0])},
		"other-account-store-visible": {req: req{cred: primary, body: list(otherStore.ID)}, ref: "FailedOperation.InvalidUserStore",
			check: idsAre(otherStore.JobIDs()...)},

		"job-id-renamed":             {req: plain, ref: ok, check: rawHas(`"JobId":`), changesListing: true},
		"job-id-empty":               {req: plain, ref: ok, check: rawHas(`"Id":""`), changesListing: true},
		"status-lowercase":           {req: plain, ref: ok, check: rawHas(`"Status":"pending"`), changesListing: true},
		"status-dropped":             {req: plain, ref: ok, check: rawLacks(`"Status"`), changesListing: true},
		"type-out-of-enum":           {req: plain, ref: ok, check: rawHas(`"Type":"IMPORT"`), changesListing: true},
		"type-renamed":               {req: plain, ref: ok, check: rawHas(`"JobType":"`), changesListing: true},
		"createddate-seconds":        {req: plain, ref: ok, check: rawHas(`"CreatedDate":1715156770,`), changesListing: true},
		"createddate-string":         {req: plain, ref: ok, check: rawHas(`"CreatedDate":"1715156770024"`), changesListing: true},
		"format-lowercase":           {req: plain, ref: ok, check: rawHas(`"Format":"ndjson"`), changesListing: true},
		"format-omitted-when-null":   {req: plain, ref: ok, check: rawLacks(`"Format":null`), changesListing: true},
		"location-omitted-when-null": {req: plain, ref: ok, check: rawLacks(`"Location":null`), changesListing: true},
		"location-object":            {req: plain, ref: ok, check: rawHas(`"Location":{"Url":`), changesListing: true},
		"errordetails-object":        {req: plain, ref: ok, check: rawHas(`"ErrorDetails":{"`), changesListing: true},
		"errordetails-error-renamed": {req: plain, ref: ok, check: rawHas(`"ErrorMessage":`), changesListing: true},
		"failedusers-strings":        {req: plain, ref: ok, check: rawHas(`"FailedUsers":["`), changesListing: true},
		"failedusers-reason-renamed": {req: plain, ref: ok, check: rawHas(`"Reason":`), changesListing: true},

		// Loose comparisons the near-miss table (package nearmiss) opens.
		"json-escapes-undecoded": {req: req{cred: primary, body: `{"UserStoreId":"` + fmt.Sprintf(`\u%04x`, varied.ID[0]) + varied.ID[1:] + `"}`},
			ref: ok, check: codeOf("FailedOperation.InvalidUserStore")},
		"query-values-undecoded": {req: req{method: "GET", cred: primary, query: "UserStoreId=" + fmt.Sprintf("%%%02X", varied.ID[0]) + varied.ID[1:]},
			ref: ok, check: codeOf("FailedOperation.InvalidUserStore")},
		"method-case-insensitive": {req: req{method: "post", cred: primary, body: body}, ref: "UnsupportedProtocol", check: idsAre(ids...)},
		"signed-headers-claim-ignored": {req: req{cred: primary, body: body, after: authorizationEdit("SignedHeaders=content-type;host", "SignedHeaders=CONTENT-TYPE;HOST")},
			ref: "AuthFailure.InvalidAuthorization", check: idsAre(ids...)},
		"secretid-case-insensitive": {req: req{cred: primary, body: body, after: authorizationEdit(primary.SecretID, strings.ToLower(primary.SecretID))},
			ref: "AuthFailure.SecretIdNotFound", check: idsAre(ids...)},
		"scope-terminator-case-insensitive": {req: req{cred: primary, body: body, after: authorizationEdit("/tc3_request,", "/TC3_REQUEST,")},
			ref: "AuthFailure.InvalidAuthorization", check: idsAre(ids...)},
		"token-case-insensitive": {req: req{cred: temporary, body: body, after: func(r *http.Request, _ *string) { r.Header.Set("X-TC-Token", strings.ToUpper(temporary.Token)) }},
			ref: "AuthFailure.TokenFailure", check: idsAre(ids...)},
		"action-empty-default": {req: req{cred: primary, body: body, after: func(r *http.Request, _ *string) { r.Header["X-Tc-Action"] = []string{""} }},
			ref: "MissingParameter", check: idsAre(ids...)},
		"version-empty-default": {req: req{cred: primary, body: body, after: func(r *http.Request, _ *string) { r.Header["X-Tc-Version"] = []string{""} }},
			ref: "MissingParameter", check: idsAre(ids...)},
		"region-case-insensitive":          {req: req{cred: primary, body: body, headers: map[string]string{"X-TC-Region": "AP-GUANGZHOU"}}, ref: "UnsupportedRegion", check: idsAre(ids...)},
		"parameter-names-case-insensitive": {req: req{cred: primary, body: `{"userStoreId":"` + varied.ID + `"}`}, ref: "UnknownParameter", check: idsAre(ids...)},
		"userstoreid-case-insensitive":     {req: req{cred: primary, body: list(strings.ToUpper(varied.ID))}, ref: "FailedOperation.InvalidUserStore", check: idsAre(ids...)},
		"signature-malformed-wrong-code": {req: req{cred: primary, body: body, after: func(r *http.Request, _ *string) {
			r.Header.Set("Authorization", r.Header.Get("Authorization")+"0")
		}}, ref: "AuthFailure.InvalidAuthorization", check: codeOf("InvalidParameter")},
		"scope-malformed-unchecked": {req: req{cred: primary, body: body, service: " ciam "}, ref: "AuthFailure.InvalidAuthorization", check: idsAre(ids...)},
		"userstoreid-percent-decoded": {req: req{cred: primary, body: list(fmt.Sprintf("%%%02X", varied.ID[0]) + varied.ID[1:])},
			ref: "FailedOperation.InvalidUserStore", check: idsAre(ids...)},
	}
	rateLimited := 0
	for _, m := range Breaking() {
		if m.RateLimit {
			rateLimited++
			continue // TestRateLimitMutants
		}
		tc, found := cases[m.Name]
		if !assert.True(t, found, "mutant %s has no case here: add one that shows its break", m.Name) {
			continue
		}
		t.Run(m.Name, func(t *testing.T) {
			t.Parallel()
			fx := fx
			if m.Name == "listing-truncated" {
				fx = full
			}
			refH := newHandler(t, emulator.Config{Fixture: fx, RateLimit: emulator.DefaultRateLimit})
			mutH := newHandler(t, m.Config(fx))
			ref, mut := serve(t, refH, tc.req.build(t)), serve(t, mutH, tc.req.build(t))
			require.Equal(t, tc.ref, ref.code, "the reference: %s", ref.raw)
			tc.check(t, ref, mut)
			assert.NotEqual(t, ref.raw, mut.raw)
			if !tc.changesListing {
				ref, mut := serve(t, refH, plain.build(t)), serve(t, mutH, plain.build(t))
				assert.Equal(t, ref.ids, mut.ids, "an ordinary listing is left alone: %s", mut.raw)
				assert.Empty(t, mut.code, mut.raw)
			}
		})
	}
	assert.Len(t, cases, len(Breaking())-rateLimited, "a case for a mutant that is not in the catalogue")
}

// TestEquivalentMutantsConform: an equivalent mutant changes its answers, within what
// its row allows.
func TestEquivalentMutantsConform(t *testing.T) {
	t.Parallel()
	fx := loadSmallFixture(t)
	primary := key(t, fx, "primary")
	varied, _ := fx.UserStore("varied")
	emptyStore, _ := fx.UserStore("empty")
	wrongKey := primary
	wrongKey.SecretKey = "wrong"
	cases := map[string]struct {
		req   req
		check func(t *testing.T, ref, mut reply)
	}{
		"content-type-charset": {req: req{cred: primary, body: `{"UserStoreId":"` + varied.ID + `"}`},
			check: func(t *testing.T, ref, mut reply) { assert.Equal(t, "application/json; charset=utf-8", mut.ctype) }},
		"message-reworded": {req: req{cred: wrongKey, body: `{}`}, check: func(t *testing.T, ref, mut reply) {
			assert.Equal(t, ref.code, mut.code)
			assert.Regexp(t, `"Message":"[^"]+"`, mut.raw)
		}},
		"requestid-uppercase": {req: req{cred: primary, body: `{}`}, check: func(t *testing.T, ref, mut reply) {
			assert.Regexp(t, `^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$`, mut.requestID)
		}},
		"jobset-sorted": {req: req{cred: primary, body: `{"UserStoreId":"` + varied.ID + `"}`}, check: func(t *testing.T, ref, mut reply) {
			assert.Equal(t, ref.ids, mut.ids)
			var env struct {
				Response struct{ JobSet []struct{ Id string } }
			}
			require.NoError(t, json.Unmarshal([]byte(mut.raw), &env))
			assert.True(t, slices.IsSortedFunc(env.Response.JobSet, func(a, b struct{ Id string }) int { return strings.Compare(a.Id, b.Id) }))
		}},
		"body-limit-decimal": {req: req{cred: primary, body: `{"UserStoreId":"` + varied.ID + `","JobIds":["` + strings.Repeat("x", 10_100_000) + `"]}`},
			check: func(t *testing.T, ref, mut reply) {
				assert.Equal(t, "", ref.code, "10,100,000 bytes are under 10 MB of 1,048,576 bytes")
				assert.Equal(t, "RequestSizeLimitExceeded", mut.code)
			}},
		"jobset-null-when-empty": {req: req{cred: primary, body: `{"UserStoreId":"` + emptyStore.ID + `"}`},
			check: func(t *testing.T, ref, mut reply) { assert.Contains(t, mut.raw, `"JobSet":null`) }},
		"job-extra-fields": {req: req{cred: primary, body: `{"UserStoreId":"` + varied.ID + `"}`}, check: func(t *testing.T, ref, mut reply) {
			assert.Equal(t, ref.ids, mut.ids)
			assert.Contains(t, mut.raw, `"Progress":100`)
		}},
	}
	for _, m := range Equivalents() {
		tc, found := cases[m.Name]
		if !assert.True(t, found, "equivalent mutant %s has no case here", m.Name) {
			continue
		}
		t.Run(m.Name, func(t *testing.T) {
			ref := serve(t, newHandler(t, emulator.Config{Fixture: fx}), tc.req.build(t))
			mut := serve(t, newHandler(t, m.Config(fx)), tc.req.build(t))
			assert.NotEqual(t, ref.raw, mut.raw, "the mutant changes something")
			tc.check(t, ref, mut)
		})
	}
	assert.Len(t, cases, len(Equivalents()))
}

// TestMiddlewarePassesOversizedBodiesUnread: a middleware does not read a body over the
// emulator's limit, which the emulator then refuses (T10) without reading it either.
func TestMiddlewarePassesOversizedBodiesUnread(t *testing.T) {
	t.Parallel()
	fx := loadSmallFixture(t)
	m, _ := ByName("signature-ignores-jobids")
	h := newHandler(t, m.Config(fx))
	r := httptest.NewRequest("POST", "/", io.LimitReader(zeros{}, maxRead+10))
	r.ContentLength = maxRead + 10
	r.Host = host
	a := serve(t, h, r)
	assert.Equal(t, "RequestSizeLimitExceeded", a.code, a.raw)

	c := newCall(httptest.NewRequest("POST", "/", strings.NewReader(`{"a":1}`)))
	assert.Equal(t, `{"a":1}`, string(c.body))
	rest, _ := io.ReadAll(c.r.Body)
	assert.Equal(t, `{"a":1}`, string(rest), "the body is left for the emulator")
}

// TestStatefulMutantsStartFresh: two emulators of one mutant share no state.
func TestStatefulMutantsStartFresh(t *testing.T) {
	t.Parallel()
	fx := loadSmallFixture(t)
	primary := key(t, fx, "primary")
	varied, _ := fx.UserStore("varied")
	m, _ := ByName("listing-not-repeatable")
	q := req{cred: primary, body: `{"UserStoreId":"` + varied.ID + `"}`}
	a := serve(t, newHandler(t, m.Config(fx)), q.build(t))
	b := serve(t, newHandler(t, m.Config(fx)), q.build(t))
	assert.Equal(t, a.ids, b.ids, "each emulator counts from the start")
	h := newHandler(t, m.Config(fx))
	assert.NotEqual(t, serve(t, h, q.build(t)).ids, serve(t, h, q.build(t)).ids, "one emulator's answers differ")
}

// authorizationEdit replaces old by new in the signed Authorization header.
func authorizationEdit(old, new string) func(r *http.Request, _ *string) {
	return func(r *http.Request, _ *string) {
		r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), old, new, 1))
	}
}
