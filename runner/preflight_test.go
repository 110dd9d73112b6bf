package runner

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	listjobs "github.com/ciam-harness/listjobs"
	"github.com/ciam-harness/listjobs/emulator"
	"github.com/ciam-harness/listjobs/fixture"
	"github.com/ciam-harness/listjobs/result"
	"github.com/ciam-harness/listjobs/signing"
)

// TestPreflightAgainstTheEmulator: the default fixture's primary key passes; a wrong
// SecretKey, an unknown SecretId, an unknown user store, a wrong token and a skewed
// clock each stop the run with the sentence that names the cause, in one request.
func TestPreflightAgainstTheEmulator(t *testing.T) {
	fx, err := fixture.Read(bytes.NewReader(listjobs.DefaultFixture))
	require.NoError(t, err)
	var requests atomic.Int64
	emu, err := emulator.New(emulator.Config{Fixture: fx, RateLimit: emulator.DefaultRateLimit})
	require.NoError(t, err)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		emu.ServeHTTP(w, r)
	}))
	defer srv.Close()
	primary := fx.CredentialsByRole("primary")[0]
	good := signing.Credential{SecretID: primary.SecretID, SecretKey: primary.SecretKey}
	varied, ok := fx.UserStore("varied")
	require.True(t, ok)
	store := varied.ID
	temp, ok := fx.Credential("temporary")
	require.True(t, ok)

	check := func(name string, cred signing.Credential, store string, want ...string) {
		t.Helper()
		before := requests.Load()
		err := preflight(context.Background(), srv.Client(), srv.URL, "ap-guangzhou", cred, store, 5*time.Second)
		assert.Equal(t, int64(1), requests.Load()-before, "%s: one request", name)
		if len(want) == 0 {
			assert.NoError(t, err, name)
			return
		}
		require.Error(t, err, name)
		for _, w := range want {
			assert.Contains(t, err.Error(), w, name)
		}
		assert.NotContains(t, err.Error(), cred.SecretKey, "%s: the SecretKey is never shown", name)
		if cred.Token != "" {
			assert.NotContains(t, err.Error(), cred.Token, "%s: the token is never shown", name)
		}
	}
	check("good key", good, store)
	check("wrong key", signing.Credential{SecretID: good.SecretID, SecretKey: good.SecretKey + "x"}, store,
		"refused the key", "AuthFailure.SignatureFailure", "SECRET_KEY")
	check("unknown id", signing.Credential{SecretID: "AKIDnosuchkey0000000000", SecretKey: "sentinel-secret-key-zz"}, store,
		"does not know this SecretId", "AuthFailure.SecretIdNotFound")
	check("unknown store", good, "us-no-such-store", `"us-no-such-store"`, "FailedOperation.InvalidUserStore", "--user-store")
	check("wrong token", signing.Credential{SecretID: temp.SecretID, SecretKey: temp.SecretKey, Token: "wrong-token"}, store,
		"session token", "AuthFailure.TokenFailure")
}

func TestPreflightVerdicts(t *testing.T) {
	sent := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	answer := func(status int, ct, body string, date time.Time) error {
		h := http.Header{"Content-Type": {ct}}
		if !date.IsZero() {
			h.Set("Date", date.Format(http.TimeFormat))
		}
		return preflightVerdict(&http.Response{StatusCode: status, Header: h}, []byte(body), "AKIDexample1234", "us-1", sent)
	}
	errorBody := func(code string) string {
		return fmt.Sprintf(`{"Response":{"Error":{"Code":%q,"Message":"m"},"RequestId":"r"}}`, code)
	}
	for _, c := range []struct {
		name, ct, body string
		status         int
		date           time.Time
		want           string // "" = the run goes on
	}{
		{"success", "application/json", `{"Response":{"JobSet":[],"RequestId":"r"}}`, 200, time.Time{}, ""},
		{"another error", "application/json", errorBody("InternalError"), 200, time.Time{}, ""},
		{"rate limited", "application/json", errorBody("RequestLimitExceeded"), 200, time.Time{}, ""},
		{"not JSON, not HTML", "text/plain", "oops", 502, time.Time{}, ""},
		{"HTML by type", "text/html; charset=utf-8", "<p>bad gateway</p>", 502, time.Time{}, "HTML page (HTTP 502)"},
		{"HTML by body", "application/json", "  <!DOCTYPE html><html>", 200, time.Time{}, "HTML page (HTTP 200)"},
		{"skew behind", "application/json", errorBody("AuthFailure.SignatureExpire"), 200, sent.Add(412 * time.Second), "412 s behind"},
		{"skew ahead", "application/json", errorBody("AuthFailure.SignatureExpire"), 200, sent.Add(-400 * time.Second), "400 s ahead"},
		{"skew, no Date", "application/json", errorBody("AuthFailure.SignatureExpire"), 200, time.Time{}, "too far from its clock"},
		{"not activated", "application/json", errorBody("UnauthorizedOperation.TenantNotActivated"), 200, time.Time{}, "not activated"},
		{"resource not found", "application/json", errorBody("ResourceNotFound.UserStore"), 200, time.Time{}, `user store "us-1"`},
		{"near miss of a stopping code", "application/json", errorBody("AuthFailure.SignatureFailures"), 200, time.Time{}, ""},
	} {
		err := answer(c.status, c.ct, c.body, c.date)
		if c.want == "" {
			assert.NoError(t, err, c.name)
			continue
		}
		if assert.Error(t, err, c.name) {
			assert.Contains(t, err.Error(), c.want, c.name)
			assert.True(t, strings.HasPrefix(err.Error(), "pre-flight: "), c.name)
			assert.NotContains(t, err.Error(), "AKIDexample1234", "%s: the SecretId is shown masked", c.name)
		}
	}
}

