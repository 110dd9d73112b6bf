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

// The SDK adapters of drivers/ (DRIVERS.md), each run as --driver NAME once
// drivers/NAME/install has installed its client: without it a test is skipped, or
// failed when CI is set (.ci/run installs every one with make drivers).

// adapter is what the runner's tests ask of one adapter.
type adapter struct {
	name string // --driver NAME
	sdk  string // how its hello names it, with the client's version
	// client is the start of the X-TC-RequestClient its SDK sends.
	client string
	// tags are rows of scenarios it passes against the embedded emulator, with its
	// known-failure ledger (drivers/NAME/known-failures.json) when known says how
	// many of them it lists ("" when none).
	tags, known string
	// passed is the fewest scenarios of tags that must pass (the others are skipped
	// through it, or known failures).
	passed int
	// breaks are mutants it must fail on their row (tags: the scenarios run).
	breaks []adapterBreak
	// secretTags are the rows TestAdaptersKeepSecrets runs: tokens, signature v1 where
	// it has it, and S2, which the emulator there breaks so that failures attach the
	// requests the adapter recorded.
	secretTags string
}

// adapterBreak is a mutant an adapter must fail on its row.
type adapterBreak struct{ mutant, tags, row string }

// adapters are the adapters of drivers/.
var adapters = []adapter{
	{name: "java", sdk: "java adapter, tencentcloud-sdk-java 3.1.1436", client: "SDK_JAVA_3.1.1436",
		tags: "@S1,@S2,@T7,@A7,@A8,@P1", passed: 30, secretTags: "@A7,@A8,@S2,@T7",
		breaks: []adapterBreak{{"requestid-missing", "@T8", "T8"}, {"token-wrong-code", "@A8", "A8"}, {"action-unchecked", "@P1", "P1"}, {"signature-v1-refused", "@A7", "A7"}}},
	{name: "node", sdk: "node adapter, tencentcloud-sdk-nodejs 4.1.313", client: "SDK_NODEJS_4.1.313",
		tags: "@S1,@S2,@T7,@A7,@A8,@P1", passed: 30, secretTags: "@A8,@S2,@T7",
		breaks: []adapterBreak{{"requestid-missing", "@T8", "T8"}, {"token-wrong-code", "@A8", "A8"}, {"action-unchecked", "@P1", "P1"}}},
	{name: "python", sdk: "python adapter, tencentcloud-sdk-python 3.1.97", client: "SDK_PYTHON_3.1.97",
		tags: "@S1,@S2,@T7,@A7,@A8,@P1", passed: 30, secretTags: "@S2,@A7,@A8,@A2",
		breaks: []adapterBreak{{"requestid-missing", "@T8", "T8"}, {"token-wrong-code", "@A8", "A8"}, {"action-unchecked", "@P1", "P1"}, {"jobset-null", "@S5", "S5"}, {"format-lowercase", "@J5", "J5"}}},
	{name: "tccli", sdk: "tccli adapter, tccli 3.1.189.1", client: "SDK_PYTHON_3.1.189; _CLI_3.1.189.1",
		tags: "@S1,@S2,@S5,@T7,@T8,@A2,@A4,@A8,@P4,@P5,@P6,@P8", known: "3 known failures", passed: 40, secretTags: "@S2,@A8,@A2,@P8",
		breaks: []adapterBreak{{"requestid-missing", "@T8", "T8"}, {"token-wrong-code", "@A8", "A8"}, {"filter-ignored", "@S2", "S2"}, {"jobset-object", "@S5", "S5"}, {"unknown-store-empty-list", "@P8", "P8"}}},
}

// TestRunAdapters: each adapter passes scenarios of its rows against the embedded
// emulator (with its ledger, exactly: a listed failure that passed, or an unlisted one,
// would fail the run); the result, the summary and the manifest name the adapter and
// its client's version.
func TestRunAdapters(t *testing.T) {
	t.Parallel()
	for _, a := range adapters {
		t.Run(a.name, func(t *testing.T) {
			t.Parallel()
			cfg := DefaultConfig()
			cfg.Driver = needAdapter(t, a.name)
			cfg.Tags = a.tags
			if a.known != "" {
				cfg.KnownFailures = filepath.Join("..", "drivers", a.name, "known-failures.json")
			}
			cfg.Format, cfg.Reports, cfg.OutDir = "progress", "manifest", t.TempDir()
			var stdout, stderr bytes.Buffer
			res := Run(context.Background(), cfg, &stdout, &stderr)
			require.Equal(t, ExitPassed, res.ExitCode, "%v\n%s\n%s", res.Err, stderr.String(), stdout.String())
			assert.Equal(t, a.name, res.Driver)
			assert.Contains(t, res.SDK, a.sdk)
			assert.Contains(t, stdout.String(), "every request goes through "+a.sdk)
			if a.known != "" {
				assert.Contains(t, stdout.String(), a.known)
			}
			manifest, err := os.ReadFile(filepath.Join(cfg.OutDir, "manifest.json"))
			require.NoError(t, err)
			assert.Contains(t, string(manifest), `"sdk": "`+a.sdk)
			passed := 0
			for _, s := range res.Scenarios {
				if s.Status == result.Passed {
					passed++
				}
			}
			assert.Greater(t, passed, a.passed)
		})
	}
}

