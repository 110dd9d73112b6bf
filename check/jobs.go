package check

import (
	"bytes"
	"encoding/json"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/ciam-harness/listjobs/wire"
	"github.com/tidwall/gjson"
)

// ParallelMin is the number of jobs from which a rule is checked on every CPU at once.
const ParallelMin = 2048

// EachIndex returns check(i) for i from 0 to n-1, concatenated in that order, whether
// they ran one after the other or, for large n, in parallel chunks on every CPU: check
// must then be pure (it reads shared data only), and the result is the same.
func EachIndex(n int, check func(i int) []error) []error {
	workers := min(runtime.GOMAXPROCS(0), n/ParallelMin)
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

// FieldsOf sets out[k] to the value job.Get(names[k]) would return (the first
// occurrence of the key), found in one pass over the object instead of one per name. A
// job that is not an object has none of them. len(out) = len(names) <= 64.
func FieldsOf(job gjson.Result, names []string, out []gjson.Result) {
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

// JobPath is the path of the i-th job. Paths are built for violations only: one per job
// per rule is a lot of garbage over 100,000 jobs.
func JobPath(i int) string { return "Response.JobSet[" + strconv.Itoa(i) + "]" }

// JobRule is the rule of one row for one field of every job (J1-J8): Judge gives the
// violations of the i-th job.
type JobRule struct {
	Row   string
	Field string
	Judge func(i int, job gjson.Result) []error
}

// field is the rule of a field that one check judges.
func field(row, name string, c Check) JobRule {
	return JobRule{Row: row, Field: name, Judge: func(i int, job gjson.Result) []error {
		if v := job.Get(name); !c.Passes(v) {
			return []error{c.At(row, JobPath(i)+"."+name, v)}
		}
		return nil
	}}
}

// nested is the rule of an optional array of objects whose named fields are present and
// pass their checks (J7, J8).
func nested(row, name string, fields []string, checks []Check) JobRule {
	shape, object := AnyOf(Missing(), Null(), IsArray()), IsObject()
	return JobRule{Row: row, Field: name, Judge: func(i int, job gjson.Result) []error {
		v := job.Get(name)
		if !shape.Passes(v) {
			return []error{shape.At(row, JobPath(i)+"."+name, v)}
		}
		if !v.IsArray() {
			return nil // absent or null
		}
		var errs []error
		for k, el := range v.Array() {
			if !object.Passes(el) {
				errs = append(errs, object.At(row, fmt.Sprintf("%s.%s[%d]", JobPath(i), name, k), el))
				continue
			}
			for f, field := range fields {
				if x := el.Get(field); !checks[f].Passes(x) {
					errs = append(errs, checks[f].At(row, fmt.Sprintf("%s.%s[%d].%s", JobPath(i), name, k, field), x))
				}
			}
		}
		return errs
	}}
}

// JobRules are the rules of the Job object, J1 to J8, each for every element of a
// non-empty JobSet (CONTRACT.md, "Job object").
func JobRules() []JobRule {
	stringOrNull := AnyOf(String(), Null())
	return []JobRule{
		field("J1", "Id", StringNonEmpty()),
		field("J2", "Status", OneOf("PENDING", "PROCESSING", "COMPLETED", "FAILED")),
		field("J3", "Type", OneOf("IMPORT_USER", "EXPORT_USER")),
		field("J4", "CreatedDate", IntegerMillis()),
		field("J5", "Format", AnyOf(OneOf("NDJSON", "CSV"), Null())),
		field("J6", "Location", stringOrNull),
		nested("J7", "ErrorDetails", []string{"UserId", "Error"}, []Check{stringOrNull, String()}),
		nested("J8", "FailedUsers", []string{"FailedUserIdentification", "FailedReason"}, []Check{stringOrNull, stringOrNull}),
	}
}

// JobRuleOf returns the rule of row.
func JobRuleOf(row string) (JobRule, bool) {
	for _, r := range JobRules() {
		if r.Row == row {
			return r, true
		}
	}
	return JobRule{}, false
}

// recordedFields name the row of each field a job is compared on with its record.
var recordedFields = []struct{ field, row string }{
	{"Id", "J1"}, {"Status", "J2"}, {"Type", "J3"}, {"CreatedDate", "J4"}, {"Format", "J5"}, {"Location", "J6"},
}

// recordedNested are the optional arrays a job is compared on with its record.
var recordedNested = []struct {
	name, row string
	fields    []string
}{
	{"ErrorDetails", "J7", []string{"UserId", "Error"}},
	{"FailedUsers", "J8", []string{"FailedUserIdentification", "FailedReason"}},
}

// AsRecorded compares a returned job (the i-th of the JobSet) with the fixture's record
// of it, field for field: every named field equal, Format and Location present even
// when null, and a null ErrorDetails/FailedUsers equal to an absent one (J7, J8). Extra
// fields are allowed (J9). It is pure: large JobSets compare their jobs on every CPU.
func AsRecorded(i int, got gjson.Result, record []byte) []error {
	names := make([]string, 0, len(recordedFields)+len(recordedNested))
	for _, f := range recordedFields {
		names = append(names, f.field)
	}
	for _, n := range recordedNested {
		names = append(names, n.name)
	}
	var fields [2][8]gjson.Result
	g, w := fields[0][:len(names)], fields[1][:len(names)]
	FieldsOf(got, names, g)
	FieldsOf(gjson.ParseBytes(record), names, w)
	path := JobPath(i)
	var errs []error
	for r, f := range recordedFields {
		switch {
		case !g[r].Exists():
			errs = append(errs, Rowf(f.row, "%s.%s is absent; want %s as recorded", path, f.field, w[r].Raw))
		case g[r].Raw != w[r].Raw && canonical(g[r].Raw) != canonical(w[r].Raw):
			errs = append(errs, Rowf(f.row, "%s.%s = %s; want %s as recorded", path, f.field, wire.Shorten(g[r].Raw, 80), w[r].Raw))
		}
	}
	for r, n := range recordedNested {
		gv, wv := g[len(recordedFields)+r], w[len(recordedFields)+r]
		switch {
		case nullish(gv) && nullish(wv):
		case gv.IsArray() && gv.Raw == wv.Raw: // the same text: the same elements
		case nullish(gv) != nullish(wv) || !gv.IsArray() ||
			!slices.Equal(elements(gv, n.fields), elements(wv, n.fields)):
			wantText := "null or absent"
			if !nullish(wv) {
				wantText = wv.Raw
			}
			errs = append(errs, Rowf(n.row, "%s.%s %s; want %s as recorded", path, n.name, Shown(gv), wire.Shorten(wantText, 200)))
		}
	}
	return errs
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
