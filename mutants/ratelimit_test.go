package mutants

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciam-harness/listjobs/emulator"
	"github.com/ciam-harness/listjobs/signing"
)

// TestRateLimitMutants counts, at a fixed clock, how many requests of a burst pass.
func TestRateLimitMutants(t *testing.T) {
	t.Parallel()
	fx := loadSmallFixture(t)
	primary, sameOwner := key(t, fx, "primary"), key(t, fx, "same-owner")
	varied, _ := fx.UserStore("varied")
	body := `{"UserStoreId":"` + varied.ID + `"}`
	wrongKey := primary
	wrongKey.SecretKey = "wrong"
	now := time.Now()
	passes := func(h http.Handler, creds ...signing.Credential) int {
		n := 0
		for _, c := range creds {
			r := req{cred: c, body: body}.build(t)
			if a := serve(t, h, r); a.code == "" {
				n++
			}
		}
		return n
	}
	burst := func(c signing.Credential, n int) []signing.Credential {
		out := make([]signing.Credential, n)
		for i := range out {
			out[i] = c
		}
		return out
	}
	handler := func(cfg emulator.Config) http.Handler {
		cfg.Clock = func() time.Time { return now }
		return newHandler(t, cfg)
	}
	ref := emulator.Config{Fixture: fx, RateLimit: emulator.DefaultRateLimit}
	require.Equal(t, 20, passes(handler(ref), burst(primary, 25)...))
	for name, want := range map[string]int{"rate-limit-off": 25, "rate-limit-19": 19, "rate-limit-21": 21, "rate-limit-8": 8} {
		m, ok := ByName(name)
		require.True(t, ok)
		assert.Equal(t, want, passes(handler(m.Config(fx)), burst(primary, 25)...), name)
	}
	shared := append(burst(primary, 15), burst(sameOwner, 15)...)
	require.Equal(t, 20, passes(handler(ref), shared...))
	m, _ := ByName("rate-limit-per-secretid")
	assert.Equal(t, 30, passes(handler(m.Config(fx)), shared...))

	assert.Equal(t, 20, passes(handler(m.Config(fx)), burst(primary, 25)...), "one key still has its limit")

	badThenGood := append(burst(wrongKey, 25), primary)
	require.Equal(t, 1, passes(handler(ref), badThenGood...))
	m, _ = ByName("auth-failures-counted")
	assert.Equal(t, 0, passes(handler(m.Config(fx)), badThenGood...))

	// R3 by every refusal of the signature and token checks, TC3 and v1; what the
	// emulator refuses before them (the scope, A6) is not counted.
	temporary := key(t, fx, "temporary")
	for _, tc := range []struct {
		name    string
		refused req
		code    string
		counted bool
	}{
		{"token", req{cred: temporary, body: body, after: func(r *http.Request, _ *string) { r.Header.Del("X-TC-Token") }}, "AuthFailure.TokenFailure", true},
		{"v1 signature", req{v1: true, method: "GET", cred: wrongKey, query: "UserStoreId=" + varied.ID}, "AuthFailure.SignatureFailure", true},
		{"scope", req{cred: primary, body: body, service: "cvm"}, "AuthFailure.SignatureFailure", false},
	} {
		refH, mutH := handler(ref), handler(m.Config(fx))
		for range 25 {
			require.Equal(t, tc.code, serve(t, refH, tc.refused.build(t)).code, tc.name)
			require.Equal(t, tc.code, serve(t, mutH, tc.refused.build(t)).code, tc.name)
		}
		good := req{cred: tc.refused.cred, body: body}
		if tc.refused.cred == wrongKey {
			good.cred = primary
		}
		assert.Empty(t, serve(t, refH, good.build(t)).code, tc.name)
		want := ""
		if tc.counted {
			want = "RequestLimitExceeded"
		}
		assert.Equal(t, want, serve(t, mutH, good.build(t)).code, "%s refusals", tc.name)
	}
	for _, m := range Breaking() {
		if strings.HasPrefix(m.Row, "R") {
			assert.True(t, m.RateLimit, "%s breaks %s: mark it RateLimit", m.Name, m.Row)
		}
	}
}
