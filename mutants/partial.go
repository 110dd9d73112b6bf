package mutants

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ciam-harness/listjobs/fixture"
	"github.com/ciam-harness/listjobs/signing"
)

// Partial breaks: an invariant of every response (T5-T9) broken for one kind of answer
// only, so that a check made in a few scenarios cannot see it; only a check of every
// response can.

// when rewrites the answers of the emulator that match: code is the answer's
// Error.Code ("" for a success), r the request.
func when(match func(r *http.Request, code string) bool, edit func(rec *capture) []byte) middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rec := newCapture()
			next.ServeHTTP(rec, r)
			body := rec.body.Bytes()
			if resp, ok := decodeResponse(body); ok && match(r, resp.code) {
				body = edit(rec)
			}
			rec.send(w, body)
		})
	}
}

// forCode matches the errors of one code.
func forCode(code string) func(*http.Request, string) bool {
	return func(_ *http.Request, c string) bool { return c == code }
}

// forGET matches the answers to GET requests.
func forGET(r *http.Request, _ string) bool { return r.Method == http.MethodGet }

// status answers with HTTP status s.
func status(s int) func(*capture) []byte {
	return func(rec *capture) []byte { rec.status = s; return rec.body.Bytes() }
}

// mediaType answers with Content-Type ct.
func mediaType(ct string) func(*capture) []byte {
	return func(rec *capture) []byte { rec.header.Set("Content-Type", ct); return rec.body.Bytes() }
}

// body answers with f of the body.
func body(f func([]byte) []byte) func(*capture) []byte {
	return func(rec *capture) []byte { return f(slices.Clone(rec.body.Bytes())) }
}

// shortRequestID cuts the last digit of the RequestId, leaving 35 characters (breaks T9).
func shortRequestID(b []byte) []byte {
	key := []byte(`"RequestId":"`)
	i := bytes.LastIndex(b, key)
	if i < 0 || len(b) < i+len(key)+36 {
		return b
	}
	start := i + len(key)
	return slices.Concat(b[:start+35], b[start+36:])
}

// ---- loose matching of JobIds (S2) ----

// looseIDs answers a filtered listing with every job of the store that one of the
// requested ids matches by match, instead of by equality (breaks S2).
func looseIDs(match func(asked, id string) bool) func(params, *fixture.UserStore, []json.RawMessage) ([]json.RawMessage, bool) {
	return func(p params, st *fixture.UserStore, jobs []json.RawMessage) ([]json.RawMessage, bool) {
		if !p.filtered() {
			return nil, false
		}
		have := idsOf(jobs)
		changed := false
		for _, j := range st.Jobs {
			if have[j.ID] {
				continue
			}
			for _, asked := range p.ids {
				if match(asked, j.ID) {
					jobs, have[j.ID], changed = append(jobs, json.RawMessage(j.Raw)), true, true
					break
				}
			}
		}
		return jobs, changed
	}
}

func equalFold(asked, id string) bool { return strings.EqualFold(asked, id) }

// prefixOf matches an id that starts with a non-empty requested id.
func prefixOf(asked, id string) bool { return asked != "" && strings.HasPrefix(id, asked) }

// trimmed matches an id equal to a requested id without its surrounding white space.
func trimmed(asked, id string) bool { return strings.TrimSpace(asked) == id }

// ---- loose matching of the routing values and the signature's names (P1, P2, A5, A6) ----

// setHeaderLoosely serves a validly signed request whose header name holds a near miss
// of want that match accepts, as if it held want (breaks P1, P2).
func setHeaderLoosely(name, want string, match func(got, want string) bool) func(*fixture.Fixture) middleware {
	return func(fx *fixture.Fixture) middleware {
		return setHeaderIf(fx, name, want, func(v string) bool { return v != want && match(v, want) })
	}
}

// startsWith matches a value that begins with want (a suffix added).
func startsWith(got, want string) bool { return strings.HasPrefix(got, want) }

// algorithmLoosely takes an Authorization header whose algorithm name matches TC3's by
// match for TC3 (breaks A5).
func algorithmLoosely(match func(got, want string) bool) middleware {
	return rewrite(func(c *call) {
		alg, rest, ok := strings.Cut(c.r.Header.Get("Authorization"), " ")
		if ok && alg != tc3Algorithm && match(alg, tc3Algorithm) {
			c.r.Header.Set("Authorization", tc3Algorithm+" "+rest)
		}
	})
}

// tc3Algorithm is the algorithm name of signature v3.
const tc3Algorithm = "TC3-HMAC-SHA256"

