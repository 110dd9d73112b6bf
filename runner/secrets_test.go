package runner

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	listjobs "github.com/ciam-harness/listjobs"
	"github.com/ciam-harness/listjobs/emulator"
	"github.com/ciam-harness/listjobs/fixture"
	"github.com/ciam-harness/listjobs/mutants"
	"github.com/ciam-harness/listjobs/result"
	"github.com/ciam-harness/listjobs/signing"
	"github.com/ciam-harness/listjobs/steps"
)

// arrival is one request as a foreign endpoint saw it.
type arrival struct {
	at       time.Time
	actions  []string // X-TC-Action headers and signature v1 Action parameters
	secretID string   // from the Authorization header or the v1 SecretId parameter; "" if neither parses
}

// recorder is an endpoint in front of another that notes every request.
type arrivals struct {
	mu   sync.Mutex
	list []arrival
}

func (a *arrivals) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := arrival{at: time.Now()}
		for k, vs := range r.Header {
			if strings.EqualFold(k, "X-TC-Action") {
				rec.actions = append(rec.actions, vs...)
			}
		}
		params := r.URL.Query()
		if strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
			body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
			r.Body = io.NopCloser(bytes.NewReader(body))
			if form, err := url.ParseQuery(string(body)); err == nil {
				for k, vs := range form {
					params[k] = append(params[k], vs...)
				}
			}
		}
		rec.actions = append(rec.actions, params["Action"]...)
		if auth, err := signing.ParseAuthorization(r.Header.Get("Authorization")); err == nil {
			rec.secretID = auth.SecretID
		} else {
			rec.secretID = params.Get("SecretId")
		}
		a.mu.Lock()
		a.list = append(a.list, rec)
		a.mu.Unlock()
		next.ServeHTTP(w, r)
	})
}

func (a *arrivals) all() []arrival {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.list)
}

// sentinelFixture is the default fixture with every secret key and token replaced by a
// sentinel, and the first primary key made a temporary one, so that ordinary requests
// carry a sentinel token too.
func sentinelFixture(t *testing.T) (*fixture.Fixture, []string) {
	t.Helper()
	fx, err := fixture.Read(bytes.NewReader(listjobs.DefaultFixture))
	require.NoError(t, err)
	var secrets []string
	for i := range fx.Credentials {
		c := &fx.Credentials[i]
		c.SecretKey = fmt.Sprintf("SENTINELkey%02dQx9Zr2Lm5Wp8Tn3Vb6Hc1J", i)
		secrets = append(secrets, c.SecretKey)
		if c.Token != "" || i == 0 {
			c.Token = fmt.Sprintf("SENTINELtoken%02dAa1Bb2Cc3Dd4Ee5Ff6Gg", i)
			secrets = append(secrets, c.Token)
		}
	}
	require.Equal(t, "primary", fx.Credentials[0].Role)
	require.NoError(t, fx.Validate())
	return fx, secrets
}

