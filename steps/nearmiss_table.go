package steps

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/ciam-harness/listjobs/check"
	"github.com/ciam-harness/listjobs/fixture"
	"github.com/ciam-harness/listjobs/nearmiss"
	"github.com/ciam-harness/listjobs/signing"
	"github.com/ciam-harness/listjobs/vocab"
	"github.com/ciam-harness/listjobs/wire"
)

// The near misses of the table of package nearmiss (features/near-misses.feature): one
// step places any member of any request value in the request, as the value's carrier
// says; the value is the one the request would carry (the key's SecretId, the store,
// the signature made at send time...).

// nearMissValues are the request values of the table, by their step sentence.
var nearMissValues = func() map[string]nearmiss.Value {
	out := map[string]nearmiss.Value{}
	for _, v := range nearmiss.Request() {
		out[v.Step] = v
	}
	return out
}()

// nearMissTableSteps are the catalogue's entries for the table: placing a member, and
// the refusal of a near miss that breaks two rows at once, which no row orders.
func nearMissTableSteps() []Step {
	var sentences []string
	for _, v := range nearmiss.Request() {
		sentences = append(sentences, regexp.QuoteMeta(v.Step))
	}
	var members []string
	for _, n := range nearmiss.Names() {
		members = append(members, regexp.QuoteMeta(n))
	}
	return []Step{
		{Pattern: `^(` + strings.Join(sentences, "|") + `): (` + strings.Join(members, "|") + `)$`,
			run: func(w *world) any { return w.tp.nearMissOfValue },
			Wire: func(m []string) string {
				v, mem := nearMissValues[m[1]], member(m[2])
				if !v.WireOnly(mem) {
					return ""
				}
				return fmt.Sprintf("the near miss is placed where an SDK's caller cannot reach (%s)", v.Carrier)
			},
			Action: func(m []string, _ string) (string, bool) {
				v := nearMissValues[m[1]]
				if v.Carrier != nearmiss.CarrierHeader || !strings.EqualFold(v.Field, "X-TC-Action") {
					return "", false
				}
				miss, _ := member(m[2]).Of(vocab.Action)
				return miss, true
			}},
		{Pattern: `^the response is the error "([^"]*)" or "([^"]*)"$`, Rows: errorRows, Judges: true, run: func(w *world) any { return w.rs.isEitherError }},
	}
}

// member is the member of the family called name (the step's pattern holds no other).
func member(name string) nearmiss.Member {
	m, _ := nearmiss.ByName(name)
	return m
}

// isEitherError is the error envelope with one of two codes (a near miss that breaks
// two rows, or a row whose code is one of two).
func (rs *response) isEitherError(a, b string) error {
	ex, err := rs.sc.lastExchange()
	if err != nil {
		return err
	}
	return rs.sc.errorOf(ex, check.OneOf(a, b))
}

