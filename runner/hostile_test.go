package runner

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ciam-harness/listjobs/result"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The hostile endpoints: servers that misbehave in the ways a real network or a broken
// vendor emulator does. Each runs the real steps of one scenario (T6: list the user
// store under test and check the success) with a short timeout: the scenario must fail
// with a message that says what happened, within the timeout, and the run must end.

// hostileTimeout is the per-request timeout of the hostile runs: short, so the tests
// stay fast, and long enough for a loaded CI machine to answer a local request.
const hostileTimeout = 500 * time.Millisecond

// hostileServer serves h and closes at the end of the test, first releasing every
// handler still waiting.
func hostileServer(t *testing.T, h func(w http.ResponseWriter, r *http.Request, done <-chan struct{})) *httptest.Server {
	t.Helper()
	done := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h(w, r, done) }))
	t.Cleanup(func() {
		close(done)
		srv.CloseClientConnections()
		srv.Close()
	})
	return srv
}

// wait blocks until the client gives up or the test ends.
func wait(r *http.Request, done <-chan struct{}) {
	select {
	case <-r.Context().Done():
	case <-done:
	}
}

// hostileConfig runs @T6 with the real steps against url as a foreign endpoint with
// sentinel secrets and no fixture.
func hostileConfig(t *testing.T, url string) Config {
	cfg := DefaultConfig()
	cfg.Endpoint = url
	cfg.SecretID, cfg.SecretKey, cfg.Token = "AKIDhostile", sentinelKey, sentinelToken
	cfg.UserStoreID = "us-hostile"
	cfg.Tags = "@T6"
	cfg.Format = "progress"
	cfg.OutDir = t.TempDir()
	cfg.Timeout = hostileTimeout
	cfg.Deadline = 20 * time.Second // a safety net: the timeout must end each case long before
	return cfg
}

