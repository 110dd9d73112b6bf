package steps

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciam-harness/listjobs/check"
	"github.com/ciam-harness/listjobs/driver"
	"github.com/ciam-harness/listjobs/fixture"
	"github.com/ciam-harness/listjobs/vocab"
	"github.com/ciam-harness/listjobs/wire"
)

// acrossOutcomes are n requests sent and answered in the local second of first and m
// in the second after, each dated by date (zero: no Date header).
func acrossOutcomes(first time.Time, n, m int, date func(second int) time.Time) []outcome {
	var out []outcome
	for s, count := range []int{n, m} {
		at := first.Add(time.Duration(s) * 500 * time.Millisecond)
		for range count {
			out = append(out, outcome{shot: shot{role: "rate-limit-a", second: s}, sent: at, received: at.Add(20 * time.Millisecond), date: date(s)})
		}
	}
	return out
}

// TestAcrossBoundary: bursts that fell in one second and the next, by the local clock
// and by the server's Date headers when every response has one, are judged; any other
// fall is not.
func TestAcrossBoundary(t *testing.T) {
	t.Parallel()
	base := time.Unix(1_000_000, 0)
	late := base.Add(lateStart) // the first burst late in second N, the next at N+1.1
	undated := func(int) time.Time { return time.Time{} }
	server := func(offset int64) func(int) time.Time {
		return func(s int) time.Time { return time.Unix(base.Unix()+offset+int64(s), 0).UTC() }
	}
	for name, tc := range map[string]struct {
		outcomes []outcome
		why      string // "" judged; else a part of the reason
	}{
		"no Date: the local clock decides":           {acrossOutcomes(late, 30, 20, undated), ""},
		"Date: one second and the next":              {acrossOutcomes(late, 30, 20, server(0)), ""},
		"Date: the server's clock ahead by seconds":  {acrossOutcomes(late, 30, 20, server(7)), ""},
		"Date: both bursts in one second":            {acrossOutcomes(late, 30, 20, func(int) time.Time { return server(0)(1) }), "both bursts in one second of its clock"},
		"Date: a second skipped":                     {acrossOutcomes(late, 30, 20, func(s int) time.Time { return server(0)(2 * s) }), "not in the second after"},
		"Date on some responses only: local clock":   {append(acrossOutcomes(late, 30, 19, server(0)), acrossOutcomes(late, 0, 1, undated)...), ""},
		"first burst straddles a local boundary":     {acrossOutcomes(base.Add(990*time.Millisecond), 30, 20, undated), "the first burst straddled a local second boundary"},
		"next burst two seconds on":                  {acrossOutcomes(base.Add(200*time.Millisecond), 30, 20, undated), "the next burst did not fall within the local second after"},
		"more than a second from first to last":      {append(acrossOutcomes(base.Add(50*time.Millisecond), 30, 0, undated), acrossOutcomes(base.Add(560*time.Millisecond), 0, 20, undated)...), "more than a second"},
		"first burst over two seconds of the server": {append(acrossOutcomes(late, 29, 20, server(0)), acrossOutcomes(late, 1, 0, server(1))...), "the first burst over more than one second"},
	} {
		why := acrossBoundary(tc.outcomes)
		if tc.why == "" {
			assert.Empty(t, why, name)
		} else {
			assert.Contains(t, why, tc.why, name)
		}
	}
}

// datedTransport answers every request at once with a success whose Date header date
// gives from the local time of the answer.
type datedTransport struct {
	date func(now time.Time) time.Time
	n    atomic.Int64
}

func (d *datedTransport) Prepare(context.Context, *wire.Spec, time.Time) (driver.Shot, error) {
	return func() *wire.Exchange {
		d.n.Add(1)
		now := time.Now()
		h := http.Header{"Date": {d.date(now).UTC().Format(http.TimeFormat)}}
		return &wire.Exchange{Status: 200, RespHeader: h, Body: []byte(`{"Response":{"JobSet":[],"RequestId":"x"}}`), Sent: now, Received: now}
	}, nil
}

func (*datedTransport) Name() string                      { return "dated" }
func (*datedTransport) Client() string                    { return "" }
func (*datedTransport) Capabilities() driver.Capabilities { return driver.Capabilities{Wire: true} }
func (*datedTransport) Close() error                      { return nil }

