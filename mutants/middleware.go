package mutants

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ciam-harness/listjobs/fixture"
	"github.com/ciam-harness/listjobs/signing"
)

// Request-aware mutants: middlewares (emulator.Config.Wrap) in front of the
// reference emulator. They read the request, and either answer in the emulator's place,
// change the request before the emulator sees it, or change the emulator's answer.
//
// A middleware that changes a signed request re-signs it (resign), and does so only for
// a request whose signature verified as received, with the key the fixture gives its
// SecretId: it changes what its mutant breaks and nothing else. The exceptions are the
// authentication mutants whose point is to accept what the emulator refuses.

// maxRead bounds how much of a request body a middleware reads: the emulator's own T10
// limit. A longer body is passed on unread, so that T10 stays the emulator's to judge.
const maxRead = 10 << 20

// call is one request as a middleware sees it.
type call struct {
	r      *http.Request
	body   []byte // a POST body read in full; nil for GET
	tooBig bool   // a POST body over maxRead (or unreadable): passed on unread
}

func newCall(r *http.Request) *call {
	c := &call{r: r}
	if r.Method == http.MethodGet || r.Body == nil || r.Body == http.NoBody {
		return c
	}
	if r.ContentLength > maxRead {
		c.tooBig = true
		return c
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, maxRead+1))
	if err != nil || len(b) > maxRead {
		c.tooBig = true
		r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(b), r.Body))
		return c
	}
	c.setBody(b)
	return c
}

// maxURL is the emulator's T10 limit on a GET's path and query.
const maxURL = 32 << 10

// oversized tells a request the emulator refuses for its size (T10) before anything else.
func (c *call) oversized() bool {
	return c.tooBig || (c.r.Method == http.MethodGet && len(c.r.URL.RequestURI()) > maxURL)
}

// setBody replaces the body the emulator will read.
func (c *call) setBody(b []byte) {
	c.body = b
	c.r.Body = io.NopCloser(bytes.NewReader(b))
	c.r.ContentLength = int64(len(b))
	if c.r.Header.Get("Content-Length") != "" {
		c.r.Header.Set("Content-Length", strconv.Itoa(len(b)))
	}
}

// payload is what a TC3 signature covers: the body of a POST, nothing for a GET.
func (c *call) payload() []byte {
	if c.r.Method == http.MethodGet {
		return nil
	}
	return c.body
}

// tc3 parses the request's single TC3 Authorization header and X-TC-Timestamp.
func (c *call) tc3() (signing.Authorization, int64, bool) {
	h := c.r.Header["Authorization"]
	if len(h) != 1 || c.tooBig {
		return signing.Authorization{}, 0, false
	}
	auth, err := signing.ParseAuthorization(h[0])
	if err != nil {
		return signing.Authorization{}, 0, false
	}
	ts, err := strconv.ParseInt(c.r.Header.Get("X-TC-Timestamp"), 10, 64)
	if err != nil {
		return signing.Authorization{}, 0, false
	}
	return auth, ts, true
}

// isV1 tells a signature v1 request: no Authorization header, a Signature parameter.
func (c *call) isV1() bool {
	if len(c.r.Header["Authorization"]) > 0 {
		return false
	}
	src := c.r.URL.RawQuery
	if c.r.Method != http.MethodGet {
		src = string(c.body)
	}
	v, _ := url.ParseQuery(src)
	return v.Has("Signature")
}

// signedCall is a TC3 request whose signature verified, with the key that signed it.
type signedCall struct {
	auth signing.Authorization
	ts   int64
	cred fixture.Credential
}

// verified checks the request's TC3 signature, as received, with the fixture's key.
func (c *call) verified(fx *fixture.Fixture) (signedCall, bool) {
	auth, ts, ok := c.tc3()
	if !ok {
		return signedCall{}, false
	}
	cred, ok := credentialByID(fx, auth.SecretID)
	if !ok || !signing.VerifyPortless(c.r, c.payload(), cred.SecretKey, auth, ts) {
		return signedCall{}, false
	}
	return signedCall{auth: auth, ts: ts, cred: cred}, true
}

