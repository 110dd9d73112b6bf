//go:build !mechanical

package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciam-harness/listjobs/contract"
	"github.com/ciam-harness/listjobs/fixture"
	"github.com/ciam-harness/listjobs/signing"
)

// FuzzSignedRequest gets past authentication: every generated request is signed
// correctly (TC3, or signature v1 for a GET or a form POST) with a fixture key, over
// whatever method, query, headers, content type and body the fuzzer chose, so the
// inputs reach routing, parameter parsing, filtering and encoding. The input is:
//
//   - key: the key that signs, fuzzKeys[key % 8] (two of them are not the fixture's:
//     an unknown SecretId and a wrong SecretKey);
//   - scheme: bits 0-1 the signature: 0 TC3 over content-type and host, 1 TC3 over every
//     header, 2 signature v1 HmacSHA256, 3 v1 HmacSHA1 (v1 for GET and POST only: the
//     query, or the body read as a form, re-encoded with the common parameters);
//     bit 7 sends the request rateBurst times in one second, past the rate limit;
//   - method ("" is POST), the raw query, the body, the Content-Type ("" is the default
//     of the method);
//   - headers: up to maxFuzzHeaders lines "Name: value", set before signing (so signed);
//     an empty value removes the header, "Host" is the host, "Content-Length" and
//     "Transfer-Encoding: chunked" frame the body as net/http would; a line starting
//     with "!" is applied after signing, so it may break what was signed.
//
// Every answer must be HTTP 200, application/json, the strict envelope with a documented
// code (CONTRACT.md's ledger), and, on success, the jobs of the caller's own user store,
// each at most once; no panic may be recovered.
func FuzzSignedRequest(f *testing.F) {
	for _, s := range signedSeeds(f) {
		f.Add(s.key, s.scheme, s.method, s.query, s.headers, s.ctype, s.body)
	}
	h := newSignedHarness(f)
	f.Fuzz(func(t *testing.T, key, scheme uint8, method, query, headers, ctype string, body []byte) {
		in := signedInput{key: key, scheme: scheme, method: method, query: query, headers: headers, ctype: ctype, body: body}
		if _, err := h.run(in); err != nil {
			t.Fatal(err)
		}
	})
}

// signedInput is one input of FuzzSignedRequest; name and want (the code of its first
// answer, "" for a success) are for the seeds.
type signedInput struct {
	name                          string
	key, scheme                   uint8
	method, query, headers, ctype string
	body                          []byte
	want                          string
}

// Scheme bits of a signedInput.
const (
	schemeTC3, schemeTC3All, schemeV1SHA256, schemeV1SHA1 = 0, 1, 2, 3
	schemeBurst                                           = 0x80
)

// fuzzKeys are the keys an input may sign with. The fixture's rate limit is on, and
// rateBurst is one past it.
var fuzzKeys = [8]string{"primary", "temporary", "other-account", "not-activated", "same-owner", "rate-limit-one-owner", "unknown", "wrong-secret"}

const (
	fuzzRateLimit  = DefaultRateLimit
	rateBurst      = fuzzRateLimit + 1
	maxFuzzHeaders = 8
)

// signedHarness is the emulator the inputs go to, with a clock that starts every input
// in a second of its own, so that the rate limit counts one input's requests only and an
// input's answers do not depend on the ones before it.
type signedHarness struct {
	e        *Emulator
	fx       *fixture.Fixture
	tick     atomic.Int64
	now      atomic.Int64 // Unix seconds of the current input
	panicked atomic.Value
	codes    map[string]bool // the documented codes
	storeOf  map[string]*fixture.UserStore
}

func newSignedHarness(t testing.TB) *signedHarness {
	t.Helper()
	h := &signedHarness{fx: loadFixture(t), codes: documentedCodes(t), storeOf: map[string]*fixture.UserStore{}}
	for i := range h.fx.UserStores {
		s := &h.fx.UserStores[i]
		for _, j := range s.Jobs {
			h.storeOf[j.ID] = s
		}
	}
	h.now.Store(t0.Unix())
	h.e = newEmu(t, Config{Fixture: h.fx, Seed: 1, RateLimit: fuzzRateLimit,
		Clock: func() time.Time { return time.Unix(h.now.Load(), 0) }})
	h.e.onPanic = func(v any) { h.panicked.Store(fmt.Sprint(v)) }
	return h
}

