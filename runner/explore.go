package runner

import (
	"context"
	"fmt"
	"io"
	"io/fs"

	"github.com/ciam-harness/listjobs/driver"
	"github.com/ciam-harness/listjobs/fixture"
	"github.com/ciam-harness/listjobs/wire"
)

// What `conformance explore` (package explore) takes of a run: the same flags and
// environment, parsed and validated once as a run's (newSetup), the endpoint (the
// embedded emulator, started for it), the guarded client (only ListJobs goes to a
// foreign endpoint) and the driver; and a way to run a feature file it printed.

// Session is an endpoint opened as a run opens it, for the explorer.
type Session struct {
	// Endpoint is the base URL; Region the X-TC-Region of ordinary requests.
	Endpoint, Region string
	// Fixture is the endpoint's data (required: the explorer's oracle reads it).
	Fixture *fixture.Fixture
	// Driver sends the requests, through the run's client; Clock is the endpoint's.
	Driver driver.Driver
	Clock  *wire.Clock
	// ListJobsOnly: a foreign endpoint, which gets ListJobs only.
	ListJobsOnly bool
	red          *redactor
	closers      []func()
}

// OpenSession validates cfg as a run would, starts the embedded emulator when cfg names
// no endpoint, probes the endpoint and opens the driver. Its errors are one line, for
// exit 2.
func OpenSession(ctx context.Context, cfg Config, stderr io.Writer) (*Session, error) {
	cfg.Reports, cfg.List = "none", false
	s, err := newSetup(cfg)
	if err != nil {
		return nil, err
	}
	if s.fx == nil {
		return nil, usageError("explore needs the endpoint's fixture (--fixture): its oracle computes every answer from it")
	}
	for _, n := range s.notes {
		fmt.Fprintln(stderr, n)
	}
	seed := s.seed
	if seed < 0 {
		seed = 0
	}
	endpoint, stop, err := s.startEndpoint(seed, stderr)
	if err != nil {
		return nil, err
	}
	ss := &Session{Endpoint: endpoint, Region: s.region, Fixture: s.fx, Clock: &wire.Clock{}, ListJobsOnly: s.listJobsOnly,
		red: newRedactor(s.secrets...), closers: []func(){stop}}
	client := newClient(s.timeout, s.maxResponse, s.tls, s.listJobsOnly)
	ss.closers = append(ss.closers, client.CloseIdleConnections)
	if err := probe(ctx, client, endpoint, min(s.timeout, probeTimeout)); err != nil {
		ss.Close()
		return nil, err
	}
	d, err := s.driver.Open(ctx, driver.Env{Target: wire.Target{BaseURL: endpoint, Region: s.region}, Client: client,
		Clock: ss.Clock, Timeout: s.timeout, ListJobsOnly: s.listJobsOnly})
	if err != nil {
		ss.Close()
		return nil, usageError("%v", err)
	}
	ss.Driver = d
	ss.closers = append(ss.closers, func() { _ = d.Close() })
	return ss, nil
}

// Redact removes the run's secrets from text.
func (s *Session) Redact(text string) string { return s.red.string(text) }

// Close closes the driver and the client, and stops the embedded emulator.
func (s *Session) Close() {
	for i := len(s.closers) - 1; i >= 0; i-- {
		s.closers[i]()
	}
	s.closers = nil
}

// RunFeatures is Run with the feature files of fsys in place of the suite's (a scenario
// the explorer printed).
func RunFeatures(ctx context.Context, cfg Config, fsys fs.FS, stdout, stderr io.Writer) Result {
	cfg.features = fsys
	return Run(ctx, cfg, stdout, stderr)
}
