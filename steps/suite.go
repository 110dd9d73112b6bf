// Package steps holds the godog step definitions of the ListJobs conformance suite: a
// request builder that signs (or deliberately mis-signs) ListJobs calls, response checks
// that name the contract row, the JSON path, what came back and what the contract wants,
// and the paced and exclusive senders that keep the suite within the rate limit.
//
// A Suite holds only what scenarios may share (compiled schemas, the pools of keys, pacers,
// the rate-limit owners' leases); every scenario gets fresh state from InitializeScenario.
package steps

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/cucumber/godog"

	"github.com/ciam-harness/listjobs/fixture"
	"github.com/ciam-harness/listjobs/schemas"
	"github.com/ciam-harness/listjobs/signing"
	"github.com/ciam-harness/listjobs/vocab"
)

// Target is the endpoint under test and what the harness knows of it.
//
// Ordinary requests are signed with a pool of keys: Credential, followed by the
// Credentials that differ from it. Each scenario gets one key of the pool, in turn, so
// keys of distinct owners spread the load over as many rate-limit budgets; the pacing
// stays per owner. Every key of the pool must be able to list UserStoreID.
type Target struct {
	BaseURL          string               // "http://127.0.0.1:9000" (no trailing slash); requests go to BaseURL + "/"
	Region           string               // X-TC-Region of ordinary requests (default ap-guangzhou)
	Credential       signing.Credential   // key of ordinary requests (TENCENTCLOUD_SECRET_ID/KEY, else the fixture's "primary"); zero = Credentials[0]
	Credentials      []signing.Credential // more keys of ordinary requests (the embedded emulator: every "primary" key of the fixture)
	UserStoreID      string               // the user store data-agnostic scenarios list (it must hold jobs)
	Fixture          *fixture.Fixture     // known data of the target; nil = unknown: @fixture scenarios then fail with a clear message
	Client           *http.Client         // the runner sets timeouts / transport
	EmbeddedEmulator bool                 // true when the target is the emulator the runner started (informational only)
	// Driver sends the requests: DriverWire ("" too) or DriverSDK, the official Go SDK
	// over Client's transport. Scenarios tied to the other driver (TagWire,
	// TagSDKRetry) are skipped, with the reason (SkipError).
	Driver Driver
}

// DefaultRegion is the X-TC-Region of ordinary requests when Target.Region is empty.
const DefaultRegion = vocab.DefaultRegion

// PacerRate bounds the ordinary requests per credential owner: at most this many of an
// owner's requests are in flight or were answered within the last second. That is below
// the documented 20 per second (R1), so the suite never trips the limit by itself,
// whatever the phase of the server's one-second windows and the delays on the way (see
// pacer).
const PacerRate = 18

// Suite is what every scenario shares. It is safe for concurrent scenarios.
type Suite struct {
	target  Target
	baseURL *url.URL
	schemas *schemas.Set
	// pool holds the keys of ordinary requests, readers the fixture's FixtureReaderRole
	// keys (maybe none); next and nextReader deal them out to scenarios in turn.
	pool, readers    []signing.Credential
	next, nextReader atomic.Uint64
	// owners maps a SecretId to its pacer key: "owner:" and the fixture's owner; a key
	// the fixture does not describe is paced with every other such key, as their owners
	// are unknown.
	owners map[string]string
	// pacers keep the ordinary requests of each owner within its budget.
	pacers map[string]*pacer
	// leases give a rate-limit step exclusive use of its owners' budgets, by pacer key.
	leases map[string]*lease
	// shared maps the pacer key of every owner that ordinary requests may use to one of
	// its keys, described: the rate-limit steps refuse keys of those owners.
	shared map[string]string
	// patterns are the step patterns, compiled once (godog would compile a string
	// pattern again for every scenario).
	patterns map[string]*regexp.Regexp
	// driver and transport send the requests (driver.go, sdk.go).
	driver    Driver
	transport transport
}

