//go:build !mechanical

package emulator

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/ciam-harness/listjobs/fixture"
)

// countingWriter is an http.ResponseWriter that keeps nothing but the size of the body,
// so that a benchmark measures the handler, not a recorder's buffer.
type countingWriter struct {
	h      http.Header
	status int
	n      int64
}

func (w *countingWriter) Header() http.Header { return w.h }
func (w *countingWriter) WriteHeader(s int)   { w.status = s }
func (w *countingWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.n += int64(len(p))
	return len(p), nil
}

// BenchmarkServeLargeStore is the handler listing a generated user store of n jobs
// without the network: "all" answers every job in one response (ListJobs has no
// pagination), "3 ids" filters three jobs out of the n. The cost of "all" must grow
// linearly in n, and that of "3 ids" hardly at all.
func BenchmarkServeLargeStore(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 100_000} {
		fx := cloneFixture(b)
		primary, ok := fx.Credential("primary")
		if !ok {
			b.Fatal("no primary credential")
		}
		st := fixture.UserStore{ID: "us-bench-large", Account: primary.Account}
		st.Jobs = fixture.GenerateJobs(st.ID, fixture.Generate{Count: n, Seed: 6})
		fx.UserStores = append(fx.UserStores, st)
		e := newEmu(b, Config{Fixture: fx})
		ids := []string{st.Jobs[0].ID, st.Jobs[n/2].ID, st.Jobs[n-1].ID}
		for _, c := range []struct {
			name string
			body string
			want int
		}{{"all", listBody(st.ID), n}, {"3 ids", listBody(st.ID, ids...), 3}} {
			b.Run(fmt.Sprintf("jobs=%d/%s", n, c.name), func(b *testing.B) {
				req := call{cred: cred(b, "primary"), body: c.body}.request(b)
				w := &countingWriter{h: http.Header{}}
				check := serve(b, e, call{cred: cred(b, "primary"), body: c.body}.request(b))
				if len(check.jobs) != c.want {
					b.Fatalf("%d jobs listed; want %d", len(check.jobs), c.want)
				}
				b.ReportAllocs()
				b.ResetTimer()
				for b.Loop() {
					req.Body = io.NopCloser(strings.NewReader(c.body))
					w.n, w.status = 0, 0
					e.ServeHTTP(w, req)
				}
				b.StopTimer()
				if w.status != http.StatusOK {
					b.Fatalf("status %d", w.status)
				}
				b.SetBytes(w.n)
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(c.want), "ns/job")
			})
		}
	}
}
