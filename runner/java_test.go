package runner

import (
	"bytes"
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciam-harness/listjobs/driver"
	"github.com/ciam-harness/listjobs/emulator"
	"github.com/ciam-harness/listjobs/mutants"
	"github.com/ciam-harness/listjobs/result"
)

// The Java SDK's adapter (drivers/java: tencentcloud-sdk-java through its launcher,
// drivers/java/run): --driver java.

// javaSDK is how the Java adapter's hello names it.
const javaSDK = "java adapter, tencentcloud-sdk-java 3.1.1436"

// javaDriver returns the Java adapter's driver (--driver java: drivers/java/run). It
// skips the test when the adapter is not installed (drivers/java/install builds its jar),
// or fails it when CI is set.
func javaDriver(t *testing.T) driver.Choice {
	t.Helper()
	return needAdapter(t, "java")
}

// TestRunJava: the Java SDK's adapter passes scenarios of jobs, errors, signature v1,
// tokens and other actions against the embedded emulator; the result, the summary and
// the manifest name the adapter, the SDK and its version.
func TestRunJava(t *testing.T) {
	t.Parallel()
	drv := javaDriver(t)
	cfg := DefaultConfig()
	cfg.Driver = drv
	cfg.Tags = "@S1,@S2,@T7,@A7,@A8,@P1"
	cfg.Format = "progress"
	cfg.Reports = "manifest"
	cfg.OutDir = t.TempDir()
	var stdout, stderr bytes.Buffer
	res := Run(context.Background(), cfg, &stdout, &stderr)
	require.Equal(t, ExitPassed, res.ExitCode, "%v\n%s\n%s", res.Err, stderr.String(), stdout.String())
	assert.Equal(t, "java", res.Driver)
	assert.Contains(t, res.SDK, javaSDK)
	assert.Contains(t, stdout.String(), "every request goes through "+javaSDK)
	manifest, err := os.ReadFile(filepath.Join(cfg.OutDir, "manifest.json"))
	require.NoError(t, err)
	assert.Contains(t, string(manifest), `"sdk": "`+javaSDK)
	passed := 0
	for _, s := range res.Scenarios {
		if s.Status == result.Passed {
			passed++
		}
	}
	assert.Greater(t, passed, 30)
}

// TestRunJavaKnownFailures: drivers/java/known-failures.json is exact for the scenarios of
// its rows (a listed failure that passed, or an unlisted one, would fail the run).
func TestRunJavaKnownFailures(t *testing.T) {
	t.Parallel()
	drv := javaDriver(t)
	cfg := DefaultConfig()
	cfg.Driver = drv
	cfg.Tags = "@T1,@T4"
	cfg.Format = "progress"
	cfg.Reports = "none"
	cfg.KnownFailures = filepath.Join("..", "drivers", "java", "known-failures.json")
	var stdout, stderr bytes.Buffer
	res := Run(context.Background(), cfg, &stdout, &stderr)
	require.Equal(t, ExitPassed, res.ExitCode, "%v\n%s\n%s", res.Err, stderr.String(), stdout.String())
	assert.Contains(t, stdout.String(), "1 known failures")
}

// TestRunJavaFails: against endpoints broken in ways the SDK hands its caller, the Java
// adapter fails the run on the broken row.
func TestRunJavaFails(t *testing.T) {
	t.Parallel()
	drv := javaDriver(t)
	fx := defaultFixture(t)
	for _, c := range []struct{ mutant, tags, row string }{
		{"requestid-missing", "@T8", "T8"},
		{"token-wrong-code", "@A8", "A8"},
		{"action-unchecked", "@P1", "P1"},
		{"signature-v1-refused", "@A7", "A7"},
	} {
		t.Run(c.mutant, func(t *testing.T) {
			t.Parallel()
			m, ok := mutants.ByName(c.mutant)
			require.True(t, ok)
			srv, err := m.Start(fx)
			require.NoError(t, err)
			t.Cleanup(func() { _ = srv.Close() })
			cfg := foreignConfig(t, srv.URL, fx, c.tags)
			cfg.Driver, cfg.Reports, cfg.AllowInvalidActions = drv, "none", true
			var stdout, stderr bytes.Buffer
			res := Run(context.Background(), cfg, &stdout, &stderr)
			assert.Equal(t, ExitFailed, res.ExitCode, "%v\n%s", res.Err, stdout.String())
			assert.Contains(t, res.FailedRows(), c.row)
			assert.Contains(t, stdout.String(), "tencentcloud-sdk-java 3.1.1436")
		})
	}
}

