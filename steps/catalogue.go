package steps

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ciam-harness/listjobs/plan"
	"github.com/ciam-harness/listjobs/vocab"
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
	Needs func(m []string) []Need

	run func(st *scenario) any
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
	// Fixture is set when a step reads the target's known data.
	Fixture bool
	// Wire says why the sdk driver cannot run it ("" when it can); WireStep is the step.
	Wire, WireStep string
	// Needs are what its steps need of an SDK, each with its step.
	Needs []Need
	// OtherAction is set when a step makes it send an action other than ListJobs on
	// purpose: Action ("" for a request without one).
	Action      string
	OtherAction bool
	// Wait is the longest wait by construction of its steps (Step.Wait).
	Wait time.Duration
	// Undefined lists the step texts that match no step of the catalogue.
	Undefined []string
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
	vocab.SortRows(t.Rows)
	t.Rows = slices.Compact(t.Rows)
	return t
}

// Need is one thing a step needs an SDK to let its callers do.
type Need struct {
	// Kind is NeedMethod, NeedSignMethod, NeedHeader, NeedLanguage, NeedRetry or
	// NeedNulls; Value the method, sign method, header, language or parameter ("" for
	// NeedRetry).
	Kind, Value string
	// Step is the step that needs it (set by Analyze).
	Step string
}

// The kinds of Need, each checked against the Capabilities field of its name.
const (
	NeedMethod     = "method"
	NeedSignMethod = "signMethod"
	NeedHeader     = "header"
	NeedLanguage   = "language"
	NeedRetry      = "retry"
	NeedNulls      = "nulls"
)

// need is the Needs trait of a step that needs one thing, m[i].
func need(kind string, i int) func([]string) []Need {
	return func(m []string) []Need { return []Need{{Kind: kind, Value: m[i]}} }
}

// needRetry is the Needs trait of a step whose SDK client retries m[3] times: the
// SDK's own retry, unless that is 0.
func needRetry(m []string) []Need {
	if m[3] == "0" {
		return nil
	}
	return []Need{{Kind: NeedRetry}}
}

// needHeader is the Needs trait of a step that sets the header m[1] (to m[2]).
func needHeader(m []string) []Need {
	n := []Need{{Kind: NeedHeader, Value: m[1]}}
	if strings.EqualFold(m[1], "X-TC-Language") && len(m) > 2 {
		n = append(n, Need{Kind: NeedLanguage, Value: m[2]})
	}
	return n
}

