package steps

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ciam-harness/listjobs/driver"
	"github.com/ciam-harness/listjobs/plan"
	"github.com/ciam-harness/listjobs/result"
	"github.com/ciam-harness/listjobs/vocab"
	"github.com/ciam-harness/listjobs/wire"
)

// Step is one step sentence of the suite, declared once: its pattern, the method of the
// scenario state that runs it, and its traits. Binding, the sdk driver's skips, the
// runner's action guard and the coverage of the rows are all derived from the
// catalogue (Steps); nothing outside this package reads step text.
type Step struct {
	// Pattern is the step's regular expression, anchored.
	Pattern string
	// Rows are the contract rows its checks judge whatever the scenario (T5, J2...).
	Rows []string
	// Judges is set for a check of the scenario's own behaviour ("the response is a
	// success"): it judges, and its failure is blamed on, the rows the scenario is
	// tagged with.
	Judges bool
	// Fixture is set for a step that reads the target's known data: its scenario must
	// be tagged @fixture.
	Fixture bool
	// Wire says why the sdk driver cannot run the step, from its submatches, or ""
	// when it can after all; nil when any driver can.
	Wire func(m []string) string
	// Action returns the action the step makes the request send, from its submatches
	// and doc string, with true; false when the step does not set the action.
	Action func(m []string, doc string) (string, bool)
	// Wait is how long the step waits by construction (a paced sequence), from its
	// submatches; nil for a step that does not.
	Wait func(m []string) time.Duration
	// Needs says what an SDK must let its callers do for the step to run, from its
	// submatches; nil when every SDK can. The Go SDK does all of it; an adapter's hello
	// says what its SDK does (Capabilities), and the exec drivers skip a scenario that
	// needs more, with the reason.
	Needs func(m []string) []driver.Need

	run func(w *world) any
}

// Catalogue is every step of the suite, each pattern compiled once.
type Catalogue struct {
	steps []Step
	res   []*regexp.Regexp
}

// Steps returns the suite's catalogue. A copy: changing it changes nothing else.
func Steps() *Catalogue { return NewCatalogue(catalogue()) }

// Entries returns a copy of the steps of c, in declaration order.
func (c *Catalogue) Entries() []Step { return slices.Clone(c.steps) }

// NewCatalogue compiles steps (taken from Steps().Entries(), maybe with traits
// changed) into a catalogue.
func NewCatalogue(steps []Step) *Catalogue {
	c := &Catalogue{steps: slices.Clone(steps)}
	for _, s := range c.steps {
		c.res = append(c.res, regexp.MustCompile(s.Pattern))
	}
	return c
}

// match returns the step of text and its submatches, or false.
func (c *Catalogue) match(text string) (Step, []string, bool) {
	for i, re := range c.res {
		if m := re.FindStringSubmatch(text); m != nil {
			return c.steps[i], m, true
		}
	}
	return Step{}, nil, false
}

// Traits are what the catalogue says of a scenario before it runs.
type Traits struct {
	// Rows are the contract rows its checks judge, in contract order: the steps' own
	// rows, and the scenario's tagged rows when one of its steps Judges.
	Rows []string
	// Fixture is set when a step reads the target's known data; fixtureTag when the
	// scenario is tagged @fixture (a test keeps the two in step).
	Fixture, fixtureTag bool
	// Wire says why the sdk driver cannot run it ("" when it can); WireStep is the step.
	Wire, WireStep string
	// Needs are what its steps need of an SDK, each with its step.
	Needs []driver.Need
	// OtherAction is set when a step makes it send an action other than ListJobs on
	// purpose: Action ("" for a request without one).
	Action      string
	OtherAction bool
	// Wait is the longest wait by construction of its steps (Step.Wait).
	Wait time.Duration
	// Undefined lists the step texts that match no step of the catalogue.
	Undefined []string
}

// Demands are what the scenario demands of a driver: the step that needs the wire
// driver (or its @wire tag), and what its steps need of an SDK.
func (t Traits) Demands() driver.Demands {
	return driver.Demands{Wire: t.Wire, WireStep: t.WireStep, Needs: t.Needs}
}

