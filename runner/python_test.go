package runner

import (
	"bytes"
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciam-harness/listjobs/emulator"
	"github.com/ciam-harness/listjobs/mutants"
	"github.com/ciam-harness/listjobs/result"
)

// The Python SDK's adapter (drivers/python, DRIVERS.md), run as --driver exec:<its
// launcher> once drivers/python/install has made its venv.

// pythonSDK is the SDK and version the Python adapter names in its hello.
const pythonSDK = "python adapter, tencentcloud-sdk-python 3.1.97"

// pythonRun returns the Python adapter's launcher, an absolute path. Without the install
// the test is skipped, or failed when CI is set (.ci/run installs it).
func pythonRun(t *testing.T) string {
	t.Helper()
	argv, err := needAdapter(t, "python").Argv()
	require.NoError(t, err)
	return argv[0]
}

// TestRunPython: the Python SDK's adapter passes scenarios of jobs, errors, signature v1,
// tokens and another action against the embedded emulator; the result, the summary and
// the manifest name the adapter and the SDK's version.
func TestRunPython(t *testing.T) {
	t.Parallel()
	needAdapter(t, "python")
	cfg := DefaultConfig()
	cfg.Driver = choice(t, "python")
	cfg.Tags = "@S1,@S2,@T7,@A7,@A8,@P1"
	cfg.Format = "progress"
	cfg.Reports = "manifest"
	cfg.OutDir = t.TempDir()
	var stdout, stderr bytes.Buffer
	res := Run(context.Background(), cfg, &stdout, &stderr)
	require.Equal(t, ExitPassed, res.ExitCode, "%v\n%s\n%s", res.Err, stderr.String(), stdout.String())
	assert.Contains(t, res.SDK, pythonSDK)
	assert.Contains(t, stdout.String(), pythonSDK)
	manifest, err := os.ReadFile(filepath.Join(cfg.OutDir, "manifest.json"))
	require.NoError(t, err)
	assert.Contains(t, string(manifest), `"sdk": "`+pythonSDK)
	passed := 0
	for _, s := range res.Scenarios {
		if s.Status == result.Passed {
			passed++
		}
	}
	assert.Greater(t, passed, 30)
}

// TestRunPythonFails: against endpoints broken in ways the SDK can see, the Python
// adapter fails the run on the broken row.
func TestRunPythonFails(t *testing.T) {
	t.Parallel()
	needAdapter(t, "python")
	fx := defaultFixture(t)
	for _, c := range []struct{ mutant, tags, row string }{
		{"requestid-missing", "@T8", "T8"},
		{"token-wrong-code", "@A8", "A8"},
		{"action-unchecked", "@P1", "P1"},
		{"jobset-null", "@S5", "S5"},
		{"format-lowercase", "@J5", "J5"},
	} {
		t.Run(c.mutant, func(t *testing.T) {
			t.Parallel()
			m, ok := mutants.ByName(c.mutant)
			require.True(t, ok)
			srv, err := m.Start(fx)
			require.NoError(t, err)
			t.Cleanup(func() { _ = srv.Close() })
			cfg := foreignConfig(t, srv.URL, fx, c.tags)
			cfg.Driver, cfg.Reports, cfg.AllowInvalidActions = choice(t, "python"), "none", true
			var stdout, stderr bytes.Buffer
			res := Run(context.Background(), cfg, &stdout, &stderr)
			assert.Equal(t, ExitFailed, res.ExitCode, "%v\n%s", res.Err, stdout.String())
			assert.Contains(t, res.FailedRows(), c.row)
			assert.Contains(t, stdout.String(), pythonSDK)
		})
	}
}

// TestPythonSecrets: with sentinel secret keys and tokens, through the Python adapter
// against an emulator that breaks S2 (so failures attach their requests), with scenarios
// of signature v1 GETs (whose URL holds the Signature and the Token) and tokens, no
// sentinel and no signature appears in stdout, stderr, any file under the out dir, nor
// in what the adapter itself wrote (its stdout and stderr, kept there by a tee).
func TestPythonSecrets(t *testing.T) {
	t.Parallel()
	run := pythonRun(t)
	if _, err := exec.LookPath("tee"); err != nil {
		t.Skip("no tee on PATH")
	}
	fx, secrets := sentinelFixture(t)
	ignoreFilter, ok := mutants.ByName("filter-ignored")
	require.True(t, ok)
	emu, err := emulator.New(ignoreFilter.Config(fx))
	require.NoError(t, err)
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)

	primary := fx.Credentials[0]
	require.NotEmpty(t, primary.Token)
	cfg := DefaultConfig()
	cfg.Endpoint = srv.URL
	cfg.Fixture = fx
	cfg.SecretID, cfg.SecretKey, cfg.Token = primary.SecretID, primary.SecretKey, primary.Token
	cfg.Tags = "@S2,@A7,@A8,@A2"
	cfg.Format = "pretty,events"
	cfg.OutDir = t.TempDir()
	transcript := filepath.Join(cfg.OutDir, "adapter")
	cfg.Driver = choice(t, fmt.Sprintf("exec:sh -c '%s 2>%s.stderr | tee %s.stdout'", run, transcript, transcript))
	var stdout, stderr bytes.Buffer
	res := Run(context.Background(), cfg, &stdout, &stderr)
	require.Equal(t, ExitFailed, res.ExitCode, "the broken filter fails S2:\n%v\n%s", res.Err, stderr.String())
	require.Contains(t, res.FailedRows(), "S2")
	assert.Contains(t, stdout.String(), pythonSDK)

	texts := map[string]string{"stdout": stdout.String(), "stderr": stderr.String(), "result": fmt.Sprintf("%+v", res)}
	files, err := os.ReadDir(cfg.OutDir)
	require.NoError(t, err)
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(cfg.OutDir, f.Name()))
		require.NoError(t, err)
		texts[f.Name()] = string(b)
	}
	for name, body := range decodeAttachments(t, texts["cucumber.json"], texts["events.ndjson"]) {
		texts["attachment "+name] = body
	}
	// The adapter's transcript holds signature v1 round trips, their secrets redacted: a
	// test that finds nothing to redact would prove nothing.
	for _, want := range []string{`"type":"outcome"`, "Token=<redacted>", "Signature=<redacted>", "X-TC-Token"} {
		require.True(t, strings.Contains(texts["adapter.stdout"], want), "the adapter's stdout has no %s", want)
	}
	// Messages name the file and the secret, not the (long) text.
	signature := regexp.MustCompile(`Signature=([0-9a-fA-F]{64}|[A-Za-z0-9+/%]{20,})`)
	for name, text := range texts {
		for _, secret := range append(secrets, "SENTINEL") {
			assert.False(t, strings.Contains(text, secret), "%s holds %s", name, secret)
		}
		assert.False(t, signature.MatchString(text), "%s holds a signature: %s", name, signature.FindString(text))
	}
}
