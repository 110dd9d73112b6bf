package mutants

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciam-harness/listjobs/emulator"
)

// TestSecondsMutants: each mutant that carries rate-limit state from one second to
// the next lets the first 20 of a fresh second pass, as the emulator does, and lets
// fewer than 20 pass early in the second after a busy one, where the emulator lets 20.
func TestSecondsMutants(t *testing.T) {
	t.Parallel()
	fx := loadSmallFixture(t)
	primary := key(t, fx, "primary")
	varied, _ := fx.UserStore("varied")
	body := `{"UserStoreId":"` + varied.ID + `"}`
	second := time.Now().Truncate(time.Second)
	// passes serves n requests of primary at the clock's time, and counts the successes.
	passes := func(h http.Handler, n int) int {
		ok := 0
		for range n {
			if a := serve(t, h, req{cred: primary, body: body}.build(t)); a.code == "" {
				ok++
			} else {
				require.Equal(t, "RequestLimitExceeded", a.code)
			}
		}
		return ok
	}
	type run struct{ fresh, late, next int }
	// busy sends 25 requests in a fresh second, then 30 late in a later one and 20 early
	// in the second after, to the emulator broken by apply (nil: the reference).
	busy := func(apply func(*emulator.Config)) run {
		var now time.Time
		cfg := emulator.Config{Fixture: fx, RateLimit: emulator.DefaultRateLimit, Clock: func() time.Time { return now }}
		if apply != nil {
			apply(&cfg) // after the clock is set, as the mutant reads it
		}
		h := newHandler(t, cfg)
		var r run
		now = second.Add(100 * time.Millisecond)
		r.fresh = passes(h, 25)
		now = second.Add(5*time.Second + 600*time.Millisecond)
		r.late = passes(h, 30)
		now = second.Add(6*time.Second + 100*time.Millisecond)
		r.next = passes(h, 20)
		return r
	}
	require.Equal(t, run{20, 20, 20}, busy(nil), "the reference")
	for name, want := range map[string]run{
		"rate-limit-sliding-window":    {20, 20, 0},
		"rate-limit-token-bucket":      {20, 20, 10}, // refilled for 0.5 s
		"rate-limit-window-from-first": {20, 20, 0},
		"rate-limit-throttled-carried": {20, 20, 10}, // 10 of the 30 carried
		"rate-limit-reset-late":        {20, 20, 19}, // the first counts in the second before
	} {
		m, ok := ByName(name)
		require.True(t, ok, name)
		assert.Equal(t, ClassRateAccounting, m.Class, name)
		assert.Equal(t, want, busy(m.apply), name)
	}
}

// TestLimitedByCountsAsTheEmulator: a limitedBy mutant counts what the emulator counts
// (R3: refused authentications are not counted) and answers a throttled request as the
// emulator does.
func TestLimitedByCountsAsTheEmulator(t *testing.T) {
	t.Parallel()
	fx := loadSmallFixture(t)
	primary := key(t, fx, "primary")
	wrongKey := primary
	wrongKey.SecretKey = "wrong"
	varied, _ := fx.UserStore("varied")
	body := `{"UserStoreId":"` + varied.ID + `"}`
	now := time.Now()
	m, _ := ByName("rate-limit-sliding-window")
	cfg := emulator.Config{Fixture: fx, RateLimit: emulator.DefaultRateLimit, Clock: func() time.Time { return now }}
	m.apply(&cfg)
	h := newHandler(t, cfg)
	for range 25 {
		require.Equal(t, "AuthFailure.SignatureFailure", serve(t, h, req{cred: wrongKey, body: body}.build(t)).code)
	}
	for range 20 {
		require.Empty(t, serve(t, h, req{cred: primary, body: body}.build(t)).code)
	}
	a := serve(t, h, req{cred: primary, body: body}.build(t))
	assert.Equal(t, "RequestLimitExceeded", a.code)
	assert.Equal(t, 200, a.status)
}