// wire is the trait of a step the sdk driver can never run.
func wire(reason string) func([]string) string { return func([]string) string { return reason } }

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
const sdkSignedHeaders = "content-type;host"

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
	type st = scenario
	afterSigning := wire("the SDK signs and sends in one call: nothing can be changed in between")
	padded := wire("the size limits (T10) are probed with padded requests that test the endpoint, not the SDK")
	return []Step{
		// Request building (request.go).
		{Pattern: `^a ListJobs request for the user store under test$`, run: func(s *st) any { return s.requestForTarget }},
		{Pattern: `^a ListJobs request for the fixture user store "([^"]*)"$`, Fixture: true, run: func(s *st) any { return s.requestForFixtureStore }},
		{Pattern: `^a ListJobs request for the fault user store of "([^"]*)"$`, Fixture: true, run: func(s *st) any { return s.requestForFaultStore }},
		{Pattern: `^a ListJobs request for a user store that does not exist$`, run: func(s *st) any { return s.requestForUnknownStore }},
		{Pattern: `^the user store under test holds at least (\d+) jobs?$`, Rows: listingRows, run: func(s *st) any { return s.targetHoldsJobs }},
		{Pattern: `^the request is sent as GET$`, Needs: func([]string) []Need { return []Need{{Kind: NeedMethod, Value: "GET"}} }, run: func(s *st) any { return s.sentAsGET }},
		{Pattern: `^the request method is "([A-Z]+)"$`, Needs: need(NeedMethod, 1), run: func(s *st) any { return s.methodIs },
			Wire: func(m []string) string {
				if m[1] == "GET" || m[1] == "POST" {
					return ""
				}
				return "the SDK sends GET or POST only (it turns any other method into GET)"
			}},
		{Pattern: `^the request uses the fixture credential "([^"]*)"$`, Fixture: true, run: func(s *st) any { return s.usesFixtureCredential }},
		{Pattern: `^the JobIds are empty$`, run: func(s *st) any { return s.jobIDsEmpty }},
		{Pattern: `^the JobIds are known jobs? (\d+(?:(?:, | and )\d+)*)$`, run: func(s *st) any { return s.jobIDsKnown }},
		{Pattern: `^the JobIds are known job (\d+) and the unknown id "([^"]*)"$`, run: func(s *st) any { return s.jobIDsKnownAndUnknown }},
		{Pattern: `^the JobIds are the unknown ids "([^"]*)" and "([^"]*)"$`, run: func(s *st) any { return s.jobIDsUnknown }},
		{Pattern: `^the JobIds are a near miss of known job (\d+): ` + nearMissKind + `$`, run: func(s *st) any { return s.jobIDsNearMiss }},
		{Pattern: `^the JobIds are known jobs (\d+) and (\d+) with a near miss of known job (\d+) \(` + nearMissKind + `\) (first|in the middle|last)$`, run: func(s *st) any { return s.jobIDsKnownWithNearMiss }},
		{Pattern: `^the JobIds name (\d+|every) known jobs?, each (\d+) times?, with (\d+) near misses of them interleaved$`, run: func(s *st) any { return s.jobIDsManyWithNearMisses }},
		{Pattern: `^the JobIds are the ids of the jobs of the fixture user store "([^"]*)"$`, Fixture: true, run: func(s *st) any { return s.jobIDsOfFixtureStore }},
		{Pattern: `^the JobIds pad the body beyond 10 MB$`, run: func(s *st) any { return s.padBody },
			Wire: padded},
		{Pattern: `^the JobIds pad the URL beyond 32 KB$`, run: func(s *st) any { return s.padURL },
			Wire: padded},
		{Pattern: `^the JobIds pad the (body|URL) to about (\d+) bytes$`, run: func(s *st) any { return s.padTo },
			Wire: padded},
		{Pattern: "^the parameter \"([^\"]*)\" is `(.*)`$", Action: actionParameter, run: func(s *st) any { return s.parameterIs }},
		{Pattern: `^the parameter "([^"]*)" is removed$`, run: func(s *st) any { return s.parameterRemoved },
			Action: func(m []string, _ string) (string, bool) { return "", m[1] == "Action" }},
		{Pattern: "^the body is exactly `(.*)`$", Action: actionWritten, run: func(s *st) any { return s.bodyIsExactly },
			Wire: wire("the SDK writes the body itself, from the request's parameters")},
		{Pattern: `^the body is exactly:$`, Action: actionWritten, run: func(s *st) any { return s.bodyIsDocString },
			Wire: wire("the SDK writes the body itself, from the request's parameters")},
		{Pattern: `^the body is empty$`, run: func(s *st) any { return s.bodyIsEmpty },
			Wire: wire("the SDK writes the body itself, from the request's parameters")},
		{Pattern: `^the query is exactly "([^"]*)"$`, Action: actionWritten, run: func(s *st) any { return s.queryIsExactly },
			Wire: wire("the SDK writes and orders the query itself, from the request's parameters")},
		{Pattern: `^the header "([^"]*)" is "([^"]*)"$`, Action: actionHeader, Needs: needHeader, run: func(s *st) any { return s.headerIs }},
		{Pattern: `^the header "([^"]*)" is absent$`, Needs: needHeader, run: func(s *st) any { return s.headerAbsent },
			Action: func(m []string, _ string) (string, bool) { return "", strings.EqualFold(m[1], "X-TC-Action") },
			Wire: func(m []string) string {
				if strings.EqualFold(m[1], "X-TC-Region") {
					return "" // a client without a region sends none
				}
				return fmt.Sprintf("the SDK always sends %s", m[1])
			}},

		// Signing and deliberate breaks (request.go).
		{Pattern: `^the request signs the headers "([^"]*)"$`, run: func(s *st) any { return s.signsHeaders },
			Wire: func(m []string) string {
				if strings.EqualFold(m[1], sdkSignedHeaders) {
					return ""
				}
				return "the SDK always signs " + sdkSignedHeaders
			}},
		{Pattern: `^the request is signed with a wrong SecretKey$`, run: func(s *st) any { return s.wrongKey }},
		{Pattern: `^the request is signed with an unknown SecretId$`, run: func(s *st) any { return s.unknownSecretID }},
		{Pattern: `^the request's timestamp is (\d+) seconds in the (past|future)$`, run: func(s *st) any { return s.timestampSkew },
			Wire: wire("the SDK stamps X-TC-Timestamp with the machine's clock as it sends")},
		{Pattern: `^the credential scope date is one day (before|after) the timestamp's UTC date$`, run: func(s *st) any { return s.scopeDateOff },
			Wire: wire("the SDK derives the credential scope from the timestamp and the request's service")},
		{Pattern: `^the credential scope service is "([^"]*)"$`, run: func(s *st) any { return s.scopeService },
			Wire: wire("the SDK derives the credential scope from the timestamp and the request's service")},
		{Pattern: `^the request carries no Authorization header$`, run: func(s *st) any { return s.noAuthorization },
			Wire: wire("the SDK always writes its own Authorization header")},
		{Pattern: `^the Authorization header is replaced by "([^"]*)"$`, run: func(s *st) any { return s.authorizationReplaced },
			Wire: wire("the SDK always writes its own Authorization header")},
		{Pattern: "^the body is replaced after signing by `(.*)`$", Action: actionWritten, Wire: afterSigning, run: func(s *st) any { return s.bodyReplacedAfterSigning }},
		{Pattern: `^the query is replaced after signing by "([^"]*)"$`, Action: actionWritten, Wire: afterSigning, run: func(s *st) any { return s.queryReplacedAfterSigning }},
		{Pattern: `^the header "([^"]*)" is changed to "([^"]*)" after signing$`, Action: actionHeader, Wire: afterSigning, run: func(s *st) any { return s.headerChangedAfterSigning }},
		{Pattern: `^the X-TC-Region is changed to another Tencent Cloud region after signing$`, Wire: afterSigning, run: func(s *st) any { return s.regionChangedAfterSigning }},
		{Pattern: `^the request is signed over the (HTTPRequestMethod|CanonicalURI) "([^"]*)"$`, run: func(s *st) any { return s.signedOver },
			Wire: wire("the SDK builds the canonical request from the request it sends")},
		{Pattern: `^the signature's (first|middle|last) hex digit is changed after signing$`, Wire: afterSigning, run: func(s *st) any { return s.signatureDigitChanged }},
		{Pattern: `^the signature is cut short by its last hex digit after signing$`, Wire: afterSigning, run: func(s *st) any { return s.signatureCutShort }},
		{Pattern: `^the X-TC-Timestamp is moved (\d+) seconds? (earlier|later) after signing$`, Wire: afterSigning, run: func(s *st) any { return s.timestampMoved }},
		{Pattern: `^the signature v1 parameter "([^"]*)" is changed after signing$`, Wire: afterSigning, run: func(s *st) any { return s.v1ParameterChanged }},
		{Pattern: `^the signature v1 request is signed and sent without its parameter "(Region)"$`, Wire: wire("an SDK always sends the region it was made with"), run: func(s *st) any { return s.v1ParameterOmitted }},
		{Pattern: `^the request is signed with signature v1 and "(HmacSHA1|HmacSHA256)"$`, Needs: need(NeedSignMethod, 1), run: func(s *st) any { return s.signV1 }},
		{Pattern: `^the request carries no X-TC-Token$`, run: func(s *st) any { return s.noToken }},
		{Pattern: `^the request carries the X-TC-Token "([^"]*)"$`, run: func(s *st) any { return s.tokenIs }},

		// Sending: no check (an endpoint that does not answer at all fails the rows of
		// the scenario, whatever they are).
		{Pattern: `^the request is sent$`, run: func(s *st) any { return s.sendOnce }},
		{Pattern: `^the request is sent twice$`, run: func(s *st) any { return s.sendTwice }},
		{Pattern: `^the jobs of the user store under test are listed$`, run: func(s *st) any { return s.listTarget }},
		{Pattern: `^the jobs of the fixture user store "([^"]*)" are listed$`, Fixture: true, run: func(s *st) any { return s.listFixtureStore }},

		// Response checks (response.go).
		{Pattern: `^the endpoint was sent the parameter "([^"]*)" as null$`, run: func(s *st) any { return s.sentAsNull }},
		{Pattern: `^the response is a success$`, Rows: successRows, Judges: true, run: func(s *st) any { return s.isSuccess }},
		{Pattern: `^the response is the error "([^"]*)"$`, Rows: errorRows, Judges: true, run: func(s *st) any { return s.isError }},
		{Pattern: `^the response is an error with a code under "([^"]*)"$`, Rows: errorRows, Judges: true, run: func(s *st) any { return s.isErrorUnder }},
		{Pattern: `^the response is a success or an error other than "([^"]*)"$`, Rows: []string{"T6", "T7", "T8"}, Judges: true, run: func(s *st) any { return s.isNotError }},
		{Pattern: `^the HTTP status is 200$`, Rows: []string{"T5"}, run: func(s *st) any { return s.status200 },
			Wire: wire("the SDK does not hand the HTTP status to its caller")},
		{Pattern: `^the Content-Type of the response is application/json$`, Rows: []string{"T5"}, run: func(s *st) any { return s.contentTypeJSON },
			Wire: wire("the SDK does not hand the response's Content-Type to its caller")},
		{Pattern: `^the response carries a non-empty RequestId$`, Rows: []string{"T8"}, run: func(s *st) any { return s.hasRequestID }},
		{Pattern: `^the response carries a RequestId in UUID form$`, Rows: []string{"T9"}, run: func(s *st) any { return s.requestIDIsUUID }},
		{Pattern: `^both responses are successes$`, Rows: successRows, Judges: true, run: func(s *st) any { return s.bothSuccesses }},
		{Pattern: `^both responses are the error "([^"]*)"$`, Rows: errorRows, Judges: true, run: func(s *st) any { return s.bothErrors }},
		{Pattern: `^both responses carry non-empty RequestIds that differ$`, Rows: []string{"T8"}, run: func(s *st) any { return s.requestIDsDiffer }},
		{Pattern: `^both responses return the same Ids$`, Rows: listingRows, Judges: true, run: func(s *st) any { return s.bothSameIDs }},
		{Pattern: `^the JobSet is an array$`, Rows: successRows, Judges: true, run: func(s *st) any { return s.jobSetIsArray }},
		{Pattern: `^the JobSet is empty$`, Rows: successRows, Judges: true, run: func(s *st) any { return s.jobSetIsEmpty }},
		{Pattern: `^the returned Ids are exactly the known jobs$`, Rows: listingRows, Judges: true, run: func(s *st) any { return s.idsAreKnown }},
		{Pattern: `^the returned Ids are exactly known jobs? (\d+(?:(?:, | and )\d+)*)$`, Rows: listingRows, Judges: true, run: func(s *st) any { return s.idsAreKnownJobs }},
		{Pattern: `^the returned Ids are exactly the known jobs the JobIds name$`, Rows: listingRows, Judges: true, run: func(s *st) any { return s.idsAreNamed }},
		{Pattern: `^the returned Ids are a subset of the known jobs$`, Rows: listingRows, Judges: true, run: func(s *st) any { return s.idsSubsetOfKnown }},
		{Pattern: `^no Id is returned twice$`, Rows: listingRows, Judges: true, run: func(s *st) any { return s.noIDTwice }},
		{Pattern: `^the returned Ids are remembered as "([^"]*)"$`, Rows: listingRows, Judges: true, run: func(s *st) any { return s.remember }},
		{Pattern: `^the returned Ids are the same set as those remembered as "([^"]*)"$`, Rows: listingRows, Judges: true, run: func(s *st) any { return s.sameAsRemembered }},
		{Pattern: `^the returned Ids are the union of those remembered as "([^"]*)" and "([^"]*)"$`, Rows: listingRows, Judges: true, run: func(s *st) any { return s.unionOfRemembered }},
		{Pattern: `^the returned Ids include none of the jobs of the fixture user store "([^"]*)"$`, Rows: listingRows, Judges: true, Fixture: true, run: func(s *st) any { return s.noneOfFixtureStore }},
		{Pattern: `^the response shows none of the jobs of the fixture user store "([^"]*)"$`, Judges: true, Fixture: true, run: func(s *st) any { return s.showsNoneOfFixtureStore }},

		// Job checks (jobs.go): each judges its own row.
		{Pattern: `^every returned job has an Id that is a non-empty string$`, Rows: []string{"J1"}, run: func(s *st) any { return s.everyJobJ1 }},
		{Pattern: `^every returned job has a Status among PENDING, PROCESSING, COMPLETED and FAILED$`, Rows: []string{"J2"}, run: func(s *st) any { return s.everyJobJ2 }},
		{Pattern: `^every returned job has a Type among IMPORT_USER and EXPORT_USER$`, Rows: []string{"J3"}, run: func(s *st) any { return s.everyJobJ3 }},
		{Pattern: `^every returned job has a CreatedDate that is an integer of epoch milliseconds$`, Rows: []string{"J4"}, run: func(s *st) any { return s.everyJobJ4 }},
		{Pattern: `^every returned job has a Format that is NDJSON, CSV or null$`, Rows: []string{"J5"}, run: func(s *st) any { return s.everyJobJ5 }},
		{Pattern: `^every returned job has a Location that is a string or null$`, Rows: []string{"J6"}, run: func(s *st) any { return s.everyJobJ6 }},
		{Pattern: `^every returned job has ErrorDetails that are absent, null or an array of \{UserId, Error\}$`, Rows: []string{"J7"}, run: func(s *st) any { return s.everyJobJ7 }},
		{Pattern: `^every returned job has FailedUsers that are absent, null or an array of \{FailedUserIdentification, FailedReason\}$`, Rows: []string{"J8"}, run: func(s *st) any { return s.everyJobJ8 }},
		{Pattern: `^every returned job matches the Job schema, whatever other fields it carries$`, Judges: true, run: func(s *st) any { return s.everyJobSchema }},
		{Pattern: `^the returned jobs are those of the fixture user store "([^"]*)", field for field$`, Fixture: true,
			Rows: []string{"S1", "J1", "J2", "J3", "J4", "J5", "J6", "J7", "J8"}, run: func(s *st) any { return s.fieldForField }},

		// Rate limit (ratelimit.go).
		{Pattern: `^these requests arrive within one second:$`, Judges: true, Fixture: true, run: func(s *st) any { return s.burstTable }},
		{Pattern: `^(\d+) requests of the fixture credential "([^"]*)" are sent at (\d+) per second$`, Judges: true, Fixture: true, run: func(s *st) any { return s.steady },
			Wait: func(m []string) time.Duration { // n requests, (n-1) intervals
				n, _ := strconv.Atoi(m[1])
				rate, _ := strconv.Atoi(m[3])
				if n < 2 || rate < 1 {
					return 0
				}
				return time.Duration(n-1) * time.Second / time.Duration(rate)
			}},
		{Pattern: `^(\d+) badly signed and then (\d+) good requests of the fixture credential "([^"]*)" arrive within one second$`, Judges: true, Fixture: true, run: func(s *st) any { return s.badThenGood }},
		{Pattern: `^exactly (\d+) of them succeed$`, Judges: true, run: func(s *st) any { return s.exactlySucceed }},
		{Pattern: `^the others get the error "([^"]*)" or one of its sub-codes$`, Judges: true, run: func(s *st) any { return s.othersLimited }},
		{Pattern: `^all (\d+) of them succeed$`, Judges: true, run: func(s *st) any { return s.allSucceed }},
		{Pattern: `^the (\d+) badly signed requests get the error "([^"]*)"$`, Judges: true, run: func(s *st) any { return s.badGetError }},
		{Pattern: `^all (\d+) good requests succeed$`, Judges: true, run: func(s *st) any { return s.goodSucceed }},

		// The SDK's own rate-limit retry (sdkretry.go).
		{Pattern: `^(\d+) requests of the fixture credential "([^"]*)" arrive within one second from an SDK client with RateLimitExceededMaxRetries (\d+)$`, Judges: true, Fixture: true, Needs: needRetry, run: func(s *st) any { return s.sdkBurst }},
		{Pattern: `^(\d+) of them succeeded only after the SDK retried on "([^"]*)"$`, Judges: true, run: func(s *st) any { return s.retriedOn }},
		{Pattern: `^none of them was retried$`, Judges: true, run: func(s *st) any { return s.noneRetried }},
	}
}