// scopeServiceLoosely re-signs a validly signed request whose credential scope's service
// matches ciam by match (breaks A6).
func scopeServiceLoosely(match func(got, want string) bool) func(*fixture.Fixture) middleware {
	return func(fx *fixture.Fixture) middleware {
		return lenient(fx, func(c *call, s signedCall) bool {
			if s.auth.Service != service && match(s.auth.Service, service) {
				c.resign(s.cred, service, s.ts, s.auth.SignedHeaders)
			}
			return false
		})
	}
}

// ---- numbers shifted a little (A3, T10) ----

// acceptSkewUpTo serves a validly signed request from 300 to limit seconds away, as if
// it had been signed now (breaks A3: the window is wider than five minutes).
func acceptSkewUpTo(limit int64) func(*fixture.Fixture) middleware {
	return func(fx *fixture.Fixture) middleware {
		return lenient(fx, func(c *call, s signedCall) bool {
			if sk := skew(s.ts); sk <= 300 || sk > limit {
				return false
			}
			c.resign(s.cred, s.auth.Service, time.Now().Unix(), s.auth.SignedHeaders)
			return false // signed already, at the new time
		})
	}
}

// refuseSizeOver answers RequestSizeLimitExceeded to a POST body over body bytes, or a
// GET URL over url bytes (0: no such limit): a limit set a little lower than T10's.
func refuseSizeOver(body int64, url int) middleware {
	return refuse(func(c *call) []byte {
		r := c.r
		if (body > 0 && r.Method == http.MethodPost && r.ContentLength > body) ||
			(url > 0 && r.Method == http.MethodGet && len(r.URL.RequestURI()) > url) {
			return errorBody("RequestSizeLimitExceeded", "The request is too large.", "")
		}
		return nil
	})
}

// ---- signed parts compared in part, or not at all (A2) ----

// rightSignature is the signature a TC3 request should carry for its claimed key,
// scope, timestamp and signed headers.
func (c *call) rightSignature(s signedCall) string {
	return c.signatureOver(s, c.r.Method, signing.CanonicalURI)
}

// signatureOver is rightSignature over a canonical request whose HTTPRequestMethod and
// CanonicalURI are method and uri, its other parts the request's own.
func (c *call) signatureOver(s signedCall, method, uri string) string {
	lookup := signing.RequestHeader(c.r)
	canonical := signing.CanonicalRequestAt(method, uri, signing.CanonicalQuery(c.r), lookup, s.auth.SignedHeaders, signing.PayloadHash(lookup, c.payload()))
	scope := signing.CredentialScope(s.auth.Date, s.auth.Service)
	return signing.Signature(s.cred.SecretKey, s.auth.Date, s.auth.Service, signing.StringToSign(s.ts, scope, canonical))
}

// signedOverAny serves a TC3 request whose signature does not verify as received but
// was made over one of the (method, uri) pairs that others gives for it, in place of
// its own HTTPRequestMethod and CanonicalURI: a server that leaves that part out of
// what it verifies (breaks A2).
func signedOverAny(others func(c *call) [][2]string) func(*fixture.Fixture) middleware {
	return func(fx *fixture.Fixture) middleware {
		return rewrite(func(c *call) {
			s, ok := c.claimed(fx)
			if !ok || c.verifiesAsReceived(s) {
				return
			}
			for _, o := range others(c) {
				if c.signatureOver(s, o[0], o[1]) == s.auth.Signature {
					c.resignAs(s)
					return
				}
			}
		})
	}
}

// otherMethod is the other method of a GET or a POST, at the request's CanonicalURI:
// a server that leaves HTTPRequestMethod out of what it verifies accepts it.
func otherMethod(c *call) [][2]string {
	switch c.r.Method {
	case http.MethodGet:
		return [][2]string{{http.MethodPost, signing.CanonicalURI}}
	case http.MethodPost:
		return [][2]string{{http.MethodGet, signing.CanonicalURI}}
	}
	return nil
}

// otherURIs are CanonicalURIs other than "/", at the request's method: a server that
// leaves CanonicalURI out of what it verifies accepts a signature over any of them; the
// mutant stands for it with the empty one, "//" and "/" and a letter or digit.
func otherURIs(c *call) [][2]string {
	out := [][2]string{{c.r.Method, ""}, {c.r.Method, "//"}}
	for _, ch := range "abcdefghijklmnopqrstuvwxyz0123456789" {
		out = append(out, [2]string{c.r.Method, "/" + string(ch)})
	}
	return out
}