// documentedCodes is the error-code ledger of CONTRACT.md: the ListJobs table and the
// common codes the rows use, the set the harness treats as documented.
func documentedCodes(t testing.TB) map[string]bool {
	t.Helper()
	codes, err := contract.Codes()
	require.NoError(t, err)
	out := map[string]bool{}
	for _, c := range codes {
		out[c.Name] = true
	}
	return out
}

// signingKey returns the key of a role of fuzzKeys and the account it lists for.
func (h *signedHarness) signingKey(role string) (signing.Credential, string) {
	switch role {
	case "unknown":
		return signing.Credential{SecretID: "AKIDfuzzUnknownKey00000000000000000", SecretKey: "fuzzSecretKeyUnknown"}, ""
	case "wrong-secret":
		c, _ := h.fx.Credential("primary")
		return signing.Credential{SecretID: c.SecretID, SecretKey: c.SecretKey + "-wrong"}, ""
	}
	c, _ := h.fx.Credential(role)
	return signing.Credential{SecretID: c.SecretID, SecretKey: c.SecretKey, Token: c.Token}, c.Account
}

// run sends one input (rateBurst times with schemeBurst) and checks every answer. It
// returns the codes of the answers ("" for a success), or false when net/http would
// never hand such a request to a handler.
func (h *signedHarness) run(in signedInput) ([]string, error) {
	now := t0.Add(time.Duration(h.tick.Add(1)) * 2 * time.Second)
	h.now.Store(now.Unix())
	cred, account := h.signingKey(fuzzKeys[in.key%8])
	n := 1
	if in.scheme&schemeBurst != 0 {
		n = rateBurst
	}
	var codes []string
	for range n {
		r, payload, ok := buildSigned(in, cred, now)
		if !ok {
			return nil, nil
		}
		asked, _ := requestedStore(r, payload)
		rec := httptest.NewRecorder()
		h.e.ServeHTTP(rec, r)
		if v := h.panicked.Swap(""); v != nil && v != "" {
			return codes, fmt.Errorf("the handler panicked: %v", v)
		}
		code, err := h.check(rec, account, asked)
		if err != nil {
			return codes, err
		}
		codes = append(codes, code)
	}
	// R1: the answers of one second are the same until the limit, the one past it is the
	// same or RequestLimitExceeded; a success is always counted.
	for i, c := range codes {
		switch {
		case i < fuzzRateLimit && c != codes[0]:
			return codes, fmt.Errorf("answer %d of a burst is %q, the first %q", i+1, c, codes[0])
		case i == fuzzRateLimit && c != codes[0] && c != codeRequestLimitExceeded:
			return codes, fmt.Errorf("answer %d of a burst is %q; want %q or RequestLimitExceeded", i+1, c, codes[0])
		case i == fuzzRateLimit && codes[0] == "" && c != codeRequestLimitExceeded:
			return codes, fmt.Errorf("answer %d of a burst of successes is %q; want RequestLimitExceeded", i+1, c)
		}
	}
	return codes, nil
}

// requestedStore is the UserStoreId a request asks for, read independently of the
// emulator's parser (encoding/json, net/url), or false when that reading finds none or
// is unsure (a query that net/url splits otherwise).
func requestedStore(r *http.Request, payload []byte) (string, bool) {
	var q string
	switch {
	case r.Method == http.MethodGet:
		q = r.URL.RawQuery
	case r.Header.Get("Authorization") == "": // signature v1: a form body
		q = string(payload)
	default:
		var p struct{ UserStoreId *string }
		if json.Unmarshal(payload, &p) != nil || p.UserStoreId == nil {
			return "", false
		}
		return *p.UserStoreId, true
	}
	v, err := url.ParseQuery(q)
	if err != nil || len(v["UserStoreId"]) != 1 {
		return "", false
	}
	return v["UserStoreId"][0], true
}

