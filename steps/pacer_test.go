package steps

import (
	"context"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciam-harness/listjobs/fixture"
	"github.com/ciam-harness/listjobs/signing"
)

// mostInWindow is the largest number of arrivals within any span of one window (which
// bounds every fixed window, whatever its phase).
func mostInWindow(arrivals []time.Time, window time.Duration) int {
	sorted := slices.Clone(arrivals)
	slices.SortFunc(sorted, func(a, b time.Time) int { return a.Compare(b) })
	most, first := 0, 0
	for last := range sorted {
		for sorted[last].Sub(sorted[first]) >= window {
			first++
		}
		most = max(most, last-first+1)
	}
	return most
}

func TestMostInWindow(t *testing.T) {
	t0 := time.Unix(100, 0)
	at := func(ms ...int) []time.Time {
		var out []time.Time
		for _, m := range ms {
			out = append(out, t0.Add(time.Duration(m)*time.Millisecond))
		}
		return out
	}
	assert.Equal(t, 0, mostInWindow(nil, time.Second))
	assert.Equal(t, 2, mostInWindow(at(0, 999, 1000, 2500), time.Second))
	assert.Equal(t, 3, mostInWindow(at(1500, 900, 1000, 1900), time.Second), "in any order")
	assert.Equal(t, 4, mostInWindow(at(1500, 900, 1000, 1899), time.Second))
	// Sends spaced evenly below the limit bunch on arrival when some are delayed: 3 per
	// window, one every 340 ms; then the first two held up 500 ms on the way.
	assert.Equal(t, 3, mostInWindow(at(0, 340, 680, 1020, 1360), time.Second))
	assert.Equal(t, 5, mostInWindow(at(0+500, 340+500, 680, 1020, 1360), time.Second))
}

// TestPacerBoundsEveryWindow sends through one pacer from many goroutines, each request
// arriving at a random moment between its send and its answer, with random delays: no
// span of one window may hold more than the limit of arrivals.
func TestPacerBoundsEveryWindow(t *testing.T) {
	t.Parallel()
	const limit, window, requests = 5, 100 * time.Millisecond, 40
	p := newPacer(limit, window)
	var mu sync.Mutex
	var arrivals []time.Time
	var wg sync.WaitGroup
	for i := range requests {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(i), 7))
			done, err := p.wait(context.Background())
			if !assert.NoError(t, err) {
				return
			}
			time.Sleep(time.Duration(rng.IntN(40)) * time.Millisecond) // on the way
			mu.Lock()
			arrivals = append(arrivals, time.Now())
			mu.Unlock()
			time.Sleep(time.Duration(rng.IntN(40)) * time.Millisecond) // the answer's way back
			done()
		})
	}
	wg.Wait()
	require.Len(t, arrivals, requests)
	assert.LessOrEqual(t, mostInWindow(arrivals, window), limit)
}

func TestPacerAdmitsTheLimitAtOnceThenWaitsForAWindow(t *testing.T) {
	t.Parallel()
	const limit, window = 3, 300 * time.Millisecond
	p := newPacer(limit, window)
	start := time.Now()
	for range limit {
		done, err := p.wait(context.Background())
		require.NoError(t, err)
		done()
		done() // a second call changes nothing
	}
	assert.Less(t, time.Since(start), window/2, "the first %d go at once", limit)
	done, err := p.wait(context.Background())
	require.NoError(t, err)
	done()
	assert.GreaterOrEqual(t, time.Since(start), window, "the next waits until the first answer is a window old")

	// A request in flight holds its place until answered.
	p = newPacer(1, window)
	first, err := p.wait(context.Background())
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 2*window)
	defer cancel()
	_, err = p.wait(ctx)
	assert.ErrorIs(t, err, context.DeadlineExceeded, "no place while the first is unanswered")
	first()
	start = time.Now()
	_, err = p.wait(context.Background())
	require.NoError(t, err)
	assert.GreaterOrEqual(t, time.Since(start), window*9/10, "then a window after its answer")
}

