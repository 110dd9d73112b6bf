//go:build !mechanical

package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fuzzSeed is one request as the fuzzer sees it: method, request target, header lines
// ("Name: value\n", Host included) and body.
type fuzzSeed struct {
	name, method, target, headers string
	body                          []byte
}

// seedOf turns a built request into a fuzz seed.
func seedOf(name string, r *http.Request, body string) fuzzSeed {
	var lines []string
	lines = append(lines, "Host: "+r.Host)
	for k, vs := range r.Header {
		for _, v := range vs {
			lines = append(lines, k+": "+v)
		}
	}
	sort.Strings(lines[1:])
	return fuzzSeed{name: name, method: r.Method, target: r.URL.RequestURI(), headers: strings.Join(lines, "\n"), body: []byte(body)}
}

// fuzzSeeds are valid requests signed at t0 (the harness's clock), so the fuzzer starts
// deep in the handler, plus a few refusals.
func fuzzSeeds(t testing.TB) []fuzzSeed {
	primary, temporary := cred(t, "primary"), cred(t, "temporary")
	varied, many := storeOf(t, "varied"), storeOf(t, "many")
	v := varied.JobIDs()
	post := func(name, body string, c call) fuzzSeed {
		c.body = body
		if c.cred.SecretID == "" {
			c.cred = primary
		}
		return seedOf(name, c.request(t), body)
	}
	get := func(name, query string) fuzzSeed {
		return seedOf(name, call{method: "GET", cred: primary, query: query}.request(t), "")
	}
	v1 := func(name, method string) fuzzSeed {
		params := signV1Form(t, method, primary, "HmacSHA256", t0.Unix(), map[string]string{"UserStoreId": varied.ID, "JobIds.0": v[0]})
		r := v1Request(t, method, params)
		if method == "GET" {
			return seedOf(name, r, "")
		}
		return seedOf(name, r, params)
	}
	return []fuzzSeed{
		post("post-all", listBody(varied.ID), call{}),
		post("post-filter", listBody(varied.ID, v[0], v[3], v[3], "nope"), call{}),
		post("post-many", listBody(many.ID, many.Jobs[7].ID), call{}),
		post("post-empty-jobids", `{"UserStoreId":"`+varied.ID+`","JobIds":[]}`, call{}),
		post("post-null", `{"UserStoreId":"`+varied.ID+`","JobIds":null}`, call{}),
		post("post-unknown-param", `{"UserStoreId":"`+varied.ID+`","Foo":{"a":[1,"x"]}}`, call{}),
		post("post-escapes", `{"UserStoreId":"`+escapeAll(varied.ID)+`","JobIds":["\u00e9\ud83d\ude00"]}`, call{}),
		post("post-temporary", listBody(varied.ID), call{cred: temporary}),
		post("post-fault", listBody("us-fault-internalerror"), call{}),
		post("post-other-account", listBody(storeOf(t, "other-account").ID), call{}),
		post("post-signed-action", listBody(varied.ID), call{signed: []string{"content-type", "host", "x-tc-action"}}),
		post("post-not-object", `[{"UserStoreId":1}]`, call{}),
		get("get-filter", listQuery(varied.ID, v[1], v[2])),
		get("get-odd", "JobIds.9="+v[0]+"&UserStoreId="+varied.ID+"&JobIds.x=%41+b"),
		v1("v1-get", "GET"),
		v1("v1-post", "POST"),
		{name: "put", method: "PUT", target: "/", headers: "Host: x", body: []byte("{}")},
		{name: "garbage", method: "POST", target: "/?a", headers: "Host: x\nAuthorization: TC3-HMAC-SHA256 Credential=a/b/c/d", body: []byte("\xff")},
	}
}

// fuzzRequest builds a request from fuzz input, or false when net/http would never
// hand such a request to a handler.
func fuzzRequest(method, target, headers string, body []byte) (*http.Request, bool) {
	if method == "" || strings.ContainsAny(method, " \r\n\t") {
		return nil, false
	}
	u, err := url.ParseRequestURI(target)
	if err != nil {
		return nil, false
	}
	r := &http.Request{Method: method, URL: u, RequestURI: target, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{}, Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body))}
	for _, line := range strings.Split(headers, "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		k, v = textproto.CanonicalMIMEHeaderKey(strings.TrimSpace(k)), strings.TrimSpace(v)
		switch k {
		case "Host":
			r.Host = v
		case "Transfer-Encoding":
			r.ContentLength = -1
		default:
			r.Header.Add(k, v)
		}
	}
	return r, true
}

