package steps

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
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

// doc returns the parsed body, validating it the first time: gjson.Get does not validate.
func (ex *exchange) doc() *document {
	if ex.parsed == nil {
		d := &document{paths: map[string]gjson.Result{}}
		d.strict = strictJSON(ex.body)
		d.valid = d.strict == "" && gjson.ValidBytes(ex.body)
		if d.valid {
			// The body as a string without a copy: nothing writes to ex.body once it
			// is received, and a large listing would otherwise be held twice.
			d.root = gjson.Parse(unsafe.String(unsafe.SliceData(ex.body), len(ex.body)))
		}
		ex.parsed = d
	}
	return ex.parsed
}

// get is root.Get(path) of a valid body, looked up once.
func (ex *exchange) get(path string) gjson.Result {
	d := ex.doc()
	v, ok := d.paths[path]
	if !ok {
		v = d.root.Get(path)
		d.paths[path] = v
	}
	return v
}

// jobSet is ex.get("Response.JobSet").Array(), computed once; callers must not change it.
func (ex *exchange) jobSet() []gjson.Result {
	d := ex.doc()
	if !d.array {
		d.jobs, d.array = ex.get("Response.JobSet").Array(), true
	}
	return d.jobs
}

// release lets go of what a finished scenario sent, received and worked out. godog
// keeps every scenario's step functions, and so their state, until the whole run ends,
// and a listing of 100,000 jobs holds tens of megabytes (its body, the body as a string,
// its jobs): without this, each large scenario of a run would still hold them.
func (st *scenario) release() {
	st.req, st.last, st.pair, st.burst = nil, nil, nil, nil
	st.known, st.remembered = nil, nil
}

// parallelMin is the number of jobs from which a rule is checked on every CPU at once.
const parallelMin = 2048

// eachIndex returns check(i) for i from 0 to n-1, concatenated in that order, whether
// they ran one after the other or, for large n, in parallel chunks on every CPU: check
// must then be pure (it reads shared data only), and the result is the same.
func eachIndex(n int, check func(i int) []error) []error {
	workers := min(runtime.GOMAXPROCS(0), n/parallelMin)
	if workers < 2 {
		var errs []error
		for i := range n {
			errs = append(errs, check(i)...)
		}
		return errs
	}
	parts := make([][]error, workers)
	size := (n + workers - 1) / workers
	var wg sync.WaitGroup
	for w := range parts {
		wg.Go(func() {
			for i := w * size; i < min((w+1)*size, n); i++ {
				parts[w] = append(parts[w], check(i)...)
			}
		})
	}
	wg.Wait()
	var errs []error
	for _, p := range parts {
		errs = append(errs, p...)
	}
	return errs
}

// fieldsOf sets out[k] to the value job.Get(names[k]) would return (the first
// occurrence of the key), found in one pass over the object instead of one per name. A
// job that is not an object has none of them. len(out) = len(names) <= 64.
func fieldsOf(job gjson.Result, names []string, out []gjson.Result) {
	clear(out)
	if !job.IsObject() {
		return
	}
	var found uint64 // bit k: names[k] was found
	job.ForEach(func(key, value gjson.Result) bool {
		for k, name := range names {
			if found&(1<<k) == 0 && key.Str == name {
				out[k], found = value, found|1<<k
				break
			}
		}
		return true
	})
}

// readAll is io.ReadAll with a first buffer of size+1 bytes when the size is known
// (Content-Length), so that a large body is read into one allocation instead of a
// doubling series of them. It returns what io.ReadAll would.
func readAll(r io.Reader, size int64) ([]byte, error) {
	if size <= 0 || size >= maxResponse {
		return io.ReadAll(r)
	}
	b := make([]byte, 0, size+1) // +1: the read that finds EOF needs no growth
	for {
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err != nil {
			if err == io.EOF {
				err = nil
			}
			return b, err
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)] // longer than announced: grow as io.ReadAll does
		}
	}
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
			return fmt.Sprintf("the response body is not valid JSON (%s)", shorten(err.Error(), 80))
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
				return fmt.Sprintf("the member %q is given twice in %s", shorten(name, 40), pathOf(stack))
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
			b.WriteString(shorten(c.last, 40)) // a member name is the response's: bounded
		} else {
			fmt.Fprintf(&b, "[%d]", c.n-1)
		}
	}
	if b.Len() == 0 {
		return "the body"
	}
	return b.String()
}
