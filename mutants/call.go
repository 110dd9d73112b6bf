package mutants

import (
	"bytes"
	"encoding/json"
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

// A request as a middleware reads it: its body (read once and put back), its TC3
// Authorization and timestamp, whether its signature verifies as received or once
// changed, and its ListJobs parameters, all read as the emulator reads them.
//
// A middleware that changes a signed request re-signs it (resign.go), and does so only
// for a request whose signature verified as received, with the key the fixture gives
// its SecretId: it changes what its mutant breaks and nothing else. The exceptions are
// the authentication mutants whose point is to accept what the emulator refuses.

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

// setQuery replaces the query the emulator will read (and the RequestURI a server
// request carries, when it has one).
func (c *call) setQuery(q string) {
	c.r.URL.RawQuery = q
	if c.r.RequestURI != "" {
		c.r.RequestURI = c.r.URL.RequestURI()
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

// claimed is a TC3 request's signature claim with the fixture key of its SecretId,
// whether or not the signature verifies.
func (c *call) claimed(fx *fixture.Fixture) (signedCall, bool) {
	auth, ts, ok := c.tc3()
	if !ok {
		return signedCall{}, false
	}
	cred, ok := credentialByID(fx, auth.SecretID)
	return signedCall{auth: auth, ts: ts, cred: cred}, ok
}

// verified checks the request's TC3 signature, as received, with the fixture's key.
func (c *call) verified(fx *fixture.Fixture) (signedCall, bool) {
	s, ok := c.claimed(fx)
	if !ok || !c.verifiesAsReceived(s) {
		return signedCall{}, false
	}
	return s, true
}

// verifiesAsReceived tells a TC3 request whose signature is s.cred's, over its own scope.
func (c *call) verifiesAsReceived(s signedCall) bool {
	return signing.VerifyPortless(c.r, c.payload(), s.cred.SecretKey, s.auth, s.ts)
}

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

// scopeOK is the A6 check of the emulator: the scope is ciam, dated the timestamp's day.
func scopeOK(auth signing.Authorization, ts int64) bool {
	return auth.Service == service && auth.Date == signing.Date(ts)
}

// expired is the A3 check of the emulator: more than 300 s off, either way.
func expired(ts int64) bool { return skew(ts) > 300 }

// skew is |now - ts| in seconds.
func skew(ts int64) int64 {
	d := time.Now().Unix() - ts
	if d < 0 {
		return -d
	}
	return d
}

// params are the ListJobs parameters of a request, as far as they could be read.
type params struct {
	store    string
	hasStore bool
	ids      []string
	hasIDs   bool
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
	var fields map[string]json.RawMessage
	if json.Unmarshal(c.body, &fields) != nil {
		return p
	}
	if json.Unmarshal(fields["UserStoreId"], &p.store) == nil && string(fields["UserStoreId"]) != "null" {
		p.hasStore = fields["UserStoreId"] != nil
	}
	if json.Unmarshal(fields["JobIds"], &p.ids) == nil && p.ids != nil {
		p.hasIDs = true
	}
	return p
}

// filtered tells a request that lists ids.
func (p params) filtered() bool { return len(p.ids) > 0 }
