package runner

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	reportpkg "github.com/ciam-harness/listjobs/report"
	"github.com/ciam-harness/listjobs/result"
)

// idFeature is ledgerFeature with case ids, an outline among them.
const idFeature = `Feature: ids
  @S1 @id:S1-passes
  Scenario: passes
    Given it passes

  @S2 @id:S2-fails
  Scenario: fails
    Given it fails with "JobSet has 6 jobs; want 2"

  @J4 @id:J4-rows
  Scenario Outline: row <n>
    Given <step>

    Examples:
      | n | step                                   |
      | 1 | it passes                              |
      | 2 | it fails with "CreatedDate in seconds" |
`

func writeLedgerJSON(t *testing.T, doc string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "known.json")
	require.NoError(t, os.WriteFile(path, []byte(doc), 0o644))
	return path
}

// Every result carries its case id, an outline row its outline's and its number, and
// the reports print them.
func TestRunRecordsCaseIDs(t *testing.T) {
	cfg := fakeConfig(t, okServer(t).URL, map[string]string{"ids.feature": idFeature})
	res, stdout, stderr := runCfg(t, cfg)
	require.Equal(t, ExitFailed, res.ExitCode, "%s\n%s", stdout, stderr)
	ids := map[string]string{}
	for _, s := range res.Scenarios {
		ids[s.Name] = s.ID
	}
	assert.Equal(t, map[string]string{"passes": "S1-passes", "fails": "S2-fails", "row 1": "J4-rows/1", "row 2": "J4-rows/2"}, ids)
	ndjson, err := os.ReadFile(filepath.Join(cfg.OutDir, reportpkg.NDJSONFile))
	require.NoError(t, err)
	assert.Contains(t, string(ndjson), `{"id":"J4-rows/2","feature":"ids.feature","line":17,"name":"row 2",`)
	junit, err := os.ReadFile(filepath.Join(cfg.OutDir, reportpkg.JUnitFile))
	require.NoError(t, err)
	assert.Contains(t, string(junit), `<testcase name="[J4-rows/2] row 2" classname="ids.feature"`)
}

// A ledger keyed by ids: a listed failure is known, an id the suite lacks fails the run
// as a listed name it lacks does, and an id that is no case id makes the ledger invalid.
func TestRunLedgerByID(t *testing.T) {
	cfg := fakeConfig(t, okServer(t).URL, map[string]string{"ids.feature": idFeature})
	cfg.KnownFailures = writeLedgerJSON(t, `{"knownFailures": [{"id": "S2-fails", "reason": "VX-1"}, {"id": "J4-rows/2", "reason": "VX-2"}]}`)
	res, stdout, stderr := runCfg(t, cfg)
	require.Equal(t, ExitPassed, res.ExitCode, "%s\n%s", stdout, stderr)
	assert.Equal(t, result.KnownFailure, byName(t, res, "row 2").Status)
	assert.Equal(t, "VX-2", byName(t, res, "row 2").Reason)
	assert.NotContains(t, stderr, "names a scenario by its name")

	cfg.KnownFailures = writeLedgerJSON(t, `{"knownFailures": [{"id": "S2-fails", "reason": "VX-1"}, {"id": "J4-rows/2", "reason": "VX-2"}, {"id": "J4-rows/3", "reason": "VX-3"}]}`)
	res, _, _ = runCfg(t, cfg)
	assert.Equal(t, ExitFailed, res.ExitCode)
	require.Len(t, res.Problems, 1)
	assert.Contains(t, res.Problems[0], "J4-rows/3 is listed as a known failure but the suite has no such scenario")

	cfg.KnownFailures = writeLedgerJSON(t, `{"knownFailures": [{"id": "S2 fails", "reason": "VX-1"}]}`)
	res, stdout, stderr = runCfg(t, cfg)
	assert.Equal(t, ExitUsage, res.ExitCode)
	assert.Contains(t, stderr, `"id" "S2 fails" is not a case id`)
	assert.Empty(t, stdout)
}

// A ledger written before the ids, by feature and scenario name, still loads and judges
// the run as before; each entry gets a deprecation note, on stderr and in the reports.
func TestRunLedgerByNameStillLoads(t *testing.T) {
	cfg := fakeConfig(t, okServer(t).URL, map[string]string{"ids.feature": idFeature})
	cfg.KnownFailures = writeLedgerJSON(t, `{"knownFailures": [{"feature": "ids.feature", "scenario": "fails", "reason": "VX-1"}, {"feature": "ids.feature", "scenario": "row 2", "reason": "VX-2"}]}`)
	res, stdout, stderr := runCfg(t, cfg)
	require.Equal(t, ExitPassed, res.ExitCode, "%s\n%s", stdout, stderr)
	assert.Equal(t, result.KnownFailure, byName(t, res, "fails").Status)
	assert.Equal(t, result.KnownFailure, byName(t, res, "row 2").Status)
	note := `ledger entry knownFailures[1] (ids.feature: "row 2") names a scenario by its name; key it by its id "J4-rows/2"`
	assert.Contains(t, stderr, "conformance: known-failure ledger "+cfg.KnownFailures+": "+note)
	assert.Contains(t, stderr, `(ids.feature: "fails") names a scenario by its name; key it by its id "S2-fails"`)
	var m struct{ KnownFailures reportpkg.LedgerInfo }
	b, err := os.ReadFile(filepath.Join(cfg.OutDir, reportpkg.ManifestFile))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &m))
	require.Len(t, m.KnownFailures.Notes, 2)
	assert.Contains(t, m.KnownFailures.Notes[1], note)
	md, err := os.ReadFile(filepath.Join(cfg.OutDir, reportpkg.MarkdownFile))
	require.NoError(t, err)
	assert.Contains(t, string(md), "deprecation notes")
}
