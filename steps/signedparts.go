package steps

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/ciam-harness/listjobs/signing"
)

// Every signed part matters: a request signed over one value and sent with another is
// refused. These steps change one part after signing (request.go changes the body, the
// query and the signed headers' values the same way).

// retouchAuthorization edits the TC3 Authorization header of the request after signing.
func (st *scenario) retouchAuthorization(edit func(a *signing.Authorization) error) error {
	return st.edit(func(r *requestSpec) {
		r.after = append(r.after, func(req *http.Request, _ *[]byte) error {
			a, err := signing.ParseAuthorization(req.Header.Get("Authorization"))
			if err != nil {
				return fmt.Errorf("harness error: this step changes a TC3 Authorization header, and the request has none: %v", err)
			}
			if err := edit(&a); err != nil {
				return err
			}
			req.Header.Set("Authorization", a.String())
			return nil
		})
	})
}

// signatureDigitChanged changes one hex digit of the signature: the first, the one in
// the middle or the last. A server that compares signatures in part accepts it.
func (st *scenario) signatureDigitChanged(which string) error {
	return st.retouchAuthorization(func(a *signing.Authorization) error {
		sig := []byte(a.Signature)
		if len(sig) == 0 {
			return errors.New("harness error: the signature is empty")
		}
		i := map[string]int{"first": 0, "middle": len(sig) / 2, "last": len(sig) - 1}[which]
		if sig[i] == '0' {
			sig[i] = '1'
		} else {
			sig[i] = '0'
		}
		a.Signature = string(sig)
		return nil
	})
}

// signatureCutShort drops the last hex digit of the signature: a server that compares
// only as many digits as it was sent accepts it.
func (st *scenario) signatureCutShort() error {
	return st.retouchAuthorization(func(a *signing.Authorization) error {
		if len(a.Signature) < 2 {
			return errors.New("harness error: the signature is too short to cut")
		}
		a.Signature = a.Signature[:len(a.Signature)-1]
		return nil
	})
}

// signedOver signs the request over another value of one part of its canonical request
// (§1.1), its HTTPRequestMethod or its CanonicalURI, the other parts being its own: a
// GET signed as a POST, a request to / signed over the path /x. Changing the method
// after signing would change the canonical query and payload too (a POST is signed
// over no query, a GET over no body), so only this shows that the method itself is
// verified.
func (st *scenario) signedOver(part, value string) error {
	return st.edit(func(r *requestSpec) {
		if r.signedOver == nil {
			r.signedOver = map[string]string{}
		}
		r.signedOver[part] = value
	})
}

// timestampMoved moves X-TC-Timestamp by seconds after signing, well inside the window
// of A3: only the signature can tell.
func (st *scenario) timestampMoved(seconds int, direction string) error {
	if direction == "earlier" {
		seconds = -seconds
	}
	return st.edit(func(r *requestSpec) {
		r.after = append(r.after, func(req *http.Request, _ *[]byte) error {
			ts, err := strconv.ParseInt(req.Header.Get("X-TC-Timestamp"), 10, 64)
			if err != nil {
				return errors.New("harness error: the request has no X-TC-Timestamp to move")
			}
			req.Header.Set("X-TC-Timestamp", strconv.FormatInt(ts+int64(seconds), 10))
			return nil
		})
	})
}

// v1ParameterChanged changes one parameter of a signature v1 request after signing, in
// its query (GET) or its form body (POST), to another valid value: a Timestamp or Nonce
// one more, a Region another region, anything else with a digit added.
func (st *scenario) v1ParameterChanged(name string) error {
	return st.edit(func(r *requestSpec) {
		r.after = append(r.after, func(req *http.Request, body *[]byte) error {
			raw := req.URL.RawQuery
			if req.Method == http.MethodPost {
				raw = string(*body)
			}
			vals, err := url.ParseQuery(raw)
			if err != nil || vals.Get("Signature") == "" {
				return errors.New("harness error: this step changes a parameter of a signature v1 request: sign it with signature v1 first")
			}
			old, ok := vals[name]
			if !ok {
				return fmt.Errorf("harness error: the signature v1 request has no parameter %q", name)
			}
			v := old[0]
			switch name {
			case "Timestamp", "Nonce":
				n, err := strconv.ParseInt(v, 10, 64)
				if err != nil {
					return fmt.Errorf("harness error: %s = %q is not a number", name, v)
				}
				v = strconv.FormatInt(n+1, 10)
			case "Region":
				v = otherRegion(v)
			default:
				v += "0"
			}
			vals.Set(name, v)
			if req.Method == http.MethodPost {
				setBody(req, []byte(vals.Encode()))
				*body = []byte(vals.Encode())
			} else {
				req.URL.RawQuery = vals.Encode()
			}
			return nil
		})
	})
}

// otherRegion is a Tencent Cloud region other than region.
func otherRegion(region string) string {
	if strings.EqualFold(region, "ap-shanghai") {
		return "ap-guangzhou"
	}
	return "ap-shanghai"
}
