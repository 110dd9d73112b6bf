package check

import (
	"errors"
	"fmt"
	"mime"
	"sync"

	"github.com/tidwall/gjson"

	"github.com/ciam-harness/listjobs/wire"
)

// Parse validates the body of ex as strict JSON before any gjson lookup (gjson.Get
// does not validate), and returns its root. A failure is blamed on row; an SDK that
// misreported the response it decoded fails its own check first.
func Parse(ex *wire.Exchange, row string) (gjson.Result, error) {
	if ex.Err != nil {
		return gjson.Result{}, Rowf(row, "no response: %v", ex.Err)
	}
	if ex.SDK != nil && ex.SDK.Mismatch != nil {
		return gjson.Result{}, ex.SDK.Mismatch
	}
	root, why := ex.Root()
	if why != "" {
		return gjson.Result{}, Rowf(row, "%s; want one strict JSON value {\"Response\": {...}}", why)
	}
	return root, nil
}

// RequestIDs remembers every RequestId of a run, with the first scenario that got it.
// Safe for concurrent use.
type RequestIDs struct {
	mu   sync.Mutex
	seen map[string]string
}

// claim records id for scenario, and returns the scenario that got it before, or "".
func (r *RequestIDs) claim(id, scenario string) string {
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

// Every checks one exchange of scenario against the rows that hold for every response
// (CONTRACT.md T5-T9): HTTP 200 with application/json, strict JSON {"Response": {...}},
// a success's JobSet an array or null, an error's non-empty Code and Message, and a
// RequestId that is a non-empty string in UUID form, different from every other
// RequestId of the run (ids). An exchange without a response (a transport error)
// breaks none of them: the step that sent it reports it. Each violation names the
// request.
func Every(ex *wire.Exchange, ids *RequestIDs, scenario string) []*RowError {
	if ex == nil || ex.Err != nil {
		return nil
	}
	var errs []*RowError
	add := func(err error) {
		var re *RowError
		if errors.As(err, &re) {
			errs = append(errs, &RowError{Label: re.Label, Rows: re.Rows, Err: wire.WithExcerpt(ex, fmt.Errorf("%s %s: %w", ex.Method, ex.URL, re.Err))})
		}
	}
	if ex.SDK == nil { // the SDKs do not hand the status and the Content-Type to their callers
		if ex.Status != 200 {
			add(Rowf("T5", "HTTP status %d; want 200 for every response the API processed", ex.Status))
		}
		if mt, _, err := mime.ParseMediaType(ex.RespHeader.Get("Content-Type")); err != nil || mt != "application/json" {
			add(Rowf("T5", "Content-Type = %q; want application/json", ex.RespHeader.Get("Content-Type")))
		}
	}
	root, err := Parse(ex, "T6/T7")
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
		if first := ids.claim(id.Str, scenario); first != "" {
			add(Rowf("T8", "Response.RequestId %q was already the RequestId of another response (in %q); want a different RequestId for every request", id.Str, first))
		}
	}
	return errs
}
