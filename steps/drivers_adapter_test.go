package steps_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciam-harness/listjobs/driver"
	"github.com/ciam-harness/listjobs/driver/drivertest"
	"github.com/ciam-harness/listjobs/emulator"
	"github.com/ciam-harness/listjobs/features"
	"github.com/ciam-harness/listjobs/plan"
	"github.com/ciam-harness/listjobs/steps"
	"github.com/ciam-harness/listjobs/vocab"
	"github.com/ciam-harness/listjobs/wire"
)

// TestExecDriver: scenarios through the Go test adapter (a real one: it signs and sends
// each intent) pass against the reference emulator, the @wire ones are skipped with
// the catalogue's reason, and what the adapter's SDK cannot do (signature v1) too.
//
// Not parallel, nor TestExecDriverFails: their rate-limit bursts must be answered
// within one second, and so must those of the tests they would run beside.
func TestExecDriver(t *testing.T) {
	target := adapterTarget(t, "ok", emulator.Config{RateLimit: emulator.DefaultRateLimit}, 0)
	status, outcomes := runDriver(t, target, features.FS, "@S1,@S2,@T7,@T8,@A1,@A7,@P1,@P2,@P3,@P5,@R3,@sdk-retry")
	assert.Equal(t, 0, status, failures(outcomes))
	ran, v1 := 0, 0
	for _, o := range outcomes {
		switch {
		case o.skipped == "":
			ran++
		case strings.Contains(o.skipped, "does not sign with HmacSHA"):
			v1++
			assert.Contains(t, o.skipped, "cannot run the step")
		default:
			assert.Contains(t, o.tags, vocab.TagWire, "%s: skipped (%s)", o.name, o.skipped)
		}
	}
	assert.Positive(t, ran)
	assert.Positive(t, v1, "no scenario was skipped for the adapter's missing signature v1")
	assert.Contains(t, target.Driver.Client(), "go-test adapter")
}

// TestExecDriverFails: what the adapter's SDK reports of a broken endpoint fails the
// scenario, as with the sdk driver.
func TestExecDriverFails(t *testing.T) {
	cases := []struct {
		name, tags, message string
		cfg                 emulator.Config
	}{
		{"no RequestId", "@T8", `T8: Response.RequestId = ""; want a non-empty string`, emulator.Config{Wrap: rewriteBodies(rewriteJSON(func(r map[string]any) { delete(r, "RequestId") }))}},
		{"another error code", "@T7&&~@fault-injection", `.Other"; want "`, emulator.Config{Wrap: rewriteBodies(rewriteJSON(func(r map[string]any) {
			if e, ok := r["Error"].(map[string]any); ok {
				e["Code"] = e["Code"].(string) + ".Other"
			}
		}))}},
		{"no rate limit", "@sdk-retry", "succeeded after the SDK retried them", emulator.Config{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, outcomes := runDriver(t, adapterTarget(t, "ok", c.cfg, 0), features.FS, c.tags)
			assert.NotEqual(t, 0, status, "the exec driver passed against a broken emulator")
			assert.Contains(t, failures(outcomes), c.message)
		})
	}
}

// TestAdapterMisreports: an adapter whose SDK reports another RequestId than the
// response it saw fails the check (the raw exchange holds it to account).
func TestAdapterMisreports(t *testing.T) {
	t.Parallel()
	status, outcomes := runDriver(t, adapterTarget(t, "misreport", emulator.Config{}, 0), features.FS, "@S2")
	assert.NotEqual(t, 0, status)
	assert.Contains(t, failures(outcomes), "it misreports the response it decoded")
}

// TestAdapterStart: an adapter that dies, hangs or babbles before its hello is an
// error naming it (exit 2 for the runner), never a hang.
func TestAdapterStart(t *testing.T) {
	t.Parallel()
	for mode, want := range map[string]string{
		"dead":        "exited (exit status 7); its stderr ends: adapter: cannot load its SDK",
		"silent":      "wrote no hello within 1s",
		"not-json":    "its first line is not a JSON hello",
		"protocol-9":  "speaks protocol 9; the harness speaks 1",
		"anonymous":   "its hello does not name the adapter, the SDK and the SDK's version",
		"overlong":    "wrote a line over 4096 bytes",
		"no-such-cmd": "does not start",
	} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			argv := []string{"/nonexistent/adapter"}
			if mode != "no-such-cmd" {
				var err error
				argv, err = drivertest.Argv(mode)
				require.NoError(t, err)
			}
			a, err := driver.StartAdapter(context.Background(), argv, driver.AdapterOptions{Timeout: time.Second, Hello: time.Second, MaxLine: 4096})
			if a != nil {
				_ = a.Close()
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), want)
			assert.Contains(t, err.Error(), "adapter")
			assert.NotContains(t, err.Error(), drivertest.LeakedSecret, "a secret from the adapter's stderr is in the error")
		})
	}
}

