package runner

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"regexp"
	"runtime"
	"runtime/metrics"
	"strconv"
	"sync"
	"testing"
	"time"

	listjobs "github.com/ciam-harness/listjobs"
	"github.com/ciam-harness/listjobs/features"
	"github.com/ciam-harness/listjobs/fixture"
)

// steadyStep is the R2 step: n requests sent at a fixed pace.
var steadyStep = regexp.MustCompile(`(\d+) requests of the fixture credential "[^"]*" are sent at (\d+) per second`)

// clockWait is the time the suite must wait by construction: the longest paced
// sequence of the features ((n-1)/rate seconds from the first request to the last).
// The bursts that wait for a second boundary (at most 1 s) run at the same time.
func clockWait(b *testing.B) time.Duration {
	var longest time.Duration
	err := fs.WalkDir(features.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		text, err := fs.ReadFile(features.FS, path)
		if err != nil {
			return err
		}
		for _, m := range steadyStep.FindAllStringSubmatch(string(text), -1) {
			n, _ := strconv.Atoi(m[1])
			rate, _ := strconv.Atoi(m[2])
			longest = max(longest, time.Duration(n-1)*time.Second/time.Duration(rate))
		}
		return nil
	})
	if err != nil || longest == 0 {
		b.Fatalf("no paced step found in the features (%v)", err)
	}
	return longest
}

// benchRun runs the suite with the filter against the embedded emulator, b.N times.
// It reports the wall time of a run, the peak heap (sampled every millisecond) and,
// when the run holds the paced scenarios, its ratio to the suite's wait by construction.
func benchRun(b *testing.B, tags, reports string, paced bool) {
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