// nearMissOfValue places the member called name of the value whose step is sentence.
func (tp *tamper) nearMissOfValue(sentence, name string) error {
	v, m := nearMissValues[sentence], member(name)
	if w := v.Verdict(m); !w.Runs() {
		return fmt.Errorf("harness error: the near-miss table says %q of %s is %s (%s): no scenario judges it", name, v.ID, w.Outcome, w.Reason)
	}
	spec, err := tp.rq.current()
	if err != nil {
		return err
	}
	same := m.Spelling != nearmiss.Plain && m.Spelling == v.Syntax // the same value, spelled in the carrier's syntax
	switch v.Carrier {
	case nearmiss.CarrierSecretID:
		miss, err := tp.nearMissOf(v, m, spec.EffectiveCredential().SecretID)
		if err != nil {
			return err
		}
		if fx := tp.rq.sc.suite.target.Fixture; fx != nil {
			if slices.ContainsFunc(fx.Credentials, func(c fixture.Credential) bool { return c.SecretID == miss }) {
				return fmt.Errorf("harness error: the near miss %q (%s) of the SecretId is a key of the fixture", miss, name)
			}
		}
		spec.Authorization = func(signed signing.Authorization) (string, error) {
			signed.SecretID = miss
			return signed.String(), nil
		}
	case nearmiss.CarrierToken:
		token := spec.EffectiveCredential().Token
		if token == "" {
			return errors.New("harness error: the request's key has no token: use a temporary key first")
		}
		miss, err := tp.nearMissOf(v, m, token)
		if err != nil {
			return err
		}
		spec.Token, spec.TokenText = wire.TokenValue, miss
	case nearmiss.CarrierHeader:
		own := map[string]string{"X-TC-Action": vocab.Action, "X-TC-Version": vocab.Version, "X-TC-Region": tp.rq.sc.suite.target.Region}[v.Field]
		miss, err := tp.nearMissOf(v, m, own)
		if err != nil {
			return err
		}
		spec.Headers = append(spec.Headers, wire.HeaderEdit{Name: v.Field, Value: miss})
	case nearmiss.CarrierMethod:
		if spec.Method != v.Literal {
			return fmt.Errorf("harness error: the request is a %s, and the near misses are of %s", spec.Method, v.Literal)
		}
		miss, err := tp.nearMissOf(v, m, spec.Method)
		if err != nil {
			return err
		}
		spec.Method = miss
	case nearmiss.CarrierParam, nearmiss.CarrierQueryParam:
		return tp.nearMissParam(spec, v, m, same)
	case nearmiss.CarrierJobID, nearmiss.CarrierQueryJobID:
		return tp.nearMissJobID(spec, v, m, same)
	case nearmiss.CarrierParamName:
		return tp.nearMissName(spec, v, m, same)
	case nearmiss.CarrierAlgorithm, nearmiss.CarrierScopeTerminator, nearmiss.CarrierSignedHeaders, nearmiss.CarrierSignature:
		return tp.nearMissInAuthorization(spec, v, m)
	case nearmiss.CarrierScopeDate, nearmiss.CarrierScopeService, nearmiss.CarrierSignedHeaderValue, nearmiss.CarrierSignedMethod, nearmiss.CarrierSignedURI:
		spec.After = append(spec.After, func(req *http.Request, body *[]byte) error { return signOverNearMiss(req, *body, spec, v, m) })
	case nearmiss.CarrierSignedBody, nearmiss.CarrierSignedQuery:
		spec.After = append(spec.After, func(req *http.Request, body *[]byte) error { return respellAfterSigning(req, body, v, m) })
	default:
		return fmt.Errorf("harness error: the near-miss table's carrier %q has no placement", v.Carrier)
	}
	return nil
}

// nearMissOf is member m of own, or a skip when own has none of that kind (a value
// without letters has no other case).
func (tp *tamper) nearMissOf(v nearmiss.Value, m nearmiss.Member, own string) (string, error) {
	if v.Literal != "" && own != v.Literal {
		return "", fmt.Errorf("harness error: the request carries %q where the near-miss table has %s = %q", own, v.ID, v.Literal)
	}
	miss, ok := m.Of(own)
	if !ok {
		return "", &SkipError{Reason: fmt.Sprintf("the %s %q has no near miss of the kind %q", v.Compared, own, m.Name)}
	}
	return miss, nil
}

// jsonToken is the JSON string that writes miss: raw when it is own spelled in JSON's
// escapes (checked to decode to own), else miss encoded.
func jsonToken(own, miss string, same bool) (json.RawMessage, error) {
	if !same {
		b, _ := json.Marshal(miss) // a string always encodes
		return b, nil
	}
	raw := `"` + miss + `"`
	var got string
	if err := json.Unmarshal([]byte(raw), &got); err != nil || got != own {
		return nil, fmt.Errorf("harness error: %s does not decode to %q", raw, own)
	}
	return json.RawMessage(raw), nil
}