// NewSuite validates the target, compiles the schemas once and builds one pacer per owner.
func NewSuite(t Target) (*Suite, error) {
	t.BaseURL = strings.TrimRight(strings.TrimSpace(t.BaseURL), "/")
	u, err := url.Parse(t.BaseURL)
	switch {
	case t.BaseURL == "":
		return nil, errors.New("steps: Target.BaseURL is empty")
	case err != nil:
		return nil, fmt.Errorf("steps: Target.BaseURL %q: %v", t.BaseURL, err)
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, fmt.Errorf("steps: Target.BaseURL %q: want an http or https URL", t.BaseURL)
	case u.Host == "":
		return nil, fmt.Errorf("steps: Target.BaseURL %q has no host", t.BaseURL)
	case u.Path != "" || u.RawQuery != "" || u.Fragment != "":
		return nil, fmt.Errorf("steps: Target.BaseURL %q: want scheme://host[:port] only (requests go to /)", t.BaseURL)
	case t.UserStoreID == "":
		return nil, errors.New("steps: Target.UserStoreID is empty: name a user store that holds jobs")
	}
	driver, err := ParseDriver(string(t.Driver))
	if err != nil {
		return nil, fmt.Errorf("steps: Target.Driver: %v", err)
	}
	pool, err := keyPool(t.Credential, t.Credentials)
	if err != nil {
		return nil, err
	}
	t.Credential = pool[0]
	if t.Region == "" {
		t.Region = DefaultRegion
	}
	if t.Client == nil {
		t.Client = &http.Client{Timeout: 60 * time.Second}
	}
	set, err := schemas.Compile()
	if err != nil {
		return nil, err
	}
	s := &Suite{target: t, baseURL: u, schemas: set, pool: pool, owners: map[string]string{},
		pacers: map[string]*pacer{}, leases: map[string]*lease{}, shared: map[string]string{},
		patterns: map[string]*regexp.Regexp{}, driver: driver, transport: wireTransport{}}
	if driver == DriverSDK {
		s.transport = newSDKTransport(t, u)
	}
	(&scenario{}).bind(func(pattern string, _ any) { s.patterns[pattern] = regexp.MustCompile(pattern) })
	if t.Fixture != nil {
		for _, c := range t.Fixture.Credentials {
			s.owners[c.SecretID] = "owner:" + c.Owner
			if !strings.HasPrefix(c.Role, rateLimitRolePrefix) && s.shared["owner:"+c.Owner] == "" {
				s.shared["owner:"+c.Owner] = fmt.Sprintf("the fixture's %q key", c.Role)
			}
		}
		for _, c := range t.Fixture.CredentialsByRole(FixtureReaderRole) {
			s.readers = append(s.readers, signing.Credential{SecretID: c.SecretID, SecretKey: c.SecretKey, Token: c.Token})
		}
	}
	for _, c := range pool {
		if _, ok := s.owners[c.SecretID]; !ok {
			s.owners[c.SecretID] = unknownOwner
		}
		if s.shared[s.owners[c.SecretID]] == "" {
			s.shared[s.owners[c.SecretID]] = "a key of ordinary requests"
		}
	}
	for _, key := range s.owners {
		if s.pacers[key] == nil {
			s.pacers[key] = newPacer(PacerRate, time.Second)
			s.leases[key] = newLease()
		}
	}
	return s, nil
}

// unknownOwner is the pacer key of the keys the fixture does not describe.
const unknownOwner = "unknown owner"

// keyPool is first (when set) followed by the other keys, each once: the keys of
// ordinary requests.
func keyPool(first signing.Credential, more []signing.Credential) ([]signing.Credential, error) {
	keys := more
	if first != (signing.Credential{}) || len(more) == 0 {
		if first.SecretID == "" || first.SecretKey == "" {
			return nil, errors.New("steps: Target.Credential needs a SecretID and a SecretKey")
		}
		keys = append([]signing.Credential{first}, more...)
	}
	var pool []signing.Credential
	seen := map[string]bool{}
	for _, c := range keys {
		if c.SecretID == "" || c.SecretKey == "" {
			return nil, errors.New("steps: every key of Target.Credentials needs a SecretID and a SecretKey")
		}
		if !seen[c.SecretID] {
			seen[c.SecretID] = true
			pool = append(pool, c)
		}
	}
	return pool, nil
}

