package mutants

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/ciam-harness/listjobs/fixture"
	"github.com/ciam-harness/listjobs/signing"
)

// Authentication, the signature itself (A1, A2): what a TC3 signature is computed
// over (the request as it arrived, over any SignedHeaders list that holds content-type
// and host) and that every signed part matters. The rest of the area is in auth.go.
//
// A mutant of A1 computes the signature over something else than the request as
// received, and so refuses what the contract accepts (refuseUnless) or accepts what it
// refuses; a mutant of A2 serves a request whose signature does not verify as received
// but does once some signed part is read more loosely (acceptIfAlso, queryVerifiedAs,
// signedOverAny), or is compared in part.

// signatureMutants are the mutants of the rows A1 and A2, in row order.
func signatureMutants() []Mutant {
	return []Mutant{
		{Name: "signature-query-sorted", Row: "A1", Class: ClassSignedPart, How: howMiddleware, Break: "a GET is verified over its query sorted, not as sent",
			apply: through(func(fx *fixture.Fixture) middleware { return refuseUnless(fx, querySorted) })},
		{Name: "signature-body-reencoded", Row: "A1", Class: ClassSignedPart, How: howMiddleware, Break: "a POST is verified over its body re-encoded without white space, not as sent",
			apply: through(func(fx *fixture.Fixture) middleware { return refuseUnless(fx, bodyReencoded) })},
		{Name: "signed-headers-fixed", Row: "A1", Class: ClassSignedPart, How: howMiddleware, Break: "only SignedHeaders content-type;host verify",
			apply: through(func(fx *fixture.Fixture) middleware { return refuseUnless(fx, defaultSignedHeaders) })},
		{Name: "signed-headers-unrequired", Row: "A1", Class: ClassSignedPart, How: howResigning, Break: "a SignedHeaders list without content-type or host verifies",
			apply: through(func(fx *fixture.Fixture) middleware { return lenient(fx, signedHeadersUnrequired) })},
		{Name: "signed-headers-claim-ignored", Row: "A2", Class: ClassSignedPart, How: howMiddleware, Break: "a SignedHeaders list other than the one signed is verified over content-type;host",
			apply: through(signedHeadersClaimIgnored)},
		{Name: "signature-unchecked", Row: "A2", Class: ClassSignedPart, How: howResigning, Break: "any signature is accepted",
			apply: through(skipSignature)},
		{Name: "signature-whitespace-blind", Row: "A2", Class: ClassSignedPart, How: howMiddleware, Break: "a body whose white space changed after signing still verifies",
			apply: through(func(fx *fixture.Fixture) middleware { return acceptIfAlso(fx, compactBody) })},
		{Name: "signature-ignores-jobids", Row: "A2", Class: ClassSignedPart, How: howMiddleware, Break: "the body's JobIds are not covered by the signature",
			apply: through(func(fx *fixture.Fixture) middleware { return acceptIfAlso(fx, withoutJobIDs) })},
		{Name: "signed-header-values-ignored", Row: "A2", Class: ClassSignedPart, How: howMiddleware, Break: "a signed X-TC-Region changed after signing still verifies",
			apply: through(anyRegionValue)},
		{Name: "signature-compared-in-part", Row: "A2", Class: ClassSignedPart, How: howResigning, Break: "a signature is accepted when its first 48 hex digits are right",
			apply: through(signatureComparedInPart(48))},
		{Name: "signature-as-long-as-sent", Row: "A2", Class: ClassSignedPart, How: howResigning, Break: "a signature that is a proper prefix of the right one (32 digits or more) is accepted",
			apply: through(signatureAsLongAsSent)},
		{Name: "signature-method-blind", Row: "A2", Class: ClassSignedPart, How: howResigning, Break: "a signature made over the other method, a GET signed as a POST or a POST as a GET, is accepted",
			apply: through(signedOverAny(otherMethod))},
		{Name: "signature-uri-blind", Row: "A2", Class: ClassSignedPart, How: howResigning, Break: `a signature made over another CanonicalURI than "/" ("", "//", "/x") is accepted`,
			apply: through(signedOverAny(otherURIs))},
		{Name: "signature-ignores-query", Row: "A2", Class: ClassSignedPart, How: howMiddleware, Break: "a GET is verified over an empty query, as a POST is: a query added after signing still verifies",
			apply: through(queryVerifiedAs(noQuery))},
		{Name: "signature-ignores-query-jobids", Row: "A2", Class: ClassSignedPart, How: howMiddleware, Break: "a GET query's JobIds.N are not covered by the signature",
			apply: through(queryVerifiedAs(withoutQueryJobIDs))},
		{Name: "signature-query-order-blind", Row: "A2", Class: ClassSignedPart, How: howMiddleware, Break: "a GET query whose parameters were reordered after signing still verifies (it is verified sorted)",
			apply: through(queryVerifiedAs(sortedQuery))},
		{Name: "signature-query-form-reencoded", Row: "A2", Class: ClassSignedPart, How: howMiddleware, Break: "a GET query is verified with its names and values encoded again as a form (a-b for a%2Db, + for %20)",
			apply: through(queryVerifiedAs(reencoded(url.QueryEscape)))},
		{Name: "signature-query-rfc3986-reencoded", Row: "A2", Class: ClassSignedPart, How: howMiddleware, Break: "a GET query is verified with its names and values encoded again as RFC 3986 says (a-b for a%2Db, %20 for +)",
			apply: through(queryVerifiedAs(reencoded(rfc3986Escape)))},
		{Name: "signature-query-escapes-case-blind", Row: "A2", Class: ClassSignedPart, How: howMiddleware, Break: "a GET query is verified with its %-escapes in capitals (%2d taken for %2D)",
			apply: through(queryVerifiedAs(escapesUppercased))},
		{Name: "timestamp-unsigned", Row: "A2", Class: ClassSignedPart, How: howResigning, Break: "a signature made for a timestamp up to 5 s from X-TC-Timestamp is accepted",
			apply: through(timestampUnsigned)},
	}
}

