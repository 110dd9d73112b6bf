package runner

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"regexp"
	"sort"
	"sync"

	"github.com/cucumber/godog"
)

// redacted replaces a secret wherever the runner writes.
const redacted = "[REDACTED]"

// signatureRe finds request signatures: TC3 `Signature=<hex>` in an Authorization
// header, v1 `Signature=<base64, maybe url-encoded>` in a query or form, and a JSON
// "Signature" value. A signature is a secret-derived value: it never goes out.
var signatureRe = regexp.MustCompile(`(Signature=)[A-Za-z0-9%+/=._-]{8,}|("Signature"\s*:\s*")[^"]{8,}(")`)

// redactor removes secrets (secret keys, tokens, signatures) from text.
type redactor struct {
	secrets [][]byte // longest first, so a secret that contains another goes whole
}

// newRedactor redacts the given secrets, in their plain and JSON-escaped forms.
func newRedactor(secrets ...string) *redactor {
	seen := map[string]bool{}
	r := &redactor{}
	add := func(s string) {
		if s != "" && !seen[s] {
			seen[s] = true
			r.secrets = append(r.secrets, []byte(s))
		}
	}
	for _, s := range secrets {
		add(s)
		if b, err := json.Marshal(s); err == nil {
			add(string(b[1 : len(b)-1]))
		}
	}
	sort.Slice(r.secrets, func(i, j int) bool { return len(r.secrets[i]) > len(r.secrets[j]) })
	return r
}

// bytes returns b without secrets; b itself is not modified.
func (r *redactor) bytes(b []byte) []byte {
	for _, s := range r.secrets {
		if bytes.Contains(b, s) {
			b = bytes.ReplaceAll(b, s, []byte(redacted))
		}
	}
	return signatureRe.ReplaceAllFunc(b, func(m []byte) []byte {
		sub := signatureRe.FindSubmatch(m)
		if len(sub[1]) > 0 {
			return append(append([]byte{}, sub[1]...), redacted...)
		}
		return append(append(append([]byte{}, sub[2]...), redacted...), sub[3]...)
	})
}

func (r *redactor) string(s string) string { return string(r.bytes([]byte(s))) }

// attachments redacts, in place, what the steps attached to the current step
// (godog.Attach): the cucumber and events formatters write attachments base64-encoded,
// where a later text pass could not find a secret. godog.Attachments returns the slice
// stored in the context, so its elements are rewritten before godog reads them.
func (r *redactor) attachments(ctx context.Context) {
	atts := godog.Attachments(ctx)
	for i := range atts {
		atts[i].Body = r.bytes(atts[i].Body)
		atts[i].FileName = r.string(atts[i].FileName)
	}
}

// file redacts a report file in place.
func (r *redactor) file(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	clean := r.bytes(b)
	if bytes.Equal(clean, b) {
		return nil
	}
	return os.WriteFile(path, clean, 0o644)
}

// lineWriter redacts what it writes line by line, so a secret split across two Write
// calls is still found. Flush writes a last partial line.
type lineWriter struct {
	mu  sync.Mutex
	w   io.Writer
	r   *redactor
	buf []byte
}

// maxLine bounds the buffer when a writer never ends its line.
const maxLine = 1 << 20

func newLineWriter(w io.Writer, r *redactor) *lineWriter { return &lineWriter{w: w, r: r} }

func (l *lineWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	// The buffer holds no newline before p (its lines were written): only p is
	// searched, else writes of a byte at a time (godog's formatters write so) into a
	// long line would cost the square of its length.
	end := 0
	if i := bytes.LastIndexByte(p, '\n'); i >= 0 {
		end = len(l.buf) + i + 1
	}
	l.buf = append(l.buf, p...)
	if end == 0 && len(l.buf) < maxLine {
		return len(p), nil
	}
	if end == 0 {
		end = len(l.buf)
	}
	_, err := l.w.Write(l.r.bytes(l.buf[:end]))
	l.buf = append(l.buf[:0], l.buf[end:]...)
	if err != nil {
		return 0, err
	}
	return len(p), nil
}

// Flush writes what is left of the last line.
func (l *lineWriter) Flush() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.buf) == 0 {
		return nil
	}
	_, err := l.w.Write(l.r.bytes(l.buf))
	l.buf = l.buf[:0]
	return err
}