// check asserts the invariants of one answer and returns its code. asked is the user
// store the request asked for ("" when unknown).
func (h *signedHarness) check(rec *httptest.ResponseRecorder, account, asked string) (string, error) {
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/json" {
		return "", fmt.Errorf("HTTP %d, Content-Type %q; want 200 application/json", rec.Code, rec.Header().Get("Content-Type"))
	}
	env, err := strictEnvelope(rec.Body.Bytes())
	if err != nil {
		return "", fmt.Errorf("%v: %s", err, shortBody(rec.Body.Bytes()))
	}
	if env.code != "" {
		if !h.codes[env.code] {
			return "", fmt.Errorf("the code %q is not documented (CONTRACT.md's ledger)", env.code)
		}
		return env.code, nil
	}
	seen := map[string]bool{}
	var store *fixture.UserStore
	for _, id := range env.ids {
		if seen[id] {
			return "", fmt.Errorf("the job %s is listed twice", id)
		}
		seen[id] = true
		s := h.storeOf[id]
		switch {
		case s == nil:
			return "", fmt.Errorf("the job %s is of no user store", id)
		case store == nil:
			store = s
		case s != store:
			return "", fmt.Errorf("the listing mixes the user stores %s and %s", store.ID, s.ID)
		}
	}
	if store != nil && store.Account != account {
		return "", fmt.Errorf("a key of the account %q listed the jobs of %s, of the account %s", account, store.ID, store.Account)
	}
	if store != nil && asked != "" && store.ID != asked {
		return "", fmt.Errorf("the request asked for the user store %q and got the jobs of %s", asked, store.ID)
	}
	return "", nil
}

func shortBody(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + "…"
	}
	return string(b)
}

// envelope is what strictEnvelope read of an answer.
type envelope struct {
	code string   // "" for a success
	ids  []string // a success's job ids, as listed
}

// strictEnvelope reads an answer strictly: valid UTF-8, one JSON value, no member given
// twice anywhere, and exactly {"Response":{"Error":{"Code","Message"},"RequestId"}} or
// {"Response":{"JobSet":[{"Id",...},...],"RequestId"}}, with non-empty strings and a
// UUID v4 RequestId.
func strictEnvelope(body []byte) (envelope, error) {
	var env envelope
	if !utf8.Valid(body) || !json.Valid(body) {
		return env, errors.New("not valid UTF-8 JSON")
	}
	if err := noDuplicateMembers(body); err != nil {
		return env, err
	}
	var top map[string]map[string]json.RawMessage
	if err := json.Unmarshal(body, &top); err != nil || len(top) != 1 || top["Response"] == nil {
		return env, errors.New("not {\"Response\": {...}} alone")
	}
	resp := top["Response"]
	var id string
	if json.Unmarshal(resp["RequestId"], &id) != nil || !uuidV4.MatchString(id) || len(resp) != 2 {
		return env, errors.New("want RequestId, a UUID v4, and one other member")
	}
	if raw, ok := resp["Error"]; ok {
		var e map[string]string
		if json.Unmarshal(raw, &e) != nil || len(e) != 2 || e["Code"] == "" || e["Message"] == "" {
			return env, errors.New("want Error {Code, Message}, non-empty strings")
		}
		env.code = e["Code"]
		return env, nil
	}
	var jobs []map[string]json.RawMessage
	if raw := resp["JobSet"]; raw == nil || json.Unmarshal(raw, &jobs) != nil || jobs == nil {
		return env, errors.New("want JobSet, an array of objects")
	}
	for i, j := range jobs {
		var jid string
		if json.Unmarshal(j["Id"], &jid) != nil || jid == "" {
			return env, fmt.Errorf("JobSet[%d] has no Id", i)
		}
		env.ids = append(env.ids, jid)
	}
	return env, nil
}

// noDuplicateMembers reports a member name given twice in one object of valid JSON.
func noDuplicateMembers(body []byte) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	type level struct {
		names    map[string]bool
		wantName bool
	}
	var stack []*level
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		var top *level
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
			stack = stack[:len(stack)-1]
			continue
		}
		if top != nil && top.wantName {
			name := tok.(string)
			if top.names[name] {
				return fmt.Errorf("the member %q is given twice", name)
			}
			top.names[name], top.wantName = true, false
			continue
		}
		if top != nil && top.names != nil {
			top.wantName = true
		}
		if d, ok := tok.(json.Delim); ok {
			l := &level{}
			if d == '{' {
				l.names, l.wantName = map[string]bool{}, true
			}
			stack = append(stack, l)
		}
	}
}

