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

	"github.com/ciam-harness/listjobs/driver"
	"github.com/ciam-harness/listjobs/result"
	"github.com/ciam-harness/listjobs/signing"
	"github.com/ciam-harness/listjobs/wire"
)

var testCred = signing.Credential{SecretID: "AKIDtestKey0001", SecretKey: "testSecretKeyNeverPrinted", Token: "testTokenNeverPrinted"}

// testScenario is the state of a scenario tagged T2 of a suite whose driver is the
// wire driver to a port where nothing listens.
func testScenario(t *testing.T) *world {
	t.Helper()
	s, err := NewSuite(testTarget(t, "http://127.0.0.1:9"))
	require.NoError(t, err)
	w := newWorld(s)
	w.sc.tags, w.sc.rows = map[string]bool{}, []string{"T2"}
	return w
}

// testTarget is a target at baseURL, with the wire driver.
func testTarget(t testing.TB, baseURL string) Target {
	t.Helper()
	clock := &wire.Clock{}
	d, err := driver.NewWire(driver.Env{Target: wire.Target{BaseURL: baseURL, Region: DefaultRegion}, Client: &http.Client{Timeout: 5 * time.Second}, Clock: clock})
	require.NoError(t, err)
	return Target{BaseURL: baseURL, Credential: testCred, UserStoreID: "us-1", Driver: d, Clock: clock}
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
	good := testTarget(t, "http://127.0.0.1:9000")
	s, err := NewSuite(good)
	require.NoError(t, err)
	assert.Equal(t, DefaultRegion, s.target.Region)
	assert.NotNil(t, s.target.Clock)
	for name, f := range map[string]func(*Target){
		"empty URL":   func(t *Target) { t.BaseURL = "" },
		"no scheme":   func(t *Target) { t.BaseURL = "127.0.0.1:9000" },
		"ftp":         func(t *Target) { t.BaseURL = "ftp://h" },
		"path":        func(t *Target) { t.BaseURL = "http://h/api" },
		"no key":      func(t *Target) { t.Credential.SecretKey = "" },
		"no store":    func(t *Target) { t.UserStoreID = "" },
		"no secretId": func(t *Target) { t.Credential.SecretID = "" },
		"no driver":   func(t *Target) { t.Driver = nil },
	} {
		bad := good
		f(&bad)
		_, err := NewSuite(bad)
		assert.Error(t, err, name)
	}
}

func TestPostBodyAndSignature(t *testing.T) {
	st := testScenario(t)
	require.NoError(t, st.rq.requestForTarget())
	require.NoError(t, st.ids.setJobIDs([]string{"j2", "j1"}))
	r, body, err := st.build(context.Background(), st.rq.spec, time.Now())
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
	require.NoError(t, st.rq.requestForTarget())
	require.NoError(t, st.rq.sentAsGET())
	require.NoError(t, st.ids.setJobIDs([]string{"b b", "a&"}))
	r, body, err := st.build(context.Background(), st.rq.spec, time.Now())
	require.NoError(t, err)
	assert.Empty(t, body)
	assert.Equal(t, "JobIds.0=b+b&JobIds.1=a%26&UserStoreId=us-1", r.URL.RawQuery)
	assert.Equal(t, "application/x-www-form-urlencoded", r.Header.Get("Content-Type"))
	assert.True(t, verify(t, r, nil, testCred.SecretKey))

	// A parameter a query cannot carry is a harness error, not a silent drop.
	require.NoError(t, st.rq.parameterIs("UserStoreId", "123"))
	_, _, err = st.build(context.Background(), st.rq.spec, time.Now())
	assert.ErrorContains(t, err, "harness error")
}

func TestPlaceholdersAndExactQuery(t *testing.T) {
	st := testScenario(t)
	st.sc.known = []string{"j 1", "j2"}
	require.NoError(t, st.rq.requestForTarget())
	require.NoError(t, st.rq.sentAsGET())
	require.NoError(t, st.rq.queryIsExactly("UserStoreId={{user store}}&JobIds.0={{known job 2}}&JobIds.1={{known job 1}}"))
	r, _, err := st.build(context.Background(), st.rq.spec, time.Now())
	require.NoError(t, err)
	assert.Equal(t, "UserStoreId=us-1&JobIds.0=j2&JobIds.1=j+1", r.URL.RawQuery)
	assert.True(t, verify(t, r, nil, testCred.SecretKey), "signed over the raw query as sent")

	require.NoError(t, st.rq.bodyIsDocString(&godog.DocString{Content: `{"UserStoreId": "{{user store}}"}`}))
	assert.Equal(t, `{"UserStoreId": "us-1"}`, string(st.rq.spec.Body))
	assert.Error(t, st.rq.bodyIsExactly("{{nonsense}}"))
	assert.Error(t, st.rq.queryIsExactly("{{known job 3}}"))
}

