package check

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/ciam-harness/listjobs/wire"
	"github.com/tidwall/gjson"
)

// call is a request as the endpoint received it, as far as the store rules need it.
type call struct {
	store    string
	ids      []string // the JobIds; none: not sent, null or empty (S1, P10)
	secretID string
}

// known reads the request of the exchange and tells whether it is one for a store and
// with a key the fixture describes (and no fault of the fixture's answers it).
func (x *view) known() bool {
	c, ok := readCall(x.ex, x.spec)
	if !ok {
		return false
	}
	st, ok := x.u.stores[c.store]
	if !ok || st.Generate != nil && len(st.Jobs) == 0 {
		return false
	}
	key, ok := x.u.keys[c.secretID]
	if !ok || key.NotActivated {
		return false
	}
	if _, fault := x.u.opts.Fixture.FaultFor(c.secretID, c.store); fault {
		return false
	}
	x.call = c
	return true
}

// credentialOf is the SecretId an Authorization header names (Credential=<SecretId>/),
// read leniently: the rules judge the answer to whatever key the request named.
func credentialOf(auth string) string {
	_, rest, ok := strings.Cut(auth, "Credential=")
	if !ok {
		return ""
	}
	id, _, ok := strings.Cut(rest, "/")
	if !ok {
		return ""
	}
	return id
}

// v1Common are the common parameters a signature v1 request carries besides its own.
var v1Common = []string{"Action", "Version", "Region", "Timestamp", "Nonce", "SecretId", "SignatureMethod", "Signature", "Token", "Language", "RequestClient"}

// readCall reads the user store, the JobIds and the SecretId of the request as it went
// out: from the exchange (the wire driver, an SDK whose round trips were seen), else
// from spec. A request the contract does not make a listing of (another parameter, a
// value of another type, a repeated query key) is not read: its answer is an error,
// which the scenario judges.
func readCall(ex *wire.Exchange, spec *wire.Spec) (call, bool) {
	var c call
	params := map[string]json.RawMessage{}
	method, ctype := ex.Method, ex.ReqHeader.Get("Content-Type")
	switch {
	case method == http.MethodGet || method == http.MethodPost && strings.HasPrefix(ctype, "application/x-www-form-urlencoded"):
		raw := ""
		if method == http.MethodGet {
			u, err := url.Parse(ex.URL)
			if err != nil {
				return c, false
			}
			raw = u.RawQuery
		} else {
			raw = string(ex.ReqBody)
		}
		q, err := url.ParseQuery(raw)
		if err != nil {
			return c, false
		}
		var ids []string
		idx := map[int]bool{}
		for k, vs := range q {
			if len(vs) != 1 {
				return c, false
			}
			switch n, isID := strings.CutPrefix(k, "JobIds."); {
			case k == "UserStoreId":
				b, _ := json.Marshal(vs[0])
				params["UserStoreId"] = b
			case isID:
				i, err := strconv.Atoi(n)
				if err != nil || i < 0 || idx[i] {
					return c, false
				}
				idx[i] = true
				ids = append(ids, vs[0])
			case k == "SecretId":
				c.secretID = vs[0]
			case slices.Contains(v1Common, k):
			default:
				return c, false
			}
		}
		if len(ids) > 0 {
			b, _ := json.Marshal(ids)
			params["JobIds"] = b
		}
	case method == http.MethodPost && ex.ReqBody != nil:
		// gjson, not encoding/json: a body of the size limits (T10) is 10 MB, which
		// encoding/json would read four times over; a member given twice is read as
		// encoding/json reads it, the last one.
		if !gjson.ValidBytes(ex.ReqBody) {
			return c, false
		}
		gjson.ParseBytes(ex.ReqBody).ForEach(func(name, value gjson.Result) bool {
			params[name.String()] = json.RawMessage(value.Raw)
			return true
		})
	case spec != nil: // an adapter that did not show its round trips: the request it was asked to make
		for _, p := range spec.Params {
			params[p.Name] = p.Raw
		}
		c.secretID = spec.EffectiveCredential().SecretID
	default:
		return c, false
	}
	for name, raw := range params {
		var err error
		switch name {
		case "UserStoreId":
			err = json.Unmarshal(raw, &c.store)
		case "JobIds":
			if string(raw) != "null" {
				var ok bool
				if c.ids, ok = stringArray(raw); !ok {
					return c, false
				}
			}
		default:
			return c, false
		}
		if err != nil {
			return c, false
		}
	}
	if c.secretID == "" {
		c.secretID = credentialOf(ex.ReqHeader.Get("Authorization"))
	}
	return c, c.store != "" && c.secretID != ""
}

// stringArray reads raw as encoding/json reads it into a []string: an array whose
// elements are strings or null (read as ""), else not read.
func stringArray(raw []byte) ([]string, bool) {
	if !gjson.ValidBytes(raw) {
		return nil, false
	}
	arr := gjson.ParseBytes(raw)
	if !arr.IsArray() {
		return nil, false
	}
	var ids []string
	ok := true
	arr.ForEach(func(_, v gjson.Result) bool {
		switch v.Type {
		case gjson.String:
			ids = append(ids, v.Str)
		case gjson.Null:
			ids = append(ids, "")
		default:
			ok = false
		}
		return ok
	})
	return ids, ok
}
