package runner

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	listjobs "github.com/ciam-harness/listjobs"
	"github.com/ciam-harness/listjobs/emulator"
	"github.com/ciam-harness/listjobs/fixture"
	"github.com/ciam-harness/listjobs/result"
)

// --profile emulator, against an endpoint given by URL with a fixture, signs ordinary
// requests with the environment's key and every "primary" key of the fixture, and runs
// the invalid-action probes; --profile account (the default) signs with the one key and
// sends ListJobs only.
func TestProfiles(t *testing.T) {
	fx, err := fixture.Read(bytes.NewReader(listjobs.DefaultFixture))
	require.NoError(t, err)
	primaries := fx.CredentialsByRole(DefaultCredentialRole)
	require.Greater(t, len(primaries), 1, "the default fixture has several primary keys")
	cfg := DefaultConfig()
	cfg.Endpoint, cfg.SecretID, cfg.SecretKey = "http://127.0.0.1:9", primaries[0].SecretID, primaries[0].SecretKey

	keys, err := credentials(cfg, fx, false)
	require.NoError(t, err)
	assert.Len(t, keys, 1, "account: the environment's key only")

	cfg.Profile = ProfileEmulator
	keys, err = credentials(cfg, fx, false)
	require.NoError(t, err)
	require.Len(t, keys, len(primaries), "emulator: every primary key, the environment's first and once")
	assert.Equal(t, primaries[0].SecretID, keys[0].SecretID)
	keys, err = credentials(cfg, nil, false)
	require.NoError(t, err)
	assert.Len(t, keys, 1, "no fixture, no other key")

	// Only ListJobs goes out to a real account; the user's emulator takes the probes too.
	cfg.UserStoreID = "us-x"
	for profile, listJobsOnly := range map[string]bool{ProfileAccount: true, ProfileEmulator: false} {
		cfg.Profile = profile
		s, err := newSetup(cfg)
		require.NoError(t, err, profile)
		assert.Equal(t, listJobsOnly, s.listJobsOnly, profile)
	}
	cfg.Profile, cfg.AllowInvalidActions = ProfileAccount, true
	s, err := newSetup(cfg)
	require.NoError(t, err)
	assert.False(t, s.listJobsOnly, "--allow-invalid-actions")

	cfg.Profile = "vendor"
	_, err = newSetup(cfg)
	assert.ErrorContains(t, err, `--profile "vendor": want account or emulator`)
}

// A fixture key that the endpoint refuses stops the run at the pre-flight, saying that
// it is one of the fixture's keys.
func TestProfileEmulatorPreflightsEveryKey(t *testing.T) {
	fx, err := fixture.Read(bytes.NewReader(listjobs.DefaultFixture))
	require.NoError(t, err)
	served, err := fixture.Read(bytes.NewReader(listjobs.DefaultFixture))
	require.NoError(t, err)
	primaries := fx.CredentialsByRole(DefaultCredentialRole)
	for i := range served.Credentials { // the endpoint knows another secret for the second key
		if served.Credentials[i].SecretID == primaries[1].SecretID {
			served.Credentials[i].SecretKey = "another secret"
		}
	}
	srv, err := emulator.Start(emulator.Config{Fixture: served, RateLimit: emulator.DefaultRateLimit})
	require.NoError(t, err)
	t.Cleanup(func() { srv.Close() })
	cfg := DefaultConfig()
	cfg.Endpoint, cfg.SecretID, cfg.SecretKey = srv.URL, primaries[0].SecretID, primaries[0].SecretKey
	cfg.Fixture, cfg.Profile, cfg.Tags, cfg.Reports = fx, ProfileEmulator, "@S1", "none"
	res, stdout, stderr := runCfg(t, cfg)
	require.Equal(t, ExitUsage, res.ExitCode, stdout)
	assert.Contains(t, stderr, "pre-flight: the endpoint refused the key")
	assert.Contains(t, stderr, `one of the fixture's "primary" keys`)
	assert.NotContains(t, stderr+stdout, primaries[1].SecretKey)
	assert.Empty(t, res.Scenarios)
}

