package runner

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciam-harness/listjobs/driver"
	"github.com/ciam-harness/listjobs/mutants"
	"github.com/ciam-harness/listjobs/result"
	"github.com/ciam-harness/listjobs/vocab"
)

// TestRunSDK runs the whole suite through the official Go SDK against the embedded
// emulator, as `DRIVER=sdk make conformance` does: exit 0, every scenario not tagged
// @wire passed (the @sdk-retry ones included), every @wire one skipped with its reason,
// and the summary names the SDK under test and counts the skipped scenarios by reason.
//
// It runs in two parts, the clock-bound scenarios first and alone (their bursts must be
// sent and answered within one second, and under the race detector the SDK's decoding
// of the 3000-job listings beside them would take the CPUs), then the others; and it is
// not parallel, so that no other whole-suite run of the package shares the CPUs.
func TestRunSDK(t *testing.T) {
	var results []result.Scenario
	var summary string
	for _, part := range []string{ClockBoundTag, "~" + ClockBoundTag} {
		cfg := DefaultConfig()
		cfg.Driver = choice(t, "sdk")
		cfg.Tags = part
		if godogOpts.Tags != "" { // (a OR b) AND part, as godog reads it: a&&part,b&&part
			alternatives := strings.Split(godogOpts.Tags, ",")
			for i := range alternatives {
				alternatives[i] += "&&" + part
			}
			cfg.Tags = strings.Join(alternatives, ",")
		}
		cfg.Format = "progress"
		cfg.Reports = "none"
		cfg.OutDir = t.TempDir()
		var stdout, stderr bytes.Buffer
		res := Run(context.Background(), cfg, &stdout, &stderr)
		if res.ExitCode == ExitUsage && godogOpts.Tags != "" {
			continue // the -godog.tags filter selects nothing in this part
		}
		require.Equal(t, ExitPassed, res.ExitCode, "%s: %v\n%s\n%s", part, res.Err, stderr.String(), stdout.String())
		assert.Equal(t, "sdk", res.Driver)
		assert.True(t, strings.HasPrefix(res.SDK, driver.SDKModule+" v"), res.SDK)
		assert.Contains(t, stdout.String(), "driver: sdk, "+res.SDK+"\n")
		results = append(results, res.Scenarios...)
		summary = stdout.String()
		t.Logf("%s: %d scenarios in %s", part, len(res.Scenarios), res.Duration.Round(time.Millisecond))
	}
	require.NotEmpty(t, results)

	wire, passed, retry := 0, 0, 0
	for _, s := range results {
		if slices.Contains(s.Tags, vocab.TagWire) {
			wire++
			assert.Equal(t, result.Skipped, s.Status, "%s:%d %s", s.Feature, s.Line, s.Name)
			assert.Contains(t, s.Reason, "needs the wire driver: ", s.Name)
			continue
		}
		if slices.Contains(s.Tags, vocab.TagSDKRetry) {
			retry++
		}
		passed++
		assert.Equal(t, result.Passed, s.Status, "%s:%d %s: %s", s.Feature, s.Line, s.Name, s.Error)
	}
	if godogOpts.Tags == "" {
		assert.Positive(t, wire)
		assert.Equal(t, 2, retry, "the @sdk-retry scenarios ran")
		assert.GreaterOrEqual(t, passed, 120)
		// Every @wire scenario is outside the clock-bound part: the second summary counts them all.
		assert.Contains(t, summary, fmt.Sprintf("skipped by reason: %d need the wire driver", wire))
		assert.Contains(t, summary, "scenarios skipped, and why:\n")
	}
	t.Logf("sdk driver: %d passed, %d @wire skipped", passed, wire)
}

func TestParseFlagsDriver(t *testing.T) {
	cfg, err := ParseFlags(nil, env(map[string]string{EnvDriver: "sdk"}), nil)
	require.NoError(t, err)
	assert.Equal(t, "sdk", cfg.Driver.String())
	cfg, err = ParseFlags([]string{"--driver", "wire"}, env(map[string]string{EnvDriver: "sdk"}), nil)
	require.NoError(t, err)
	assert.Equal(t, "wire", cfg.Driver.String(), "the flag wins")
	assert.Contains(t, cfg.String(), `driver="wire"`)

	_, err = ParseFlags([]string{"--driver", "GRPC"}, env(nil), nil)
	assert.ErrorContains(t, err, `driver "GRPC": want wire, sdk, the name of an adapter of drivers`)
	bad := DefaultConfig()
	bad.Driver = choice(t, "grpc")
	var stderr bytes.Buffer
	res := Run(context.Background(), bad, &bytes.Buffer{}, &stderr)
	assert.Equal(t, ExitUsage, res.ExitCode)
	assert.Contains(t, stderr.String(), `--driver grpc: no adapter drivers/grpc/run`)
}

// TestRunSDKFails: against an endpoint whose answers lack the RequestId (T8), the sdk
// driver fails the run on the T8 scenarios, as the wire driver does.
func TestRunSDKFails(t *testing.T) {
	t.Parallel()
	fx := defaultFixture(t)
	m, ok := mutants.ByName("requestid-missing")
	require.True(t, ok)
	srv, err := m.Start(fx)
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	for _, driver := range []string{"wire", "sdk"} {
		cfg := foreignConfig(t, srv.URL, fx, "@T8")
		cfg.Driver, cfg.Reports = choice(t, driver), "none"
		var stdout, stderr bytes.Buffer
		res := Run(context.Background(), cfg, &stdout, &stderr)
		assert.Equal(t, ExitFailed, res.ExitCode, "%s driver: %v\n%s", driver, res.Err, stdout.String())
		assert.Contains(t, res.FailedRows(), "T8", "%s driver", driver)
		assert.Contains(t, stdout.String(), "T8: Response.RequestId", "%s driver", driver)
	}
}