// refuseUnless answers AuthFailure.SignatureFailure to a validly signed TC3 request
// that the emulator would check the signature of (within the size limits and the 300 s
// window) and that strict does not accept: a server that computes the signature over
// something else than the request as received (breaks A1).
func refuseUnless(fx *fixture.Fixture, strict func(c *call, s signedCall) bool) middleware {
	return refuse(func(c *call) []byte {
		if c.oversized() {
			return nil
		}
		s, ok := c.verified(fx)
		if !ok || skew(s.ts) > 300 || strict(c, s) {
			return nil
		}
		return errorBody(codeSignatureFailure, msgSignatureFailure, "")
	})
}

// querySorted verifies a GET over its query sorted, as some servers rebuild it.
func querySorted(c *call, s signedCall) bool {
	q := c.r.URL.RawQuery
	if c.r.Method != http.MethodGet || sortedQuery(q) == q {
		return true
	}
	return c.verifiesWith(s, nil, func(r *http.Request) { r.URL.RawQuery = sortedQuery(q) })
}

// bodyReencoded verifies a POST over its body re-encoded compact.
func bodyReencoded(c *call, s signedCall) bool {
	b, _, ok := compactBody(c)
	return !ok || c.verifiesWith(s, b, nil)
}

// defaultSignedHeaders accepts only the SignedHeaders content-type;host.
func defaultSignedHeaders(_ *call, s signedCall) bool {
	return slices.Equal(s.auth.SignedHeaders, []string{"content-type", "host"})
}

