//go:build !mechanical

package emulator

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	listjobs "github.com/ciam-harness/listjobs"
	"github.com/ciam-harness/listjobs/fixture"
	"github.com/ciam-harness/listjobs/signing"
	"github.com/stretchr/testify/require"
)

// t0 is the fixed time of the tests' clock.
var t0 = time.Date(2026, 3, 31, 12, 0, 0, 0, time.UTC)

const testHost = "ciam.tencentcloudapi.com"

// defaultFixture parses the embedded fixture once per test binary (3000 generated jobs
// are slow to validate under -race). Tests must not modify it: see cloneFixture.
var defaultFixture = sync.OnceValues(func() (*fixture.Fixture, error) {
	return fixture.Read(bytes.NewReader(listjobs.DefaultFixture))
})

// smallFixture is the default fixture without its 3000-job store: most tests need no
// more, and New is quicker on it under -race.
var smallFixture = sync.OnceValues(func() (*fixture.Fixture, error) {
	full, err := defaultFixture()
	if err != nil {
		return nil, err
	}
	small := *full
	small.UserStores = nil
	for _, s := range full.UserStores {
		if s.Role != "many" {
			small.UserStores = append(small.UserStores, s)
		}
	}
	return &small, nil
})

func loadFixture(t testing.TB) *fixture.Fixture {
	t.Helper()
	fx, err := defaultFixture()
	require.NoError(t, err)
	return fx
}

// cloneFixture copies the small fixture's slices a test may change.
func cloneFixture(t testing.TB) *fixture.Fixture {
	small, err := smallFixture()
	require.NoError(t, err)
	fx := *small
	fx.Credentials = append([]fixture.Credential(nil), fx.Credentials...)
	fx.UserStores = append([]fixture.UserStore(nil), fx.UserStores...)
	fx.Faults = append([]fixture.Fault(nil), fx.Faults...)
	return &fx
}

func cred(t testing.TB, role string) signing.Credential {
	t.Helper()
	c, ok := loadFixture(t).Credential(role)
	require.True(t, ok, "credential role %s", role)
	return signing.Credential{SecretID: c.SecretID, SecretKey: c.SecretKey, Token: c.Token}
}

func storeOf(t testing.TB, role string) *fixture.UserStore {
	t.Helper()
	s, ok := loadFixture(t).UserStore(role)
	require.True(t, ok, "user store role %s", role)
	return s
}

// testClock is a settable clock for deterministic time (A3, R1).
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock(at time.Time) *testClock { return &testClock{now: at} }

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Set(at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = at
}

// newEmu builds an emulator at t0 on the small fixture (no "many" store) unless cfg
// says otherwise, failing the test on any recovered panic.
func newEmu(t testing.TB, cfg Config) *Emulator {
	t.Helper()
	if cfg.Fixture == nil {
		fx, err := smallFixture()
		require.NoError(t, err)
		cfg.Fixture = fx
	}
	if cfg.Clock == nil {
		cfg.Clock = func() time.Time { return t0 }
	}
	e, err := New(cfg)
	require.NoError(t, err)
	e.onPanic = func(v any) { t.Errorf("handler panicked: %v", v) }
	return e
}

// call describes one request; the zero value is a signed POST of "{}" by nobody.
type call struct {
	method  string // default POST
	body    string // POST body
	query   string // raw query (GET, or tampering)
	cred    signing.Credential
	ts      int64             // default t0
	action  string            // default ListJobs; "-" omits the header
	version string            // default 2022-03-31; "-" omits
	region  string            // default ap-guangzhou; "-" omits
	ctype   string            // default by method
	host    string            // default testHost
	signed  []string          // signed headers; nil = content-type;host
	headers map[string]string // set before signing
	noSign  bool              // no Authorization at all
	after   func(r *http.Request)
}

func orDefault(v, d string) string {
	if v == "" {
		return d
	}
	return v
}

