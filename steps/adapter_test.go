package steps_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciam-harness/listjobs/emulator"
	"github.com/ciam-harness/listjobs/features"
	"github.com/ciam-harness/listjobs/plan"
	"github.com/ciam-harness/listjobs/signing"
	"github.com/ciam-harness/listjobs/steps"
)

// The adapter protocol (DRIVERS.md) is tested with an adapter written in Go: this test
// binary itself, run with testAdapterEnv set to a mode (the helper-process pattern).
// Nothing here is Node-specific: the Node adapter has its own tests (runner, emulator).

const testAdapterEnv = "STEPS_TEST_ADAPTER"

func TestMain(m *testing.M) {
	if mode := os.Getenv(testAdapterEnv); mode != "" {
		os.Exit(testAdapter(mode))
	}
	os.Exit(m.Run())
}

// adapterDriver is the exec driver that runs this binary as an adapter in mode.
func adapterDriver(t *testing.T, mode string) (steps.Driver, []string) {
	t.Helper()
	exe, err := os.Executable()
	require.NoError(t, err)
	argv := []string{"env", testAdapterEnv + "=" + mode, exe}
	return steps.Driver(steps.DriverExecPrefix + strings.Join(argv, " ")), argv
}

// startAdapter starts this binary as an adapter in mode, closed when the test ends.
func startAdapter(t *testing.T, mode string, opt steps.AdapterOptions) (*steps.Adapter, steps.Driver, error) {
	t.Helper()
	d, argv := adapterDriver(t, mode)
	if opt.Timeout == 0 {
		opt.Timeout = 10 * time.Second
	}
	a, err := steps.StartAdapter(argv, opt)
	if a != nil {
		t.Cleanup(func() { _ = a.Close() })
	}
	return a, d, err
}

// adapterTarget starts an emulator and an adapter in mode, and returns a target for
// its exec driver.
func adapterTarget(t *testing.T, mode string, cfg emulator.Config, timeout time.Duration) steps.Target {
	t.Helper()
	target := startTarget(t, cfg)
	a, d, err := startAdapter(t, mode, steps.AdapterOptions{Timeout: timeout})
	require.NoError(t, err)
	target.Driver, target.Adapter = d, a
	if timeout > 0 {
		target.Client = &http.Client{Timeout: timeout}
	}
	return target
}

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
			assert.Contains(t, o.skipped, "go-test adapter, go-test-sdk 0.0.1 cannot run the step")
		default:
			assert.Contains(t, o.tags, steps.TagWire, "%s: skipped (%s)", o.name, o.skipped)
		}
	}
	assert.Positive(t, ran)
	assert.Positive(t, v1, "no scenario was skipped for the adapter's missing signature v1")
	assert.Equal(t, "go-test", target.Adapter.Hello().Adapter)
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
			var err error
			if mode == "no-such-cmd" {
				_, err = steps.StartAdapter([]string{"/nonexistent/adapter"}, steps.AdapterOptions{Timeout: time.Second})
			} else {
				_, _, err = startAdapter(t, mode, steps.AdapterOptions{Timeout: time.Second, Hello: time.Second, MaxLine: 4096})
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), want)
			assert.Contains(t, err.Error(), "adapter")
			assert.NotContains(t, err.Error(), leakedSecret, "a secret from the adapter's stderr is in the error")
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
			a, d, err := startAdapter(t, mode, steps.AdapterOptions{Timeout: time.Second, MaxLine: 4096})
			require.NoError(t, err)
			target.Driver, target.Adapter, target.Client = d, a, &http.Client{Timeout: time.Second}
			status, outcomes := runDriver(t, target, features.FS, "@S2")
			assert.NotEqual(t, 0, status)
			msgs := failures(outcomes)
			assert.Contains(t, msgs, want)
			assert.Contains(t, msgs, "go-test adapter, go-test-sdk 0.0.1 failed")
			assert.NotContains(t, msgs, leakedSecret)
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

