package mutants

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ciam-harness/listjobs/emulator"
	"github.com/ciam-harness/listjobs/fixture"
	"github.com/ciam-harness/listjobs/signing"
	"github.com/ciam-harness/listjobs/vocab"
)

// Fronts: the breaks that once were switches inside the emulator, rebuilt outside it on
// emulator.Config.Wrap. Each is one of three shapes:
//
//   - a response rewriter: the emulator answers, the front records the answer (status,
//     headers, body) and changes it (the envelope mutants, and those of S1-S3 and S9,
//     which answer from the fixture what a broken service would list);
//   - a re-signing front: the front finds the key of the request's SecretId in the
//     fixture and re-signs the request with it, correctly, before the emulator sees it,
//     so that a request the emulator would refuse for its signature, timestamp, scope or
//     token is served. It forgives that one fault and nothing else: a request it does
//     not forgive reaches the emulator as the emulator would have judged it under the
//     old switch (same code, same order of checks);
//   - a request rewriter: the front changes what the emulator would refuse (a version,
//     a region, an unknown or null parameter) into what it serves, re-signing a request
//     whose signature verified as received, with the same key, scope and timestamp.

// ---- response rewriters ----

// rewriteBodies applies f to the body of every answer of the emulator.
func rewriteBodies(f func(body []byte) []byte) middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rec := newCapture()
			next.ServeHTTP(rec, r)
			rec.send(w, f(slices.Clone(rec.body.Bytes())))
		})
	}
}

// errorStatus answers every error with HTTP status instead of 200 (breaks T5).
func errorStatus(status int) middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rec := newCapture()
			next.ServeHTTP(rec, r)
			if resp, ok := decodeResponse(rec.body.Bytes()); ok && resp.code != "" {
				rec.status = status
			}
			rec.send(w, rec.body.Bytes())
		})
	}
}

// contentType answers everything with Content-Type ct (breaks T5 unless ct is application/json).
func contentType(ct string) middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rec := newCapture()
			next.ServeHTTP(rec, r)
			rec.header.Set("Content-Type", ct)
			rec.send(w, rec.body.Bytes())
		})
	}
}

// fixedRequestID is the RequestId every answer of requestid-constant carries.
const fixedRequestID = "00000000-0000-4000-8000-000000000000"

// constantRequestID replaces the RequestId of an answer (the last member the emulator
// writes) by fixedRequestID, leaving every other byte alone (breaks T8).
func constantRequestID(body []byte) []byte {
	key := []byte(`"RequestId":"`)
	i := bytes.LastIndex(body, key)
	if i < 0 {
		return body
	}
	start := i + len(key)
	end := bytes.IndexByte(body[start:], '"')
	if end < 0 {
		return body
	}
	return slices.Concat(body[:start], []byte(fixedRequestID), body[start+end:])
}

// shuffled is jobs in a fresh random order, as the emulator orders a listing (S4).
func shuffled(jobs []json.RawMessage) []json.RawMessage {
	rand.Shuffle(len(jobs), func(i, j int) { jobs[i], jobs[j] = jobs[j], jobs[i] })
	return jobs
}

// storeJobs is what a user store lists for the ids given (S1-S3): every job when ids
// is empty, else each listed job once; unknown ids are left out.
func storeJobs(st *fixture.UserStore, ids []string) []json.RawMessage {
	out := []json.RawMessage{}
	want := map[string]bool{}
	for _, id := range ids {
		want[id] = true
	}
	for _, j := range st.Jobs {
		if len(ids) == 0 || want[j.ID] {
			out = append(out, json.RawMessage(j.Raw))
			delete(want, j.ID) // a job the fixture holds twice is still listed once per id
		}
	}
	return shuffled(out)
}

// repeatJobs lists every job of a success twice (breaks S2: each job at most once).
func repeatJobs(fx *fixture.Fixture) middleware {
	return editListing(fx, func(_ params, _ *fixture.UserStore, jobs []json.RawMessage) ([]json.RawMessage, bool) {
		if len(jobs) == 0 {
			return nil, false
		}
		return shuffled(append(jobs, jobs...)), true
	})
}

