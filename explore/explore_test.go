package explore

import (
	"testing"
	"time"

	"github.com/ciam-harness/listjobs/emulator"
)

func TestReferencePasses(t *testing.T) {
	for name, nullEmpty := range map[string]bool{"reference": false, "null-empty": true} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := start(t, emulator.Config{RateLimit: emulator.DefaultRateLimit, NullEmpty: nullEmpty})
			rep := explore(t, srv.URL, defaultFixture(t), Options{Seed: 7, Budget: 1000, Duration: 25 * time.Second})
			t.Logf("%d programs, %d requests in %.1fs: %s", rep.Programs, rep.Requests, rep.Seconds, rep.Stopped)
			for _, f := range rep.Failures {
				t.Errorf("false positive on %s:\n%s\n%s", f.Rows, f.Error, f.Feature)
			}
		})
	}
}
