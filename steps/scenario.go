package steps

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ciam-harness/listjobs/check"
	"github.com/ciam-harness/listjobs/driver"
	"github.com/ciam-harness/listjobs/fixture"
	"github.com/ciam-harness/listjobs/schemas"
	"github.com/ciam-harness/listjobs/signing"
	"github.com/ciam-harness/listjobs/vocab"
	"github.com/ciam-harness/listjobs/wire"
	"github.com/cucumber/godog"
	"github.com/tidwall/gjson"
)

// A scenario's state is split by concern, each a small type with its own steps: the
// request it builds (request, with its JobIds: jobIDs, and its deliberate breaks:
// tamper), the checks of its responses (response, jobs), and its rate-limit bursts
// (bursts). What they share is the scenario itself: who it is, its keys, the jobs it
// knows, the last exchange, and the rows every response broke. world holds one of
// each, fresh for every scenario (Suite.InitializeScenario).

// scenario is what every concern of one scenario shares.
type scenario struct {
	suite *Suite
	name  string // the scenario's name, as godog runs it
	tags  map[string]bool
	rows  []string // the contract rows the scenario is tagged with, e.g. ["S2"]
	// cred signs the scenario's ordinary requests and reader its requests for fixture
	// data (@fixture): keys the suite dealt out to it at its start.
	cred, reader signing.Credential
	known        []string       // sorted distinct job ids the scenario knows (a listing or the fixture)
	last         *wire.Exchange // the last request sent and its response
	// invariants are what its exchanges broke of the rules of every exchange
	// (check.Universal): they fail it once its steps are done.
	invariants violations
	// scaleHeld is set while the scenario holds Suite.scale (a @scale scenario).
	scaleHeld bool
}

// world is one scenario's state, by concern; the catalogue binds each step to the
// concern that runs it.
type world struct {
	sc  *scenario
	rq  *request
	ids *jobIDs
	tp  *tamper
	rs  *response
	jb  *jobs
	bs  *bursts
}

// newWorld is the fresh state of a scenario of s.
func newWorld(s *Suite) *world {
	sc := &scenario{suite: s}
	rq := &request{sc: sc}
	return &world{sc: sc, rq: rq, ids: &jobIDs{rq: rq}, tp: &tamper{rq: rq},
		rs: &response{sc: sc, rq: rq, remembered: map[string][]string{}}, jb: &jobs{sc: sc}, bs: &bursts{sc: sc}}
}

// jobIDs sets the JobIds of the request: known jobs, unknown ids, near misses, padding.
type jobIDs struct{ rq *request }

// tamper breaks the request on purpose: its key, its timestamp, its signature, its
// parts after signing.
type tamper struct{ rq *request }

// response checks the responses of a scenario: the envelope, the RequestIds, the Ids
// returned against what the scenario knows or remembered.
type response struct {
	sc         *scenario
	rq         *request
	pair       []*wire.Exchange // the two exchanges of "the request is sent twice"
	remembered map[string][]string
}

// jobs checks the jobs a response returned, field by field.
type jobs struct{ sc *scenario }

// bursts sends the rate-limit bursts and paced sequences, and checks their outcomes.
type bursts struct {
	sc   *scenario
	last *burst // the last rate-limit burst
}

// lastExchange is the response the checks look at.
func (sc *scenario) lastExchange() (*wire.Exchange, error) {
	if sc.last == nil {
		return nil, errors.New("harness error: no request was sent yet")
	}
	return sc.last, nil
}

// schemaViolations validates body against a schema; skipJobs leaves out what lies inside
// a job, which the J rows report on their own.
func (sc *scenario) schemaViolations(row, name string, body []byte, skipJobs bool) []error {
	vs, err := sc.suite.schemas.Validate(name, body)
	return violationErrors(row, name, vs, err, skipJobs)
}

