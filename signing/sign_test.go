package signing_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciam-harness/listjobs/signing"
)

const (
	testTimestamp = int64(1767225600) // 2026-01-01T00:00:00Z
	testHost      = "ciam.tencentcloudapi.com"
	testBody      = `{"UserStoreId":"us-1","JobIds":["j1","j2"]}`
)

var testCred = signing.Credential{SecretID: "AKIDsignTest0000000000000000000001", SecretKey: "signTestSecretKey0000000000000001"}

// listJobsRequest builds an unsigned ListJobs request with the common headers.
func listJobsHTTPRequest(t testing.TB, method, query, body string) *http.Request {
	t.Helper()
	u := "https://" + testHost + "/"
	if query != "" {
		u += "?" + query
	}
	r, err := http.NewRequest(method, u, bytes.NewReader([]byte(body)))
	require.NoError(t, err)
	ct := "application/json; charset=utf-8"
	if method == http.MethodGet {
		ct = "application/x-www-form-urlencoded"
	}
	r.Header.Set("Content-Type", ct)
	r.Header.Set("X-TC-Action", "ListJobs")
	r.Header.Set("X-TC-Version", "2022-03-31")
	r.Header.Set("X-TC-Region", "ap-guangzhou")
	return r
}

// signedAuth signs r and returns the parsed Authorization.
func signedAuth(t *testing.T, r *http.Request, body string, signed []string) signing.Authorization {
	t.Helper()
	signing.Sign(r, []byte(body), testCred, "ciam", testTimestamp, signed)
	a, err := signing.ParseAuthorization(r.Header.Get("Authorization"))
	require.NoError(t, err)
	return a
}

func TestSignHonoursSignedHeaders(t *testing.T) {
	cases := []struct {
		name   string
		signed []string
		want   []string
	}{
		{"nil is content-type;host", nil, []string{"content-type", "host"}},
		{"sorted", []string{"content-type", "host"}, []string{"content-type", "host"}},
		{"unsorted upper case with x-tc-action", []string{"X-TC-Action", "Host", "Content-Type"}, []string{"content-type", "host", "x-tc-action"}},
		{"every common header", []string{"x-tc-version", "X-TC-Region", "host", "x-tc-timestamp", "content-type", "x-tc-action"},
			[]string{"content-type", "host", "x-tc-action", "x-tc-region", "x-tc-timestamp", "x-tc-version"}},
	}
	for _, tc := range cases {
		for _, method := range []string{http.MethodPost, http.MethodGet} {
			t.Run(tc.name+"/"+method, func(t *testing.T) {
				query, body := "", testBody
				if method == http.MethodGet {
					query, body = "JobIds.0=j1&JobIds.1=j2&UserStoreId=us-1", ""
				}
				r := listJobsHTTPRequest(t, method, query, body)
				var given []string
				if tc.signed != nil {
					given = append([]string(nil), tc.signed...)
				}
				a := signedAuth(t, r, body, given)
				assert.Equal(t, tc.signed, given, "Sign leaves the caller's slice alone")
				assert.Equal(t, tc.want, a.SignedHeaders)
				assert.Equal(t, testCred.SecretID, a.SecretID)
				assert.Equal(t, "2026-01-01", a.Date)
				assert.Equal(t, "ciam", a.Service)
				assert.Equal(t, "1767225600", r.Header.Get("X-TC-Timestamp"))
				assert.Empty(t, r.Header.Values("X-TC-Token"))
				assert.True(t, signing.Verify(r, []byte(body), testCred.SecretKey, a, testTimestamp), "Verify accepts")

				// Every signed header counts: changing any of them breaks the signature.
				for _, name := range a.SignedHeaders {
					tampered := r.Clone(context.Background())
					if name == "host" {
						tampered.Host = "ciam.intl.tencentcloudapi.com"
					} else {
						tampered.Header.Set(name, r.Header.Get(name)+"x")
					}
					assert.False(t, signing.Verify(tampered, []byte(body), testCred.SecretKey, a, testTimestamp), "tampered %s", name)
				}
			})
		}
	}
}

