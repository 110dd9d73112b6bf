package steps

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/cucumber/godog"

	"github.com/ciam-harness/listjobs/fixture"
	"github.com/ciam-harness/listjobs/signing"
	"github.com/ciam-harness/listjobs/vocab"
)

// The constants of every ordinary ListJobs request.
const (
	service = vocab.Service
	action  = vocab.Action
	version = vocab.Version
)

// maxResponse bounds how much of a response body is read (3000 jobs are about 1 MB). It
// is a ceiling only: the runner's client caps every response body at its --max-response
// (default 256 MB, at most 1 GB), refusing a longer announced Content-Length before a
// byte is read, and failing the read past the cap.
const maxResponse = 1 << 30

// scenario is the state of one scenario, allocated fresh by InitializeScenario.
type scenario struct {
	suite *Suite
	name  string // the scenario's name, as godog runs it
	tags  map[string]bool
	rows  []string // the contract rows the scenario is tagged with, e.g. ["S2"]
	// cred signs the scenario's ordinary requests and reader its requests for fixture
	// data (@fixture): keys the suite dealt out to it at its start.
	cred, reader signing.Credential

	req        *requestSpec // the request under construction
	known      []string     // sorted distinct job ids the scenario knows (a listing or the fixture)
	named      []string     // the known jobs the JobIds name, among near misses (nearmiss.go)
	last       *exchange    // the last request sent and its response
	pair       []*exchange  // the two exchanges of "the request is sent twice"
	remembered map[string][]string
	burst      *burst // the last rate-limit burst
	// invariants are what its responses broke of the rows that hold for every
	// response (invariants.go): they fail it once its steps are done.
	invariants violations
	// scaleHeld is set while the scenario holds Suite.scale (a @scale scenario).
	scaleHeld bool
}

// label names the scenario's rows for messages about its own subject, e.g. "A3" or "S9/P8".
func (st *scenario) label() string {
	if len(st.rows) == 0 {
		return "contract"
	}
	return strings.Join(st.rows, "/")
}

// fixture returns the target's fixture; steps that use it belong to @fixture scenarios only,
// so that scenarios without the tag hold on any data.
func (st *scenario) fixture() (*fixture.Fixture, error) {
	if !st.tags[vocab.TagFixture] {
		return nil, errors.New("harness error: this step uses the fixture, so its scenario must be tagged @fixture")
	}
	if st.suite.target.Fixture == nil {
		return nil, errors.New("this step needs the target's fixture (known data), and none was given")
	}
	return st.suite.target.Fixture, nil
}

func (st *scenario) fixtureStore(role string) (*fixture.UserStore, error) {
	fx, err := st.fixture()
	if err != nil {
		return nil, err
	}
	s, ok := fx.UserStore(role)
	if !ok {
		return nil, fmt.Errorf("the fixture has no user store with the role %q", role)
	}
	return s, nil
}

// FixtureReaderRole is the fixture credential role that @fixture scenarios use for their
// requests for fixture data when the fixture has it: keys of the same account as the
// ordinary ones with owners of their own, so the suite's load is spread over more
// rate-limit budgets. Each @fixture scenario gets one of them in turn; without any, it
// uses its ordinary key.
const FixtureReaderRole = "fixture-reader"

// ordinary is the key of the scenario's ordinary requests.
func (st *scenario) ordinary() signing.Credential {
	if st.cred.SecretID == "" {
		return st.suite.target.Credential
	}
	return st.cred
}

// fixtureReader is the key of an @fixture scenario's requests for fixture data.
func (st *scenario) fixtureReader() signing.Credential {
	if st.reader.SecretID == "" {
		return st.ordinary()
	}
	return st.reader
}

func (st *scenario) fixtureCredential(role string) (signing.Credential, error) {
	fx, err := st.fixture()
	if err != nil {
		return signing.Credential{}, err
	}
	c, ok := fx.Credential(role)
	if !ok {
		return signing.Credential{}, fmt.Errorf("the fixture has no credential with the role %q", role)
	}
	return signing.Credential{SecretID: c.SecretID, SecretKey: c.SecretKey, Token: c.Token}, nil
}

// param is one body parameter, in the order the scenario set it.
type param struct {
	name string
	raw  json.RawMessage
}

type headerEdit struct {
	name, value string
	remove      bool
}

type tokenMode int

const (
	tokenOfKey tokenMode = iota // X-TC-Token when the key is temporary
	tokenNone                   // no X-TC-Token at all
	tokenValue                  // the given X-TC-Token
)

// tamper changes a request after it was signed.
type tamper func(r *http.Request, body *[]byte) error

