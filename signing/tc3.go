// Package signing implements the Tencent Cloud API 3.0 request signatures:
// TC3-HMAC-SHA256 (signature v3) and the older HmacSHA1/HmacSHA256 (signature v1).
// The harness uses it to sign requests and the emulator to verify them, so both sides
// share one reading of the algorithm, pinned by the official vectors in testdata/.
package signing

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/ciam-harness/listjobs/vocab"
)

// Algorithm is the only signature v3 algorithm name.
const Algorithm = vocab.Algorithm

// UnsignedPayload is the X-TC-Content-SHA256 value that exempts the body from the signature.
const UnsignedPayload = "UNSIGNED-PAYLOAD"

// DefaultSignedHeaders is what the official SDKs sign.
var DefaultSignedHeaders = []string{"content-type", "host"}

// Credential is a Tencent Cloud API key, with the token of a temporary key.
type Credential struct {
	SecretID  string
	SecretKey string
	Token     string
}

// HashHex is Lowercase(HexEncode(SHA256(b))).
func HashHex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Date is the UTC date of a Unix timestamp, as the credential scope carries it.
func Date(timestamp int64) string {
	return time.Unix(timestamp, 0).UTC().Format("2006-01-02")
}

// CredentialScope is Date/service/tc3_request.
func CredentialScope(date, service string) string {
	return date + "/" + service + "/tc3_request"
}

// HeaderLookup returns the value of a header by its lower-case name, as sent.
type HeaderLookup func(lowerName string) string

// CanonicalURI is the CanonicalURI of every API 3.0 request (§1.1: "Slash ("/") is used
// for API 3.0").
const CanonicalURI = "/"

// CanonicalRequest builds the canonical request of §1.1, with the CanonicalURI "/": each
// signed header as lowercase(name):lowercase(trim(value)), in the order given (callers
// sort it).
func CanonicalRequest(method, canonicalQuery string, header HeaderLookup, signedHeaders []string, hashedPayload string) string {
	return CanonicalRequestAt(method, CanonicalURI, canonicalQuery, header, signedHeaders, hashedPayload)
}

// CanonicalRequestAt is CanonicalRequest with another CanonicalURI: what a client that
// signs some other path computes. Only probes of the harness and its mutants use it;
// an API 3.0 signature is always over "/".
func CanonicalRequestAt(method, uri, canonicalQuery string, header HeaderLookup, signedHeaders []string, hashedPayload string) string {
	var b strings.Builder
	b.WriteString(method)
	b.WriteByte('\n')
	b.WriteString(uri)
	b.WriteByte('\n')
	b.WriteString(canonicalQuery)
	b.WriteByte('\n')
	for _, name := range signedHeaders {
		b.WriteString(name)
		b.WriteByte(':')
		b.WriteString(strings.ToLower(strings.TrimSpace(header(name))))
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	b.WriteString(strings.Join(signedHeaders, ";"))
	b.WriteByte('\n')
	b.WriteString(hashedPayload)
	return b.String()
}

// StringToSign is Algorithm\nTimestamp\nCredentialScope\nHashedCanonicalRequest.
func StringToSign(timestamp int64, scope, canonicalRequest string) string {
	return fmt.Sprintf("%s\n%d\n%s\n%s", Algorithm, timestamp, scope, HashHex([]byte(canonicalRequest)))
}

func hmacSHA256(key []byte, msg string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msg))
	return m.Sum(nil)
}

// SigningKey derives SecretSigning from the SecretKey, the scope date and the service.
func SigningKey(secretKey, date, service string) []byte {
	secretDate := hmacSHA256([]byte("TC3"+secretKey), date)
	secretService := hmacSHA256(secretDate, service)
	return hmacSHA256(secretService, "tc3_request")
}

// Signature is HexEncode(HMAC_SHA256(SecretSigning, StringToSign)).
func Signature(secretKey, date, service, stringToSign string) string {
	return hex.EncodeToString(hmacSHA256(SigningKey(secretKey, date, service), stringToSign))
}

// Authorization is the parsed Authorization header of a TC3 request.
type Authorization struct {
	SecretID      string
	Date          string
	Service       string
	SignedHeaders []string
	Signature     string
}

// String formats the header exactly as §1.4 shows it.
func (a Authorization) String() string {
	return Algorithm + " Credential=" + a.SecretID + "/" + CredentialScope(a.Date, a.Service) +
		", SignedHeaders=" + strings.Join(a.SignedHeaders, ";") + ", Signature=" + a.Signature
}

// ErrMalformedAuthorization is wrapped by every ParseAuthorization error.
var ErrMalformedAuthorization = errors.New("malformed Authorization header")

func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrMalformedAuthorization, fmt.Sprintf(format, args...))
}

