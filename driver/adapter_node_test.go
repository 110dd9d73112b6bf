package driver_test

import (
	"bufio"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ciam-harness/listjobs/driver"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// nodeAdapter returns the Node adapter's command, skipping the test without node or
// its node_modules (failing it when CI is set).
func nodeAdapter(t *testing.T) []string {
	t.Helper()
	argv, err := driver.Choice{Name: "node", Kind: driver.KindAdapter}.Argv()
	require.NoError(t, err)
	if _, err := exec.LookPath("node"); err == nil {
		if st, err := os.Stat(filepath.Join(filepath.Dir(argv[0]), "node_modules", "tencentcloud-sdk-nodejs")); err == nil && st.IsDir() {
			return argv
		}
	}
	const why = "the Node adapter is not installed (make drivers)"
	if os.Getenv("CI") != "" {
		t.Fatalf("%s, and CI is set, so that is a failure", why)
	}
	t.Skip(why)
	return nil
}

// TestNodeAdapterKeepsSecrets: what the Node adapter writes, for errors that quote
// the request (a signature v1 GET carries the Signature and the Token in its URL) and
// for a refused key, holds neither the secret key nor the token nor a signature.
func TestNodeAdapterKeepsSecrets(t *testing.T) {
	t.Parallel()
	argv := nodeAdapter(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := ln.Addr().(*net.TCPAddr).Port
	require.NoError(t, ln.Close()) // nothing listens there: the SDK's connection fails
	const key, token = "nodeSecretKey0123456789", "nodeSessionToken0123456789"
	var input strings.Builder
	for i, c := range []struct{ method, sign string }{{"GET", "HmacSHA256"}, {"POST", "HmacSHA1"}, {"GET", "TC3-HMAC-SHA256"}, {"POST", "TC3-HMAC-SHA256"}} {
		in := map[string]any{"type": "call", "id": strconv.Itoa(i),
			"credential": map[string]string{"secretId": "AKIDnode", "secretKey": key, "token": token},
			"endpoint":   map[string]any{"scheme": "http", "host": "127.0.0.1", "port": port},
			"region":     "ap-guangzhou", "method": c.method, "signMethod": c.sign, "action": "ListJobs", "version": "2022-03-31",
			"params": map[string]any{"UserStoreId": "us-x"}, "timeoutSeconds": 5}
		b, err := json.Marshal(in)
		require.NoError(t, err)
		input.Write(append(b, '\n'))
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdin = strings.NewReader(input.String())
	out, err := cmd.Output()
	require.NoError(t, err, "%s", out)
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	sc.Buffer(nil, 16<<20)
	lines := 0
	for sc.Scan() {
		line := sc.Text()
		lines++
		assert.NotContains(t, line, key)
		assert.NotContains(t, line, token)
		assert.NotRegexp(t, `Signature=[^<&]`, line)
		if lines > 1 {
			assert.Contains(t, line, `"error":{"code":""`, "a connection that failed is an error of the SDK's own")
		}
	}
	assert.Equal(t, 5, lines, "a hello and four outcomes:\n%s", out)
	assert.Contains(t, string(out), "Token=<redacted>", "the v1 GET's URL was quoted, and scrubbed")
}

// TestNodeAdapterDropsNulls: the Node.js SDK drops a parameter set to null before it
// sends (deepRemoveNull), so its adapter says capabilities.nulls false and the
// scenarios of null parameters are skipped through it. Should an SDK release send the
// null, this fails: the adapter may then declare it.
func TestNodeAdapterDropsNulls(t *testing.T) {
	t.Parallel()
	argv := nodeAdapter(t)
	bodies := make(chan string, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		select {
		case bodies <- string(b):
		default:
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"Response": {"JobSet": [], "RequestId": "r-1"}}`)
	}))
	defer srv.Close()
	port := srv.Listener.Addr().(*net.TCPAddr).Port
	in, err := json.Marshal(map[string]any{"type": "call", "id": "1",
		"credential": map[string]string{"secretId": "AKIDnode", "secretKey": "k"},
		"endpoint":   map[string]any{"scheme": "http", "host": "127.0.0.1", "port": port},
		"region":     "ap-guangzhou", "method": "POST", "signMethod": "TC3-HMAC-SHA256", "action": "ListJobs", "version": "2022-03-31",
		"params": map[string]any{"UserStoreId": "us-x", "JobIds": nil}, "timeoutSeconds": 5})
	require.NoError(t, err)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdin = strings.NewReader(string(in) + "\n")
	out, err := cmd.Output()
	require.NoError(t, err, "%s", out)
	hello, _, _ := strings.Cut(string(out), "\n")
	var h driver.Hello
	require.NoError(t, json.Unmarshal([]byte(hello), &h))
	assert.False(t, h.Caps.Nulls, "capabilities.nulls")
	select {
	case body := <-bodies:
		assert.Contains(t, body, `"UserStoreId":"us-x"`)
		assert.NotContains(t, body, "JobIds", "the SDK sent the null parameter: the adapter may declare capabilities.nulls")
	default:
		t.Fatalf("the SDK sent nothing:\n%s", out)
	}
}
