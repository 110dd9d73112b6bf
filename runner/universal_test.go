package runner

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciam-harness/listjobs/emulator"
	"github.com/ciam-harness/listjobs/vocab"
)

// rewritingEmulator starts the reference emulator with every answer's body passed
// through edit.
func rewritingEmulator(t *testing.T, edit func([]byte) []byte) *emulator.Server {
	t.Helper()
	srv, err := emulator.Start(emulator.Config{Fixture: defaultFixture(t), RateLimit: emulator.DefaultRateLimit,
		Wrap: func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				rec := httptest.NewRecorder()
				next.ServeHTTP(rec, r)
				for k, v := range rec.Header() {
					w.Header()[k] = v
				}
				body := edit(rec.Body.Bytes())
				w.Header().Del("Content-Length")
				w.WriteHeader(rec.Code)
				w.Write(body)
			})
		}})
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	return srv
}

// TestRulesJudgeEveryExchange: a rule of every exchange fails the run on its own row
// through scenarios that are not about it. Against endpoints that break J3, S6 or J6 in
// every listing, a run of only the T8 scenarios (not one of them tagged with the broken
// row) fails, blamed on the broken row.
func TestRulesJudgeEveryExchange(t *testing.T) {
	t.Parallel()
	fx := defaultFixture(t)
	sibling, ok := fx.UserStore("sibling")
	require.True(t, ok)
	foreign := bytes.TrimSuffix(sibling.Jobs[0].Raw, []byte("}"))
	for _, c := range []struct {
		row  string
		edit func([]byte) []byte
	}{
		{"J3", func(b []byte) []byte { return bytes.Replace(b, []byte(`"IMPORT_USER"`), []byte(`"IMPORT"`), 1) }},
		{"S6", func(b []byte) []byte {
			if i := bytes.Index(b, []byte(`"JobSet":[{`)); i >= 0 { // a job of the sibling store first
				return slices.Concat(b[:i+len(`"JobSet":[`)], foreign, []byte("},"), b[i+len(`"JobSet":[`):])
			}
			return b
		}},
		{"J6", func(b []byte) []byte { return bytes.Replace(b, []byte(`"Location":null`), []byte(`"Location":7`), 1) }},
	} {
		t.Run(c.row, func(t *testing.T) {
			t.Parallel()
			srv := rewritingEmulator(t, c.edit)
			cfg := foreignConfig(t, srv.URL, fx, "@T8")
			cfg.Reports = "none"
			var stdout, stderr bytes.Buffer
			res := Run(context.Background(), cfg, &stdout, &stderr)
			require.NoError(t, res.Err, stderr.String())
			for _, s := range res.Scenarios {
				require.NotContains(t, s.Tags, "@"+c.row, "%s is tagged %s: the run would not show the rule applied elsewhere", s.Name, c.row)
			}
			assert.Equal(t, ExitFailed, res.ExitCode, stdout.String())
			assert.Contains(t, res.FailedRows(), c.row, stdout.String())
		})
	}
}

// TestDocumentedOnlyLeavesOutAssumedRules: against an endpoint whose RequestIds are not
// UUIDs (T9, assumed), a run of the documented part alone passes, and the whole suite
// fails on T9, through scenarios not tagged T9.
func TestDocumentedOnlyLeavesOutAssumedRules(t *testing.T) {
	t.Parallel()
	fx := defaultFixture(t)
	srv := rewritingEmulator(t, func(b []byte) []byte {
		return bytes.Replace(b, []byte(`"RequestId":"`), []byte(`"RequestId":"req-`), 1)
	})
	for filter, fails := range map[string]bool{"@S1&&~" + vocab.TagAssumed: false, "@S1": true} {
		cfg := foreignConfig(t, srv.URL, fx, filter)
		cfg.Reports = "none"
		var stdout, stderr bytes.Buffer
		res := Run(context.Background(), cfg, &stdout, &stderr)
		require.NoError(t, res.Err, stderr.String())
		if fails {
			assert.Equal(t, ExitFailed, res.ExitCode, filter)
			assert.Contains(t, res.FailedRows(), "T9", filter)
		} else {
			assert.Equal(t, ExitPassed, res.ExitCode, "%s\n%s", filter, stdout.String())
		}
	}
}
