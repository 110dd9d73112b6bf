package check

import (
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/tidwall/gjson"

	"github.com/ciam-harness/listjobs/fixture"
	"github.com/ciam-harness/listjobs/schemas"
	"github.com/ciam-harness/listjobs/wire"
)

// Every exchange the harness makes is evidence, whatever it was made for: the rules of
// the contract that can be judged from one exchange and the fixture are judged on every
// exchange of every scenario, every driver, every rate-limit burst and every probe, not
// only in the scenarios named after their rows. Each Rule says to what it applies (its
// Scope); Universal applies every rule that applies to an exchange, and a violation is
// blamed on the rule's rows.

// Scope says to what exchanges a Rule applies.
type Scope int

// The scopes, each within the one before it but the last two.
const (
	// AnyResponse: every exchange that got a response.
	AnyResponse Scope = iota
	// AnyError: every response whose Response holds an Error.
	AnyError
	// AnySuccess: every response whose Response holds no Error.
	AnySuccess
	// AnyJob: every element of the JobSet of every success.
	AnyJob
	// AnyKnownStore: every success that answers a request the harness can read (its
	// user store, JobIds and key as the endpoint received them) for a user store the
	// fixture describes, signed with a key the fixture describes.
	AnyKnownStore
)

var scopeNames = [...]string{"any response", "any error", "any success", "any job", "any success for a store the fixture knows"}

func (s Scope) String() string {
	if s < 0 || int(s) >= len(scopeNames) {
		return "unknown scope"
	}
	return scopeNames[s]
}

// Rule is a rule of the contract that holds for every exchange of its Scope.
type Rule struct {
	// Name says what it checks, in a few words.
	Name string
	// Rows are the contract rows it judges; a violation names one of them.
	Rows  []string
	Scope Scope
	// Assumed is set for a rule of an assumed row, or of the assumed part of a mixed
	// one: it is judged only in a run that judges assumed behaviour (Options.Assumed).
	Assumed bool
	// Wire is set for a rule of what only the wire driver sees (the HTTP status and
	// the Content-Type), which an SDK does not hand its caller.
	Wire bool
	// judge gives the violations of one exchange, each a RowError (or errors wrapping
	// them); for AnyJob, of the i-th job.
	judge    func(x *view) []error
	judgeJob func(x *view, i int, job gjson.Result) []error
}

// Options say what a Universal knows of the run.
type Options struct {
	// Fixture is the endpoint's known data (nil: none, and no AnyKnownStore rule).
	Fixture *fixture.Fixture
	// Schemas are the compiled schemas (nil: compiled once by NewUniversal).
	Schemas *schemas.Set
	// Assumed tells whether the run judges assumed behaviour (its tag filter selects
	// @assumed scenarios): the rules marked Assumed are judged only then.
	Assumed bool
	// Applied, when set, is told every rule applied to an exchange, by name (tests).
	Applied func(ex *wire.Exchange, rule string)
}

// Universal judges every exchange of a run against the rules. It is safe for concurrent
// use.
type Universal struct {
	opts    Options
	rules   []Rule
	ids     RequestIDs
	stores  map[string]*fixture.UserStore // by id
	keys    map[string]fixture.Credential // by SecretId
	storeOf map[string]string             // the store of every job id of the fixture
}

// NewUniversal builds the rules of a run.
func NewUniversal(o Options) (*Universal, error) {
	if o.Schemas == nil {
		set, err := schemas.Compile()
		if err != nil {
			return nil, err
		}
		o.Schemas = set
	}
	u := &Universal{opts: o, rules: rules(), stores: map[string]*fixture.UserStore{}, keys: map[string]fixture.Credential{}, storeOf: map[string]string{}}
	if fx := o.Fixture; fx != nil {
		for i := range fx.UserStores {
			st := &fx.UserStores[i]
			u.stores[st.ID] = st
			for _, id := range st.JobIDs() {
				u.storeOf[id] = st.ID
			}
		}
		for _, c := range fx.Credentials {
			u.keys[c.SecretID] = c
		}
	}
	return u, nil
}

// Rules are the rules the run judges, in the order they are applied.
func (u *Universal) Rules() []Rule {
	var out []Rule
	for _, r := range u.rules {
		if u.applies(r) {
			out = append(out, r)
		}
	}
	return out
}

// AllRules are every rule of the contract judged on every exchange.
func AllRules() []Rule { return rules() }

func (u *Universal) applies(r Rule) bool {
	return (u.opts.Assumed || !r.Assumed) && (r.Scope != AnyKnownStore || u.opts.Fixture != nil)
}