// requestSpec describes a ListJobs request; build turns it into a signed *http.Request
// at send time, so each send gets a fresh timestamp.
type requestSpec struct {
	method   string
	store    string             // the UserStoreId the scenario means ({{user store}})
	cred     signing.Credential // the key of the request; its owner paces it
	params   []param
	body     []byte // exact body, when hasBody
	hasBody  bool
	query    string // exact GET query, when hasQuery
	hasQuery bool
	headers  []headerEdit

	signedHeaders  []string // nil: content-type;host
	tsOffset       int64    // seconds added to the current time
	scopeDayOffset int      // days added to the credential-scope date
	service        string   // "" = ciam
	wrongKey       bool
	unknownID      bool
	noAuth         bool
	authValue      *string
	token          tokenMode
	tokenText      string
	v1Method       string   // signature v1 with HmacSHA1/HmacSHA256 instead of TC3
	v1Omitted      []string // common parameters a signature v1 request is signed and sent without
	after          []tamper
	sdkRetries     int // the sdk driver's ClientProfile.RateLimitExceededMaxRetries
	// signedOver holds the parts of the canonical request the request is signed over
	// in place of its own, by the names of §1.1 (HTTPRequestMethod, CanonicalURI).
	signedOver map[string]string
}

func (st *scenario) newSpec(store string, cred signing.Credential) *requestSpec {
	raw, _ := json.Marshal(store) // a string always encodes
	return &requestSpec{method: http.MethodPost, store: store, cred: cred, params: []param{{"UserStoreId", raw}}}
}

func (st *scenario) spec() (*requestSpec, error) {
	if st.req == nil {
		return nil, errors.New("harness error: no request yet: start with \"a ListJobs request for ...\"")
	}
	return st.req, nil
}

func (r *requestSpec) setParam(name string, raw json.RawMessage) {
	for i := range r.params {
		if r.params[i].name == name {
			r.params[i].raw = raw
			return
		}
	}
	r.params = append(r.params, param{name, raw})
}

// ---- request steps ----

func (st *scenario) requestForTarget() error {
	st.req = st.newSpec(st.suite.target.UserStoreID, st.ordinary())
	return nil
}

func (st *scenario) requestForFixtureStore(role string) error {
	s, err := st.fixtureStore(role)
	if err != nil {
		return err
	}
	st.req = st.newSpec(s.ID, st.fixtureReader())
	st.known = sortedSet(s.JobIDs())
	return nil
}

// requestForFaultStore names the user store on which the fixture's fault rule answers
// with code: by convention "us-fault-" + lower(code with '.' -> '-').
func (st *scenario) requestForFaultStore(code string) error {
	fx, err := st.fixture()
	if err != nil {
		return err
	}
	conventional := "us-fault-" + strings.ToLower(strings.ReplaceAll(code, ".", "-"))
	var found string
	for _, f := range fx.Faults {
		if f.Code == code && f.SecretID == "" && f.UserStoreID != "" && (found == "" || f.UserStoreID == conventional) {
			found = f.UserStoreID
		}
	}
	if found == "" {
		return fmt.Errorf("the fixture has no fault rule that answers %s on a user store (expected one on %q)", code, conventional)
	}
	st.req = st.newSpec(found, st.fixtureReader())
	return nil
}

func (st *scenario) requestForUnknownStore() error {
	st.req = st.newSpec("us-conformance-no-such-store-"+randomHex(8), st.ordinary())
	return nil
}

// targetHoldsJobs lists the user store under test and keeps its ids as the known jobs;
// scenarios that pick ids at run time start here, and fail rather than pass vacuously
// when the store holds too few jobs.
func (st *scenario) targetHoldsJobs(ctx context.Context, n int) error {
	spec := st.newSpec(st.suite.target.UserStoreID, st.ordinary())
	ex, err := st.send(ctx, spec)
	if err != nil {
		return err
	}
	if err := st.successOf(ex); err != nil {
		return fmt.Errorf("listing the user store under test to learn its jobs: %w", err)
	}
	ids, err := st.idsOf(ex)
	if err != nil {
		return err
	}
	st.known = sortedSet(ids)
	if len(st.known) < n {
		return withExcerpt(ex, fmt.Errorf("the user store under test (%s) returned %d jobs; this scenario needs at least %d: point the harness at a user store with more jobs", st.suite.target.UserStoreID, len(st.known), n))
	}
	return nil
}

func (st *scenario) sentAsGET() error { return st.methodIs(http.MethodGet) }

func (st *scenario) methodIs(method string) error {
	spec, err := st.spec()
	if err != nil {
		return err
	}
	spec.method = method
	return nil
}

func (st *scenario) usesFixtureCredential(role string) error {
	spec, err := st.spec()
	if err != nil {
		return err
	}
	cred, err := st.fixtureCredential(role)
	if err != nil {
		return err
	}
	spec.cred = cred
	return nil
}

func (st *scenario) setJobIDs(ids []string) error {
	spec, err := st.spec()
	if err != nil {
		return err
	}
	if ids == nil {
		ids = []string{}
	}
	raw, _ := json.Marshal(ids) // strings always encode
	spec.setParam("JobIds", raw)
	return nil
}

func (st *scenario) jobIDsEmpty() error { return st.setJobIDs(nil) }