// TestWholeSuiteAgainstAForeignEndpoint runs the whole suite, with sentinel secrets,
// against an emulator that breaks S2 (so failures attach their requests) seen as a
// foreign endpoint, behind a recorder:
//   - the endpoint is sent ListJobs and nothing else, the probe included;
//   - no credential owner of the ordinary requests sends above the pacer's rate, under
//     the documented 20 per second, in any one-second window;
//   - the scenarios that send another action on purpose are skipped, with the reason;
//   - no secret key, token or signature appears in stdout, stderr, any report, or any
//     attachment (base64 in the cucumber and events reports).
//
// It takes seconds whatever the CPU (one key signs the ordinary requests of a foreign
// run, paced), mostly waiting: it runs beside the other tests. Its checks do not depend
// on the outcome of the clock-bound rate-limit scenarios, which a loaded machine may
// fail.
func TestWholeSuiteAgainstAForeignEndpoint(t *testing.T) {
	t.Parallel()
	fx, secrets := sentinelFixture(t)
	ignoreFilter, ok := mutants.ByName("filter-ignored")
	require.True(t, ok)
	emu, err := emulator.New(ignoreFilter.Config(fx))
	require.NoError(t, err)
	var seen arrivals
	srv := httptest.NewServer(seen.wrap(emu))
	t.Cleanup(srv.Close)

	primary := fx.Credentials[0]
	cfg := DefaultConfig()
	cfg.Endpoint = srv.URL
	cfg.Fixture = fx
	cfg.SecretID, cfg.SecretKey, cfg.Token = primary.SecretID, primary.SecretKey, primary.Token
	cfg.Format = "pretty,events"
	cfg.OutDir = t.TempDir()
	var stdout, stderr bytes.Buffer
	res := Run(context.Background(), cfg, &stdout, &stderr)
	require.Equal(t, ExitFailed, res.ExitCode, "the broken filter fails S2:\n%v\n%s", res.Err, stderr.String())
	require.Greater(t, len(res.Scenarios), 100, "the whole suite ran")
	require.Contains(t, res.FailedRows(), "S2")

	t.Run("only ListJobs is sent", func(t *testing.T) {
		got := seen.all()
		require.Greater(t, len(got), len(res.Scenarios))
		t.Logf("%d requests, %d scenarios, %s", len(got), len(res.Scenarios), res.Duration.Round(time.Millisecond))
		for _, a := range got {
			require.Equal(t, []string{"ListJobs"}, a.actions, "a request at %s", a.at.Format(time.StampMicro))
		}
	})

	t.Run("invalid-action scenarios are skipped with the reason", func(t *testing.T) {
		var skipped []string
		for _, s := range res.Scenarios {
			if s.Status == result.Skipped && strings.Contains(s.Reason, "--allow-invalid-actions runs it") {
				skipped = append(skipped, strings.Join(s.Rows, " ")) // (the steps skip some scenarios of their own)
			}
		}
		sort.Strings(skipped)
		want := slices.Repeat([]string{"P1"}, 5+len(actionNearMisses()))
		assert.Equal(t, append(want, "T5", "T7"), skipped)
	})

	t.Run("ordinary requests stay under the rate limit", func(t *testing.T) {
		owner := map[string]string{}
		for _, c := range fx.Credentials {
			owner[c.SecretID] = c.Owner
			if strings.HasPrefix(c.Role, "rate-limit") {
				owner[c.SecretID] = "" // the rate-limit scenarios own their budgets
			}
		}
		byOwner := map[string][]time.Time{}
		for _, a := range seen.all() {
			o, known := owner[a.secretID]
			switch {
			case known && o == "":
				continue
			case !known:
				o = "unknown key " + a.secretID
			}
			byOwner[o] = append(byOwner[o], a.at)
		}
		require.NotEmpty(t, byOwner)
		require.Less(t, steps.PacerRate, 20, "the pacer stays below the documented limit")
		for o, times := range byOwner {
			peak := peakPerSecond(times)
			assert.LessOrEqual(t, peak, steps.PacerRate, "owner %s: %d requests in one second", o, peak)
		}
	})

	t.Run("no secret in any output", func(t *testing.T) {
		texts := map[string]string{"stdout": stdout.String(), "stderr": stderr.String(), "result": fmt.Sprintf("%+v", res)}
		files, err := os.ReadDir(cfg.OutDir)
		require.NoError(t, err)
		var names []string
		for _, f := range files {
			b, err := os.ReadFile(filepath.Join(cfg.OutDir, f.Name()))
			require.NoError(t, err)
			texts[f.Name()] = string(b)
			names = append(names, f.Name())
		}
		assert.ElementsMatch(t, []string{"junit.xml", "cucumber.json", "events.ndjson", "results.ndjson", "summary.md", "report.html", "manifest.json"}, names)
		attachments := decodeAttachments(t, texts["cucumber.json"], texts["events.ndjson"])
		require.NotEmpty(t, attachments, "no attachment to search: the test would prove nothing")
		for name, body := range attachments {
			texts["attachment "+name] = body
		}
		// The request of a failure is in the HTML report, redacted.
		assert.Contains(t, texts["report.html"], "Authorization: TC3-HMAC-SHA256 Credential="+primary.SecretID)
		assert.Contains(t, texts["report.html"], "Signature=")

		// A TC3 signature is 64 hex digits; a v1 signature is base64 (maybe URL-encoded).
		signature := regexp.MustCompile(`Signature=([0-9a-fA-F]{64}|[A-Za-z0-9+/%]{20,})`)
		for name, text := range texts {
			for _, secret := range secrets {
				assert.NotContains(t, text, secret, name)
			}
			assert.NotRegexp(t, signature, text, name)
			assert.NotContains(t, text, "SENTINEL", name)
		}
	})
}