// rules declares every universal rule. The scenarios check the same rows on the
// exchanges they are about; these check them on every other exchange too.
func rules() []Rule {
	rs := []Rule{
		{Name: "HTTP 200 with application/json", Rows: []string{"T5"}, Scope: AnyResponse, Wire: true, judge: httpStatus},
		{Name: "one strict JSON object {\"Response\": {...}}", Rows: []string{"T6", "T7"}, Scope: AnyResponse, judge: nil}, // parse, in Judge
		{Name: "a non-empty RequestId, new for each request", Rows: []string{"T8"}, Scope: AnyResponse, judge: requestID},
		{Name: "a RequestId in UUID form", Rows: []string{"T9"}, Scope: AnyResponse, Assumed: true, judge: requestIDForm},
		{Name: "an Error with a non-empty Code and Message", Rows: []string{"T7"}, Scope: AnyError, judge: errorFields},
		{Name: "the error envelope's schema", Rows: []string{"T7"}, Scope: AnyError, judge: errorSchema},
		{Name: "a JobSet that is an array or null", Rows: []string{"T6", "S5"}, Scope: AnySuccess, judge: jobSetShape},
		{Name: "the success envelope's schema", Rows: []string{"T6"}, Scope: AnySuccess, judge: successSchema},
		{Name: "no job returned twice", Rows: []string{"S2"}, Scope: AnySuccess, Assumed: true, judge: noJobTwice},
	}
	// The Job's fields, each by the rule of its row (a schema of the whole Job would
	// blame one wrong field on J9 as well, which only allows fields the rows do not
	// name).
	for _, jr := range JobRules() {
		rs = append(rs, Rule{Name: "the Job's " + jr.Field, Rows: []string{jr.Row}, Scope: AnyJob, judgeJob: func(_ *view, i int, job gjson.Result) []error { return jr.Judge(i, job) }})
	}
	return append(rs,
		Rule{Name: "the key's account owns the store", Rows: []string{"S9"}, Scope: AnyKnownStore, judge: sameAccount},
		Rule{Name: "exactly the store's jobs the JobIds name, or all of them", Rows: []string{"S1", "S2", "S3", "S6"}, Scope: AnyKnownStore, judge: exactJobs},
		Rule{Name: "every job as the fixture records it", Rows: []string{"J1", "J2", "J3", "J4", "J5", "J6", "J7", "J8"}, Scope: AnyKnownStore, judge: asRecorded},
	)
}

// Judge applies every rule that applies to the exchange ex of scenario, whose request
// was made from spec (nil when unknown), and returns the violations, one RowError per
// rule and row, each naming the request. An exchange without a response (a transport
// error) breaks none: the step that sent it reports it.
func (u *Universal) Judge(ex *wire.Exchange, spec *wire.Spec, scenario string) []*RowError {
	if ex == nil || ex.Err != nil {
		return nil
	}
	x := &view{u: u, ex: ex, spec: spec, scenario: scenario}
	var out []*RowError
	apply := func(r Rule, errs []error) {
		if u.opts.Applied != nil {
			u.opts.Applied(ex, r.Name)
		}
		out = append(out, x.blame(errs)...)
	}
	byScope := func(s Scope) []Rule {
		var rs []Rule
		for _, r := range u.rules {
			if r.Scope == s && u.applies(r) && (!r.Wire || ex.SDK == nil) {
				rs = append(rs, r)
			}
		}
		return rs
	}
	for _, r := range byScope(AnyResponse) {
		if r.judge == nil { // the envelope: nothing else can be read without it
			var err error
			if x.root, err = Parse(ex, "T6/T7"); err == nil {
				if x.resp = x.root.Get("Response"); !x.resp.IsObject() {
					err = IsObject().At("T6/T7", "Response", x.resp)
				}
			}
			apply(r, nonNil(err))
			if err != nil {
				return out
			}
			continue
		}
		apply(r, r.judge(x))
	}
	if x.resp.Get("Error").Exists() {
		for _, r := range byScope(AnyError) {
			apply(r, r.judge(x))
		}
		return out
	}
	for _, r := range byScope(AnySuccess) {
		apply(r, r.judge(x))
	}
	if set := x.resp.Get("JobSet"); set.IsArray() {
		x.jobs = ex.JobSet()
		for _, r := range byScope(AnyJob) {
			apply(r, EachIndex(len(x.jobs), func(i int) []error { return r.judgeJob(x, i, x.jobs[i]) }))
		}
	}
	if rs := byScope(AnyKnownStore); len(rs) > 0 && x.known() {
		for _, r := range rs {
			apply(r, r.judge(x))
		}
	}
	return out
}

