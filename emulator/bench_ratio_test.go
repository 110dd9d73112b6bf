//go:build !mechanical

package emulator

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// ratioPhase is how long one side is measured before the other takes its turn, and
// ratioRounds how many turns each side gets per op: alternating short phases expose
// both sides to the same load from the rest of the machine.
const (
	ratioPhase  = 500 * time.Millisecond
	ratioRounds = 4
)

// BenchmarkEmulatorVsBare measures, in one run, the emulator and the bare net/http
// handler of BenchmarkBareHandler with the same parallel signed clients (rate limit
// off, the 6-job store), in alternating phases, and reports the median requests per
// second of each and the ratio emulator / bare of the medians. Run it with
// -benchtime=1x: an op is 2 x ratioRounds phases.
func BenchmarkEmulatorVsBare(b *testing.B) {
	emu := startServer(b, Config{})
	bareURL, stop := bareServer(b)
	defer stop()
	sides := []struct {
		name string
		c    *benchClient
		rate []float64
		cpu  []float64
	}{{name: "emulator", c: newBenchClient(b, emu.URL+"/")}, {name: "bare", c: newBenchClient(b, bareURL)}}
	for _, s := range sides {
		defer s.c.client.CloseIdleConnections()
		if n := s.c.do(b, &signMemo{}); n < 1000 {
			b.Fatalf("%s: response of %d bytes: not the job list", s.name, n)
		}
	}
	clients := benchParallelism * runtime.GOMAXPROCS(0) // as RunParallel with SetParallelism
	b.ResetTimer()
	for range b.N {
		for range ratioRounds {
			for k := range sides {
				rate, cpu := phase(b, sides[k].c, clients)
				sides[k].rate = append(sides[k].rate, rate)
				sides[k].cpu = append(sides[k].cpu, cpu)
			}
		}
	}
	b.StopTimer()
	emuRate, bareRate := median(sides[0].rate), median(sides[1].rate)
	b.ReportMetric(emuRate, "emu-req/s")
	b.ReportMetric(bareRate, "bare-req/s")
	b.ReportMetric(emuRate/bareRate, "emu/bare")
	b.ReportMetric(median(sides[0].cpu), "emu-cpu-µs/req")
	b.ReportMetric(median(sides[1].cpu), "bare-cpu-µs/req")
}

// phase sends requests from clients goroutines for ratioPhase and returns the requests
// per second, and the process's CPU time per request in µs (client and server).
func phase(b *testing.B, c *benchClient, clients int) (rate, cpuPerReq float64) {
	var count atomic.Int64
	var wg sync.WaitGroup
	cpu0, start := cpuTime(), time.Now()
	deadline := start.Add(ratioPhase)
	for range clients {
		wg.Go(func() {
			var memo signMemo
			for time.Now().Before(deadline) {
				c.do(b, &memo)
				count.Add(1)
			}
		})
	}
	wg.Wait()
	elapsed, cpu := time.Since(start), cpuTime()-cpu0
	n := float64(count.Load())
	return n / elapsed.Seconds(), float64(cpu.Microseconds()) / n
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// bareServer serves, as BenchmarkBareHandler does, a handler that reads the body and
// writes the emulator's answer to the benchmark request, canned.
func bareServer(b *testing.B) (url string, stop func()) {
	e := newEmu(b, Config{Clock: time.Now})
	rec := httptest.NewRecorder()
	req := call{cred: cred(b, "primary"), body: listBody(storeOf(b, "varied").ID), ts: time.Now().Unix()}.request(b)
	e.ServeHTTP(rec, req)
	canned := rec.Body.Bytes()
	if !strings.Contains(string(canned), "JobSet") {
		b.Fatalf("canned response is not a job list: %s", canned)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srv := NewHTTPServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(canned)
	}))
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String() + "/", func() { _ = srv.Close() }
}