// ignoreFilter answers a filtered listing with every job of the user store (breaks S2).
func ignoreFilter(fx *fixture.Fixture) middleware {
	return editListing(fx, func(p params, st *fixture.UserStore, _ []json.RawMessage) ([]json.RawMessage, bool) {
		if !p.filtered() {
			return nil, false
		}
		return storeJobs(st, nil), true
	})
}

// emptyIDsMatchNothing answers "JobIds": [] with no job (breaks S1).
func emptyIDsMatchNothing(fx *fixture.Fixture) middleware {
	return editListing(fx, func(p params, _ *fixture.UserStore, jobs []json.RawMessage) ([]json.RawMessage, bool) {
		if !p.hasIDs || len(p.ids) > 0 || len(jobs) == 0 {
			return nil, false
		}
		return []json.RawMessage{}, true
	})
}

// unknownIDError answers ResourceNotFound to a listing whose JobIds names an id the
// user store does not hold (breaks S3).
func unknownIDError(fx *fixture.Fixture) middleware {
	return amend(func(c *call, resp response, _ []byte) []byte {
		if resp.code != "" {
			return nil
		}
		p := c.params()
		st, ok := storeByID(fx, p.store)
		if !ok {
			return nil
		}
		have := map[string]bool{}
		for _, j := range st.Jobs {
			have[j.ID] = true
		}
		for _, id := range p.ids {
			if !have[id] {
				return errorBody("ResourceNotFound", "A job in `JobIds` does not exist.", resp.requestID)
			}
		}
		return nil
	})
}

// otherAccountStores answers a listing refused with InvalidUserStore, for a user store
// that the fixture holds (so of another account than the key's), with that store's
// jobs (breaks S9).
func otherAccountStores(fx *fixture.Fixture) middleware {
	return amend(func(c *call, resp response, _ []byte) []byte {
		if resp.code != codeInvalidUserStore {
			return nil
		}
		p := c.params()
		st, ok := storeByID(fx, p.store)
		if !p.hasStore || !ok {
			return nil
		}
		return successBody(storeJobs(st, p.ids), resp.requestID)
	})
}

// ---- re-signing ----

// forge sets the request's Authorization to auth with the signature that key gives the
// request as it now stands: same SecretId, scope and SignedHeaders (in their order), at ts.
func (c *call) forge(key string, auth signing.Authorization, ts int64) {
	lookup := signing.RequestHeader(c.r)
	canonical := signing.CanonicalRequest(c.r.Method, signing.CanonicalQuery(c.r), lookup, auth.SignedHeaders, signing.PayloadHash(lookup, c.payload()))
	auth.Signature = signing.Signature(key, auth.Date, auth.Service, signing.StringToSign(ts, signing.CredentialScope(auth.Date, auth.Service), canonical))
	c.r.Header.Set("Authorization", auth.String())
}

// verifiesAsReceived tells a TC3 request whose signature is s.cred's, over its own scope.
func (c *call) verifiesAsReceived(s signedCall) bool {
	return signing.VerifyPortless(c.r, c.payload(), s.cred.SecretKey, s.auth, s.ts)
}

// scopeOK is the A6 check of the emulator: the scope is ciam, dated the timestamp's day.
func scopeOK(auth signing.Authorization, ts int64) bool {
	return auth.Service == service && auth.Date == signing.Date(ts)
}

// expired is the A3 check of the emulator: more than 300 s off, either way.
func expired(ts int64) bool { return skew(ts) > 300 }

// v1Request is a signature v1 request as the emulator reads it: its parameters from the
// GET query or the form-encoded POST body, split cleanly, with a Signature.
type v1Request struct {
	c      *call
	segs   []string // the k=v segments as sent, empty ones dropped
	values url.Values
}

// v1Common are the common parameters of signature v1; the others are business ones.
var v1Common = []string{"Action", "Version", "Timestamp", "Region", "SecretId", "Nonce", "Signature", "SignatureMethod", "Token", "Language", "RequestClient"}

