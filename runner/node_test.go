package runner

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciam-harness/listjobs/mutants"
	"github.com/ciam-harness/listjobs/result"
)

// needNode skips the test without the Node adapter installed, or fails it when CI is
// set.
func needNode(t *testing.T) { needAdapter(t, "node") }

// TestRunNode: the Node.js SDK's adapter passes scenarios of jobs and errors against
// the embedded emulator; the result, the summary and the manifest name the adapter and
// the SDK's version.
func TestRunNode(t *testing.T) {
	t.Parallel()
	needNode(t)
	cfg := DefaultConfig()
	cfg.Driver = choice(t, "node")
	cfg.Tags = "@S1,@S2,@T7,@A7,@A8,@P1"
	cfg.Format = "progress"
	cfg.Reports = "manifest"
	cfg.OutDir = t.TempDir()
	var stdout, stderr bytes.Buffer
	res := Run(context.Background(), cfg, &stdout, &stderr)
	require.Equal(t, ExitPassed, res.ExitCode, "%v\n%s\n%s", res.Err, stderr.String(), stdout.String())
	assert.Equal(t, "node", res.Driver)
	assert.Contains(t, res.SDK, "node adapter, tencentcloud-sdk-nodejs 4.1.313")
	assert.Contains(t, stdout.String(), "driver: node, node adapter, tencentcloud-sdk-nodejs 4.1.313")
	manifest, err := os.ReadFile(filepath.Join(cfg.OutDir, "manifest.json"))
	require.NoError(t, err)
	assert.Contains(t, string(manifest), `"sdk": "node adapter, tencentcloud-sdk-nodejs 4.1.313`)
	passed := 0
	for _, s := range res.Scenarios {
		if s.Status == result.Passed {
			passed++
		}
	}
	assert.Greater(t, passed, 30)
}

// TestRunNodeFails: against endpoints broken in ways the SDK can see, the Node adapter
// fails the run on the broken row.
func TestRunNodeFails(t *testing.T) {
	t.Parallel()
	needNode(t)
	fx := defaultFixture(t)
	for _, c := range []struct{ mutant, tags, row string }{
		{"requestid-missing", "@T8", "T8"},
		{"token-wrong-code", "@A8", "A8"},
		{"action-unchecked", "@P1", "P1"},
	} {
		t.Run(c.mutant, func(t *testing.T) {
			t.Parallel()
			m, ok := mutants.ByName(c.mutant)
			require.True(t, ok)
			srv, err := m.Start(fx)
			require.NoError(t, err)
			t.Cleanup(func() { _ = srv.Close() })
			cfg := foreignConfig(t, srv.URL, fx, c.tags)
			cfg.Driver, cfg.Reports, cfg.AllowInvalidActions = choice(t, "node"), "none", true
			var stdout, stderr bytes.Buffer
			res := Run(context.Background(), cfg, &stdout, &stderr)
			assert.Equal(t, ExitFailed, res.ExitCode, "%v\n%s", res.Err, stdout.String())
			assert.Contains(t, res.FailedRows(), c.row)
			assert.Contains(t, stdout.String(), "tencentcloud-sdk-nodejs 4.1.313")
		})
	}
}

// TestRunAdapterUsage: an adapter that cannot start, and --driver node without node
// on PATH, are exit 2 saying why.
func TestRunAdapterUsage(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Driver = choice(t, "exec:/nonexistent/adapter --flag")
	cfg.Reports = "none"
	var stdout, stderr bytes.Buffer
	res := Run(context.Background(), cfg, &stdout, &stderr)
	assert.Equal(t, ExitUsage, res.ExitCode)
	assert.Contains(t, stderr.String(), `adapter "/nonexistent/adapter --flag" does not start`)

	cfg.Driver = choice(t, "exec:sh -c 'echo not a hello'")
	stderr.Reset()
	res = Run(context.Background(), cfg, &stdout, &stderr)
	assert.Equal(t, ExitUsage, res.ExitCode)
	assert.Contains(t, stderr.String(), "its first line is not a JSON hello")

	t.Setenv("PATH", t.TempDir())
	cfg.Driver = choice(t, "node")
	stderr.Reset()
	res = Run(context.Background(), cfg, &stdout, &stderr)
	assert.Equal(t, ExitUsage, res.ExitCode)
	assert.True(t, strings.Contains(stderr.String(), "node is not on PATH"), stderr.String())
}