// headerLine is one header of an input: set before signing, or after (late).
type headerLine struct {
	name, value string
	late        bool
}

// headerLines reads the header lines of an input; lines net/http would refuse (a name
// that is not a token, a value with control characters) are left out.
func headerLines(s string) []headerLine {
	var out []headerLine
	for _, line := range strings.Split(s, "\n") {
		if len(out) == maxFuzzHeaders {
			break
		}
		late := strings.HasPrefix(line, "!")
		k, v, ok := strings.Cut(strings.TrimPrefix(line, "!"), ":")
		k, v = strings.TrimSpace(k), strings.Trim(v, " \t")
		if !ok || !isToken(k) || strings.ContainsFunc(v, func(r rune) bool { return r < ' ' && r != '\t' || r == 0x7f }) {
			continue
		}
		out = append(out, headerLine{name: http.CanonicalHeaderKey(k), value: v, late: late})
	}
	return out
}

func isToken(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return s != ""
}

// buildSigned builds the request of an input, signed with cred at now, and returns it
// with its body as framed, or false when net/http would never hand such a request to a
// handler.
func buildSigned(in signedInput, cred signing.Credential, now time.Time) (*http.Request, []byte, bool) {
	method := in.method
	if method == "" {
		method = http.MethodPost
	}
	if !isToken(method) || strings.ContainsFunc(in.query, func(r rune) bool { return r <= ' ' || r == 0x7f || r == '#' }) {
		return nil, nil, false
	}
	query, body, ctype := in.query, in.body, in.ctype
	if ctype == "" {
		ctype = "application/json"
		if method == http.MethodGet {
			ctype = "application/x-www-form-urlencoded"
		}
	}
	if strings.ContainsFunc(ctype, func(r rune) bool { return r < ' ' && r != '\t' || r == 0x7f }) {
		return nil, nil, false
	}
	lines := headerLines(in.headers)
	v1 := in.scheme&3 >= schemeV1SHA256 && (method == http.MethodGet || method == http.MethodPost)
	if v1 {
		src := query
		if method == http.MethodPost {
			src = string(body)
			if mt, _, _ := mime.ParseMediaType(ctype); mt != "application/x-www-form-urlencoded" {
				ctype = "application/x-www-form-urlencoded"
			}
		}
		params, _ := url.ParseQuery(src) // what does not parse is left out
		for k, d := range map[string]string{"Action": actionName, "Version": apiVersion, "Region": "ap-guangzhou"} {
			if _, ok := params[k]; !ok {
				params.Set(k, d)
			}
		}
		sigMethod := signing.HmacSHA256
		if in.scheme&3 == schemeV1SHA1 {
			sigMethod = ""
		}
		host := testHost
		for _, l := range lines {
			if l.name == "Host" && !l.late {
				host = l.value
			}
		}
		if signing.SignV1Params(params, cred, method, host, "/", sigMethod, now.Unix(), 11886) != nil {
			return nil, nil, false
		}
		if method == http.MethodGet {
			query = params.Encode()
		} else {
			body = []byte(params.Encode())
		}
	}
	target := "/"
	if query != "" {
		target += "?" + query
	}
	u, err := url.ParseRequestURI(target)
	if err != nil {
		return nil, nil, false
	}
	r := &http.Request{Method: method, URL: u, RequestURI: target, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Host: testHost, Header: http.Header{}, ContentLength: int64(len(body))}
	r.Header.Set("Content-Type", ctype)
	if !v1 {
		r.Header.Set("X-TC-Action", actionName)
		r.Header.Set("X-TC-Version", apiVersion)
		r.Header.Set("X-TC-Region", "ap-guangzhou")
	}
	apply := func(late bool) {
		set := map[string]bool{}
		for _, l := range lines {
			if l.late != late {
				continue
			}
			switch {
			case l.name == "Host":
				r.Host = l.value
			case l.name == "Content-Length":
				if n, err := strconv.ParseInt(l.value, 10, 64); err == nil && n >= 0 {
					r.ContentLength = n
				}
			case l.name == "Transfer-Encoding" && strings.EqualFold(l.value, "chunked"):
				r.ContentLength = -1
			case l.value == "":
				r.Header.Del(l.name)
			case set[l.name]:
				r.Header.Add(l.name, l.value)
			default:
				r.Header.Set(l.name, l.value)
				set[l.name] = true
			}
		}
	}
	apply(false)
	if !v1 {
		var signed []string
		if in.scheme&3 == schemeTC3All {
			signed = []string{"host", "x-tc-timestamp"}
			if cred.Token != "" {
				signed = append(signed, "x-tc-token")
			}
			for k := range r.Header {
				if l := strings.ToLower(k); !slices.Contains(signed, l) {
					signed = append(signed, l)
				}
			}
		}
		payload := body
		if method == http.MethodGet {
			payload = nil
		}
		signing.Sign(r, payload, cred, serviceName, now.Unix(), signed)
	}
	apply(true)
	// The body as net/http frames it: Content-Length bytes of it, none for 0.
	switch {
	case r.ContentLength == 0:
		body = nil
	case r.ContentLength > 0 && r.ContentLength < int64(len(body)):
		body = body[:r.ContentLength]
	}
	r.Body = http.NoBody
	if body != nil {
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	return r, body, true
}

// signedSeeds start the fuzzer at every code the emulator produces and at successes of
// every scheme (TestSignedSeedsReachEveryCode).
func signedSeeds(t testing.TB) []signedInput {
	fx := loadFixture(t)
	varied, many := storeOf(t, "varied"), storeOf(t, "many")
	v := varied.JobIDs()
	const primary, temporary, otherAccount, notActivated, sameOwner, unknown, wrongSecret = 0, 1, 2, 3, 4, 6, 7
	post := func(name string, key uint8, headers, body, want string) signedInput {
		return signedInput{name: name, key: key, method: "POST", headers: headers, body: []byte(body), want: want}
	}
	seeds := []signedInput{
		post("post-all", primary, "", listBody(varied.ID), ""),
		post("post-filter", primary, "", listBody(varied.ID, v[0], v[3], v[3], "nope"), ""),
		post("post-many", sameOwner, "", listBody(many.ID, many.Jobs[7].ID, many.Jobs[9].ID), ""),
		post("post-temporary", temporary, "", listBody(varied.ID), ""),
		post("post-null", primary, "X-TC-Language: en-US", `{"UserStoreId":"`+escapeAll(varied.ID)+`","JobIds":null}`, ""),
		{name: "post-sign-all", key: primary, scheme: schemeTC3All, method: "POST", headers: "X-TC-Language: zh-CN\nX-Extra: a\nX-Extra: b",
			ctype: "application/json; charset=utf-8", body: []byte(listBody(varied.ID, v[1]))},
		{name: "post-unsigned-payload", key: primary, method: "POST", headers: "X-TC-Content-SHA256: UNSIGNED-PAYLOAD", body: []byte(listBody(varied.ID))},
		{name: "get-filter", key: primary, method: "GET", query: listQuery(varied.ID, v[1], v[2])},
		{name: "get-v1", key: temporary, scheme: schemeV1SHA256, method: "GET", query: listQuery(varied.ID, v[0])},
		{name: "post-v1-form", key: primary, scheme: schemeV1SHA1, method: "POST", body: []byte(listQuery(varied.ID, v[4], v[5]))},
		{name: "post-burst", key: primary, scheme: schemeBurst, method: "POST", body: []byte(listBody(varied.ID)), want: ""},

		post("size", primary, "Content-Length: 10485761", "{}", codeRequestSizeLimitExceeded),
		{name: "put", key: primary, method: "PUT", body: []byte("{}"), want: codeUnsupportedProtocol},
		post("no-authorization", primary, "!Authorization:", listBody(varied.ID), codeInvalidAuthorization),
		post("missing-region", primary, "X-TC-Region:", listBody(varied.ID), codeMissingParameter),
		post("missing-store", primary, "", `{"JobIds":[]}`, codeMissingParameter),
		post("not-object", primary, "", `[{"UserStoreId":1}]`, codeInvalidParameter),
		{name: "get-jobids-twice", key: primary, method: "GET", query: "UserStoreId=" + varied.ID + "&JobIds.0=a&JobIds.00=b", want: codeInvalidParameter},
		post("unknown-param", primary, "", `{"UserStoreId":"`+varied.ID+`","Foo":{"a":[1,"x"]}}`, codeUnknownParameter),
		post("expired", primary, "!X-TC-Timestamp: 1000000000", listBody(varied.ID), codeSignatureExpire),
		post("wrong-secret", wrongSecret, "", listBody(varied.ID), codeSignatureFailure),
		post("unknown-key", unknown, "", listBody(varied.ID), codeSecretIDNotFound),
		post("wrong-token", temporary, "!X-TC-Token: emuSessionTokenCarol-wrong", listBody(varied.ID), codeTokenFailure),
		post("not-activated", notActivated, "", listBody(varied.ID), codeTenantNotActivated),
		post("invalid-action", primary, "X-TC-Action: DescribeJobs", listBody(varied.ID), codeInvalidAction),
		post("no-such-version", primary, "X-TC-Version: 2017-03-12", listBody(varied.ID), codeNoSuchVersion),
		post("unsupported-region", primary, "X-TC-Region: moon-1", listBody(varied.ID), codeUnsupportedRegion),
		{name: "burst-of-errors", key: primary, scheme: schemeBurst, method: "POST", body: []byte(`{}`), want: codeMissingParameter},
		post("other-account", otherAccount, "", listBody(varied.ID), codeInvalidUserStore),
	}
	for _, f := range fx.Faults {
		name := "fault-" + strings.ToLower(strings.ReplaceAll(f.Code, ".", "-"))
		seeds = append(seeds, post(name, primary, "", listBody(f.UserStoreID), f.Code))
	}
	return seeds
}

// emulatorCodes are the error codes the emulator produces by itself: the string
// constants named code* in response.go, read from the source so that a new code needs
// a seed that reaches it.
func emulatorCodes(t testing.TB) []string {
	t.Helper()
	file, err := parser.ParseFile(token.NewFileSet(), "response.go", nil, 0)
	require.NoError(t, err)
	var codes []string
	for _, d := range file.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, spec := range g.Specs {
			vs := spec.(*ast.ValueSpec)
			for i, n := range vs.Names {
				if lit, ok := vs.Values[i].(*ast.BasicLit); ok && strings.HasPrefix(n.Name, "code") {
					s, err := strconv.Unquote(lit.Value)
					require.NoError(t, err)
					codes = append(codes, s)
				}
			}
		}
	}
	require.NotEmpty(t, codes)
	return codes
}