// ParseAuthorization parses
// "TC3-HMAC-SHA256 Credential=ID/DATE/SERVICE/tc3_request, SignedHeaders=a;b, Signature=HEX".
// It checks the form only; whether content-type and host are signed is the caller's rule.
//
// Whitespace: §1.4 documents the separators as a comma and one space, and the official
// SDKs always send exactly that, but nothing documents that other spacing is refused.
// So the parser follows the HTTP authentication syntax (RFC 7235): the algorithm and the
// first element are separated by one or more SP, and optional whitespace (SP or HTAB,
// any amount, none included) may surround each comma-separated element, as may the whole
// value. Whitespace anywhere else (around '=', inside a value) is malformed, as are
// empty elements. Accepting more spacing never fails a conforming client, and the
// harness, which signs with Sign, always sends the documented form.
//
// Beyond the form of §1.4 it requires: the three elements exactly once each, with these
// exact (case-sensitive) names, in any order; a SecretId and a service of visible ASCII;
// a real YYYY-MM-DD date; SignedHeaders a non-empty ';'-list of lower-case HTTP header
// names (order and repetition are not checked: Verify uses the list as given); a
// Signature of 64 hex digits.
func ParseAuthorization(h string) (Authorization, error) {
	var a Authorization
	alg, rest, ok := strings.Cut(strings.Trim(h, ows), " ")
	if !ok || alg != Algorithm {
		return a, malformed("algorithm is not %s", Algorithm)
	}
	parts := strings.Split(rest, ",")
	if len(parts) != 3 {
		return a, malformed("want exactly Credential, SignedHeaders and Signature")
	}
	fields := map[string]string{}
	for _, p := range parts {
		k, v, ok := strings.Cut(strings.Trim(p, ows), "=")
		if !ok {
			return a, malformed("element without '='")
		}
		if _, dup := fields[k]; dup {
			return a, malformed("%s given twice", k)
		}
		fields[k] = v
	}
	cred, ok1 := fields["Credential"]
	signed, ok2 := fields["SignedHeaders"]
	sig, ok3 := fields["Signature"]
	if !ok1 || !ok2 || !ok3 {
		return a, malformed("want exactly Credential, SignedHeaders and Signature")
	}
	scope := strings.Split(cred, "/")
	if len(scope) != 4 || scope[3] != "tc3_request" {
		return a, malformed("Credential is not SecretId/Date/service/tc3_request")
	}
	if !visibleASCII(scope[0]) || !visibleASCII(scope[2]) {
		return a, malformed("Credential SecretId or service is empty or not visible ASCII")
	}
	if _, err := time.Parse("2006-01-02", scope[1]); err != nil {
		return a, malformed("credential date is not YYYY-MM-DD")
	}
	if signed == "" {
		return a, malformed("SignedHeaders is empty")
	}
	names := strings.Split(signed, ";")
	for _, n := range names {
		if !lowerToken(n) {
			return a, malformed("SignedHeaders must be lower-case header names joined by ';'")
		}
	}
	if len(sig) != 64 {
		return a, malformed("Signature is not 64 hex digits")
	}
	if _, err := hex.DecodeString(sig); err != nil {
		return a, malformed("Signature is not hex")
	}
	return Authorization{SecretID: scope[0], Date: scope[1], Service: scope[2], SignedHeaders: names, Signature: sig}, nil
}

// ows is HTTP optional whitespace.
const ows = " \t"

// visibleASCII reports whether s is non-empty and only of the characters 0x21-0x7e.
func visibleASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return false
		}
	}
	return s != ""
}

// lowerToken reports whether s is an HTTP header name (an RFC 7230 token) without
// upper-case letters.
func lowerToken(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return s != ""
}

// RequestHeader looks headers up in an *http.Request, taking "host" from r.Host
// (Go moves the Host header there) and joining repeated values with ",".
func RequestHeader(r *http.Request) HeaderLookup {
	return func(name string) string {
		if name == "host" {
			if r.Host != "" {
				return r.Host
			}
			return r.URL.Host
		}
		return strings.Join(r.Header.Values(name), ",")
	}
}

// PayloadHash is the HashedRequestPayload of a request: the hash of the body, or of the
// literal UNSIGNED-PAYLOAD when X-TC-Content-SHA256 says so.
func PayloadHash(header HeaderLookup, body []byte) string {
	if header("x-tc-content-sha256") == UnsignedPayload {
		return HashHex([]byte(UnsignedPayload))
	}
	return HashHex(body)
}

// CanonicalQuery is the CanonicalQueryString of r (§1.1): r.URL.RawQuery exactly as
// sent for GET, and "" for every other method (the doc: "always an empty string for
// POST requests").
func CanonicalQuery(r *http.Request) string {
	if r.Method != http.MethodGet {
		return ""
	}
	return r.URL.RawQuery
}

// Sign signs r (whose body is body, read or not) with cred for service at timestamp,
// over signedHeaders (lower-cased and sorted here, the caller's slice is left alone;
// nil means content-type;host). It sets X-TC-Timestamp, X-TC-Token (for a temporary
// key) and Authorization. Headers to be signed must be set before; the query is
// CanonicalQuery(r): a GET is signed over r.URL.RawQuery as it stands, a POST over "".
func Sign(r *http.Request, body []byte, cred Credential, service string, timestamp int64, signedHeaders []string) {
	SignWith(r, body, cred, Options{Service: service, Timestamp: timestamp, SignedHeaders: signedHeaders})
}

