//go:build !mechanical

package emulator

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTransport covers T1-T4 and T10 through the handler.
func TestTransport(t *testing.T) {
	t.Parallel()
	e := newEmu(t, Config{})
	primary := cred(t, "primary")
	varied := storeOf(t, "varied")
	all := sortedIDs(varied.JobIDs()...)
	cases := []struct {
		name string
		call call
		code string // "" = success with every job of varied
	}{
		{"T1 POST JSON", call{cred: primary, body: listBody(varied.ID)}, ""},
		{"T1 charset suffix", call{cred: primary, body: listBody(varied.ID), ctype: "application/json; charset=utf-8"}, ""},
		{"T2 GET query", call{method: "GET", cred: primary, query: listQuery(varied.ID)}, ""},
		{"T3 PUT", call{method: "PUT", cred: primary, body: listBody(varied.ID)}, "UnsupportedProtocol"},
		{"T3 DELETE", call{method: "DELETE", cred: primary}, "UnsupportedProtocol"},
		{"T3 PATCH", call{method: "PATCH", cred: primary, body: listBody(varied.ID)}, "UnsupportedProtocol"},
		{"T3 OPTIONS", call{method: "OPTIONS", cred: primary}, "UnsupportedProtocol"},
		{"T4 unknown X-TC headers", call{cred: primary, body: listBody(varied.ID), headers: map[string]string{
			"X-TC-RequestClient": "SDK_GO_1.3.212", "X-TC-TraceId": "5f0c0b1e-0000-4000-8000-000000000000", "X-TC-Language": "en-US"}}, ""},
		{"T4 unknown X-TC headers signed", call{cred: primary, body: listBody(varied.ID), headers: map[string]string{
			"X-TC-TraceId": "abc"}, signed: []string{"content-type", "host", "x-tc-traceid"}}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := serve(t, e, tc.call.request(t))
			assert.Equal(t, tc.code, res.code, "message %q", res.message)
			if tc.code == "" {
				assert.Equal(t, all, res.ids)
			}
		})
	}
}

// TestRequestIDsUnique covers T8: a different RequestId for every response, errors included.
func TestRequestIDsUnique(t *testing.T) {
	t.Parallel()
	e := newEmu(t, Config{})
	primary := cred(t, "primary")
	seen := map[string]bool{}
	for i := range 200 {
		c := call{cred: primary, body: listBody(storeOf(t, "varied").ID)}
		if i%2 == 1 {
			c.action = "Nope"
		}
		res := serve(t, e, c.request(t))
		require.False(t, seen[res.requestID], "RequestId %s repeated", res.requestID)
		seen[res.requestID] = true
	}
}

// countingReader fails the test if the handler reads a body it should not.
type countingReader struct{ n int64 }

func (c *countingReader) Read(p []byte) (int, error) {
	n := fillSpaces(p)
	c.n += int64(n)
	return n, nil
}

// spaces is a block of JSON whitespace for unending bodies.
var spaces = bytes.Repeat([]byte(" "), 32<<10)

// fillSpaces fills p with spaces with copy, not a byte loop (fast under -race).
func fillSpaces(p []byte) int {
	n := 0
	for n < len(p) {
		n += copy(p[n:], spaces)
	}
	return n
}

// TestSizeLimits covers T10 through the handler: the verdict comes before the body is read.
func TestSizeLimits(t *testing.T) {
	t.Parallel()
	e := newEmu(t, Config{})
	primary := cred(t, "primary")
	varied := storeOf(t, "varied")

	t.Run("POST Content-Length over 10 MB, body unread", func(t *testing.T) {
		body := &countingReader{}
		r := httptest.NewRequest("POST", "/", io.NopCloser(body))
		r.ContentLength = 10<<20 + 1
		res := serve(t, e, r)
		assert.Equal(t, "RequestSizeLimitExceeded", res.code)
		assert.Zero(t, body.n, "bytes read")
	})
	t.Run("POST chunked over 10 MB, read stops at 10 MB + 1", func(t *testing.T) {
		body := &io.LimitedReader{R: &countingReader{}, N: 64 << 20}
		r := httptest.NewRequest("POST", "/", body)
		r.ContentLength = -1
		res := serve(t, e, r)
		assert.Equal(t, "RequestSizeLimitExceeded", res.code)
		assert.LessOrEqual(t, 64<<20-body.N, int64(10<<20+1+32<<10), "bytes read")
	})
	t.Run("POST of exactly 10 MB is served", func(t *testing.T) {
		prefix := `{"UserStoreId":"` + varied.ID + `"`
		body := prefix + strings.Repeat(" ", 10<<20-len(prefix)-1) + "}"
		res := serve(t, e, call{cred: primary, body: body}.request(t))
		assert.Empty(t, res.code, res.message)
		assert.Len(t, res.ids, len(varied.Jobs))
	})
	t.Run("GET URL over 32 KB", func(t *testing.T) {
		q := listQuery(varied.ID) + "&Pad=" + strings.Repeat("a", 32<<10)
		res := serve(t, e, call{method: "GET", cred: primary, query: q}.request(t))
		assert.Equal(t, "RequestSizeLimitExceeded", res.code)
	})
	t.Run("GET URL of exactly 32 KB is not a size error", func(t *testing.T) {
		q := listQuery(varied.ID) + "&JobIds.0="
		q += strings.Repeat("a", 32<<10-len("/?")-len(q))
		r := call{method: "GET", cred: primary, query: q}.request(t)
		require.Len(t, r.RequestURI, 32<<10)
		res := serve(t, e, r)
		assert.Empty(t, res.code, res.message)
		assert.Empty(t, res.ids)
	})
	t.Run("GET size checked when RequestURI is unset", func(t *testing.T) {
		r := call{method: "GET", cred: primary, query: "Pad=" + strings.Repeat("a", 32<<10)}.request(t)
		r.RequestURI = ""
		assert.Equal(t, "RequestSizeLimitExceeded", serve(t, e, r).code)
	})
	t.Run("POST v1 form body over 1 MB", func(t *testing.T) {
		body := signV1Form(t, "POST", primary, "HmacSHA256", t0.Unix(), map[string]string{"UserStoreId": varied.ID, "Pad": strings.Repeat("a", 1<<20)})
		r := httptest.NewRequest("POST", "/", strings.NewReader(body))
		r.Host = testHost
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		assert.Equal(t, "RequestSizeLimitExceeded", serve(t, e, r).code)
	})
}

// errReader fails every read.
type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("connection reset") }

func TestUnreadableBody(t *testing.T) {
	t.Parallel()
	e := newEmu(t, Config{})
	r := httptest.NewRequest("POST", "/", errReader{})
	r.ContentLength = -1
	assert.Equal(t, "InvalidParameter", serve(t, e, r).code)
	r = httptest.NewRequest("POST", "/", io.LimitReader(strings.NewReader("{}"), 2))
	r.ContentLength = 10 // shorter than announced
	assert.Equal(t, "InvalidParameter", serve(t, e, r).code)
}

func TestNoBody(t *testing.T) {
	t.Parallel()
	e := newEmu(t, Config{})
	r := call{cred: cred(t, "primary")}.request(t)
	r.Body = nil
	r.ContentLength = 0
	// A nil body is an empty body: no UserStoreId (P4).
	assert.Equal(t, "MissingParameter", serve(t, e, r).code)
	r = call{cred: cred(t, "primary")}.request(t)
	r.Body = http.NoBody
	assert.Equal(t, "MissingParameter", serve(t, e, r).code)
}
