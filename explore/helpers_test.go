package explore

import (
	"bytes"
	"context"
	"net/http"
	"testing"
	"time"

	listjobs "github.com/ciam-harness/listjobs"
	"github.com/ciam-harness/listjobs/driver"
	"github.com/ciam-harness/listjobs/emulator"
	"github.com/ciam-harness/listjobs/fixture"
	"github.com/ciam-harness/listjobs/mutants"
	"github.com/ciam-harness/listjobs/signing"
	"github.com/ciam-harness/listjobs/steps"
	"github.com/ciam-harness/listjobs/vocab"
	"github.com/ciam-harness/listjobs/wire"
)

// defaultFixture is the embedded emulator's fixture.
func defaultFixture(t testing.TB) *fixture.Fixture {
	t.Helper()
	fx, err := fixture.Read(bytes.NewReader(listjobs.DefaultFixture))
	if err != nil {
		t.Fatal(err)
	}
	return fx
}

// explore runs an exploration of the endpoint at url through the wire driver.
func explore(t testing.TB, url string, fx *fixture.Fixture, opts Options) Report {
	t.Helper()
	d, clock := openWire(t, url)
	opts.BaseURL, opts.Fixture, opts.Driver, opts.Clock = url, fx, d, clock
	rep, err := Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// start serves an emulator of cfg (the default fixture when cfg has none).
func start(t testing.TB, cfg emulator.Config) *emulator.Server {
	t.Helper()
	if cfg.Fixture == nil {
		cfg.Fixture = defaultFixture(t)
	}
	srv, err := emulator.Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

// testModel is the model of fx with the near misses of a run against url.
func testModel(fx *fixture.Fixture, url string) *model {
	m := newModel(fx)
	m.near = nearCases(m, vocab.DefaultRegion, url)
	return m
}

// newExecutor is an executor of m's requests against url through the wire driver, as
// Run makes one.
func newExecutor(t testing.TB, url string, fx *fixture.Fixture, m *model) *executor {
	t.Helper()
	d, clock := openWire(t, url)
	first := m.cred(m.roles[0])
	suite, err := steps.NewSuite(steps.Target{BaseURL: url, Region: vocab.DefaultRegion,
		Credential:  signing.Credential{SecretID: first.SecretID, SecretKey: first.SecretKey, Token: first.Token},
		UserStoreID: m.stores[0].ID, Fixture: fx, Driver: d, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	return &executor{m: m, suite: suite, driver: d, region: vocab.DefaultRegion, pacers: map[string]*steps.Pacer{}, turn: map[string]int{},
		sentAt: map[string][]time.Time{}, lastProbe: map[string]time.Time{}, budget: newBudget(context.Background(), 0, time.Minute), clock: clock}
}

// openWire opens the wire driver on the endpoint at url, closed when the test ends.
func openWire(t testing.TB, url string) (driver.Driver, *wire.Clock) {
	t.Helper()
	clock := &wire.Clock{}
	d, err := driver.Wire.Open(context.Background(), driver.Env{Target: wire.Target{BaseURL: url, Region: vocab.DefaultRegion},
		Client: &http.Client{Timeout: 20 * time.Second}, Clock: clock, Timeout: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d, clock
}

// startMutant serves the mutant of the catalogue called name, with fx.
func startMutant(t testing.TB, name string, fx *fixture.Fixture) (mutants.Mutant, *emulator.Server) {
	t.Helper()
	m, ok := mutants.ByName(name)
	if !ok {
		t.Fatalf("no mutant %s", name)
	}
	srv, err := m.Start(fx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return m, srv
}
