package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	listjobs "github.com/ciam-harness/listjobs"
	"github.com/ciam-harness/listjobs/fixture"
	"github.com/ciam-harness/listjobs/signing"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func defaultFixture(t *testing.T) *fixture.Fixture {
	t.Helper()
	fx, err := fixture.Read(bytes.NewReader(listjobs.DefaultFixture))
	require.NoError(t, err)
	return fx
}

// listJobs sends a signed ListJobs POST and returns the Response object.
func listJobs(t *testing.T, url string, fx *fixture.Fixture, storeRole string) map[string]json.RawMessage {
	t.Helper()
	c, _ := fx.Credential("primary")
	s, _ := fx.UserStore(storeRole)
	body := []byte(`{"UserStoreId":"` + s.ID + `"}`)
	r, err := http.NewRequest("POST", url+"/", bytes.NewReader(body))
	require.NoError(t, err)
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("X-TC-Action", "ListJobs")
	r.Header.Set("X-TC-Version", "2022-03-31")
	r.Header.Set("X-TC-Region", "ap-guangzhou")
	signing.Sign(r, body, signing.Credential{SecretID: c.SecretID, SecretKey: c.SecretKey}, "ciam", time.Now().Unix(), nil)
	resp, err := http.DefaultClient.Do(r)
	require.NoError(t, err)
	defer resp.Body.Close()
	var env struct{ Response map[string]json.RawMessage }
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&env))
	return env.Response
}

// TestRunErrors: every startup problem is one line on stderr and exit status 2.
func TestRunErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte(`{"credentials": [`), 0o644))
	invalid := filepath.Join(dir, "invalid.json")
	require.NoError(t, os.WriteFile(invalid, []byte(`{"credentials":[{"secretId":"a"}],"userStores":[]}`), 0o644))
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer busy.Close()

	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"unknown flag", []string{"--nope"}, "flag provided but not defined"},
		{"bad rate limit", []string{"--rate-limit", "fast"}, "invalid value"},
		{"negative rate limit", []string{"--rate-limit", "-1"}, "negative"},
		{"bad seed", []string{"--seed", "-3"}, "invalid value"},
		{"extra argument", []string{"serve"}, "unexpected argument"},
		{"missing fixture", []string{"--fixture", filepath.Join(dir, "none.json")}, "no such file"},
		{"malformed fixture", []string{"--fixture", bad}, "not a valid fixture"},
		{"invalid fixture", []string{"--fixture", invalid}, "secretKey are required"},
		{"address in use", []string{"--addr", busy.Addr().String()}, "address already in use"},
		{"bad address", []string{"--addr", "nowhere"}, "missing port"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(tc.args, &stdout, &stderr, make(chan os.Signal))
			assert.Equal(t, 2, code)
			assert.Empty(t, stdout.String())
			line := stderr.String()
			assert.Regexp(t, `^ciam-emulator: [^\n]+\n$`, line, "one line")
			assert.Contains(t, line, tc.want)
		})
	}
	t.Run("help", func(t *testing.T) {
		var stdout, stderr bytes.Buffer
		assert.Equal(t, 0, run([]string{"--help"}, &stdout, &stderr, make(chan os.Signal)))
		assert.Contains(t, stdout.String(), "-rate-limit")
	})
}

// lineWriter hands the first line written to it to a channel.
// Only run's goroutine touches buf and sent; line is never reassigned.
type lineWriter struct {
	buf  bytes.Buffer
	sent bool
	line chan string
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.buf.Write(p)
	if i := bytes.IndexByte(w.buf.Bytes(), '\n'); i >= 0 && !w.sent {
		w.line <- w.buf.String()[:i]
		w.sent = true
	}
	return len(p), nil
}

// TestRunServes runs the command in-process: it serves, then stops on the signal with 0.
func TestRunServes(t *testing.T) {
	fx := defaultFixture(t)
	out := &lineWriter{line: make(chan string, 1)}
	var stderr bytes.Buffer
	stop := make(chan os.Signal, 1)
	done := make(chan int, 1)
	go func() {
		done <- run([]string{"--addr", "127.0.0.1:0", "--null-empty", "--seed", "7", "--rate-limit", "0"}, out, &stderr, stop)
	}()
	var line string
	select {
	case line = <-out.line:
	case code := <-done:
		t.Fatalf("exited %d: %s", code, stderr.String())
	case <-time.After(10 * time.Second):
		t.Fatal("no URL line")
	}
	m := regexp.MustCompile(`^ciam-emulator listening on (http://127\.0\.0\.1:\d+)$`).FindStringSubmatch(line)
	require.NotNil(t, m, line)
	assert.Equal(t, "null", string(listJobs(t, m[1], fx, "empty")["JobSet"]), "--null-empty")
	stop <- syscall.SIGTERM
	select {
	case code := <-done:
		assert.Equal(t, 0, code)
		assert.Empty(t, stderr.String())
	case <-time.After(10 * time.Second):
		t.Fatal("did not stop")
	}
}

// TestBinary builds the command and runs a real start, serve, SIGTERM/SIGINT cycle.
func TestBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "ciam-emulator")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Stderr = os.Stderr
	require.NoError(t, build.Run())
	fx := defaultFixture(t)

	for _, sig := range []os.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			cmd := exec.Command(bin, "--addr", "127.0.0.1:0")
			stdout, err := cmd.StdoutPipe()
			require.NoError(t, err)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			require.NoError(t, cmd.Start())
			defer func() { _ = cmd.Process.Kill() }()
			lines := bufio.NewReader(stdout)
			line, err := lines.ReadString('\n')
			require.NoError(t, err, "no URL line") // stderr is read only after Wait
			m := regexp.MustCompile(`^ciam-emulator listening on (http://127\.0\.0\.1:\d+)\n$`).FindStringSubmatch(line)
			require.NotNil(t, m, line)
			res := listJobs(t, m[1], fx, "varied")
			var jobs []json.RawMessage
			require.NoError(t, json.Unmarshal(res["JobSet"], &jobs))
			assert.Len(t, jobs, 6)
			assert.Equal(t, "[]", string(listJobs(t, m[1], fx, "empty")["JobSet"]))

			require.NoError(t, cmd.Process.Signal(sig))
			rest, _ := io.ReadAll(lines)
			err = cmd.Wait()
			require.NoError(t, err, "exit status; stderr %s", stderr.String())
			assert.Empty(t, strings.TrimSpace(string(rest)))
			assert.Empty(t, stderr.String())
		})
	}
	t.Run("address in use", func(t *testing.T) {
		busy, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		defer busy.Close()
		cmd := exec.Command(bin, "--addr", busy.Addr().String())
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err = cmd.Run()
		var exit *exec.ExitError
		require.ErrorAs(t, err, &exit)
		assert.Equal(t, 2, exit.ExitCode())
		assert.Regexp(t, `^ciam-emulator: [^\n]*address already in use\n$`, stderr.String())
	})
}