// TestSignedSeedsReachEveryCode runs the seeds of FuzzSignedRequest through the fuzz
// target's own checks: each gets its code, and together they reach a success, every
// code the emulator produces by itself and every code of the fixture's faults.
func TestSignedSeedsReachEveryCode(t *testing.T) {
	t.Parallel()
	h := newSignedHarness(t)
	reached := map[string]bool{}
	for _, s := range signedSeeds(t) {
		codes, err := h.run(s)
		require.NoError(t, err, s.name)
		require.NotEmpty(t, codes, "%s: net/http would not hand it over", s.name)
		assert.Equal(t, s.want, codes[0], s.name)
		for _, c := range codes {
			reached[c] = true
		}
	}
	want := map[string]bool{"": true}
	for _, c := range emulatorCodes(t) {
		want[c] = true
	}
	for _, c := range loadFixture(t).FaultCodes() {
		want[c] = true
	}
	var missing []string
	for c := range want {
		if !reached[c] {
			missing = append(missing, c)
		}
	}
	sort.Strings(missing)
	assert.Empty(t, missing, "codes no seed reaches")
	assert.True(t, reached[codeRequestLimitExceeded], "the burst seeds reach the rate limit")
}

// TestRequestedStore: the oracle of the store a request asks for reads TC3 JSON bodies,
// queries and v1 forms.
func TestRequestedStore(t *testing.T) {
	t.Parallel()
	primary := cred(t, "primary")
	varied := storeOf(t, "varied")
	for name, in := range map[string]signedInput{
		"json":    {method: "POST", body: []byte(`{"UserStoreId":"` + escapeAll(varied.ID) + `"}`)},
		"query":   {method: "GET", query: listQuery(varied.ID, "a")},
		"v1 form": {method: "POST", scheme: schemeV1SHA256, body: []byte(listQuery(varied.ID))},
		"v1 get":  {method: "GET", scheme: schemeV1SHA1, query: listQuery(varied.ID)},
	} {
		r, payload, ok := buildSigned(in, primary, t0)
		require.True(t, ok, name)
		got, ok := requestedStore(r, payload)
		assert.True(t, ok, name)
		assert.Equal(t, varied.ID, got, name)
	}
	r, payload, _ := buildSigned(signedInput{method: "GET", query: "UserStoreId=a;b"}, primary, t0)
	_, ok := requestedStore(r, payload)
	assert.False(t, ok, "a query net/url splits otherwise is left unjudged")
}