// TestForeignKeysWithTheEmbeddedEmulator: a developer's own key in the environment does
// not stop the embedded run: the emulator is run with its fixture's keys, and a note
// says so (without the key).
func TestForeignKeysWithTheEmbeddedEmulator(t *testing.T) {
	cfg := DefaultConfig()
	cfg.SecretID, cfg.SecretKey = "AKIDrealaccount000000000000000001", "the-real-secret-key-000000000001"
	cfg.Tags, cfg.Format, cfg.Reports = "@S1&&~@fixture", "progress", "none"
	res, stdout, stderr := runCfg(t, cfg)
	require.Equal(t, ExitPassed, res.ExitCode, "%v\n%s\n%s", res.Err, stdout, stderr)
	assert.Contains(t, stderr, "is not a key of the embedded emulator's fixture")
	assert.NotContains(t, stdout+stderr, cfg.SecretKey)

	fx, err := fixture.Read(bytes.NewReader(listjobs.DefaultFixture))
	require.NoError(t, err)
	keys, err := credentials(cfg, fx, true)
	require.NoError(t, err)
	assert.Len(t, keys, len(fx.CredentialsByRole(DefaultCredentialRole)), "every primary key, the foreign one left aside")
	second := fx.CredentialsByRole(DefaultCredentialRole)[1]
	cfg.SecretID, cfg.SecretKey = second.SecretID, second.SecretKey
	keys, err = credentials(cfg, fx, true)
	require.NoError(t, err)
	require.Len(t, keys, 1, "a fixture key of the environment signs alone (to run as that role)")
	assert.Equal(t, second.SecretID, keys[0].SecretID)
}

// --list prints the selected scenarios and runs none; --name selects by name, and godog
// runs exactly those.
func TestListAndName(t *testing.T) {
	cfg := DefaultConfig()
	cfg.List, cfg.Name, cfg.Format, cfg.Reports = true, "near miss", "progress", "none"
	res, stdout, stderr := runCfg(t, cfg)
	require.Equal(t, ExitPassed, res.ExitCode, stderr)
	assert.Empty(t, res.Scenarios, "nothing ran")
	assert.Contains(t, stdout, "filtering.feature:")
	assert.Contains(t, stdout, "A near miss of a job's id (another case) matches no job\t[S2 S3]")
	assert.NotContains(t, stdout, "rate-limit.feature")
	assert.Regexp(t, `\n\d+ scenarios\n`, stdout)

	cfg.List = false
	cfg.Name = `^A near miss of a job's id \(a proper prefix\)`
	res, stdout, stderr = runCfg(t, cfg)
	require.Equal(t, ExitPassed, res.ExitCode, "%s\n%s", stdout, stderr)
	require.Len(t, res.Scenarios, 1)
	assert.Equal(t, result.Passed, res.Scenarios[0].Status)

	cfg.Name = "("
	res, _, stderr = runCfg(t, cfg)
	assert.Equal(t, ExitUsage, res.ExitCode)
	assert.Contains(t, stderr, `--name "(": not a regular expression`)
	cfg.Name = "no scenario is called this"
	res, _, stderr = runCfg(t, cfg)
	assert.Equal(t, ExitUsage, res.ExitCode)
	assert.Contains(t, stderr, "no scenario matches")
}

// With scenarios run at once, the pretty output is one whole block per scenario: each
// scenario's lines follow its header, never another scenario's.
func TestPrettyBlocksDoNotInterleave(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Tags, cfg.Reports, cfg.Concurrency = "@S2,@P5", "none", 8
	res, stdout, stderr := runCfg(t, cfg)
	require.Equal(t, ExitPassed, res.ExitCode, stderr)
	blocks := strings.Split(strings.TrimSpace(strings.SplitN(stdout, "\n== ListJobs conformance", 2)[0]), "\n\n")
	require.Len(t, blocks, len(res.Scenarios), stdout)
	byName := map[string]result.Scenario{}
	for _, s := range res.Scenarios {
		byName[s.Name] = s
	}
	for _, b := range blocks {
		lines := strings.Split(b, "\n")
		require.True(t, strings.HasPrefix(lines[0], "Scenario: "), b)
		name, _, _ := strings.Cut(strings.TrimPrefix(lines[0], "Scenario: "), " # ")
		s, ok := byName[name]
		require.True(t, ok, lines[0])
		require.Len(t, lines, 1+len(s.Steps), b)
		for i, st := range s.Steps {
			assert.Equal(t, "  "+st.Keyword+st.Text+" # "+string(st.Status), lines[1+i])
		}
	}
	assert.Contains(t, block(result.Scenario{Name: "x", Feature: "f", Line: 3, Status: result.Skipped, Reason: "why"}), "  skipped: why\n")
}