// TestSignCanonicalRequest checks Sign against a canonical request written out by hand
// (as in §1.5 vector C), so that Sign and Verify cannot agree on a shared mistake.
func TestSignCanonicalRequest(t *testing.T) {
	r := listJobsHTTPRequest(t, http.MethodPost, "", testBody)
	r.Header.Set("X-TC-Action", " ListJobs ") // values are trimmed and lower-cased
	a := signedAuth(t, r, testBody, []string{"x-tc-action", "content-type", "host"})
	canonical := "POST\n/\n\n" +
		"content-type:application/json; charset=utf-8\n" +
		"host:ciam.tencentcloudapi.com\n" +
		"x-tc-action:listjobs\n" +
		"\n" +
		"content-type;host;x-tc-action\n" +
		signing.HashHex([]byte(testBody))
	sts := "TC3-HMAC-SHA256\n1767225600\n2026-01-01/ciam/tc3_request\n" + signing.HashHex([]byte(canonical))
	assert.Equal(t, signing.Signature(testCred.SecretKey, "2026-01-01", "ciam", sts), a.Signature)
}

// TestCanonicalRequestAt: the CanonicalURI line is the only one CanonicalRequestAt
// changes; CanonicalRequest is its "/" case.
func TestCanonicalRequestAt(t *testing.T) {
	lookup := func(name string) string {
		return map[string]string{"content-type": "application/json", "host": "h"}[name]
	}
	names := []string{"content-type", "host"}
	root := signing.CanonicalRequest("POST", "", lookup, names, "p")
	assert.Equal(t, root, signing.CanonicalRequestAt("POST", "/", "", lookup, names, "p"))
	assert.Equal(t, "POST\n/x\n\ncontent-type:application/json\nhost:h\n\ncontent-type;host\np",
		signing.CanonicalRequestAt("POST", "/x", "", lookup, names, "p"))
	assert.Equal(t, strings.Replace(root, "\n/\n", "\n\n", 1), signing.CanonicalRequestAt("POST", "", "", lookup, names, "p"))
}

func TestVerifyTampering(t *testing.T) {
	t.Run("GET", func(t *testing.T) {
		r := listJobsHTTPRequest(t, http.MethodGet, "JobIds.0=j1&UserStoreId=us-1", "")
		a := signedAuth(t, r, "", nil)
		require.True(t, signing.Verify(r, nil, testCred.SecretKey, a, testTimestamp))

		for name, q := range map[string]string{
			"value changed":    "JobIds.0=j2&UserStoreId=us-1",
			"parameter added":  "JobIds.0=j1&JobIds.1=j2&UserStoreId=us-1",
			"reordered":        "UserStoreId=us-1&JobIds.0=j1",
			"re-encoded":       "JobIds%2E0=j1&UserStoreId=us-1",
			"query removed":    "",
			"trailing &":       "JobIds.0=j1&UserStoreId=us-1&",
			"parameter cased":  "jobids.0=j1&UserStoreId=us-1",
			"parameter gone":   "UserStoreId=us-1",
			"value different2": "JobIds.0=j1&UserStoreId=us-2",
		} {
			tampered := r.Clone(context.Background())
			tampered.URL.RawQuery = q
			assert.False(t, signing.Verify(tampered, nil, testCred.SecretKey, a, testTimestamp), "query %s", name)
		}
		assert.False(t, signing.Verify(r, []byte("x"), testCred.SecretKey, a, testTimestamp), "a GET body is hashed too")
	})

	t.Run("POST", func(t *testing.T) {
		r := listJobsHTTPRequest(t, http.MethodPost, "", testBody)
		a := signedAuth(t, r, testBody, nil)
		require.True(t, signing.Verify(r, []byte(testBody), testCred.SecretKey, a, testTimestamp))

		for name, b := range map[string]string{
			"value changed":  `{"UserStoreId":"us-2","JobIds":["j1","j2"]}`,
			"reformatted":    `{"UserStoreId": "us-1", "JobIds": ["j1", "j2"]}`,
			"trailing space": testBody + " ",
			"empty":          "",
		} {
			assert.False(t, signing.Verify(r, []byte(b), testCred.SecretKey, a, testTimestamp), "body %s", name)
		}

		ct := r.Clone(context.Background())
		ct.Header.Set("Content-Type", "application/json")
		assert.False(t, signing.Verify(ct, []byte(testBody), testCred.SecretKey, a, testTimestamp), "content-type without charset")

		for name, mutate := range map[string]func(*http.Request){
			"unsigned extra X-TC header": func(r *http.Request) { r.Header.Set("X-TC-TraceId", "7c1f0e0a-trace") },
			"unsigned header changed":    func(r *http.Request) { r.Header.Set("X-TC-Action", "DescribeJobs") },
			"unsigned header removed":    func(r *http.Request) { r.Header.Del("X-TC-Region") },
			"query on a POST":            func(r *http.Request) { r.URL.RawQuery = "UserStoreId=us-9" },
		} {
			changed := r.Clone(context.Background())
			mutate(changed)
			assert.True(t, signing.Verify(changed, []byte(testBody), testCred.SecretKey, a, testTimestamp), "%s does not break verification", name)
		}

		other := a
		other.Date = "2025-12-31"
		assert.False(t, signing.Verify(r, []byte(testBody), testCred.SecretKey, other, testTimestamp), "another scope date")
		other = a
		other.Service = "cvm"
		assert.False(t, signing.Verify(r, []byte(testBody), testCred.SecretKey, other, testTimestamp), "another service")
		other = a
		other.SignedHeaders = []string{"content-type", "host", "x-tc-region"}
		assert.False(t, signing.Verify(r, []byte(testBody), testCred.SecretKey, other, testTimestamp), "another SignedHeaders list")
	})
}