// peakPerSecond is the most arrivals within any one second (a sliding window, stricter
// than the server's fixed windows).
func peakPerSecond(times []time.Time) int {
	times = slices.Clone(times)
	sort.Slice(times, func(i, j int) bool { return times[i].Before(times[j]) })
	peak := 0
	for i, j := 0, 0; j < len(times); j++ {
		for times[j].Sub(times[i]) >= time.Second {
			i++
		}
		peak = max(peak, j-i+1)
	}
	return peak
}

func TestPeakPerSecond(t *testing.T) {
	start := time.Now()
	at := func(ms ...int) []time.Time {
		var out []time.Time
		for _, m := range ms {
			out = append(out, start.Add(time.Duration(m)*time.Millisecond))
		}
		return out
	}
	assert.Equal(t, 0, peakPerSecond(nil))
	assert.Equal(t, 1, peakPerSecond(at(0, 1000, 2000)))
	assert.Equal(t, 3, peakPerSecond(at(1500, 0, 900, 999)), "unsorted, window [0, 1s)")
	var burst []int
	for i := range 25 {
		burst = append(burst, 500+i*10) // 25 requests within 250 ms, across a second boundary
	}
	assert.Equal(t, 25, peakPerSecond(at(burst...)), "a burst the server's fixed windows could split is caught")
}

// decodeAttachments returns the attachments of the cucumber report and the events log,
// decoded, by name.
func decodeAttachments(t *testing.T, cucumberJSON, events string) map[string]string {
	t.Helper()
	out := map[string]string{}
	var cucumber []struct {
		Elements []struct {
			Steps []struct {
				Embeddings []struct {
					Name, Data string
				}
			}
		}
	}
	require.NoError(t, json.Unmarshal([]byte(cucumberJSON), &cucumber))
	for _, f := range cucumber {
		for _, e := range f.Elements {
			for _, s := range e.Steps {
				for _, emb := range s.Embeddings {
					b, err := base64.StdEncoding.DecodeString(emb.Data)
					require.NoError(t, err)
					out["cucumber "+emb.Name] += string(b)
				}
			}
		}
	}
	for _, line := range strings.Split(events, "\n") {
		var ev struct {
			Attachments []struct {
				FileName string `json:"fileName"`
				Body     string `json:"body"`
			} `json:"attachments"`
		}
		if line == "" || json.Unmarshal([]byte(line), &ev) != nil {
			continue
		}
		for _, a := range ev.Attachments {
			b, err := base64.StdEncoding.DecodeString(a.Body)
			if err != nil {
				b = []byte(a.Body)
			}
			out["events "+a.FileName] += string(b)
		}
	}
	return out
}

// TestLineWriterByteAtATime: godog's formatters write a byte at a time; a long line so
// written costs the line's length, not its square (a run's summary of long errors
// took minutes before), and still comes out whole, its secrets redacted, split at
// maxLine when it never ends.
func TestLineWriterByteAtATime(t *testing.T) {
	var out bytes.Buffer
	lw := newLineWriter(&out, newRedactor("s3cr3t"))
	line := strings.Repeat("x", maxLine-100) + "s3cr3t" + strings.Repeat("y", 200)
	for i := range len(line) {
		_, err := lw.Write([]byte{line[i]})
		require.NoError(t, err)
	}
	_, err := lw.Write([]byte("\nnext s3cr3t"))
	require.NoError(t, err)
	require.NoError(t, lw.Flush())
	assert.Equal(t, strings.ReplaceAll(line+"\nnext s3cr3t", "s3cr3t", redacted), out.String())
}
