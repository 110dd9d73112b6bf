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

	"github.com/ciam-harness/listjobs/driver"
	"github.com/ciam-harness/listjobs/emulator"
	"github.com/ciam-harness/listjobs/mutants"
	"github.com/ciam-harness/listjobs/result"
)

// The tccli adapter (drivers/tccli): tccli 3.1.189.1 run in-process per intent, its
// dependencies installed by drivers/tccli/install into drivers/tccli/.venv.

const tccliSDK = "tccli adapter, tccli 3.1.189.1"

// tccliDriver returns the tccli adapter's driver. It skips the test when the adapter is
// not installed, or fails it when CI is set (.ci/run installs it).
func tccliDriver(t *testing.T) driver.Choice {
	t.Helper()
	return needAdapter(t, "tccli")
}

// TestRunTccli: tccli passes scenarios of listing, filtering, errors, temporary keys
// and parameter types against the embedded emulator, with its known failures (P6:
// it drops an undefined parameter) as its ledger says; the result, the summary and
// the manifest name the adapter and tccli's version.
func TestRunTccli(t *testing.T) {
	t.Parallel()
	drv := tccliDriver(t)
	cfg := DefaultConfig()
	cfg.Driver = drv
	cfg.Tags = "@S1,@S2,@S5,@T7,@T8,@A2,@A4,@A8,@P4,@P5,@P6,@P8"
	cfg.KnownFailures = filepath.Join("..", "drivers", "tccli", "known-failures.json")
	cfg.Format = "progress"
	cfg.Reports = "manifest"
	cfg.OutDir = t.TempDir()
	var stdout, stderr bytes.Buffer
	res := Run(context.Background(), cfg, &stdout, &stderr)
	require.Equal(t, ExitPassed, res.ExitCode, "%v\n%s\n%s", res.Err, stderr.String(), stdout.String())
	assert.Equal(t, "tccli", res.Driver)
	assert.Contains(t, res.SDK, tccliSDK)
	assert.Contains(t, stdout.String(), "every request goes through "+tccliSDK)
	assert.Contains(t, stdout.String(), "3 known failures")
	manifest, err := os.ReadFile(filepath.Join(cfg.OutDir, "manifest.json"))
	require.NoError(t, err)
	assert.Contains(t, string(manifest), `"sdk": "`+tccliSDK)
	counts := map[result.Status]int{}
	for _, s := range res.Scenarios {
		counts[s.Status]++
	}
	assert.Greater(t, counts[result.Passed], 40, "%v", counts)
}

// TestRunTccliFails: against endpoints broken in ways tccli's users can see, the run
// through tccli fails on the broken row.
func TestRunTccliFails(t *testing.T) {
	t.Parallel()
	drv := tccliDriver(t)
	fx := defaultFixture(t)
	for _, c := range []struct{ mutant, tags, row string }{
		{"requestid-missing", "@T8", "T8"},
		{"token-wrong-code", "@A8", "A8"},
		{"filter-ignored", "@S2", "S2"},
		{"jobset-object", "@S5", "S5"},
		{"unknown-store-empty-list", "@P8", "P8"},
	} {
		t.Run(c.mutant, func(t *testing.T) {
			t.Parallel()
			m, ok := mutants.ByName(c.mutant)
			require.True(t, ok)
			srv, err := m.Start(fx)
			require.NoError(t, err)
			t.Cleanup(func() { _ = srv.Close() })
			cfg := foreignConfig(t, srv.URL, fx, c.tags)
			cfg.Driver, cfg.Reports = drv, "none"
			var stdout, stderr bytes.Buffer
			res := Run(context.Background(), cfg, &stdout, &stderr)
			assert.Equal(t, ExitFailed, res.ExitCode, "%v\n%s", res.Err, stdout.String())
			assert.Contains(t, res.FailedRows(), c.row)
			assert.Contains(t, stdout.String(), tccliSDK)
		})
	}
}

// TestTccliSecrets: with sentinel secret keys and tokens, against an emulator that
// breaks S2 (so that failures attach the requests tccli sent, as the adapter
// recorded them), no secret key, token or signature appears in stdout, stderr or any
// file under the out folder.
func TestTccliSecrets(t *testing.T) {
	t.Parallel()
	drv := tccliDriver(t)
	fx, secrets := sentinelFixture(t)
	broken, ok := mutants.ByName("filter-ignored")
	require.True(t, ok)
	emu, err := emulator.New(broken.Config(fx))
	require.NoError(t, err)
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	primary := fx.Credentials[0]
	cfg := DefaultConfig()
	cfg.Endpoint, cfg.Fixture, cfg.Driver = srv.URL, fx, drv
	cfg.SecretID, cfg.SecretKey, cfg.Token = primary.SecretID, primary.SecretKey, primary.Token
	cfg.Tags = "@S2,@A8,@A2,@P8"
	cfg.Format = "pretty,events"
	cfg.OutDir = t.TempDir()
	var stdout, stderr bytes.Buffer
	res := Run(context.Background(), cfg, &stdout, &stderr)
	require.Equal(t, ExitFailed, res.ExitCode, "the broken filter fails S2:\n%v\n%s", res.Err, stderr.String())
	require.Contains(t, res.FailedRows(), "S2")

	texts := map[string]string{"stdout": stdout.String(), "stderr": stderr.String(), "result": fmt.Sprintf("%+v", res)}
	require.NoError(t, filepath.WalkDir(cfg.OutDir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		texts[path] = string(b)
		return err
	}))
	require.Greater(t, len(texts), 5, "the reports were written")
	attachments := decodeAttachments(t, texts[filepath.Join(cfg.OutDir, "cucumber.json")], texts[filepath.Join(cfg.OutDir, "events.ndjson")])
	require.NotEmpty(t, attachments, "no attachment to search: the test would prove nothing")
	for name, body := range attachments {
		texts["attachment "+name] = body
	}
	sent := 0
	for _, body := range attachments {
		if strings.Contains(body, "X-Tc-Requestclient: SDK_PYTHON_3.1.189; _CLI_3.1.189.1") {
			sent++
		}
	}
	assert.Positive(t, sent, "the failures carry the requests tccli sent, as the adapter recorded them")
	signature := regexp.MustCompile(`Signature=([0-9a-fA-F]{64}|[A-Za-z0-9+/%]{20,})`)
	for name, text := range texts {
		for _, secret := range secrets {
			assert.NotContains(t, text, secret, name)
		}
		assert.NotRegexp(t, signature, text, name)
		assert.NotContains(t, text, "SENTINEL", name)
	}
}

// TestTccliAdapterUnitTests runs the adapter's own unittest tests (drivers/tccli/test),
// so that make test and CI run them too.
func TestTccliAdapterUnitTests(t *testing.T) {
	t.Parallel()
	tccliDriver(t)
	out, err := exec.Command(filepath.Join("..", "drivers", "tccli", "test")).CombinedOutput()
	require.NoError(t, err, "drivers/tccli/test:\n%s", out)
	assert.Regexp(t, `(?m)^Ran \d+ tests in .*\n\nOK`, string(out))
}
