package steps

import (
	"context"
	"slices"
	"sync"
	"time"
)

// pacer keeps the ordinary requests of one credential owner within the rate limit,
// whatever the delays between the harness and the server's clock.
//
// The server counts a request in the one-second window of its arrival (R1), and a
// request arrives some time after it was sent and before its answer was received. So
// the pacer admits a request only when fewer than limit of the owner's requests are in
// flight or were answered less than a window ago. Then no window can hold more than
// limit arrivals: of the requests arriving in one window, the last one sent found every
// other one either in flight or answered after the window began, so less than a window
// before it was sent, and counted it. Delays (a loaded machine, a slow network) make the
// pace slower, never the bunches bigger, as a pacer that only spaces the sends would.
//
// Requests wait in turn (first come, first served).
type pacer struct {
	limit  int
	window time.Duration
	turn   chan struct{} // held by the one waiter whose turn it is

	mu       sync.Mutex
	inflight int
	answered []time.Time   // when answered, in order; pruned past a window
	freed    chan struct{} // closed (and replaced) when a request is answered
}

func newPacer(limit int, window time.Duration) *pacer {
	return &pacer{limit: limit, window: window, turn: make(chan struct{}, 1), freed: make(chan struct{})}
}

// wait blocks until a request may be sent, and returns done, to be called once its
// answer (or transport error) is in.
func (p *pacer) wait(ctx context.Context) (done func(), err error) {
	select {
	case p.turn <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-p.turn }()
	for {
		p.mu.Lock()
		now := time.Now()
		i := 0
		for i < len(p.answered) && now.Sub(p.answered[i]) >= p.window {
			i++
		}
		p.answered = p.answered[i:]
		if p.inflight+len(p.answered) < p.limit {
			p.inflight++
			p.mu.Unlock()
			return sync.OnceFunc(p.answer), nil
		}
		freed := p.freed
		// The oldest answer leaves the window then; with none, an answer frees a place.
		wake := time.Hour
		if len(p.answered) > 0 {
			wake = p.answered[0].Add(p.window).Sub(now)
		}
		p.mu.Unlock()
		t := time.NewTimer(wake)
		select {
		case <-freed:
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		}
		t.Stop()
	}
}

// answer records that an admitted request was answered now.
func (p *pacer) answer() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.inflight--
	p.answered = append(p.answered, time.Now())
	close(p.freed)
	p.freed = make(chan struct{})
}

// answeredAt records a request answered at t that the pacer did not admit (one sent
// before the suite): it counts in the window like the others.
func (p *pacer) answeredAt(t time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	i := len(p.answered)
	for i > 0 && p.answered[i-1].After(t) {
		i--
	}
	p.answered = slices.Insert(p.answered, i, t)
}