// A request answered before the suite (the runner's pre-flight) holds its place in the
// window: the suite's first requests do not add up to more than the limit with it.
func TestPacerCountsRequestsAnsweredBeforeIt(t *testing.T) {
	t.Parallel()
	const window = 300 * time.Millisecond
	p := newPacer(2, window)
	start := time.Now()
	p.answeredAt(start)
	done, err := p.wait(context.Background())
	require.NoError(t, err)
	done()
	done, err = p.wait(context.Background())
	require.NoError(t, err)
	done()
	assert.GreaterOrEqual(t, time.Since(start), window, "the second waits for the earlier answer to leave the window")

	// Through NewSuite: Target.Answered reaches the pacer of the key's owner.
	target := poolTarget(key("a"))
	target.Answered = map[string]time.Time{"a": start}
	s, err := NewSuite(target)
	require.NoError(t, err)
	var answered int
	for _, p := range s.pacers {
		p.mu.Lock()
		answered += len(p.answered)
		p.mu.Unlock()
	}
	assert.Equal(t, 1, answered)
}

func poolTarget(keys ...signing.Credential) Target {
	return Target{BaseURL: "http://127.0.0.1:9", Credentials: keys, UserStoreID: "us-1", Driver: wireTo("http://127.0.0.1:9")}
}

func key(id string) signing.Credential {
	return signing.Credential{SecretID: id, SecretKey: "secret-" + id}
}

func TestNewSuitePoolOfKeys(t *testing.T) {
	s, err := NewSuite(poolTarget(key("a"), key("b"), key("a"), key("c")))
	require.NoError(t, err)
	assert.Equal(t, key("a"), s.target.Credential, "the first key of the pool")
	var dealt []string
	for range 7 {
		dealt = append(dealt, s.ordinaryKey().SecretID)
	}
	assert.Equal(t, []string{"a", "b", "c", "a", "b", "c", "a"}, dealt, "each once, in turn")

	t2 := poolTarget(key("b"), key("c"))
	t2.Credential = key("a")
	s, err = NewSuite(t2)
	require.NoError(t, err)
	assert.Equal(t, []signing.Credential{key("a"), key("b"), key("c")}, s.pool, "Credential first")
	assert.Equal(t, s.pacers[unknownOwner], s.pacers[s.owners["c"]], "keys of unknown owners share one pacer")
	assert.Len(t, s.pacers, 1)

	for name, bad := range map[string]Target{
		"no key at all":  poolTarget(),
		"a key w/o id":   poolTarget(key("a"), signing.Credential{SecretKey: "k"}),
		"a key w/o key":  poolTarget(key("a"), signing.Credential{SecretID: "b"}),
		"bad Credential": {BaseURL: "http://127.0.0.1:9", Credential: signing.Credential{SecretID: "x"}, Credentials: []signing.Credential{key("a")}, UserStoreID: "us-1"},
	} {
		_, err := NewSuite(bad)
		assert.Error(t, err, name)
	}
}

// ownersFixture has two ordinary keys and two readers of distinct owners, and
// rate-limit keys: two of one owner, one of another, one of a reader's owner.
func ownersFixture() *fixture.Fixture {
	c := func(role, id, owner string) fixture.Credential {
		return fixture.Credential{Role: role, SecretID: id, SecretKey: "secret-" + id, Account: "acct", Owner: owner}
	}
	return &fixture.Fixture{Credentials: []fixture.Credential{
		c("primary", "p1", "o-p1"), c("primary", "p2", "o-p2"),
		c("fixture-reader", "r1", "o-r1"), c("fixture-reader", "r2", "o-r2"),
		c("rate-limit-a", "ra", "o-rl"), c("rate-limit-a-same-owner", "ra2", "o-rl"),
		c("rate-limit-b", "rb", "o-rl-b"), c("rate-limit-c", "rc", "o-r2"),
	}}
}