func TestHostileEndpoints(t *testing.T) {
	t.Parallel()
	var elsewhere atomic.Int64
	other := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { elsewhere.Add(1) }))
	t.Cleanup(other.Close)
	var streamed atomic.Int64

	cases := []struct {
		name string
		// handler, or nil with conn for a raw TCP server
		handler func(w http.ResponseWriter, r *http.Request, done <-chan struct{})
		conn    func(c net.Conn)
		cfg     func(*Config)
		want    string // in the scenario's error
		// wantRe, instead of want, matches the scenario's error: the client's timeout and
		// the request's own, of the same length, race, and each words the error its way.
		wantRe *regexp.Regexp
		// wantUsage, when set, is the start of the error that stops the run with exit 2
		// before any scenario (the pre-flight).
		wantUsage string
	}{
		{name: "hangs", handler: func(w http.ResponseWriter, r *http.Request, done <-chan struct{}) {
			wait(r, done)
		}, wantRe: regexp.MustCompile(`^T6: no response from http://127\.0\.0\.1:\d+: Post "[^"]+": (?:.*Client\.Timeout exceeded while awaiting headers|context deadline exceeded$)`)},
		{name: "drips bytes slowly", handler: func(w http.ResponseWriter, r *http.Request, done <-chan struct{}) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusOK)
			io.WriteString(w, `{"Response":`)
			for {
				w.(http.Flusher).Flush()
				select {
				case <-r.Context().Done():
					return
				case <-done:
					return
				case <-time.After(50 * time.Millisecond):
				}
				if _, err := io.WriteString(w, " "); err != nil {
					return
				}
			}
		}, want: "the response was still arriving when the request's 500ms --timeout ran out"},
		{name: "streams hundreds of megabytes", handler: func(w http.ResponseWriter, r *http.Request, done <-chan struct{}) {
			// 400 MB of JSON-looking bytes, written from one small buffer: nothing
			// is allocated on either side beyond the cap.
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"Response":{"JobSet":[`)
			chunk := bytes.Repeat([]byte(`{"Id":"x"},`), 3000)
			for sent := 0; sent < 400<<20; sent += len(chunk) {
				n, err := w.Write(chunk)
				streamed.Add(int64(n))
				if err != nil {
					return
				}
			}
		}, cfg: func(c *Config) { c.MaxResponse = 1 << 20 }, want: "the response body is longer than the cap of 1MB (--max-response)"},
		{name: "announces hundreds of megabytes", handler: func(w http.ResponseWriter, r *http.Request, done <-chan struct{}) {
			w.Header().Set("Content-Length", "419430400")
			w.WriteHeader(http.StatusOK)
			io.WriteString(w, `{"Response":`)
			w.(http.Flusher).Flush()
			wait(r, done)
		}, cfg: func(c *Config) { c.MaxResponse = 1 << 20 }, want: "HTTP 200 announces a body of 419430400 bytes, above the cap of 1MB (--max-response)"},
		{name: "invalid JSON", handler: func(w http.ResponseWriter, r *http.Request, _ <-chan struct{}) {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"Response": {"JobSet": [{"Id": "a"`)
		}, want: "the response body is not valid JSON"},
		{name: "HTML 502 page", handler: func(w http.ResponseWriter, r *http.Request, _ <-chan struct{}) {
			badGateway(w)
		}, wantUsage: "pre-flight: the endpoint answered ListJobs with an HTML page (HTTP 502)"},
		{name: "HTML 502 page after the pre-flight", handler: func() func(http.ResponseWriter, *http.Request, <-chan struct{}) {
			var signed atomic.Int64
			return func(w http.ResponseWriter, r *http.Request, _ <-chan struct{}) {
				if r.Header.Get("Authorization") != "" && signed.Add(1) == 1 {
					w.Header().Set("Content-Type", "application/json")
					io.WriteString(w, `{"Response":{"JobSet":[],"RequestId":"1f0e0b8c-0c6e-4f55-9b1c-3b7b3b9d9a01"}}`)
					return
				}
				badGateway(w)
			}
		}(), want: "response: HTTP 502 <html>"},
		{name: "resets the connection", conn: func(c net.Conn) {
			c.(*net.TCPConn).SetLinger(0) // close with RST
			c.Read(make([]byte, 4096))
			c.Close()
		}, want: "connection reset by peer"},
		{name: "redirects elsewhere", handler: func(w http.ResponseWriter, r *http.Request, _ <-chan struct{}) {
			http.Redirect(w, r, other.URL+"/", http.StatusFound)
		}, want: "response: HTTP 302"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var url string
			if tc.conn != nil {
				url = rawServer(t, tc.conn)
			} else {
				url = hostileServer(t, tc.handler).URL
			}
			cfg := hostileConfig(t, url)
			if tc.cfg != nil {
				tc.cfg(&cfg)
			}
			start := time.Now()
			var stdout, stderr bytes.Buffer
			res := Run(context.Background(), cfg, &stdout, &stderr)
			elapsed := time.Since(start)

			if tc.wantUsage != "" {
				require.Equal(t, ExitUsage, res.ExitCode, "%v\n%s\n%s", res.Err, stdout.String(), stderr.String())
				require.Error(t, res.Err)
				assert.True(t, strings.HasPrefix(res.Err.Error(), tc.wantUsage), res.Err.Error())
				assert.Empty(t, res.Scenarios, "no scenario ran")
				return
			}
			require.Equal(t, ExitFailed, res.ExitCode, "%v\n%s\n%s", res.Err, stdout.String(), stderr.String())
			require.Len(t, res.Scenarios, 1)
			s := res.Scenarios[0]
			assert.Equal(t, result.Failed, s.Status)
			if tc.wantRe != nil {
				assert.Regexp(t, tc.wantRe, s.Error)
			} else {
				assert.Contains(t, s.Error, tc.want)
			}
			assert.NotContains(t, s.Error+stdout.String()+stderr.String(), "panic")
			// The probe and the scenario's one request each take at most the timeout.
			assert.Less(t, s.Duration, hostileTimeout+time.Second, "the scenario failed within the timeout")
			assert.Less(t, elapsed, 2*hostileTimeout+3*time.Second, "the run ended")
			assert.Contains(t, res.FailedRows(), "T6", stdout.String()) // and T5 for a status other than 200
			// The reports are written, about the failure, without the secrets.
			require.Len(t, res.Reports, 6)
			for _, p := range res.Reports {
				b, err := os.ReadFile(p)
				require.NoError(t, err)
				assert.NotContains(t, string(b), sentinelKey, p)
				assert.NotContains(t, string(b), sentinelToken, p)
			}
			html, err := os.ReadFile(filepath.Join(cfg.OutDir, "report.html"))
			require.NoError(t, err)
			assert.Contains(t, string(html), "Failures (1)")
			t.Logf("%s in %s: %s", tc.name, elapsed.Round(time.Millisecond), firstLine(s.Error))
		})
	}
	t.Cleanup(func() {
		assert.Zero(t, elsewhere.Load(), "the redirect was not followed")
		assert.Less(t, streamed.Load(), int64(100<<20), "the harness stopped reading the endless body")
	})
}

// badGateway answers as a proxy whose upstream is down: HTTP 502 with an HTML page.
func badGateway(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html")
	w.WriteHeader(http.StatusBadGateway)
	io.WriteString(w, "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>")
}

// rawServer accepts TCP connections on 127.0.0.1 and hands each to handle.
func rawServer(t *testing.T, handle func(net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go handle(c)
		}
	}()
	return "http://" + ln.Addr().String()
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
