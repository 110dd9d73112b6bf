package mutants

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/ciam-harness/listjobs/fixture"
	"github.com/ciam-harness/listjobs/signing"
)

// Re-signing: a middleware that forgives a request one fault (a re-signing front)
// finds the key of its SecretId in the fixture and signs it again, correctly, before the
// emulator sees it, so that the emulator serves what it would have refused for its
// signature, timestamp, scope or token. It forgives that one fault and nothing else: a
// request it does not forgive reaches the emulator as the emulator would judge it (same
// code, same order of checks). A request rewriter (lenient) re-signs, with the same key,
// scope and timestamp, a request whose signature verified as received. TC3 is signed
// here by resign and forge, signature v1 by v1Request, which edits the parameters in
// place, byte for byte as sent but for the ones it changes.

// resign signs the request as it now stands (method, query, headers, body) with cred,
// for service at ts, over the signed headers given. X-TC-Token is left as it is: a
// temporary key's token is still the emulator's to check.
func (c *call) resign(cred fixture.Credential, service string, ts int64, names []string) {
	signing.Sign(c.r, c.payload(), signing.Credential{SecretID: cred.SecretID, SecretKey: cred.SecretKey}, service, ts, names)
}

// resignAs re-signs a verified request with its own key, scope service and timestamp.
func (c *call) resignAs(s signedCall) { c.resign(s.cred, s.auth.Service, s.ts, s.auth.SignedHeaders) }

// forge sets the request's Authorization to auth with the signature that key gives the
// request as it now stands: same SecretId, scope and SignedHeaders (in their order), at ts.
func (c *call) forge(key string, auth signing.Authorization, ts int64) {
	lookup := signing.RequestHeader(c.r)
	canonical := signing.CanonicalRequest(c.r.Method, signing.CanonicalQuery(c.r), lookup, auth.SignedHeaders, signing.PayloadHash(lookup, c.payload()))
	auth.Signature = signing.Signature(key, auth.Date, auth.Service, signing.StringToSign(ts, signing.CredentialScope(auth.Date, auth.Service), canonical))
	c.r.Header.Set("Authorization", auth.String())
}

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
		v.c.setQuery(raw)
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