// Skip decides whether a run skips a scenario of these traits, through driver d, with
// or without a fixture, and when only ListJobs may be sent (an endpoint other than the
// embedded emulator or the user's own): the zero Skip when it runs. The run decides it
// once for every scenario before any runs (the runner's plan).
func (t Traits) Skip(d driver.Driver, fixture, listJobsOnly bool) result.Skip {
	switch {
	case listJobsOnly && t.OtherAction:
		what := fmt.Sprintf("sends the action %q", t.Action)
		if t.Action == "" {
			what = "sends a request without an action"
		}
		return result.Skip{Kind: result.SkipInvalidAction, Reason: what + " on purpose: against an endpoint other than the embedded emulator the harness sends only " + vocab.Action + " (--allow-invalid-actions runs it)"}
	case !fixture && (t.Fixture || t.fixtureTag):
		return result.Skip{Kind: result.SkipNeedsFixture, Reason: "it needs the target's known data, and no fixture was given (--fixture)"}
	}
	return d.Capabilities().Refuse(d.Name(), t.Demands())
}

// Analyze returns the traits of a scenario of tags and steps.
func (c *Catalogue) Analyze(tags []string, steps []plan.StepText) Traits {
	var t Traits
	for _, text := range steps {
		s, m, ok := c.match(text.Text)
		if !ok {
			t.Undefined = append(t.Undefined, text.Text)
			continue
		}
		t.Rows = append(t.Rows, s.Rows...)
		if s.Judges {
			t.Rows = append(t.Rows, vocab.RowsOf(tags)...)
		}
		t.Fixture = t.Fixture || s.Fixture
		if s.Wire != nil && t.Wire == "" {
			if t.Wire = s.Wire(m); t.Wire != "" {
				t.WireStep = text.Text
			}
		}
		if s.Wait != nil {
			t.Wait = max(t.Wait, s.Wait(m))
		}
		if s.Needs != nil {
			for _, n := range s.Needs(m) {
				n.Step = text.Text
				t.Needs = append(t.Needs, n)
			}
		}
		if s.Action != nil && !t.OtherAction {
			if a, ok := s.Action(m, text.DocString); ok && a != vocab.Action {
				t.Action, t.OtherAction = a, true
			}
		}
	}
	t.fixtureTag = slices.Contains(tags, vocab.TagFixture)
	if slices.Contains(tags, vocab.TagSDKRetry) && !slices.ContainsFunc(t.Needs, func(n driver.Need) bool { return n.Kind == driver.NeedSDK }) {
		t.Needs = append(t.Needs, driver.Need{Kind: driver.NeedSDK, Step: ""})
	}
	if t.Wire == "" && slices.Contains(tags, vocab.TagWire) {
		t.Wire = "the scenario is tagged " + vocab.TagWire + " for the wire driver only"
	}
	vocab.SortRows(t.Rows)
	t.Rows = slices.Compact(t.Rows)
	return t
}

// need is the Needs trait of a step that needs one thing, m[i].
func need(kind string, i int) func([]string) []driver.Need {
	return func(m []string) []driver.Need { return []driver.Need{{Kind: kind, Value: m[i]}} }
}

// needRetry is the Needs trait of a step of an SDK client that retries m[3] times: an
// SDK, and its own retry unless that is 0.
func needRetry(m []string) []driver.Need {
	needs := []driver.Need{{Kind: driver.NeedSDK}}
	if m[3] != "0" {
		needs = append(needs, driver.Need{Kind: driver.NeedRetry})
	}
	return needs
}

// needHeader is the Needs trait of a step that sets the header m[1] (to m[2]).
func needHeader(m []string) []driver.Need {
	n := []driver.Need{{Kind: driver.NeedHeader, Value: m[1]}}
	if strings.EqualFold(m[1], "X-TC-Language") && len(m) > 2 {
		n = append(n, driver.Need{Kind: driver.NeedLanguage, Value: m[2]})
	}
	return n
}

// wireOnly is the trait of a step the sdk driver can never run.
func wireOnly(reason string) func([]string) string { return func([]string) string { return reason } }

// actionHeader is the Action trait of a step that sets header m[1] to m[2].
func actionHeader(m []string, _ string) (string, bool) {
	if strings.EqualFold(m[1], "X-TC-Action") {
		return m[2], true
	}
	return "", false
}

// actionParameter is the Action trait of a step that sets the parameter m[1] to the
// JSON value m[2].
func actionParameter(m []string, _ string) (string, bool) {
	if m[1] == "Action" {
		return strings.Trim(m[2], `"`), true
	}
	return "", false
}