// nearMissParam places a near miss of the parameter's value: in the JSON body, or in a
// GET query (written out, when it is the value percent-encoded).
func (tp *tamper) nearMissParam(spec *wire.Spec, v nearmiss.Value, m nearmiss.Member, same bool) error {
	own, err := stringParam(spec, v.Field)
	if err != nil {
		return err
	}
	miss, err := tp.nearMissOf(v, m, own)
	if err != nil {
		return err
	}
	if fx := tp.rq.sc.suite.target.Fixture; fx != nil && v.Field == "UserStoreId" {
		if slices.ContainsFunc(fx.UserStores, func(s fixture.UserStore) bool { return s.ID == miss }) && !same {
			return fmt.Errorf("harness error: the near miss %q (%s) of the UserStoreId is a user store of the fixture", miss, m.Name)
		}
	}
	return placeValue(spec, v, own, miss, same, func(tok json.RawMessage) json.RawMessage { return tok }, v.Field)
}

// nearMissJobID places a near miss of known job 1's id as the one id of JobIds (in the
// JSON body, or JobIds.0 of a GET query).
func (tp *tamper) nearMissJobID(spec *wire.Spec, v nearmiss.Value, m nearmiss.Member, same bool) error {
	ids, err := tp.rq.sc.knownJobs("1")
	if err != nil {
		return err
	}
	miss, err := tp.nearMissOf(v, m, ids[0])
	if err != nil {
		return err
	}
	if _, known := slices.BinarySearch(tp.rq.sc.known, miss); known && !same {
		return fmt.Errorf("the near miss %q (%s) of known job 1 is itself a job of the user store: pick another job", miss, m.Name)
	}
	array := func(tok json.RawMessage) json.RawMessage { return json.RawMessage("[" + string(tok) + "]") }
	return placeValue(spec, v, ids[0], miss, same, array, "JobIds.0")
}

// placeValue sets the parameter v.Field to miss: in a JSON body as the token wrap makes
// of it, in a GET query as the value of queryName, written out when it is own
// percent-encoded.
func placeValue(spec *wire.Spec, v nearmiss.Value, own, miss string, same bool, wrap func(json.RawMessage) json.RawMessage, queryName string) error {
	if v.Syntax != nearmiss.Query {
		tok, err := jsonToken(own, miss, same)
		if err != nil {
			return err
		}
		spec.SetParam(v.Field, wrap(tok))
		return nil
	}
	if spec.Method != http.MethodGet {
		return errors.New("harness error: this near miss travels in a GET query: send the request as GET first")
	}
	if !same {
		b, _ := json.Marshal(miss)
		spec.SetParam(v.Field, wrap(b))
		return nil
	}
	if got, err := url.QueryUnescape(miss); err != nil || got != own {
		return fmt.Errorf("harness error: %s does not decode to %q", miss, own)
	}
	b, _ := json.Marshal(own)
	spec.SetParam(v.Field, wrap(b))
	vals, err := wire.QueryValues(spec.Params)
	if err != nil {
		return err
	}
	vals.Del(queryName)
	q := vals.Encode()
	if q != "" {
		q += "&"
	}
	spec.Query, spec.HasQuery = q+queryName+"="+miss, true
	return nil
}

// stringParam is the string value of the parameter name of spec.
func stringParam(spec *wire.Spec, name string) (string, error) {
	for _, p := range spec.Params {
		if p.Name == name {
			var s string
			if err := json.Unmarshal(p.Raw, &s); err != nil {
				return "", fmt.Errorf("harness error: the parameter %s is %s, not a string", name, p.Raw)
			}
			return s, nil
		}
	}
	return "", fmt.Errorf("harness error: the request has no parameter %s", name)
}

