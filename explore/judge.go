package explore

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/tidwall/gjson"

	"github.com/ciam-harness/listjobs/check"
	"github.com/ciam-harness/listjobs/steps"
	"github.com/ciam-harness/listjobs/vocab"
	"github.com/ciam-harness/listjobs/wire"
)

// finding is one check that failed: on the answer to the request of step (0-based),
// or on a relation between answers (rel set).
type finding struct {
	step int
	err  *check.RowError
	rel  *relation
	// jrows are the J rows whose field comparison failed (the printed scenario checks
	// them by their catalogue sentences).
	jrows []string
	dupes bool // the answer listed a job twice
	probe bool // found by a probe of the rate limit
}

// relation is a relation between listings that an answer broke (S7, S8): the answer to
// step `to` against those to the steps of `of`.
type relation struct {
	kind string // "same" (S7: the same request), "set" (S8: the same ids, in another order or repeated), "union", "subset"
	of   []int
	to   int
}

func gjsonString(s string) gjson.Result { return gjson.Result{Type: gjson.String, Str: s} }

func label(rows []string) string { return strings.Join(rows, "/") }

// rowErr is a RowError for rows.
func rowErr(rows []string, format string, args ...any) *check.RowError {
	err := check.Rowf(label(rows), format, args...)
	re, _ := err.(*check.RowError)
	return re
}

// answer is what came back, as the oracle reads it.
type answer struct {
	code    string   // the error code, "" for a success
	ids     []string // a success's Ids, in order, duplicates kept
	ok      bool     // a success
	unread  string   // why the answer is neither (no response, not the envelope)
	jobsRaw []gjson.Result
}

// read reads an exchange's answer.
func read(ex *wire.Exchange) answer {
	if ex.Err != nil {
		return answer{unread: "no response: " + ex.Err.Error()}
	}
	root, why := ex.Root()
	if why != "" {
		return answer{unread: why}
	}
	if e := root.Get("Response.Error"); e.Exists() {
		if c := e.Get("Code"); c.Type == gjson.String && c.Str != "" {
			return answer{code: c.Str}
		}
		return answer{unread: "an Error without a string Code"}
	}
	set := root.Get("Response.JobSet")
	if !set.Exists() {
		return answer{unread: "neither a JobSet nor an Error in Response"}
	}
	a := answer{ok: true}
	a.jobsRaw = ex.JobSet()
	for _, j := range a.jobsRaw {
		a.ids = append(a.ids, j.Get("Id").String())
	}
	return a
}

// judge checks the answer to one request against the oracle's expectation; the rules
// of every exchange (check.Universal) are applied by the caller.
func (m *model) judge(step int, ex *wire.Exchange, e expectation, halfLimit bool) []finding {
	a := read(ex)
	var out []finding
	add := func(err *check.RowError) {
		out = append(out, finding{step: step, err: &check.RowError{Label: err.Label, Rows: err.Rows, Err: wire.WithExcerpt(ex, err.Err)}})
	}
	// A wrong answer to a request that breaks rows is blamed on those rows and on
	// those its conforming parts rely on: either may be what the endpoint got wrong.
	blame := union(e.errRows(), e.allows)
	if e.success || e.otherRegion && len(e.violations) == 0 {
		blame = e.allows
	}
	switch {
	case a.unread != "" && !e.success:
		add(rowErr(union(blame, []string{"T7"}), "%s; want the error envelope of %s", a.unread, e.wants()))
	case a.unread != "":
		add(rowErr(union(blame, []string{"T6"}), "%s; want a success", a.unread))
	case a.code != "" && !e.codeOK(a.code) && check.CodeUnder("RequestLimitExceeded").Passes(gjsonString(a.code)):
		// Ordinary requests are paced under the limit: throttling them breaks R1, and
		// R2 when their owner sent at most half the limit in the last second.
		rows := []string{"R1"}
		if halfLimit {
			rows = append(rows, "R2")
		}
		add(rowErr(rows, "got the error %q on a request paced under %d per second and key owner (half the limit or less: %t); want %s", a.code, steps.PacerRate, halfLimit, e.wantsOr()))
	case a.code != "" && !e.codeOK(a.code):
		if e.success || e.otherRegion && len(e.violations) == 0 {
			add(rowErr(blame, "got the error %q; want a success", a.code))
		} else {
			add(rowErr(blame, "Response.Error.Code = %q; want %s", a.code, e.wants()))
		}
	case a.ok && !e.success && !(e.otherRegion && len(e.violations) == 0):
		// The conforming parts were served: the rows broken were not enforced.
		add(rowErr(e.errRows(), "got a success (JobSet of %d jobs); want the error %s", len(a.ids), e.wants()))
	case a.ok:
		for _, f := range m.judgeJobs(ex, a, e) {
			f.step = step
			out = append(out, f)
		}
	}
	return out
}

