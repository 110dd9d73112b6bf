package check

import (
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