func (c call) request(t testing.TB) *http.Request {
	t.Helper()
	method := orDefault(c.method, http.MethodPost)
	target := "/"
	if c.query != "" {
		target += "?" + c.query
	}
	var body io.Reader
	if method == http.MethodPost || c.body != "" {
		body = strings.NewReader(c.body)
	}
	r := httptest.NewRequest(method, target, body)
	r.Host = orDefault(c.host, testHost)
	ct := "application/json"
	if method == http.MethodGet {
		ct = "application/x-www-form-urlencoded"
	}
	r.Header.Set("Content-Type", orDefault(c.ctype, ct))
	for k, v := range map[string]string{"X-TC-Action": orDefault(c.action, "ListJobs"),
		"X-TC-Version": orDefault(c.version, "2022-03-31"), "X-TC-Region": orDefault(c.region, "ap-guangzhou")} {
		if v != "-" {
			r.Header.Set(k, v)
		}
	}
	for k, v := range c.headers {
		r.Header.Set(k, v)
	}
	ts := c.ts
	if ts == 0 {
		ts = t0.Unix()
	}
	if !c.noSign {
		payload := []byte(c.body)
		if method == http.MethodGet {
			payload = nil
		}
		signing.Sign(r, payload, c.cred, "ciam", ts, c.signed)
	}
	if c.after != nil {
		c.after(r)
	}
	return r
}

// result is a parsed response.
type result struct {
	status    int
	ctype     string
	raw       []byte
	code      string
	message   string
	requestID string
	jobSet    json.RawMessage // absent: nil
	jobs      []json.RawMessage
	ids       []string // sorted
	order     []string // as listed
}

func (r result) hasJobSet() bool { return r.jobSet != nil }

var uuidV4 = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// parse reads a response without judging it.
func parse(t testing.TB, status int, ctype string, raw []byte) result {
	t.Helper()
	res := result{status: status, ctype: ctype, raw: raw}
	var env struct{ Response map[string]json.RawMessage }
	require.NoError(t, json.Unmarshal(raw, &env), "body %s", raw)
	if e, ok := env.Response["Error"]; ok {
		var er struct{ Code, Message string }
		require.NoError(t, json.Unmarshal(e, &er), "body %s", raw)
		res.code, res.message = er.Code, er.Message
	}
	if id, ok := env.Response["RequestId"]; ok {
		require.NoError(t, json.Unmarshal(id, &res.requestID), "body %s", raw)
	}
	res.jobSet = env.Response["JobSet"]
	if len(res.jobSet) > 0 && res.jobSet[0] == '[' {
		require.NoError(t, json.Unmarshal(res.jobSet, &res.jobs))
		var heads []struct {
			ID string `json:"Id"`
		}
		require.NoError(t, json.Unmarshal(res.jobSet, &heads))
		for _, h := range heads {
			res.ids = append(res.ids, h.ID)
		}
		res.order = slices.Clone(res.ids)
		sort.Strings(res.ids)
	}
	return res
}

// checkEnvelope asserts T5-T9 on one response.
func checkEnvelope(t testing.TB, res result) {
	t.Helper()
	require.Equal(t, http.StatusOK, res.status, "T5 status; body %s", res.raw)
	require.Equal(t, "application/json", res.ctype, "T5 content type")
	require.Regexp(t, uuidV4, res.requestID, "T8/T9 RequestId")
	require.True(t, bytes.HasPrefix(res.raw, []byte(`{"Response":{`)) && bytes.HasSuffix(res.raw, []byte(`}}`)),
		"T5: only Response at the top")
	if res.code != "" {
		require.NotEmpty(t, res.message, "T7 message")
		require.False(t, res.hasJobSet(), "an error has no JobSet")
	} else {
		require.True(t, res.hasJobSet(), "T6 JobSet; body %s", res.raw)
	}
}

// serve runs a request through the handler and checks the envelope.
func serve(t testing.TB, h http.Handler, r *http.Request) result {
	t.Helper()
	res := serveRaw(t, h, r)
	checkEnvelope(t, res)
	return res
}

func serveRaw(t testing.TB, h http.Handler, r *http.Request) result {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return parse(t, rec.Code, rec.Header().Get("Content-Type"), rec.Body.Bytes())
}

// listBody is a POST body for ListJobs.
func listBody(storeID string, ids ...string) string {
	m := map[string]any{"UserStoreId": storeID}
	if ids != nil {
		m["JobIds"] = ids
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// listQuery is a GET query for ListJobs, as the Go SDK encodes it.
func listQuery(storeID string, ids ...string) string {
	v := url.Values{"UserStoreId": {storeID}}
	for i, id := range ids {
		v.Set("JobIds."+strconv.Itoa(i), id)
	}
	return v.Encode()
}

func sortedIDs(ids ...string) []string {
	out := append([]string(nil), ids...)
	sort.Strings(out)
	return out
}

func ioNopCloser(s string) io.ReadCloser { return io.NopCloser(strings.NewReader(s)) }
