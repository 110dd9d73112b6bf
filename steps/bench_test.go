package steps

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"runtime"
	"runtime/metrics"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ciam-harness/listjobs/driver"
	"github.com/ciam-harness/listjobs/fixture"
	"github.com/ciam-harness/listjobs/signing"
	"github.com/ciam-harness/listjobs/wire"
)

// benchStoreRole is the role of the generated user store the response benchmarks list.
const benchStoreRole = "bench"

// benchSizes are the JobSet sizes measured side by side, so that growth shows.
var benchSizes = []int{1, 1_000, 10_000, 100_000}

// benchResponse is a success response of n generated jobs, in a shuffled order, as the
// emulator writes it, and the fixture that records them.
func benchResponse(b *testing.B, n int) (*fixture.Fixture, []byte) {
	b.Helper()
	store := fixture.UserStore{ID: "us-bench", Role: benchStoreRole, Account: "acct-bench"}
	store.Jobs = fixture.GenerateJobs(store.ID, fixture.Generate{Count: n, Seed: 6})
	fx := &fixture.Fixture{
		Credentials: []fixture.Credential{{Role: "primary", SecretID: "AKIDbench", SecretKey: "bench-key", Account: "acct-bench", Owner: "sub-bench"}},
		UserStores:  []fixture.UserStore{store},
	}
	order := rand.New(rand.NewPCG(6, 6)).Perm(n)
	var body bytes.Buffer
	body.WriteString(`{"Response":{"JobSet":[`)
	for k, i := range order {
		if k > 0 {
			body.WriteByte(',')
		}
		body.Write(store.Jobs[i].Raw)
	}
	body.WriteString(`],"RequestId":"6f1d2a0c-9a43-4c9e-8d1e-3b2a1c0d9e8f"}}`)
	return fx, body.Bytes()
}

// cannedTransport answers every request with the same 200 response, as net/http's
// client hands it over: a body to read, with its Content-Length.
type cannedTransport struct{ body []byte }

func (c cannedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{
		StatusCode:    http.StatusOK,
		Header:        http.Header{"Content-Type": {"application/json"}},
		Body:          io.NopCloser(bytes.NewReader(c.body)),
		ContentLength: int64(len(c.body)),
		Request:       r,
	}, nil
}

// heapBytes is the heap's objects, live and not yet swept; allocBytes the bytes
// allocated since the program started.
func heapBytes() uint64  { return readMetric("/memory/classes/heap/objects:bytes").Uint64() }
func allocBytes() uint64 { return readMetric("/gc/heap/allocs:bytes").Uint64() }

// cpuBusy is the CPU time (user + system) this process has used so far: other load on
// the machine disturbs it less than wall time.
func cpuBusy() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func readMetric(name string) metrics.Value {
	sample := []metrics.Sample{{Name: name}}
	metrics.Read(sample)
	return sample[0].Value
}

// heapPeak samples heapBytes every 200 µs until stop is called, which returns the
// highest sample.
func heapPeak() (stop func() uint64) {
	done := make(chan struct{})
	var peak uint64
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(200 * time.Microsecond)
		defer tick.Stop()
		for {
			peak = max(peak, heapBytes())
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	})
	return func() uint64 {
		close(done)
		wg.Wait()
		return max(peak, heapBytes())
	}
}

