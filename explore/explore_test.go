package explore

import (
	"strings"
	"testing"
	"time"

	"github.com/ciam-harness/listjobs/emulator"
)

func TestReferencePasses(t *testing.T) {
	t.Parallel()
	for name, nullEmpty := range map[string]bool{"reference": false, "null-empty": true} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := start(t, emulator.Config{RateLimit: emulator.DefaultRateLimit, NullEmpty: nullEmpty})
			rep := explore(t, srv.URL, defaultFixture(t), Options{Seed: 7, Budget: 700, Duration: 15 * time.Second})
			t.Logf("%d programs, %d requests in %.1fs: %s", rep.Programs, rep.Requests, rep.Seconds, rep.Stopped)
			for _, f := range rep.Failures {
				t.Errorf("false positive on %s:\n%s\n%s", f.Rows, f.Error, f.Feature)
			}
		})
	}
}

// The same seed and budget draw and send the same requests; another seed others.
func TestSameSeedSameRequests(t *testing.T) {
	t.Parallel()
	srv := start(t, emulator.Config{RateLimit: emulator.DefaultRateLimit})
	fx := defaultFixture(t)
	trace := func(seed uint64) string {
		var b strings.Builder
		rep := explore(t, srv.URL, fx, Options{Seed: seed, Budget: 150, NoProbes: true, Trace: &b})
		if len(rep.Failures) > 0 {
			t.Fatalf("seed %d: a failure on the reference: %s", seed, rep.Failures[0].Error)
		}
		return b.String()
	}
	a, b, c := trace(7), trace(7), trace(8)
	if a != b {
		t.Errorf("seed 7 sent other requests the second time:\n%s\n----\n%s", a, b)
	}
	if a == c {
		t.Error("seeds 7 and 8 sent the same requests")
	}
	if n := strings.Count(a, "\n"); n < 100 {
		t.Errorf("seed 7 sent %d requests; want about 150 (80%% of the budget: the rest is kept for shrinking)", n)
	}
}
