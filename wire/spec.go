// Package wire is the request model of the harness and what goes over the wire: a
// ListJobs request described as a Spec (its parameters, the headers a step sets, and
// every deliberate break of its signature), built and signed into an *http.Request at
// send time (Build), sent (Do), and the Exchange that came back, its body parsed once
// (Exchange.Doc). Every driver returns an Exchange; every check reads one.
package wire

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"

	"github.com/ciam-harness/listjobs/signing"
)

// Param is one parameter, in the order the scenario set it.
type Param struct {
	Name string
	Raw  json.RawMessage
}

// HeaderEdit sets a request header (Value) or removes it (Remove).
type HeaderEdit struct {
	Name, Value string
	Remove      bool
}

// TokenMode says what X-TC-Token a request carries.
type TokenMode int

// The token modes.
const (
	TokenOfKey TokenMode = iota // X-TC-Token when the key is temporary
	TokenNone                   // no X-TC-Token at all
	TokenValue                  // Spec.TokenText
)

// Tamper changes a request after it was signed.
type Tamper func(r *http.Request, body *[]byte) error

// The parts of the canonical request a Spec may be signed over in place of its own
// (Spec.SignedOver), by the names of the signing doc's §1.1.
const (
	PartMethod = "HTTPRequestMethod"
	PartURI    = "CanonicalURI"
)

// Spec describes a ListJobs request. Build turns it into a signed *http.Request at
// send time, so each send gets a fresh timestamp. The zero values are the ordinary
// request: TC3-signed over content-type;host with the credential's own key and token.
type Spec struct {
	Method   string
	Store    string             // the UserStoreId the scenario means ({{user store}})
	Cred     signing.Credential // the key of the request; its owner paces it
	Params   []Param
	Body     []byte // exact body, when HasBody
	HasBody  bool
	Query    string // exact GET query, when HasQuery
	HasQuery bool
	Headers  []HeaderEdit

	SignedHeaders  []string // nil: content-type;host
	TSOffset       int64    // seconds added to the current time
	ScopeDayOffset int      // days added to the credential-scope date
	Service        string   // the credential scope's service; "" = ciam
	WrongKey       bool     // sign with a SecretKey that is not the key's
	UnknownID      bool     // sign with a SecretId nobody has
	NoAuth         bool     // send no Authorization header
	// Authorization, when set, replaces the Authorization header with what it returns
	// of the signed one (sent as is, even empty).
	Authorization func(signed signing.Authorization) (string, error)
	Token         TokenMode
	TokenText     string
	V1Method      string   // signature v1 with HmacSHA1 or HmacSHA256 instead of TC3
	V1Omitted     []string // common parameters a signature v1 request is signed and sent without
	After         []Tamper
	SDKRetries    int // an SDK client's RateLimitExceededMaxRetries
	// SignedOver holds the parts of the canonical request (PartMethod, PartURI) the
	// request is signed over in place of its own.
	SignedOver map[string]string
}

// NewSpec is an ordinary POST of store, signed with cred.
func NewSpec(store string, cred signing.Credential) *Spec {
	raw, _ := json.Marshal(store) // a string always encodes
	return &Spec{Method: http.MethodPost, Store: store, Cred: cred, Params: []Param{{"UserStoreId", raw}}}
}

// SetParam sets the parameter name to raw, in its place if it is set already.
func (r *Spec) SetParam(name string, raw json.RawMessage) {
	for i := range r.Params {
		if r.Params[i].Name == name {
			r.Params[i].Raw = raw
			return
		}
	}
	r.Params = append(r.Params, Param{name, raw})
}

// EffectiveCredential is the key a request is signed with, after the deliberate breaks
// of the key (an unknown SecretId, a wrong SecretKey, no or another token), which an
// SDK user makes by giving the SDK such a key.
func (r *Spec) EffectiveCredential() signing.Credential {
	cred := r.Cred
	if r.UnknownID {
		cred.SecretID = "AKIDconformanceUnknownKey" + RandomHex(6)
	}
	if r.WrongKey {
		cred.SecretKey = "wrong-" + cred.SecretKey
	}
	switch r.Token {
	case TokenNone:
		cred.Token = ""
	case TokenValue:
		cred.Token = r.TokenText
	}
	return cred
}

// RandomHex is n random bytes in hex.
func RandomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b)
}