// signedHeadersUnrequired serves a validly signed request whose SignedHeaders leave out
// content-type or host, re-signed over its list with both added (breaks A1: the two
// headers are required).
func signedHeadersUnrequired(c *call, s signedCall) bool {
	names := slices.Clone(s.auth.SignedHeaders)
	for _, h := range [...]string{"content-type", "host"} {
		if !slices.Contains(names, h) {
			names = append(names, h)
		}
	}
	if len(names) == len(s.auth.SignedHeaders) {
		return false
	}
	slices.Sort(names)
	c.resign(s.cred, s.auth.Service, s.ts, names)
	return false // signed already, over the longer list
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

// acceptIfAlso accepts (re-signs) a TC3 request whose signature does not verify as
// received but does once alter has changed a copy of it: a server that reads the
// request more loosely than it was signed (breaks A2). alter returns the body to verify
// over, and may change the copy's headers or query; ok false skips the request.
func acceptIfAlso(fx *fixture.Fixture, alter func(c *call) (body []byte, edit func(r *http.Request), ok bool)) middleware {
	return rewrite(func(c *call) {
		s, ok := c.claimed(fx)
		if !ok || signing.VerifyPortless(c.r, c.payload(), s.cred.SecretKey, s.auth, s.ts) {
			return
		}
		body, edit, ok := alter(c)
		if ok && c.verifiesWith(s, body, edit) {
			c.resignAs(s)
		}
	})
}

// compactBody is a POST body re-encoded without white space.
func compactBody(c *call) ([]byte, func(*http.Request), bool) {
	if c.r.Method != http.MethodPost {
		return nil, nil, false
	}
	var buf bytes.Buffer
	if json.Compact(&buf, c.body) != nil || bytes.Equal(buf.Bytes(), c.body) {
		return nil, nil, false
	}
	return buf.Bytes(), nil, true
}

// withoutJobIDs is a POST body without its JobIds member, the others compact and in order.
func withoutJobIDs(c *call) ([]byte, func(*http.Request), bool) {
	if c.r.Method != http.MethodPost {
		return nil, nil, false
	}
	b, ok := dropMember(c.body, "JobIds")
	return b, nil, ok
}

// anyRegionValue tries the signed X-TC-Region at every region name: a server that
// does not check the values of the signed headers beyond content-type and host.
func anyRegionValue(fx *fixture.Fixture) middleware {
	return rewrite(func(c *call) {
		s, ok := c.claimed(fx)
		if !ok || !slices.Contains(s.auth.SignedHeaders, "x-tc-region") ||
			signing.VerifyPortless(c.r, c.payload(), s.cred.SecretKey, s.auth, s.ts) {
			return
		}
		for _, region := range knownRegions() {
			if c.verifiesWith(s, c.body, func(r *http.Request) { r.Header.Set("X-TC-Region", region) }) {
				c.resignAs(s)
				return
			}
		}
	})
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

// signedHeadersElement finds the SignedHeaders of an Authorization header, as written.
var signedHeadersElement = regexp.MustCompile(`SignedHeaders=[^,]*`)

// signedHeadersClaimIgnored serves a TC3 request whose Authorization claims another
// SignedHeaders list than content-type;host when it verifies over content-type;host: a
// server that does not take the list from the request (breaks A2: the list is signed).
func signedHeadersClaimIgnored(fx *fixture.Fixture) middleware {
	return rewrite(func(c *call) {
		h := c.r.Header.Get("Authorization")
		const plain = "SignedHeaders=content-type;host"
		claim := signedHeadersElement.FindString(h)
		if claim == "" || claim == plain {
			return
		}
		fixed := strings.Replace(h, claim, plain, 1)
		auth, err := signing.ParseAuthorization(fixed)
		if err != nil {
			return
		}
		ts, err := strconv.ParseInt(c.r.Header.Get("X-TC-Timestamp"), 10, 64)
		cred, known := credentialByID(fx, auth.SecretID)
		if err == nil && known && c.verifiesAsReceived(signedCall{auth: auth, ts: ts, cred: cred}) {
			c.r.Header.Set("Authorization", fixed)
		}
	})
}