// formActionRe finds an Action parameter in a query or form body written out.
var formActionRe = regexp.MustCompile("(?:^|[?&\\s\"'`])Action=([^&\\s\"'`]*)")

// actionWritten is the Action trait of a step that writes a query or body (m[last], or
// the doc string) out: the first Action parameter in it that is not ListJobs.
func actionWritten(m []string, doc string) (string, bool) {
	for _, text := range []string{m[len(m)-1], doc} {
		for _, a := range formActionRe.FindAllStringSubmatch(text, -1) {
			if a[1] != vocab.Action {
				return a[1], true
			}
		}
	}
	return "", false
}

// sdkSignedHeaders are the headers the SDK signs (TC3), always.
const sdkSignedHeaders = wire.SDKSignedHeaders

// successRows and errorRows are the rows every check of a whole response judges besides
// its own behaviour: the success envelope (T6) with a JobSet that is an array or null
// (S5), or the error envelope (T7), and the RequestId (T8).
var (
	successRows = []string{"T6", "T8", "S5"}
	errorRows   = []string{"T7", "T8"}
	listingRows = []string{"T6", "T8", "S5", "J1"} // Ids are compared, so each must be a string (J1)
)

// nearMissKind matches a kind of near miss (nearmiss.go).
var nearMissKind = "(" + strings.Join(nearMissKinds, "|") + ")"