// ordinaryKey deals out the key of a scenario's ordinary requests, in turn.
func (s *Suite) ordinaryKey() signing.Credential {
	return s.pool[(s.next.Add(1)-1)%uint64(len(s.pool))]
}

// readerKey deals out the key of an @fixture scenario's requests for fixture data: a
// FixtureReaderRole key in turn, else ordinary.
func (s *Suite) readerKey(ordinary signing.Credential) signing.Credential {
	if len(s.readers) == 0 {
		return ordinary
	}
	return s.readers[(s.nextReader.Add(1)-1)%uint64(len(s.readers))]
}

// pace waits until the owner of secretID may send a request, and returns done, to be
// called once the answer is in.
func (s *Suite) pace(ctx context.Context, secretID string) (done func(), err error) {
	p := s.pacers[s.owners[secretID]]
	if p == nil {
		return nil, fmt.Errorf("internal: no pacer for the key %s", secretID)
	}
	return p.wait(ctx)
}

// InitializeScenario is a godog ScenarioInitializer: it registers the steps on fresh
// per-scenario state.
func (s *Suite) InitializeScenario(sc *godog.ScenarioContext) {
	st := &scenario{suite: s, remembered: map[string][]string{}}
	sc.Before(func(ctx context.Context, p *godog.Scenario) (context.Context, error) {
		if reason := s.skipReason(p); reason != "" {
			return ctx, &SkipError{Reason: reason}
		}
		st.cred = s.ordinaryKey()
		st.tags = map[string]bool{}
		for _, t := range p.Tags {
			st.tags[t.Name] = true
			if id, ok := vocab.RowOfTag(t.Name); ok && !slices.Contains(st.rows, id) {
				st.rows = append(st.rows, id)
			}
		}
		if st.tags[vocab.TagFixture] && s.target.Fixture == nil {
			return ctx, &SkipError{Reason: vocab.TagFixture + ": it needs the target's known data, and no fixture was given (--fixture)"}
		}
		if st.tags[vocab.TagFixture] {
			st.reader = s.readerKey(st.cred)
		}
		return ctx, nil
	})
	if s.driver == DriverSDK {
		sc.StepContext().Before(func(ctx context.Context, step *godog.Step) (context.Context, error) {
			st.step = step.Text // for wireOnly
			return ctx, nil
		})
	}
	sc.StepContext().After(func(ctx context.Context, _ *godog.Step, status godog.StepResultStatus, _ error) (context.Context, error) {
		if status == godog.StepFailed {
			ctx = st.attach(ctx)
		}
		return ctx, nil
	})
	sc.After(func(ctx context.Context, _ *godog.Scenario, _ error) (context.Context, error) {
		st.release() // godog keeps st (in the step functions) until the run ends
		return ctx, nil
	})
	st.bind(func(pattern string, fn any) { sc.Step(s.patterns[pattern], fn) })
}

