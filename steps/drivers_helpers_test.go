package steps_test

import (
	"bytes"
	"cmp"
	"context"
	"io/fs"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cucumber/godog"
	"github.com/stretchr/testify/require"

	"github.com/ciam-harness/listjobs/driver"
	"github.com/ciam-harness/listjobs/driver/drivertest"
	"github.com/ciam-harness/listjobs/emulator"
	"github.com/ciam-harness/listjobs/plan"
	"github.com/ciam-harness/listjobs/steps"
	"github.com/ciam-harness/listjobs/wire"
)

// The drivers are tested here, through the steps and the feature files, as a run uses
// them: the official Go SDK, and an adapter of DRIVERS.md written in Go (drivertest):
// this test binary itself, run as the adapter.

func TestMain(m *testing.M) {
	drivertest.Main()
	m.Run()
}

// outcome is what one scenario did, a skip told apart from a pass.
type outcome struct {
	name    string
	tags    []string
	err     error
	skipped string // the reason of a skip, "" when the scenario ran
}

// open opens the driver named name on target's endpoint, closed when the test ends:
// with its own transport, whose connections are closed before the emulator stops (an
// idle connection would hold up its graceful shutdown), as the runner does.
func open(t *testing.T, name string, target *steps.Target, timeout time.Duration, listJobsOnly bool) error {
	t.Helper()
	choice, err := driver.Parse(name)
	require.NoError(t, err)
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	if target.Clock == nil {
		target.Clock = &wire.Clock{}
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	t.Cleanup(tr.CloseIdleConnections) // runs before startTarget's cleanup
	d, err := choice.Open(context.Background(), driver.Env{Target: wire.Target{BaseURL: target.BaseURL, Region: cmp.Or(target.Region, steps.DefaultRegion)},
		Client: &http.Client{Timeout: timeout, Transport: tr}, Clock: target.Clock, Timeout: timeout, ListJobsOnly: listJobsOnly})
	if err != nil {
		return err
	}
	t.Cleanup(func() { _ = d.Close() })
	target.Driver = d
	return nil
}

// sdkTarget starts an emulator and returns a target for the sdk driver.
func sdkTarget(t *testing.T, cfg emulator.Config) steps.Target {
	t.Helper()
	target := startTarget(t, cfg)
	require.NoError(t, open(t, driver.NameSDK, &target, 0, false))
	return target
}

// adapterTarget starts an emulator and the test adapter in mode, and returns a target
// for its exec driver.
func adapterTarget(t *testing.T, mode string, cfg emulator.Config, timeout time.Duration) steps.Target {
	t.Helper()
	target := startTarget(t, cfg)
	name, err := drivertest.Driver(mode)
	require.NoError(t, err)
	require.NoError(t, open(t, name, &target, timeout, false))
	return target
}

// runDriver runs the scenarios of fsys that tags selects against target, with the
// target's driver, and records each scenario's outcome. The scenarios the run would
// skip are skipped as a run decides it (Traits.Skip). The @scale scenarios (a user
// store of 100,000 jobs, which the default fixture lacks) are left out, as the runner
// leaves them out unless asked.
func runDriver(t *testing.T, target steps.Target, fsys fs.FS, tags string) (int, []outcome) {
	t.Helper()
	alternatives := strings.Split(tags, ",")
	for i, alt := range alternatives {
		alternatives[i] = strings.TrimPrefix(alt+"&&~@scale", "&&")
	}
	tags = strings.Join(alternatives, ",")
	suite, err := steps.NewSuite(target)
	require.NoError(t, err)
	var mu sync.Mutex
	var out []outcome
	var buf bytes.Buffer
	status := godog.TestSuite{
		ScenarioInitializer: func(sc *godog.ScenarioContext) {
			suite.InitializeScenario(sc)
			skipAsARunDoes(sc, target)
			reason := ""
			// A scenario skipped by a hook shows the reason to its first step's After
			// hook; its own After hook may see no error at all.
			sc.StepContext().After(func(ctx context.Context, _ *godog.Step, _ godog.StepResultStatus, err error) (context.Context, error) {
				if skip, ok := steps.SkipOf(err); ok && reason == "" {
					reason = skip.Reason
				}
				return ctx, nil
			})
			sc.After(func(ctx context.Context, s *godog.Scenario, err error) (context.Context, error) {
				o := outcome{name: s.Name, err: err, skipped: reason}
				if skip, ok := steps.SkipOf(err); ok {
					o.err, o.skipped = nil, skip.Reason
				}
				for _, tg := range s.Tags {
					o.tags = append(o.tags, tg.Name)
				}
				mu.Lock()
				out = append(out, o)
				mu.Unlock()
				return ctx, nil
			})
		},
		Options: &godog.Options{Format: "progress", Output: &buf, Strict: true, Tags: tags,
			FS: fsys, Paths: []string{"."}, Concurrency: 8},
	}.Run()
	require.NotEmpty(t, out, "the tag filter %q selected no scenario", tags)
	if status != 0 {
		t.Log(buf.String())
	}
	return status, out
}

// catalogue is the step catalogue, compiled once for the tests (a compile per scenario
// would take the CPU from the rate-limit bursts under the race detector).
var catalogue = sync.OnceValue(steps.Steps)

// skipAsARunDoes ends, before its first step, a scenario the run would skip through
// target's driver (Traits.Skip, which the runner decides before the run).
func skipAsARunDoes(sc *godog.ScenarioContext, target steps.Target) {
	cat := catalogue()
	sc.Before(func(ctx context.Context, p *godog.Scenario) (context.Context, error) {
		if skip := traitsOf(cat, p).Skip(target.Driver, target.Fixture != nil, false); skip.Skipped() {
			return ctx, &steps.SkipError{Kind: skip.Kind, Reason: skip.Reason}
		}
		return ctx, nil
	})
}

// traitsOf is what the catalogue says of a scenario godog runs.
func traitsOf(cat *steps.Catalogue, p *godog.Scenario) steps.Traits {
	var tags []string
	for _, tg := range p.Tags {
		tags = append(tags, tg.Name)
	}
	texts := make([]plan.StepText, len(p.Steps))
	for i, st := range p.Steps {
		texts[i].Text = st.Text
		if a := st.Argument; a != nil && a.DocString != nil {
			texts[i].DocString = a.DocString.Content
		}
	}
	return cat.Analyze(tags, texts)
}