// successOf checks the success envelope (T6, T8, S5); the jobs inside are the J rows' concern.
func (sc *scenario) successOf(ex *wire.Exchange) error {
	if _, err := check.Parse(ex, "T6"); err != nil {
		return wire.WithExcerpt(ex, err)
	}
	// ex.get is root.Get, looked up once: a scenario checks the same body many times.
	if e := ex.Get("Response.Error"); e.Exists() {
		return wire.WithExcerpt(ex, check.Rowf(sc.label(), "got %s; want a success", describeError(e)))
	}
	errs := nonNil(
		check.IsObject().At("T6", "Response", ex.Get("Response")),
		check.AnyOf(check.IsArray(), check.Null()).At("T6/S5", "Response.JobSet", ex.Get("Response.JobSet")),
		check.StringNonEmpty().At("T8", "Response.RequestId", ex.Get("Response.RequestId")),
	)
	if len(errs) == 0 {
		errs = sc.schemaViolations("T6", schemas.SuccessResponse, check.Envelope(ex.Body, ex.Get("Response.JobSet")), true)
	}
	return wire.WithExcerpt(ex, check.JoinLimited(errs))
}

// errorOf checks the error envelope (T7, T8) and its code.
func (sc *scenario) errorOf(ex *wire.Exchange, code check.Check) error {
	root, err := check.Parse(ex, "T7")
	if err != nil {
		return wire.WithExcerpt(ex, err)
	}
	e := root.Get("Response.Error")
	if !e.Exists() && root.Get("Response.JobSet").Exists() {
		return wire.WithExcerpt(ex, check.Rowf(sc.label(), "got a success (JobSet of %d jobs); want the error %s", len(root.Get("Response.JobSet").Array()), code.Want))
	}
	errs := nonNil(
		check.IsObject().At("T7", "Response.Error", e),
		code.At(sc.label(), "Response.Error.Code", e.Get("Code")),
		check.StringNonEmpty().At("T7", "Response.Error.Message", e.Get("Message")),
		check.StringNonEmpty().At("T8", "Response.RequestId", root.Get("Response.RequestId")),
	)
	if len(errs) == 0 {
		errs = sc.schemaViolations("T7", schemas.ErrorResponse, ex.Body, false)
	}
	return wire.WithExcerpt(ex, check.JoinLimited(errs))
}

// idsOf returns the Ids of a success's JobSet in the order received, duplicates kept;
// a null JobSet lists none (S5).
func (sc *scenario) idsOf(ex *wire.Exchange) ([]string, error) {
	if err := sc.successOf(ex); err != nil {
		return nil, err
	}
	var ids []string
	var errs []error
	for i, job := range ex.JobSet() {
		id := job.Get("Id")
		if id.Type != gjson.String {
			errs = append(errs, check.Rowf("J1", "Response.JobSet[%d].Id %s; want a string (jobs are compared by Id)", i, check.Shown(id)))
			continue
		}
		ids = append(ids, id.Str)
	}
	if len(errs) > 0 {
		return nil, wire.WithExcerpt(ex, check.JoinLimited(errs))
	}
	return ids, nil
}

// label names the scenario's rows for messages about its own subject, e.g. "A3" or "S9/P8".
func (sc *scenario) label() string {
	if len(sc.rows) == 0 {
		return "contract"
	}
	return strings.Join(sc.rows, "/")
}

// fixture returns the target's fixture; steps that use it belong to @fixture scenarios only,
// so that scenarios without the tag hold on any data.
func (sc *scenario) fixture() (*fixture.Fixture, error) {
	if !sc.tags[vocab.TagFixture] {
		return nil, errors.New("harness error: this step uses the fixture, so its scenario must be tagged @fixture")
	}
	if sc.suite.target.Fixture == nil {
		return nil, errors.New("this step needs the target's fixture (known data), and none was given")
	}
	return sc.suite.target.Fixture, nil
}

func (sc *scenario) fixtureStore(role string) (*fixture.UserStore, error) {
	fx, err := sc.fixture()
	if err != nil {
		return nil, err
	}
	s, ok := fx.UserStore(role)
	if !ok {
		return nil, fmt.Errorf("the fixture has no user store with the role %q", role)
	}
	return s, nil
}

// ordinary is the key of the scenario's ordinary requests.
func (sc *scenario) ordinary() signing.Credential {
	if sc.cred.SecretID == "" {
		return sc.suite.target.Credential
	}
	return sc.cred
}

