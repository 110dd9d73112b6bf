package signing_test

// These tests pin signing to the official Go SDK (tencentcloud-sdk-go common v1.3.212):
// the SDK sends ListJobs to a local capture server, and signing must reproduce, and
// accept, exactly what the SDK put on the wire.

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	tchttp "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/http"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"

	"github.com/ciam-harness/listjobs/signing"
)

const (
	sdkSecretID  = "AKIDsdkCaptureTest00000000000000001"
	sdkSecretKey = "sdkCaptureSecretKey000000000000001"
	sdkToken     = "sdk-capture-session-token-0001"
	sdkStore     = "us-sdk-capture"
)

// captured is one request as the server received it.
type captured struct {
	req  *http.Request // a clone, usable after the handler returned
	body []byte
}

func (c captured) timestamp(t *testing.T) int64 {
	t.Helper()
	ts, err := strconv.ParseInt(c.req.Header.Get("X-TC-Timestamp"), 10, 64)
	require.NoError(t, err, "X-TC-Timestamp")
	return ts
}

// captureServer answers every request with an empty ListJobs result and records it.
type captureServer struct {
	srv  *httptest.Server
	mu   sync.Mutex
	reqs []captured
}

func newCaptureServer(t *testing.T) *captureServer {
	t.Helper()
	cs := &captureServer{}
	cs.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		cs.mu.Lock()
		cs.reqs = append(cs.reqs, captured{req: r.Clone(context.Background()), body: body})
		cs.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"Response":{"JobSet":[],"RequestId":"0f3a5c1e-7b2d-4e8f-9a6b-1c2d3e4f5a6b"}}`)
	}))
	t.Cleanup(cs.srv.Close)
	return cs
}

func (cs *captureServer) hostPort() string { return strings.TrimPrefix(cs.srv.URL, "http://") }

// send sends req through an SDK client configured by configure and returns the capture.
func (cs *captureServer) send(t *testing.T, cred common.CredentialIface, configure func(*profile.ClientProfile), req tchttp.Request) captured {
	t.Helper()
	cpf := profile.NewClientProfile()
	cpf.HttpProfile.Endpoint = cs.hostPort()
	cpf.HttpProfile.Scheme = "HTTP"
	if configure != nil {
		configure(cpf)
	}
	client := common.NewCommonClient(cred, "ap-guangzhou", cpf)
	resp := tchttp.NewCommonResponse()
	require.NoError(t, client.Send(req, resp), "SDK send")
	assert.Contains(t, string(resp.GetBody()), `"JobSet":[]`, "the SDK parsed the answer")
	cs.mu.Lock()
	defer cs.mu.Unlock()
	require.Len(t, cs.reqs, 1, "exactly one request reached the server")
	c := cs.reqs[0]
	cs.reqs = nil
	return c
}

// listJobsRequest has the shape of the generated ciam/v20220331 ListJobsRequest. The SDK
// flattens such a struct into GET query and v1 parameters (JobIds.0, ...); a
// CommonRequest's action parameters are sent only in a POST JSON body.
type listJobsRequest struct {
	*tchttp.BaseRequest
	//lint:ignore SA5008 omitnil is the Tencent Cloud SDK's tag option; these fields mirror its request
	UserStoreId *string `json:"UserStoreId,omitnil,omitempty" name:"UserStoreId"`
	//lint:ignore SA5008 omitnil is the Tencent Cloud SDK's tag option; these fields mirror its request
	JobIds []*string `json:"JobIds,omitnil,omitempty" name:"JobIds"`
}

func newListJobsRequest(store string, jobIDs ...string) *listJobsRequest {
	r := &listJobsRequest{BaseRequest: &tchttp.BaseRequest{}, UserStoreId: &store}
	r.Init().WithApiInfo("ciam", "2022-03-31", "ListJobs")
	for _, id := range jobIDs {
		r.JobIds = append(r.JobIds, &id)
	}
	return r
}

func newCommonListJobs(t *testing.T, params map[string]interface{}) *tchttp.CommonRequest {
	t.Helper()
	r := tchttp.NewCommonRequest("ciam", "2022-03-31", "ListJobs")
	require.NoError(t, r.SetActionParameters(params))
	return r
}

func withMethod(m string) func(*profile.ClientProfile) {
	return func(p *profile.ClientProfile) { p.HttpProfile.ReqMethod = m }
}

// rebuild makes a fresh request with what the capture carried, except the three
// headers that Sign sets itself (Authorization, X-TC-Timestamp, X-TC-Token).
func rebuild(t *testing.T, c captured) *http.Request {
	t.Helper()
	u := "http://" + c.req.Host + "/"
	if c.req.URL.RawQuery != "" {
		u += "?" + c.req.URL.RawQuery
	}
	r, err := http.NewRequest(c.req.Method, u, bytes.NewReader(c.body))
	require.NoError(t, err)
	r.Host = c.req.Host
	for k, vs := range c.req.Header {
		switch http.CanonicalHeaderKey(k) {
		case "Authorization", "X-Tc-Timestamp", "X-Tc-Token":
			continue
		}
		for _, v := range vs {
			r.Header.Add(k, v)
		}
	}
	return r
}

// checkTC3 proves that Sign reproduces the SDK's Authorization for the captured request
// and that Verify accepts the capture as is (and rejects it once its body changes).
func checkTC3(t *testing.T, c captured, cred signing.Credential) {
	t.Helper()
	got := c.req.Header.Get("Authorization")
	require.NotEmpty(t, got, "the SDK sent an Authorization header")
	ts := c.timestamp(t)

	r := rebuild(t, c)
	signing.Sign(r, c.body, cred, "ciam", ts, nil)
	assert.Equal(t, got, r.Header.Get("Authorization"), "Sign reproduces the SDK's Authorization")
	assert.Equal(t, c.req.Header.Get("X-TC-Timestamp"), r.Header.Get("X-TC-Timestamp"))
	assert.Equal(t, c.req.Header.Get("X-TC-Token"), r.Header.Get("X-TC-Token"))

	auth, err := signing.ParseAuthorization(got)
	require.NoError(t, err)
	assert.Equal(t, cred.SecretID, auth.SecretID)
	assert.Equal(t, signing.Date(ts), auth.Date)
	assert.Equal(t, "ciam", auth.Service)
	assert.Equal(t, signing.DefaultSignedHeaders, auth.SignedHeaders)
	assert.Equal(t, got, auth.String(), "String() gives back the SDK's header byte for byte")
	assert.True(t, signing.Verify(c.req, c.body, cred.SecretKey, auth, ts), "Verify accepts the SDK request as received")
	assert.False(t, signing.Verify(c.req, c.body, cred.SecretKey+"x", auth, ts), "Verify rejects another key")
	if c.req.Header.Get("X-TC-Content-SHA256") != signing.UnsignedPayload {
		assert.False(t, signing.Verify(c.req, append(bytes.Clone(c.body), ' '), cred.SecretKey, auth, ts),
			"Verify rejects a changed body")
	}
}

func TestSDKTC3ListJobs(t *testing.T) {
	cs := newCaptureServer(t)
	cred := signing.Credential{SecretID: sdkSecretID, SecretKey: sdkSecretKey}
	sdkCred := common.NewCredential(sdkSecretID, sdkSecretKey)

	cases := []struct {
		name      string
		method    string
		req       func(t *testing.T) tchttp.Request
		wantQuery string // the raw query the SDK sends
		wantBody  string // the raw body the SDK sends
	}{
		{
			name:   "POST common request with JobIds",
			method: http.MethodPost,
			req: func(t *testing.T) tchttp.Request {
				return newCommonListJobs(t, map[string]interface{}{"UserStoreId": sdkStore, "JobIds": []string{"a", "b"}})
			},
			wantBody: `{"JobIds":["a","b"],"UserStoreId":"us-sdk-capture"}`,
		},
		{
			name:   "POST common request with empty JobIds",
			method: http.MethodPost,
			req: func(t *testing.T) tchttp.Request {
				return newCommonListJobs(t, map[string]interface{}{"UserStoreId": sdkStore, "JobIds": []string{}})
			},
			wantBody: `{"JobIds":[],"UserStoreId":"us-sdk-capture"}`,
		},
		{
			// The SDK flattens only name-tagged struct fields for GET, so a
			// CommonRequest sent by GET carries no business parameter at all.
			name:   "GET common request (parameters dropped by the SDK)",
			method: http.MethodGet,
			req: func(t *testing.T) tchttp.Request {
				return newCommonListJobs(t, map[string]interface{}{"UserStoreId": sdkStore, "JobIds": []string{"a", "b"}})
			},
		},
		{
			name:      "GET typed request with JobIds",
			method:    http.MethodGet,
			req:       func(*testing.T) tchttp.Request { return newListJobsRequest(sdkStore, "a", "b") },
			wantQuery: "JobIds.0=a&JobIds.1=b&UserStoreId=us-sdk-capture",
		},
		{
			name:      "GET typed request without JobIds",
			method:    http.MethodGet,
			req:       func(*testing.T) tchttp.Request { return newListJobsRequest(sdkStore) },
			wantQuery: "UserStoreId=us-sdk-capture",
		},
		{
			// QueryEscape encoding: a space is '+', non-ASCII is %XX; signed as sent.
			name:      "GET typed request with characters to escape",
			method:    http.MethodGet,
			req:       func(*testing.T) tchttp.Request { return newListJobsRequest("us 1/ü", "job a&b=c") },
			wantQuery: "JobIds.0=job+a%26b%3Dc&UserStoreId=us+1%2F%C3%BC",
		},
		{
			name:     "POST typed request",
			method:   http.MethodPost,
			req:      func(*testing.T) tchttp.Request { return newListJobsRequest(sdkStore, "a", "b") },
			wantBody: `{"UserStoreId":"us-sdk-capture","JobIds":["a","b"]}`,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := cs.send(t, sdkCred, withMethod(tc.method), tc.req(t))
			require.Equal(t, tc.method, c.req.Method)
			require.Equal(t, tc.wantQuery, c.req.URL.RawQuery, "raw query")
			require.Equal(t, tc.wantBody, string(c.body), "raw body")
			require.Equal(t, cs.hostPort(), c.req.Host)
			checkTC3(t, c, cred)
			if tc.wantQuery != "" {
				// The query is signed: a GET with another query no longer verifies.
				auth, err := signing.ParseAuthorization(c.req.Header.Get("Authorization"))
				require.NoError(t, err)
				tampered := c.req.Clone(context.Background())
				tampered.URL.RawQuery = strings.Replace(tampered.URL.RawQuery, "UserStoreId=", "UserStoreId=x", 1)
				assert.False(t, signing.Verify(tampered, c.body, sdkSecretKey, auth, c.timestamp(t)), "tampered query")
			}
		})
	}
}

func TestSDKTC3TemporaryCredential(t *testing.T) {
	cs := newCaptureServer(t)
	cred := signing.Credential{SecretID: sdkSecretID, SecretKey: sdkSecretKey, Token: sdkToken}
	for _, method := range []string{http.MethodPost, http.MethodGet} {
		t.Run(method, func(t *testing.T) {
			c := cs.send(t, common.NewTokenCredential(sdkSecretID, sdkSecretKey, sdkToken), withMethod(method),
				newListJobsRequest(sdkStore, "a"))
			require.Equal(t, sdkToken, c.req.Header.Get("X-TC-Token"), "the SDK sends the token")
			checkTC3(t, c, cred)

			// rebuild drops X-TC-Token: Sign must put it back, and without a token it must not.
			r := rebuild(t, c)
			signing.Sign(r, c.body, signing.Credential{SecretID: sdkSecretID, SecretKey: sdkSecretKey}, "ciam", c.timestamp(t), nil)
			assert.Empty(t, r.Header.Values("X-TC-Token"), "no token for a permanent key")
		})
	}
}

func TestSDKTC3UnsignedPayload(t *testing.T) {
	cs := newCaptureServer(t)
	cred := signing.Credential{SecretID: sdkSecretID, SecretKey: sdkSecretKey}
	unsigned := func(p *profile.ClientProfile) { p.UnsignedPayload = true }
	c := cs.send(t, common.NewCredential(sdkSecretID, sdkSecretKey), unsigned, newListJobsRequest(sdkStore, "a", "b"))
	require.Equal(t, http.MethodPost, c.req.Method)
	require.Equal(t, signing.UnsignedPayload, c.req.Header.Get("X-TC-Content-SHA256"))
	require.NotEmpty(t, c.body)
	checkTC3(t, c, cred)

	auth, err := signing.ParseAuthorization(c.req.Header.Get("Authorization"))
	require.NoError(t, err)
	ts := c.timestamp(t)
	assert.True(t, signing.Verify(c.req, []byte(`{"UserStoreId":"another"}`), sdkSecretKey, auth, ts),
		"with UNSIGNED-PAYLOAD the body is not signed")
	stripped := c.req.Clone(context.Background())
	stripped.Header.Del("X-TC-Content-SHA256")
	assert.False(t, signing.Verify(stripped, c.body, sdkSecretKey, auth, ts),
		"without the header the body hash is expected")
}

func TestSDKSignatureV1(t *testing.T) {
	cs := newCaptureServer(t)
	for _, sm := range []string{signing.HmacSHA1, signing.HmacSHA256} {
		for _, method := range []string{http.MethodPost, http.MethodGet} {
			for _, token := range []string{"", sdkToken} {
				name := sm + "/" + method
				sdkCred := common.NewCredential(sdkSecretID, sdkSecretKey)
				if token != "" {
					name += "/token"
					sdkCred = common.NewTokenCredential(sdkSecretID, sdkSecretKey, token)
				}
				t.Run(name, func(t *testing.T) {
					configure := func(p *profile.ClientProfile) {
						p.SignMethod = sm
						p.HttpProfile.ReqMethod = method
					}
					c := cs.send(t, sdkCred, configure, newListJobsRequest(sdkStore, "a", "b"))
					require.Equal(t, method, c.req.Method)
					assert.Empty(t, c.req.Header.Get("Authorization"), "v1 has no Authorization header")
					raw := c.req.URL.RawQuery
					if method == http.MethodPost {
						assert.Empty(t, raw)
						assert.Equal(t, "application/x-www-form-urlencoded", c.req.Header.Get("Content-Type"))
						raw = string(c.body)
					}
					params, err := url.ParseQuery(raw)
					require.NoError(t, err)
					for k, want := range map[string]string{
						"Action": "ListJobs", "Version": "2022-03-31", "Region": "ap-guangzhou",
						"SecretId": sdkSecretID, "SignatureMethod": sm, "UserStoreId": sdkStore,
						"JobIds.0": "a", "JobIds.1": "b", "Token": token,
					} {
						assert.Equal(t, want, params.Get(k), k)
					}
					require.NotEmpty(t, params.Get("Signature"))
					host := c.req.Host
					assert.True(t, signing.VerifyV1(sdkSecretKey, method, host, "/", params), "VerifyV1 accepts the SDK's parameters")
					assert.False(t, signing.VerifyV1(sdkSecretKey+"x", method, host, "/", params), "another key")
					assert.False(t, signing.VerifyV1(sdkSecretKey, otherMethod(method), host, "/", params), "another method")
					assert.False(t, signing.VerifyV1(sdkSecretKey, method, "ciam.tencentcloudapi.com", "/", params), "another host")
					for _, k := range []string{"UserStoreId", "JobIds.1", "Timestamp", "Nonce", "Action", "SecretId", "Token"} {
						if params.Get(k) == "" {
							continue
						}
						altered := cloneValues(params)
						altered.Set(k, params.Get(k)+"0")
						assert.False(t, signing.VerifyV1(sdkSecretKey, method, host, "/", altered), "altered %s", k)
					}
					added := cloneValues(params)
					added.Set("JobIds.2", "c")
					assert.False(t, signing.VerifyV1(sdkSecretKey, method, host, "/", added), "added parameter")

					// SignV1Params, given what the SDK chose (timestamp, nonce), signs identically.
					mine := cloneValues(params)
					for _, k := range []string{"SecretId", "Timestamp", "Nonce", "SignatureMethod", "Token", "Signature"} {
						mine.Del(k)
					}
					ts, err := strconv.ParseInt(params.Get("Timestamp"), 10, 64)
					require.NoError(t, err)
					nonce, err := strconv.Atoi(params.Get("Nonce"))
					require.NoError(t, err)
					cred := signing.Credential{SecretID: sdkSecretID, SecretKey: sdkSecretKey, Token: token}
					require.NoError(t, signing.SignV1Params(mine, cred, method, host, "/", sm, ts, nonce))
					assert.Equal(t, params, mine, "SignV1Params reproduces the SDK's parameters")
				})
			}
		}
	}
}

func otherMethod(m string) string {
	if m == http.MethodGet {
		return http.MethodPost
	}
	return http.MethodGet
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}