// v1 reads a signature v1 request; false for any other, or for parameters the emulator
// refuses before the signature (malformed, or a common one given twice).
func (c *call) v1() (*v1Request, bool) {
	if len(c.r.Header["Authorization"]) > 0 || c.tooBig {
		return nil, false
	}
	var src string
	switch c.r.Method {
	case http.MethodGet:
		src = c.r.URL.RawQuery
	case http.MethodPost:
		mt, _, _ := strings.Cut(c.r.Header.Get("Content-Type"), ";")
		if !strings.EqualFold(strings.TrimSpace(mt), "application/x-www-form-urlencoded") {
			return nil, false
		}
		src = string(c.body)
	default:
		return nil, false
	}
	v := &v1Request{c: c, values: url.Values{}}
	for _, seg := range strings.Split(src, "&") {
		if seg == "" {
			continue
		}
		k, val, ok := cutPair(seg)
		if !ok {
			return nil, false
		}
		v.segs = append(v.segs, seg)
		v.values[k] = append(v.values[k], val)
	}
	if !v.values.Has("Signature") {
		return nil, false
	}
	for _, name := range v1Common {
		if len(v.values[name]) > 1 {
			return nil, false
		}
	}
	return v, true
}

// cutPair decodes one k=v segment as the emulator does ('+' a space, %XX a byte).
func cutPair(seg string) (k, v string, ok bool) {
	rk, rv, found := strings.Cut(seg, "=")
	if !found {
		return "", "", false
	}
	k, err1 := url.QueryUnescape(rk)
	v, err2 := url.QueryUnescape(rv)
	return k, v, err1 == nil && err2 == nil
}

// cred is the fixture's key of the request's SecretId.
func (v *v1Request) cred(fx *fixture.Fixture) (fixture.Credential, bool) {
	return credentialByID(fx, v.values.Get("SecretId"))
}

// verifies tells whether key signed the request as received.
func (v *v1Request) verifies(key string) bool {
	return signing.VerifyV1(key, v.c.r.Method, v.c.r.Host, "/", v.values)
}

// set gives the parameter name the value, in place (or appended when absent); the
// other segments stay byte for byte as sent.
func (v *v1Request) set(name, value string) {
	seg := url.QueryEscape(name) + "=" + url.QueryEscape(value)
	done := false
	for i, s := range v.segs {
		if k, _, _ := cutPair(s); k == name {
			v.segs[i], done = seg, true
		}
	}
	if !done {
		v.segs = append(v.segs, seg)
	}
	v.values.Set(name, value)
	v.store()
}

// drop removes the parameters whose name unwanted tells.
func (v *v1Request) drop(unwanted func(name string) bool) bool {
	n := len(v.segs)
	v.segs = slices.DeleteFunc(v.segs, func(s string) bool {
		k, _, _ := cutPair(s)
		if unwanted(k) {
			delete(v.values, k)
			return true
		}
		return false
	})
	if len(v.segs) == n {
		return false
	}
	v.store()
	return true
}

// store writes the parameters back where the emulator reads them.
func (v *v1Request) store() {
	raw := strings.Join(v.segs, "&")
	if v.c.r.Method == http.MethodGet {
		v.c.r.URL.RawQuery = raw
		if v.c.r.RequestURI != "" {
			v.c.r.RequestURI = v.c.r.URL.RequestURI()
		}
		return
	}
	v.c.setBody([]byte(raw))
}

// sign re-signs the parameters as they now stand with key; an unknown SignatureMethod,
// which cannot sign, becomes HmacSHA256.
func (v *v1Request) sign(key string) {
	method := v.values.Get("SignatureMethod")
	if _, err := signing.SignV1("", method, ""); err != nil {
		method = signing.HmacSHA256
		v.set("SignatureMethod", method)
	}
	sig, _ := signing.SignV1(key, method, signing.V1StringToSign(v.c.r.Method, v.c.r.Host, "/", v.values))
	v.set("Signature", sig)
}

// front runs edit on every GET and POST before the emulator sees it. Other methods the
// emulator refuses without reading their body: they pass untouched and unread.
func front(edit func(c *call)) middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodGet || r.Method == http.MethodPost {
				edit(newCall(r))
			}
			next.ServeHTTP(w, r)
		})
	}
}

// skipSignature re-signs, with the fixture's key of its SecretId, a request whose
// signature does not verify: TC3 over the scope and timestamp it claims (which the
// emulator still checks, before the signature), signature v1 over its parameters
// (breaks A2: any signature is accepted).
func skipSignature(fx *fixture.Fixture) middleware {
	return front(func(c *call) {
		if s, ok := c.claimed(fx); ok {
			if !c.verifiesAsReceived(s) {
				c.forge(s.cred.SecretKey, s.auth, s.ts)
			}
			return
		}
		if v, ok := c.v1(); ok {
			if cred, ok := v.cred(fx); ok && !v.verifies(cred.SecretKey) {
				v.sign(cred.SecretKey)
			}
		}
	})
}

