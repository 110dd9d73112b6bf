package check

import (
	"mime"
	"net/http"
	"slices"
	"strings"

	"github.com/ciam-harness/listjobs/schemas"
	"github.com/ciam-harness/listjobs/wire"
	"github.com/tidwall/gjson"
)

func nonNil(errs ...error) []error {
	return slices.DeleteFunc(errs, func(e error) bool { return e == nil })
}

func httpStatus(x *view) []error {
	var errs []error
	if x.ex.Status != http.StatusOK {
		errs = append(errs, Rowf("T5", "HTTP status %d; want 200 for every response the API processed", x.ex.Status))
	}
	if mt, _, err := mime.ParseMediaType(x.ex.RespHeader.Get("Content-Type")); err != nil || mt != "application/json" {
		errs = append(errs, Rowf("T5", "Content-Type = %q; want application/json", x.ex.RespHeader.Get("Content-Type")))
	}
	return errs
}

func requestID(x *view) []error {
	id := x.resp.Get("RequestId")
	if err := StringNonEmpty().At("T8", "Response.RequestId", id); err != nil {
		return []error{err}
	}
	if x.echo {
		return nil
	}
	if first := x.u.ids.claim(id.Str, x.scenario); first != "" {
		return []error{Rowf("T8", "Response.RequestId %q was already the RequestId of another response (in %q); want a different RequestId for every request", id.Str, first)}
	}
	return nil
}

func requestIDForm(x *view) []error {
	if id := x.resp.Get("RequestId"); id.Type == gjson.String && id.Str != "" {
		return nonNil(UUID().At("T9", "Response.RequestId", id))
	}
	return nil // T8's
}

func errorFields(x *view) []error {
	e := x.resp.Get("Error")
	if err := IsObject().At("T7", "Response.Error", e); err != nil {
		return []error{err}
	}
	return nonNil(
		StringNonEmpty().At("T7", "Response.Error.Code", e.Get("Code")),
		StringNonEmpty().At("T7", "Response.Error.Message", e.Get("Message")))
}

// errorSchema validates an error envelope whose fields are there (errorFields reports
// the rest, in words of its own).
func errorSchema(x *view) []error {
	if len(errorFields(x)) > 0 || x.resp.Get("RequestId").Type != gjson.String {
		return nil
	}
	return x.schema("T7", schemas.ErrorResponse, x.ex.Body)
}

func jobSetShape(x *view) []error {
	return nonNil(AnyOf(IsArray(), Null()).At("T6/S5", "Response.JobSet", x.resp.Get("JobSet")))
}

// successSchema validates a success envelope with its JobSet emptied: the jobs are the
// J rows' concern, each judged by its own rule.
func successSchema(x *view) []error {
	set := x.resp.Get("JobSet")
	if !set.Exists() || !set.IsArray() && set.Type != gjson.Null || x.resp.Get("RequestId").Type != gjson.String {
		return nil // jobSetShape's and T8's
	}
	return x.schema("T6", schemas.SuccessResponse, Envelope(x.ex.Body, set))
}

func (x *view) schema(row, name string, body []byte) []error {
	vs, err := x.u.opts.Schemas.Validate(name, body)
	if err != nil {
		return []error{Rowf(row, "%v", err)}
	}
	var errs []error
	for _, v := range vs {
		errs = append(errs, Rowf(row, "schema %s: %s", name, v))
	}
	return errs
}

// Envelope is body with a non-empty JobSet (set, found in body) emptied: what the
// success schema says of the envelope alone. The jobs are the J rows' concern, and
// validating thousands of them on every success would only be discarded.
func Envelope(body []byte, set gjson.Result) []byte {
	if !set.IsArray() || set.Index <= 0 || set.Raw == "[]" {
		return body
	}
	out := make([]byte, 0, len(body)-len(set.Raw)+2)
	out = append(out, body[:set.Index]...)
	out = append(out, "[]"...)
	return append(out, body[set.Index+len(set.Raw):]...)
}

