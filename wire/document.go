package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
	"unsafe"

	"github.com/tidwall/gjson"
)

// document is a response body parsed once. The steps of a scenario look at the same
// body many times (the envelope, the Ids, each Job rule), and ListJobs has no
// pagination: a user store of 100,000 jobs answers in one body of tens of megabytes,
// which would otherwise be validated, copied and scanned again by every step.
//
// gjson lookups are pure, so a cached result is the one a fresh lookup would give. The
// body of an exchange is never changed once received. A scenario runs its steps one at a
// time, so the cache needs no lock.
type document struct {
	valid  bool
	strict string                  // why the body is not strict JSON within bounds, or ""
	root   gjson.Result            // the body, parsed (when valid)
	paths  map[string]gjson.Result // lookups done so far, by path
	jobs   []gjson.Result          // the elements of Response.JobSet
	array  bool                    // jobs was computed
}

// Root returns the parsed body, and "" when it is one strict JSON value; else why it is
// not (a body that is not strict JSON has no root). It validates the body the first
// time: gjson.Get does not validate.
func (ex *Exchange) Root() (root gjson.Result, notStrict string) {
	d := ex.doc()
	switch {
	case d.strict != "":
		return gjson.Result{}, d.strict
	case !d.valid:
		return gjson.Result{}, "the response body is not valid JSON"
	}
	return d.root, ""
}

// Lookups is how many distinct paths were looked up in the body so far: none for a
// body that is not strict JSON, whatever the checks asked (they read it once, and
// refuse it before any lookup).
func (ex *Exchange) Lookups() int {
	if ex.parsed == nil {
		return 0
	}
	return len(ex.parsed.paths)
}

// doc returns the parsed body, validating it the first time.
func (ex *Exchange) doc() *document {
	if ex.parsed == nil {
		d := &document{paths: map[string]gjson.Result{}}
		d.strict = strictJSON(ex.Body)
		d.valid = d.strict == "" && gjson.ValidBytes(ex.Body)
		if d.valid {
			// The body as a string without a copy: nothing writes to ex.Body once it
			// is received, and a large listing would otherwise be held twice.
			d.root = gjson.Parse(unsafe.String(unsafe.SliceData(ex.Body), len(ex.Body)))
		}
		ex.parsed = d
	}
	return ex.parsed
}

// Get is root.Get(path) of a valid body, looked up once.
func (ex *Exchange) Get(path string) gjson.Result {
	d := ex.doc()
	v, ok := d.paths[path]
	if !ok {
		v = d.root.Get(path)
		d.paths[path] = v
	}
	return v
}

// JobSet is ex.Get("Response.JobSet").Array(), computed once; callers must not change it.
func (ex *Exchange) JobSet() []gjson.Result {
	d := ex.doc()
	if !d.array {
		d.jobs, d.array = ex.Get("Response.JobSet").Array(), true
	}
	return d.jobs
}

// Bounds on the work one response may cost before gjson and the schemas see it.
const (
	maxDepth   = 64      // nesting of arrays and objects
	maxMembers = 1 << 12 // members of one object
	maxItems   = 1 << 20 // elements of one array (the @scale store has 100,000 jobs)
)

// strictJSON reads body once, as a stream, and says why it is not one strict JSON value
// within the bounds above, or "" when it is: a byte-order mark, invalid UTF-8, trailing
// data, a member name given twice in one object (gjson would read the first, encoding/json
// the last), nesting deeper than maxDepth, a container too large.
func strictJSON(body []byte) string {
	if bytes.HasPrefix(body, []byte("\xef\xbb\xbf")) {
		return "the response body starts with a byte-order mark"
	}
	if !utf8.Valid(body) {
		i := 0
		for i < len(body) {
			r, n := utf8.DecodeRune(body[i:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			i += n
		}
		return fmt.Sprintf("the response body is not valid UTF-8 (at byte %d)", i)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var stack []*container
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return ""
		}
		if err != nil {
			return fmt.Sprintf("the response body is not valid JSON (%s)", Shorten(err.Error(), 80))
		}
		var top *container
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		delim, isDelim := tok.(json.Delim)
		switch {
		case isDelim && (delim == '}' || delim == ']'):
			stack = stack[:len(stack)-1]
		case top != nil && top.wantName:
			name, _ := tok.(string)
			if top.names[name] {
				return fmt.Sprintf("the member %q is given twice in %s", Shorten(name, 40), pathOf(stack))
			}
			if top.n++; top.n > maxMembers {
				return fmt.Sprintf("%s has more than %d members", pathOf(stack), maxMembers)
			}
			top.names[name], top.last, top.wantName = true, name, false
			continue
		default: // a value: of the body, of an array, or of an object's member
			if top != nil && top.names != nil {
				top.wantName = true
			} else if top != nil {
				if top.n++; top.n > maxItems {
					return fmt.Sprintf("%s has more than %d elements", pathOf(stack), maxItems)
				}
			}
			if isDelim {
				if len(stack) >= maxDepth {
					return fmt.Sprintf("the response body nests deeper than %d levels (at byte %d)", maxDepth, dec.InputOffset())
				}
				c := &container{}
				if delim == '{' {
					c.names, c.wantName = map[string]bool{}, true
				}
				stack = append(stack, c)
				continue
			}
		}
		if len(stack) == 0 && dec.More() {
			return fmt.Sprintf("the response body has data after its JSON value (at byte %d)", dec.InputOffset())
		}
	}
}

// container is an array or object that strictJSON is inside of.
type container struct {
	names    map[string]bool // an object's member names so far; nil for an array
	wantName bool            // in an object: the next token is a member name (or its end)
	n        int             // members or elements so far
	last     string          // in an object: the last member name
}

// pathOf names the innermost container of stack the way the checks name paths:
// "the body", "Response.JobSet[3]". Each container's position is its parent's last
// member name or element count, so the path is built only when a message needs it.
func pathOf(stack []*container) string {
	var b strings.Builder
	for _, c := range stack[:len(stack)-1] {
		if c.names != nil {
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(Shorten(c.last, 40)) // a member name is the response's: bounded
		} else {
			fmt.Fprintf(&b, "[%d]", c.n-1)
		}
	}
	if b.Len() == 0 {
		return "the body"
	}
	return b.String()
}