// skipTimestamp moves a request whose timestamp is out of the 300 s window to the
// present: re-signed when it was signed correctly for its own timestamp (and, TC3, for
// that timestamp's scope); with its signature left wrong otherwise, so that the emulator
// judges the rest as before (breaks A3: any timestamp is accepted).
func skipTimestamp(fx *fixture.Fixture) middleware {
	return front(func(c *call) {
		now := time.Now().Unix()
		if auth, ts, ok := c.tc3(); ok {
			if !expired(ts) {
				return
			}
			cred, known := credentialByID(fx, auth.SecretID)
			good := scopeOK(auth, ts) && known && c.verifiesAsReceived(signedCall{auth: auth, ts: ts, cred: cred})
			c.r.Header.Set("X-TC-Timestamp", strconv.FormatInt(now, 10))
			if scopeOK(auth, ts) {
				auth.Date = signing.Date(now) // the scope the timestamp check let through
				c.r.Header.Set("Authorization", auth.String())
			}
			if good {
				c.forge(cred.SecretKey, auth, now)
			}
			return
		}
		v, ok := c.v1()
		if !ok {
			return
		}
		ts, err := strconv.ParseInt(v.values.Get("Timestamp"), 10, 64)
		if err != nil || !expired(ts) {
			return
		}
		cred, known := v.cred(fx)
		good := known && v.verifies(cred.SecretKey)
		v.set("Timestamp", strconv.FormatInt(now, 10))
		if good {
			v.sign(cred.SecretKey)
		}
	})
}

// skipScope re-signs a TC3 request within the 300 s window whose credential scope has
// another date than its timestamp's or another service than ciam, when it verifies over
// the scope it claims; the scope of a request of an unknown SecretId is set right so
// that the emulator answers SecretIdNotFound (breaks A6; v1 has no scope).
func skipScope(fx *fixture.Fixture) middleware {
	return front(func(c *call) {
		auth, ts, ok := c.tc3()
		if !ok || expired(ts) || scopeOK(auth, ts) {
			return
		}
		cred, known := credentialByID(fx, auth.SecretID)
		good := known && c.verifiesAsReceived(signedCall{auth: auth, ts: ts, cred: cred})
		fixed := auth
		fixed.Date, fixed.Service = signing.Date(ts), service
		switch {
		case good:
			c.forge(cred.SecretKey, fixed, ts)
		case !known:
			c.r.Header.Set("Authorization", fixed.String())
		}
	})
}

// skipToken gives a request of a temporary key that lacks its token, or carries a wrong
// one, the fixture's token: re-signed when the token is signed (TC3 X-TC-Token among the
// SignedHeaders, v1 always) and the request verified as received (breaks A8).
func skipToken(fx *fixture.Fixture) middleware {
	return front(func(c *call) {
		if s, ok := c.claimed(fx); ok {
			if s.cred.Token == "" || c.r.Header.Get("X-TC-Token") == s.cred.Token {
				return
			}
			good := c.verifiesAsReceived(s)
			c.r.Header.Set("X-TC-Token", s.cred.Token)
			if good && slices.Contains(s.auth.SignedHeaders, "x-tc-token") {
				c.forge(s.cred.SecretKey, s.auth, s.ts)
			}
			return
		}
		v, ok := c.v1()
		if !ok {
			return
		}
		cred, known := v.cred(fx)
		if !known || cred.Token == "" || v.values.Get("Token") == cred.Token {
			return
		}
		good := v.verifies(cred.SecretKey)
		v.set("Token", cred.Token)
		if good {
			v.sign(cred.SecretKey)
		}
	})
}