// BenchmarkValidateAndCheck is what the harness does with one success response of n jobs
// after it was received: read the body, then the steps of a scenario that lists a known
// user store and checks everything (features/scale.feature, job.feature): the success
// envelope against its schema (T6), every job against job.json (J9), J1-J8 with gjson,
// the jobs field for field against the fixture, and the id-set comparison (S1).
//
// Metrics besides time: ns/job; alloc/resp, the bytes allocated per op over the
// response's size; peak/resp, the highest heap growth seen during an op (sampled, after
// a GC before it) over the response's size. The response itself is not counted in
// either: peak memory is (1 + peak/resp) times the response.
func BenchmarkValidateAndCheck(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("jobs=%d", n), func(b *testing.B) {
			fx, body := benchResponse(b, n)
			d, err := driver.NewWire(driver.Env{Target: wire.Target{BaseURL: "http://127.0.0.1:9", Region: DefaultRegion}, Client: &http.Client{Transport: cannedTransport{body}}})
			if err != nil {
				b.Fatal(err)
			}
			s, err := NewSuite(Target{
				BaseURL:     "http://127.0.0.1:9",
				UserStoreID: fx.UserStores[0].ID,
				Credential:  signing.Credential{SecretID: "AKIDbench", SecretKey: "bench-key"},
				Fixture:     fx,
				Driver:      d,
			})
			if err != nil {
				b.Fatal(err)
			}
			// The steps in the order of features/scale.feature, each in a group whose
			// time per op is reported: "schemas" (the envelope, T6, and every job against
			// job.json, J9), "gjson" (J1-J8 one rule at a time), "fields" (the jobs field
			// for field against the fixture) and "ids" (the id-set comparison, S1).
			steps := []struct {
				group string
				run   func(w *world) error
			}{
				{"schemas", func(w *world) error { return w.rs.isSuccess() }},
				{"ids", func(w *world) error { return w.rs.idsAreKnown() }},
				{"gjson", func(w *world) error { return w.jb.everyJobJ1() }}, {"gjson", func(w *world) error { return w.jb.everyJobJ2() }},
				{"gjson", func(w *world) error { return w.jb.everyJobJ3() }}, {"gjson", func(w *world) error { return w.jb.everyJobJ4() }},
				{"gjson", func(w *world) error { return w.jb.everyJobJ5() }}, {"gjson", func(w *world) error { return w.jb.everyJobJ6() }},
				{"gjson", func(w *world) error { return w.jb.everyJobJ7() }}, {"gjson", func(w *world) error { return w.jb.everyJobJ8() }},
				{"schemas", func(w *world) error { return w.jb.everyJobSchema() }},
				{"fields", func(w *world) error { return w.jb.fieldForField(benchStoreRole) }},
			}
			spent := map[string]time.Duration{}
			var peak, allocated uint64
			var busy time.Duration
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				runtime.GC()
				base, alloc0 := heapBytes(), allocBytes()
				stop := heapPeak()
				cpu0 := cpuBusy()
				b.StartTimer()

				start := time.Now()
				st := newWorld(s)
				st.sc.tags, st.sc.rows = map[string]bool{"@fixture": true}, []string{"S1"}
				if err := st.rq.requestForFixtureStore(benchStoreRole); err != nil {
					b.Fatal(err)
				}
				shot, err := d.Prepare(b.Context(), st.rq.spec, time.Now())
				if err != nil {
					b.Fatal(err)
				}
				st.sc.last = shot()
				spent["read"] += time.Since(start)
				for _, step := range steps {
					t0 := time.Now()
					if err := step.run(st); err != nil {
						b.Fatalf("%s: %v", step.group, err)
					}
					spent[step.group] += time.Since(t0)
				}

				b.StopTimer()
				busy += cpuBusy() - cpu0
				allocated += allocBytes() - alloc0
				if p := stop(); p > base {
					peak = max(peak, p-base)
				}
				b.StartTimer()
			}
			size := float64(len(body))
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/job")
			b.ReportMetric(size, "resp-bytes")
			b.ReportMetric(float64(busy.Microseconds())/1000/float64(b.N), "cpu-ms/op")
			b.ReportMetric(float64(allocated)/float64(b.N)/size, "alloc/resp")
			b.ReportMetric(float64(peak)/size, "peak/resp")
			for group, d := range spent {
				b.ReportMetric(float64(d.Microseconds())/1000/float64(b.N), group+"-ms/op")
			}
		})
	}
}