// fixtureReader is the key of an @fixture scenario's requests for fixture data.
func (sc *scenario) fixtureReader() signing.Credential {
	if sc.reader.SecretID == "" {
		return sc.ordinary()
	}
	return sc.reader
}

func (sc *scenario) fixtureCredential(role string) (signing.Credential, error) {
	fx, err := sc.fixture()
	if err != nil {
		return signing.Credential{}, err
	}
	c, ok := fx.Credential(role)
	if !ok {
		return signing.Credential{}, fmt.Errorf("the fixture has no credential with the role %q", role)
	}
	return signing.Credential{SecretID: c.SecretID, SecretKey: c.SecretKey, Token: c.Token}, nil
}

// knownJobs returns the known jobs at 1-based positions, in the order given.
func (sc *scenario) knownJobs(list string) ([]string, error) {
	var out []string
	for _, s := range number.FindAllString(list, -1) {
		n, _ := strconv.Atoi(s)
		if n < 1 || n > len(sc.known) {
			if len(sc.known) == 0 {
				return nil, fmt.Errorf("harness error: known job %d: the scenario knows no jobs yet (start with \"the user store under test holds at least N jobs\" or a fixture user store)", n)
			}
			return nil, fmt.Errorf("known job %d: the scenario knows only %d jobs", n, len(sc.known))
		}
		out = append(out, sc.known[n-1])
	}
	return out, nil
}

// send paces the request by its key's owner, and sends it with the suite's driver (the
// wire driver builds and signs it). Every exchange is checked against the rows that
// hold for every response (prepare).
func (sc *scenario) send(ctx context.Context, spec *wire.Spec) (*wire.Exchange, error) {
	done, err := sc.suite.pace(ctx, spec.Cred.SecretID)
	if err != nil {
		return nil, fmt.Errorf("waiting for the pacer: %v", err)
	}
	shot, err := sc.prepare(ctx, spec, time.Now())
	if err != nil {
		done()
		return nil, err
	}
	ex := shot()
	done()
	sc.last = ex
	if ex.Err != nil {
		return ex, check.Rowf(sc.label(), "no response from %s: %v", sc.suite.target.BaseURL, ex.Err)
	}
	return ex, nil
}

// prepare readies spec with the suite's driver. The exchange its shot returns is
// evidence, whatever the scenario is about: it is judged against every rule of the
// contract that holds for every exchange of its scope (check.Universal), and a
// violation fails the scenario once its steps are done, blamed on the row it breaks;
// its Date header tells the endpoint's clock.
func (sc *scenario) prepare(ctx context.Context, spec *wire.Spec, now time.Time) (driver.Shot, error) {
	shot, err := sc.suite.target.Driver.Prepare(ctx, spec, now)
	if err != nil {
		return nil, err
	}
	return func() *wire.Exchange {
		ex := shot()
		sc.invariants.observe(sc.suite.universal.Judge(ex, spec, sc.name))
		sc.suite.clock.Note(ex)
		return ex
	}, nil
}

// release lets go of what a finished scenario sent, received and worked out. godog
// keeps every scenario's step functions, and so their state, until the whole run ends,
// and a listing of 100,000 jobs holds tens of megabytes (its body, the body as a string,
// its jobs): without this, each large scenario of a run would still hold them.
func (w *world) release() {
	w.rq.spec, w.sc.last, w.rs.pair, w.bs.last = nil, nil, nil, nil
	w.sc.known, w.rs.remembered = nil, nil
}

// attach adds the last exchange (and the last burst's summary) to a failing step's report.
func (w *world) attach(ctx context.Context) context.Context {
	if w.sc.last != nil {
		ctx = godog.Attach(ctx,
			godog.Attachment{FileName: "request.txt", MediaType: "text/plain", Body: []byte(w.sc.last.RequestText())},
			godog.Attachment{FileName: "response.txt", MediaType: "text/plain", Body: []byte(w.sc.last.ResponseText())})
	}
	if w.bs.last != nil {
		ctx = godog.Attach(ctx, godog.Attachment{FileName: "burst.txt", MediaType: "text/plain", Body: []byte(w.bs.last.summary())})
	}
	return ctx
}
