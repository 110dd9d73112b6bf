package steps

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/ciam-harness/listjobs/signing"
	"github.com/ciam-harness/listjobs/wire"
)

// retouchAuthorization edits the TC3 Authorization header of the request after signing.
func (tp *tamper) retouchAuthorization(edit func(a *signing.Authorization) error) error {
	return tp.rq.edit(func(r *wire.Spec) {
		r.After = append(r.After, func(req *http.Request, _ *[]byte) error {
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
func (tp *tamper) signatureDigitChanged(which string) error {
	return tp.retouchAuthorization(func(a *signing.Authorization) error {
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
func (tp *tamper) signatureCutShort() error {
	return tp.retouchAuthorization(func(a *signing.Authorization) error {
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
func (tp *tamper) signedOver(part, value string) error {
	return tp.rq.edit(func(r *wire.Spec) {
		if r.SignedOver == nil {
			r.SignedOver = map[string]string{}
		}
		r.SignedOver[part] = value
	})
}

// timestampMoved moves X-TC-Timestamp by seconds after signing, well inside the window
// of A3: only the signature can tell.
func (tp *tamper) timestampMoved(seconds int, direction string) error {
	if direction == "earlier" {
		seconds = -seconds
	}
	return tp.rq.edit(func(r *wire.Spec) {
		r.After = append(r.After, func(req *http.Request, _ *[]byte) error {
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
func (tp *tamper) v1ParameterChanged(name string) error {
	return tp.rq.edit(func(r *wire.Spec) {
		r.After = append(r.After, func(req *http.Request, body *[]byte) error {
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
				wire.SetBody(req, []byte(vals.Encode()))
				*body = []byte(vals.Encode())
			} else {
				req.URL.RawQuery = vals.Encode()
			}
			return nil
		})
	})
}

func (tp *tamper) signsHeaders(list string) error {
	return tp.rq.edit(func(r *wire.Spec) { r.SignedHeaders = strings.Split(list, ";") })
}

func (tp *tamper) wrongKey() error { return tp.rq.edit(func(r *wire.Spec) { r.WrongKey = true }) }

func (tp *tamper) unknownSecretID() error {
	return tp.rq.edit(func(r *wire.Spec) { r.UnknownID = true })
}

func (tp *tamper) timestampSkew(seconds int, direction string) error {
	if direction == "past" {
		seconds = -seconds
	}
	return tp.rq.edit(func(r *wire.Spec) { r.TSOffset = int64(seconds) })
}

func (tp *tamper) scopeDateOff(direction string) error {
	days := 1
	if direction == "before" {
		days = -1
	}
	return tp.rq.edit(func(r *wire.Spec) { r.ScopeDayOffset = days })
}

func (tp *tamper) scopeService(name string) error {
	return tp.rq.edit(func(r *wire.Spec) { r.Service = name })
}

func (tp *tamper) noAuthorization() error { return tp.rq.edit(func(r *wire.Spec) { r.NoAuth = true }) }

func (tp *tamper) authorizationReplaced(value string) error {
	return tp.rq.edit(func(r *wire.Spec) {
		r.Authorization = func(signed signing.Authorization) (string, error) {
			return tp.rq.expand(value, func(s string) string { return s },
				map[string]string{"SecretId": signed.SecretID, "date": signed.Date, "signature": signed.Signature})
		}
	})
}

func (tp *tamper) bodyReplacedAfterSigning(text string) error {
	text, err := tp.rq.expand(text, jsonInner, nil)
	if err != nil {
		return err
	}
	return tp.rq.edit(func(r *wire.Spec) {
		r.After = append(r.After, func(req *http.Request, body *[]byte) error {
			wire.SetBody(req, []byte(text))
			*body = []byte(text)
			return nil
		})
	})
}

func (tp *tamper) queryReplacedAfterSigning(q string) error {
	q, err := tp.rq.expand(q, url.QueryEscape, nil)
	if err != nil {
		return err
	}
	return tp.rq.edit(func(r *wire.Spec) {
		r.After = append(r.After, func(req *http.Request, _ *[]byte) error {
			if req.URL.RawQuery == q {
				return fmt.Errorf("harness error: the replacement query equals the signed one")
			}
			req.URL.RawQuery = q
			return nil
		})
	})
}

func (tp *tamper) headerChangedAfterSigning(name, value string) error {
	return tp.rq.edit(func(r *wire.Spec) {
		r.After = append(r.After, func(req *http.Request, _ *[]byte) error {
			if req.Header.Get(name) == value {
				return fmt.Errorf("harness error: the header %s already is %q", name, value)
			}
			req.Header.Set(name, value)
			return nil
		})
	})
}

func (tp *tamper) regionChangedAfterSigning() error {
	return tp.rq.edit(func(r *wire.Spec) {
		r.After = append(r.After, func(req *http.Request, _ *[]byte) error {
			other := "ap-shanghai"
			if req.Header.Get("X-TC-Region") == other {
				other = "ap-guangzhou"
			}
			req.Header.Set("X-TC-Region", other)
			return nil
		})
	})
}

func (tp *tamper) signV1(method string) error {
	return tp.rq.edit(func(r *wire.Spec) { r.V1Method = method })
}

// v1ParameterOmitted signs and sends a signature v1 request without one of its common
// parameters (only Region is judged: P3).
func (tp *tamper) v1ParameterOmitted(name string) error {
	return tp.rq.edit(func(r *wire.Spec) { r.V1Omitted = append(r.V1Omitted, name) })
}

func (tp *tamper) noToken() error { return tp.rq.edit(func(r *wire.Spec) { r.Token = wire.TokenNone }) }

func (tp *tamper) tokenIs(value string) error {
	return tp.rq.edit(func(r *wire.Spec) { r.Token, r.TokenText = wire.TokenValue, value })
}
