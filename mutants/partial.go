package mutants

import (
	"bytes"
	"net/http"
	"slices"
)

// Partial breaks: an invariant of every response (T5-T9) broken for one kind of answer
// only, so that a check made in a few scenarios cannot see it; only a check of every
// response can.

// when rewrites the answers of the emulator that match: code is the answer's
// Error.Code ("" for a success), r the request.
func when(match func(r *http.Request, code string) bool, edit func(rec *capture) []byte) middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rec := newCapture()
			next.ServeHTTP(rec, r)
			body := rec.body.Bytes()
			if resp, ok := decodeResponse(body); ok && match(r, resp.code) {
				body = edit(rec)
			}
			rec.send(w, body)
		})
	}
}

// forCode matches the errors of one code.
func forCode(code string) func(*http.Request, string) bool {
	return func(_ *http.Request, c string) bool { return c == code }
}

// forGET matches the answers to GET requests.
func forGET(r *http.Request, _ string) bool { return r.Method == http.MethodGet }

// status answers with HTTP status s.
func status(s int) func(*capture) []byte {
	return func(rec *capture) []byte { rec.status = s; return rec.body.Bytes() }
}

// mediaType answers with Content-Type ct.
func mediaType(ct string) func(*capture) []byte {
	return func(rec *capture) []byte { rec.header.Set("Content-Type", ct); return rec.body.Bytes() }
}

// body answers with f of the body.
func body(f func([]byte) []byte) func(*capture) []byte {
	return func(rec *capture) []byte { return f(slices.Clone(rec.body.Bytes())) }
}

// shortRequestID cuts the last digit of the RequestId, leaving 35 characters (breaks T9).
func shortRequestID(b []byte) []byte {
	key := []byte(`"RequestId":"`)
	i := bytes.LastIndex(b, key)
	if i < 0 || len(b) < i+len(key)+36 {
		return b
	}
	start := i + len(key)
	return slices.Concat(b[:start+35], b[start+36:])
}
