//go:build !mechanical

package emulator

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ciam-harness/listjobs/signing"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAuthentication covers A1-A6, A8, the tenant check and the missing common headers.
func TestAuthentication(t *testing.T) {
	t.Parallel()
	e := newEmu(t, Config{})
	primary, temporary := cred(t, "primary"), cred(t, "temporary")
	wrongKey := primary
	wrongKey.SecretKey = "not-the-key"
	unknown := signing.Credential{SecretID: "AKIDnobody", SecretKey: "x"}
	varied := storeOf(t, "varied")
	body := listBody(varied.ID)
	ok := ""
	now := t0.Unix()
	setAuth := func(v string) func(*http.Request) {
		return func(r *http.Request) { r.Header.Set("Authorization", v) }
	}
	editAuth := func(old, new string) func(*http.Request) {
		return func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), old, new, 1))
		}
	}
	cases := []struct {
		name string
		call call
		code string
	}{
		// A1: any SignedHeaders list with content-type and host; raw query and body.
		{"A1 default", call{cred: primary, body: body}, ok},
		{"A1 x-tc-action signed", call{cred: primary, body: body, signed: []string{"content-type", "host", "x-tc-action"}}, ok},
		{"A1 many signed headers", call{cred: primary, body: body, signed: []string{"content-type", "host", "x-tc-action", "x-tc-region", "x-tc-version"}}, ok},
		{"A1 upper-case header values", call{cred: primary, body: body, ctype: "Application/JSON; Charset=UTF-8", host: "CIAM.TencentCloudAPI.com"}, ok},
		{"A1 body with spaces as Python sends", call{cred: primary, body: `{"UserStoreId": "` + varied.ID + `", "JobIds": []}`}, ok},
		{"A1 GET raw query unsorted", call{method: "GET", cred: primary, query: "UserStoreId=" + varied.ID + "&JobIds.1=b&JobIds.0=a"}, ok},
		{"A1 GET raw query %20 spaces", call{method: "GET", cred: primary, query: "UserStoreId=" + varied.ID + "&JobIds.0=a%20b"}, ok},
		{"A1 UNSIGNED-PAYLOAD", call{cred: primary, body: body, headers: map[string]string{"X-TC-Content-SHA256": "UNSIGNED-PAYLOAD"}}, ok},
		{"A1 UNSIGNED-PAYLOAD body not covered", call{cred: primary, body: `{}`, headers: map[string]string{"X-TC-Content-SHA256": "UNSIGNED-PAYLOAD"},
			after: func(r *http.Request) { setBody(r, body) }}, ok},
		// A1 on a non-default port: a signature over the Host header as sent, or over
		// the host without its port (as SDKs sign it); nothing else.
		{"A1 host:port signed with the port", call{cred: primary, body: body, host: testHost + ":9000"}, ok},
		{"A1 host:port signed without the port", call{cred: primary, body: body, host: testHost, after: func(r *http.Request) { r.Host = testHost + ":9000" }}, ok},
		{"A1 GET host:port signed without the port", call{method: "GET", cred: primary, query: listQuery(varied.ID), host: testHost, after: func(r *http.Request) { r.Host = testHost + ":9000" }}, ok},
		{"A1 [::1]:port signed without the port", call{cred: primary, body: body, host: "[::1]", after: func(r *http.Request) { r.Host = "[::1]:9000" }}, ok},
		{"A2 host:port signed with another port", call{cred: primary, body: body, host: testHost + ":9001", after: func(r *http.Request) { r.Host = testHost + ":9000" }}, "AuthFailure.SignatureFailure"},
		{"A2 host signed with a port it was not sent with", call{cred: primary, body: body, host: testHost + ":9000", after: func(r *http.Request) { r.Host = testHost }}, "AuthFailure.SignatureFailure"},
		{"A2 host:port signed for another host", call{cred: primary, body: body, host: "evil.example", after: func(r *http.Request) { r.Host = testHost + ":9000" }}, "AuthFailure.SignatureFailure"},
		{"A2 host:port signed without the port, wrong key", call{cred: wrongKey, body: body, host: testHost, after: func(r *http.Request) { r.Host = testHost + ":9000" }}, "AuthFailure.SignatureFailure"},
		{"A2 host:port signed without the port, tampered body", call{cred: primary, body: body, host: testHost, after: func(r *http.Request) {
			r.Host = testHost + ":9000"
			setBody(r, listBody(storeOf(t, "sibling").ID))
		}}, "AuthFailure.SignatureFailure"},
		// A2: a signature that does not match.
		{"A2 wrong key", call{cred: wrongKey, body: body}, "AuthFailure.SignatureFailure"},
		{"A2 tampered body", call{cred: primary, body: body, after: func(r *http.Request) { setBody(r, listBody(storeOf(t, "sibling").ID)) }}, "AuthFailure.SignatureFailure"},
		{"A2 tampered query", call{method: "GET", cred: primary, query: listQuery(varied.ID), after: func(r *http.Request) {
			r.URL.RawQuery = listQuery(varied.ID, "x")
		}}, "AuthFailure.SignatureFailure"},
		{"A2 tampered host", call{cred: primary, body: body, after: func(r *http.Request) { r.Host = "evil.example" }}, "AuthFailure.SignatureFailure"},
		{"A2 tampered content-type", call{cred: primary, body: body, after: func(r *http.Request) { r.Header.Set("Content-Type", "text/plain") }}, "AuthFailure.SignatureFailure"},
		{"A2 tampered signed x-tc-action", call{cred: primary, body: body, signed: []string{"content-type", "host", "x-tc-action"},
			after: func(r *http.Request) { r.Header.Set("X-TC-Action", "ListJobz") }}, "AuthFailure.SignatureFailure"},
		{"A2 tampered signature", call{cred: primary, body: body, after: func(r *http.Request) {
			a := r.Header.Get("Authorization")
			last := a[len(a)-1]
			r.Header.Set("Authorization", a[:len(a)-1]+map[bool]string{true: "1", false: "0"}[last == '0'])
		}}, "AuthFailure.SignatureFailure"},
		{"A2 GET body is ignored, so a body-signing GET fails", call{method: "GET", cred: primary, query: listQuery(varied.ID), after: func(r *http.Request) {
			setBody(r, "x")
			signing.Sign(r, []byte("x"), primary, "ciam", now, nil)
		}}, "AuthFailure.SignatureFailure"},
		// A3: 300 s of skew either way.
		{"A3 60 s past", call{cred: primary, body: body, ts: now - 60}, ok},
		{"A3 300 s past", call{cred: primary, body: body, ts: now - 300}, ok},
		{"A3 300 s future", call{cred: primary, body: body, ts: now + 300}, ok},
		{"A3 301 s past", call{cred: primary, body: body, ts: now - 301}, "AuthFailure.SignatureExpire"},
		{"A3 301 s future", call{cred: primary, body: body, ts: now + 301}, "AuthFailure.SignatureExpire"},
		{"A3 epoch", call{cred: primary, body: body, ts: 1}, "AuthFailure.SignatureExpire"},
		{"A3 huge", call{cred: primary, body: body, after: func(r *http.Request) { r.Header.Set("X-TC-Timestamp", "9223372036854775807") }}, "AuthFailure.SignatureExpire"},
		{"A3 negative", call{cred: primary, body: body, after: func(r *http.Request) { r.Header.Set("X-TC-Timestamp", "-9223372036854775808") }}, "AuthFailure.SignatureExpire"},
		{"timestamp not an integer", call{cred: primary, body: body, after: func(r *http.Request) { r.Header.Set("X-TC-Timestamp", "12.5") }}, "InvalidParameter"},
		{"timestamp overflow", call{cred: primary, body: body, after: func(r *http.Request) { r.Header.Set("X-TC-Timestamp", "99999999999999999999") }}, "InvalidParameter"},
		// A4.
		{"A4 unknown SecretId", call{cred: unknown, body: body}, "AuthFailure.SecretIdNotFound"},
		// A5: missing or malformed Authorization.
		{"A5 missing", call{body: body, noSign: true, headers: map[string]string{"X-TC-Timestamp": strconv.FormatInt(now, 10)}}, "AuthFailure.InvalidAuthorization"},
		{"A5 empty", call{cred: primary, body: body, after: setAuth("")}, "AuthFailure.InvalidAuthorization"},
		{"A5 other algorithm", call{cred: primary, body: body, after: editAuth("TC3-HMAC-SHA256", "TC3-HMAC-SHA1")}, "AuthFailure.InvalidAuthorization"},
		{"A5 no Signature", call{cred: primary, body: body, after: editAuth(", Signature=", ", Sig=")}, "AuthFailure.InvalidAuthorization"},
		{"A5 bad scope", call{cred: primary, body: body, after: editAuth("/tc3_request", "/tc4_request")}, "AuthFailure.InvalidAuthorization"},
		{"A5 garbage", call{cred: primary, body: body, after: setAuth("Basic dXNlcjpwYXNz")}, "AuthFailure.InvalidAuthorization"},
		{"A5 host not signed", call{cred: primary, body: body, signed: []string{"content-type", "x-tc-action"}}, "AuthFailure.InvalidAuthorization"},
		{"A5 content-type not signed", call{cred: primary, body: body, signed: []string{"host"}}, "AuthFailure.InvalidAuthorization"},
		{"A5 two Authorization headers", call{cred: primary, body: body, after: func(r *http.Request) {
			r.Header.Add("Authorization", r.Header.Get("Authorization"))
		}}, "AuthFailure.InvalidAuthorization"},
		{"A5 JSON POST with a Signature-looking body is not v1", call{body: "Signature=x", noSign: true}, "AuthFailure.InvalidAuthorization"},
		// Missing common parameters, in the order Action, Version, Timestamp, Region.
		{"missing Action", call{cred: primary, body: body, action: "-"}, "MissingParameter"},
		{"missing Version", call{cred: primary, body: body, version: "-"}, "MissingParameter"},
		{"missing Timestamp", call{cred: primary, body: body, after: func(r *http.Request) { r.Header.Del("X-TC-Timestamp") }}, "MissingParameter"},
		{"P3 missing Region", call{cred: primary, body: body, region: "-"}, "MissingParameter"},
		{"P3 empty Region", call{cred: primary, body: body, after: func(r *http.Request) { r.Header.Set("X-TC-Region", "") }}, "MissingParameter"},
		{"missing beats expired", call{cred: primary, body: body, region: "-", ts: 1}, "MissingParameter"},
		// A6: scope date and service.
		{"A6 date of yesterday", call{cred: primary, body: body, after: editAuth("/"+signing.Date(now)+"/", "/"+signing.Date(now-86400)+"/")}, "AuthFailure.SignatureFailure"},
		{"A6 service cvm", call{cred: primary, body: body, after: editAuth("/ciam/", "/cvm/")}, "AuthFailure.SignatureFailure"},
		{"A6 date checked before the key", call{cred: unknown, body: body, after: editAuth("/ciam/", "/cvm/")}, "AuthFailure.SignatureFailure"},
		{"A3 before A6", call{cred: primary, body: body, ts: now - 400, after: editAuth("/ciam/", "/cvm/")}, "AuthFailure.SignatureExpire"},
		{"A4 before A2", call{cred: signing.Credential{SecretID: "AKIDnobody", SecretKey: primary.SecretKey}, body: body}, "AuthFailure.SecretIdNotFound"},
		// A8: temporary keys.
		{"A8 token", call{cred: temporary, body: body}, ok},
		{"A8 token missing", call{cred: temporary, body: body, after: func(r *http.Request) { r.Header.Del("X-TC-Token") }}, "AuthFailure.TokenFailure"},
		{"A8 token wrong", call{cred: temporary, body: body, after: func(r *http.Request) { r.Header.Set("X-TC-Token", "nope") }}, "AuthFailure.TokenFailure"},
		{"A8 signature before token", call{cred: signing.Credential{SecretID: temporary.SecretID, SecretKey: "bad"}, body: body}, "AuthFailure.SignatureFailure"},
		{"long-term key ignores a token", call{cred: primary, body: body, headers: map[string]string{"X-TC-Token": "whatever"}}, ok},
		// Tenant.
		{"not activated", call{cred: cred(t, "not-activated"), body: body}, "UnauthorizedOperation.TenantNotActivated"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := serve(t, e, tc.call.request(t))
			require.Equal(t, tc.code, res.code, "message %q", res.message)
		})
	}
}

