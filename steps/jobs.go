package steps

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/tidwall/gjson"

	"github.com/ciam-harness/listjobs/check"
	"github.com/ciam-harness/listjobs/schemas"
	"github.com/ciam-harness/listjobs/wire"
)

// jobPath is the path of the i-th job. Paths are built for violations only: one per job
// per rule is a lot of garbage over 100,000 jobs.
func jobPath(i int) string { return "Response.JobSet[" + strconv.Itoa(i) + "]" }

// nested checks an optional array of objects whose named fields are present and pass
// their checks (J7, J8).
func nested(row, name string, fields []string, checks []check.Check) func(i int, job gjson.Result) []error {
	shape, object := check.AnyOf(check.Missing(), check.Null(), check.IsArray()), check.IsObject()
	return func(i int, job gjson.Result) []error {
		v := job.Get(name)
		if !shape.Passes(v) {
			return []error{shape.At(row, jobPath(i)+"."+name, v)}
		}
		if !v.IsArray() {
			return nil // absent or null
		}
		var errs []error
		for k, el := range v.Array() {
			if !object.Passes(el) {
				errs = append(errs, object.At(row, fmt.Sprintf("%s.%s[%d]", jobPath(i), name, k), el))
				continue
			}
			for f, field := range fields {
				if x := el.Get(field); !checks[f].Passes(x) {
					errs = append(errs, checks[f].At(row, fmt.Sprintf("%s.%s[%d].%s", jobPath(i), name, k, field), x))
				}
			}
		}
		return errs
	}
}

// jobRows names the row of each field the fixture comparison looks at.
var jobRows = []struct{ field, row string }{
	{"Id", "J1"}, {"Status", "J2"}, {"Type", "J3"}, {"CreatedDate", "J4"}, {"Format", "J5"}, {"Location", "J6"},
}

// canonical re-encodes a JSON value so that equal values compare equal (numbers keep
// their literal form: 1 and 1.0 differ, as J4 wants integers).
func canonical(raw string) string {
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return raw
	}
	b, err := json.Marshal(v)
	if err != nil {
		return raw
	}
	return string(b)
}

// elements returns the named fields of each element of a nested array as canonical
// strings, sorted: the comparison does not depend on element order.
func elements(v gjson.Result, fields []string) []string {
	var out []string
	for _, el := range v.Array() {
		var b bytes.Buffer
		for _, f := range fields {
			x := el.Get(f)
			if x.Exists() {
				fmt.Fprintf(&b, "%s=%s;", f, canonical(x.Raw))
			} else {
				fmt.Fprintf(&b, "%s absent;", f)
			}
		}
		out = append(out, b.String())
	}
	slices.Sort(out)
	return out
}

func nullish(v gjson.Result) bool { return !v.Exists() || v.Type == gjson.Null }

// returnedJobs is the JobSet of the last response, which must be a success with at
// least one job: a rule checked over no job proves nothing, so it fails (vacuity guard).
func (jb *jobs) returnedJobs(row string) ([]gjson.Result, *wire.Exchange, error) {
	ex, err := jb.sc.lastExchange()
	if err != nil {
		return nil, nil, err
	}
	if _, err := check.Parse(ex, row); err != nil {
		return nil, ex, wire.WithExcerpt(ex, err)
	}
	if e := ex.Get("Response.Error"); e.Exists() {
		return nil, ex, wire.WithExcerpt(ex, check.Rowf(row, "got %s; want a success with jobs to check", describeError(e)))
	}
	set := ex.Get("Response.JobSet")
	if !set.IsArray() {
		return nil, ex, wire.WithExcerpt(ex, check.Rowf(row, "Response.JobSet %s; want an array of jobs to check", check.Shown(set)))
	}
	jobs := ex.JobSet()
	if len(jobs) == 0 {
		return nil, ex, check.Rowf(row, "no job to check: the listing returned no jobs, and a rule over no job proves nothing; point the harness at a user store that holds jobs")
	}
	return jobs, ex, nil
}

// everyJob applies check to every returned job (the i-th of the JobSet) and reports
// every violation at once, in job order. check must be pure: a large JobSet is checked
// on every CPU at once (eachIndex).
func (jb *jobs) everyJob(row string, rule func(i int, job gjson.Result) []error) error {
	jobs, ex, err := jb.returnedJobs(row)
	if err != nil {
		return err
	}
	errs := nonNil(eachIndex(len(jobs), func(i int) []error { return rule(i, jobs[i]) })...)
	return wire.WithExcerpt(ex, check.JoinLimited(errs))
}

// field applies one check to one field of every job.
func (jb *jobs) field(row, name string, c check.Check) error {
	return jb.everyJob(row, func(i int, job gjson.Result) []error {
		v := job.Get(name)
		if c.Passes(v) {
			return nil
		}
		return []error{c.At(row, jobPath(i)+"."+name, v)}
	})
}

func (jb *jobs) everyJobJ1() error { return jb.field("J1", "Id", check.StringNonEmpty()) }

func (jb *jobs) everyJobJ2() error {
	return jb.field("J2", "Status", check.OneOf("PENDING", "PROCESSING", "COMPLETED", "FAILED"))
}

