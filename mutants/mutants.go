// Package mutants names deliberate breaks of the ListJobs contract: each is the
// reference emulator with one contract row broken, never a copy of it. The emulator
// holds no switch that breaks a row: every break lives here, in a middleware in front
// of it (emulator.Config.Wrap) that rewrites its answers, answers in its place, or
// rewrites (and re-signs) the request before it, or in its ordinary settings (the rate
// limit, NullEmpty, a copy of the fixture).
// The suite must fail on every one of them, and the failing scenarios must carry the
// broken row's tag; package mutation and the runner's tests prove it.
//
// The catalogue also holds equivalent mutants: changes that the contract allows (a
// sorted JobSet, "JobSet": null for an empty result, extra Job fields...). The suite
// must pass on those: failing there would mean it asserts what the contract does not say.
//
// The files follow the contract, one a contract area, each holding every mutant of its
// rows whatever its mechanism, entries first: transport.go (T), auth_signature.go (A1,
// A2) and auth.go (A3-A8), params.go (P), semantics.go (S), job.go (J), ratelimit.go
// (R). The mechanisms they are built of are shared, one file each: middleware.go (the
// shapes of a middleware), call.go (a request as a middleware reads it), resign.go
// (re-signing it, TC3 and v1), query.go (a query split as the emulator splits it),
// json.go (the JSON helpers), answers.go (the emulator's answers, read and written) and
// lookup.go (what the fixture holds). classes.go names the classes of break, one of
// which every entry is a case of (Mutant.Class), each after the mechanism of the
// harness that closes it.
package mutants

import (
	"slices"

	"github.com/ciam-harness/listjobs/emulator"
	"github.com/ciam-harness/listjobs/fixture"
)

// Mutant is one named break.
type Mutant struct {
	Name  string // short id, e.g. "filter-ignored"; kill tables and ledgers key on it
	Row   string // the contract row it breaks, e.g. "S2"
	Class Class  // the class of break it is a case of (classes.go), named after what closes it
	Break string // what the broken emulator does, one line
	How   string // how it is built: howMiddleware, howRewriter, howResigning, "config ...", "fixture: ..."
	// Equivalent, when set, says why the mutant conforms to the contract: the suite
	// must pass on it. Row is then the row that allows the change.
	Equivalent string
	// RateLimit is true when only the rate-limit scenarios can see the break: a test
	// then runs those (slow) scenarios, and may skip them for the other mutants.
	RateLimit bool
	apply     func(*emulator.Config)
}

// The How of a mutant built in front of the emulator (a "config" or "fixture" mutant
// names the setting it changes instead).
const (
	howMiddleware = "middleware"       // it reads the request: answers in the emulator's place, or changes the request or the answer
	howRewriter   = "rewriter"         // it rewrites the emulator's answers
	howResigning  = "re-signing front" // it re-signs a request the emulator would refuse, so that the emulator serves it
)

// Config is the embedded emulator's configuration (fx, the documented rate limit)
// with the break applied. Every call builds fresh state (a stateful middleware's
// memory), so two emulators of one mutant share nothing.
func (m Mutant) Config(fx *fixture.Fixture) emulator.Config {
	cfg := emulator.Config{Fixture: fx, RateLimit: emulator.DefaultRateLimit}
	m.apply(&cfg)
	return cfg
}

// Start serves the broken emulator on 127.0.0.1:0.
func (m Mutant) Start(fx *fixture.Fixture) (*emulator.Server, error) {
	return emulator.Start(m.Config(fx))
}

// catalogue is every mutant, in contract-row order. Each breaks one row (Row) and
// leaves the others alone as far as it can; the rows S7 and S8 derive from S1-S3, so
// their mutants also break an S1-S3 rule, which the scenarios of those rows may see too.
func catalogue() []Mutant {
	return slices.Concat(transportMutants(), signatureMutants(), authMutants(), paramMutants(),
		semanticsMutants(), jobMutants(), rateLimitMutants())
}

// Catalogue returns every mutant, equivalent ones included, in contract-row order.
func Catalogue() []Mutant { return catalogue() }

// Breaking returns every mutant that breaks the contract (the suite must fail on
// each), in contract-row order.
func Breaking() []Mutant {
	var out []Mutant
	for _, m := range catalogue() {
		if m.Equivalent == "" {
			out = append(out, m)
		}
	}
	return out
}

// smokeNames are one breaking mutant per area of the contract, the rate limit included.
func smokeNames() []string {
	return []string{"requestid-missing", "signature-unchecked", "unknown-parameter-accepted", "filter-ignored",
		"jobset-null", "filter-union-broken", "createddate-seconds", "rate-limit-off"}
}

// Smoke returns a representative subset of the breaking mutants: one per area of the
// contract (envelope, authentication, parameters, semantics, the S8 relations, the Job
// object, the rate limit), cheap enough to run all at once in a unit test.
func Smoke() []Mutant {
	var out []Mutant
	for _, n := range smokeNames() {
		if m, ok := ByName(n); ok {
			out = append(out, m)
		}
	}
	return out
}

// Equivalents returns the mutants that conform to the contract (the suite must pass
// on each).
func Equivalents() []Mutant {
	var out []Mutant
	for _, m := range catalogue() {
		if m.Equivalent != "" {
			out = append(out, m)
		}
	}
	return out
}

// ByName returns the mutant of the catalogue called name.
func ByName(name string) (Mutant, bool) {
	for _, m := range catalogue() {
		if m.Name == name {
			return m, true
		}
	}
	return Mutant{}, false
}

// rewriter puts in front of the emulator a middleware that rewrites every answer body with f.
func rewriter(f func([]byte) []byte) func(*emulator.Config) {
	return func(c *emulator.Config) { c.Wrap = rewriteBodies(f) }
}

// through puts a middleware, built over the emulator's fixture, in front of the emulator
// (emulator.Config.Wrap).
func through(mw func(fx *fixture.Fixture) middleware) func(*emulator.Config) {
	return func(c *emulator.Config) { c.Wrap = mw(c.Fixture) }
}

// fixed is a middleware that needs no fixture, for through.
func fixed(mw middleware) func(*fixture.Fixture) middleware {
	return func(*fixture.Fixture) middleware { return mw }
}
