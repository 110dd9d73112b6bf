//go:build !mechanical

package emulator

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/ciam-harness/listjobs/signing"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rateFixture is an emulator with the documented limit and a clock the test moves.
func rateFixture(t *testing.T, limit int) (*Emulator, *testClock) {
	clk := newClock(t0)
	return newEmu(t, Config{RateLimit: limit, Clock: clk.Now}), clk
}

// codes sends n requests and returns how many got each code ("" = success).
func codes(t *testing.T, e *Emulator, n int, c call) map[string]int {
	t.Helper()
	out := map[string]int{}
	for range n {
		out[serve(t, e, c.request(t)).code]++
	}
	return out
}

// TestRateLimit covers R1-R3 with an injected clock: no sleeping.
func TestRateLimit(t *testing.T) {
	t.Parallel()
	primary, sameOwner, otherOwner := cred(t, "primary"), cred(t, "same-owner"), cred(t, "other-owner")
	body := listBody(storeOf(t, "varied").ID)
	ok := call{cred: primary, body: body}

	t.Run("R1 the first 20 of a second pass", func(t *testing.T) {
		e, clk := rateFixture(t, DefaultRateLimit)
		clk.Set(t0.Add(100 * time.Millisecond))
		assert.Equal(t, map[string]int{"": 20, "RequestLimitExceeded": 5}, codes(t, e, 25, ok))
		clk.Set(t0.Add(999 * time.Millisecond))
		assert.Equal(t, map[string]int{"RequestLimitExceeded": 1}, codes(t, e, 1, ok))
		clk.Set(t0.Add(time.Second)) // a new fixed window, not a sliding one
		assert.Equal(t, map[string]int{"": 20, "RequestLimitExceeded": 1}, codes(t, e, 21, ok))
	})
	t.Run("R1 fixed windows by arrival second", func(t *testing.T) {
		e, clk := rateFixture(t, DefaultRateLimit)
		clk.Set(t0.Add(999 * time.Millisecond))
		assert.Equal(t, map[string]int{"": 20}, codes(t, e, 20, ok))
		clk.Set(t0.Add(1000 * time.Millisecond))
		assert.Equal(t, map[string]int{"": 20}, codes(t, e, 20, ok), "40 within 1 ms, across a second boundary")
	})
	t.Run("R1 two keys of one owner share a bucket", func(t *testing.T) {
		e, _ := rateFixture(t, DefaultRateLimit)
		assert.Equal(t, map[string]int{"": 15}, codes(t, e, 15, ok))
		assert.Equal(t, map[string]int{"": 5, "RequestLimitExceeded": 3}, codes(t, e, 8, call{cred: sameOwner, body: body}))
		assert.Equal(t, map[string]int{"": 20, "RequestLimitExceeded": 1}, codes(t, e, 21, call{cred: otherOwner, body: body}), "another owner has its own")
	})
	t.Run("R1 another limit", func(t *testing.T) {
		e, _ := rateFixture(t, 3)
		assert.Equal(t, map[string]int{"": 3, "RequestLimitExceeded": 2}, codes(t, e, 5, ok))
	})
	t.Run("R2 half the limit is never throttled", func(t *testing.T) {
		e, clk := rateFixture(t, DefaultRateLimit)
		for s := range 20 {
			// Bunched at the end of one second and the start of the next.
			clk.Set(t0.Add(time.Duration(s)*time.Second + 999*time.Millisecond))
			assert.Equal(t, map[string]int{"": 5}, codes(t, e, 5, ok))
			clk.Set(t0.Add(time.Duration(s+1) * time.Second))
			assert.Equal(t, map[string]int{"": 5}, codes(t, e, 5, ok))
		}
	})
	t.Run("R3 authentication failures do not count", func(t *testing.T) {
		e, _ := rateFixture(t, DefaultRateLimit)
		bad := primary
		bad.SecretKey = "wrong"
		temporary := cred(t, "temporary")
		noToken := call{cred: temporary, body: body, after: func(r *http.Request) { r.Header.Del("X-TC-Token") }}
		assert.Equal(t, map[string]int{"AuthFailure.SignatureFailure": 30}, codes(t, e, 30, call{cred: bad, body: body}))
		assert.Equal(t, map[string]int{"AuthFailure.SignatureExpire": 30}, codes(t, e, 30, call{cred: primary, body: body, ts: t0.Unix() - 1000}))
		assert.Equal(t, map[string]int{"AuthFailure.TokenFailure": 30}, codes(t, e, 30, noToken))
		assert.Equal(t, map[string]int{"": 20, "RequestLimitExceeded": 1}, codes(t, e, 21, ok))
		assert.Equal(t, map[string]int{"": 20}, codes(t, e, 20, call{cred: temporary, body: body}))
	})
	t.Run("routing errors do not count, parameter errors do", func(t *testing.T) {
		e, _ := rateFixture(t, DefaultRateLimit)
		assert.Equal(t, map[string]int{"InvalidAction": 30}, codes(t, e, 30, call{cred: primary, body: body, action: "Nope"}))
		assert.Equal(t, map[string]int{"UnknownParameter": 20}, codes(t, e, 20, call{cred: primary, body: `{"Foo":1}`}))
		assert.Equal(t, map[string]int{"RequestLimitExceeded": 1}, codes(t, e, 1, ok))
	})
	t.Run("RateLimit 0 is off", func(t *testing.T) {
		e, _ := rateFixture(t, 0)
		assert.Equal(t, map[string]int{"": 200}, codes(t, e, 200, ok))
	})
	t.Run("v1 requests count too", func(t *testing.T) {
		e, _ := rateFixture(t, 2)
		params := signV1Form(t, "GET", primary, "", t0.Unix(), map[string]string{"UserStoreId": storeOf(t, "varied").ID})
		got := map[string]int{}
		for range 3 {
			got[serve(t, e, v1Request(t, "GET", params)).code]++
		}
		assert.Equal(t, map[string]int{"": 2, "RequestLimitExceeded": 1}, got)
	})
	t.Run("memory is one bucket per owner", func(t *testing.T) {
		e, clk := rateFixture(t, DefaultRateLimit)
		for s := range 50 {
			clk.Set(t0.Add(time.Duration(s) * time.Second))
			codes(t, e, 1, ok)
		}
		buckets := map[*bucket]bool{}
		owners := map[string]bool{}
		for _, c := range e.creds {
			buckets[c.bucket] = true
			owners[c.Owner] = true
		}
		assert.Len(t, buckets, len(owners))
	})
}

// TestRateLimitConcurrent: under concurrent arrivals in one second, exactly the limit passes.
func TestRateLimitConcurrent(t *testing.T) {
	t.Parallel()
	e, _ := rateFixture(t, DefaultRateLimit)
	primary, sameOwner := cred(t, "primary"), cred(t, "same-owner")
	body := listBody(storeOf(t, "varied").ID)
	reqs := make([]*http.Request, 100)
	for i := range reqs {
		c := []signing.Credential{primary, sameOwner}[i%2]
		reqs[i] = call{cred: c, body: body}.request(t)
	}
	var mu sync.Mutex
	got := map[string]int{}
	var wg sync.WaitGroup
	for _, r := range reqs {
		wg.Go(func() {
			res := serveRaw(t, e, r)
			mu.Lock()
			got[res.code]++
			mu.Unlock()
		})
	}
	wg.Wait()
	require.Equal(t, map[string]int{"": 20, "RequestLimitExceeded": 80}, got)
}