// emulatorByURL runs against the reference emulator as a foreign endpoint: by its URL,
// with the default fixture's primary key and no --fixture.
func emulatorByURL(t *testing.T) Config {
	t.Helper()
	fx, err := fixture.Read(bytes.NewReader(listjobs.DefaultFixture))
	require.NoError(t, err)
	srv, err := emulator.Start(emulator.Config{Fixture: fx, RateLimit: emulator.DefaultRateLimit})
	require.NoError(t, err)
	t.Cleanup(func() { srv.Close() })
	primary, _ := fx.Credential("primary")
	varied, _ := fx.UserStore("varied")
	cfg := DefaultConfig()
	cfg.Endpoint, cfg.SecretID, cfg.SecretKey, cfg.UserStoreID = srv.URL, primary.SecretID, primary.SecretKey, varied.ID
	return cfg
}

// TestFixtureScenariosWithoutAFixtureAreSkipped: against an endpoint given by URL and no
// --fixture, the @fixture scenarios are skipped with the reason, not failed; the others
// run.
func TestFixtureScenariosWithoutAFixtureAreSkipped(t *testing.T) {
	cfg := emulatorByURL(t)
	cfg.Tags, cfg.Format, cfg.OutDir = "@S1", "progress", t.TempDir()
	res, stdout, stderr := runCfg(t, cfg)
	require.Equal(t, ExitPassed, res.ExitCode, "%v\n%s\n%s", res.Err, stdout, stderr)
	var skipped, passed int
	for _, s := range res.Scenarios {
		switch {
		case slices.Contains(s.Tags, "@fixture"):
			assert.Equal(t, result.Skipped, s.Status, s.Name)
			assert.Contains(t, s.Reason, "no fixture was given (--fixture)", s.Name)
			skipped++
		default:
			assert.Equal(t, result.Passed, s.Status, s.Name)
			passed++
		}
	}
	assert.Positive(t, skipped)
	assert.Positive(t, passed)
}

// TestIncomplete: a run that leaves a selected row unchecked (P1's scenarios are skipped
// against a foreign endpoint) says INCOMPLETE in its verdict and summary, and exits 0;
// --require-all-rows makes it exit 1.
func TestIncomplete(t *testing.T) {
	cfg := emulatorByURL(t)
	cfg.Tags, cfg.Format, cfg.OutDir = "@P1,@S4", "progress", t.TempDir()
	res, stdout, stderr := runCfg(t, cfg)
	require.Equal(t, ExitPassed, res.ExitCode, "%v\n%s\n%s", res.Err, stdout, stderr)
	assert.Equal(t, []string{"P1"}, rowsNotChecked(res.Scenarios))
	assert.Contains(t, stdout, "PASS, INCOMPLETE (rows not checked: P1) (exit 0)")
	md, err := os.ReadFile(filepath.Join(cfg.OutDir, "summary.md"))
	require.NoError(t, err)
	assert.Contains(t, strings.SplitN(string(md), "\n", 2)[0], "INCOMPLETE (rows not checked: P1)", "the summary's first line")
	html, err := os.ReadFile(filepath.Join(cfg.OutDir, "report.html"))
	require.NoError(t, err)
	assert.Contains(t, string(html), "INCOMPLETE (rows not checked: P1)")
	assert.Contains(t, string(html), `class="badge incomplete"`, "the verdict badge has a style of its own")

	cfg.RequireAllRows, cfg.OutDir = true, t.TempDir()
	res, stdout, _ = runCfg(t, cfg)
	assert.Equal(t, ExitFailed, res.ExitCode)
	assert.Contains(t, stdout, "--require-all-rows: rows not checked: P1")
	assert.Contains(t, stdout, "FAIL, INCOMPLETE (rows not checked: P1) (exit 1)")

	// Every row checked: a plain PASS, even with --require-all-rows.
	cfg.Tags, cfg.OutDir = "@S4", t.TempDir()
	res, stdout, _ = runCfg(t, cfg)
	assert.Equal(t, ExitPassed, res.ExitCode)
	assert.Contains(t, stdout, "\nPASS (exit 0)")
}
