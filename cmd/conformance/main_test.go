package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	listjobs "github.com/ciam-harness/listjobs"
	"github.com/ciam-harness/listjobs/fixture"
	"github.com/ciam-harness/listjobs/mutants"
)

// runMainEnv makes the test binary run main() instead of the tests, so the tests see
// the command's real exit codes without building it separately.
const runMainEnv = "CONFORMANCE_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(runMainEnv) == "1" {
		main()
		os.Exit(0) // main always exits itself; this is a safety net
	}
	os.Exit(m.Run())
}

// command runs the command with args and only the given variables (plus PATH, HOME
// and the Go cache): the developer's CIAM_* or TENCENTCLOUD_* do not leak in.
func command(t *testing.T, env []string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = []string{runMainEnv + "=1", "PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
	cmd.Env = append(cmd.Env, env...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		code = 0
	case errors.As(err, &exit):
		code = exit.ExitCode()
	default:
		t.Fatalf("running the command: %v", err)
	}
	return code, out.String(), errOut.String()
}

func defaultFixture(t *testing.T) *fixture.Fixture {
	t.Helper()
	fx, err := fixture.Read(bytes.NewReader(listjobs.DefaultFixture))
	require.NoError(t, err)
	return fx
}

func TestHelp(t *testing.T) {
	code, stdout, stderr := command(t, nil, "--help")
	assert.Equal(t, 0, code)
	assert.Empty(t, stderr)
	for _, s := range []string{"--endpoint", "CIAM_ENDPOINT", "--region", "TENCENTCLOUD_REGION", "--fixture", "CIAM_FIXTURE",
		"--user-store", "CIAM_USER_STORE_ID", "--tags", "CIAM_TAGS", "--format", "--out", "CIAM_OUT", "--concurrency",
		"--timeout", "--seed", "TENCENTCLOUD_SECRET_ID", "TENCENTCLOUD_SECRET_KEY"} {
		assert.Contains(t, stdout, s)
	}
}

func TestPassesOnTheEmbeddedEmulator(t *testing.T) {
	out := t.TempDir()
	code, stdout, stderr := command(t, nil, "--tags", "@T1,@S1", "--format", "progress,junit", "--out", out)
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	assert.Contains(t, stdout, "PASS (exit 0)")
	_, err := os.Stat(filepath.Join(out, "junit.xml"))
	assert.NoError(t, err)
}

func TestUsageErrorsExit2(t *testing.T) {
	fx := defaultFixture(t)
	primary, _ := fx.Credential("primary")
	creds := []string{"TENCENTCLOUD_SECRET_ID=" + primary.SecretID, "TENCENTCLOUD_SECRET_KEY=" + primary.SecretKey}
	cases := []struct {
		name string
		env  []string
		args []string
		want string
	}{
		{"cucumber tag expression", nil, []string{"--tags", "@S1 and not @assumed"}, `is not @tag or ~@tag`},
		{"trailing comma", nil, []string{"--tags", "@S1,"}, `empty alternative`},
		{"tags from the environment", []string{"CIAM_TAGS=not @slow"}, nil, `--tags "not @slow"`},
		{"no scenario selected", nil, []string{"--tags", "@no-such-tag"}, `no scenario matches --tags "@no-such-tag"`},
		{"unreachable endpoint", creds, []string{"--endpoint", "http://127.0.0.1:1", "--user-store", "us-x"}, "endpoint http://127.0.0.1:1 could not be reached: "},
		{"endpoint not a URL", creds, []string{"--endpoint", "127.0.0.1:9000", "--user-store", "us-x"}, "is not an http(s) URL"},
		{"foreign endpoint without credentials", nil, []string{"--endpoint", "http://127.0.0.1:1", "--user-store", "us-x"}, "needs credentials"},
		{"unknown flag", nil, []string{"--secret-key", "x"}, "flag provided but not defined: -secret-key"},
		{"invalid fixture", nil, []string{"--fixture", "main.go"}, "--fixture: fixture main.go: not a valid fixture"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := command(t, tc.env, tc.args...)
			assert.Equal(t, 2, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
			assert.Contains(t, stderr, tc.want)
			assert.Equal(t, 1, strings.Count(stderr, "\n"), "one line: %q", stderr)
			assert.Empty(t, stdout)
		})
	}
}

func TestFailsAgainstABrokenEndpoint(t *testing.T) {
	fx := defaultFixture(t)
	primary, _ := fx.Credential("primary")
	m, ok := mutants.ByName("filter-ignored")
	require.True(t, ok)
	srv, err := m.Start(fx)
	require.NoError(t, err)
	t.Cleanup(func() { srv.Close() })

	env := []string{"TENCENTCLOUD_SECRET_ID=" + primary.SecretID, "TENCENTCLOUD_SECRET_KEY=" + primary.SecretKey, "CIAM_ENDPOINT=" + srv.URL}
	args := []string{"--fixture", filepath.Join("..", "..", "testdata", "fixture.json"), "--tags", "@S2", "--format", "progress", "--out", t.TempDir()}
	code, stdout, stderr := command(t, env, args...)
	require.Equal(t, 1, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	assert.Contains(t, stdout, "rows failed: S2")
	assert.NotContains(t, stdout+stderr, primary.SecretKey)
}
