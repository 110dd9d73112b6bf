package steps

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cucumber/godog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciam-harness/listjobs/signing"
)

var testCred = signing.Credential{SecretID: "AKIDtestKey0001", SecretKey: "testSecretKeyNeverPrinted", Token: "testTokenNeverPrinted"}

func testScenario(t *testing.T) *scenario {
	t.Helper()
	s, err := NewSuite(Target{BaseURL: "http://127.0.0.1:9/", Credential: testCred, UserStoreID: "us-1"})
	require.NoError(t, err)
	return &scenario{suite: s, tags: map[string]bool{}, rows: []string{"T2"}, remembered: map[string][]string{}}
}

func verify(t *testing.T, r *http.Request, body []byte, key string) bool {
	t.Helper()
	auth, err := signing.ParseAuthorization(r.Header.Get("Authorization"))
	require.NoError(t, err)
	ts, err := strconv.ParseInt(r.Header.Get("X-TC-Timestamp"), 10, 64)
	require.NoError(t, err)
	return signing.Verify(r, body, key, auth, ts)
}

func TestNewSuiteValidates(t *testing.T) {
	good := Target{BaseURL: "http://127.0.0.1:9000", Credential: testCred, UserStoreID: "us-1"}
	s, err := NewSuite(good)
	require.NoError(t, err)
	assert.Equal(t, DefaultRegion, s.target.Region)
	assert.NotNil(t, s.target.Client)
	for name, f := range map[string]func(*Target){
		"empty URL":   func(t *Target) { t.BaseURL = "" },
		"no scheme":   func(t *Target) { t.BaseURL = "127.0.0.1:9000" },
		"ftp":         func(t *Target) { t.BaseURL = "ftp://h" },
		"path":        func(t *Target) { t.BaseURL = "http://h/api" },
		"no key":      func(t *Target) { t.Credential.SecretKey = "" },
		"no store":    func(t *Target) { t.UserStoreID = "" },
		"no secretId": func(t *Target) { t.Credential.SecretID = "" },
	} {
		bad := good
		f(&bad)
		_, err := NewSuite(bad)
		assert.Error(t, err, name)
	}
}

func TestPostBodyAndSignature(t *testing.T) {
	st := testScenario(t)
	require.NoError(t, st.requestForTarget())
	require.NoError(t, st.setJobIDs([]string{"j2", "j1"}))
	r, body, err := st.build(context.Background(), st.req, time.Now())
	require.NoError(t, err)
	assert.Equal(t, `{"UserStoreId":"us-1","JobIds":["j2","j1"]}`, string(body))
	assert.Equal(t, "http://127.0.0.1:9/", r.URL.String())
	assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
	assert.Equal(t, "ListJobs", r.Header.Get("X-TC-Action"))
	assert.Equal(t, "2022-03-31", r.Header.Get("X-TC-Version"))
	assert.Equal(t, "ap-guangzhou", r.Header.Get("X-TC-Region"))
	assert.Equal(t, testCred.Token, r.Header.Get("X-TC-Token"))
	assert.True(t, verify(t, r, body, testCred.SecretKey))
	assert.False(t, verify(t, r, body, "another key"))
}

func TestGetQueryIsSDKEncoded(t *testing.T) {
	st := testScenario(t)
	require.NoError(t, st.requestForTarget())
	require.NoError(t, st.sentAsGET())
	require.NoError(t, st.setJobIDs([]string{"b b", "a&"}))
	r, body, err := st.build(context.Background(), st.req, time.Now())
	require.NoError(t, err)
	assert.Empty(t, body)
	assert.Equal(t, "JobIds.0=b+b&JobIds.1=a%26&UserStoreId=us-1", r.URL.RawQuery)
	assert.Equal(t, "application/x-www-form-urlencoded", r.Header.Get("Content-Type"))
	assert.True(t, verify(t, r, nil, testCred.SecretKey))

	// A parameter a query cannot carry is a harness error, not a silent drop.
	require.NoError(t, st.parameterIs("UserStoreId", "123"))
	_, _, err = st.build(context.Background(), st.req, time.Now())
	assert.ErrorContains(t, err, "harness error")
}