var number = regexp.MustCompile(`\d+`)

// knownJobs returns the known jobs at 1-based positions, in the order given.
func (st *scenario) knownJobs(list string) ([]string, error) {
	var out []string
	for _, s := range number.FindAllString(list, -1) {
		n, _ := strconv.Atoi(s)
		if n < 1 || n > len(st.known) {
			if len(st.known) == 0 {
				return nil, fmt.Errorf("harness error: known job %d: the scenario knows no jobs yet (start with \"the user store under test holds at least N jobs\" or a fixture user store)", n)
			}
			return nil, fmt.Errorf("known job %d: the scenario knows only %d jobs", n, len(st.known))
		}
		out = append(out, st.known[n-1])
	}
	return out, nil
}

func (st *scenario) jobIDsKnown(list string) error {
	ids, err := st.knownJobs(list)
	if err != nil {
		return err
	}
	return st.setJobIDs(ids)
}

func (st *scenario) jobIDsKnownAndUnknown(n, unknown string) error {
	ids, err := st.knownJobs(n)
	if err != nil {
		return err
	}
	if slices.Contains(st.known, unknown) {
		return fmt.Errorf("the id %q meant to be unknown is a job of the user store", unknown)
	}
	return st.setJobIDs(append(ids, unknown))
}

func (st *scenario) jobIDsUnknown(a, b string) error { return st.setJobIDs([]string{a, b}) }

func (st *scenario) jobIDsOfFixtureStore(role string) error {
	s, err := st.fixtureStore(role)
	if err != nil {
		return err
	}
	return st.setJobIDs(s.JobIDs())
}

// padBody makes the JSON body longer than 10 MB (10 MiB and then some) with JobIds (T10).
func (st *scenario) padBody() error {
	const idLen, count = 1000, 10_600 // 10.6 MB of ids
	return st.padJobIDs(idLen, count)
}

// padURL makes the GET URL longer than 32 KB (32 KiB and then some) with JobIds.N (T10).
func (st *scenario) padURL() error {
	const idLen, count = 1000, 36 // 36 KB of ids
	return st.padJobIDs(idLen, count)
}

// padJobIDs sets JobIds to count ids of idLen plain characters each, written directly
// (json.Marshal of 10 MB is slow under the race detector).
// padTo pads the body (or the GET URL) with JobIds to at most size bytes and no more
// than 2 KB less: close under a limit, or just over one.
func (st *scenario) padTo(what string, size int) error {
	spec, err := st.spec()
	if err != nil {
		return err
	}
	// Each id costs its quotes and comma in a JSON body, "&JobIds.N=" in a URL; the
	// rest of the request (UserStoreId, the path) is under 200 bytes. Ids of 1000 bytes
	// fill a body, of 100 a URL, to within 2 KB. (A signature v1 form body of the same
	// ids is 1% longer: the scenarios leave room for it.)
	idLen, per := 1000, 1000+len(`"",`)
	if what == "URL" {
		if spec.method != http.MethodGet {
			return errors.New("harness error: the URL is padded on a GET request: send it as GET first")
		}
		idLen, per = 100, 100+len("&JobIds.000=")
	}
	const rest = 200
	if size < rest+per {
		return fmt.Errorf("harness error: %d bytes is too small to pad", size)
	}
	return st.padJobIDs(idLen, (size-rest)/per)
}

func (st *scenario) padJobIDs(idLen, count int) error {
	spec, err := st.spec()
	if err != nil {
		return err
	}
	fill := strings.Repeat("x", idLen)
	var b strings.Builder
	b.Grow(count * (idLen + 3))
	b.WriteByte('[')
	for i := range count {
		if i > 0 {
			b.WriteByte(',')
		}
		p := fmt.Sprintf("pad-%06d-", i)
		b.WriteString(`"` + p + fill[len(p):] + `"`)
	}
	b.WriteByte(']')
	spec.setParam("JobIds", json.RawMessage(b.String()))
	return nil
}

// NullNotSent ends the skip reason of a scenario whose parameter set to null never
// reached the endpoint (sentAsNull).
const NullNotSent = "the endpoint was not sent the null: P10 not checked on the endpoint"

