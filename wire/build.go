package wire

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/ciam-harness/listjobs/signing"
	"github.com/ciam-harness/listjobs/vocab"
)

// Target is where requests go and what every ordinary request says of the client.
type Target struct {
	// BaseURL is scheme://host[:port], no trailing slash; requests go to BaseURL + "/".
	BaseURL string
	// Region is the X-TC-Region (and the signature v1 Region) of ordinary requests.
	Region string
}

// host is the host[:port] of BaseURL.
func (t Target) host() string {
	u, err := url.Parse(t.BaseURL)
	if err != nil {
		return ""
	}
	return u.Host
}

// Build turns spec into a signed request at the Unix time ts (the caller adds
// spec.TSOffset, measured on the endpoint's clock: Clock); body is what it carries.
func Build(ctx context.Context, t Target, spec *Spec, ts int64) (*http.Request, []byte, error) {
	cred := spec.EffectiveCredential()
	if spec.V1Method != "" {
		if spec.SignedOver != nil {
			return nil, nil, errors.New("harness error: a part of the TC3 canonical request is signed over another value, and the request is signed with signature v1")
		}
		return buildV1(ctx, t, spec, cred, ts)
	}
	var body []byte
	query := ""
	if spec.Method == http.MethodGet {
		if spec.HasQuery {
			query = spec.Query
		} else {
			v, err := QueryValues(spec.Params)
			if err != nil {
				return nil, nil, err
			}
			query = v.Encode() // sorted keys, QueryEscape: what the Go SDK sends and signs
		}
	} else if spec.HasBody {
		body = spec.Body
	} else {
		body = EncodeBody(spec.Params)
	}
	target := t.BaseURL + "/"
	if query != "" {
		target += "?" + query
	}
	r, err := http.NewRequestWithContext(ctx, spec.Method, target, bytes.NewReader(body))
	if err != nil {
		return nil, nil, fmt.Errorf("harness error: building the request: %v", err)
	}
	if spec.Method == http.MethodGet {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		r.Header.Set("Content-Type", "application/json")
	}
	r.Header.Set("X-TC-Action", vocab.Action)
	r.Header.Set("X-TC-Version", vocab.Version)
	r.Header.Set("X-TC-Region", t.Region)
	for _, h := range spec.Headers {
		if h.Remove {
			r.Header.Del(h.Name)
		} else {
			r.Header.Set(h.Name, h.Value)
		}
	}
	opts := signing.Options{Service: vocab.Service, Timestamp: ts, SignedHeaders: spec.SignedHeaders}
	if spec.Service != "" {
		opts.Service = spec.Service
	}
	if spec.ScopeDayOffset != 0 {
		opts.Date = time.Unix(ts, 0).UTC().AddDate(0, 0, spec.ScopeDayOffset).Format("2006-01-02")
	}
	for part, v := range spec.SignedOver {
		own := r.Method
		if part == PartURI {
			own = signing.CanonicalURI
		}
		if v == own {
			return nil, nil, fmt.Errorf("harness error: the request is signed over its own %s %q", part, v)
		}
		if opts.Over == nil {
			opts.Over = map[string]string{}
		}
		opts.Over[part] = v
	}
	signing.SignWith(r, body, cred, opts)
	if spec.NoAuth {
		r.Header.Del("Authorization")
	}
	if spec.Authorization != nil {
		auth, err := signing.ParseAuthorization(r.Header.Get("Authorization"))
		if err != nil {
			return nil, nil, fmt.Errorf("harness error: parsing its own Authorization: %v", err)
		}
		v, err := spec.Authorization(auth)
		if err != nil {
			return nil, nil, err
		}
		r.Header["Authorization"] = []string{v} // sent as is, even when empty
	}
	for _, f := range spec.After {
		if err := f(r, &body); err != nil {
			return nil, nil, err
		}
	}
	expectContinue(r, body)
	return r, body, nil
}