func setBody(r *http.Request, body string) {
	r.Body = http.NoBody
	if body != "" {
		r.Body = ioNopCloser(body)
	}
	r.ContentLength = int64(len(body))
}

// signV1Form returns the signature v1 parameters of a request, URL-encoded, signed as
// the Go SDK signs them (§1.7).
func signV1Form(t testing.TB, method string, c signing.Credential, sigMethod string, ts int64, business map[string]string) string {
	t.Helper()
	v := url.Values{
		"Action": {"ListJobs"}, "Version": {"2022-03-31"}, "Region": {"ap-guangzhou"},
		"Timestamp": {strconv.FormatInt(ts, 10)}, "Nonce": {"11886"}, "SecretId": {c.SecretID},
		"Language": {"zh-CN"}, "RequestClient": {"SDK_GO_1.3.212"},
	}
	if sigMethod != "" {
		v.Set("SignatureMethod", sigMethod)
	}
	if c.Token != "" {
		v.Set("Token", c.Token)
	}
	for k, val := range business {
		v.Set(k, val)
	}
	sig, err := signing.SignV1(c.SecretKey, sigMethod, signing.V1StringToSign(method, testHost, "/", v))
	require.NoError(t, err)
	v.Set("Signature", sig)
	return v.Encode()
}

func v1Request(t testing.TB, method, params string) *http.Request {
	t.Helper()
	var r *http.Request
	if method == "GET" {
		r = httptest.NewRequest("GET", "/?"+params, nil)
	} else {
		r = httptest.NewRequest("POST", "/", strings.NewReader(params))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	r.Host = testHost
	return r
}

// TestSignatureV1 covers A7 and the v1 forms of the authentication rules.
func TestSignatureV1(t *testing.T) {
	t.Parallel()
	e := newEmu(t, Config{})
	primary, temporary := cred(t, "primary"), cred(t, "temporary")
	varied := storeOf(t, "varied")
	ids := varied.JobIDs()
	now := t0.Unix()
	biz := map[string]string{"UserStoreId": varied.ID, "JobIds.0": ids[0], "JobIds.1": ids[1]}
	cases := []struct {
		name   string
		method string
		params func() string
		code   string
	}{
		{"GET HmacSHA1 default", "GET", func() string { return signV1Form(t, "GET", primary, "", now, biz) }, ""},
		{"GET HmacSHA1", "GET", func() string { return signV1Form(t, "GET", primary, "HmacSHA1", now, biz) }, ""},
		{"GET HmacSHA256", "GET", func() string { return signV1Form(t, "GET", primary, "HmacSHA256", now, biz) }, ""},
		{"POST HmacSHA256", "POST", func() string { return signV1Form(t, "POST", primary, "HmacSHA256", now, biz) }, ""},
		{"POST token", "POST", func() string { return signV1Form(t, "POST", temporary, "HmacSHA256", now, biz) }, ""},
		{"token missing", "POST", func() string {
			c := temporary
			c.Token = ""
			return signV1Form(t, "POST", c, "HmacSHA256", now, biz)
		}, "AuthFailure.TokenFailure"},
		{"token wrong", "POST", func() string {
			c := temporary
			c.Token = "nope"
			return signV1Form(t, "POST", c, "HmacSHA256", now, biz)
		}, "AuthFailure.TokenFailure"},
		{"wrong key", "GET", func() string {
			c := primary
			c.SecretKey = "bad"
			return signV1Form(t, "GET", c, "HmacSHA256", now, biz)
		}, "AuthFailure.SignatureFailure"},
		{"signed for POST, sent as GET", "GET", func() string { return signV1Form(t, "POST", primary, "HmacSHA256", now, biz) }, "AuthFailure.SignatureFailure"},
		{"tampered parameter", "GET", func() string {
			return strings.Replace(signV1Form(t, "GET", primary, "", now, biz), "JobIds.1=", "JobIds.1=x", 1)
		}, "AuthFailure.SignatureFailure"},
		{"unknown SignatureMethod", "GET", func() string {
			return strings.Replace(signV1Form(t, "GET", primary, "HmacSHA256", now, biz), "SignatureMethod=HmacSHA256", "SignatureMethod=HmacMD5", 1)
		}, "AuthFailure.SignatureFailure"},
		{"expired", "GET", func() string { return signV1Form(t, "GET", primary, "", now-301, biz) }, "AuthFailure.SignatureExpire"},
		{"future", "GET", func() string { return signV1Form(t, "GET", primary, "", now+301, biz) }, "AuthFailure.SignatureExpire"},
		{"unknown SecretId", "GET", func() string {
			return signV1Form(t, "GET", signing.Credential{SecretID: "AKIDnobody", SecretKey: "x"}, "", now, biz)
		}, "AuthFailure.SecretIdNotFound"},
		{"missing Nonce", "GET", func() string {
			return strings.Replace(signV1Form(t, "GET", primary, "", now, biz), "Nonce=11886", "Nonce=", 1)
		}, "MissingParameter"},
		{"missing Region", "GET", func() string {
			return strings.Replace(signV1Form(t, "GET", primary, "", now, biz), "Region=ap-guangzhou", "Rexion=ap-guangzhou", 1)
		}, "MissingParameter"},
		{"Nonce not a number", "GET", func() string {
			return strings.Replace(signV1Form(t, "GET", primary, "", now, biz), "Nonce=11886", "Nonce=abc", 1)
		}, "InvalidParameter"},
		{"Timestamp not a number", "GET", func() string {
			return strings.Replace(signV1Form(t, "GET", primary, "", now, biz), "Timestamp=", "Timestamp=x", 1)
		}, "InvalidParameter"},
		{"Action twice", "GET", func() string { return signV1Form(t, "GET", primary, "", now, biz) + "&Action=ListJobs" }, "InvalidParameter"},
		{"malformed pair", "GET", func() string { return signV1Form(t, "GET", primary, "", now, biz) + "&junk" }, "InvalidParameter"},
		{"bad escape", "GET", func() string { return signV1Form(t, "GET", primary, "", now, biz) + "&x=%zz" }, "InvalidParameter"},
		{"not activated", "GET", func() string { return signV1Form(t, "GET", cred(t, "not-activated"), "", now, biz) }, "UnauthorizedOperation.TenantNotActivated"},
		{"unknown business parameter", "GET", func() string {
			return signV1Form(t, "GET", primary, "", now, map[string]string{"UserStoreId": varied.ID, "Foo": "1"})
		}, "UnknownParameter"},
		{"missing UserStoreId", "POST", func() string { return signV1Form(t, "POST", primary, "", now, nil) }, "MissingParameter"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := serve(t, e, v1Request(t, tc.method, tc.params()))
			require.Equal(t, tc.code, res.code, "message %q", res.message)
			if tc.code == "" {
				assert.Equal(t, sortedIDs(ids[0], ids[1]), res.ids)
			}
		})
	}
	t.Run("v1 needs no Authorization, but one makes it v3", func(t *testing.T) {
		r := v1Request(t, "GET", signV1Form(t, "GET", primary, "", now, biz))
		r.Header.Set("Authorization", "junk")
		assert.Equal(t, "AuthFailure.InvalidAuthorization", serve(t, e, r).code)
	})
	t.Run("form POST without Signature is not v1", func(t *testing.T) {
		r := v1Request(t, "POST", "Action=ListJobs")
		assert.Equal(t, "AuthFailure.InvalidAuthorization", serve(t, e, r).code)
	})
}