// sentAsNull ends a scenario of a parameter set to null (P10) whose checks passed: it
// skips the scenario, with the reason, when the request that reached the endpoint did
// not carry the parameter as a JSON null. An SDK may drop a parameter its caller set to
// null (the Node.js SDK does): its caller's request was then judged, and rightly passed
// or failed, but not the endpoint's handling of null. The request is read from the
// exchange (the wire and sdk drivers, an adapter that reports it), or else from the
// adapter's capabilities.nulls.
func (st *scenario) sentAsNull(name string) error {
	ex := st.last
	if ex == nil {
		return errors.New("harness error: no request was sent")
	}
	if ex.reqBody == nil && ex.sdk != nil && ex.sdk.via != "" {
		if h := st.suite.hello(); h != nil {
			if why := h.Caps.missing(Need{Kind: NeedNulls, Value: name}); why != "" {
				return &SkipError{Reason: fmt.Sprintf("the %s: %s, so %s", h.describe(), why, NullNotSent)}
			}
			return nil
		}
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(ex.reqBody, &members); err != nil {
		return fmt.Errorf("harness error: the request's body is not a JSON object, so %s cannot have been sent as null: %v", name, err)
	}
	v, ok := members[name]
	if ok && string(bytes.TrimSpace(v)) == "null" {
		return nil
	}
	via := "the driver"
	if h := st.suite.hello(); h != nil {
		via = "the " + h.describe()
	}
	carried := "no " + name
	if ok {
		carried = name + " " + excerpt(v)
	}
	return &SkipError{Reason: fmt.Sprintf("%s did not send %s as null (the request carried %s), so %s", via, name, carried, NullNotSent)}
}

func (st *scenario) parameterIs(name, value string) error {
	spec, err := st.spec()
	if err != nil {
		return err
	}
	value, err = st.expand(value, jsonInner, nil)
	if err != nil {
		return err
	}
	if !json.Valid([]byte(value)) {
		return fmt.Errorf("harness error: the value of %s is not JSON: %s (use \"the body is exactly\" for malformed bodies)", name, value)
	}
	spec.setParam(name, json.RawMessage(value))
	return nil
}

func (st *scenario) parameterRemoved(name string) error {
	spec, err := st.spec()
	if err != nil {
		return err
	}
	spec.params = slices.DeleteFunc(spec.params, func(p param) bool { return p.name == name })
	return nil
}

func (st *scenario) setBody(text string) error {
	spec, err := st.spec()
	if err != nil {
		return err
	}
	text, err = st.expand(text, jsonInner, nil)
	if err != nil {
		return err
	}
	spec.body, spec.hasBody = []byte(text), true
	return nil
}

func (st *scenario) bodyIsExactly(text string) error { return st.setBody(text) }

func (st *scenario) bodyIsDocString(doc *godog.DocString) error { return st.setBody(doc.Content) }

func (st *scenario) bodyIsEmpty() error { return st.setBody("") }

func (st *scenario) queryIsExactly(q string) error {
	spec, err := st.spec()
	if err != nil {
		return err
	}
	q, err = st.expand(q, url.QueryEscape, nil)
	if err != nil {
		return err
	}
	spec.query, spec.hasQuery = q, true
	return nil
}

func (st *scenario) headerIs(name, value string) error {
	spec, err := st.spec()
	if err != nil {
		return err
	}
	spec.headers = append(spec.headers, headerEdit{name: name, value: value})
	return nil
}

func (st *scenario) headerAbsent(name string) error {
	spec, err := st.spec()
	if err != nil {
		return err
	}
	spec.headers = append(spec.headers, headerEdit{name: name, remove: true})
	return nil
}

// ---- signing steps ----

func (st *scenario) edit(f func(*requestSpec)) error {
	spec, err := st.spec()
	if err != nil {
		return err
	}
	f(spec)
	return nil
}

func (st *scenario) signsHeaders(list string) error {
	return st.edit(func(r *requestSpec) { r.signedHeaders = strings.Split(list, ";") })
}

func (st *scenario) wrongKey() error { return st.edit(func(r *requestSpec) { r.wrongKey = true }) }

func (st *scenario) unknownSecretID() error {
	return st.edit(func(r *requestSpec) { r.unknownID = true })
}

func (st *scenario) timestampSkew(seconds int, direction string) error {
	if direction == "past" {
		seconds = -seconds
	}
	return st.edit(func(r *requestSpec) { r.tsOffset = int64(seconds) })
}

func (st *scenario) scopeDateOff(direction string) error {
	days := 1
	if direction == "before" {
		days = -1
	}
	return st.edit(func(r *requestSpec) { r.scopeDayOffset = days })
}

func (st *scenario) scopeService(name string) error {
	return st.edit(func(r *requestSpec) { r.service = name })
}

func (st *scenario) noAuthorization() error { return st.edit(func(r *requestSpec) { r.noAuth = true }) }

func (st *scenario) authorizationReplaced(value string) error {
	return st.edit(func(r *requestSpec) { r.authValue = &value })
}

func (st *scenario) bodyReplacedAfterSigning(text string) error {
	text, err := st.expand(text, jsonInner, nil)
	if err != nil {
		return err
	}
	return st.edit(func(r *requestSpec) {
		r.after = append(r.after, func(req *http.Request, body *[]byte) error {
			setBody(req, []byte(text))
			*body = []byte(text)
			return nil
		})
	})
}

func (st *scenario) queryReplacedAfterSigning(q string) error {
	q, err := st.expand(q, url.QueryEscape, nil)
	if err != nil {
		return err
	}
	return st.edit(func(r *requestSpec) {
		r.after = append(r.after, func(req *http.Request, _ *[]byte) error {
			if req.URL.RawQuery == q {
				return fmt.Errorf("harness error: the replacement query equals the signed one")
			}
			req.URL.RawQuery = q
			return nil
		})
	})
}

func (st *scenario) headerChangedAfterSigning(name, value string) error {
	return st.edit(func(r *requestSpec) {
		r.after = append(r.after, func(req *http.Request, _ *[]byte) error {
			if req.Header.Get(name) == value {
				return fmt.Errorf("harness error: the header %s already is %q", name, value)
			}
			req.Header.Set(name, value)
			return nil
		})
	})
}

func (st *scenario) regionChangedAfterSigning() error {
	return st.edit(func(r *requestSpec) {
		r.after = append(r.after, func(req *http.Request, _ *[]byte) error {
			other := "ap-shanghai"
			if req.Header.Get("X-TC-Region") == other {
				other = "ap-guangzhou"
			}
			req.Header.Set("X-TC-Region", other)
			return nil
		})
	})
}

func (st *scenario) signV1(method string) error {
	return st.edit(func(r *requestSpec) { r.v1Method = method })
}

// v1ParameterOmitted signs and sends a signature v1 request without one of its common
// parameters (only Region is judged: P3).
func (st *scenario) v1ParameterOmitted(name string) error {
	return st.edit(func(r *requestSpec) { r.v1Omitted = append(r.v1Omitted, name) })
}

func (st *scenario) noToken() error { return st.edit(func(r *requestSpec) { r.token = tokenNone }) }

func (st *scenario) tokenIs(value string) error {
	return st.edit(func(r *requestSpec) { r.token, r.tokenText = tokenValue, value })
}

// ---- building ----

var placeholder = regexp.MustCompile(`\{\{([^{}]*)\}\}`)

// expand replaces {{user store}} and {{known job N}} (and the names in extra), escaping
// each value for its context (JSON string, query). "{{known job 1, percent-encoded}}" (any
// name, a comma, a spelling of spellOut) inserts the value with every character written
// that way instead, as it is.
func (st *scenario) expand(text string, esc func(string) string, extra map[string]string) (string, error) {
	var firstErr error
	out := placeholder.ReplaceAllStringFunc(text, func(m string) string {
		name := placeholder.FindStringSubmatch(m)[1]
		if extra != nil && extra[name] != "" {
			return extra[name] // Authorization parts are sent as they are
		}
		name, how, spelled := strings.Cut(name, ", ")
		v, err := st.placeholderValue(name)
		if err != nil {
			firstErr = cmpOr(firstErr, fmt.Errorf("%w in %s", err, m))
			return m
		}
		if !spelled {
			return esc(v)
		}
		out, ok := spellOut(v, how)
		if !ok {
			firstErr = cmpOr(firstErr, fmt.Errorf("harness error: unknown spelling %q in %s", how, m))
			return m
		}
		return out
	})
	return out, firstErr
}

// placeholderValue is the value of {{user store}} or {{known job N}}.
func (st *scenario) placeholderValue(name string) (string, error) {
	switch {
	case name == "user store" && st.req != nil:
		return st.req.store, nil
	case strings.HasPrefix(name, "known job "):
		ids, err := st.knownJobs(strings.TrimPrefix(name, "known job "))
		if err != nil {
			return "", err
		}
		return ids[0], nil
	}
	return "", fmt.Errorf("harness error: unknown placeholder")
}

func cmpOr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// jsonInner escapes s for use inside a JSON string literal.
func jsonInner(s string) string {
	b, _ := json.Marshal(s) // a string always encodes
	return string(b[1 : len(b)-1])
}

// encodeBody writes the parameters as a compact JSON object in their order, as the Go SDK does.
func encodeBody(params []param) []byte {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, p := range params {
		if i > 0 {
			b.WriteByte(',')
		}
		name, _ := json.Marshal(p.name) // a string always encodes
		b.Write(name)
		b.WriteByte(':')
		b.Write(p.raw)
	}
	b.WriteByte('}')
	return b.Bytes()
}

// queryValues flattens the parameters as the SDKs do for GET and signature v1: strings
// as they are, arrays of strings as Name.N (zero-based), null left out.
func queryValues(params []param) (url.Values, error) {
	v := url.Values{}
	for _, p := range params {
		var x any
		if err := json.Unmarshal(p.raw, &x); err != nil {
			return nil, fmt.Errorf("harness error: parameter %s is not JSON", p.name)
		}
		switch x := x.(type) {
		case nil:
		case string:
			v.Set(p.name, x)
		case []any:
			for i, e := range x {
				s, ok := e.(string)
				if !ok {
					return nil, fmt.Errorf("harness error: a query cannot carry %s = %s", p.name, p.raw)
				}
				v.Set(p.name+"."+strconv.Itoa(i), s)
			}
		default:
			return nil, fmt.Errorf("harness error: a query cannot carry %s = %s", p.name, p.raw)
		}
	}
	return v, nil
}

func setBody(r *http.Request, body []byte) {
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	r.ContentLength = int64(len(body))
	if len(body) == 0 {
		r.Body, r.GetBody = http.NoBody, nil
	}
}

// build turns the spec into a signed request at time now; body is what it carries.
func (st *scenario) build(ctx context.Context, spec *requestSpec, now time.Time) (*http.Request, []byte, error) {
	ts := now.Unix() + spec.tsOffset
	if spec.tsOffset != 0 {
		// A deliberate skew is measured from the endpoint's clock, as far as its Date
		// headers tell (to the second), so that 290 s stays 290 s of skew there.
		ts += st.suite.clockOffset.Load()
	}
	cred := spec.effectiveCredential()
	if spec.v1Method != "" {
		if spec.signedOver != nil {
			return nil, nil, errors.New("harness error: a part of the TC3 canonical request is signed over another value, and the request is signed with signature v1")
		}
		return st.buildV1(ctx, spec, cred, ts)
	}
	var body []byte
	query := ""
	if spec.method == http.MethodGet {
		if spec.hasQuery {
			query = spec.query
		} else {
			v, err := queryValues(spec.params)
			if err != nil {
				return nil, nil, err
			}
			query = v.Encode() // sorted keys, QueryEscape: what the Go SDK sends and signs
		}
	} else if spec.hasBody {
		body = spec.body
	} else {
		body = encodeBody(spec.params)
	}
	target := st.suite.target.BaseURL + "/"
	if query != "" {
		target += "?" + query
	}
	r, err := http.NewRequestWithContext(ctx, spec.method, target, bytes.NewReader(body))
	if err != nil {
		return nil, nil, fmt.Errorf("harness error: building the request: %v", err)
	}
	if spec.method == http.MethodGet {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		r.Header.Set("Content-Type", "application/json")
	}
	r.Header.Set("X-TC-Action", action)
	r.Header.Set("X-TC-Version", version)
	r.Header.Set("X-TC-Region", st.suite.target.Region)
	for _, h := range spec.headers {
		if h.remove {
			r.Header.Del(h.name)
		} else {
			r.Header.Set(h.name, h.value)
		}
	}
	svc := service
	if spec.service != "" {
		svc = spec.service
	}
	if spec.scopeDayOffset == 0 && svc == service && spec.signedOver == nil {
		signing.Sign(r, body, cred, service, ts, spec.signedHeaders)
	} else {
		date := time.Unix(ts, 0).UTC().AddDate(0, 0, spec.scopeDayOffset).Format("2006-01-02")
		if err := signOver(r, body, cred, svc, date, ts, spec.signedHeaders, spec.signedOver); err != nil {
			return nil, nil, err
		}
	}
	if spec.noAuth {
		r.Header.Del("Authorization")
	}
	if spec.authValue != nil {
		auth, err := signing.ParseAuthorization(r.Header.Get("Authorization"))
		if err != nil {
			return nil, nil, fmt.Errorf("harness error: parsing its own Authorization: %v", err)
		}
		v, err := st.expand(*spec.authValue, func(s string) string { return s },
			map[string]string{"SecretId": auth.SecretID, "date": auth.Date, "signature": auth.Signature})
		if err != nil {
			return nil, nil, err
		}
		r.Header["Authorization"] = []string{v} // sent as is, even when empty
	}
	for _, f := range spec.after {
		if err := f(r, &body); err != nil {
			return nil, nil, err
		}
	}
	expectContinue(r, body)
	return r, body, nil
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

// signOver signs like signing.Sign but with a chosen credential-scope date and service
// (A6), and over the parts of the canonical request in over in place of the request's
// own (A2: HTTPRequestMethod, CanonicalURI). The signature is right for what it was
// made over, so only those parts are wrong. A part signed over its own value is a
// harness error: the probe would prove nothing.
func signOver(r *http.Request, body []byte, cred signing.Credential, svc, date string, ts int64, signedHeaders []string, over map[string]string) error {
	method, uri := r.Method, signing.CanonicalURI
	for part, v := range over {
		own := &method
		if part == "CanonicalURI" {
			own = &uri
		}
		if v == *own {
			return fmt.Errorf("harness error: the request is signed over its own %s %q", part, v)
		}
		*own = v
	}
	if signedHeaders == nil {
		signedHeaders = signing.DefaultSignedHeaders
	}
	names := make([]string, len(signedHeaders))
	for i, n := range signedHeaders {
		names[i] = strings.ToLower(n)
	}
	slices.Sort(names)
	r.Header.Set("X-TC-Timestamp", strconv.FormatInt(ts, 10))
	if cred.Token != "" {
		r.Header.Set("X-TC-Token", cred.Token)
	}
	lookup := signing.RequestHeader(r)
	canonical := signing.CanonicalRequestAt(method, uri, signing.CanonicalQuery(r), lookup, names, signing.PayloadHash(lookup, body))
	scope := signing.CredentialScope(date, svc)
	sig := signing.Signature(cred.SecretKey, date, svc, signing.StringToSign(ts, scope, canonical))
	r.Header.Set("Authorization", signing.Authorization{
		SecretID: cred.SecretID, Date: date, Service: svc, SignedHeaders: names, Signature: sig,
	}.String())
	return nil
}

// buildV1 makes a signature v1 request (A7): every parameter, common ones included, in
// the query of a GET or the form body of a POST, signed over the sorted raw parameters.
func (st *scenario) buildV1(ctx context.Context, spec *requestSpec, cred signing.Credential, ts int64) (*http.Request, []byte, error) {
	v, err := queryValues(spec.params)
	if err != nil {
		return nil, nil, err
	}
	nonce, _ := rand.Int(rand.Reader, big.NewInt(1<<31-1))
	v.Set("Action", action)
	v.Set("Version", version)
	v.Set("Region", st.suite.target.Region)
	v.Set("Timestamp", strconv.FormatInt(ts, 10))
	v.Set("Nonce", strconv.FormatInt(nonce.Int64()+1, 10))
	v.Set("SecretId", cred.SecretID)
	v.Set("SignatureMethod", spec.v1Method)
	if cred.Token != "" {
		v.Set("Token", cred.Token)
	}
	for _, name := range spec.v1Omitted {
		v.Del(name)
	}
	sig, err := signing.SignV1(cred.SecretKey, spec.v1Method, signing.V1StringToSign(spec.method, st.suite.baseURL.Host, "/", v))
	if err != nil {
		return nil, nil, err
	}
	v.Set("Signature", sig)
	target := st.suite.target.BaseURL + "/"
	var body []byte
	if spec.method == http.MethodGet {
		target += "?" + v.Encode()
	} else {
		body = []byte(v.Encode())
	}
	r, err := http.NewRequestWithContext(ctx, spec.method, target, bytes.NewReader(body))
	if err != nil {
		return nil, nil, fmt.Errorf("harness error: building the request: %v", err)
	}
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, f := range spec.after { // what a step changes after signing
		if err := f(r, &body); err != nil {
			return nil, nil, err
		}
	}
	expectContinue(r, body)
	return r, body, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b)
}

// ---- sending ----

// exchange is one request sent and the response received.
type exchange struct {
	method     string
	url        string
	reqHeader  http.Header
	reqBody    []byte
	status     int
	respHeader http.Header
	body       []byte
	err        error // no response: transport error
	sent       time.Time
	received   time.Time
	parsed     *document // the body parsed once (document.go)
	sdk        *sdkView  // what the sdk driver adds (sdk.go); nil for the wire driver
}

// send paces the request by its key's owner, and sends it with the suite's driver (the
// wire driver builds and signs it).
func (st *scenario) send(ctx context.Context, spec *requestSpec) (*exchange, error) {
	done, err := st.suite.pace(ctx, spec.cred.SecretID)
	if err != nil {
		return nil, fmt.Errorf("waiting for the pacer: %v", err)
	}
	shot, err := st.suite.transport.prepare(ctx, st, spec, time.Now())
	if err != nil {
		done()
		return nil, err
	}
	ex := shot()
	done()
	st.last = ex
	if ex.err != nil {
		return ex, rowf(st.label(), "no response from %s: %v", st.suite.target.BaseURL, ex.err)
	}
	return ex, nil
}

// do sends r, whose body is body, and reads the whole response.
func (s *Suite) do(r *http.Request, body []byte) *exchange {
	ex := &exchange{method: r.Method, url: r.URL.String(), reqHeader: r.Header.Clone(), reqBody: body}
	if ex.reqHeader.Get("Host") == "" {
		ex.reqHeader.Set("Host", r.Host)
	}
	ex.sent = time.Now()
	resp, err := s.target.Client.Do(r)
	if err != nil {
		ex.err, ex.received = err, time.Now()
		return ex
	}
	defer resp.Body.Close()
	b, err := readAll(io.LimitReader(resp.Body, maxResponse+1), resp.ContentLength)
	ex.received = time.Now()
	ex.status, ex.respHeader, ex.body = resp.StatusCode, resp.Header, b
	switch {
	case err != nil:
		ex.err = fmt.Errorf("reading the response body: %v", err)
	case len(b) > maxResponse:
		ex.err = fmt.Errorf("the response body exceeds %d MB", maxResponse>>20)
	}
	return ex
}

func (st *scenario) sendOnce(ctx context.Context) error {
	spec, err := st.spec()
	if err != nil {
		return err
	}
	_, err = st.send(ctx, spec)
	return err
}

func (st *scenario) sendTwice(ctx context.Context) error {
	spec, err := st.spec()
	if err != nil {
		return err
	}
	st.pair = nil
	for range 2 {
		ex, err := st.send(ctx, spec)
		if err != nil {
			return err
		}
		st.pair = append(st.pair, ex)
	}
	return nil
}

func (st *scenario) listTarget(ctx context.Context) error {
	if err := st.requestForTarget(); err != nil {
		return err
	}
	return st.sendOnce(ctx)
}

func (st *scenario) listFixtureStore(ctx context.Context, role string) error {
	if err := st.requestForFixtureStore(role); err != nil {
		return err
	}
	return st.sendOnce(ctx)
}

// ---- reporting ----

var (
	signatureParam = regexp.MustCompile(`(Signature=)[^,&\s]*`)
	tokenParam     = regexp.MustCompile(`((?:^|[?&])Token=)[^&]*`)
)

// redact hides the signature and the token of a request text: they never appear in output.
func redact(s string) string {
	s = signatureParam.ReplaceAllString(s, "${1}<redacted>")
	return tokenParam.ReplaceAllString(s, "${1}<redacted>")
}

const attachLimit = 4 << 10

func clip(b []byte) string {
	if len(b) <= attachLimit {
		return string(b)
	}
	return string(b[:attachLimit]) + fmt.Sprintf("\n… (%d bytes in all)", len(b))
}

// requestText is the request as sent, secrets redacted.
func (ex *exchange) requestText() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s\n", ex.method, redact(ex.url))
	keys := make([]string, 0, len(ex.reqHeader))
	for k := range ex.reqHeader {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		for _, v := range ex.reqHeader[k] {
			if strings.EqualFold(k, "X-TC-Token") {
				v = "<redacted>"
			}
			fmt.Fprintf(&b, "%s: %s\n", k, redact(v))
		}
	}
	b.WriteString("\n")
	body := clip(ex.reqBody)
	if strings.Contains(ex.reqHeader.Get("Content-Type"), "x-www-form-urlencoded") {
		body = redact(body)
	}
	b.WriteString(body)
	return b.String()
}