// judgeJobs checks a success's JobSet against the fixture: exactly the expected jobs
// (S1, S2, S3), none of another store (S6), none twice (S2), an array when it has jobs
// ([] or null when it has none: S5), and each job field for field (J1-J8; a job may
// hold more fields: J9).
func (m *model) judgeJobs(ex *wire.Exchange, a answer, e expectation) []finding {
	var out []finding
	add := func(f finding) {
		f.err = &check.RowError{Label: f.err.Label, Rows: f.err.Rows, Err: wire.WithExcerpt(ex, f.err.Err)}
		out = append(out, f)
	}
	set := ex.Get("Response.JobSet")
	if len(e.jobs) > 0 && !set.IsArray() {
		add(finding{err: rowErr([]string{"S5"}, "Response.JobSet %s; want an array of the %d jobs", check.Shown(set), len(e.jobs))})
		return out
	}
	if !set.IsArray() && set.Type != gjson.Null {
		add(finding{err: rowErr([]string{"S5"}, "Response.JobSet %s; want [] or null for a result without jobs", check.Shown(set))})
		return out
	}
	want := e.jobs
	selection := "S1"
	if e.filtered {
		selection = "S2"
	}
	seen := map[string]int{}
	var extra, twice []string
	for i, id := range a.ids {
		if v := a.jobsRaw[i].Get("Id"); !check.StringNonEmpty().Passes(v) {
			add(finding{err: rowErr([]string{"J1"}, "Response.JobSet[%d].Id %s; want a non-empty string", i, check.Shown(v)), jrows: []string{"J1"}})
			continue
		}
		seen[id]++
		if seen[id] == 2 {
			twice = append(twice, id)
		}
		if seen[id] > 1 {
			continue
		}
		if _, ok := slices.BinarySearch(want, id); ok {
			if rows := m.compareJob(e.store, id, a.jobsRaw[i]); len(rows) > 0 {
				add(finding{err: rowErr(rows, "Response.JobSet[%d] (%s) differs from the fixture's record of the job in %s", i, wire.Shorten(id, 80), strings.Join(rows, ", ")), jrows: rows})
			}
			continue
		}
		extra = append(extra, id)
	}
	var missing []string
	for _, id := range want {
		if seen[id] == 0 {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		add(finding{err: rowErr([]string{selection}, "Response.JobSet lacks %d of the %d jobs it must hold: %s", len(missing), len(want), listIDs(missing))})
	}
	for _, id := range extra {
		switch other := m.storeOf(id, e.store); {
		case other != nil:
			add(finding{err: rowErr([]string{"S6"}, "Response.JobSet holds the job %q of another user store (%s); want only jobs of %s", wire.Shorten(id, 80), other.ID, e.store)})
		case e.filtered:
			add(finding{err: rowErr([]string{"S2"}, "Response.JobSet holds the job %q, which JobIds does not name; want only the jobs it names", wire.Shorten(id, 80))})
		default:
			add(finding{err: rowErr([]string{"S1"}, "Response.JobSet holds the job %q, which the user store %s does not hold", wire.Shorten(id, 80), e.store)})
		}
	}
	if len(twice) > 0 {
		add(finding{err: rowErr([]string{"S2"}, "Response.JobSet holds %s more than once; want each job at most once", listIDs(twice)), dupes: true})
	}
	return out
}

// jobFields are the fields of a Job the J rows name, with their rows.
var jobFields = []struct{ field, row string }{
	{"Id", "J1"}, {"Status", "J2"}, {"Type", "J3"}, {"CreatedDate", "J4"}, {"Format", "J5"}, {"Location", "J6"},
}

// nestedFields are the J7 and J8 arrays: null and absent are one.
var nestedFields = []struct{ field, row string }{{"ErrorDetails", "J7"}, {"FailedUsers", "J8"}}

// compareJob compares a returned job with the fixture's record of it, field for field,
// and returns the rows of the fields that differ.
func (m *model) compareJob(store, id string, got gjson.Result) []string {
	rec, ok := m.jobs[store][id]
	if !ok {
		return nil
	}
	want := gjson.ParseBytes(rec.Raw)
	var rows []string
	for _, f := range jobFields {
		g, w := got.Get(f.field), want.Get(f.field)
		if !g.Exists() || g.Raw != w.Raw && canonical(g.Raw) != canonical(w.Raw) {
			rows = append(rows, f.row)
		}
	}
	for _, f := range nestedFields {
		g, w := got.Get(f.field), want.Get(f.field)
		gNull, wNull := !g.Exists() || g.Type == gjson.Null, !w.Exists() || w.Type == gjson.Null
		switch {
		case gNull && wNull, g.Raw == w.Raw:
		case gNull != wNull || !g.IsArray() || !sameElements(g, w):
			rows = append(rows, f.row)
		}
	}
	return rows
}

// sameElements compares two arrays as multisets of canonical JSON.
func sameElements(a, b gjson.Result) bool {
	canon := func(v gjson.Result) []string {
		var out []string
		for _, e := range v.Array() {
			out = append(out, canonical(e.Raw))
		}
		slices.Sort(out)
		return out
	}
	return slices.Equal(canon(a), canon(b))
}

// canonical re-encodes a JSON value so that equal values compare equal (numbers keep
// their literal form: J4 wants integers).
func canonical(raw string) string {
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return raw
	}
	b, err := json.Marshal(v)
	if err != nil {
		return raw
	}
	return string(b)
}

