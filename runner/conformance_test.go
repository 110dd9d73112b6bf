package runner

import (
	"bytes"
	"context"
	"flag"
	"io"
	"os"
	"slices"
	"testing"

	"github.com/ciam-harness/listjobs/result"
	"github.com/ciam-harness/listjobs/vocab"
	"github.com/cucumber/godog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// godogOpts receives the -godog.* flags of `go test ./runner` (e.g. -godog.tags=@S1,
// -godog.format=pretty, -godog.concurrency=1, -godog.random). godog.BindFlags needs a
// variable that outlives flag parsing; only TestConformance reads it. Strict mode is
// always on, whatever -godog.strict says.
var godogOpts = godog.Options{Format: "progress", Concurrency: DefaultConcurrency}

func init() { godog.BindFlags("godog.", flag.CommandLine, &godogOpts) }

// suiteOutput is where godog's output goes: the terminal with -v, else a buffer that is
// shown when the run fails.
func suiteOutput(t *testing.T) (io.Writer, func() string) {
	if testing.Verbose() {
		return os.Stdout, func() string { return "(output above)" }
	}
	var buf bytes.Buffer
	return &buf, buf.String
}

// TestConformance runs the whole suite against the embedded emulator, each scenario a
// subtest: `go test ./runner -run TestConformance -godog.tags=@S1 -v`.
func TestConformance(t *testing.T) {
	t.Parallel()
	cfg := DefaultConfig()
	cfg.Tags = godogOpts.Tags
	cfg.Format = godogOpts.Format
	cfg.Concurrency = godogOpts.Concurrency
	cfg.Seed = godogOpts.Randomize
	cfg.OutDir = t.TempDir()
	cfg.TestingT = t
	out, text := suiteOutput(t)
	var stderr bytes.Buffer
	res := Run(context.Background(), cfg, out, &stderr)
	if res.ExitCode != ExitPassed {
		t.Fatalf("exit %d: %v\n%s\n%s", res.ExitCode, res.Err, stderr.String(), text())
	}
}

// TestRunEmbedded is the same run through Run alone, as the command does it: exit 0,
// every selected scenario passed, each result tagged with its contract rows, and every
// report written (the default --reports).
func TestRunEmbedded(t *testing.T) {
	t.Parallel()
	cfg := DefaultConfig()
	cfg.Tags = godogOpts.Tags
	cfg.Format = "progress"
	cfg.OutDir = t.TempDir()
	out, text := suiteOutput(t)
	var stderr bytes.Buffer
	res := Run(context.Background(), cfg, out, &stderr)
	require.Equal(t, ExitPassed, res.ExitCode, "%v\n%s\n%s", res.Err, stderr.String(), text())
	require.NotEmpty(t, res.Scenarios)
	rows := map[string]bool{}
	for _, s := range res.Scenarios {
		if slices.Contains(s.Tags, vocab.TagSDKRetry) {
			// The SDK's own retry: the sdk driver's (TestRunSDK), skipped here with the reason.
			assert.Equal(t, result.Skipped, s.Status, "%s:%d %s", s.Feature, s.Line, s.Name)
			assert.Contains(t, s.Reason, "--driver sdk", s.Name)
			continue
		}
		assert.Equal(t, result.Passed, s.Status, "%s:%d %s: %s", s.Feature, s.Line, s.Name, s.Error)
		for _, r := range s.Rows {
			rows[r] = true
		}
	}
	if cfg.Tags == "" {
		for _, r := range []string{"T1", "T8", "A2", "P4", "S1", "S2", "S5", "J4", "R1"} {
			assert.True(t, rows[r], "no scenario carries @%s", r)
		}
	}
	checkEveryReport(t, cfg.OutDir, res)
}