// datedScenario is an @fixture scenario tagged R1 whose answers d dates.
func datedScenario(t *testing.T, d *datedTransport) *world {
	t.Helper()
	fx := ownersFixture()
	fx.UserStores = []fixture.UserStore{{ID: "us-rl", Role: "varied", Account: "acct"}}
	target := poolTarget(key("p1"), key("p2"))
	target.Fixture = fx
	target.Driver = d
	s, err := NewSuite(target)
	require.NoError(t, err)
	w := newWorld(s)
	w.sc.rows, w.sc.tags = []string{"R1"}, map[string]bool{vocab.TagFixture: true}
	return w
}

// The Date guard of lateThenEarly: a server whose Date headers put both bursts in one
// second of its clock (a clock half a second off ours would) gets them sent again, and
// then the step is inconclusive rather than judged, whatever its answers; one whose
// Dates follow the seconds is judged at the first attempt.
func TestLateThenEarlyDateGuard(t *testing.T) {
	t.Parallel()
	t.Run("one server second: inconclusive", func(t *testing.T) {
		t.Parallel()
		d := &datedTransport{date: func(time.Time) time.Time { return time.Unix(1_000_000, 0) }}
		w := datedScenario(t, d)
		err := w.bs.lateThenEarly(context.Background(), 3, "rate-limit-a", 2)
		assertInconclusive(t, err, "both bursts in one second of its clock")
		assert.Equal(t, burstAttempts, w.bs.last.attempts, "every attempt was fired")
		assert.EqualValues(t, burstAttempts*5, d.n.Load())
	})
	t.Run("the server's seconds follow: judged", func(t *testing.T) {
		t.Parallel()
		d := &datedTransport{date: func(now time.Time) time.Time { return now.Add(3 * time.Second) }}
		w := datedScenario(t, d)
		require.NoError(t, w.bs.lateThenEarly(context.Background(), 3, "rate-limit-a", 2))
		assert.Equal(t, 1, w.bs.last.attempts)
		// every request succeeded: the first second let 3 pass, over a limit of 2
		err := w.bs.eachSecond(2, "RequestLimitExceeded")
		require.Error(t, err)
		assert.Equal(t, []string{"R1"}, check.Blame(err))
		assert.Contains(t, err.Error(), "3 of the 3 requests of the first second succeeded; want 2")
		require.NoError(t, w.bs.eachSecond(3, "RequestLimitExceeded"))
	})
}

// TestEachSecond: each second of the step is judged on its own: fewer than the limit
// passing in the next second fails, as does a refusal with another code.
func TestEachSecond(t *testing.T) {
	t.Parallel()
	w := datedScenario(t, &datedTransport{date: func(now time.Time) time.Time { return now }})
	ok := func(s int) outcome { return outcome{shot: shot{second: s}} }
	limited := func(s int, code string) outcome { return outcome{shot: shot{second: s}, code: code} }
	for name, tc := range map[string]struct {
		outcomes []outcome
		want     string // "" passes
	}{
		"20 then 20":                    {[]outcome{ok(0), ok(0), limited(0, "RequestLimitExceeded"), ok(1), ok(1)}, ""},
		"a sub-code":                    {[]outcome{ok(0), ok(0), limited(0, "RequestLimitExceeded.FrequentRequest"), ok(1), ok(1)}, ""},
		"the next second short":         {[]outcome{ok(0), ok(0), limited(0, "RequestLimitExceeded"), ok(1), limited(1, "RequestLimitExceeded")}, "1 of the 2 requests of the next second succeeded; want 2"},
		"the first second over":         {[]outcome{ok(0), ok(0), ok(0), ok(1), ok(1)}, "3 of the 3 requests of the first second succeeded; want 2"},
		"another code":                  {[]outcome{ok(0), ok(0), limited(0, "InternalError"), ok(1), ok(1)}, `a refused request got "InternalError"`},
		"one second only, under limit":  {[]outcome{ok(0)}, ""},
		"a code that only starts alike": {[]outcome{ok(0), ok(0), limited(0, "RequestLimitExceededX"), ok(1), ok(1)}, "a refused request got"},
	} {
		w.bs.last = &burst{outcomes: tc.outcomes, attempts: 1}
		err := w.bs.eachSecond(2, "RequestLimitExceeded")
		if tc.want == "" {
			assert.NoError(t, err, name)
			continue
		}
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), tc.want, name)
		assert.Equal(t, []string{"R1"}, check.Blame(err), name)
	}
}