// view is one exchange as the rules read it.
type view struct {
	u        *Universal
	ex       *wire.Exchange
	spec     *wire.Spec
	scenario string
	root     gjson.Result   // the body
	resp     gjson.Result   // Response
	jobs     []gjson.Result // the JobSet of a success
	call     call           // the request, as known()
}

// blame groups errs by the rows they name: one RowError per label, naming the request,
// with at most a dozen violations spelled out.
func (x *view) blame(errs []error) []*RowError {
	if len(errs) == 0 {
		return nil
	}
	var labels []string
	byLabel := map[string][]error{}
	rows := map[string][]string{}
	for _, err := range errs {
		var re *RowError
		if !errors.As(err, &re) {
			re = &RowError{Label: "harness", Err: err}
		}
		if _, ok := byLabel[re.Label]; !ok {
			labels = append(labels, re.Label)
			rows[re.Label] = re.Rows
		}
		byLabel[re.Label] = append(byLabel[re.Label], err)
	}
	out := make([]*RowError, 0, len(labels))
	for _, l := range labels {
		out = append(out, &RowError{Label: l, Rows: rows[l],
			Err: wire.WithExcerpt(x.ex, fmt.Errorf("%s %s: %w", x.ex.Method, wire.Redact(x.ex.URL), JoinLimited(byLabel[l])))})
	}
	return out
}

func nonNil(errs ...error) []error {
	return slices.DeleteFunc(errs, func(e error) bool { return e == nil })
}

func httpStatus(x *view) []error {
	var errs []error
	if x.ex.Status != http.StatusOK {
		errs = append(errs, Rowf("T5", "HTTP status %d; want 200 for every response the API processed", x.ex.Status))
	}
	if mt, _, err := mime.ParseMediaType(x.ex.RespHeader.Get("Content-Type")); err != nil || mt != "application/json" {
		errs = append(errs, Rowf("T5", "Content-Type = %q; want application/json", x.ex.RespHeader.Get("Content-Type")))
	}
	return errs
}

func requestID(x *view) []error {
	id := x.resp.Get("RequestId")
	if err := StringNonEmpty().At("T8", "Response.RequestId", id); err != nil {
		return []error{err}
	}
	if first := x.u.ids.claim(id.Str, x.scenario); first != "" {
		return []error{Rowf("T8", "Response.RequestId %q was already the RequestId of another response (in %q); want a different RequestId for every request", id.Str, first)}
	}
	return nil
}

func requestIDForm(x *view) []error {
	if id := x.resp.Get("RequestId"); id.Type == gjson.String && id.Str != "" {
		return nonNil(UUID().At("T9", "Response.RequestId", id))
	}
	return nil // T8's
}

func errorFields(x *view) []error {
	e := x.resp.Get("Error")
	if err := IsObject().At("T7", "Response.Error", e); err != nil {
		return []error{err}
	}
	return nonNil(
		StringNonEmpty().At("T7", "Response.Error.Code", e.Get("Code")),
		StringNonEmpty().At("T7", "Response.Error.Message", e.Get("Message")))
}

// errorSchema validates an error envelope whose fields are there (errorFields reports
// the rest, in words of its own).
func errorSchema(x *view) []error {
	if len(errorFields(x)) > 0 || x.resp.Get("RequestId").Type != gjson.String {
		return nil
	}
	return x.schema("T7", schemas.ErrorResponse, x.ex.Body)
}

func jobSetShape(x *view) []error {
	return nonNil(AnyOf(IsArray(), Null()).At("T6/S5", "Response.JobSet", x.resp.Get("JobSet")))
}

// successSchema validates a success envelope with its JobSet emptied: the jobs are the
// J rows' concern, each judged by its own rule.
func successSchema(x *view) []error {
	set := x.resp.Get("JobSet")
	if !set.Exists() || !set.IsArray() && set.Type != gjson.Null || x.resp.Get("RequestId").Type != gjson.String {
		return nil // jobSetShape's and T8's
	}
	return x.schema("T6", schemas.SuccessResponse, Envelope(x.ex.Body, set))
}

func (x *view) schema(row, name string, body []byte) []error {
	vs, err := x.u.opts.Schemas.Validate(name, body)
	if err != nil {
		return []error{Rowf(row, "%v", err)}
	}
	var errs []error
	for _, v := range vs {
		errs = append(errs, Rowf(row, "schema %s: %s", name, v))
	}
	return errs
}