// resign signs the request as it now stands (method, query, headers, body) with cred,
// for service at ts, over the signed headers given. X-TC-Token is left as it is: a
// temporary key's token is still the emulator's to check.
func (c *call) resign(cred fixture.Credential, service string, ts int64, names []string) {
	signing.Sign(c.r, c.payload(), signing.Credential{SecretID: cred.SecretID, SecretKey: cred.SecretKey}, service, ts, names)
}

// resignAs re-signs a verified request with its own key, scope service and timestamp.
func (c *call) resignAs(s signedCall) { c.resign(s.cred, s.auth.Service, s.ts, s.auth.SignedHeaders) }

// verifiesWith tells whether the signature of the request verifies when edit has
// changed a copy of it (the body given, a header, the query): what a server that reads
// the request differently would compute.
func (c *call) verifiesWith(s signedCall, body []byte, edit func(r *http.Request)) bool {
	r := c.r.Clone(c.r.Context())
	r.Header = c.r.Header.Clone()
	u := *c.r.URL
	r.URL = &u
	if edit != nil {
		edit(r)
	}
	if r.Method == http.MethodGet {
		body = nil
	}
	return signing.VerifyPortless(r, body, s.cred.SecretKey, s.auth, s.ts)
}

func credentialByID(fx *fixture.Fixture, id string) (fixture.Credential, bool) {
	for _, c := range fx.Credentials {
		if c.SecretID == id {
			return c, true
		}
	}
	return fixture.Credential{}, false
}

// params are the ListJobs parameters of a request, as far as they could be read.
type params struct {
	store    string
	hasStore bool
	ids      []string
	hasIDs   bool
	fields   map[string]json.RawMessage // a JSON body's members; nil otherwise
}

// params reads UserStoreId and JobIds from a JSON body, a GET query or a v1 form body.
func (c *call) params() params {
	var p params
	if c.r.Method == http.MethodGet || strings.Contains(c.r.Header.Get("Content-Type"), "x-www-form-urlencoded") {
		src := c.r.URL.RawQuery
		if c.r.Method != http.MethodGet {
			src = string(c.body)
		}
		v, _ := url.ParseQuery(src)
		if v.Has("UserStoreId") {
			p.store, p.hasStore = v.Get("UserStoreId"), true
		}
		type indexed struct {
			n  int
			id string
		}
		var ids []indexed
		for k, vals := range v {
			if n, ok := strings.CutPrefix(k, "JobIds."); ok {
				if i, err := strconv.Atoi(n); err == nil && len(vals) > 0 {
					ids = append(ids, indexed{i, vals[0]})
				}
			}
		}
		sort.Slice(ids, func(a, b int) bool { return ids[a].n < ids[b].n })
		for _, x := range ids {
			p.ids = append(p.ids, x.id)
		}
		p.hasIDs = len(ids) > 0
		return p
	}
	if json.Unmarshal(c.body, &p.fields) != nil {
		return p
	}
	if json.Unmarshal(p.fields["UserStoreId"], &p.store) == nil && string(p.fields["UserStoreId"]) != "null" {
		p.hasStore = p.fields["UserStoreId"] != nil
	}
	if json.Unmarshal(p.fields["JobIds"], &p.ids) == nil && p.ids != nil {
		p.hasIDs = true
	}
	return p
}

// capture records the emulator's answer so that a middleware can change it.
type capture struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func newCapture() *capture { return &capture{header: http.Header{}} }

func (c *capture) Header() http.Header { return c.header }

func (c *capture) WriteHeader(status int) {
	if c.status == 0 {
		c.status = status
	}
}

func (c *capture) Write(b []byte) (int, error) {
	c.WriteHeader(http.StatusOK)
	return c.body.Write(b)
}