func TestTamperingBreaksTheSignature(t *testing.T) {
	for name, tamper := range map[string]func(st *world) error{
		"body": func(st *world) error { return st.tp.bodyReplacedAfterSigning(`{"UserStoreId":"x"}`) },
		"header": func(st *world) error {
			return st.tp.headerChangedAfterSigning("Content-Type", "application/json; charset=utf-8")
		},
		"region": func(st *world) error {
			if err := st.tp.signsHeaders("content-type;host;x-tc-region"); err != nil {
				return err
			}
			return st.tp.regionChangedAfterSigning()
		},
		"query": func(st *world) error {
			if err := st.rq.sentAsGET(); err != nil {
				return err
			}
			return st.tp.queryReplacedAfterSigning("UserStoreId=other")
		},
	} {
		st := testScenario(t)
		require.NoError(t, st.rq.requestForTarget())
		require.NoError(t, tamper(st), name)
		r, body, err := st.build(context.Background(), st.rq.spec, time.Now())
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
		require.NoError(t, st.rq.requestForTarget())
		require.NoError(t, st.rq.methodIs(tc.method))
		require.NoError(t, st.tp.signedOver(tc.part, tc.value))
		r, body, err := st.build(context.Background(), st.rq.spec, time.Now())
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
	require.NoError(t, st.rq.requestForTarget())
	require.NoError(t, st.tp.signedOver("CanonicalURI", "/"))
	_, _, err := st.build(context.Background(), st.rq.spec, time.Now())
	assert.ErrorContains(t, err, "harness error: the request is signed over its own CanonicalURI", "a probe that proves nothing")
	require.NoError(t, st.tp.signedOver("CanonicalURI", "/x"))
	require.NoError(t, st.tp.signV1("HmacSHA256"))
	_, _, err = st.build(context.Background(), st.rq.spec, time.Now())
	assert.ErrorContains(t, err, "harness error", "signature v1 has no canonical request")
}

func TestScopeAndKeyBreaks(t *testing.T) {
	now := time.Date(2026, 3, 1, 0, 0, 30, 0, time.UTC)
	st := testScenario(t)
	require.NoError(t, st.rq.requestForTarget())
	require.NoError(t, st.tp.scopeDateOff("before"))
	r, body, err := st.build(context.Background(), st.rq.spec, now)
	require.NoError(t, err)
	auth, err := signing.ParseAuthorization(r.Header.Get("Authorization"))
	require.NoError(t, err)
	assert.Equal(t, "2026-02-28", auth.Date)
	assert.Equal(t, "ciam", auth.Service)
	assert.True(t, verify(t, r, body, testCred.SecretKey), "the signature is consistent with the wrong scope")

	st = testScenario(t)
	require.NoError(t, st.rq.requestForTarget())
	require.NoError(t, st.tp.scopeService("cvm"))
	require.NoError(t, st.tp.timestampSkew(400, "past"))
	r, _, err = st.build(context.Background(), st.rq.spec, now)
	require.NoError(t, err)
	auth, err = signing.ParseAuthorization(r.Header.Get("Authorization"))
	require.NoError(t, err)
	assert.Equal(t, "cvm", auth.Service)
	assert.Equal(t, strconv.FormatInt(now.Unix()-400, 10), r.Header.Get("X-TC-Timestamp"))

	st = testScenario(t)
	require.NoError(t, st.rq.requestForTarget())
	require.NoError(t, st.tp.unknownSecretID())
	require.NoError(t, st.tp.wrongKey())
	require.NoError(t, st.tp.noToken())
	r, body, err = st.build(context.Background(), st.rq.spec, now)
	require.NoError(t, err)
	auth, err = signing.ParseAuthorization(r.Header.Get("Authorization"))
	require.NoError(t, err)
	assert.NotEqual(t, testCred.SecretID, auth.SecretID)
	assert.Empty(t, r.Header.Get("X-TC-Token"))
	assert.False(t, verify(t, r, body, testCred.SecretKey))
}

func TestAuthorizationReplacedAndRemoved(t *testing.T) {
	st := testScenario(t)
	require.NoError(t, st.rq.requestForTarget())
	require.NoError(t, st.tp.authorizationReplaced("TC3-HMAC-SHA256 Credential={{SecretId}}/{{date}}/ciam, Signature={{signature}}"))
	r, _, err := st.build(context.Background(), st.rq.spec, time.Unix(1551113065, 0))
	require.NoError(t, err)
	got := r.Header.Get("Authorization")
	assert.True(t, strings.HasPrefix(got, "TC3-HMAC-SHA256 Credential=AKIDtestKey0001/2019-02-25/ciam, Signature="), got)
	assert.Len(t, strings.TrimPrefix(got, "TC3-HMAC-SHA256 Credential=AKIDtestKey0001/2019-02-25/ciam, Signature="), 64)

	st = testScenario(t)
	require.NoError(t, st.rq.requestForTarget())
	require.NoError(t, st.tp.authorizationReplaced(""))
	r, _, err = st.build(context.Background(), st.rq.spec, time.Now())
	require.NoError(t, err)
	assert.Equal(t, []string{""}, r.Header["Authorization"])

	st = testScenario(t)
	require.NoError(t, st.rq.requestForTarget())
	require.NoError(t, st.tp.noAuthorization())
	require.NoError(t, st.rq.headerAbsent("X-TC-Region"))
	r, _, err = st.build(context.Background(), st.rq.spec, time.Now())
	require.NoError(t, err)
	assert.NotContains(t, r.Header, "Authorization")
	assert.NotContains(t, r.Header, "X-Tc-Region")
}

func TestSignatureV1(t *testing.T) {
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		st := testScenario(t)
		require.NoError(t, st.rq.requestForTarget())
		require.NoError(t, st.rq.methodIs(method))
		require.NoError(t, st.ids.setJobIDs([]string{"j1"}))
		require.NoError(t, st.tp.signV1(signing.HmacSHA256))
		r, body, err := st.build(context.Background(), st.rq.spec, time.Now())
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
		require.NoError(t, st.rq.requestForTarget())
		require.NoError(t, st.rq.sentAsGET())
		if v1 {
			require.NoError(t, st.tp.signV1(signing.HmacSHA1))
		}
		r, body, err := st.build(context.Background(), st.rq.spec, time.Now())
		require.NoError(t, err)
		ex := &wire.Exchange{Method: r.Method, URL: r.URL.String(), ReqHeader: r.Header, ReqBody: body}
		text := ex.RequestText()
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
	_, err := st.sc.knownJobs("1")
	assert.ErrorContains(t, err, "knows no jobs")
	st.sc.known = []string{"a", "b", "c"}
	ids, err := st.sc.knownJobs("3, 1, 1 and 2")
	require.NoError(t, err)
	assert.Equal(t, []string{"c", "a", "a", "b"}, ids)
	_, err = st.sc.knownJobs("4")
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
	require.NoError(t, st.rq.requestForTarget())
	require.NoError(t, st.ids.padTo("body", 2<<20))
	r, body, err := st.build(context.Background(), st.rq.spec, time.Now())
	require.NoError(t, err)
	assert.Greater(t, len(body), 1<<20)
	assert.Equal(t, "100-continue", r.Header.Get("Expect"))
	assert.True(t, verify(t, r, body, testCred.SecretKey), "the header is not signed: the signature holds")

	require.NoError(t, st.rq.requestForTarget())
	r, _, err = st.build(context.Background(), st.rq.spec, time.Now())
	require.NoError(t, err)
	assert.Empty(t, r.Header.Get("Expect"))
}

// The last step of a P10 scenario: it passes when the request carried the parameter as
// a JSON null, and skips the scenario (the endpoint's handling of null not checked)
// when the driver's SDK dropped or changed it.
func TestSentAsNull(t *testing.T) {
	st := testScenario(t)
	assert.Error(t, st.rq.sentAsNull("JobIds"), "no request sent")
	for body, skipped := range map[string]bool{
		`{"UserStoreId":"us-1","JobIds":null}`:   false,
		`{"UserStoreId":"us-1","JobIds": null }`: false,
		`{"UserStoreId":"us-1"}`:                 true,
		`{"UserStoreId":"us-1","JobIds":[]}`:     true,
	} {
		st.sc.last = &wire.Exchange{ReqBody: []byte(body)}
		err := st.rq.sentAsNull("JobIds")
		if !skipped {
			assert.NoError(t, err, body)
			continue
		}
		var skip *SkipError
		require.ErrorAs(t, err, &skip, body)
		assert.Equal(t, result.SkipNullNotSent, skip.Kind, body)
		assert.Contains(t, skip.Reason, "did not send JobIds as null", body)
	}
	st.sc.last = &wire.Exchange{ReqBody: []byte(`UserStoreId=us-1`)}
	err := st.rq.sentAsNull("JobIds")
	require.Error(t, err)
	assert.NotErrorIs(t, err, godog.ErrSkip, "a body that is not JSON is a harness error, not a skip")
}

// build is the request the wire driver would send of spec at now.
func (w *world) build(ctx context.Context, spec *wire.Spec, now time.Time) (*http.Request, []byte, error) {
	t := w.sc.suite.target
	return wire.Build(ctx, wire.Target{BaseURL: t.BaseURL, Region: t.Region}, spec, now.Unix()+spec.TSOffset+t.Clock.Offset())
}

// wireTo is the wire driver to baseURL (a valid URL).
func wireTo(baseURL string) driver.Driver {
	d, err := driver.NewWire(driver.Env{Target: wire.Target{BaseURL: baseURL, Region: DefaultRegion}, Client: &http.Client{Timeout: 5 * time.Second}})
	if err != nil {
		panic(err)
	}
	return d
}
