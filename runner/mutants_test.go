package runner

import (
	"bytes"
	"context"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	listjobs "github.com/ciam-harness/listjobs"
	"github.com/ciam-harness/listjobs/emulator"
	"github.com/ciam-harness/listjobs/fixture"
	"github.com/ciam-harness/listjobs/mutants"
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

// mutantRun is one run of the suite against one emulator.
type mutantRun struct {
	name, row string
	cfg       Config
	res       Result
	out       string
}

// TestMutants starts the emulator with one contract row broken at a time and runs the
// scenarios of that row against it: the run must fail (exit 1) and its failures must be
// that row's scenarios. A control run of the same scenarios against the unbroken
// emulator passes, so the failures come from the break. The runs are I/O-bound (the
// suite paces its requests) and use separate emulators, so they run at once.
func TestMutants(t *testing.T) {
	t.Parallel()
	fx := defaultFixture(t)
	var runs []*mutantRun
	var controlTags []string
	for _, m := range mutants.All() {
		srv, err := m.Start(fx)
		require.NoError(t, err)
		t.Cleanup(func() { srv.Close() })
		runs = append(runs, &mutantRun{name: m.Name, row: m.Row, cfg: foreignConfig(t, srv.URL, fx, "@"+m.Row)})
		controlTags = append(controlTags, "@"+m.Row)
	}
	srv, err := emulator.Start(emulator.Config{Fixture: fx, RateLimit: emulator.DefaultRateLimit})
	require.NoError(t, err)
	t.Cleanup(func() { srv.Close() })
	control := &mutantRun{name: "control", cfg: foreignConfig(t, srv.URL, fx, strings.Join(controlTags, ","))}

	var wg sync.WaitGroup
	for _, r := range append(runs, control) {
		wg.Go(func() {
			var out bytes.Buffer
			r.res = Run(context.Background(), r.cfg, &out, &out)
			r.out = out.String()
		})
	}
	wg.Wait()

	t.Run("control", func(t *testing.T) {
		require.Equal(t, ExitPassed, control.res.ExitCode, "the unbroken emulator fails the mutants' scenarios:\n%s", control.out)
		assert.GreaterOrEqual(t, len(control.res.Scenarios), len(runs))
	})
	for _, r := range runs {
		t.Run(r.name, func(t *testing.T) {
			require.Equal(t, ExitFailed, r.res.ExitCode, "%s (breaks %s) was not caught:\n%s", r.name, r.row, r.out)
			failed := r.res.Failed()
			require.NotEmpty(t, failed)
			for _, s := range failed {
				assert.Contains(t, s.Rows, r.row, "failing scenario %q", s.Name)
			}
			assert.Contains(t, r.res.FailedRows(), r.row)
			assert.Regexp(t, `(?m)^rows failed: (.* )?`+r.row+`( |$)`, r.out, "the summary names the row")
			t.Logf("%s: %d of %d @%s scenarios failed", r.name, len(failed), len(r.res.Scenarios), r.row)
		})
	}
}

func sortedRows(m map[string][]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return rowLess(out[i], out[j]) })
	return out
}