// TestSignedHarnessCatches: the checks of FuzzSignedRequest fail on broken answers.
func TestSignedHarnessCatches(t *testing.T) {
	t.Parallel()
	h := newSignedHarness(t)
	varied, other := storeOf(t, "varied"), storeOf(t, "other-account")
	_, account := h.signingKey("primary")
	answer := func(status int, ctype, body string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		rec.Header().Set("Content-Type", ctype)
		rec.WriteHeader(status)
		rec.WriteString(body)
		return rec
	}
	const rid = `"RequestId":"0f8fad5b-d9cb-469f-a165-70867728950e"`
	job := func(id string) string { return `{"Id":"` + id + `"}` }
	good := answer(200, "application/json", `{"Response":{"JobSet":[`+job(varied.Jobs[0].ID)+`],`+rid+`}}`)
	_, err := h.check(good, account, varied.ID)
	require.NoError(t, err)
	_, err = h.check(good, account, storeOf(t, "sibling").ID)
	assert.Error(t, err, "the jobs of another store than the one asked for")
	for name, rec := range map[string]*httptest.ResponseRecorder{
		"status":         answer(500, "application/json", `{"Response":{"JobSet":[],`+rid+`}}`),
		"content type":   answer(200, "text/plain", `{"Response":{"JobSet":[],`+rid+`}}`),
		"not JSON":       answer(200, "application/json", `{"Response":`),
		"duplicate":      answer(200, "application/json", `{"Response":{"JobSet":[],"JobSet":[],`+rid+`}}`),
		"extra member":   answer(200, "application/json", `{"Response":{"JobSet":[],`+rid+`,"X":1}}`),
		"undocumented":   answer(200, "application/json", `{"Response":{"Error":{"Code":"Oops","Message":"m"},`+rid+`}}`),
		"twice":          answer(200, "application/json", `{"Response":{"JobSet":[`+job(varied.Jobs[0].ID)+`,`+job(varied.Jobs[0].ID)+`],`+rid+`}}`),
		"another tenant": answer(200, "application/json", `{"Response":{"JobSet":[`+job(other.Jobs[0].ID)+`],`+rid+`}}`),
		"two stores":     answer(200, "application/json", `{"Response":{"JobSet":[`+job(varied.Jobs[0].ID)+`,`+job(storeOf(t, "sibling").Jobs[0].ID)+`],`+rid+`}}`),
		"phantom job":    answer(200, "application/json", `{"Response":{"JobSet":[`+job("job-nowhere")+`],`+rid+`}}`),
		"null JobSet":    answer(200, "application/json", `{"Response":{"JobSet":null,`+rid+`}}`),
		"bad RequestId":  answer(200, "application/json", `{"Response":{"JobSet":[],"RequestId":"x"}}`),
	} {
		_, err := h.check(rec, account, "")
		assert.Error(t, err, name)
	}
	// A panic the emulator recovered fails the input.
	h.e.onPanic("boom")
	_, err = h.run(signedSeeds(t)[0])
	assert.ErrorContains(t, err, "panicked: boom")
}