func noJobTwice(x *view) []error {
	seen := map[string]int{}
	var errs []error
	for i, job := range x.ex.JobSet() {
		id := job.Get("Id")
		if id.Type != gjson.String {
			continue // J1's
		}
		if first, dup := seen[id.Str]; dup {
			errs = append(errs, Rowf("S2", "%s.Id %q was already returned as %s; want each job at most once", JobPath(i), wire.Shorten(id.Str, 80), JobPath(first)))
			continue
		}
		seen[id.Str] = i
	}
	return errs
}

// sameAccount: a key of another account than the store's sees none of its jobs (S9).
func sameAccount(x *view) []error {
	key, st := x.u.keys[x.call.secretID], x.u.stores[x.call.store]
	if key.Account != st.Account {
		return []error{Rowf("S9", "the key %s of the account %q got a success for the user store %s of the account %q; want the answer of P8 and none of its jobs", x.call.secretID, key.Account, st.ID, st.Account)}
	}
	return nil
}

// exactJobs: the JobSet is the store's jobs the JobIds name, or all of them (S1, S2,
// S3), and no job of another store (S6). Order and repeats are other rules' concern.
func exactJobs(x *view) []error {
	st := x.u.stores[x.call.store]
	if x.u.keys[x.call.secretID].Account != st.Account {
		return nil // S9's
	}
	row := "S1"
	want := map[string]bool{}
	if len(x.call.ids) > 0 {
		row = "S2"
		named := map[string]bool{}
		for _, id := range x.call.ids {
			named[id] = true
		}
		for _, id := range st.JobIDs() {
			if named[id] {
				want[id] = true
			}
		}
	} else {
		for _, id := range st.JobIDs() {
			want[id] = true
		}
	}
	var errs []error
	got := map[string]bool{}
	for i, job := range x.jobs {
		id := job.Get("Id")
		if id.Type != gjson.String {
			continue // J1's
		}
		got[id.Str] = true
		switch other, inFixture := x.u.storeOf[id.Str]; {
		case want[id.Str]:
		case inFixture && other != st.ID:
			errs = append(errs, Rowf("S6", "%s is the job %q of the user store %s; want only jobs of %s", JobPath(i), wire.Shorten(id.Str, 80), other, st.ID))
		case row == "S2" && inFixture:
			errs = append(errs, Rowf("S2", "%s is the job %q, which the JobIds do not name; want only the jobs they name", JobPath(i), wire.Shorten(id.Str, 80)))
		case row == "S2" && slices.Contains(x.call.ids, id.Str):
			errs = append(errs, Rowf("S3", "%s is %q, named in the JobIds but a job of no store; want an unknown id left out", JobPath(i), wire.Shorten(id.Str, 80)))
		default:
			errs = append(errs, Rowf(row, "%s is the job %q, which the user store %s does not hold", JobPath(i), wire.Shorten(id.Str, 80), st.ID))
		}
	}
	var missing []string
	for id := range want {
		if !got[id] {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		what := "every job of the user store " + st.ID
		if row == "S2" {
			what = "the jobs of " + st.ID + " the JobIds name"
		}
		errs = append(errs, Rowf(row, "Response.JobSet lacks %d of %s: %s", len(missing), what, wire.Shorten(strings.Join(missing, ", "), 200)))
	}
	return errs
}

// asRecorded: every returned job of the store is as the fixture records it, field for
// field (J1-J8).
func asRecorded(x *view) []error {
	st := x.u.stores[x.call.store]
	records := make(map[string][]byte, len(st.Jobs))
	for _, j := range st.Jobs {
		records[j.ID] = j.Raw
	}
	return EachIndex(len(x.jobs), func(i int) []error {
		rec, ok := records[x.jobs[i].Get("Id").Str]
		if !ok {
			return nil // exactJobs'
		}
		return AsRecorded(i, x.jobs[i], rec)
	})
}