func ownersSuite(t *testing.T) *Suite {
	t.Helper()
	target := poolTarget(key("p1"), key("p2"))
	target.Fixture = ownersFixture()
	for i := range target.Credentials {
		target.Credentials[i].SecretKey = "secret-" + target.Credentials[i].SecretID
	}
	s, err := NewSuite(target)
	require.NoError(t, err)
	return s
}

func TestPacersAndReadersByOwner(t *testing.T) {
	s := ownersSuite(t)
	assert.Same(t, s.pacers[s.owners["ra"]], s.pacers[s.owners["ra2"]], "two keys of one owner share a pacer")
	assert.NotSame(t, s.pacers[s.owners["p1"]], s.pacers[s.owners["p2"]])
	var readers []string
	for range 3 {
		readers = append(readers, s.readerKey(key("p1")).SecretID)
	}
	assert.Equal(t, []string{"r1", "r2", "r1"}, readers, "the fixture-reader keys in turn")
	s2, err := NewSuite(poolTarget(key("p1")))
	require.NoError(t, err)
	assert.Equal(t, "p1", s2.readerKey(key("p1")).SecretID, "no reader: the ordinary key")
}

func TestLeases(t *testing.T) {
	s := ownersSuite(t)
	st := newWorld(s)
	cred := func(id string) signing.Credential { return signing.Credential{SecretID: id, SecretKey: "secret-" + id} }
	ctx := context.Background()

	last, release, err := st.bs.hold(ctx, cred("ra"), cred("ra2"))
	require.NoError(t, err, "two keys of one owner")
	assert.True(t, last.IsZero(), "never used before")

	// Another owner is free meanwhile.
	_, releaseB, err := st.bs.hold(ctx, cred("rb"))
	require.NoError(t, err)
	releaseB()

	// The same owner waits until released.
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	_, _, err = st.bs.hold(short, cred("rb"), cred("ra2"))
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	_, again, err := st.bs.hold(ctx, cred("rb"))
	require.NoError(t, err, "a hold that gave up took nothing with it")
	again()

	before := time.Now()
	release()
	last, release, err = st.bs.hold(ctx, cred("ra"))
	require.NoError(t, err)
	assert.False(t, last.Before(before), "the time of the last use is handed on")
	release()

	// Keys of an owner that ordinary requests use are refused, with the role to blame.
	_, _, err = st.bs.hold(ctx, cred("rc"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `"fixture-reader"`)
	_, _, err = st.bs.hold(ctx, cred("p1"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `"primary"`)

	// So is a rate-limit key given as the key of ordinary requests.
	target := poolTarget(cred("rb"))
	target.Fixture = ownersFixture()
	s2, err := NewSuite(target)
	require.NoError(t, err)
	_, _, err = newWorld(s2).bs.hold(ctx, cred("rb"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "a key of ordinary requests")
}

// The pace of a steady run (R2) held when its busiest second holds exactly the rate:
// a late request crossing into the next second, or a stall that bunches requests,
// changes the count.
func TestBusiestSecond(t *testing.T) {
	sentAt := func(ms ...int) []outcome {
		var out []outcome
		for _, m := range ms {
			out = append(out, outcome{sent: time.Unix(100, 0).Add(time.Duration(m) * time.Millisecond)})
		}
		return out
	}
	var onPace, late, bunched []int
	for i := range 20 {
		onPace = append(onPace, 350+100*i) // 7 in second 100, 10 in 101, 3 in 102
		late = append(late, 350+100*i)
		bunched = append(bunched, 350+100*i)
	}
	late[16] += 60 // 1.95 s: 60 ms late, into second 102
	for i := 4; i < 7; i++ {
		bunched[i] = 1010 + i // the last three of second 100 held up, then sent at once
	}
	assert.Equal(t, 10, busiestSecond(sentAt(onPace...)))
	late[15] += 30 // 1.85 s, 30 ms late: still in its second
	assert.Equal(t, 9, busiestSecond(sentAt(late...)), "second 101 lost one, 102 holds 4")
	assert.Equal(t, 13, busiestSecond(sentAt(bunched...)))
}