// nearMissName sends a parameter named by a near miss of v.Field: beside the right one
// (with its value: JobIds [] when the request has none) when it names another
// parameter, so that only P6 is broken; in its place, the body written out, when it is
// the same name in JSON's escapes.
func (tp *tamper) nearMissName(spec *wire.Spec, v nearmiss.Value, m nearmiss.Member, same bool) error {
	miss, err := tp.nearMissOf(v, m, v.Field)
	if err != nil {
		return err
	}
	raw := json.RawMessage(`[]`)
	for _, p := range spec.Params {
		if p.Name == v.Field {
			raw = p.Raw
		}
	}
	if !same {
		spec.SetParam(v.Field, raw)
		spec.Params = append(spec.Params, wire.Param{Name: miss, Raw: raw})
		return nil
	}
	tok, err := jsonToken(v.Field, miss, true)
	if err != nil {
		return err
	}
	spec.SetParam(v.Field, raw)
	var b bytes.Buffer
	b.WriteByte('{')
	for i, p := range spec.Params {
		if i > 0 {
			b.WriteByte(',')
		}
		name, _ := json.Marshal(p.Name)
		if p.Name == v.Field {
			name = tok
		}
		b.Write(name)
		b.WriteByte(':')
		b.Write(p.Raw)
	}
	b.WriteByte('}')
	spec.Body, spec.HasBody = b.Bytes(), true
	return nil
}

// nearMissInAuthorization writes a near miss of a part of the signed Authorization
// header in its place (after signing: the signature is the request's own).
func (tp *tamper) nearMissInAuthorization(spec *wire.Spec, v nearmiss.Value, m nearmiss.Member) error {
	if v.Literal != "" {
		if _, err := tp.nearMissOf(v, m, v.Literal); err != nil {
			return err
		}
	}
	spec.Authorization = func(a signing.Authorization) (string, error) {
		alg, scope, signed, sig := signing.Algorithm, "tc3_request", strings.Join(a.SignedHeaders, ";"), a.Signature
		own := map[nearmiss.Carrier]string{nearmiss.CarrierAlgorithm: alg, nearmiss.CarrierScopeTerminator: scope,
			nearmiss.CarrierSignedHeaders: signed, nearmiss.CarrierSignature: sig}[v.Carrier]
		miss, err := sentNearMiss(v, m, own)
		if err != nil {
			return "", err
		}
		switch v.Carrier {
		case nearmiss.CarrierAlgorithm:
			alg = miss
		case nearmiss.CarrierScopeTerminator:
			scope = miss
		case nearmiss.CarrierSignedHeaders:
			signed = miss
		default:
			sig = miss
		}
		return authorization(alg, a.SecretID, a.Date, a.Service, scope, signed, sig), nil
	}
	return nil
}

// authorization writes a TC3 Authorization header of these parts, as §1.4 lays it out.
func authorization(alg, secretID, date, service, terminator, signedHeaders, signature string) string {
	return alg + " Credential=" + secretID + "/" + date + "/" + service + "/" + terminator +
		", SignedHeaders=" + signedHeaders + ", Signature=" + signature
}

// signOverNearMiss signs req again, its other parts as they are, over a near miss of
// one part of what is signed: the credential scope's date or service (which the
// Authorization then claims), a signed header's value, the HTTPRequestMethod or the
// CanonicalURI (which the request does not carry). The signature is right for what it
// was made over: only that part is wrong.
func signOverNearMiss(req *http.Request, body []byte, spec *wire.Spec, v nearmiss.Value, m nearmiss.Member) error {
	a, err := signing.ParseAuthorization(req.Header.Get("Authorization"))
	if err != nil {
		return fmt.Errorf("harness error: this near miss re-signs a TC3 request, and the request has no TC3 Authorization: %v", err)
	}
	ts, err := strconv.ParseInt(req.Header.Get("X-TC-Timestamp"), 10, 64)
	if err != nil {
		return errors.New("harness error: the request has no X-TC-Timestamp to sign over")
	}
	method, uri, date, service, lookup := req.Method, signing.CanonicalURI, a.Date, a.Service, signing.RequestHeader(req)
	header := strings.ToLower(v.Field)
	own := map[nearmiss.Carrier]string{nearmiss.CarrierScopeDate: date, nearmiss.CarrierScopeService: service,
		nearmiss.CarrierSignedMethod: method, nearmiss.CarrierSignedURI: uri, nearmiss.CarrierSignedHeaderValue: lookup(header)}[v.Carrier]
	if v.Carrier == nearmiss.CarrierSignedHeaderValue && !slices.Contains(a.SignedHeaders, header) {
		return fmt.Errorf("harness error: the request does not sign %s", header)
	}
	miss, err := sentNearMiss(v, m, own)
	if err != nil {
		return err
	}
	switch v.Carrier {
	case nearmiss.CarrierScopeDate:
		date = miss
	case nearmiss.CarrierScopeService:
		service = miss
	case nearmiss.CarrierSignedMethod:
		method = miss
	case nearmiss.CarrierSignedURI:
		uri = miss
	default:
		lookup = func(name string) string {
			if name == header {
				return miss
			}
			return signing.RequestHeader(req)(name)
		}
	}
	canonical := signing.CanonicalRequestAt(method, uri, signing.CanonicalQuery(req), lookup, a.SignedHeaders, signing.PayloadHash(lookup, body))
	key := spec.EffectiveCredential().SecretKey
	sig := signing.Signature(key, date, service, signing.StringToSign(ts, signing.CredentialScope(date, service), canonical))
	req.Header.Set("Authorization", authorization(signing.Algorithm, a.SecretID, date, service, "tc3_request", strings.Join(a.SignedHeaders, ";"), sig))
	return nil
}