// acceptAny replaces a non-empty value of the X-TC-* header (TC3) or the common
// parameter (v1) name that valid refuses by value; a signed one is re-signed when the
// request verified as received (breaks P2 with the version, P3 with the region).
func acceptAny(fx *fixture.Fixture, name string, valid func(string) bool, value string) middleware {
	header := "X-TC-" + name
	bad := func(v string) bool { return v != "" && !valid(v) }
	return front(func(c *call) {
		if len(c.r.Header["Authorization"]) > 0 {
			if !bad(c.r.Header.Get(header)) {
				return
			}
			s, claimed := c.claimed(fx)
			good := claimed && c.verifiesAsReceived(s)
			c.r.Header.Set(header, value)
			if good && slices.Contains(s.auth.SignedHeaders, strings.ToLower(header)) {
				c.forge(s.cred.SecretKey, s.auth, s.ts)
			}
			return
		}
		v, ok := c.v1()
		if !ok || !bad(v.values.Get(name)) {
			return
		}
		cred, known := v.cred(fx)
		good := known && v.verifies(cred.SecretKey)
		v.set(name, value)
		if good {
			v.sign(cred.SecretKey)
		}
	})
}

func isVersion(v string) bool { return v == vocab.Version }

func isRegion(r string) bool { return slices.Contains(knownRegions(), r) }

// isBusiness tells the parameters of ListJobs: UserStoreId and JobIds.N, N a decimal
// of at most 9 digits (P6).
func isBusiness(name string) bool {
	if name == "UserStoreId" {
		return true
	}
	n, ok := strings.CutPrefix(name, "JobIds.")
	if !ok || n == "" || len(n) > 9 {
		return false
	}
	for _, d := range n {
		if d < '0' || d > '9' {
			return false
		}
	}
	return true
}

// jsonObject reads a POST body the emulator reads as a JSON object.
func jsonObject(body []byte) (keys []string, vals []json.RawMessage, ok bool) {
	b := bytes.TrimLeft(body, " \t\r\n")
	if len(b) == 0 || b[0] != '{' || !json.Valid(body) {
		return nil, nil, false
	}
	return members(body)
}

// verifiedTC3 is a TC3 request whose signature verified as received.
func (c *call) verifiedTC3(fx *fixture.Fixture) (signedCall, bool) {
	s, ok := c.claimed(fx)
	return s, ok && c.verifiesAsReceived(s)
}

// acceptUnknownParameters drops the parameters ListJobs does not define from a request
// whose signature verified as received, and re-signs it: JSON body members, TC3 query
// parameters, v1 business parameters (breaks P6: unknown parameters are ignored).
func acceptUnknownParameters(fx *fixture.Fixture) middleware {
	return front(func(c *call) {
		if s, ok := c.verifiedTC3(fx); ok {
			if c.r.Method == http.MethodPost {
				keys, vals, ok := jsonObject(c.body)
				if !ok {
					return
				}
				var k2 []string
				var v2 []json.RawMessage
				for i, k := range keys {
					if k == "UserStoreId" || k == "JobIds" {
						k2, v2 = append(k2, k), append(v2, vals[i])
					}
				}
				if len(k2) == len(keys) {
					return
				}
				c.setBody(object(k2, v2))
			} else {
				segs, changed := dropSegments(c.r.URL.RawQuery, func(k string) bool { return !isBusiness(k) })
				if !changed {
					return
				}
				c.r.URL.RawQuery = segs
				if c.r.RequestURI != "" {
					c.r.RequestURI = c.r.URL.RequestURI()
				}
			}
			c.forge(s.cred.SecretKey, s.auth, s.ts)
			return
		}
		v, ok := c.v1()
		if !ok {
			return
		}
		cred, known := v.cred(fx)
		if !known || !v.verifies(cred.SecretKey) {
			return
		}
		if v.drop(func(k string) bool { return !slices.Contains(v1Common, k) && !isBusiness(k) }) {
			v.sign(cred.SecretKey)
		}
	})
}

// dropSegments removes from a query the k=v segments whose decoded name unwanted tells;
// a query the emulator cannot split is left alone.
func dropSegments(q string, unwanted func(name string) bool) (string, bool) {
	var keep []string
	changed := false
	for _, seg := range strings.Split(q, "&") {
		if seg == "" {
			continue
		}
		k, _, ok := cutPair(seg)
		if !ok {
			return q, false
		}
		if unwanted(k) {
			changed = true
			continue
		}
		keep = append(keep, seg)
	}
	return strings.Join(keep, "&"), changed
}

