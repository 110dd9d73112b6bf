//go:build !mechanical

package emulator

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// startServer runs an emulator on a real port for the test, on real time.
func startServer(t testing.TB, cfg Config) *Server {
	t.Helper()
	if cfg.Fixture == nil {
		cfg.Fixture = loadFixture(t)
	}
	s, err := Start(cfg)
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, s.Close()) })
	return s
}

// send signs c at the current time and sends it to the server.
func send(t testing.TB, client *http.Client, s *Server, c call) result {
	t.Helper()
	c.ts = time.Now().Unix()
	r := c.request(t)
	r.RequestURI = ""
	u := s.URL + "/"
	if r.URL.RawQuery != "" {
		u += "?" + r.URL.RawQuery
	}
	out, err := http.NewRequest(r.Method, u, r.Body)
	require.NoError(t, err)
	out.Header = r.Header
	out.Host = r.Host
	out.ContentLength = r.ContentLength
	resp, err := client.Do(out)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return parse(t, resp.StatusCode, resp.Header.Get("Content-Type"), raw)
}

func TestServerStartClose(t *testing.T) {
	t.Parallel()
	s, err := Start(Config{Fixture: loadFixture(t)})
	require.NoError(t, err)
	assert.Regexp(t, `^http://127\.0\.0\.1:\d+$`, s.URL)
	res := send(t, http.DefaultClient, s, call{cred: cred(t, "primary"), body: listBody(storeOf(t, "varied").ID)})
	checkEnvelope(t, res)
	assert.Len(t, res.ids, 6)
	require.NoError(t, s.Close())
	select {
	case <-s.Done():
	default:
		t.Fatal("Done not closed after Close")
	}
	_, err = http.Get(s.URL)
	assert.Error(t, err, "closed server still answers")
	assert.NoError(t, s.Close(), "a second Close")

	_, err = Start(Config{})
	assert.Error(t, err)
	_, err = Listen("127.0.0.1:notaport", Config{Fixture: loadFixture(t)})
	assert.Error(t, err)
}

func TestServerCloseIsBounded(t *testing.T) {
	t.Parallel()
	s, err := Start(Config{Fixture: loadFixture(t)})
	require.NoError(t, err)
	// An idle keep-alive connection and a half-sent request must not hold Close.
	conn, err := net.Dial("tcp", strings.TrimPrefix(s.URL, "http://"))
	require.NoError(t, err)
	defer conn.Close()
	_, err = conn.Write([]byte("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"))
	require.NoError(t, err)
	time.Sleep(50 * time.Millisecond)
	s.grace = 300 * time.Millisecond
	start := time.Now()
	require.NoError(t, s.Close())
	assert.Less(t, time.Since(start), s.grace+2*time.Second)
	assert.Equal(t, 5*time.Second, shutdownGrace)
}

// TestConcurrentClients runs parallel signed clients, POST and GET, against a real
// server (run with -race): every answer right, every RequestId distinct.
func TestConcurrentClients(t *testing.T) {
	t.Parallel()
	s := startServer(t, Config{})
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	defer client.CloseIdleConnections()
	varied, many := storeOf(t, "varied"), storeOf(t, "many")
	creds := []string{"primary", "same-owner", "other-owner", "temporary"}
	var mu sync.Mutex
	ids := map[string]bool{}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 40 {
				c := call{cred: cred(t, creds[(g+i)%len(creds)])}
				want := sortedIDs(varied.JobIDs()...)
				switch i % 4 {
				case 0:
					c.body = listBody(varied.ID)
				case 1:
					c.method, c.query = "GET", listQuery(varied.ID, varied.Jobs[1].ID)
					want = []string{varied.Jobs[1].ID}
				case 2:
					c.body = listBody(many.ID, many.Jobs[g].ID, many.Jobs[100+i].ID)
					want = sortedIDs(many.Jobs[g].ID, many.Jobs[100+i].ID)
				case 3:
					c.body = `{"Foo":1}`
					want = nil
				}
				res := send(t, client, s, c)
				checkEnvelope(t, res)
				if want == nil {
					assert.Equal(t, "UnknownParameter", res.code)
				} else {
					assert.Equal(t, want, res.ids)
				}
				mu.Lock()
				assert.False(t, ids[res.requestID], "RequestId repeated")
				ids[res.requestID] = true
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	assert.Len(t, ids, 8*40)
}

// rawExchange writes head, then streams body (if any) until the server answers, and
// returns the response and how long it took.
func rawExchange(t *testing.T, s *Server, head string, body io.Reader) (*http.Response, []byte, time.Duration) {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(s.URL, "http://"))
	require.NoError(t, err)
	defer conn.Close()
	require.NoError(t, conn.SetDeadline(time.Now().Add(20*time.Second)))
	start := time.Now()
	_, err = conn.Write([]byte(head))
	require.NoError(t, err)
	if body != nil {
		go func() { _, _ = io.Copy(conn, body) }() // stops when the server closes
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err)
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	resp.Body.Close()
	return resp, raw, time.Since(start)
}

