package runner

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	listjobs "github.com/ciam-harness/listjobs"
	"github.com/ciam-harness/listjobs/emulator"
	"github.com/ciam-harness/listjobs/features"
	"github.com/ciam-harness/listjobs/fixture"
	"github.com/ciam-harness/listjobs/mutants"
	"github.com/ciam-harness/listjobs/result"
	"github.com/ciam-harness/listjobs/vocab"
)

func defaultFixture(t *testing.T) *fixture.Fixture {
	t.Helper()
	fx, err := fixture.Read(bytes.NewReader(listjobs.DefaultFixture))
	require.NoError(t, err)
	return fx
}

// foreignConfig runs the suite against a pre-started emulator as a foreign endpoint,
// with the default fixture and its primary key: the way a user runs it against a server.
func foreignConfig(t *testing.T, url string, fx *fixture.Fixture, tags string) Config {
	t.Helper()
	primary, ok := fx.Credential("primary")
	require.True(t, ok)
	cfg := DefaultConfig()
	cfg.Endpoint = url
	cfg.Fixture = fx
	cfg.SecretID, cfg.SecretKey = primary.SecretID, primary.SecretKey
	cfg.Tags = tags
	cfg.Format = "progress"
	cfg.OutDir = t.TempDir()
	return cfg
}

// mutantRun is the suite against one emulator, in up to two phases (see TestMutants).
type mutantRun struct {
	name, row string
	tags      string // the scenarios of the run, before the split into phases
	start     func() (*emulator.Server, error)
	phases    []phaseRun
}

// phaseRun is one phase of a mutantRun.
type phaseRun struct {
	res Result
	out string
}

// mutantClockParallel is how many runs send their clock-bound scenarios at once.
const mutantClockParallel = 3

// TestMutants starts the emulator with one contract row broken at a time and runs the
// scenarios of that row against it: the run must fail (exit 1) and its failures must be
// that row's scenarios. A control run of the same scenarios against the unbroken
// emulator passes, so the failures come from the break. The runs use separate
// emulators, and mostly wait on the pacers, so they run at once; but the clock-bound
// scenarios (ClockBoundTag: the rate-limit bursts must be sent and answered within one
// second, which a saturated CPU would not allow) run apart, after the others, a few
// runs at a time.
func TestMutants(t *testing.T) {
	t.Parallel()
	fx := defaultFixture(t)
	var runs []*mutantRun
	var controlTags []string
	for _, m := range mutants.Smoke() {
		runs = append(runs, &mutantRun{name: m.Name, row: m.Row, tags: "@" + m.Row,
			start: func() (*emulator.Server, error) { return m.Start(fx) }})
		controlTags = append(controlTags, "@"+m.Row)
	}
	control := &mutantRun{name: "control", tags: strings.Join(controlTags, ","), start: func() (*emulator.Server, error) {
		return emulator.Start(emulator.Config{Fixture: fx, RateLimit: emulator.DefaultRateLimit})
	}}
	all := append(runs, control)

	for phase, clock := range []string{"~" + ClockBoundTag, ClockBoundTag} {
		parallel := len(all)
		if phase == 1 {
			parallel = mutantClockParallel
		}
		slots := make(chan struct{}, parallel)
		var mu sync.Mutex
		var wg sync.WaitGroup
		for _, r := range all {
			tags := r.tags + "&&" + clock
			if sel, _, err := selectIn(features.FS, tags, shard{1, 1}); err != nil || len(sel) == 0 {
				continue // no scenario of the run in this phase
			}
			wg.Go(func() {
				slots <- struct{}{}
				defer func() { <-slots }()
				srv, err := r.start()
				if !assert.NoError(t, err, r.name) {
					return
				}
				defer srv.Close()
				var out bytes.Buffer
				res := Run(context.Background(), foreignConfig(t, srv.URL, fx, tags), &out, &out)
				mu.Lock()
				r.phases = append(r.phases, phaseRun{res: res, out: out.String()})
				mu.Unlock()
			})
		}
		wg.Wait()
	}

	t.Run("control", func(t *testing.T) {
		require.NotEmpty(t, control.phases)
		total := 0
		for _, p := range control.phases {
			require.Equal(t, ExitPassed, p.res.ExitCode, "the unbroken emulator fails the mutants' scenarios:\n%s", p.out)
			total += len(p.res.Scenarios)
		}
		assert.GreaterOrEqual(t, total, len(runs))
	})
	for _, r := range runs {
		t.Run(r.name, func(t *testing.T) {
			require.NotEmpty(t, r.phases, "no scenario carries @%s", r.row)
			var failed []result.Scenario
			var outs []string
			caught := false
			for _, p := range r.phases {
				require.Contains(t, []int{ExitPassed, ExitFailed}, p.res.ExitCode, "%v\n%s", p.res.Err, p.out)
				if p.res.ExitCode == ExitFailed {
					caught = true
					assert.Contains(t, p.res.FailedRows(), r.row)
					assert.Regexp(t, `(?m)^rows failed: (.* )?`+r.row+`( |$)`, p.out, "the summary names the row")
				}
				failed = append(failed, p.res.Failed()...)
				outs = append(outs, p.out)
			}
			require.True(t, caught, "%s (breaks %s) was not caught:\n%s", r.name, r.row, strings.Join(outs, "\n"))
			for _, s := range failed {
				assert.Contains(t, s.Rows, r.row, "failing scenario %q", s.Name)
			}
			t.Logf("%s: %d @%s scenarios failed", r.name, len(failed), r.row)
		})
	}
}

func sortedRows(m map[string][]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	vocab.SortRows(out)
	return out
}