// responseText is the response as received.
func (ex *exchange) responseText() string {
	if ex.sdk != nil {
		return ex.sdk.text(ex)
	}
	if ex.err != nil && ex.status == 0 {
		return "no response: " + ex.err.Error()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "HTTP %d (%s after sending)\n", ex.status, ex.received.Sub(ex.sent).Round(time.Microsecond))
	keys := make([]string, 0, len(ex.respHeader))
	for k := range ex.respHeader {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "%s: %s\n", k, strings.Join(ex.respHeader[k], ", "))
	}
	b.WriteString("\n")
	b.WriteString(clip(ex.body))
	return b.String()
}

// attach adds the last exchange (and the last burst's summary) to a failing step's report.
func (st *scenario) attach(ctx context.Context) context.Context {
	if st.last != nil {
		ctx = godog.Attach(ctx,
			godog.Attachment{FileName: "request.txt", MediaType: "text/plain", Body: []byte(st.last.requestText())},
			godog.Attachment{FileName: "response.txt", MediaType: "text/plain", Body: []byte(st.last.responseText())})
	}
	if st.burst != nil {
		ctx = godog.Attach(ctx, godog.Attachment{FileName: "burst.txt", MediaType: "text/plain", Body: []byte(st.burst.summary())})
	}
	return ctx
}

