package steps

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/tidwall/gjson"

	"github.com/ciam-harness/listjobs/schemas"
)

// returnedJobs is the JobSet of the last response, which must be a success with at
// least one job: a rule checked over no job proves nothing, so it fails (vacuity guard).
func (st *scenario) returnedJobs(row string) ([]gjson.Result, *exchange, error) {
	ex, err := st.lastExchange()
	if err != nil {
		return nil, nil, err
	}
	root, err := ex.parse(row)
	if err != nil {
		return nil, ex, withExcerpt(ex, err)
	}
	if e := root.Get("Response.Error"); e.Exists() {
		return nil, ex, withExcerpt(ex, fmt.Errorf("%s: got %s; want a success with jobs to check", row, describeError(e)))
	}
	set := root.Get("Response.JobSet")
	if !set.IsArray() {
		return nil, ex, withExcerpt(ex, fmt.Errorf("%s: Response.JobSet %s; want an array of jobs to check", row, shown(set)))
	}
	jobs := set.Array()
	if len(jobs) == 0 {
		return nil, ex, fmt.Errorf("%s: no job to check: the listing returned no jobs, and a rule over no job proves nothing; point the harness at a user store that holds jobs", row)
	}
	return jobs, ex, nil
}

// everyJob applies check to every returned job and reports every violation at once.
func (st *scenario) everyJob(row string, check func(path string, job gjson.Result) []error) error {
	jobs, ex, err := st.returnedJobs(row)
	if err != nil {
		return err
	}
	var errs []error
	for i, job := range jobs {
		errs = append(errs, nonNil(check(fmt.Sprintf("Response.JobSet[%d]", i), job)...)...)
	}
	return withExcerpt(ex, joinLimited(errs))
}

// field applies one check to one field of every job.
func (st *scenario) field(row, name string, c Check) error {
	return st.everyJob(row, func(path string, job gjson.Result) []error {
		return []error{c.At(row, path+"."+name, job.Get(name))}
	})
}

func (st *scenario) everyJobJ1() error { return st.field("J1", "Id", StringNonEmpty()) }

func (st *scenario) everyJobJ2() error {
	return st.field("J2", "Status", OneOf("PENDING", "PROCESSING", "COMPLETED", "FAILED"))
}

func (st *scenario) everyJobJ3() error {
	return st.field("J3", "Type", OneOf("IMPORT_USER", "EXPORT_USER"))
}

func (st *scenario) everyJobJ4() error { return st.field("J4", "CreatedDate", IntegerMillis()) }

func (st *scenario) everyJobJ5() error {
	return st.field("J5", "Format", AnyOf(OneOf("NDJSON", "CSV"), Null()))
}

func (st *scenario) everyJobJ6() error { return st.field("J6", "Location", AnyOf(String(), Null())) }

// nested checks an optional array of objects whose named fields are present and pass
// their checks (J7, J8).
func nested(row, name string, fields []string, checks []Check) func(path string, job gjson.Result) []error {
	return func(path string, job gjson.Result) []error {
		v := job.Get(name)
		p := path + "." + name
		if err := AnyOf(Missing(), Null(), IsArray()).At(row, p, v); err != nil {
			return []error{err}
		}
		var errs []error
		for k, el := range v.Array() {
			ep := fmt.Sprintf("%s[%d]", p, k)
			if err := IsObject().At(row, ep, el); err != nil {
				errs = append(errs, err)
				continue
			}
			for i, f := range fields {
				errs = append(errs, checks[i].At(row, ep+"."+f, el.Get(f)))
			}
		}
		return errs
	}
}

func (st *scenario) everyJobJ7() error {
	return st.everyJob("J7", nested("J7", "ErrorDetails", []string{"UserId", "Error"},
		[]Check{AnyOf(String(), Null()), String()}))
}

func (st *scenario) everyJobJ8() error {
	return st.everyJob("J8", nested("J8", "FailedUsers", []string{"FailedUserIdentification", "FailedReason"},
		[]Check{AnyOf(String(), Null()), AnyOf(String(), Null())}))
}

// everyJobSchema validates every job against job.json, which allows extra fields (J9).
func (st *scenario) everyJobSchema() error {
	row := st.label()
	return st.everyJob(row, func(path string, job gjson.Result) []error {
		var errs []error
		for _, e := range st.schemaViolations(row, schemas.Job, []byte(job.Raw), false) {
			errs = append(errs, fmt.Errorf("%s: %w", path, e))
		}
		return errs
	})
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

// fieldForField compares the returned jobs with the fixture's record of them: the same
// set of jobs, every named field equal, Format and Location present even when null, and
// a null ErrorDetails/FailedUsers equal to an absent one (J7, J8). Extra fields are
// allowed (J9).
func (st *scenario) fieldForField(role string) error {
	store, err := st.fixtureStore(role)
	if err != nil {
		return err
	}
	jobs, ex, err := st.returnedJobs(st.label())
	if err != nil {
		return err
	}
	byID := map[string]int{}
	var errs []error
	for i, j := range jobs {
		id := j.Get("Id").Str
		if _, dup := byID[id]; dup {
			continue // "at most once" is S2's concern
		}
		byID[id] = i
	}
	for _, fj := range store.Jobs {
		i, ok := byID[fj.ID]
		if !ok {
			errs = append(errs, fmt.Errorf("S1: the job %q of the user store %s is missing from Response.JobSet", fj.ID, store.ID))
			continue
		}
		got, want := jobs[i], gjson.ParseBytes(fj.Raw)
		path := fmt.Sprintf("Response.JobSet[%d]", i)
		for _, f := range jobRows {
			g, w := got.Get(f.field), want.Get(f.field)
			switch {
			case !g.Exists():
				errs = append(errs, fmt.Errorf("%s: %s.%s is absent; want %s as recorded", f.row, path, f.field, w.Raw))
			case g.Raw != w.Raw && canonical(g.Raw) != canonical(w.Raw):
				errs = append(errs, fmt.Errorf("%s: %s.%s = %s; want %s as recorded", f.row, path, f.field, shorten(g.Raw, 80), w.Raw))
			}
		}
		for _, n := range []struct {
			name, row string
			fields    []string
		}{
			{"ErrorDetails", "J7", []string{"UserId", "Error"}},
			{"FailedUsers", "J8", []string{"FailedUserIdentification", "FailedReason"}},
		} {
			g, w := got.Get(n.name), want.Get(n.name)
			switch {
			case nullish(g) && nullish(w):
			case nullish(g) != nullish(w) || !g.IsArray() ||
				!slices.Equal(elements(g, n.fields), elements(w, n.fields)):
				wantText := "null or absent"
				if !nullish(w) {
					wantText = w.Raw
				}
				errs = append(errs, fmt.Errorf("%s: %s.%s %s; want %s as recorded", n.row, path, n.name, shown(g), shorten(wantText, 200)))
			}
		}
	}
	known := sortedSet(store.JobIDs())
	for id, i := range byID {
		if _, ok := slices.BinarySearch(known, id); !ok {
			errs = append(errs, fmt.Errorf("S1: Response.JobSet[%d] is the job %q, which the user store %s does not hold", i, id, store.ID))
		}
	}
	slices.SortFunc(errs, func(a, b error) int { return strings.Compare(a.Error(), b.Error()) })
	return withExcerpt(ex, joinLimited(errs))
}