// TestParseExecDriver: exec:CMD ARGS splits as a shell splits words, without a shell.
func TestParseExecDriver(t *testing.T) {
	t.Parallel()
	for line, want := range map[string][]string{
		`node drivers/node/adapter.js`:     {"node", "drivers/node/adapter.js"},
		`  python3  -m  'my adapter'  `:    {"python3", "-m", "my adapter"},
		`sh -c 'exec java -jar "a b.jar"'`: {"sh", "-c", `exec java -jar "a b.jar"`},
		`a\ b "c \"d\" \$e" f''g`:          {"a b", `c "d" $e`, "fg"},
		`x ""`:                             {"x", ""},
	} {
		got, err := steps.SplitCommand(line)
		require.NoError(t, err, line)
		assert.Equal(t, want, got, line)
	}
	for _, bad := range []string{"", "   ", `a 'b`, `a "b`, `a \`} {
		_, err := steps.SplitCommand(bad)
		assert.Error(t, err, "%q", bad)
		_, err = steps.ParseDriver("exec:" + bad)
		assert.Error(t, err, "exec:%q", bad)
	}
	d, err := steps.ParseDriver("exec:node a.js")
	require.NoError(t, err)
	assert.True(t, d.Adapter())
	argv, err := d.Command()
	require.NoError(t, err)
	assert.Equal(t, []string{"node", "a.js"}, argv)
	assert.True(t, steps.DriverNode.Adapter())
	assert.False(t, steps.DriverSDK.Adapter())
	_, err = steps.NewSuite(steps.Target{BaseURL: "http://127.0.0.1:1", UserStoreID: "x", Driver: d,
		Credential: signing.Credential{SecretID: "id", SecretKey: "key"}})
	assert.ErrorContains(t, err, "needs Target.Adapter")
}

// TestNodeCommand: --driver node finds the adapter from the working directory, and
// says to run npm ci when its node_modules is missing.
func TestNodeCommand(t *testing.T) {
	if _, err := exec.LookPath("node"); err != nil {
		_, err := steps.NodeCommand()
		assert.ErrorContains(t, err, "node is not on PATH")
		return
	}
	dir := t.TempDir()
	script := filepath.Join(dir, filepath.FromSlash(steps.NodeAdapter))
	require.NoError(t, os.MkdirAll(filepath.Dir(script), 0o755))
	require.NoError(t, os.WriteFile(script, []byte("// an adapter without its SDK\n"), 0o644))
	t.Chdir(filepath.Join(dir, "drivers")) // found in a directory above
	_, err := steps.NodeCommand()
	assert.ErrorContains(t, err, "run `npm ci` in "+filepath.Dir(script))
	require.NoError(t, os.MkdirAll(filepath.Join(filepath.Dir(script), "node_modules", "tencentcloud-sdk-nodejs"), 0o755))
	argv, err := steps.NodeCommand()
	require.NoError(t, err)
	assert.Equal(t, script, argv[1])
}

// ---- the test adapter ----

// leakedSecret is what a misbehaving adapter writes to stderr before its hello.
const leakedSecret = "emuSecretKeyPrimaryAlice000000001"

type testIntent struct {
	ID         string `json:"id"`
	Credential struct {
		SecretID  string `json:"secretId"`
		SecretKey string `json:"secretKey"`
		Token     string `json:"token"`
	} `json:"credential"`
	Endpoint struct {
		Scheme string `json:"scheme"`
		Host   string `json:"host"`
		Port   int    `json:"port"`
	} `json:"endpoint"`
	Region, Method, SignMethod, Action, Version, Language string
	Headers                                               map[string]string
	Params                                                json.RawMessage
	Timeout                                               int `json:"timeoutSeconds"`
	Retries                                               int `json:"rateLimitExceededMaxRetries"`
}

// testAdapter is an adapter of the protocol in mode; it returns the exit code.
func testAdapter(mode string) int {
	out := bufio.NewWriter(os.Stdout)
	var mu sync.Mutex
	write := func(v any) {
		b, _ := json.Marshal(v)
		mu.Lock()
		defer mu.Unlock()
		out.Write(append(b, '\n'))
		out.Flush()
	}
	hello := map[string]any{"type": "hello", "protocol": 1, "adapter": "go-test", "sdk": "go-test-sdk", "sdkVersion": "0.0.1",
		"capabilities": map[string]any{"methods": []string{"GET", "POST"}, "signMethods": []string{"TC3-HMAC-SHA256"},
			"headers": []string{"X-TC-Region", "X-TC-Action", "X-TC-Version", "X-TC-Language", "*"}, "retry": true, "nulls": true}}
	switch mode {
	case "dead":
		fmt.Fprintln(os.Stderr, "adapter: cannot load its SDK")
		return 7
	case "silent":
		time.Sleep(time.Minute)
		return 0
	case "not-json":
		fmt.Println("hello, harness")
		return 0
	case "protocol-9":
		hello["protocol"] = 9
	case "anonymous":
		delete(hello, "sdkVersion")
	case "overlong":
		fmt.Println(`{"type":"hello","pad":"` + strings.Repeat("x", 8192) + `"}`)
		return 0
	}
	write(hello)
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 64<<20)
	var wg sync.WaitGroup
	for in.Scan() {
		var it testIntent
		if err := json.Unmarshal(in.Bytes(), &it); err != nil {
			fmt.Fprintln(os.Stderr, "adapter: bad intent:", err)
			return 3
		}
		switch mode {
		case "die":
			return 3
		case "hang":
			continue
		case "garbage":
			fmt.Println("panic: something went wrong")
			continue
		case "unknown-id":
			write(map[string]any{"type": "outcome", "id": "999", "response": map[string]any{}})
			continue
		case "overlong-outcome":
			write(map[string]any{"type": "outcome", "id": it.ID, "error": map[string]any{"message": strings.Repeat("x", 8192)}})
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			write(testCall(mode, it))
		}()
	}
	wg.Wait()
	return 0
}

// testCall signs and sends one intent (TC3, the host with its port), as an SDK would,
// retrying on RequestLimitExceeded up to Retries times, and reports its outcome.
func testCall(mode string, it testIntent) map[string]any {
	o := map[string]any{"type": "outcome", "id": it.ID}
	host := net.JoinHostPort(it.Endpoint.Host, strconv.Itoa(it.Endpoint.Port))
	cred := signing.Credential{SecretID: it.Credential.SecretID, SecretKey: it.Credential.SecretKey, Token: it.Credential.Token}
	var trips []map[string]any
	var resp map[string]any
	for try := 0; ; try++ {
		var body []byte
		u := it.Endpoint.Scheme + "://" + host + "/"
		if it.Method == http.MethodGet {
			u += "?" + testQuery(it.Params)
		} else {
			body = it.Params
		}
		r, _ := http.NewRequest(it.Method, u, bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		if it.Method == http.MethodGet {
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		for k, v := range it.Headers {
			r.Header.Set(k, v)
		}
		r.Header.Set("X-TC-Action", it.Action)
		r.Header.Set("X-TC-Version", it.Version)
		if it.Region != "" {
			r.Header.Set("X-TC-Region", it.Region)
		}
		if it.Language != "" {
			r.Header.Set("X-TC-Language", it.Language)
		}
		signing.Sign(r, body, cred, "ciam", time.Now().Unix(), nil)
		trip := map[string]any{"method": it.Method, "url": u, "requestHeaders": r.Header, "requestBody": string(body)}
		trips = append(trips, trip)
		trip["start"] = float64(time.Now().UnixNano()) / 1e6
		res, err := (&http.Client{Timeout: time.Duration(it.Timeout) * time.Second}).Do(r)
		trip["end"] = float64(time.Now().UnixNano()) / 1e6
		if err != nil {
			trip["error"] = err.Error()
			o["error"] = map[string]any{"code": "", "message": err.Error()}
			break
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		trip["status"], trip["headers"], trip["body"] = res.StatusCode, res.Header, string(b)
		resp = nil
		if err := json.Unmarshal(b, &resp); err != nil {
			o["error"] = map[string]any{"code": "", "message": "the response is not JSON"}
			break
		}
		r2, _ := resp["Response"].(map[string]any)
		e, _ := r2["Error"].(map[string]any)
		if e == nil {
			if mode == "misreport" {
				r2["RequestId"] = "another-request-id"
			}
			o["response"] = r2
			break
		}
		if e["Code"] == "RequestLimitExceeded" && try < it.Retries {
			time.Sleep(time.Duration(1<<try) * time.Second)
			continue
		}
		msg := fmt.Sprint(e["Message"])
		if mode == "leak" {
			// What no adapter should do: quote the secrets in its errors and exchanges.
			msg += " (signed with " + cred.SecretKey + ", token " + cred.Token + ")"
			trip["url"] = u + "?Token=" + cred.Token + "&key=" + cred.SecretKey
		}
		o["error"] = map[string]any{"code": e["Code"], "message": msg, "requestId": r2["RequestId"]}
		break
	}
	if mode == "leak" && o["response"] != nil {
		delete(o, "response")
		o["error"] = map[string]any{"code": "", "message": "no luck with " + cred.SecretKey}
	}
	o["http"] = trips
	return o
}

// testQuery flattens the parameters into a query, as SDKs do for GET: strings as they
// are, arrays of strings as Name.N.
func testQuery(params json.RawMessage) string {
	var m map[string]any
	_ = json.Unmarshal(params, &m)
	v := url.Values{}
	for k, x := range m {
		switch x := x.(type) {
		case []any:
			for i, e := range x {
				v.Set(k+"."+strconv.Itoa(i), fmt.Sprint(e))
			}
		case nil:
		default:
			v.Set(k, fmt.Sprint(x))
		}
	}
	return v.Encode()
}

// TestNeeds: the catalogue's Needs trait names what the suite's scenarios need of an
// SDK beyond a TC3 POST: GET, signature v1 with each method, the SDK's own retry (not
// for a client that retries 0 times), headers and a language.
func TestNeeds(t *testing.T) {
	t.Parallel()
	p, err := plan.Build(features.FS)
	require.NoError(t, err)
	cat := steps.Steps()
	seen := map[steps.Need]bool{}
	for _, sc := range p.Scenarios {
		for _, n := range cat.Analyze(sc.Tags, sc.Steps).Needs {
			assert.NotEmpty(t, n.Step)
			if n.Kind == steps.NeedRetry {
				assert.NotContains(t, n.Step, "RateLimitExceededMaxRetries 0")
			}
			n.Step = ""
			seen[n] = true
		}
	}
	for _, n := range []steps.Need{
		{Kind: steps.NeedMethod, Value: "GET"},
		{Kind: steps.NeedSignMethod, Value: "HmacSHA1"},
		{Kind: steps.NeedSignMethod, Value: "HmacSHA256"},
		{Kind: steps.NeedRetry},
		{Kind: steps.NeedHeader, Value: "X-TC-Action"},
		{Kind: steps.NeedHeader, Value: "X-TC-Region"},
		{Kind: steps.NeedHeader, Value: "X-TC-Language"},
		{Kind: steps.NeedLanguage, Value: "en-US"},
	} {
		assert.True(t, seen[n], "no scenario needs %+v", n)
	}
}

// TestExecDriverListJobsOnly: with Target.ListJobsOnly, an adapter is never asked to
// send another action (its SDK's HTTP client is not the runner's guarded one).
func TestExecDriverListJobsOnly(t *testing.T) {
	t.Parallel()
	target := adapterTarget(t, "ok", emulator.Config{}, 0)
	target.ListJobsOnly = true
	status, outcomes := runDriver(t, target, features.FS, "@P1")
	assert.NotEqual(t, 0, status)
	assert.Contains(t, failures(outcomes), `the action "NoSuchAction" is not sent to this endpoint`)
}