// FuzzParamGrammar fuzzes the query grammar alone (splitQuery and parsePairs: the GET
// parameters of T2 and the v1 business parameters, Name.N): it never panics, and what
// it parses round-trips: the pairs it read, encoded again, parse to the same pairs and
// the same parameters or error.
func FuzzParamGrammar(f *testing.F) {
	for _, q := range []string{
		"", "UserStoreId=us-1", listQuery("us-c45caa06742e7f3db2e1ec45413447d7", "job-1", "job-2"),
		"JobIds.9=a&UserStoreId=u&JobIds.x=%41+b", "JobIds.0=a&JobIds.00=b", "a&b=c", "%zz=1", "k=%4", "=&&=",
		"UserStoreId=a&UserStoreId=b", "JobIds.123456789=x&JobIds.1234567890=y", "a;b=c;d", "JobIds.%30=x", "%ff%fe=%00",
	} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, query string) {
		pairs, _, req, perr := parseGrammar([]byte(query))
		again := encodePairs(pairs)
		pairs2, ok2, req2, perr2 := parseGrammar(again)
		if !ok2 {
			t.Fatalf("the encoding %q of the pairs of %q does not parse", again, query)
		}
		if !samePairs(pairs, pairs2) {
			t.Fatalf("pairs of %q: %q; encoded as %q they parse to %q", query, pairs, again, pairs2)
		}
		if fmt.Sprint(perr) != fmt.Sprint(perr2) || !sameRequest(req, req2) {
			t.Fatalf("%q parses to %+v (%v), its encoding %q to %+v (%v)", query, req, perr, again, req2, perr2)
		}
	})
}