// TestRunAdaptersFail: against endpoints broken in ways an SDK's caller can see, each
// adapter fails the run on the broken row.
func TestRunAdaptersFail(t *testing.T) {
	t.Parallel()
	fx := defaultFixture(t)
	for _, a := range adapters {
		for _, b := range a.breaks {
			t.Run(a.name+"/"+b.mutant, func(t *testing.T) {
				t.Parallel()
				drv := needAdapter(t, a.name)
				m, ok := mutants.ByName(b.mutant)
				require.True(t, ok)
				srv, err := m.Start(fx)
				require.NoError(t, err)
				t.Cleanup(func() { _ = srv.Close() })
				cfg := foreignConfig(t, srv.URL, fx, b.tags)
				cfg.Driver, cfg.Reports, cfg.AllowInvalidActions = drv, "none", true
				var stdout, stderr bytes.Buffer
				res := Run(context.Background(), cfg, &stdout, &stderr)
				assert.Equal(t, ExitFailed, res.ExitCode, "%v\n%s", res.Err, stdout.String())
				assert.Contains(t, res.FailedRows(), b.row)
				assert.Contains(t, stdout.String(), a.sdk)
			})
		}
	}
}

// TestAdaptersKeepSecrets runs scenarios of tokens, signature v1 (whose GET query carries
// the Signature and the Token) and failures (which attach their requests) through each
// adapter, with sentinel secret keys and tokens, against an emulator that breaks S2: no
// sentinel and no signature appears in stdout, stderr, any file under the out folder or
// any attachment. The adapter's own stdout and stderr are written there too, as it wrote
// them: the harness redacts what it takes of an adapter, but the adapter must not need it.
func TestAdaptersKeepSecrets(t *testing.T) {
	t.Parallel()
	for _, a := range adapters {
		t.Run(a.name, func(t *testing.T) {
			t.Parallel()
			argv, err := needAdapter(t, a.name).Argv()
			require.NoError(t, err)
			fx, secrets := sentinelFixture(t)
			broken, ok := mutants.ByName("filter-ignored")
			require.True(t, ok)
			emu, err := emulator.New(broken.Config(fx))
			require.NoError(t, err)
			srv := httptest.NewServer(emu)
			t.Cleanup(srv.Close)

			out := t.TempDir()
			adapterErr, adapterOut := filepath.Join(out, "adapter-stderr.txt"), filepath.Join(out, "adapter-stdout.ndjson")
			primary := fx.Credentials[0]
			require.NotEmpty(t, primary.Token)
			cfg := DefaultConfig()
			cfg.Endpoint, cfg.Fixture = srv.URL, fx
			cfg.SecretID, cfg.SecretKey, cfg.Token = primary.SecretID, primary.SecretKey, primary.Token
			cfg.Driver = choice(t, fmt.Sprintf(`exec:sh -c '"$0" 2>"$1" | tee "$2"' '%s' '%s' '%s'`, argv[0], adapterErr, adapterOut))
			cfg.Tags, cfg.Format, cfg.OutDir = a.secretTags, "pretty,events", out
			var stdout, stderr bytes.Buffer
			res := Run(context.Background(), cfg, &stdout, &stderr)
			require.Equal(t, ExitFailed, res.ExitCode, "the broken filter fails S2:\n%v\n%s", res.Err, stderr.String())
			require.Contains(t, res.FailedRows(), "S2")
			require.Contains(t, res.SDK, a.sdk)

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
			// What the test searches holds what it must not find a secret in: the
			// adapter's outcomes with the requests it sent, a token among them, and the
			// failures' attachments with those requests (else it would prove nothing).
			require.Regexp(t, `"type": ?"outcome"`, texts[adapterOut][:min(len(texts[adapterOut]), 2000)], "the adapter's stdout holds its outcomes")
			require.True(t, strings.Contains(texts[adapterOut], "X-TC-Token"), "the requests carried a token")
			attachments := decodeAttachments(t, texts[filepath.Join(out, "cucumber.json")], texts[filepath.Join(out, "events.ndjson")])
			require.NotEmpty(t, attachments, "no attachment to search")
			sent := 0
			for name, body := range attachments {
				texts["attachment "+name] = body
				if strings.Contains(body, "X-Tc-Requestclient: "+a.client) {
					sent++
				}
			}
			assert.Positive(t, sent, "the failures carry the requests the SDK sent, as the adapter recorded them")

			signature := regexp.MustCompile(`Signature=([0-9a-fA-F]{64}|[A-Za-z0-9+/%]{20,})`)
			for name, text := range texts {
				for _, secret := range append(secrets, "SENTINEL") {
					assert.False(t, strings.Contains(text, secret), "%s holds %s", name, secret)
				}
				assert.False(t, signature.MatchString(text), "%s holds a signature: %s", name, signature.FindString(text))
			}
		})
	}
}

// TestRunJavaKnownFailures: drivers/java/known-failures.json is exact for the scenarios of
// its rows (a listed failure that passed, or an unlisted one, would fail the run).
func TestRunJavaKnownFailures(t *testing.T) {
	t.Parallel()
	drv := needAdapter(t, "java")
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

// TestTccliAdapterUnitTests runs the adapter's own unittest tests (drivers/tccli/test),
// so that make test and CI run them too.
func TestTccliAdapterUnitTests(t *testing.T) {
	t.Parallel()
	needAdapter(t, "tccli")
	out, err := exec.Command(filepath.Join("..", "drivers", "tccli", "test")).CombinedOutput()
	require.NoError(t, err, "drivers/tccli/test:\n%s", out)
	assert.Regexp(t, `(?m)^Ran \d+ tests in .*\n\nOK`, string(out))
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