// endless is an unending body: the test proves the server stops reading.
type endless struct {
	mu sync.Mutex
	n  int64
}

func (e *endless) Read(p []byte) (int, error) {
	n := fillSpaces(p)
	e.mu.Lock()
	defer e.mu.Unlock()
	e.n += int64(n)
	return n, nil
}

func (e *endless) sent() int64 {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.n
}

// chunked frames an endless body as HTTP/1.1 chunks.
type chunked struct{ src io.Reader }

func (c chunked) Read(p []byte) (int, error) {
	if len(p) < 64 {
		return 0, io.ErrShortBuffer
	}
	n, err := c.src.Read(p[10 : len(p)-2])
	hdr := fmt.Sprintf("%08x\r\n", n)
	copy(p, hdr)
	copy(p[10+n:], "\r\n")
	return 10 + n + 2, err
}

// TestBodyCapOverTheWire covers T10 on a real connection: a body over 10 MB is refused
// quickly, before it is all sent, for a declared length and for a chunked body.
func TestBodyCapOverTheWire(t *testing.T) {
	t.Parallel()
	s := startServer(t, Config{})
	t.Run("Content-Length 11 MB, only a little sent", func(t *testing.T) {
		resp, raw, took := rawExchange(t, s, "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 11534336\r\n\r\n{", nil)
		res := parse(t, resp.StatusCode, resp.Header.Get("Content-Type"), raw)
		checkEnvelope(t, res)
		assert.Equal(t, "RequestSizeLimitExceeded", res.code)
		assert.Less(t, took, 2*time.Second)
		assert.True(t, resp.Close, "the connection is closed")
	})
	t.Run("chunked endless body", func(t *testing.T) {
		src := &endless{}
		resp, raw, took := rawExchange(t, s, "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n", chunked{src})
		res := parse(t, resp.StatusCode, resp.Header.Get("Content-Type"), raw)
		checkEnvelope(t, res)
		assert.Equal(t, "RequestSizeLimitExceeded", res.code)
		assert.Less(t, took, 10*time.Second)
		// The sender got ahead of the reader by at most the socket buffers.
		assert.Less(t, src.sent(), int64(40<<20), "server read far beyond 10 MB")
	})
	t.Run("GET URL over 32 KB", func(t *testing.T) {
		resp, raw, _ := rawExchange(t, s, "GET /?UserStoreId="+strings.Repeat("a", 40<<10)+" HTTP/1.1\r\nHost: x\r\n\r\n", nil)
		res := parse(t, resp.StatusCode, resp.Header.Get("Content-Type"), raw)
		checkEnvelope(t, res)
		assert.Equal(t, "RequestSizeLimitExceeded", res.code)
	})
}

