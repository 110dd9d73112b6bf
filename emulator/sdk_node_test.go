//go:build !mechanical

package emulator

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The official Node.js SDK (tencentcloud-sdk-nodejs, pinned in drivers/node) as a
// client, as a Node user points it at the emulator on its port: the endpoint
// "ciam.tencentcloudapi.com:PORT" (the SDK takes the credential scope's service from
// the endpoint's first label) and an http.Agent whose lookup resolves that name to
// 127.0.0.1. The SDK signs the host without the port and sends Host with it: the
// emulator accepts that (doc.go, "Authentication").

// nodeSDKScript runs the calls of its first argument (JSON) through the SDK and prints
// one JSON result per call: the ids returned, or the error's code.
const nodeSDKScript = `
const http = require("http");
const dns = require("dns");
const { ciam } = require("tencentcloud-sdk-nodejs/tencentcloud/services/ciam");
const { port, calls } = JSON.parse(process.argv[1]);
const agent = new http.Agent({ lookup: (_name, opts, cb) => dns.lookup("127.0.0.1", opts, cb) });
(async () => {
  const out = [];
  for (const c of calls) {
    const client = new ciam.v20220331.Client({
      credential: c.credential,
      region: "ap-guangzhou",
      profile: { signMethod: c.signMethod, httpProfile: { endpoint: "ciam.tencentcloudapi.com:" + port, protocol: "http://", reqMethod: c.method, reqTimeout: 10, agent } },
    });
    try {
      const r = await client.ListJobs(c.params);
      out.push({ name: c.name, ids: r.JobSet.map((j) => j.Id).sort(), requestId: r.RequestId });
    } catch (e) {
      out.push({ name: c.name, code: e.code || "", message: e.message });
    }
  }
  console.log(JSON.stringify(out));
})();
`

// nodeSDKDir is the Node adapter's folder, with the SDK installed; the test is
// skipped without node or the SDK (failed instead when CI is set).
func nodeSDKDir(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "drivers", "node"))
	require.NoError(t, err)
	why := ""
	if _, err := exec.LookPath("node"); err != nil {
		why = "node is not on PATH"
	} else if _, err := os.Stat(filepath.Join(dir, "node_modules", "tencentcloud-sdk-nodejs")); err != nil {
		why = "drivers/node/node_modules is missing: run `npm ci` in drivers/node"
	}
	if why != "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("the Node.js SDK test cannot run: %s (CI is set, so that is a failure)", why)
		}
		t.Skip("the Node.js SDK test cannot run: " + why)
	}
	return dir
}

func TestOfficialNodeSDK(t *testing.T) {
	t.Parallel()
	dir := nodeSDKDir(t)
	s := startServer(t, Config{})
	fx := loadFixture(t)
	p, _ := fx.Credential("primary")
	tmp, _ := fx.Credential("temporary")
	varied := storeOf(t, "varied")
	v := varied.JobIDs()
	type credential struct {
		SecretID  string `json:"secretId"`
		SecretKey string `json:"secretKey"`
		Token     string `json:"token,omitempty"`
	}
	type nodeCall struct {
		Name       string         `json:"name"`
		Method     string         `json:"method"`
		SignMethod string         `json:"signMethod,omitempty"`
		Credential credential     `json:"credential"`
		Params     map[string]any `json:"params"`
	}
	primary := credential{p.SecretID, p.SecretKey, ""}
	temporary := credential{tmp.SecretID, tmp.SecretKey, tmp.Token}
	some := map[string]any{"UserStoreId": varied.ID, "JobIds": []string{v[1], v[4], "no-such-job"}}
	var calls []nodeCall
	want := map[string]string{} // name: the code, or "" for v[1], v[4]
	for _, c := range []struct {
		name, method, sign string
		cred               credential
	}{
		{"TC3 POST", "POST", "", primary},
		{"TC3 GET", "GET", "", primary},
		{"TC3 POST temporary", "POST", "", temporary},
		{"TC3 GET temporary", "GET", "", temporary},
		{"v1 HmacSHA256 POST", "POST", "HmacSHA256", primary},
		{"v1 HmacSHA256 GET", "GET", "HmacSHA256", primary},
		{"v1 HmacSHA1 POST", "POST", "HmacSHA1", primary},
		{"v1 HmacSHA1 GET temporary", "GET", "HmacSHA1", temporary},
	} {
		calls = append(calls, nodeCall{c.name, c.method, c.sign, c.cred, some})
		want[c.name] = ""
	}
	wrong := credential{p.SecretID, "wrong-key", ""}
	calls = append(calls,
		nodeCall{"TC3 wrong key", "POST", "", wrong, some},
		nodeCall{"v1 wrong key", "GET", "HmacSHA256", wrong, some},
		nodeCall{"wrong token", "POST", "", credential{tmp.SecretID, tmp.SecretKey, "nope"}, some},
		nodeCall{"unknown user store", "GET", "", primary, map[string]any{"UserStoreId": "us-nope"}},
		nodeCall{"fault code", "POST", "", primary, map[string]any{"UserStoreId": "us-fault-internalerror"}})
	want["TC3 wrong key"], want["v1 wrong key"] = "AuthFailure.SignatureFailure", "AuthFailure.SignatureFailure"
	want["wrong token"], want["unknown user store"], want["fault code"] = "AuthFailure.TokenFailure", "FailedOperation.InvalidUserStore", "InternalError"

	arg, err := json.Marshal(map[string]any{"port": s.URL[strings.LastIndexByte(s.URL, ':')+1:], "calls": calls})
	require.NoError(t, err)
	cmd := exec.Command("node", "-e", nodeSDKScript, string(arg))
	cmd.Dir = dir
	out, err := cmd.Output()
	require.NoError(t, err, "node: %s", out)
	var results []struct {
		Name, Code, Message, RequestID string
		IDs                            []string
	}
	require.NoError(t, json.Unmarshal(out, &results), "%s", out)
	require.Len(t, results, len(calls))
	for _, r := range results {
		if want[r.Name] == "" {
			assert.Empty(t, r.Code, "%s: %s", r.Name, r.Message)
			assert.Equal(t, sortedIDs(v[1], v[4]), r.IDs, r.Name)
			continue
		}
		assert.Equal(t, want[r.Name], r.Code, "%s: %s", r.Name, r.Message)
	}
}