// checkAnswer asserts the invariants of every answer: T5-T9, one job at most once.
func checkAnswer(t *testing.T, rec *httptest.ResponseRecorder) {
	t.Helper()
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("status %d, type %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	var env map[string]map[string]json.RawMessage
	if err := json.Unmarshal(rec.Body.Bytes(), &env); err != nil || len(env) != 1 || env["Response"] == nil {
		t.Fatalf("not an envelope: %s", rec.Body.Bytes())
	}
	resp := env["Response"]
	var id string
	if json.Unmarshal(resp["RequestId"], &id) != nil || !uuidV4.MatchString(id) {
		t.Fatalf("RequestId: %s", rec.Body.Bytes())
	}
	if e, ok := resp["Error"]; ok {
		var er struct{ Code, Message string }
		if json.Unmarshal(e, &er) != nil || er.Code == "" || er.Message == "" || len(resp) != 2 {
			t.Fatalf("error envelope: %s", rec.Body.Bytes())
		}
		return
	}
	var jobs []struct{ Id string }
	if json.Unmarshal(resp["JobSet"], &jobs) != nil || jobs == nil || len(resp) != 2 {
		t.Fatalf("success envelope: %s", rec.Body.Bytes())
	}
	seen := map[string]bool{}
	for _, j := range jobs {
		if seen[j.Id] {
			t.Fatalf("job %s listed twice", j.Id)
		}
		seen[j.Id] = true
	}
}

// FuzzServeHTTP drives the handler with arbitrary method, target, headers and body. The
// clock is fixed at t0, so the seeds' signatures stay valid.
func FuzzServeHTTP(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s.method, s.target, s.headers, s.body)
	}
	e := newEmu(f, Config{Fixture: loadFixture(f), Seed: 1})
	var panicked atomic.Value
	e.onPanic = func(v any) { panicked.Store(fmt.Sprint(v)) }
	f.Fuzz(func(t *testing.T, method, target, headers string, body []byte) {
		r, ok := fuzzRequest(method, target, headers, body)
		if !ok {
			return
		}
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, r)
		if v := panicked.Swap(""); v != nil && v != "" {
			t.Fatalf("handler panicked: %v", v)
		}
		checkAnswer(t, rec)
	})
}

// TestFuzzSeedsReachDeep: the seeds are what they claim (valid ones succeed), so the
// fuzzer starts past authentication.
func TestFuzzSeedsReachDeep(t *testing.T) {
	t.Parallel()
	e := newEmu(t, Config{Fixture: loadFixture(t), Seed: 1})
	want := map[string]string{"post-all": "", "post-filter": "", "post-many": "", "post-empty-jobids": "", "post-null": "",
		"post-unknown-param": "UnknownParameter", "post-escapes": "", "post-temporary": "", "post-fault": "InternalError",
		"post-other-account": "FailedOperation.InvalidUserStore", "post-signed-action": "", "post-not-object": "InvalidParameter",
		"get-filter": "", "get-odd": "UnknownParameter", "v1-get": "", "v1-post": "", "put": "UnsupportedProtocol",
		"garbage": "AuthFailure.InvalidAuthorization"}
	for _, s := range fuzzSeeds(t) {
		r, ok := fuzzRequest(s.method, s.target, s.headers, s.body)
		require.True(t, ok, s.name)
		res := serve(t, e, r)
		assert.Equal(t, want[s.name], res.code, "%s: %s", s.name, res.message)
	}
}

// TestFuzzCorpus keeps testdata/fuzz/FuzzServeHTTP in step with fuzzSeeds; run with
// UPDATE_FUZZ_CORPUS=1 to rewrite it.
func TestFuzzCorpus(t *testing.T) {
	t.Parallel()
	var seeds []corpusFile
	for _, s := range fuzzSeeds(t) {
		seeds = append(seeds, corpusFile{s.name, "string(" + strconv.Quote(s.method) + ")\n" +
			"string(" + strconv.Quote(s.target) + ")\n" +
			"string(" + strconv.Quote(s.headers) + ")\n" +
			"[]byte(" + strconv.Quote(string(s.body)) + ")\n"})
	}
	checkCorpus(t, "FuzzServeHTTP", "TestFuzzCorpus", seeds)
}

// corpusFile is one seed of a fuzz target's corpus: its name, and its lines after
// "go test fuzz v1".
type corpusFile struct{ name, lines string }

// checkCorpus holds testdata/fuzz/<target> to the seeds, or rewrites it with
// UPDATE_FUZZ_CORPUS=1; test is the test that calls it, for the hint.
func checkCorpus(t *testing.T, target, test string, seeds []corpusFile) {
	t.Helper()
	dir := filepath.Join("testdata", "fuzz", target)
	hint := "run UPDATE_FUZZ_CORPUS=1 go test -run " + test + " ./emulator/"
	for _, f := range seeds {
		content := "go test fuzz v1\n" + f.lines
		path := filepath.Join(dir, "seed-"+f.name)
		if os.Getenv("UPDATE_FUZZ_CORPUS") == "1" {
			require.NoError(t, os.MkdirAll(dir, 0o755))
			require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
			continue
		}
		got, err := os.ReadFile(path)
		require.NoError(t, err, hint)
		assert.Equal(t, content, string(got), "%s is stale: %s", path, hint)
	}
}