func TestPlaceholdersAndExactQuery(t *testing.T) {
	st := testScenario(t)
	st.known = []string{"j 1", "j2"}
	require.NoError(t, st.requestForTarget())
	require.NoError(t, st.sentAsGET())
	require.NoError(t, st.queryIsExactly("UserStoreId={{user store}}&JobIds.0={{known job 2}}&JobIds.1={{known job 1}}"))
	r, _, err := st.build(context.Background(), st.req, time.Now())
	require.NoError(t, err)
	assert.Equal(t, "UserStoreId=us-1&JobIds.0=j2&JobIds.1=j+1", r.URL.RawQuery)
	assert.True(t, verify(t, r, nil, testCred.SecretKey), "signed over the raw query as sent")

	require.NoError(t, st.bodyIsDocString(&godog.DocString{Content: `{"UserStoreId": "{{user store}}"}`}))
	assert.Equal(t, `{"UserStoreId": "us-1"}`, string(st.req.body))
	assert.Error(t, st.bodyIsExactly("{{nonsense}}"))
	assert.Error(t, st.queryIsExactly("{{known job 3}}"))
}

func TestTamperingBreaksTheSignature(t *testing.T) {
	for name, tamper := range map[string]func(st *scenario) error{
		"body": func(st *scenario) error { return st.bodyReplacedAfterSigning(`{"UserStoreId":"x"}`) },
		"header": func(st *scenario) error {
			return st.headerChangedAfterSigning("Content-Type", "application/json; charset=utf-8")
		},
		"region": func(st *scenario) error {
			if err := st.signsHeaders("content-type;host;x-tc-region"); err != nil {
				return err
			}
			return st.regionChangedAfterSigning()
		},
		"query": func(st *scenario) error {
			if err := st.sentAsGET(); err != nil {
				return err
			}
			return st.queryReplacedAfterSigning("UserStoreId=other")
		},
	} {
		st := testScenario(t)
		require.NoError(t, st.requestForTarget())
		require.NoError(t, tamper(st), name)
		r, body, err := st.build(context.Background(), st.req, time.Now())
		require.NoError(t, err, name)
		if r.Method == http.MethodGet {
			body = nil
		}
		assert.False(t, verify(t, r, body, testCred.SecretKey), "%s altered after signing must not verify", name)
	}
}

// TestSignedOverAnotherPart: a request signed over another HTTPRequestMethod or
// CanonicalURI carries the signature of that canonical request, its other parts its own.
func TestSignedOverAnotherPart(t *testing.T) {
	for _, tc := range []struct{ method, part, value, signMethod, signURI string }{
		{http.MethodGet, "HTTPRequestMethod", "POST", "POST", "/"},
		{http.MethodPost, "HTTPRequestMethod", "GET", "GET", "/"},
		{http.MethodPost, "CanonicalURI", "/x", "POST", "/x"},
		{http.MethodGet, "CanonicalURI", "", "GET", ""},
	} {
		st := testScenario(t)
		require.NoError(t, st.requestForTarget())
		require.NoError(t, st.methodIs(tc.method))
		require.NoError(t, st.signedOver(tc.part, tc.value))
		r, body, err := st.build(context.Background(), st.req, time.Now())
		require.NoError(t, err)
		assert.Equal(t, tc.method, r.Method)
		assert.Equal(t, "/", r.URL.Path)
		assert.False(t, verify(t, r, body, testCred.SecretKey), "%s %q: not the request's own signature", tc.part, tc.value)
		auth, err := signing.ParseAuthorization(r.Header.Get("Authorization"))
		require.NoError(t, err)
		ts, _ := strconv.ParseInt(r.Header.Get("X-TC-Timestamp"), 10, 64)
		lookup := signing.RequestHeader(r)
		canonical := signing.CanonicalRequestAt(tc.signMethod, tc.signURI, signing.CanonicalQuery(r), lookup, auth.SignedHeaders, signing.PayloadHash(lookup, body))
		want := signing.Signature(testCred.SecretKey, auth.Date, auth.Service, signing.StringToSign(ts, signing.CredentialScope(auth.Date, auth.Service), canonical))
		assert.Equal(t, want, auth.Signature, "%s %q: the signature of the canonical request over it", tc.part, tc.value)
	}

	st := testScenario(t)
	require.NoError(t, st.requestForTarget())
	require.NoError(t, st.signedOver("CanonicalURI", "/"))
	_, _, err := st.build(context.Background(), st.req, time.Now())
	assert.ErrorContains(t, err, "harness error: the request is signed over its own CanonicalURI", "a probe that proves nothing")
	require.NoError(t, st.signedOver("CanonicalURI", "/x"))
	require.NoError(t, st.signV1("HmacSHA256"))
	_, _, err = st.build(context.Background(), st.req, time.Now())
	assert.ErrorContains(t, err, "harness error", "signature v1 has no canonical request")
}

