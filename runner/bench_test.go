package runner

import (
	"bytes"
	"context"
	"io"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	listjobs "github.com/ciam-harness/listjobs"
	"github.com/ciam-harness/listjobs/emulator"
	"github.com/ciam-harness/listjobs/features"
	"github.com/ciam-harness/listjobs/fixture"
)

// clockWait is the time the suite must wait by construction: the longest paced
// sequence of its scenarios, as the step catalogue tells it (steps.Traits.Wait). The
// bursts that wait for a second boundary (at most 1 s) run at the same time.
func clockWait(b *testing.B) time.Duration {
	sel, _, err := selectIn(features.FS, "", shard{1, 1})
	if err != nil {
		b.Fatal(err)
	}
	var longest time.Duration
	for _, sc := range sel {
		longest = max(longest, sc.traits.Wait)
	}
	if longest == 0 {
		b.Fatal("no paced step in the features")
	}
	return longest
}

// benchRun runs the suite with the filter against the embedded emulator, b.N times.
// It reports the wall time of a run, the peak heap (sampled every millisecond) and,
// when the run holds the paced scenarios, its ratio to the suite's wait by construction.
func benchRun(b *testing.B, tags, reports string, paced bool) {
	benchRunWith(b, tags, reports, paced, func(*Config) {})
}

// benchRunWith is benchRun with the configuration changed by set (another endpoint).
func benchRunWith(b *testing.B, tags, reports string, paced bool, set func(*Config)) {
	var scenarios int
	var peak uint64
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		runtime.GC()
		cfg := DefaultConfig()
		cfg.Tags = tags
		cfg.Reports = reports
		cfg.Format = "progress"
		cfg.OutDir = b.TempDir()
		set(&cfg)
		done := make(chan struct{})
		var wg sync.WaitGroup
		wg.Go(func() {
			for {
				metrics.Read(sample)
				peak = max(peak, sample[0].Value.Uint64())
				select {
				case <-done:
					return
				case <-time.After(time.Millisecond):
				}
			}
		})
		b.StartTimer()
		res := Run(context.Background(), cfg, io.Discard, io.Discard)
		b.StopTimer()
		close(done)
		wg.Wait()
		if res.ExitCode != ExitPassed {
			b.Fatalf("exit %d (%v): %d failed", res.ExitCode, res.Err, len(res.Failed()))
		}
		scenarios = len(res.Scenarios)
		b.StartTimer()
	}
	perRun := b.Elapsed() / time.Duration(b.N)
	b.ReportMetric(perRun.Seconds(), "s/run")
	if paced {
		wait := clockWait(b)
		b.ReportMetric(wait.Seconds(), "wait-s")
		b.ReportMetric(perRun.Seconds()/wait.Seconds(), "x-wait")
	}
	b.ReportMetric(float64(scenarios), "scenarios")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
}

// BenchmarkSuite is one full default run of the suite (every scenario but @scale)
// against the embedded emulator, as `go run ./cmd/conformance` does it, with its report
// files (reports=all, the default) and without (reports=none).
func BenchmarkSuite(b *testing.B) {
	for _, reports := range []string{"none", DefaultReports} {
		b.Run("reports="+reports, func(b *testing.B) { benchRun(b, "", reports, true) })
	}
}

// BenchmarkSuiteByURL is the suite against the reference emulator started in-process
// (embedded) and against the same emulator given by URL, as a vendor runs it: with the
// default fixture and --profile emulator, so that every primary key of the fixture signs
// ordinary requests. The goal: by URL at most 1.5x embedded.
func BenchmarkSuiteByURL(b *testing.B) {
	b.Run("embedded", func(b *testing.B) { benchRun(b, "", "none", true) })
	b.Run("url-profile-emulator", func(b *testing.B) {
		fx, err := fixture.Read(bytes.NewReader(listjobs.DefaultFixture))
		if err != nil {
			b.Fatal(err)
		}
		srv, err := emulator.Start(emulator.Config{Fixture: fx, RateLimit: emulator.DefaultRateLimit})
		if err != nil {
			b.Fatal(err)
		}
		defer srv.Close()
		primary, _ := fx.Credential(DefaultCredentialRole)
		benchRunWith(b, "", "none", true, func(c *Config) {
			c.Endpoint, c.SecretID, c.SecretKey = srv.URL, primary.SecretID, primary.SecretKey
			c.Fixture, c.Profile = fx, ProfileEmulator
		})
	})
}

// BenchmarkScaleRun is the @scale scenarios against the embedded emulator: the default
// fixture with a generated user store of 100,000 jobs (about 24 MB in one response).
func BenchmarkScaleRun(b *testing.B) { benchRun(b, ScaleTag, DefaultReports, false) }

// BenchmarkFixtureRead is the cost of reading the fixtures: "default" every run pays,
// "scale" only a run of @scale scenarios (generating and validating 100,000 jobs).
func BenchmarkFixtureRead(b *testing.B) {
	for _, c := range []struct {
		name string
		data []byte
	}{{"default", listjobs.DefaultFixture}, {"scale", listjobs.ScaleFixture}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := fixture.Read(bytes.NewReader(c.data)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
