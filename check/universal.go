package check

import (
	"errors"
	"fmt"

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
	// Wire is set for a rule of what an SDK does not hand its caller (the HTTP status
	// and the Content-Type): judged on the wire driver's exchanges, and on the round
	// trips an SDK driver saw with their headers.
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
//
// Through an SDK driver, ex is what the SDK handed its caller, and every HTTP round trip
// the driver saw (ex.SDK.Trips: retries included) is the endpoint's own answer: each is
// judged as a wire exchange too, the HTTP status and Content-Type where the driver saw
// the headers, so that a break the SDK's decoding hides (a member given twice, read
// once) is still the endpoint's. The SDK's view of the last trip then repeats a
// RequestId already judged new, and is not claimed again.
func (u *Universal) Judge(ex *wire.Exchange, spec *wire.Spec, scenario string) []*RowError {
	if ex == nil {
		return nil
	}
	var out []*RowError
	seen := false
	if ex.SDK != nil {
		for _, t := range ex.SDK.Trips {
			if raw := t.Exchange(); raw != nil {
				out = append(out, u.judge(raw, spec, scenario, false)...)
				seen = true
			}
		}
	}
	if ex.Err != nil {
		return out
	}
	return append(out, u.judge(ex, spec, scenario, seen)...)
}

// judge applies the rules to one exchange; echo is set for an SDK's view of a response
// whose RequestId was judged on the wire already.
func (u *Universal) judge(ex *wire.Exchange, spec *wire.Spec, scenario string, echo bool) []*RowError {
	x := &view{u: u, ex: ex, spec: spec, scenario: scenario, echo: echo}
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
			if r.Scope == s && u.applies(r) && (!r.Wire || ex.SDK == nil && ex.RespHeader != nil) {
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
	echo     bool           // an SDK's view of a response judged on the wire (Judge)
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