// Options say what a request is signed over. The zero value of a part is the request's
// own: a probe that signs one part over another value (a conformance check that the
// endpoint compares that part) sets just that part, and the signature is right for what
// it was made over, so only that part is wrong.
type Options struct {
	// Service is the credential scope's service.
	Service string
	// Timestamp is X-TC-Timestamp and the StringToSign's RequestTimestamp.
	Timestamp int64
	// Date is the credential scope's date; "" is Date(Timestamp).
	Date string
	// SignedHeaders are the headers signed, in any case and order; nil is
	// DefaultSignedHeaders.
	SignedHeaders []string
	// Over holds parts of the canonical request signed over another value than the
	// request's own, by the names of §1.1: "HTTPRequestMethod" (r.Method otherwise) and
	// "CanonicalURI" (CanonicalURI otherwise), the empty string included.
	Over map[string]string
}

// SignWith signs r as Sign does, over the parts opts gives.
func SignWith(r *http.Request, body []byte, cred Credential, opts Options) {
	signedHeaders := opts.SignedHeaders
	if signedHeaders == nil {
		signedHeaders = DefaultSignedHeaders
	}
	names := make([]string, len(signedHeaders))
	for i, n := range signedHeaders {
		names[i] = strings.ToLower(n)
	}
	sort.Strings(names)
	r.Header.Set("X-TC-Timestamp", fmt.Sprint(opts.Timestamp))
	if cred.Token != "" {
		r.Header.Set("X-TC-Token", cred.Token)
	}
	lookup := RequestHeader(r)
	date := opts.Date
	if date == "" {
		date = Date(opts.Timestamp)
	}
	method, uri := r.Method, CanonicalURI
	if v, ok := opts.Over["HTTPRequestMethod"]; ok {
		method = v
	}
	if v, ok := opts.Over["CanonicalURI"]; ok {
		uri = v
	}
	canonical := CanonicalRequestAt(method, uri, CanonicalQuery(r), lookup, names, PayloadHash(lookup, body))
	sig := Signature(cred.SecretKey, date, opts.Service, StringToSign(opts.Timestamp, CredentialScope(date, opts.Service), canonical))
	r.Header.Set("Authorization", Authorization{
		SecretID: cred.SecretID, Date: date, Service: opts.Service, SignedHeaders: names, Signature: sig,
	}.String())
}

// Verify reports whether auth's signature matches the request as received: method,
// canonical query (the raw query for GET, "" for POST), the signed headers and the raw
// body. The comparison is constant-time.
func Verify(r *http.Request, body []byte, secretKey string, auth Authorization, timestamp int64) bool {
	return verify(r, RequestHeader(r), body, secretKey, auth, timestamp)
}

// VerifyPortless is Verify, and when that fails and the Host header has a port, Verify
// over the host without it: SDKs differ on a non-default port (the Go SDK signs
// "name:9000", the Node.js SDK "name"), and the real service is only reached on the
// default port. It is the emulator's rule (emulator/doc.go), for those that must read
// requests as the emulator does.
func VerifyPortless(r *http.Request, body []byte, secretKey string, auth Authorization, timestamp int64) bool {
	if Verify(r, body, secretKey, auth, timestamp) {
		return true
	}
	lookup := RequestHeader(r)
	host, ok := HostWithoutPort(lookup("host"))
	return ok && verify(r, WithHost(lookup, host), body, secretKey, auth, timestamp)
}

// HostWithoutPort returns host[:port] without its port ("name:8080" gives "name",
// "[::1]:8080" gives "[::1]"), and false when it has none.
func HostWithoutPort(host string) (string, bool) {
	i := strings.LastIndexByte(host, ':')
	if i <= 0 || i == len(host)-1 || strings.Trim(host[i+1:], "0123456789") != "" {
		return "", false
	}
	if strings.HasPrefix(host, "[") && host[i-1] != ']' {
		return "", false // an IPv6 address without a port
	}
	return host[:i], true
}

// WithHost is lookup with "host" answered by host.
func WithHost(lookup HeaderLookup, host string) HeaderLookup {
	return func(name string) string {
		if name == "host" {
			return host
		}
		return lookup(name)
	}
}

func verify(r *http.Request, lookup HeaderLookup, body []byte, secretKey string, auth Authorization, timestamp int64) bool {
	canonical := CanonicalRequest(r.Method, CanonicalQuery(r), lookup, auth.SignedHeaders, PayloadHash(lookup, body))
	want := Signature(secretKey, auth.Date, auth.Service, StringToSign(timestamp, CredentialScope(auth.Date, auth.Service), canonical))
	return hmac.Equal([]byte(want), []byte(auth.Signature))
}