// respellAfterSigning writes the signed body or query again, after signing, with the
// same meaning in other bytes: white space around the body, a character of its first
// string value JSON-escaped, or of the query's first value percent-encoded.
func respellAfterSigning(req *http.Request, body *[]byte, v nearmiss.Value, m nearmiss.Member) error {
	if v.Carrier == nearmiss.CarrierSignedQuery {
		q := req.URL.RawQuery
		k, val, ok := strings.Cut(q, "=")
		if !ok || m.Name != nearmiss.PercentEncoded {
			return fmt.Errorf("harness error: the query %q has no value to write another way (%s)", q, m.Name)
		}
		miss, ok := m.Of(val)
		if !ok {
			return fmt.Errorf("harness error: the query value %q has nothing to percent-encode", val)
		}
		next := k + "=" + miss
		before, err1 := url.ParseQuery(q)
		after, err2 := url.ParseQuery(next)
		if err1 != nil || err2 != nil || !reflect.DeepEqual(before, after) {
			return fmt.Errorf("harness error: %q does not say what %q says", next, q)
		}
		req.URL.RawQuery = next
		return nil
	}
	own := *body
	var next []byte
	switch m.Name {
	case nearmiss.WhiteSpace:
		next = []byte(" " + string(own) + " ")
	case nearmiss.JSONEscaped:
		i := bytes.Index(own, []byte(`:"`))
		if i < 0 {
			return fmt.Errorf("harness error: the body %s has no string value to escape a character of", wire.Excerpt(own))
		}
		rest := string(own[i+2:])
		miss, ok := m.Of(rest)
		if !ok {
			return fmt.Errorf("harness error: the body %s has no character to escape", wire.Excerpt(own))
		}
		next = append(slices.Clone(own[:i+2]), miss...)
	default:
		return fmt.Errorf("harness error: the body is not written another way by %q", m.Name)
	}
	var before, after any
	if json.Unmarshal(own, &before) != nil || json.Unmarshal(next, &after) != nil || !reflect.DeepEqual(before, after) {
		return fmt.Errorf("harness error: %s does not say what %s says", wire.Excerpt(next), wire.Excerpt(own))
	}
	wire.SetBody(req, next)
	*body = next
	return nil
}

// sentNearMiss is member m of own, a value of the request as it is sent (after
// signing), which must be the table's Literal when it has one.
func sentNearMiss(v nearmiss.Value, m nearmiss.Member, own string) (string, error) {
	if v.Literal != "" && own != v.Literal {
		return "", fmt.Errorf("harness error: the request's %s is %q where the near-miss table has %q", v.Compared, own, v.Literal)
	}
	miss, ok := m.Of(own)
	if !ok {
		return "", fmt.Errorf("harness error: the %s %q has no near miss of the kind %q", v.Compared, own, m.Name)
	}
	return miss, nil
}