// catalogue declares every step of the suite.
func catalogue() []Step {
	afterSigning := wireOnly("the SDK signs and sends in one call: nothing can be changed in between")
	padded := wireOnly("the size limits (T10) are probed with padded requests that test the endpoint, not the SDK")
	return append([]Step{
		// Request building (request.go).
		{Pattern: `^a ListJobs request for the user store under test$`, run: func(w *world) any { return w.rq.requestForTarget }},
		{Pattern: `^a ListJobs request for the fixture user store "([^"]*)"$`, Fixture: true, run: func(w *world) any { return w.rq.requestForFixtureStore }},
		{Pattern: `^a ListJobs request for the fault user store of "([^"]*)"$`, Fixture: true, run: func(w *world) any { return w.rq.requestForFaultStore }},
		{Pattern: `^a ListJobs request for a user store that does not exist$`, run: func(w *world) any { return w.rq.requestForUnknownStore }},
		{Pattern: `^the user store under test holds at least (\d+) jobs?$`, Rows: listingRows, run: func(w *world) any { return w.rq.targetHoldsJobs }},
		{Pattern: `^the request is sent as GET$`, Needs: func([]string) []driver.Need { return []driver.Need{{Kind: driver.NeedMethod, Value: "GET"}} }, run: func(w *world) any { return w.rq.sentAsGET }},
		{Pattern: `^the request method is "([A-Z]+)"$`, Needs: need(driver.NeedMethod, 1), run: func(w *world) any { return w.rq.methodIs },
			Wire: func(m []string) string {
				if m[1] == "GET" || m[1] == "POST" {
					return ""
				}
				return "the SDK sends GET or POST only (it turns any other method into GET)"
			}},
		{Pattern: `^the request uses the fixture credential "([^"]*)"$`, Fixture: true, run: func(w *world) any { return w.rq.usesFixtureCredential }},
		{Pattern: `^the JobIds are empty$`, run: func(w *world) any { return w.ids.jobIDsEmpty }},
		{Pattern: `^the JobIds are known jobs? (\d+(?:(?:, | and )\d+)*)$`, run: func(w *world) any { return w.ids.jobIDsKnown }},
		{Pattern: `^the JobIds are known job (\d+) and the unknown id "([^"]*)"$`, run: func(w *world) any { return w.ids.jobIDsKnownAndUnknown }},
		{Pattern: `^the JobIds are the unknown ids "([^"]*)" and "([^"]*)"$`, run: func(w *world) any { return w.ids.jobIDsUnknown }},
		{Pattern: `^the JobIds are a near miss of known job (\d+): ` + nearMissKind + `$`, run: func(w *world) any { return w.ids.jobIDsNearMiss }},
		{Pattern: `^the JobIds are known jobs (\d+) and (\d+) with a near miss of known job (\d+) \(` + nearMissKind + `\) (first|in the middle|last)$`, run: func(w *world) any { return w.ids.jobIDsKnownWithNearMiss }},
		{Pattern: `^the JobIds name (\d+|every) known jobs?, each (\d+) times?, with (\d+) near misses of them interleaved$`, run: func(w *world) any { return w.ids.jobIDsManyWithNearMisses }},
		{Pattern: `^the JobIds are the ids of the jobs of the fixture user store "([^"]*)"$`, Fixture: true, run: func(w *world) any { return w.ids.jobIDsOfFixtureStore }},
		{Pattern: `^the JobIds pad the body beyond 10 MB$`, run: func(w *world) any { return w.ids.padBody },
			Wire: padded},
		{Pattern: `^the JobIds pad the URL beyond 32 KB$`, run: func(w *world) any { return w.ids.padURL },
			Wire: padded},
		{Pattern: `^the JobIds pad the (body|URL) to about (\d+) bytes$`, run: func(w *world) any { return w.ids.padTo },
			Wire: padded},
		{Pattern: "^the parameter \"([^\"]*)\" is `(.*)`$", Action: actionParameter, run: func(w *world) any { return w.rq.parameterIs }},
		{Pattern: `^the parameter "([^"]*)" is removed$`, run: func(w *world) any { return w.rq.parameterRemoved },
			Action: func(m []string, _ string) (string, bool) { return "", m[1] == "Action" }},
		{Pattern: "^the body is exactly `(.*)`$", Action: actionWritten, run: func(w *world) any { return w.rq.bodyIsExactly },
			Wire: wireOnly("the SDK writes the body itself, from the request's parameters")},
		{Pattern: `^the body is exactly:$`, Action: actionWritten, run: func(w *world) any { return w.rq.bodyIsDocString },
			Wire: wireOnly("the SDK writes the body itself, from the request's parameters")},
		{Pattern: `^the body is empty$`, run: func(w *world) any { return w.rq.bodyIsEmpty },
			Wire: wireOnly("the SDK writes the body itself, from the request's parameters")},
		{Pattern: `^the query is exactly "([^"]*)"$`, Action: actionWritten, run: func(w *world) any { return w.rq.queryIsExactly },
			Wire: wireOnly("the SDK writes and orders the query itself, from the request's parameters")},
		{Pattern: `^the header "([^"]*)" is "([^"]*)"$`, Action: actionHeader, Needs: needHeader, run: func(w *world) any { return w.rq.headerIs }},
		{Pattern: `^the header "([^"]*)" is absent$`, Needs: needHeader, run: func(w *world) any { return w.rq.headerAbsent },
			Action: func(m []string, _ string) (string, bool) { return "", strings.EqualFold(m[1], "X-TC-Action") },
			Wire: func(m []string) string {
				if strings.EqualFold(m[1], "X-TC-Region") {
					return "" // a client without a region sends none
				}
				return fmt.Sprintf("the SDK always sends %s", m[1])
			}},

		// Signing and deliberate breaks (request.go).
		{Pattern: `^the request signs the headers "([^"]*)"$`, run: func(w *world) any { return w.tp.signsHeaders },
			Wire: func(m []string) string {
				if strings.EqualFold(m[1], sdkSignedHeaders) {
					return ""
				}
				return "the SDK always signs " + sdkSignedHeaders
			}},
		{Pattern: `^the request is signed with a wrong SecretKey$`, run: func(w *world) any { return w.tp.wrongKey }},
		{Pattern: `^the request is signed with an unknown SecretId$`, run: func(w *world) any { return w.tp.unknownSecretID }},
		{Pattern: `^the request's timestamp is (\d+) seconds in the (past|future)$`, run: func(w *world) any { return w.tp.timestampSkew },
			Wire: wireOnly("the SDK stamps X-TC-Timestamp with the machine's clock as it sends")},
		{Pattern: `^the credential scope date is one day (before|after) the timestamp's UTC date$`, run: func(w *world) any { return w.tp.scopeDateOff },
			Wire: wireOnly("the SDK derives the credential scope from the timestamp and the request's service")},
		{Pattern: `^the credential scope service is "([^"]*)"$`, run: func(w *world) any { return w.tp.scopeService },
			Wire: wireOnly("the SDK derives the credential scope from the timestamp and the request's service")},
		{Pattern: `^the request carries no Authorization header$`, run: func(w *world) any { return w.tp.noAuthorization },
			Wire: wireOnly("the SDK always writes its own Authorization header")},
		{Pattern: `^the Authorization header is replaced by "([^"]*)"$`, run: func(w *world) any { return w.tp.authorizationReplaced },
			Wire: wireOnly("the SDK always writes its own Authorization header")},
		{Pattern: "^the body is replaced after signing by `(.*)`$", Action: actionWritten, Wire: afterSigning, run: func(w *world) any { return w.tp.bodyReplacedAfterSigning }},
		{Pattern: `^the query is replaced after signing by "([^"]*)"$`, Action: actionWritten, Wire: afterSigning, run: func(w *world) any { return w.tp.queryReplacedAfterSigning }},
		{Pattern: `^the header "([^"]*)" is changed to "([^"]*)" after signing$`, Action: actionHeader, Wire: afterSigning, run: func(w *world) any { return w.tp.headerChangedAfterSigning }},
		{Pattern: `^the X-TC-Region is changed to another Tencent Cloud region after signing$`, Wire: afterSigning, run: func(w *world) any { return w.tp.regionChangedAfterSigning }},
		{Pattern: `^the request is signed over the (HTTPRequestMethod|CanonicalURI) "([^"]*)"$`, run: func(w *world) any { return w.tp.signedOver },
			Wire: wireOnly("the SDK builds the canonical request from the request it sends")},
		{Pattern: `^the signature's (first|middle|last) hex digit is changed after signing$`, Wire: afterSigning, run: func(w *world) any { return w.tp.signatureDigitChanged }},
		{Pattern: `^the signature is cut short by its last hex digit after signing$`, Wire: afterSigning, run: func(w *world) any { return w.tp.signatureCutShort }},
		{Pattern: `^the X-TC-Timestamp is moved (\d+) seconds? (earlier|later) after signing$`, Wire: afterSigning, run: func(w *world) any { return w.tp.timestampMoved }},
		{Pattern: `^the signature v1 parameter "([^"]*)" is changed after signing$`, Wire: afterSigning, run: func(w *world) any { return w.tp.v1ParameterChanged }},
		{Pattern: `^the signature v1 request is signed and sent without its parameter "(Region)"$`, Wire: wireOnly("an SDK always sends the region it was made with"), run: func(w *world) any { return w.tp.v1ParameterOmitted }},
		{Pattern: `^the request is signed with signature v1 and "(HmacSHA1|HmacSHA256)"$`, Needs: need(driver.NeedSignMethod, 1), run: func(w *world) any { return w.tp.signV1 }},
		{Pattern: `^the request carries no X-TC-Token$`, run: func(w *world) any { return w.tp.noToken }},
		{Pattern: `^the request carries the X-TC-Token "([^"]*)"$`, run: func(w *world) any { return w.tp.tokenIs }},

		// Sending: no check (an endpoint that does not answer at all fails the rows of
		// the scenario, whatever they are).
		{Pattern: `^the request is sent$`, run: func(w *world) any { return w.rq.sendOnce }},
		{Pattern: `^the request is sent twice$`, run: func(w *world) any { return w.rs.sendTwice }},
		{Pattern: `^the jobs of the user store under test are listed$`, run: func(w *world) any { return w.rq.listTarget }},
		{Pattern: `^the jobs of the fixture user store "([^"]*)" are listed$`, Fixture: true, run: func(w *world) any { return w.rq.listFixtureStore }},

		// Response checks (response.go).
		{Pattern: `^the endpoint was sent the parameter "([^"]*)" as null$`, run: func(w *world) any { return w.rq.sentAsNull }},
		{Pattern: `^the response is a success$`, Rows: successRows, Judges: true, run: func(w *world) any { return w.rs.isSuccess }},
		{Pattern: `^the response is the error "([^"]*)"$`, Rows: errorRows, Judges: true, run: func(w *world) any { return w.rs.isError }},
		{Pattern: `^the response is an error with a code under "([^"]*)"$`, Rows: errorRows, Judges: true, run: func(w *world) any { return w.rs.isErrorUnder }},
		{Pattern: `^the response is a success or an error other than "([^"]*)"$`, Rows: []string{"T6", "T7", "T8"}, Judges: true, run: func(w *world) any { return w.rs.isNotError }},
		{Pattern: `^the HTTP status is 200$`, Rows: []string{"T5"}, run: func(w *world) any { return w.rs.status200 },
			Wire: wireOnly("the SDK does not hand the HTTP status to its caller")},
		{Pattern: `^the Content-Type of the response is application/json$`, Rows: []string{"T5"}, run: func(w *world) any { return w.rs.contentTypeJSON },
			Wire: wireOnly("the SDK does not hand the response's Content-Type to its caller")},
		{Pattern: `^the response carries a non-empty RequestId$`, Rows: []string{"T8"}, run: func(w *world) any { return w.rs.hasRequestID }},
		{Pattern: `^the response carries a RequestId in UUID form$`, Rows: []string{"T9"}, run: func(w *world) any { return w.rs.requestIDIsUUID }},
		{Pattern: `^both responses are successes$`, Rows: successRows, Judges: true, run: func(w *world) any { return w.rs.bothSuccesses }},
		{Pattern: `^both responses are the error "([^"]*)"$`, Rows: errorRows, Judges: true, run: func(w *world) any { return w.rs.bothErrors }},
		{Pattern: `^both responses carry non-empty RequestIds that differ$`, Rows: []string{"T8"}, run: func(w *world) any { return w.rs.requestIDsDiffer }},
		{Pattern: `^both responses return the same Ids$`, Rows: listingRows, Judges: true, run: func(w *world) any { return w.rs.bothSameIDs }},
		{Pattern: `^the JobSet is an array$`, Rows: successRows, Judges: true, run: func(w *world) any { return w.rs.jobSetIsArray }},
		{Pattern: `^the JobSet is empty$`, Rows: successRows, Judges: true, run: func(w *world) any { return w.rs.jobSetIsEmpty }},
		{Pattern: `^the returned Ids are exactly the known jobs$`, Rows: listingRows, Judges: true, run: func(w *world) any { return w.rs.idsAreKnown }},
		{Pattern: `^the returned Ids are exactly known jobs? (\d+(?:(?:, | and )\d+)*)$`, Rows: listingRows, Judges: true, run: func(w *world) any { return w.rs.idsAreKnownJobs }},
		{Pattern: `^the returned Ids are exactly the known jobs the JobIds name$`, Rows: listingRows, Judges: true, run: func(w *world) any { return w.rs.idsAreNamed }},
		{Pattern: `^the returned Ids are a subset of the known jobs$`, Rows: listingRows, Judges: true, run: func(w *world) any { return w.rs.idsSubsetOfKnown }},
		{Pattern: `^no Id is returned twice$`, Rows: listingRows, Judges: true, run: func(w *world) any { return w.rs.noIDTwice }},
		{Pattern: `^the returned Ids are remembered as "([^"]*)"$`, Rows: listingRows, Judges: true, run: func(w *world) any { return w.rs.remember }},
		{Pattern: `^the returned Ids are the same set as those remembered as "([^"]*)"$`, Rows: listingRows, Judges: true, run: func(w *world) any { return w.rs.sameAsRemembered }},
		{Pattern: `^the returned Ids are the union of those remembered as "([^"]*)" and "([^"]*)"$`, Rows: listingRows, Judges: true, run: func(w *world) any { return w.rs.unionOfRemembered }},
		{Pattern: `^the returned Ids include none of the jobs of the fixture user store "([^"]*)"$`, Rows: listingRows, Judges: true, Fixture: true, run: func(w *world) any { return w.rs.noneOfFixtureStore }},
		{Pattern: `^the response shows none of the jobs of the fixture user store "([^"]*)"$`, Judges: true, Fixture: true, run: func(w *world) any { return w.rs.showsNoneOfFixtureStore }},

		// Job checks (jobs.go): each judges its own row.
		{Pattern: `^every returned job has an Id that is a non-empty string$`, Rows: []string{"J1"}, run: func(w *world) any { return w.jb.everyJobJ1 }},
		{Pattern: `^every returned job has a Status among PENDING, PROCESSING, COMPLETED and FAILED$`, Rows: []string{"J2"}, run: func(w *world) any { return w.jb.everyJobJ2 }},
		{Pattern: `^every returned job has a Type among IMPORT_USER and EXPORT_USER$`, Rows: []string{"J3"}, run: func(w *world) any { return w.jb.everyJobJ3 }},
		{Pattern: `^every returned job has a CreatedDate that is an integer of epoch milliseconds$`, Rows: []string{"J4"}, run: func(w *world) any { return w.jb.everyJobJ4 }},
		{Pattern: `^every returned job has a Format that is NDJSON, CSV or null$`, Rows: []string{"J5"}, run: func(w *world) any { return w.jb.everyJobJ5 }},
		{Pattern: `^every returned job has a Location that is a string or null$`, Rows: []string{"J6"}, run: func(w *world) any { return w.jb.everyJobJ6 }},
		{Pattern: `^every returned job has ErrorDetails that are absent, null or an array of \{UserId, Error\}$`, Rows: []string{"J7"}, run: func(w *world) any { return w.jb.everyJobJ7 }},
		{Pattern: `^every returned job has FailedUsers that are absent, null or an array of \{FailedUserIdentification, FailedReason\}$`, Rows: []string{"J8"}, run: func(w *world) any { return w.jb.everyJobJ8 }},
		{Pattern: `^every returned job matches the Job schema, whatever other fields it carries$`, Judges: true, run: func(w *world) any { return w.jb.everyJobSchema }},
		{Pattern: `^the returned jobs are those of the fixture user store "([^"]*)", field for field$`, Fixture: true,
			Rows: []string{"S1", "J1", "J2", "J3", "J4", "J5", "J6", "J7", "J8"}, run: func(w *world) any { return w.jb.fieldForField }},

		// Rate limit (ratelimit.go).
		{Pattern: `^these requests arrive within one second:$`, Judges: true, Fixture: true, run: func(w *world) any { return w.bs.burstTable }},
		{Pattern: `^(\d+) requests of the fixture credential "([^"]*)" are sent at (\d+) per second$`, Judges: true, Fixture: true, run: func(w *world) any { return w.bs.steady },
			Wait: func(m []string) time.Duration { // n requests, (n-1) intervals
				n, _ := strconv.Atoi(m[1])
				rate, _ := strconv.Atoi(m[3])
				if n < 2 || rate < 1 {
					return 0
				}
				return time.Duration(n-1) * time.Second / time.Duration(rate)
			}},
		{Pattern: `^(\d+) badly signed and then (\d+) good requests of the fixture credential "([^"]*)" arrive within one second$`, Judges: true, Fixture: true, run: func(w *world) any { return w.bs.badThenGood }},
		{Pattern: `^(\d+) requests of the fixture credential "([^"]*)" arrive late in one second and (\d+) more early in the next$`, Judges: true, Fixture: true, run: func(w *world) any { return w.bs.lateThenEarly }},
		{Pattern: `^in each second the first (\d+) succeed and the others get the error "([^"]*)" or one of its sub-codes$`, Judges: true, run: func(w *world) any { return w.bs.eachSecond }},
		{Pattern: `^exactly (\d+) of them succeed$`, Judges: true, run: func(w *world) any { return w.bs.exactlySucceed }},
		{Pattern: `^the others get the error "([^"]*)" or one of its sub-codes$`, Judges: true, run: func(w *world) any { return w.bs.othersLimited }},
		{Pattern: `^all (\d+) of them succeed$`, Judges: true, run: func(w *world) any { return w.bs.allSucceed }},
		{Pattern: `^the (\d+) badly signed requests get the error "([^"]*)"$`, Judges: true, run: func(w *world) any { return w.bs.badGetError }},
		{Pattern: `^all (\d+) good requests succeed$`, Judges: true, run: func(w *world) any { return w.bs.goodSucceed }},

		// The SDK's own rate-limit retry (sdkretry.go).
		{Pattern: `^(\d+) requests of the fixture credential "([^"]*)" arrive within one second from an SDK client with RateLimitExceededMaxRetries (\d+)$`, Judges: true, Fixture: true, Needs: needRetry, run: func(w *world) any { return w.bs.sdkBurst }},
		{Pattern: `^(\d+) of them succeeded only after the SDK retried on "([^"]*)"$`, Judges: true, run: func(w *world) any { return w.bs.retriedOn }},
		{Pattern: `^none of them was retried$`, Judges: true, run: func(w *world) any { return w.bs.noneRetried }},
	}, nearMissTableSteps()...)
}