// Envelope is body with a non-empty JobSet (set, found in body) emptied: what the
// success schema says of the envelope alone. The jobs are the J rows' concern, and
// validating thousands of them on every success would only be discarded.
func Envelope(body []byte, set gjson.Result) []byte {
	if !set.IsArray() || set.Index <= 0 || set.Raw == "[]" {
		return body
	}
	out := make([]byte, 0, len(body)-len(set.Raw)+2)
	out = append(out, body[:set.Index]...)
	out = append(out, "[]"...)
	return append(out, body[set.Index+len(set.Raw):]...)
}

func noJobTwice(x *view) []error {
	seen := map[string]int{}
	var errs []error
	for i, job := range x.ex.JobSet() {
		id := job.Get("Id")
		if id.Type != gjson.String {
			continue // J1's
		}
		if first, dup := seen[id.Str]; dup {
			errs = append(errs, Rowf("S2", "%s.Id %q was already returned as %s; want each job at most once", JobPath(i), wire.Shorten(id.Str, 80), JobPath(first)))
			continue
		}
		seen[id.Str] = i
	}
	return errs
}

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

// sameAccount: a key of another account than the store's sees none of its jobs (S9).
func sameAccount(x *view) []error {
	key, st := x.u.keys[x.call.secretID], x.u.stores[x.call.store]
	if key.Account != st.Account {
		return []error{Rowf("S9", "the key %s of the account %q got a success for the user store %s of the account %q; want the answer of P8 and none of its jobs", x.call.secretID, key.Account, st.ID, st.Account)}
	}
	return nil
}

// exactJobs: the JobSet is the store's jobs the JobIds name, or all of them (S1, S2,
// S3), and no job of another store (S6). Order and repeats are other rules' concern.
func exactJobs(x *view) []error {
	st := x.u.stores[x.call.store]
	if x.u.keys[x.call.secretID].Account != st.Account {
		return nil // S9's
	}
	row := "S1"
	want := map[string]bool{}
	if len(x.call.ids) > 0 {
		row = "S2"
		named := map[string]bool{}
		for _, id := range x.call.ids {
			named[id] = true
		}
		for _, id := range st.JobIDs() {
			if named[id] {
				want[id] = true
			}
		}
	} else {
		for _, id := range st.JobIDs() {
			want[id] = true
		}
	}
	var errs []error
	got := map[string]bool{}
	for i, job := range x.jobs {
		id := job.Get("Id")
		if id.Type != gjson.String {
			continue // J1's
		}
		got[id.Str] = true
		switch other, inFixture := x.u.storeOf[id.Str]; {
		case want[id.Str]:
		case inFixture && other != st.ID:
			errs = append(errs, Rowf("S6", "%s is the job %q of the user store %s; want only jobs of %s", JobPath(i), wire.Shorten(id.Str, 80), other, st.ID))
		case row == "S2" && inFixture:
			errs = append(errs, Rowf("S2", "%s is the job %q, which the JobIds do not name; want only the jobs they name", JobPath(i), wire.Shorten(id.Str, 80)))
		case row == "S2" && slices.Contains(x.call.ids, id.Str):
			errs = append(errs, Rowf("S3", "%s is %q, named in the JobIds but a job of no store; want an unknown id left out", JobPath(i), wire.Shorten(id.Str, 80)))
		default:
			errs = append(errs, Rowf(row, "%s is the job %q, which the user store %s does not hold", JobPath(i), wire.Shorten(id.Str, 80), st.ID))
		}
	}
	var missing []string
	for id := range want {
		if !got[id] {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		what := "every job of the user store " + st.ID
		if row == "S2" {
			what = "the jobs of " + st.ID + " the JobIds name"
		}
		errs = append(errs, Rowf(row, "Response.JobSet lacks %d of %s: %s", len(missing), what, wire.Shorten(strings.Join(missing, ", "), 200)))
	}
	return errs
}

// asRecorded: every returned job of the store is as the fixture records it, field for
// field (J1-J8).
func asRecorded(x *view) []error {
	st := x.u.stores[x.call.store]
	records := make(map[string][]byte, len(st.Jobs))
	for _, j := range st.Jobs {
		records[j.ID] = j.Raw
	}
	return EachIndex(len(x.jobs), func(i int) []error {
		rec, ok := records[x.jobs[i].Get("Id").Str]
		if !ok {
			return nil // exactJobs'
		}
		return AsRecorded(i, x.jobs[i], rec)
	})
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
		if err := json.Unmarshal(ex.ReqBody, &params); err != nil {
			return c, false
		}
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
				err = json.Unmarshal(raw, &c.ids)
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
