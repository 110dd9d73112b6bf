package runner

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciam-harness/listjobs/mutants"
)

// TestSecretsStayOutOfRealOutputs runs real scenarios, failing ones included (their
// steps attach the raw request), with a sentinel key and token, and looks for the
// secrets and for request signatures in stdout, stderr, every report and every
// attachment (base64 in the cucumber report).
func TestSecretsStayOutOfRealOutputs(t *testing.T) {
	t.Parallel()
	fx := defaultFixture(t)
	for i := range fx.Credentials {
		if fx.Credentials[i].Role == "primary" {
			// A temporary key, so ordinary requests carry the sentinel token too.
			fx.Credentials[i].SecretKey, fx.Credentials[i].Token = sentinelKey, sentinelToken
		}
	}
	m, ok := mutants.ByName("filter-ignored") // failures, hence attachments
	require.True(t, ok)
	srv, err := m.Start(fx)
	require.NoError(t, err)
	t.Cleanup(func() { srv.Close() })

	cfg := foreignConfig(t, srv.URL, fx, "@S2,@T2,@A2,@A7,@A8")
	cfg.Token = sentinelToken
	cfg.Format = "pretty,junit,cucumber,events"
	var stdout, stderr bytes.Buffer
	res := Run(context.Background(), cfg, &stdout, &stderr)
	require.Equal(t, ExitFailed, res.ExitCode, "the broken filter must fail @S2:\n%s\n%s", stdout.String(), stderr.String())

	texts := map[string]string{"stdout": stdout.String(), "stderr": stderr.String()}
	for _, name := range []string{"junit.xml", "cucumber.json", "events.ndjson"} {
		b, err := os.ReadFile(filepath.Join(cfg.OutDir, name))
		require.NoError(t, err)
		texts[name] = string(b)
	}
	var cucumber []struct {
		Elements []struct {
			Steps []struct {
				Embeddings []struct {
					Name, Data string
				}
			}
		}
	}
	require.NoError(t, json.Unmarshal([]byte(texts["cucumber.json"]), &cucumber))
	attachments := 0
	for _, f := range cucumber {
		for _, e := range f.Elements {
			for _, s := range e.Steps {
				for _, emb := range s.Embeddings {
					b, err := base64.StdEncoding.DecodeString(emb.Data)
					require.NoError(t, err)
					texts["attachment "+emb.Name] += string(b)
					attachments++
				}
			}
		}
	}
	require.Positive(t, attachments, "no attachment to search: the test would prove nothing")
	require.Contains(t, texts["attachment request.txt"], "Authorization: TC3-HMAC-SHA256 Credential="+fx.Credentials[0].SecretID[:4])

	// A TC3 signature is 64 hex digits; a v1 signature is base64 (maybe URL-encoded).
	signature := regexp.MustCompile(`Signature=([0-9a-fA-F]{64}|[A-Za-z0-9+/%]{20,})`)
	for name, text := range texts {
		assert.NotContains(t, text, sentinelKey, name)
		assert.NotContains(t, text, sentinelToken, name)
		assert.NotRegexp(t, signature, text, name)
	}
}
