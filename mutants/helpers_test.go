package mutants

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	listjobs "github.com/ciam-harness/listjobs"
	"github.com/ciam-harness/listjobs/emulator"
	"github.com/ciam-harness/listjobs/fixture"
	"github.com/ciam-harness/listjobs/signing"
)

// What the tests that run mutants against the emulator share: the fixture, its keys,
// a request built and signed, and the answer read.

var defaultFixture = sync.OnceValues(func() (*fixture.Fixture, error) {
	return fixture.Read(bytes.NewReader(listjobs.DefaultFixture))
})

// smallFixture is the default fixture without its 3000-job store: emulators build
// quicker on it under -race.
var smallFixture = sync.OnceValues(func() (*fixture.Fixture, error) {
	full, err := defaultFixture()
	if err != nil {
		return nil, err
	}
	small := *full
	small.UserStores = slices.DeleteFunc(slices.Clone(full.UserStores), func(s fixture.UserStore) bool { return s.Role == "many" })
	return &small, nil
})

func loadSmallFixture(t *testing.T) *fixture.Fixture {
	t.Helper()
	fx, err := smallFixture()
	require.NoError(t, err)
	return fx
}

func loadFixture(t *testing.T) *fixture.Fixture {
	t.Helper()
	fx, err := defaultFixture()
	require.NoError(t, err)
	return fx
}

func key(t *testing.T, fx *fixture.Fixture, role string) signing.Credential {
	t.Helper()
	c, ok := fx.Credential(role)
	require.True(t, ok, role)
	return signing.Credential{SecretID: c.SecretID, SecretKey: c.SecretKey, Token: c.Token}
}

// req is one request to send to the reference and to a mutant.
type req struct {
	method  string // POST by default
	body    string
	query   string
	cred    signing.Credential
	skew    int64             // seconds added to the timestamp
	headers map[string]string // set before signing ("" removes); v1: common parameters
	signed  []string
	service string // credential scope service, default ciam
	after   func(r *http.Request, body *string)
	v1      bool // signature v1 GET of query
}

const host = "ciam.tencentcloudapi.com"

func (q req) build(t *testing.T) *http.Request {
	t.Helper()
	method := q.method
	if method == "" {
		method = http.MethodPost
	}
	if q.v1 {
		v, err := url.ParseQuery(q.query)
		require.NoError(t, err)
		for k, val := range map[string]string{"Action": "ListJobs", "Version": "2022-03-31", "Region": "ap-guangzhou",
			"Timestamp": strconv.FormatInt(time.Now().Unix()+q.skew, 10), "Nonce": "42", "SecretId": q.cred.SecretID, "SignatureMethod": "HmacSHA256"} {
			v.Set(k, val)
		}
		if q.cred.Token != "" {
			v.Set("Token", q.cred.Token)
		}
		for k, val := range q.headers { // v1: common parameters
			v.Set(k, val)
		}
		sig, err := signing.SignV1(q.cred.SecretKey, "HmacSHA256", signing.V1StringToSign(method, host, "/", v))
		require.NoError(t, err)
		v.Set("Signature", sig)
		if method == http.MethodPost { // a form-encoded body
			r := httptest.NewRequest(method, "/", strings.NewReader(v.Encode()))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			r.Host = host
			return r
		}
		r := httptest.NewRequest(method, "/?"+v.Encode(), nil)
		r.Host = host
		return r
	}
	target := "/"
	if q.query != "" {
		target += "?" + q.query
	}
	body := q.body
	if method == http.MethodGet {
		body = ""
	}
	r := httptest.NewRequest(method, target, strings.NewReader(body))
	r.Host = host
	ct := "application/json"
	if method == http.MethodGet {
		ct = "application/x-www-form-urlencoded"
	}
	r.Header.Set("Content-Type", ct)
	r.Header.Set("X-TC-Action", "ListJobs")
	r.Header.Set("X-TC-Version", "2022-03-31")
	r.Header.Set("X-TC-Region", "ap-guangzhou")
	for k, v := range q.headers {
		if v == "" {
			r.Header.Del(k)
		} else {
			r.Header.Set(k, v)
		}
	}
	svc := q.service
	if svc == "" {
		svc = "ciam"
	}
	signing.Sign(r, []byte(body), q.cred, svc, time.Now().Unix()+q.skew, q.signed)
	if q.after != nil {
		q.after(r, &body)
		r.Body = io.NopCloser(strings.NewReader(body))
		r.ContentLength = int64(len(body))
	}
	return r
}

// reply is a response, read.
type reply struct {
	status    int
	ctype     string
	raw       string
	code      string
	requestID any
	ids       []string // sorted, duplicates kept
	hasJobSet bool
}

func serve(t *testing.T, h http.Handler, r *http.Request) reply {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	a := reply{status: rec.Code, ctype: rec.Header().Get("Content-Type"), raw: rec.Body.String()}
	assert.Equal(t, strconv.Itoa(rec.Body.Len()), rec.Header().Get("Content-Length"), "Content-Length matches the body")
	var env struct {
		Response struct {
			Error     *struct{ Code string }
			JobSet    json.RawMessage
			RequestId any
		}
	}
	if json.Unmarshal(rec.Body.Bytes(), &env) != nil {
		return a
	}
	if env.Response.Error != nil {
		a.code = env.Response.Error.Code
	}
	a.requestID = env.Response.RequestId
	a.hasJobSet = env.Response.JobSet != nil
	var jobs []struct{ Id string }
	if json.Unmarshal(env.Response.JobSet, &jobs) == nil {
		for _, j := range jobs {
			a.ids = append(a.ids, j.Id)
		}
		sort.Strings(a.ids)
	}
	return a
}

func newHandler(t *testing.T, cfg emulator.Config) http.Handler {
	t.Helper()
	e, err := emulator.New(cfg)
	require.NoError(t, err)
	return e
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