// TestAdapterBreaksMidRun: an adapter that dies, hangs (past the request's timeout)
// or babbles (a line that is not JSON, an unknown id, a line over the bound) after its
// hello fails the scenario naming the adapter, and every later one at once.
func TestAdapterBreaksMidRun(t *testing.T) {
	t.Parallel()
	for mode, want := range map[string]string{
		"die":        "exited (exit status 3)",
		"hang":       "within 6s (the request's timeout of 1 s and 5s)",
		"garbage":    "wrote a line that is not an outcome",
		"unknown-id": `answered the id "999", which is not in flight`,
		"overlong":   "wrote a line over 4096 bytes",
	} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			if mode == "overlong" {
				mode = "overlong-outcome"
			}
			target := startTarget(t, emulator.Config{})
			argv, err := drivertest.Argv(mode)
			require.NoError(t, err)
			a, err := driver.StartAdapter(context.Background(), argv, driver.AdapterOptions{Timeout: time.Second, MaxLine: 4096})
			require.NoError(t, err)
			t.Cleanup(func() { _ = a.Close() })
			target.Driver = driver.AdapterDriver("exec:test", a, driver.Env{Target: wire.Target{BaseURL: target.BaseURL, Region: target.Region}, Timeout: time.Second})
			status, outcomes := runDriver(t, target, features.FS, "@S2")
			assert.NotEqual(t, 0, status)
			msgs := failures(outcomes)
			assert.Contains(t, msgs, want)
			assert.Contains(t, msgs, "go-test adapter, go-test-sdk 0.0.1 failed")
			assert.NotContains(t, msgs, drivertest.LeakedSecret)
		})
	}
}

// TestAdapterSecrets: an adapter that echoes the secret key and the token in its
// errors, its raw exchange and its stderr: none of it reaches the harness's messages or
// reports.
func TestAdapterSecrets(t *testing.T) {
	t.Parallel()
	target := adapterTarget(t, "leak", emulator.Config{}, 0)
	status, outcomes := runDriver(t, target, features.FS, "@S2,@A8")
	assert.NotEqual(t, 0, status)
	msgs := failures(outcomes)
	require.NotEmpty(t, msgs)
	for _, c := range defaultFixture(t).Credentials {
		assert.NotContains(t, msgs, c.SecretKey)
		if c.Token != "" {
			assert.NotContains(t, msgs, c.Token)
		}
	}
	assert.Contains(t, msgs, "<redacted>")
}

// TestNeeds: the catalogue's Needs trait names what the suite's scenarios need of an
// SDK beyond a TC3 POST: GET, signature v1 with each method, the SDK's own retry (not
// for a client that retries 0 times), headers and a language.
func TestNeeds(t *testing.T) {
	t.Parallel()
	p, err := plan.Build(features.FS)
	require.NoError(t, err)
	cat := steps.Steps()
	seen := map[driver.Need]bool{}
	for _, sc := range p.Scenarios {
		for _, n := range cat.Analyze(sc.Tags, sc.Steps).Needs {
			assert.NotEmpty(t, n.Step)
			if n.Kind == driver.NeedRetry {
				assert.NotContains(t, n.Step, "RateLimitExceededMaxRetries 0")
			}
			n.Step = ""
			seen[n] = true
		}
	}
	for _, n := range []driver.Need{
		{Kind: driver.NeedMethod, Value: "GET"},
		{Kind: driver.NeedSignMethod, Value: "HmacSHA1"},
		{Kind: driver.NeedSignMethod, Value: "HmacSHA256"},
		{Kind: driver.NeedRetry},
		{Kind: driver.NeedHeader, Value: "X-TC-Action"},
		{Kind: driver.NeedHeader, Value: "X-TC-Region"},
		{Kind: driver.NeedHeader, Value: "X-TC-Language"},
		{Kind: driver.NeedLanguage, Value: "en-US"},
	} {
		assert.True(t, seen[n], "no scenario needs %+v", n)
	}
}

// TestExecDriverListJobsOnly: with Target.ListJobsOnly, an adapter is never asked to
// send another action (its SDK's HTTP client is not the runner's guarded one).
func TestExecDriverListJobsOnly(t *testing.T) {
	t.Parallel()
	target := startTarget(t, emulator.Config{})
	name, err := drivertest.Driver("ok")
	require.NoError(t, err)
	require.NoError(t, open(t, name, &target, 0, true))
	status, outcomes := runDriver(t, target, features.FS, "@P1")
	assert.NotEqual(t, 0, status)
	assert.Contains(t, failures(outcomes), `the action "NoSuchAction" is not sent to this endpoint`)
}
