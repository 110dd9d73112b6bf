package runner

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	listjobs "github.com/ciam-harness/listjobs"
	"github.com/ciam-harness/listjobs/emulator"
	"github.com/ciam-harness/listjobs/fixture"
	"github.com/ciam-harness/listjobs/mutants"
	"github.com/ciam-harness/listjobs/result"
)

// TestOneWrongStatusFailsJ2Alone: an endpoint whose data matches the vendor's fixture
// but for one job's Status fails J2 and no other row, though the scenarios that catch it
// are tagged with J1-J8 too: each failure is blamed on the rows of the checks that
// failed (exact attribution), in the summary, the NDJSON log and the exit code.
func TestOneWrongStatusFailsJ2Alone(t *testing.T) {
	fx, err := fixture.Read(bytes.NewReader(listjobs.DefaultFixture))
	require.NoError(t, err)
	// The endpoint serves the fixture with the first job of every store "DONE".
	served, err := fixture.Read(bytes.NewReader(listjobs.DefaultFixture))
	require.NoError(t, err)
	for i := range served.UserStores {
		st := &served.UserStores[i]
		if len(st.Jobs) == 0 {
			continue
		}
		var job map[string]json.RawMessage
		require.NoError(t, json.Unmarshal(st.Jobs[0].Raw, &job))
		job["Status"] = json.RawMessage(`"DONE"`)
		st.Jobs[0].Raw, err = json.Marshal(job)
		require.NoError(t, err)
	}
	srv, err := emulator.Start(emulator.Config{Fixture: served, RateLimit: emulator.DefaultRateLimit})
	require.NoError(t, err)
	t.Cleanup(func() { srv.Close() })

	primary, _ := fx.Credential("primary")
	cfg := DefaultConfig()
	cfg.Endpoint, cfg.SecretID, cfg.SecretKey = srv.URL, primary.SecretID, primary.SecretKey
	cfg.Fixture = fx
	cfg.Tags, cfg.Format, cfg.OutDir = "@J1,@J2,@J3,@J4,@J5,@J6,@J7,@J8,@S1,@S2", "progress", t.TempDir()
	res, stdout, stderr := runCfg(t, cfg)
	require.Equal(t, ExitFailed, res.ExitCode, "%v\n%s\n%s", res.Err, stdout, stderr)

	failedRows := res.FailedRows()
	assert.Equal(t, []string{"J2"}, sortedRows(failedRows), stdout)
	var multi int
	for _, s := range res.Failed() {
		assert.Equal(t, []string{"J2"}, s.Failures(), "%s: %s", s.Name, s.Error)
		if len(s.Rows) > 1 {
			multi++
		}
	}
	assert.Positive(t, multi, "a scenario tagged with several rows failed, and only J2 is blamed")
	verdicts := result.RowVerdicts(res.Scenarios)
	for row, st := range verdicts {
		if row == "J2" {
			assert.Equal(t, result.Failed, st)
			continue
		}
		assert.Equal(t, result.Passed, st, "row %s", row)
	}
	assert.Contains(t, stdout, "rows failed: J2\n")
	log, err := os.ReadFile(filepath.Join(cfg.OutDir, "results.ndjson"))
	require.NoError(t, err)
	for _, line := range strings.Split(strings.TrimSpace(string(log)), "\n") {
		if strings.Contains(line, `"failure"`) {
			assert.Contains(t, line, `"failure":{"rows":["J2"]`)
		}
	}
}

// TestInvariantBrokenForGETOnlyFailsT5: an endpoint that breaks an invariant of every
// response for one kind of request only (text/plain answers to GET) fails T5 in the
// scenarios that send a GET, whatever they are about; their own rows, judged by their
// own checks to the end, still pass.
func TestInvariantBrokenForGETOnlyFailsT5(t *testing.T) {
	m, ok := mutants.ByName("content-type-text-on-get")
	require.True(t, ok)
	fx, err := fixture.Read(bytes.NewReader(listjobs.DefaultFixture))
	require.NoError(t, err)
	srv, err := m.Start(fx)
	require.NoError(t, err)
	t.Cleanup(func() { srv.Close() })
	primary, _ := fx.Credential("primary")
	cfg := DefaultConfig()
	cfg.Endpoint, cfg.SecretID, cfg.SecretKey, cfg.Fixture = srv.URL, primary.SecretID, primary.SecretKey, fx
	cfg.Tags, cfg.Format, cfg.Reports = "@T2,@A7", "progress", "none"
	res, stdout, stderr := runCfg(t, cfg)
	require.Equal(t, ExitFailed, res.ExitCode, "%v\n%s\n%s", res.Err, stdout, stderr)
	assert.Equal(t, []string{"T5"}, sortedRows(res.FailedRows()), stdout)
	verdicts := result.RowVerdicts(res.Scenarios)
	assert.Equal(t, result.Failed, verdicts["T5"])
	assert.Equal(t, result.Passed, verdicts["T2"], "the GET scenarios' own checks passed")
	for _, s := range res.Failed() {
		assert.True(t, s.Finished, "%s: every step ran", s.Name)
		assert.Contains(t, s.Error, "break rows that hold for every response")
	}
}