// buildV1 makes a signature v1 request (A7): every parameter, common ones included, in
// the query of a GET or the form body of a POST, signed over the sorted raw parameters.
func buildV1(ctx context.Context, t Target, spec *Spec, cred signing.Credential, ts int64) (*http.Request, []byte, error) {
	v, err := QueryValues(spec.Params)
	if err != nil {
		return nil, nil, err
	}
	nonce, _ := rand.Int(rand.Reader, big.NewInt(1<<31-1))
	v.Set("Action", vocab.Action)
	v.Set("Version", vocab.Version)
	v.Set("Region", t.Region)
	v.Set("Timestamp", strconv.FormatInt(ts, 10))
	v.Set("Nonce", strconv.FormatInt(nonce.Int64()+1, 10))
	v.Set("SecretId", cred.SecretID)
	v.Set("SignatureMethod", spec.V1Method)
	if cred.Token != "" {
		v.Set("Token", cred.Token)
	}
	for _, name := range spec.V1Omitted {
		v.Del(name)
	}
	sig, err := signing.SignV1(cred.SecretKey, spec.V1Method, signing.V1StringToSign(spec.Method, t.host(), "/", v))
	if err != nil {
		return nil, nil, err
	}
	v.Set("Signature", sig)
	target := t.BaseURL + "/"
	var body []byte
	if spec.Method == http.MethodGet {
		target += "?" + v.Encode()
	} else {
		body = []byte(v.Encode())
	}
	r, err := http.NewRequestWithContext(ctx, spec.Method, target, bytes.NewReader(body))
	if err != nil {
		return nil, nil, fmt.Errorf("harness error: building the request: %v", err)
	}
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, f := range spec.After { // what a step changes after signing
		if err := f(r, &body); err != nil {
			return nil, nil, err
		}
	}
	expectContinue(r, body)
	return r, body, nil
}

// EncodeBody writes the parameters as a compact JSON object in their order, as the Go SDK does.
func EncodeBody(params []Param) []byte {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, p := range params {
		if i > 0 {
			b.WriteByte(',')
		}
		name, _ := json.Marshal(p.Name) // a string always encodes
		b.Write(name)
		b.WriteByte(':')
		b.Write(p.Raw)
	}
	b.WriteByte('}')
	return b.Bytes()
}

// QueryValues flattens the parameters as the SDKs do for GET and signature v1: strings
// as they are, arrays of strings as Name.N (zero-based), null left out.
func QueryValues(params []Param) (url.Values, error) {
	v := url.Values{}
	for _, p := range params {
		var x any
		if err := json.Unmarshal(p.Raw, &x); err != nil {
			return nil, fmt.Errorf("harness error: parameter %s is not JSON", p.Name)
		}
		switch x := x.(type) {
		case nil:
		case string:
			v.Set(p.Name, x)
		case []any:
			for i, e := range x {
				s, ok := e.(string)
				if !ok {
					return nil, fmt.Errorf("harness error: a query cannot carry %s = %s", p.Name, p.Raw)
				}
				v.Set(p.Name+"."+strconv.Itoa(i), s)
			}
		default:
			return nil, fmt.Errorf("harness error: a query cannot carry %s = %s", p.Name, p.Raw)
		}
	}
	return v, nil
}

// expectContinueOver is the body size from which a request asks the server to answer
// before the body is sent (Expect: 100-continue).
const expectContinueOver = 1 << 20

// expectContinue lets a server refuse a large body before it is sent: a server that
// answers RequestSizeLimitExceeded (T10) and closes the connection while the body is
// still on its way would otherwise leave the harness with a broken pipe instead of its
// answer. The header is not signed.
func expectContinue(r *http.Request, body []byte) {
	if len(body) > expectContinueOver {
		r.Header.Set("Expect", "100-continue")
	}
}

// SetBody makes body the body of r (a tamper after signing).
func SetBody(r *http.Request, body []byte) {
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	r.ContentLength = int64(len(body))
	if len(body) == 0 {
		r.Body, r.GetBody = http.NoBody, nil
	}
}

// SDKSignedHeaders are the headers every SDK signs (TC3), always.
const SDKSignedHeaders = "content-type;host"

// SDKCannot says why no SDK's caller can make spec, or "": the requests only the wire
// driver makes.
func SDKCannot(spec *Spec) string {
	switch {
	case spec.Method != http.MethodPost && spec.Method != http.MethodGet:
		return "the SDK sends GET or POST only"
	case spec.HasBody || spec.HasQuery:
		return "the SDK writes the body and the query itself"
	case spec.SignedHeaders != nil && !strings.EqualFold(strings.Join(spec.SignedHeaders, ";"), SDKSignedHeaders):
		return "the SDK always signs " + SDKSignedHeaders
	case spec.TSOffset != 0 || spec.ScopeDayOffset != 0 || spec.Service != "":
		return "the SDK derives the timestamp and the credential scope itself"
	case spec.NoAuth || spec.Authorization != nil || spec.SignedOver != nil:
		return "the SDK always writes its own Authorization header"
	case len(spec.After) > 0:
		return "the SDK signs and sends in one call"
	}
	return ""
}