// TestJavaKeepsSecrets runs scenarios of tokens, signature v1 (whose GET query carries the
// Signature and the Token) and failures (which attach their requests) through the Java
// adapter, with sentinel secret keys and tokens, against an emulator that breaks S2: no
// sentinel and no signature appears in stdout, stderr, any file under the out dir or any
// attachment. The adapter's own stdout and stderr are written there too, as it wrote
// them: the harness redacts what it takes of an adapter, but the adapter must not need it.
func TestJavaKeepsSecrets(t *testing.T) {
	t.Parallel()
	argv, err := javaDriver(t).Argv()
	require.NoError(t, err)
	fx, secrets := sentinelFixture(t)
	broken, ok := mutants.ByName("filter-ignored")
	require.True(t, ok)
	emu, err := emulator.New(broken.Config(fx))
	require.NoError(t, err)
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)

	out := t.TempDir()
	adapterErr := filepath.Join(out, "adapter-stderr.txt")
	adapterOut := filepath.Join(out, "adapter-stdout.ndjson")
	primary := fx.Credentials[0]
	cfg := DefaultConfig()
	cfg.Endpoint = srv.URL
	cfg.Fixture = fx
	cfg.SecretID, cfg.SecretKey, cfg.Token = primary.SecretID, primary.SecretKey, primary.Token
	cfg.Driver, err = driver.Parse(fmt.Sprintf(`exec:sh -c '"$0" 2>"$1" | tee "$2"' '%s' '%s' '%s'`, argv[0], adapterErr, adapterOut))
	require.NoError(t, err)
	cfg.Tags = "@A7,@A8,@S2,@T7"
	cfg.Format = "pretty,events"
	cfg.OutDir = out
	var stdout, stderr bytes.Buffer
	res := Run(context.Background(), cfg, &stdout, &stderr)
	require.Equal(t, ExitFailed, res.ExitCode, "the broken filter fails S2:\n%v\n%s", res.Err, stderr.String())
	require.Contains(t, res.FailedRows(), "S2")
	require.Contains(t, res.SDK, javaSDK)

	texts := map[string]string{"stdout": stdout.String(), "stderr": stderr.String(), "result": fmt.Sprintf("%+v", res)}
	require.NoError(t, filepath.WalkDir(out, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		texts[path] = string(b)
		return err
	}))
	require.Contains(t, texts, adapterErr)
	require.Contains(t, texts[adapterOut], `"requestHeaders"`, "the adapter's outcomes carry its round trips")
	require.Contains(t, texts[adapterOut], "X-TC-Token", "the requests carried a token")
	attachments := decodeAttachments(t, texts[filepath.Join(out, "cucumber.json")], texts[filepath.Join(out, "events.ndjson")])
	require.NotEmpty(t, attachments, "no attachment to search: the test would prove nothing")
	for name, body := range attachments {
		texts["attachment "+name] = body
	}
	// The adapter's round trips are in the reports, redacted: the request as the SDK sent it.
	assert.Contains(t, texts[filepath.Join(out, "report.html")], "X-Tc-Requestclient: SDK_JAVA_3.1.1436")
	assert.Contains(t, texts[filepath.Join(out, "report.html")], "Signature=")

	signature := regexp.MustCompile(`Signature=([0-9a-fA-F]{64}|[A-Za-z0-9+/%]{20,})`)
	for name, text := range texts {
		for _, secret := range secrets {
			assert.NotContains(t, text, secret, name)
		}
		assert.NotRegexp(t, signature, text, name)
		assert.NotContains(t, text, "SENTINEL", name)
	}
}