// listIDs shows a few ids.
func listIDs(ids []string) string {
	shown := make([]string, 0, min(len(ids), 6))
	for _, id := range ids[:min(len(ids), 6)] {
		shown = append(shown, wire.Shorten(id, 60))
	}
	if len(ids) > 6 {
		return fmt.Sprintf("%q … (%d in all)", shown, len(ids))
	}
	return fmt.Sprintf("%q", shown)
}

// listing is a success the program got, for the relations between listings.
type listing struct {
	step    int
	account string
	store   string
	region  string   // a real service may hold other data in another region
	ids     []string // the set returned, sorted
	named   []string // the JobIds sent, in order; nil: the whole store
	whole   bool
}

// relate checks a new listing against the earlier ones of the same store and account
// (CONTRACT.md S7, S8): the same request returns the same ids (S7); the same ids in
// another order or repeated return the same set, a filtered listing holds only jobs of
// the whole listing, and the listing of a ∪ b is the union of those of a and b (S8).
func relate(earlier []listing, now listing) []finding {
	var out []finding
	var same []listing
	// An earlier listing without jobs relates to nothing: the printed scenario
	// remembers listings, and the catalogue refuses to remember an empty one.
	for _, l := range earlier {
		if len(l.ids) > 0 && l.store == now.store && l.account == now.account && l.region == now.region {
			same = append(same, l)
		}
	}
	setOf := func(l listing) []string {
		s := slices.Clone(l.named)
		slices.Sort(s)
		return slices.Compact(s)
	}
	for _, l := range same {
		switch {
		case l.whole == now.whole && slices.Equal(l.named, now.named):
			if !slices.Equal(l.ids, now.ids) {
				out = append(out, finding{step: now.step, rel: &relation{kind: "same", of: []int{l.step}, to: now.step},
					err: rowErr([]string{"S7"}, "the same request returned %s at step %d and %s at step %d; want the same Ids", listIDs(l.ids), l.step+1, listIDs(now.ids), now.step+1)})
			}
		case !l.whole && !now.whole && slices.Equal(setOf(l), setOf(now)):
			if !slices.Equal(l.ids, now.ids) {
				out = append(out, finding{step: now.step, rel: &relation{kind: "set", of: []int{l.step}, to: now.step},
					err: rowErr([]string{"S8"}, "JobIds naming the same ids in another order or repeated returned %s at step %d and %s at step %d; want the same set", listIDs(l.ids), l.step+1, listIDs(now.ids), now.step+1)})
			}
		case l.whole && !now.whole:
			if extra := minus(now.ids, l.ids); len(extra) > 0 {
				out = append(out, finding{step: now.step, rel: &relation{kind: "subset", of: []int{l.step}, to: now.step},
					err: rowErr([]string{"S8"}, "the filtered listing of step %d holds %s, which the whole listing of step %d does not", now.step+1, listIDs(extra), l.step+1)})
			}
		}
	}
	// a ∪ b: two earlier filtered listings whose JobIds together are now's.
	want := setOf(now)
	for i, a := range same {
		for _, b := range same[i+1:] {
			if a.whole || b.whole || now.whole {
				continue
			}
			u := append(setOf(a), setOf(b)...)
			slices.Sort(u)
			if u = slices.Compact(u); !slices.Equal(u, want) || slices.Equal(setOf(a), want) || slices.Equal(setOf(b), want) {
				continue
			}
			union := append(slices.Clone(a.ids), b.ids...)
			slices.Sort(union)
			if union = slices.Compact(union); !slices.Equal(union, now.ids) {
				out = append(out, finding{step: now.step, rel: &relation{kind: "union", of: []int{a.step, b.step}, to: now.step},
					err: rowErr([]string{"S8"}, "JobIds naming the ids of steps %d and %d together returned %s; want the union of their listings, %s", a.step+1, b.step+1, listIDs(now.ids), listIDs(union))})
			}
		}
	}
	return out
}

// union is the rows of a and b, in contract order, each once.
func union(a, b []string) []string {
	out := append(slices.Clone(a), b...)
	vocab.SortRows(out)
	return slices.Compact(out)
}

// minus is the elements of a (sorted) not in b (sorted).
func minus(a, b []string) []string {
	var out []string
	for _, x := range a {
		if _, ok := slices.BinarySearch(b, x); !ok {
			out = append(out, x)
		}
	}
	return out
}