// send writes the captured answer with body instead of the captured one.
func (c *capture) send(w http.ResponseWriter, body []byte) {
	h := w.Header()
	for k, v := range c.header {
		h[k] = v
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	status := c.status
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// answer writes a JSON body with HTTP 200, as the emulator answers.
func answer(w http.ResponseWriter, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

// newRequestID is a fresh UUID v4, as the emulator makes them (T8, T9).
func newRequestID() string {
	var u [16]byte
	_, _ = rand.Read(u[:]) // crypto/rand.Read never fails (Go 1.24+)
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:])
}

// errorBody is a well-formed error answer (T7) with a RequestId (T8, T9).
func errorBody(code, message, requestID string) []byte {
	if requestID == "" {
		requestID = newRequestID()
	}
	return mustMarshal(map[string]any{"Response": map[string]any{
		"Error": map[string]string{"Code": code, "Message": message}, "RequestId": requestID}})
}

// successBody is a success answer with the jobs given.
func successBody(jobs []json.RawMessage, requestID string) []byte {
	if jobs == nil {
		jobs = []json.RawMessage{}
	}
	return mustMarshal(map[string]any{"Response": map[string]any{"JobSet": jobs, "RequestId": requestID}})
}

// response is an emulator answer, decoded.
type response struct {
	requestID string
	code      string            // the error code; "" for a success
	jobs      []json.RawMessage // a success's jobs
}

func decodeResponse(body []byte) (response, bool) {
	var env struct {
		Response struct {
			Error     *struct{ Code string }
			JobSet    []json.RawMessage
			RequestId string
		}
	}
	if json.Unmarshal(body, &env) != nil {
		return response{}, false
	}
	r := response{requestID: env.Response.RequestId, jobs: env.Response.JobSet}
	if env.Response.Error != nil {
		r.code = env.Response.Error.Code
	}
	return r, true
}

// jobID is the Id of a job object.
func jobID(raw json.RawMessage) string {
	var j struct{ Id string }
	_ = json.Unmarshal(raw, &j)
	return j.Id
}

// ---- middleware shapes ----

// middleware is the type of emulator.Config.Wrap.
type middleware = func(next http.Handler) http.Handler

// refuse answers in the emulator's place whenever decide returns a body; otherwise the
// request goes on to the emulator unchanged.
func refuse(decide func(c *call) []byte) middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			c := newCall(r)
			if b := decide(c); b != nil {
				answer(w, b)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// rewrite lets edit change the request (re-signing it itself when it must) before the
// emulator sees it.
func rewrite(edit func(c *call)) middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			edit(newCall(r))
			next.ServeHTTP(w, r)
		})
	}
}

// amend lets the emulator answer, then lets edit change the answer knowing the request.
// edit returns the new body, or nil to keep the emulator's.
func amend(edit func(c *call, resp response, body []byte) []byte) middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			c := newCall(r)
			rec := newCapture()
			next.ServeHTTP(rec, r)
			body := rec.body.Bytes()
			if resp, ok := decodeResponse(body); ok {
				if b := edit(c, resp, body); b != nil {
					body = b
				}
			}
			rec.send(w, body)
		})
	}
}

// lenient re-signs a request that edit changed, when its signature verified as
// received: the emulator then serves what the mutant accepts in its place.
func lenient(fx *fixture.Fixture, edit func(c *call, s signedCall) bool) middleware {
	return rewrite(func(c *call) {
		s, ok := c.verified(fx)
		if ok && edit(c, s) {
			c.resignAs(s)
		}
	})
}

// ---- helpers over the fixture ----

// storeByID returns the fixture's user store with that id.
func storeByID(fx *fixture.Fixture, id string) (*fixture.UserStore, bool) {
	for i := range fx.UserStores {
		if fx.UserStores[i].ID == id {
			return &fx.UserStores[i], true
		}
	}
	return nil, false
}

// smallestSibling is the other user store of the same account with the fewest jobs
// (at least one).
func smallestSibling(fx *fixture.Fixture, st *fixture.UserStore) (*fixture.UserStore, bool) {
	var best *fixture.UserStore
	for i := range fx.UserStores {
		o := &fx.UserStores[i]
		if o.ID == st.ID || o.Account != st.Account || len(o.Jobs) == 0 {
			continue
		}
		if best == nil || len(o.Jobs) < len(best.Jobs) {
			best = o
		}
	}
	return best, best != nil
}

// knownRegions are the P3 region names.
func knownRegions() []string {
	return []string{"ap-guangzhou", "ap-shanghai", "ap-nanjing", "ap-beijing", "ap-chengdu", "ap-chongqing",
		"ap-hongkong", "ap-singapore", "ap-bangkok", "ap-jakarta", "ap-seoul", "ap-tokyo", "ap-mumbai",
		"na-siliconvalley", "na-ashburn", "na-toronto", "eu-frankfurt", "sa-saopaulo"}
}

// skew is |now - ts| in seconds.
func skew(ts int64) int64 {
	d := time.Now().Unix() - ts
	if d < 0 {
		return -d
	}
	return d
}