// TestHostileInput: garbage on the wire never panics or hangs the server, and API
// answers stay in the envelope.
func TestHostileInput(t *testing.T) {
	t.Parallel()
	s := startServer(t, Config{})
	primary := cred(t, "primary")
	heads := []struct {
		name string
		raw  string
		api  bool // the handler answers (else net/http refuses the request itself)
	}{
		{"garbage request line", "\x00\x01\x02 garbage\r\n\r\n", false},
		{"header without colon", "GET / HTTP/1.1\r\nHost: x\r\nNoColonHere\r\n\r\n", false},
		{"huge header", "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("b", 2<<20) + "\r\n\r\n", false},
		{"invalid UTF-8 header values", "POST / HTTP/1.1\r\nHost: x\r\nX-TC-Region: \xff\r\nAuthorization: TC3-HMAC-SHA256 \xfe\xff\r\nX-TC-Action: \xff\r\nContent-Length: 2\r\n\r\n{}", true},
		{"invalid UTF-8 authorization fields", "POST / HTTP/1.1\r\nHost: x\r\nAuthorization: TC3-HMAC-SHA256 Credential=\xff/2026-03-31/ciam/tc3_request, SignedHeaders=content-type;host, Signature=" + strings.Repeat("a", 64) + "\r\nX-TC-Action: ListJobs\r\nX-TC-Version: 2022-03-31\r\nX-TC-Region: ap-guangzhou\r\nX-TC-Timestamp: 1\r\nContent-Length: 0\r\n\r\n", true},
		{"absolute URI", "GET http://evil/?UserStoreId=x HTTP/1.1\r\nHost: x\r\n\r\n", true},
		{"HTTP/1.0 without Host", "GET /?Signature=x&Action=ListJobs HTTP/1.0\r\n\r\n", true},
		{"unknown method", "BREW / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello", true},
		{"v1 with every parameter twice", "GET /?Signature=a&Signature=b&Action=ListJobs&Action=x HTTP/1.1\r\nHost: x\r\n\r\n", true},
		{"v1 form body with bad escapes", "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 17\r\n\r\nSignature=%zz&a=%", true},
	}
	for _, h := range heads {
		t.Run(h.name, func(t *testing.T) {
			resp, raw, _ := rawExchange(t, s, h.raw, nil)
			if h.api {
				checkEnvelope(t, parse(t, resp.StatusCode, resp.Header.Get("Content-Type"), raw))
			} else {
				assert.GreaterOrEqual(t, resp.StatusCode, 400)
			}
		})
	}
	t.Run("signed hostile bodies", func(t *testing.T) {
		client := &http.Client{}
		for _, body := range []string{
			strings.Repeat("[", 100000),
			strings.Repeat(`{"a":`, 50000) + "1" + strings.Repeat("}", 50000),
			"{\"UserStoreId\":\"\xff\xfe\xfd\",\"JobIds\":[\"\xc0\xaf\"]}",
			"{\"\xff\":1}",
			`{"UserStoreId":"\ud800","JobIds":["\udfff\u0000"]}`,
			`{"JobIds":[` + strings.Repeat(`"x",`, 100000) + `"y"],"UserStoreId":"` + storeOf(t, "many").ID + `"}`,
			"\x00\x00\x00",
		} {
			res := send(t, client, s, call{cred: primary, body: body})
			checkEnvelope(t, res)
		}
	})
	// The server is still healthy.
	res := send(t, http.DefaultClient, s, call{cred: primary, body: listBody(storeOf(t, "varied").ID)})
	assert.Len(t, res.ids, 6)
}

// TestRecover: a panic in the handler (here from the Clock on the first call) becomes
// InternalError, not a dropped connection.
func TestRecover(t *testing.T) {
	t.Parallel()
	first := true
	var mu sync.Mutex
	e := newEmu(t, Config{Clock: func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		if first {
			first = false
			panic("boom")
		}
		return t0
	}})
	var got any
	e.onPanic = func(v any) { got = v }
	res := serve(t, e, call{cred: cred(t, "primary"), body: listBody(storeOf(t, "varied").ID)}.request(t))
	assert.Equal(t, "InternalError", res.code)
	assert.Equal(t, "boom", got)
	assert.True(t, bytes.Contains(res.raw, []byte(`"RequestId"`)))
}