// rejectNull turns a JSON null UserStoreId or JobIds, in a body whose signature
// verified as received, into a value of the wrong type, and re-signs it: the emulator
// then answers InvalidParameter where the parameter's type is checked (breaks P10:
// null counts as absent).
func rejectNull(fx *fixture.Fixture) middleware {
	return front(func(c *call) {
		s, ok := c.verifiedTC3(fx)
		if !ok || c.r.Method != http.MethodPost {
			return
		}
		keys, vals, ok := jsonObject(c.body)
		if !ok {
			return
		}
		changed := false
		for i, k := range keys {
			if (k == "UserStoreId" || k == "JobIds") && string(bytes.TrimSpace(vals[i])) == "null" {
				vals[i], changed = json.RawMessage(`false`), true
			}
		}
		if changed {
			c.setBody(object(keys, vals))
			c.forge(s.cred.SecretKey, s.auth, s.ts)
		}
	})
}

// ---- the rate limit ----

// countAuthFailures charges the rate limit for a request the emulator refused at its
// signature or token check: one good request of the same key (or, for a key of a
// tenant that has not activated CIAM, another key of its owner), sent through the
// emulator, which counts it, and whose answer is dropped (breaks R3).
func countAuthFailures(fx *fixture.Fixture) middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodGet && r.Method != http.MethodPost {
				next.ServeHTTP(w, r)
				return
			}
			c := newCall(r)
			rec := newCapture()
			next.ServeHTTP(rec, r)
			if resp, ok := decodeResponse(rec.body.Bytes()); ok {
				if cred, ok := refusedAtSignature(fx, c, resp.code); ok {
					charge(next, r, fx, cred)
				}
			}
			rec.send(w, rec.body.Bytes())
		})
	}
}

// refusedAtSignature tells a refusal of the emulator's signature or token check, and
// the key it refused.
func refusedAtSignature(fx *fixture.Fixture, c *call, code string) (fixture.Credential, bool) {
	if code != codeSignatureFailure && code != "AuthFailure.TokenFailure" {
		return fixture.Credential{}, false
	}
	if len(c.r.Header["Authorization"]) > 0 {
		auth, ts, ok := c.tc3()
		if !ok || (code == codeSignatureFailure && !scopeOK(auth, ts)) { // the A6 refusal is not counted
			return fixture.Credential{}, false
		}
		return credentialByID(fx, auth.SecretID)
	}
	if v, ok := c.v1(); ok {
		return v.cred(fx)
	}
	return fixture.Credential{}, false
}

// charge sends the emulator a good request of cred's owner that passes authentication
// and routing, so that the rate limit counts it; its body is empty, so it ends at the
// parameter check (MissingParameter) and lists nothing.
func charge(next http.Handler, orig *http.Request, fx *fixture.Fixture, cred fixture.Credential) {
	if cred.NotActivated {
		i := slices.IndexFunc(fx.Credentials, func(o fixture.Credential) bool { return o.Owner == cred.Owner && !o.NotActivated })
		if i < 0 {
			return
		}
		cred = fx.Credentials[i]
	}
	body := []byte(`{}`)
	r, err := http.NewRequestWithContext(orig.Context(), http.MethodPost, "http://"+orig.Host+"/", bytes.NewReader(body))
	if err != nil {
		return
	}
	r.Host = orig.Host
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("X-TC-Action", vocab.Action)
	r.Header.Set("X-TC-Version", vocab.Version)
	r.Header.Set("X-TC-Region", vocab.DefaultRegion)
	signing.Sign(r, body, signing.Credential{SecretID: cred.SecretID, SecretKey: cred.SecretKey, Token: cred.Token}, service, time.Now().Unix(), nil)
	next.ServeHTTP(newCapture(), r)
}

// perKeyOwners serves a copy of the fixture in which every key is an owner of its own,
// so the emulator keeps one rate-limit bucket per SecretId (breaks R1: two keys of one
// owner share its budget).
func perKeyOwners(c *emulator.Config) {
	fx := *c.Fixture
	fx.Credentials = slices.Clone(fx.Credentials)
	for i := range fx.Credentials {
		fx.Credentials[i].Owner = "key:" + fx.Credentials[i].SecretID
	}
	c.Fixture = &fx
}