func TestScopeAndKeyBreaks(t *testing.T) {
	now := time.Date(2026, 3, 1, 0, 0, 30, 0, time.UTC)
	st := testScenario(t)
	require.NoError(t, st.requestForTarget())
	require.NoError(t, st.scopeDateOff("before"))
	r, body, err := st.build(context.Background(), st.req, now)
	require.NoError(t, err)
	auth, err := signing.ParseAuthorization(r.Header.Get("Authorization"))
	require.NoError(t, err)
	assert.Equal(t, "2026-02-28", auth.Date)
	assert.Equal(t, "ciam", auth.Service)
	assert.True(t, verify(t, r, body, testCred.SecretKey), "the signature is consistent with the wrong scope")

	st = testScenario(t)
	require.NoError(t, st.requestForTarget())
	require.NoError(t, st.scopeService("cvm"))
	require.NoError(t, st.timestampSkew(400, "past"))
	r, _, err = st.build(context.Background(), st.req, now)
	require.NoError(t, err)
	auth, err = signing.ParseAuthorization(r.Header.Get("Authorization"))
	require.NoError(t, err)
	assert.Equal(t, "cvm", auth.Service)
	assert.Equal(t, strconv.FormatInt(now.Unix()-400, 10), r.Header.Get("X-TC-Timestamp"))

	st = testScenario(t)
	require.NoError(t, st.requestForTarget())
	require.NoError(t, st.unknownSecretID())
	require.NoError(t, st.wrongKey())
	require.NoError(t, st.noToken())
	r, body, err = st.build(context.Background(), st.req, now)
	require.NoError(t, err)
	auth, err = signing.ParseAuthorization(r.Header.Get("Authorization"))
	require.NoError(t, err)
	assert.NotEqual(t, testCred.SecretID, auth.SecretID)
	assert.Empty(t, r.Header.Get("X-TC-Token"))
	assert.False(t, verify(t, r, body, testCred.SecretKey))
}

func TestAuthorizationReplacedAndRemoved(t *testing.T) {
	st := testScenario(t)
	require.NoError(t, st.requestForTarget())
	require.NoError(t, st.authorizationReplaced("TC3-HMAC-SHA256 Credential={{SecretId}}/{{date}}/ciam, Signature={{signature}}"))
	r, _, err := st.build(context.Background(), st.req, time.Unix(1551113065, 0))
	require.NoError(t, err)
	got := r.Header.Get("Authorization")
	assert.True(t, strings.HasPrefix(got, "TC3-HMAC-SHA256 Credential=AKIDtestKey0001/2019-02-25/ciam, Signature="), got)
	assert.Len(t, strings.TrimPrefix(got, "TC3-HMAC-SHA256 Credential=AKIDtestKey0001/2019-02-25/ciam, Signature="), 64)

	st = testScenario(t)
	require.NoError(t, st.requestForTarget())
	require.NoError(t, st.authorizationReplaced(""))
	r, _, err = st.build(context.Background(), st.req, time.Now())
	require.NoError(t, err)
	assert.Equal(t, []string{""}, r.Header["Authorization"])

	st = testScenario(t)
	require.NoError(t, st.requestForTarget())
	require.NoError(t, st.noAuthorization())
	require.NoError(t, st.headerAbsent("X-TC-Region"))
	r, _, err = st.build(context.Background(), st.req, time.Now())
	require.NoError(t, err)
	assert.NotContains(t, r.Header, "Authorization")
	assert.NotContains(t, r.Header, "X-Tc-Region")
}

func TestSignatureV1(t *testing.T) {
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		st := testScenario(t)
		require.NoError(t, st.requestForTarget())
		require.NoError(t, st.methodIs(method))
		require.NoError(t, st.setJobIDs([]string{"j1"}))
		require.NoError(t, st.signV1(signing.HmacSHA256))
		r, body, err := st.build(context.Background(), st.req, time.Now())
		require.NoError(t, err)
		raw := r.URL.RawQuery
		if method == http.MethodPost {
			raw = string(body)
			assert.Empty(t, r.URL.RawQuery)
		}
		params, err := url.ParseQuery(raw)
		require.NoError(t, err)
		assert.Equal(t, "us-1", params.Get("UserStoreId"))
		assert.Equal(t, "j1", params.Get("JobIds.0"))
		assert.Equal(t, "ListJobs", params.Get("Action"))
		assert.Equal(t, testCred.Token, params.Get("Token"))
		assert.Empty(t, r.Header.Get("Authorization"))
		assert.True(t, signing.VerifyV1(testCred.SecretKey, method, "127.0.0.1:9", "/", params), method)
		assert.False(t, signing.VerifyV1("other", method, "127.0.0.1:9", "/", params), method)
	}
}

