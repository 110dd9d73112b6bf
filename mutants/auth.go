package mutants

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ciam-harness/listjobs/fixture"
	"github.com/ciam-harness/listjobs/signing"
)

// Authentication beyond the signature (A3-A8): the 300 s window of X-TC-Timestamp,
// the SecretId, the form of the Authorization header, the credential scope, signature
// v1 and the session token. A1 and A2 are in auth_signature.go.

// authMutants are the mutants of the rows A3-A8, in row order.
func authMutants() []Mutant {
	return []Mutant{
		{Name: "timestamp-unchecked", Row: "A3", Class: ClassBoundary, How: howResigning, Break: "any X-TC-Timestamp is accepted",
			apply: through(skipTimestamp)},
		{Name: "timestamp-too-strict", Row: "A3", Class: ClassBoundary, How: howMiddleware, Break: "a clock skew over 30 s is refused with SignatureExpire",
			apply: through(func(fx *fixture.Fixture) middleware { return refuseSkewOver(fx, 30) })},
		{Name: "timestamp-window-240", Row: "A3", Class: ClassBoundary, How: howMiddleware, Break: "a clock skew over 240 s is refused with SignatureExpire",
			apply: through(func(fx *fixture.Fixture) middleware { return refuseSkewOver(fx, 240) })},
		{Name: "timestamp-window-360", Row: "A3", Class: ClassBoundary, How: howResigning, Break: "a clock skew of up to 360 s is accepted",
			apply: through(acceptSkewUpTo(360))},
		{Name: "timestamp-future-unchecked", Row: "A3", Class: ClassBoundary, How: howMiddleware, Break: "timestamps far in the future are accepted (only the past is checked)",
			apply: through(acceptFuture)},
		{Name: "secretid-unknown-accepted", Row: "A4", Class: ClassNearMiss, How: howMiddleware, Break: "a SecretId the service does not know is served as the primary key",
			apply: through(acceptUnknownSecretID)},
		{Name: "secretid-case-insensitive", Row: "A4", Class: ClassNearMiss, How: howMiddleware, Break: "a SecretId is matched whatever its case",
			apply: through(secretIDLoosely(strings.EqualFold))},
		{Name: "authorization-wrong-code", Row: "A5", Class: ClassErrorChoice, How: howRewriter, Break: "a missing or malformed Authorization gets AuthFailure.SignatureFailure",
			apply: rewriter(recode(codeInvalidAuthorization, codeSignatureFailure))},
		{Name: "algorithm-case-insensitive", Row: "A5", Class: ClassNearMiss, How: howMiddleware, Break: "the Authorization algorithm tc3-hmac-sha256 is taken for TC3-HMAC-SHA256",
			apply: through(fixed(algorithmLoosely(strings.EqualFold)))},
		{Name: "algorithm-prefix-match", Row: "A5", Class: ClassNearMiss, How: howMiddleware, Break: "an Authorization algorithm that starts with TC3-HMAC-SHA256 is taken for it",
			apply: through(fixed(algorithmLoosely(startsWith)))},
		{Name: "scope-terminator-case-insensitive", Row: "A5", Class: ClassNearMiss, How: howMiddleware, Break: "a credential scope ending in TC3_REQUEST is taken for tc3_request",
			apply: through(fixed(scopeTerminatorLoosely(strings.EqualFold)))},
		{Name: "signature-malformed-wrong-code", Row: "A5", Class: ClassErrorChoice, How: howRewriter, Break: "a Signature that is not 64 hex digits gets InvalidParameter",
			apply: through(fixed(malformedSignatureRecoded()))},
		{Name: "scope-unchecked", Row: "A6", Class: ClassNearMiss, How: howResigning, Break: "the credential scope's date and service are not checked",
			apply: through(skipScope)},
		{Name: "scope-date-ignored", Row: "A6", Class: ClassNearMiss, How: howMiddleware, Break: "a credential scope dated another day than the timestamp is accepted",
			apply: through(func(fx *fixture.Fixture) middleware { return acceptScope(fx, true) })},
		{Name: "scope-service-ignored", Row: "A6", Class: ClassNearMiss, How: howMiddleware, Break: "a credential scope for another service is accepted",
			apply: through(func(fx *fixture.Fixture) middleware { return acceptScope(fx, false) })},
		{Name: "scope-service-case-insensitive", Row: "A6", Class: ClassNearMiss, How: howResigning, Break: "a credential scope for the service CIAM is taken for ciam",
			apply: through(scopeServiceLoosely(strings.EqualFold))},
		{Name: "scope-malformed-unchecked", Row: "A6", Class: ClassNearMiss, How: howResigning, Break: "a credential scope whose date or service is malformed is read as written and checked against nothing",
			apply: through(acceptMalformedScope)},
		{Name: "signature-v1-refused", Row: "A7", Class: ClassRequestRead, How: howMiddleware, Break: "signature v1 requests get AuthFailure.InvalidAuthorization",
			apply: through(fixed(refuseV1()))},
		{Name: "token-unchecked", Row: "A8", Class: ClassNearMiss, How: howResigning, Break: "a temporary key works without its token, or with a wrong one",
			apply: through(skipToken)},
		{Name: "token-wrong-code", Row: "A8", Class: ClassErrorChoice, How: howRewriter, Break: "a wrong X-TC-Token gets AuthFailure.SignatureFailure instead of TokenFailure",
			apply: rewriter(recode("AuthFailure.TokenFailure", codeSignatureFailure))},
		{Name: "token-case-insensitive", Row: "A8", Class: ClassNearMiss, How: howMiddleware, Break: "a temporary key's X-TC-Token is matched whatever its case",
			apply: through(tokenLoosely(strings.EqualFold))},
	}
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

// refuseSkewOver answers AuthFailure.SignatureExpire to a validly signed request whose
// X-TC-Timestamp is more than limit seconds (and at most 300) away (breaks A3).
func refuseSkewOver(fx *fixture.Fixture, limit int64) middleware {
	return refuse(func(c *call) []byte {
		s, ok := c.verified(fx)
		if !ok || skew(s.ts) <= limit || skew(s.ts) > 300 {
			return nil
		}
		return errorBody(codeSignatureExpire, "The signature is expired, please request again.", "")
	})
}

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

// acceptFuture re-signs a validly signed request from more than 300 s in the future
// at the present time (breaks A3: only the past is checked).
func acceptFuture(fx *fixture.Fixture) middleware {
	return lenient(fx, func(c *call, s signedCall) bool {
		now := time.Now().Unix()
		if s.ts <= now+300 {
			return false
		}
		c.resign(s.cred, s.auth.Service, now, s.auth.SignedHeaders)
		return false // signed already, at the new time
	})
}

// acceptUnknownSecretID serves a TC3 request of a SecretId the fixture does not know
// as a request of its primary key (breaks A4).
func acceptUnknownSecretID(fx *fixture.Fixture) middleware {
	primary, _ := fx.Credential("primary")
	return rewrite(func(c *call) {
		auth, ts, ok := c.tc3()
		if !ok || primary.SecretID == "" {
			return
		}
		if _, known := credentialByID(fx, auth.SecretID); !known {
			c.resign(primary, auth.Service, ts, auth.SignedHeaders)
		}
	})
}

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

// acceptScope re-signs a validly signed request whose credential scope has another
// date than its timestamp's (date) or another service than ciam (!date) (breaks A6).
func acceptScope(fx *fixture.Fixture, date bool) middleware {
	return lenient(fx, func(c *call, s signedCall) bool {
		if date && s.auth.Date != signing.Date(s.ts) {
			return true // Sign dates the scope from the timestamp
		}
		if !date && s.auth.Service != service {
			c.resign(s.cred, service, s.ts, s.auth.SignedHeaders)
		}
		return false
	})
}

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

// refuseV1 answers AuthFailure.InvalidAuthorization to every signature v1 request (breaks A7).
func refuseV1() middleware {
	return refuse(func(c *call) []byte {
		if c.isV1() {
			return errorBody(codeInvalidAuthorization, "Signature v1 is not supported: sign with TC3-HMAC-SHA256.", "")
		}
		return nil
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

// secretIDLoosely takes a TC3 request whose SecretId the fixture does not know, but that
// match takes for the SecretId of one of its keys, for a request of that key: the
// signature does not cover the SecretId, so it verifies with that key (breaks A4).
func secretIDLoosely(match func(got, want string) bool) func(*fixture.Fixture) middleware {
	return func(fx *fixture.Fixture) middleware {
		return rewrite(func(c *call) {
			auth, _, ok := c.tc3()
			if !ok {
				return
			}
			if _, known := credentialByID(fx, auth.SecretID); known {
				return
			}
			for _, cr := range fx.Credentials {
				if match(auth.SecretID, cr.SecretID) {
					auth.SecretID = cr.SecretID
					c.r.Header.Set("Authorization", auth.String())
					return
				}
			}
		})
	}
}

// terminatorPart finds the last part of the credential scope in an Authorization header.
var terminatorPart = regexp.MustCompile(`(Credential=[^/,]*/[^/,]*/[^/,]*/)([^,/]*)(,)`)

// scopeTerminatorLoosely takes a credential scope whose last part match takes for
// tc3_request for one that ends in tc3_request (breaks A5: it is not of the form).
func scopeTerminatorLoosely(match func(got, want string) bool) middleware {
	return rewrite(func(c *call) {
		h := c.r.Header.Get("Authorization")
		m := terminatorPart.FindStringSubmatchIndex(h)
		if m == nil {
			return
		}
		if got := h[m[4]:m[5]]; got != "tc3_request" && match(got, "tc3_request") {
			c.r.Header.Set("Authorization", h[:m[4]]+"tc3_request"+h[m[5]:])
		}
	})
}

// tokenLoosely gives a request of a temporary key whose X-TC-Token match takes for its
// token the token itself, re-signed when the token is signed and the request verified
// as received (breaks A8: a wrong token is accepted).
func tokenLoosely(match func(got, want string) bool) func(*fixture.Fixture) middleware {
	return func(fx *fixture.Fixture) middleware {
		return front(func(c *call) {
			s, ok := c.claimed(fx)
			got := c.r.Header.Get("X-TC-Token")
			if !ok || s.cred.Token == "" || got == s.cred.Token || !match(got, s.cred.Token) {
				return
			}
			good := c.verifiesAsReceived(s)
			c.r.Header.Set("X-TC-Token", s.cred.Token)
			if good && slices.Contains(s.auth.SignedHeaders, "x-tc-token") {
				c.forge(s.cred.SecretKey, s.auth, s.ts)
			}
		})
	}
}

// signatureElement is the Signature of an Authorization header, as written.
var signatureElement = regexp.MustCompile(`Signature=([^,]*)$`)

// wellFormedSignature is the Signature of §1.4: 64 hex digits.
var wellFormedSignature = regexp.MustCompile(`^[0-9a-fA-F]{64}$`)

// malformedSignatureRecoded answers InvalidParameter where the emulator answers
// InvalidAuthorization for an Authorization whose Signature is not 64 hex digits: a
// server that validates the Signature as a parameter (breaks A5).
func malformedSignatureRecoded() middleware {
	return amend(func(c *call, resp response, _ []byte) []byte {
		m := signatureElement.FindStringSubmatch(strings.TrimSpace(c.r.Header.Get("Authorization")))
		if resp.code != codeInvalidAuthorization || m == nil || wellFormedSignature.MatchString(m[1]) {
			return nil
		}
		return errorBody(codeInvalidParameter, "The parameter `Signature` is invalid.", resp.requestID)
	})
}

// looseTC3 reads an Authorization header of §1.4's layout whatever its scope's date and
// service hold.
var looseTC3 = regexp.MustCompile(`^TC3-HMAC-SHA256 Credential=([^/,]*)/([^/,]*)/([^/,]*)/tc3_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$`)

// acceptMalformedScope re-signs, over the timestamp's date and ciam, a TC3 request whose
// credential scope's date or service is not of A5's form (no date, white space, not
// ASCII) when its signature verifies over the scope it claims: a server that reads the
// scope as written and compares it with nothing (breaks A6).
func acceptMalformedScope(fx *fixture.Fixture) middleware {
	return rewrite(func(c *call) {
		h := c.r.Header.Get("Authorization")
		if _, err := signing.ParseAuthorization(h); err == nil {
			return
		}
		m := looseTC3.FindStringSubmatch(h)
		ts, err := strconv.ParseInt(c.r.Header.Get("X-TC-Timestamp"), 10, 64)
		if m == nil || err != nil {
			return
		}
		cred, known := credentialByID(fx, m[1])
		if !known {
			return
		}
		claimed := signing.Authorization{SecretID: m[1], Date: m[2], Service: m[3], SignedHeaders: strings.Split(m[4], ";"), Signature: m[5]}
		if c.rightSignature(signedCall{auth: claimed, ts: ts, cred: cred}) != claimed.Signature {
			return
		}
		claimed.Date, claimed.Service = signing.Date(ts), service
		c.forge(cred.SecretKey, claimed, ts)
	})
}