// TestRouting covers P1-P3 and the order of routing after authentication.
func TestRouting(t *testing.T) {
	t.Parallel()
	e := newEmu(t, Config{})
	primary := cred(t, "primary")
	body := listBody(storeOf(t, "varied").ID)
	regions := []string{"ap-guangzhou", "ap-shanghai", "ap-nanjing", "ap-beijing", "ap-chengdu", "ap-chongqing",
		"ap-hongkong", "ap-singapore", "ap-bangkok", "ap-jakarta", "ap-seoul", "ap-tokyo", "ap-mumbai",
		"na-siliconvalley", "na-ashburn", "na-toronto", "eu-frankfurt", "sa-saopaulo"}
	for _, r := range regions {
		res := serve(t, e, call{cred: primary, body: body, region: r}.request(t))
		assert.Empty(t, res.code, "P3 region %s: %s", r, res.message)
	}
	for _, tc := range []struct {
		name string
		call call
		code string
	}{
		{"P1 other action", call{cred: primary, body: body, action: "DescribeJobs"}, "InvalidAction"},
		{"P1 lower-case action", call{cred: primary, body: body, action: "listjobs"}, "InvalidAction"},
		{"P2 other version", call{cred: primary, body: body, version: "2017-03-12"}, "NoSuchVersion"},
		{"P3 unknown region", call{cred: primary, body: body, region: "xx-nowhere-1"}, "UnsupportedRegion"},
		{"P3 upper-case region", call{cred: primary, body: body, region: "AP-GUANGZHOU"}, "UnsupportedRegion"},
		{"P1 before P2", call{cred: primary, body: body, action: "X", version: "Y"}, "InvalidAction"},
		{"P2 before P3", call{cred: primary, body: body, version: "Y", region: "Z"}, "NoSuchVersion"},
		{"auth before routing", call{cred: cred(t, "not-activated"), body: body, action: "X"}, "UnauthorizedOperation.TenantNotActivated"},
		{"routing before parameters", call{cred: primary, body: "[]", region: "Z"}, "UnsupportedRegion"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := serve(t, e, tc.call.request(t))
			assert.Equal(t, tc.code, res.code, "message %q", res.message)
		})
	}
}