// parseGrammar runs the query grammar on fresh buffers.
func parseGrammar(q []byte) ([]pair, bool, request, *paramError) {
	sc := new(scratch)
	pairs, ok := splitQuery(q, sc)
	pairs = slices.Clone(pairs)
	var req request
	perr := (&Emulator{}).parsePairs(pairs, &req, sc)
	req.ids = slices.Clone(req.ids)
	return pairs, ok, req, perr
}

// encodePairs writes pairs as a query, every byte that is not unreserved escaped.
func encodePairs(pairs []pair) []byte {
	var parts []string
	for _, p := range pairs {
		parts = append(parts, url.QueryEscape(string(p.key))+"="+url.QueryEscape(string(p.val)))
	}
	return []byte(strings.Join(parts, "&"))
}

func samePairs(a, b []pair) bool {
	return slices.EqualFunc(a, b, func(x, y pair) bool { return bytes.Equal(x.key, y.key) && bytes.Equal(x.val, y.val) })
}

func sameRequest(a, b request) bool {
	return a.hasStore == b.hasStore && a.hasIDs == b.hasIDs && bytes.Equal(a.storeID, b.storeID) &&
		slices.EqualFunc(a.ids, b.ids, bytes.Equal)
}

// TestParamGrammarRoundTrips pins the round trip FuzzParamGrammar checks on a few
// queries whose escapes change in the encoding.
func TestParamGrammarRoundTrips(t *testing.T) {
	t.Parallel()
	pairs, ok, req, perr := parseGrammar([]byte("JobIds.3=%41+b&UserStoreId=us%2D1&x"))
	assert.False(t, ok, "a segment without '='")
	require.Nil(t, perr)
	assert.Equal(t, "us-1", string(req.storeID))
	assert.Equal(t, [][]byte{[]byte("A b")}, req.ids)
	again := encodePairs(pairs)
	assert.Equal(t, "JobIds.3=A+b&UserStoreId=us-1", string(again))
	pairs2, ok2, req2, _ := parseGrammar(again)
	assert.True(t, ok2)
	assert.True(t, samePairs(pairs, pairs2))
	assert.True(t, sameRequest(req, req2))
}

// TestSignedFuzzCorpus keeps testdata/fuzz/FuzzSignedRequest in step with signedSeeds;
// run with UPDATE_FUZZ_CORPUS=1 to rewrite it.
func TestSignedFuzzCorpus(t *testing.T) {
	t.Parallel()
	var seeds []corpusFile
	for _, s := range signedSeeds(t) {
		seeds = append(seeds, corpusFile{s.name, fmt.Sprintf("byte(%q)\n", s.key) + fmt.Sprintf("byte(%q)\n", s.scheme) +
			"string(" + strconv.Quote(s.method) + ")\n" +
			"string(" + strconv.Quote(s.query) + ")\n" +
			"string(" + strconv.Quote(s.headers) + ")\n" +
			"string(" + strconv.Quote(s.ctype) + ")\n" +
			"[]byte(" + strconv.Quote(string(s.body)) + ")\n"})
	}
	checkCorpus(t, "FuzzSignedRequest", "TestSignedFuzzCorpus", seeds)
}