// withExcerpt adds a short excerpt of the response to a failure.
func withExcerpt(ex *exchange, err error) error {
	if err == nil || ex == nil {
		return err
	}
	if ex.sdk != nil && ex.err == nil {
		return fmt.Errorf("%w\n    decoded by the SDK: %s", err, excerpt(ex.body))
	}
	if ex.status == 0 {
		return err
	}
	return fmt.Errorf("%w\n    response: HTTP %d %s", err, ex.status, excerpt(ex.body))
}

// excerpt is the start of a body, its whitespace runs made single spaces, at most 300
// bytes. Only the first few kilobytes are looked at: a failure costs the same whatever
// the size of the body (each failing check of a scenario adds one).
func excerpt(body []byte) string {
	return shorten(strings.Join(strings.Fields(string(body[:min(len(body), 4<<10)])), " "), 300)
}

// spellOut writes every byte of id percent-encoded (%XX, or %xx in lower case), or every character as a JSON
// \u escape: values an endpoint must decode to id itself (T2: a query is URL-encoded;
// T1: a body is JSON).
func spellOut(id, how string) (string, bool) {
	var b strings.Builder
	switch how {
	case "percent-encoded":
		for i := 0; i < len(id); i++ {
			fmt.Fprintf(&b, "%%%02X", id[i])
		}
	case "percent-encoded in lower case": // RFC 3986 2.1: %2d is %2D
		for i := 0; i < len(id); i++ {
			fmt.Fprintf(&b, "%%%02x", id[i])
		}
	case "JSON-escaped":
		for _, r := range id {
			if r > 0xFFFF {
				hi, lo := utf16.EncodeRune(r)
				fmt.Fprintf(&b, "\\u%04x\\u%04x", hi, lo)
				continue
			}
			fmt.Fprintf(&b, "\\u%04x", r)
		}
	default:
		return "", false
	}
	return b.String(), true
}
