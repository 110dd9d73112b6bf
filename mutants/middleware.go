package mutants

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"

	"github.com/ciam-harness/listjobs/fixture"
)

// The shapes of a middleware (emulator.Config.Wrap) in front of the reference
// emulator, which every mutant but the config ones is built of. A middleware either
// answers in the emulator's place (refuse), changes the request before the emulator
// sees it (rewrite, lenient, front), or lets the emulator answer and changes the answer
// (rewriteBodies, when, amend, editListing), recorded whole in a capture.

// middleware is the type of emulator.Config.Wrap.
type middleware = func(next http.Handler) http.Handler

// capture records the emulator's answer so that a middleware can change it.
type capture struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func newCapture() *capture { return &capture{header: http.Header{}} }

func (c *capture) Header() http.Header { return c.header }

func (c *capture) WriteHeader(status int) {
	if c.status == 0 {
		c.status = status
	}
}

func (c *capture) Write(b []byte) (int, error) {
	c.WriteHeader(http.StatusOK)
	return c.body.Write(b)
}

// send writes the captured answer with body instead of the captured one.
func (c *capture) send(w http.ResponseWriter, body []byte) {
	h := w.Header()
	for k, v := range c.header {
		h[k] = v
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	status := c.status
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// answer writes a JSON body with HTTP 200, as the emulator answers.
func answer(w http.ResponseWriter, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

// refuse answers in the emulator's place whenever decide returns a body; otherwise the
// request goes on to the emulator unchanged.
func refuse(decide func(c *call) []byte) middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			c := newCall(r)
			if b := decide(c); b != nil {
				answer(w, b)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// rewrite lets edit change the request (re-signing it itself when it must) before the
// emulator sees it.
func rewrite(edit func(c *call)) middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			edit(newCall(r))
			next.ServeHTTP(w, r)
		})
	}
}

// amend lets the emulator answer, then lets edit change the answer knowing the request.
// edit returns the new body, or nil to keep the emulator's.
func amend(edit func(c *call, resp response, body []byte) []byte) middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			c := newCall(r)
			rec := newCapture()
			next.ServeHTTP(rec, r)
			body := rec.body.Bytes()
			if resp, ok := decodeResponse(body); ok {
				if b := edit(c, resp, body); b != nil {
					body = b
				}
			}
			rec.send(w, body)
		})
	}
}

// lenient re-signs a request that edit changed, when its signature verified as
// received: the emulator then serves what the mutant accepts in its place.
func lenient(fx *fixture.Fixture, edit func(c *call, s signedCall) bool) middleware {
	return rewrite(func(c *call) {
		s, ok := c.verified(fx)
		if ok && edit(c, s) {
			c.resignAs(s)
		}
	})
}

// front runs edit on every GET and POST before the emulator sees it. Other methods the
// emulator refuses without reading their body: they pass untouched and unread.
func front(edit func(c *call)) middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodGet || r.Method == http.MethodPost {
				edit(newCall(r))
			}
			next.ServeHTTP(w, r)
		})
	}
}

// rewriteBodies applies f to the body of every answer of the emulator.
func rewriteBodies(f func(body []byte) []byte) middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rec := newCapture()
			next.ServeHTTP(rec, r)
			rec.send(w, f(slices.Clone(rec.body.Bytes())))
		})
	}
}

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

// forError matches every error.
func forError(_ *http.Request, code string) bool { return code != "" }

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

// editListing changes the jobs of a success of a user store the fixture holds; edit
// returns the new jobs, or false to keep the answer.
func editListing(fx *fixture.Fixture, edit func(p params, st *fixture.UserStore, jobs []json.RawMessage) ([]json.RawMessage, bool)) middleware {
	return amend(func(c *call, resp response, _ []byte) []byte {
		if resp.code != "" {
			return nil
		}
		p := c.params()
		st, ok := storeByID(fx, p.store)
		if !ok {
			return nil
		}
		jobs, changed := edit(p, st, slices.Clone(resp.jobs))
		if !changed {
			return nil
		}
		return successBody(jobs, resp.requestID)
	})
}

// listing is editListing as a mutant's middleware, for through.
func listing(edit func(params, *fixture.UserStore, []json.RawMessage) ([]json.RawMessage, bool)) func(*fixture.Fixture) middleware {
	return func(fx *fixture.Fixture) middleware { return editListing(fx, edit) }
}