// TestSigningKeyCache: near midnight, requests whose timestamps fall on two UTC dates
// alternate; the cached signing key must follow the scope date of each.
func TestSigningKeyCache(t *testing.T) {
	t.Parallel()
	midnight := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	e := newEmu(t, Config{Clock: func() time.Time { return midnight }})
	primary := cred(t, "primary")
	wrong := primary
	wrong.SecretKey = "wrong"
	body := listBody(storeOf(t, "varied").ID)
	for i := range 6 {
		ts := midnight.Unix() - 100 + int64(i%2)*200 // 2026-03-31 and 2026-04-01
		res := serve(t, e, call{cred: primary, body: body, ts: ts}.request(t))
		require.Empty(t, res.code, "round %d: %s", i, res.message)
		res = serve(t, e, call{cred: wrong, body: body, ts: ts}.request(t))
		require.Equal(t, "AuthFailure.SignatureFailure", res.code, "round %d", i)
	}
}

func TestHostWithoutPort(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"ciam.tencentcloudapi.com:9000": "ciam.tencentcloudapi.com",
		"127.0.0.1:80":                  "127.0.0.1",
		"[::1]:9000":                    "[::1]",
		"ciam.tencentcloudapi.com":      "",
		"[::1]":                         "",
		"[fe80::1]":                     "",
		"name:":                         "",
		":9000":                         "",
		"name:90a":                      "",
	} {
		got, ok := signing.HostWithoutPort(in)
		assert.Equal(t, want, got, in)
		assert.Equal(t, want != "", ok, in)
	}
}
