package steps

import (
	"context"
	"errors"
	"fmt"
	"math"
	"mime"
	"net/http"
	"sync"
	"time"

	"github.com/tidwall/gjson"
)

// Every response the harness receives is evidence: whatever a scenario is about, each
// answer is checked against the rows that hold for every response (CONTRACT.md T5-T9):
// HTTP 200 with application/json, strict JSON {"Response": {...}}, a success's
// JobSet an array or null, an error's non-empty Code and Message, and a RequestId
// that is a non-empty string in UUID form, different from every other RequestId of
// the run. A scenario's own steps run to their end; a violation then fails it, blamed
// on the row it breaks (once per row and scenario, naming the request and the
// response where it was first seen).

// observed is a transport whose every exchange is checked against the invariants.
type observed struct{ next transport }

func (o observed) prepare(ctx context.Context, st *scenario, spec *requestSpec, now time.Time) (func() *exchange, error) {
	shot, err := o.next.prepare(ctx, st, spec, now)
	if err != nil {
		return nil, err
	}
	return func() *exchange {
		ex := shot()
		st.invariants.observe(st.suite.everyResponse(ex, st.name))
		st.suite.noteClock(ex)
		return ex
	}, nil
}

// violations are what the responses of one scenario broke of the invariants, by row:
// the first violation of each row and how many more responses broke it. Safe for
// concurrent use (a burst's responses arrive at once).
type violations struct {
	mu    sync.Mutex
	first map[string]error
	more  map[string]int
	order []string
}

func (v *violations) observe(errs []*RowError) {
	if len(errs) == 0 {
		return
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.first == nil {
		v.first, v.more = map[string]error{}, map[string]int{}
	}
	for _, e := range errs {
		row := e.Label
		if _, seen := v.first[row]; seen {
			v.more[row]++
			continue
		}
		v.first[row] = e
		v.order = append(v.order, row)
	}
}

// err returns every row's first violation, joined, or nil.
func (v *violations) err() error {
	v.mu.Lock()
	defer v.mu.Unlock()
	var errs []error
	for _, row := range v.order {
		err := v.first[row]
		if n := v.more[row]; n > 0 {
			err = fmt.Errorf("%w\n    (and %d more responses of this scenario)", err, n)
		}
		errs = append(errs, err)
	}
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("responses of this scenario break rows that hold for every response:\n%w", errors.Join(errs...))
}

// requestIDs remembers every RequestId of the run, with the first scenario that got it.
type requestIDs struct {
	mu   sync.Mutex
	seen map[string]string
}

// claim records id for scenario, and returns the scenario that got it before, or "".
func (r *requestIDs) claim(id, scenario string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.seen == nil {
		r.seen = map[string]string{}
	}
	if first, ok := r.seen[id]; ok {
		return first
	}
	r.seen[id] = scenario
	return ""
}

// everyResponse checks one exchange against the rows that hold for every response. An
// exchange without a response (a transport error) breaks none of them: the step that
// sent it reports it.
func (s *Suite) everyResponse(ex *exchange, scenario string) []*RowError {
	if ex == nil || ex.err != nil {
		return nil
	}
	var errs []*RowError
	add := func(err error) {
		var re *RowError
		if errors.As(err, &re) {
			errs = append(errs, &RowError{Label: re.Label, Rows: re.Rows, Err: withExcerpt(ex, fmt.Errorf("%s %s: %w", ex.method, ex.url, re.Err))})
		}
	}
	if ex.sdk == nil { // the SDKs do not hand the status and the Content-Type to their callers
		if ex.status != 200 {
			add(rowf("T5", "HTTP status %d; want 200 for every response the API processed", ex.status))
		}
		if mt, _, err := mime.ParseMediaType(ex.respHeader.Get("Content-Type")); err != nil || mt != "application/json" {
			add(rowf("T5", "Content-Type = %q; want application/json", ex.respHeader.Get("Content-Type")))
		}
	}
	root, err := ex.parse("T6/T7")
	if err != nil {
		add(err)
		return errs
	}
	resp := root.Get("Response")
	if !resp.IsObject() {
		add(IsObject().At("T6/T7", "Response", resp))
		return errs
	}
	if e := resp.Get("Error"); e.Exists() {
		for _, err := range []error{
			IsObject().At("T7", "Response.Error", e),
			StringNonEmpty().At("T7", "Response.Error.Code", e.Get("Code")),
			StringNonEmpty().At("T7", "Response.Error.Message", e.Get("Message")),
		} {
			add(err)
		}
	} else {
		add(AnyOf(IsArray(), Null()).At("T6/S5", "Response.JobSet", resp.Get("JobSet")))
	}
	id := resp.Get("RequestId")
	add(StringNonEmpty().At("T8", "Response.RequestId", id))
	if id.Type == gjson.String && id.Str != "" {
		add(UUID().At("T9", "Response.RequestId", id))
		if first := s.requestIDs.claim(id.Str, scenario); first != "" {
			add(rowf("T8", "Response.RequestId %q was already the RequestId of another response (in %q); want a different RequestId for every request", id.Str, first))
		}
	}
	return errs
}

// noteClock records the offset of the endpoint's clock from the Date header of an
// answer: the middle of the exchange against the server's second.
func (s *Suite) noteClock(ex *exchange) {
	if ex == nil || ex.err != nil || ex.respHeader == nil || ex.sent.IsZero() || ex.received.Before(ex.sent) {
		return
	}
	date, err := http.ParseTime(ex.respHeader.Get("Date"))
	if err != nil {
		return
	}
	// Date is the server's time cut to the second: half a second later on average.
	mid := ex.sent.Add(ex.received.Sub(ex.sent) / 2)
	s.clockOffset.Store(int64(math.Round(date.Add(time.Second / 2).Sub(mid).Seconds())))
}
