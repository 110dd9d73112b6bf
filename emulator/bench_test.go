//go:build !mechanical

package emulator

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/ciam-harness/listjobs/signing"
)

// benchClient is the client side both loopback benchmarks share: a keep-alive pool
// and a TC3-signed ListJobs POST per request, signed at the current time.
type benchClient struct {
	client *http.Client
	url    string
	body   []byte
	cred   signing.Credential
}

func newBenchClient(b *testing.B, url string) *benchClient {
	return &benchClient{
		client: &http.Client{Transport: &http.Transport{MaxIdleConns: 256, MaxIdleConnsPerHost: 256, DisableCompression: true}},
		url:    url,
		body:   []byte(listBody(storeOf(b, "varied").ID)),
		cred:   cred(b, "primary"),
	}
}

// signMemo keeps one goroutine's last signature: an identical request signed in the
// same second has the same signature, so a client signs once per second. The server
// still verifies every request in full.
type signMemo struct {
	ts   int64
	auth string
}

func (c *benchClient) do(b *testing.B, memo *signMemo) int {
	r, err := http.NewRequest(http.MethodPost, c.url, bytes.NewReader(c.body))
	if err != nil {
		b.Fatal(err)
	}
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("X-TC-Action", "ListJobs")
	r.Header.Set("X-TC-Version", "2022-03-31")
	r.Header.Set("X-TC-Region", "ap-guangzhou")
	now := time.Now().Unix()
	if now != memo.ts {
		signing.Sign(r, c.body, c.cred, "ciam", now, nil)
		memo.ts, memo.auth = now, r.Header.Get("Authorization")
	} else {
		r.Header.Set("X-TC-Timestamp", strconv.FormatInt(now, 10))
		r.Header.Set("Authorization", memo.auth)
	}
	resp, err := c.client.Do(r)
	if err != nil {
		b.Fatal(err)
	}
	n, _ := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return int(n)
}

// benchParallelism is goroutines per CPU: enough requests in flight to keep both
// sides of the loopback busy.
const benchParallelism = 16

// cpuTime is the CPU time (user + system) this process has used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportRate reports requests per second, and the process's CPU time per request
// (client and server together), which other load on the machine disturbs less.
func reportRate(b *testing.B, cpuStart time.Duration) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
	b.ReportMetric(float64((cpuTime()-cpuStart).Microseconds())/float64(b.N), "cpu-µs/req")
}

// BenchmarkListJobsParallel: signed ListJobs requests over loopback HTTP from parallel
// clients to a Start()ed emulator (rate limit off, the 6-job store).
func BenchmarkListJobsParallel(b *testing.B) {
	s := startServer(b, Config{})
	c := newBenchClient(b, s.URL+"/")
	defer c.client.CloseIdleConnections()
	if n := c.do(b, &signMemo{}); n < 1000 {
		b.Fatalf("response of %d bytes: not the job list", n)
	}
	runClients(b, c)
}

// BenchmarkBareHandler: the same clients against a bare net/http handler that reads the
// body and writes a canned JSON of the emulator's response size: the floor the emulator
// is measured against.
func BenchmarkBareHandler(b *testing.B) {
	url, stop := bareServer(b)
	defer stop()
	c := newBenchClient(b, url)
	defer c.client.CloseIdleConnections()
	runClients(b, c)
}

// runClients times benchParallelism goroutines per core sending signed ListJobs through
// c, and reports requests per second and CPU per request.
func runClients(b *testing.B, c *benchClient) {
	b.SetParallelism(benchParallelism)
	b.ResetTimer()
	cpuStart := cpuTime()
	b.RunParallel(func(pb *testing.PB) {
		var memo signMemo
		for pb.Next() {
			c.do(b, &memo)
		}
	})
	reportRate(b, cpuStart)
}

// BenchmarkServeHTTP is the handler alone, without the network: its allocations per request.
func BenchmarkServeHTTP(b *testing.B) {
	e := newEmu(b, Config{})
	req := call{cred: cred(b, "primary"), body: listBody(storeOf(b, "varied").ID)}.request(b)
	body := []byte(listBody(storeOf(b, "varied").ID))
	rec := httptest.NewRecorder()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		req.Body = io.NopCloser(bytes.NewReader(body))
		rec.Body.Reset()
		e.ServeHTTP(rec, req)
	}
}