func (jb *jobs) everyJobJ3() error {
	return jb.field("J3", "Type", check.OneOf("IMPORT_USER", "EXPORT_USER"))
}

func (jb *jobs) everyJobJ4() error { return jb.field("J4", "CreatedDate", check.IntegerMillis()) }

func (jb *jobs) everyJobJ5() error {
	return jb.field("J5", "Format", check.AnyOf(check.OneOf("NDJSON", "CSV"), check.Null()))
}

func (jb *jobs) everyJobJ6() error {
	return jb.field("J6", "Location", check.AnyOf(check.String(), check.Null()))
}

func (jb *jobs) everyJobJ7() error {
	return jb.everyJob("J7", nested("J7", "ErrorDetails", []string{"UserId", "Error"},
		[]check.Check{check.AnyOf(check.String(), check.Null()), check.String()}))
}

func (jb *jobs) everyJobJ8() error {
	return jb.everyJob("J8", nested("J8", "FailedUsers", []string{"FailedUserIdentification", "FailedReason"},
		[]check.Check{check.AnyOf(check.String(), check.Null()), check.AnyOf(check.String(), check.Null())}))
}

// everyJobSchema validates every job against job.json, which allows extra fields (J9).
func (jb *jobs) everyJobSchema() error {
	row := jb.sc.label()
	return jb.everyJob(row, func(i int, job gjson.Result) []error {
		var errs []error
		vs, err := jb.sc.suite.schemas.ValidateValue(schemas.Job, job) // job.Raw, not decoded again
		for _, e := range violationErrors(row, schemas.Job, vs, err, false) {
			errs = append(errs, fmt.Errorf("%s: %w", jobPath(i), e))
		}
		return errs
	})
}

// fieldForField compares the returned jobs with the fixture's record of them: the same
// set of jobs, every named field equal, Format and Location present even when null, and
// a null ErrorDetails/FailedUsers equal to an absent one (J7, J8). Extra fields are
// allowed (J9).
func (jb *jobs) fieldForField(role string) error {
	store, err := jb.sc.fixtureStore(role)
	if err != nil {
		return err
	}
	jobs, ex, err := jb.returnedJobs(jb.sc.label())
	if err != nil {
		return err
	}
	byID := make(map[string]int, len(jobs))
	for i, j := range jobs {
		id := j.Get("Id").Str
		if _, dup := byID[id]; dup {
			continue // "at most once" is S2's concern
		}
		byID[id] = i
	}
	nestedRows := []struct {
		name, row string
		fields    []string
	}{
		{"ErrorDetails", "J7", []string{"UserId", "Error"}},
		{"FailedUsers", "J8", []string{"FailedUserIdentification", "FailedReason"}},
	}
	var names []string // the fields compared, looked up in one pass per job
	for _, f := range jobRows {
		names = append(names, f.field)
	}
	for _, n := range nestedRows {
		names = append(names, n.name)
	}
	// Each job of the fixture is compared on its own (in parallel for a large store).
	errs := eachIndex(len(store.Jobs), func(k int) []error {
		fj := store.Jobs[k]
		i, ok := byID[fj.ID]
		if !ok {
			return []error{check.Rowf("S1", "the job %q of the user store %s is missing from Response.JobSet", fj.ID, store.ID)}
		}
		var fields [2][8]gjson.Result
		got, want := fields[0][:len(names)], fields[1][:len(names)]
		fieldsOf(jobs[i], names, got)
		fieldsOf(gjson.ParseBytes(fj.Raw), names, want)
		path := jobPath(i)
		var errs []error
		for r, f := range jobRows {
			g, w := got[r], want[r]
			switch {
			case !g.Exists():
				errs = append(errs, check.Rowf(f.row, "%s.%s is absent; want %s as recorded", path, f.field, w.Raw))
			case g.Raw != w.Raw && canonical(g.Raw) != canonical(w.Raw):
				errs = append(errs, check.Rowf(f.row, "%s.%s = %s; want %s as recorded", path, f.field, wire.Shorten(g.Raw, 80), w.Raw))
			}
		}
		for r, n := range nestedRows {
			g, w := got[len(jobRows)+r], want[len(jobRows)+r]
			switch {
			case nullish(g) && nullish(w):
			case g.IsArray() && g.Raw == w.Raw: // the same text: the same elements
			case nullish(g) != nullish(w) || !g.IsArray() ||
				!slices.Equal(elements(g, n.fields), elements(w, n.fields)):
				wantText := "null or absent"
				if !nullish(w) {
					wantText = w.Raw
				}
				errs = append(errs, check.Rowf(n.row, "%s.%s %s; want %s as recorded", path, n.name, check.Shown(g), wire.Shorten(wantText, 200)))
			}
		}
		return errs
	})
	known := sortedSet(store.JobIDs())
	for id, i := range byID {
		if _, ok := slices.BinarySearch(known, id); !ok {
			errs = append(errs, check.Rowf("S1", "Response.JobSet[%d] is the job %q, which the user store %s does not hold", i, wire.Shorten(id, 80), store.ID))
		}
	}
	slices.SortFunc(errs, func(a, b error) int { return strings.Compare(a.Error(), b.Error()) })
	return wire.WithExcerpt(ex, check.JoinLimited(errs))
}