// TestSignPostIgnoresQuery: the doc's CanonicalQueryString is "" for POST, in Sign as in
// Verify, so a POST signed with a query verifies without it and vice versa.
func TestSignPostIgnoresQuery(t *testing.T) {
	withQuery := listJobsHTTPRequest(t, http.MethodPost, "Foo=bar", testBody)
	a := signedAuth(t, withQuery, testBody, nil)
	plain := listJobsHTTPRequest(t, http.MethodPost, "", testBody)
	b := signedAuth(t, plain, testBody, nil)
	assert.Equal(t, b.Signature, a.Signature)
	assert.True(t, signing.Verify(withQuery, []byte(testBody), testCred.SecretKey, a, testTimestamp))
}

func TestSignTemporaryCredential(t *testing.T) {
	cred := testCred
	cred.Token = "temp-token-1"
	r := listJobsHTTPRequest(t, http.MethodPost, "", testBody)
	signing.Sign(r, []byte(testBody), cred, "ciam", testTimestamp, []string{"content-type", "host", "x-tc-token"})
	assert.Equal(t, "temp-token-1", r.Header.Get("X-TC-Token"))
	a, err := signing.ParseAuthorization(r.Header.Get("Authorization"))
	require.NoError(t, err)
	assert.True(t, signing.Verify(r, []byte(testBody), cred.SecretKey, a, testTimestamp))
	r.Header.Set("X-TC-Token", "temp-token-2")
	assert.False(t, signing.Verify(r, []byte(testBody), cred.SecretKey, a, testTimestamp), "a signed token header is covered")
}

func TestSignUnsignedPayload(t *testing.T) {
	r := listJobsHTTPRequest(t, http.MethodPost, "", testBody)
	r.Header.Set("X-TC-Content-SHA256", signing.UnsignedPayload)
	a := signedAuth(t, r, testBody, nil)
	assert.True(t, signing.Verify(r, []byte(`{"UserStoreId":"other"}`), testCred.SecretKey, a, testTimestamp), "body not signed")
	r.Header.Set("X-TC-Content-SHA256", signing.HashHex([]byte(testBody)))
	assert.False(t, signing.Verify(r, []byte(testBody), testCred.SecretKey, a, testTimestamp),
		"any other X-TC-Content-SHA256 value means the body hash")
}