// bind hands every step pattern, with the method of st that implements it, to step.
func (st *scenario) bind(step func(pattern string, fn any)) {
	// Request building (request.go).
	step(`^a ListJobs request for the user store under test$`, st.requestForTarget)
	step(`^a ListJobs request for the fixture user store "([^"]*)"$`, st.requestForFixtureStore)
	step(`^a ListJobs request for the fault user store of "([^"]*)"$`, st.requestForFaultStore)
	step(`^a ListJobs request for a user store that does not exist$`, st.requestForUnknownStore)
	step(`^the user store under test holds at least (\d+) jobs?$`, st.targetHoldsJobs)
	step(`^the request is sent as GET$`, st.sentAsGET)
	step(`^the request method is "([A-Z]+)"$`, st.methodIs)
	step(`^the request uses the fixture credential "([^"]*)"$`, st.usesFixtureCredential)
	step(`^the JobIds are empty$`, st.jobIDsEmpty)
	step(`^the JobIds are known jobs? (\d+(?:(?:, | and )\d+)*)$`, st.jobIDsKnown)
	step(`^the JobIds are known job (\d+) and the unknown id "([^"]*)"$`, st.jobIDsKnownAndUnknown)
	step(`^the JobIds are the unknown ids "([^"]*)" and "([^"]*)"$`, st.jobIDsUnknown)
	step(`^the JobIds are the ids of the jobs of the fixture user store "([^"]*)"$`, st.jobIDsOfFixtureStore)
	step(`^the JobIds pad the body beyond 10 MB$`, st.padBody)
	step(`^the JobIds pad the URL beyond 32 KB$`, st.padURL)
	step("^the parameter \"([^\"]*)\" is `(.*)`$", st.parameterIs)
	step(`^the parameter "([^"]*)" is removed$`, st.parameterRemoved)
	step("^the body is exactly `(.*)`$", st.bodyIsExactly)
	step(`^the body is exactly:$`, st.bodyIsDocString)
	step(`^the body is empty$`, st.bodyIsEmpty)
	step(`^the query is exactly "([^"]*)"$`, st.queryIsExactly)
	step(`^the header "([^"]*)" is "([^"]*)"$`, st.headerIs)
	step(`^the header "([^"]*)" is absent$`, st.headerAbsent)

	// Signing and deliberate breaks (request.go).
	step(`^the request signs the headers "([^"]*)"$`, st.signsHeaders)
	step(`^the request is signed with a wrong SecretKey$`, st.wrongKey)
	step(`^the request is signed with an unknown SecretId$`, st.unknownSecretID)
	step(`^the request's timestamp is (\d+) seconds in the (past|future)$`, st.timestampSkew)
	step(`^the credential scope date is one day (before|after) the timestamp's UTC date$`, st.scopeDateOff)
	step(`^the credential scope service is "([^"]*)"$`, st.scopeService)
	step(`^the request carries no Authorization header$`, st.noAuthorization)
	step(`^the Authorization header is replaced by "([^"]*)"$`, st.authorizationReplaced)
	step("^the body is replaced after signing by `(.*)`$", st.bodyReplacedAfterSigning)
	step(`^the query is replaced after signing by "([^"]*)"$`, st.queryReplacedAfterSigning)
	step(`^the header "([^"]*)" is changed to "([^"]*)" after signing$`, st.headerChangedAfterSigning)
	step(`^the X-TC-Region is changed to another Tencent Cloud region after signing$`, st.regionChangedAfterSigning)
	step(`^the request is signed with signature v1 and "(HmacSHA1|HmacSHA256)"$`, st.signV1)
	step(`^the request carries no X-TC-Token$`, st.noToken)
	step(`^the request carries the X-TC-Token "([^"]*)"$`, st.tokenIs)

	// Sending.
	step(`^the request is sent$`, st.sendOnce)
	step(`^the request is sent twice$`, st.sendTwice)
	step(`^the jobs of the user store under test are listed$`, st.listTarget)
	step(`^the jobs of the fixture user store "([^"]*)" are listed$`, st.listFixtureStore)

	// Response checks (response.go).
	step(`^the response is a success$`, st.isSuccess)
	step(`^the response is the error "([^"]*)"$`, st.isError)
	step(`^the response is an error with a code under "([^"]*)"$`, st.isErrorUnder)
	step(`^the response is a success or an error other than "([^"]*)"$`, st.isNotError)
	step(`^the HTTP status is 200$`, st.status200)
	step(`^the Content-Type of the response is application/json$`, st.contentTypeJSON)
	step(`^the response carries a non-empty RequestId$`, st.hasRequestID)
	step(`^the response carries a RequestId in UUID form$`, st.requestIDIsUUID)
	step(`^both responses are successes$`, st.bothSuccesses)
	step(`^both responses are the error "([^"]*)"$`, st.bothErrors)
	step(`^both responses carry non-empty RequestIds that differ$`, st.requestIDsDiffer)
	step(`^both responses return the same Ids$`, st.bothSameIDs)
	step(`^the JobSet is an array$`, st.jobSetIsArray)
	step(`^the JobSet is empty$`, st.jobSetIsEmpty)
	step(`^the returned Ids are exactly the known jobs$`, st.idsAreKnown)
	step(`^the returned Ids are exactly known jobs? (\d+(?:(?:, | and )\d+)*)$`, st.idsAreKnownJobs)
	step(`^the returned Ids are a subset of the known jobs$`, st.idsSubsetOfKnown)
	step(`^no Id is returned twice$`, st.noIDTwice)
	step(`^the returned Ids are remembered as "([^"]*)"$`, st.remember)
	step(`^the returned Ids are the same set as those remembered as "([^"]*)"$`, st.sameAsRemembered)
	step(`^the returned Ids are the union of those remembered as "([^"]*)" and "([^"]*)"$`, st.unionOfRemembered)
	step(`^the returned Ids include none of the jobs of the fixture user store "([^"]*)"$`, st.noneOfFixtureStore)
	step(`^the response shows none of the jobs of the fixture user store "([^"]*)"$`, st.showsNoneOfFixtureStore)

	// Job checks (jobs.go).
	step(`^every returned job has an Id that is a non-empty string$`, st.everyJobJ1)
	step(`^every returned job has a Status among PENDING, PROCESSING, COMPLETED and FAILED$`, st.everyJobJ2)
	step(`^every returned job has a Type among IMPORT_USER and EXPORT_USER$`, st.everyJobJ3)
	step(`^every returned job has a CreatedDate that is an integer of epoch milliseconds$`, st.everyJobJ4)
	step(`^every returned job has a Format that is NDJSON, CSV or null$`, st.everyJobJ5)
	step(`^every returned job has a Location that is a string or null$`, st.everyJobJ6)
	step(`^every returned job has ErrorDetails that are absent, null or an array of \{UserId, Error\}$`, st.everyJobJ7)
	step(`^every returned job has FailedUsers that are absent, null or an array of \{FailedUserIdentification, FailedReason\}$`, st.everyJobJ8)
	step(`^every returned job matches the Job schema, whatever other fields it carries$`, st.everyJobSchema)
	step(`^the returned jobs are those of the fixture user store "([^"]*)", field for field$`, st.fieldForField)

	// Rate limit (ratelimit.go).
	step(`^these requests arrive within one second:$`, st.burstTable)
	step(`^(\d+) requests of the fixture credential "([^"]*)" are sent at (\d+) per second$`, st.steady)
	step(`^(\d+) badly signed and then (\d+) good requests of the fixture credential "([^"]*)" arrive within one second$`, st.badThenGood)
	step(`^exactly (\d+) of them succeed$`, st.exactlySucceed)
	step(`^the others get the error "([^"]*)" or one of its sub-codes$`, st.othersLimited)
	step(`^all (\d+) of them succeed$`, st.allSucceed)
	step(`^the (\d+) badly signed requests get the error "([^"]*)"$`, st.badGetError)
	step(`^all (\d+) good requests succeed$`, st.goodSucceed)

	// The SDK's own rate-limit retry (sdkretry.go).
	step(`^(\d+) requests of the fixture credential "([^"]*)" arrive within one second from an SDK client with RateLimitExceededMaxRetries (\d+)$`, st.sdkBurst)
	step(`^(\d+) of them succeeded only after the SDK retried on "([^"]*)"$`, st.retriedOn)
	step(`^none of them was retried$`, st.noneRetried)
}
