// Package steps holds the godog step definitions of the ListJobs conformance suite: a
// request builder that signs (or deliberately mis-signs) ListJobs calls, response checks
// that name the contract row, the JSON path, what came back and what the contract wants,
// and the paced and exclusive senders that keep the suite within the rate limit.
//
// A Suite holds only what scenarios may share (compiled schemas, the pools of keys, pacers,
// the rate-limit owners' leases); every scenario gets fresh state from InitializeScenario.
package steps

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cucumber/godog"

	"github.com/ciam-harness/listjobs/check"
	"github.com/ciam-harness/listjobs/driver"
	"github.com/ciam-harness/listjobs/fixture"
	"github.com/ciam-harness/listjobs/schemas"
	"github.com/ciam-harness/listjobs/signing"
	"github.com/ciam-harness/listjobs/vocab"
	"github.com/ciam-harness/listjobs/wire"
)

// Target is the endpoint under test, what the harness knows of it, and the driver that
// sends the requests.
//
// Ordinary requests are signed with a pool of keys: Credential, followed by the
// Credentials that differ from it. Each scenario gets one key of the pool, in turn, so
// keys of distinct owners spread the load over as many rate-limit budgets; the pacing
// stays per owner. Every key of the pool must be able to list UserStoreID.
type Target struct {
	BaseURL     string               // "http://127.0.0.1:9000" (no trailing slash), for messages: the driver sends
	Region      string               // X-TC-Region of ordinary requests (default ap-guangzhou)
	Credential  signing.Credential   // key of ordinary requests (TENCENTCLOUD_SECRET_ID/KEY, else the fixture's "primary"); zero = Credentials[0]
	Credentials []signing.Credential // more keys of ordinary requests (the embedded emulator: every "primary" key of the fixture)
	UserStoreID string               // the user store data-agnostic scenarios list (it must hold jobs)
	Fixture     *fixture.Fixture     // known data of the target; nil = unknown (the run skips @fixture scenarios)
	// Driver sends the requests (package driver); the caller opens and closes it.
	Driver driver.Driver
	// Clock is the endpoint's clock as its answers tell it, shared with the driver
	// (a deliberate skew of a timestamp is measured on it); nil = a clock of its own.
	Clock *wire.Clock
	// Catalogue is the step catalogue; nil = Steps().
	Catalogue *Catalogue
	// DocumentedOnly judges the documented part of the contract alone: the rules of
	// every response that judge an assumed row (check.Rule.Assumed) are left out, as
	// the scenarios tagged @assumed are by the run's tag filter.
	DocumentedOnly bool
	// Answered holds when requests sent before the suite (the runner's pre-flight) were
	// answered, by SecretId: they count in their owner's pacer, so the suite's first
	// requests do not make a second's window hold more than the pacer's rate.
	Answered map[string]time.Time
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
	// steps is the step catalogue, its patterns compiled once (godog would compile a
	// string pattern again for every scenario).
	steps *Catalogue
	// universal judges every exchange of the run against the rules that hold for
	// every exchange of their scope (check.Rule), whatever its scenario.
	universal *check.Universal
	// scale lets one @scale scenario run at a time: each holds a listing of 100,000
	// jobs (about 24 MB, and its jobs), and a run's memory is bounded by one of them.
	scale sync.Mutex
	// clock is the endpoint's clock, from the Date headers of its answers.
	clock *wire.Clock
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
	if t.Driver == nil {
		return nil, errors.New("steps: Target.Driver is nil: open one (driver.Choice.Open)")
	}
	if t.Clock == nil {
		t.Clock = &wire.Clock{}
	}
	pool, err := keyPool(t.Credential, t.Credentials)
	if err != nil {
		return nil, err
	}
	t.Credential = pool[0]
	if t.Region == "" {
		t.Region = DefaultRegion
	}
	set, err := schemas.Compile()
	if err != nil {
		return nil, err
	}
	universal, err := check.NewUniversal(check.Options{Fixture: t.Fixture, Schemas: set, Assumed: !t.DocumentedOnly})
	if err != nil {
		return nil, err
	}
	s := &Suite{target: t, baseURL: u, schemas: set, universal: universal, pool: pool, owners: map[string]string{},
		pacers: map[string]*pacer{}, leases: map[string]*lease{}, shared: map[string]string{},
		steps: t.Catalogue, clock: t.Clock}
	if s.steps == nil {
		s.steps = Steps()
	}
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
	for id, at := range t.Answered {
		if p := s.pacers[cmp.Or(s.owners[id], unknownOwner)]; p != nil {
			p.answeredAt(at)
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
func (s *Suite) InitializeScenario(ctx *godog.ScenarioContext) {
	w := newWorld(s)
	st := w.sc
	ctx.Before(func(ctx context.Context, p *godog.Scenario) (context.Context, error) {
		st.name = p.Name
		st.cred = s.ordinaryKey()
		st.tags = map[string]bool{}
		for _, t := range p.Tags {
			st.tags[t.Name] = true
			if id, ok := vocab.RowOfTag(t.Name); ok && !slices.Contains(st.rows, id) {
				st.rows = append(st.rows, id)
			}
		}
		if st.tags[vocab.TagFixture] {
			st.reader = s.readerKey(st.cred)
		}
		if st.tags[vocab.TagScale] {
			s.scale.Lock()
			st.scaleHeld = true
		}
		return ctx, nil
	})
	ctx.StepContext().After(func(ctx context.Context, _ *godog.Step, status godog.StepResultStatus, _ error) (context.Context, error) {
		if status == godog.StepFailed {
			ctx = w.attach(ctx)
		}
		return ctx, nil
	})
	ctx.After(func(ctx context.Context, _ *godog.Scenario, _ error) (context.Context, error) {
		err := st.invariants.err()
		w.release() // godog keeps w (in the step functions) until the run ends
		if st.scaleHeld {
			st.scaleHeld = false
			s.scale.Unlock()
		}
		return ctx, err
	})
	for i, step := range s.steps.steps {
		ctx.Step(s.steps.res[i], step.run(w))
	}
}