// queryVerifiedAs serves a GET whose signature does not verify as received but does
// over its query as f rewrites it: a server that leaves the query out of what it
// verifies, or verifies it in part, or normalised (breaks A2).
func queryVerifiedAs(f func(q string) string) func(*fixture.Fixture) middleware {
	return func(fx *fixture.Fixture) middleware {
		return acceptIfAlso(fx, func(c *call) ([]byte, func(*http.Request), bool) {
			q := c.r.URL.RawQuery
			if c.r.Method != http.MethodGet {
				return nil, nil, false
			}
			nq := f(q)
			return nil, func(r *http.Request) { r.URL.RawQuery = nq }, nq != q
		})
	}
}

// noQuery is the query of a server that signs a GET like a POST, over none.
func noQuery(string) string { return "" }

// withoutQueryJobIDs is the query without its JobIds.N parameters.
func withoutQueryJobIDs(q string) string {
	out, _ := dropSegments(q, func(name string) bool { return strings.HasPrefix(name, "JobIds.") })
	return out
}

// reencoded is the query with each name and value decoded and encoded again by esc,
// in their order; a query that does not decode is left as it is.
func reencoded(esc func(string) string) func(q string) string {
	return func(q string) string {
		segs := strings.Split(q, "&")
		for i, seg := range segs {
			k, v, ok := cutPair(seg)
			if !ok {
				return q
			}
			segs[i] = esc(k) + "=" + esc(v)
		}
		return strings.Join(segs, "&")
	}
}

// rfc3986Escape percent-encodes every byte of s but the unreserved characters of RFC
// 3986 (letters, digits, "-", ".", "_", "~"), in capital hexadecimal: a space is %20.
func rfc3986Escape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-._~", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

// escapesUppercased is the query with the hexadecimal digits of its %-escapes in
// capitals: %2d read as %2D.
func escapesUppercased(q string) string {
	b := []byte(q)
	for i := 0; i+2 < len(b); i++ {
		if b[i] == '%' {
			b[i+1], b[i+2] = upperHex(b[i+1]), upperHex(b[i+2])
		}
	}
	return string(b)
}

func upperHex(c byte) byte {
	if 'a' <= c && c <= 'f' {
		return c - 'a' + 'A'
	}
	return c
}

// signatureComparedInPart serves a TC3 request whose signature agrees with the right
// one in its first n hex digits: a server that compares signatures in part (breaks A2).
func signatureComparedInPart(n int) func(*fixture.Fixture) middleware {
	return func(fx *fixture.Fixture) middleware {
		return rewrite(func(c *call) {
			s, ok := c.claimed(fx)
			if !ok {
				return
			}
			right := c.rightSignature(s)
			if got := s.auth.Signature; got != right && len(got) == len(right) && got[:n] == right[:n] {
				s.auth.Signature = right
				c.r.Header.Set("Authorization", s.auth.String())
			}
		})
	}
}

// signatureAsLongAsSent serves a TC3 request whose signature is a proper prefix of the
// right one, of 32 digits or more: a server that compares only as many digits as it was
// sent (breaks A2).
func signatureAsLongAsSent(fx *fixture.Fixture) middleware {
	return rewrite(func(c *call) {
		h := c.r.Header.Get("Authorization")
		i := strings.LastIndex(h, "Signature=")
		if i < 0 {
			return
		}
		sent := h[i+len("Signature="):]
		auth, err := signing.ParseAuthorization(h[:i] + "Signature=" + strings.Repeat("0", 64))
		ts, terr := strconv.ParseInt(c.r.Header.Get("X-TC-Timestamp"), 10, 64)
		cred, known := credentialByID(fx, auth.SecretID)
		if err != nil || terr != nil || !known || len(sent) < 32 || len(sent) >= 64 {
			return
		}
		right := c.rightSignature(signedCall{auth: auth, ts: ts, cred: cred})
		if strings.HasPrefix(right, sent) {
			auth.Signature = right
			c.r.Header.Set("Authorization", auth.String())
		}
	})
}

// timestampUnsigned serves a TC3 request whose signature verifies with a timestamp up
// to 5 s from the X-TC-Timestamp it carries: a server that leaves the timestamp out of
// what it verifies (breaks A2).
func timestampUnsigned(fx *fixture.Fixture) middleware {
	return rewrite(func(c *call) {
		s, ok := c.claimed(fx)
		if !ok || signing.Verify(c.r, c.payload(), s.cred.SecretKey, s.auth, s.ts) {
			return
		}
		for d := int64(-5); d <= 5; d++ {
			if d != 0 && signing.Verify(c.r, c.payload(), s.cred.SecretKey, s.auth, s.ts+d) {
				c.resignAs(s) // at the timestamp it carries
				return
			}
		}
	})
}