// Secrets never reach a report: not the key, not the token, not a signature.
func TestRedaction(t *testing.T) {
	for _, v1 := range []bool{false, true} {
		st := testScenario(t)
		require.NoError(t, st.requestForTarget())
		require.NoError(t, st.sentAsGET())
		if v1 {
			require.NoError(t, st.signV1(signing.HmacSHA1))
		}
		r, body, err := st.build(context.Background(), st.req, time.Now())
		require.NoError(t, err)
		ex := &exchange{method: r.Method, url: r.URL.String(), reqHeader: r.Header, reqBody: body}
		text := ex.requestText()
		var sig string
		if v1 {
			sig = r.URL.Query().Get("Signature")
		} else {
			auth, err := signing.ParseAuthorization(r.Header.Get("Authorization"))
			require.NoError(t, err)
			sig = auth.Signature
		}
		require.NotEmpty(t, sig)
		assert.NotContains(t, text, sig)
		assert.NotContains(t, text, url.QueryEscape(sig))
		assert.NotContains(t, text, testCred.Token)
		assert.NotContains(t, text, testCred.SecretKey)
		assert.Contains(t, text, "<redacted>")
		assert.Contains(t, text, testCred.SecretID, "the SecretId is not a secret and helps the reader")
	}
}

func TestKnownJobs(t *testing.T) {
	st := testScenario(t)
	_, err := st.knownJobs("1")
	assert.ErrorContains(t, err, "knows no jobs")
	st.known = []string{"a", "b", "c"}
	ids, err := st.knownJobs("3, 1, 1 and 2")
	require.NoError(t, err)
	assert.Equal(t, []string{"c", "a", "a", "b"}, ids)
	_, err = st.knownJobs("4")
	assert.ErrorContains(t, err, "only 3")
}

func TestCompareSets(t *testing.T) {
	assert.NoError(t, compareSets("S2", "got", "want", []string{"a", "b"}, []string{"a", "b"}))
	err := compareSets("S2", "the returned Ids", "known jobs 1 and 2", []string{"a", "c"}, []string{"a", "b"})
	require.Error(t, err)
	assert.Equal(t, `S2: the returned Ids (2) are not known jobs 1 and 2 (2): missing ["b"]; unexpected ["c"]`, err.Error())
}

// A body over 1 MB asks the server to answer before it is sent (Expect: 100-continue);
// a small one does not, and neither does a GET.
func TestLargeBodiesExpectContinue(t *testing.T) {
	st := testScenario(t)
	require.NoError(t, st.requestForTarget())
	require.NoError(t, st.padTo("body", 2<<20))
	r, body, err := st.build(context.Background(), st.req, time.Now())
	require.NoError(t, err)
	assert.Greater(t, len(body), expectContinueOver)
	assert.Equal(t, "100-continue", r.Header.Get("Expect"))
	assert.True(t, verify(t, r, body, testCred.SecretKey), "the header is not signed: the signature holds")

	require.NoError(t, st.requestForTarget())
	r, _, err = st.build(context.Background(), st.req, time.Now())
	require.NoError(t, err)
	assert.Empty(t, r.Header.Get("Expect"))
}

// The last step of a P10 scenario: it passes when the request carried the parameter as
// a JSON null, and skips the scenario (the endpoint's handling of null not checked)
// when the driver's SDK dropped or changed it.
func TestSentAsNull(t *testing.T) {
	st := &scenario{suite: &Suite{}}
	assert.Error(t, st.sentAsNull("JobIds"), "no request sent")
	for body, skipped := range map[string]bool{
		`{"UserStoreId":"us-1","JobIds":null}`:   false,
		`{"UserStoreId":"us-1","JobIds": null }`: false,
		`{"UserStoreId":"us-1"}`:                 true,
		`{"UserStoreId":"us-1","JobIds":[]}`:     true,
	} {
		st.last = &exchange{reqBody: []byte(body)}
		err := st.sentAsNull("JobIds")
		if !skipped {
			assert.NoError(t, err, body)
			continue
		}
		var skip *SkipError
		require.ErrorAs(t, err, &skip, body)
		assert.Contains(t, skip.Reason, NullNotSent, body)
	}
	st.last = &exchange{reqBody: []byte(`UserStoreId=us-1`)}
	err := st.sentAsNull("JobIds")
	require.Error(t, err)
	assert.NotErrorIs(t, err, godog.ErrSkip, "a body that is not JSON is a harness error, not a skip")
}
