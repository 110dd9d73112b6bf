// Package check holds the checks of the suite as small reusable values: a Check is one
// rule for one JSON value, and every failure is a RowError naming the contract rows it
// judges, so that a failure is blamed on exactly those rows (Blame). Every applies the
// rows that hold for every response to one exchange.
package check

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/tidwall/gjson"

	"github.com/ciam-harness/listjobs/vocab"
	"github.com/ciam-harness/listjobs/wire"
)

// Check is one rule for one JSON value, as a small reusable value: Want says what the
// contract wants ("a non-empty string"), test says whether a value passes, with an
// optional hint about what it looks like instead (" (seconds?)").
type Check struct {
	Want string
	test func(v gjson.Result) (ok bool, hint string)
}

// At applies c to v, found at path, for a contract row. The error reads
// "J4: Response.JobSet[3].CreatedDate = 1715156770 (seconds?); want integer epoch milliseconds".
func (c Check) At(row, path string, v gjson.Result) error {
	ok, hint := c.test(v)
	if ok {
		return nil
	}
	return Rowf(row, "%s %s%s; want %s", path, Shown(v), hint, c.Want)
}

// RowError is the failure of a check: the contract rows it judges and what was wrong.
// Every check fails with one, so that a failure is blamed on the rows its checks judge
// and on no other row of its scenario (Blame).
type RowError struct {
	// Label is how the error names its rows: "T5", "T7/T8", or "contract" for a
	// scenario without row tags.
	Label string
	Rows  []string
	Err   error
}

func (e *RowError) Error() string { return e.Label + ": " + e.Err.Error() }

// Unwrap returns what was wrong.
func (e *RowError) Unwrap() error { return e.Err }

// Rowf is a RowError for label ("S2", "J1/J2") with a message.
func Rowf(label, format string, args ...any) error {
	e := &RowError{Label: label, Err: fmt.Errorf(format, args...)}
	for _, r := range strings.Split(label, "/") {
		if vocab.IsRow(r) {
			e.Rows = append(e.Rows, r)
		}
	}
	return e
}

// Blame returns the contract rows that the checks failing in err judge, in contract
// order, each once: the rows of every RowError in err's tree (errors.Join and %w
// wrapping included). It returns nil when err names no row: a harness or undefined
// step, for the caller to blame on the scenario's rows.
func Blame(err error) []string {
	var rows []string
	var walk func(error)
	walk = func(err error) {
		switch e := err.(type) {
		case nil:
			return
		case *RowError:
			rows = append(rows, e.Rows...)
		case interface{ Unwrap() []error }:
			for _, u := range e.Unwrap() {
				walk(u)
			}
			return
		}
		walk(errors.Unwrap(err))
	}
	walk(err)
	vocab.SortRows(rows)
	return slices.Compact(rows)
}

// Shown describes a value as it came back: "is absent" or "= <raw JSON>" (shortened).
func Shown(v gjson.Result) string {
	if !v.Exists() {
		return "is absent"
	}
	return "= " + wire.Shorten(v.Raw, 80)
}

// Passes tells whether v passes c.
func (c Check) Passes(v gjson.Result) bool {
	ok, _ := c.test(v)
	return ok
}

// Missing passes when the value is absent (not even null).
func Missing() Check {
	return Check{Want: "absent", test: func(v gjson.Result) (bool, string) { return !v.Exists(), "" }}
}

// Present passes when the value exists, null included.
func Present() Check {
	return Check{Want: "present", test: func(v gjson.Result) (bool, string) { return v.Exists(), "" }}
}

// Null passes when the value is present and JSON null.
func Null() Check {
	return Check{Want: "null", test: func(v gjson.Result) (bool, string) {
		return v.Exists() && v.Type == gjson.Null, ""
	}}
}

// IsArray passes when the value is a JSON array (possibly empty).
func IsArray() Check {
	return Check{Want: "an array", test: func(v gjson.Result) (bool, string) { return v.IsArray(), "" }}
}

// EmptyArrayOrNull passes for [] and for null: the two forms of an empty result (S5).
func EmptyArrayOrNull() Check {
	return Check{Want: "[] or null", test: func(v gjson.Result) (bool, string) {
		return v.Exists() && (v.Type == gjson.Null || (v.IsArray() && len(v.Array()) == 0)), ""
	}}
}

// IsObject passes when the value is a JSON object.
func IsObject() Check {
	return Check{Want: "an object", test: func(v gjson.Result) (bool, string) { return v.IsObject(), "" }}
}

// String passes when the value is a JSON string, empty or not.
func String() Check {
	return Check{Want: "a string", test: func(v gjson.Result) (bool, string) { return v.Type == gjson.String, "" }}
}

// StringNonEmpty passes when the value is a JSON string with at least one character.
func StringNonEmpty() Check {
	return Check{Want: "a non-empty string", test: func(v gjson.Result) (bool, string) {
		return v.Type == gjson.String && v.Str != "", ""
	}}
}

// OneOf passes when the value is a JSON string equal to one of values.
func OneOf(values ...string) Check {
	quoted := make([]string, len(values))
	for i, s := range values {
		quoted[i] = strconv.Quote(s)
	}
	want := quoted[0]
	if len(values) > 1 {
		want = "one of " + strings.Join(quoted, ", ")
	}
	return Check{Want: want, test: func(v gjson.Result) (bool, string) {
		if v.Type != gjson.String {
			return false, ""
		}
		for _, s := range values {
			if v.Str == s {
				return true, ""
			}
		}
		return false, ""
	}}
}

// CodeUnder passes when the value is the string code or a sub-code of it ("code.X").
func CodeUnder(code string) Check {
	return Check{Want: fmt.Sprintf("%q or a %q sub-code", code, code+".*"), test: func(v gjson.Result) (bool, string) {
		return v.Type == gjson.String && (v.Str == code || strings.HasPrefix(v.Str, code+".")), ""
	}}
}

// minMillis is 10^11 ms, in March 1973: an epoch timestamp below it is taken for seconds
// (10^11 seconds would be in the year 5138).
const minMillis = 100_000_000_000

// IntegerMillis passes when the value is a JSON integer (no fraction, no exponent) of at
// least 10^11: Unix epoch milliseconds rather than seconds (J4).
func IntegerMillis() Check {
	return Check{Want: "integer epoch milliseconds", test: func(v gjson.Result) (bool, string) {
		switch {
		case v.Type == gjson.String:
			return false, " (a string)"
		case v.Type != gjson.Number:
			return false, ""
		case strings.ContainsAny(v.Raw, ".eE"):
			return false, " (not an integer)"
		}
		n, err := strconv.ParseInt(v.Raw, 10, 64)
		if err != nil {
			return false, " (out of int64 range)"
		}
		if n < minMillis {
			if n > 0 {
				return false, " (seconds?)"
			}
			return false, ""
		}
		return true, ""
	}}
}

var uuidForm = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// UUID passes when the value is a string of the UUID form: 36 characters, 8-4-4-4-12 hex (T9).
func UUID() Check {
	return Check{Want: "a UUID (8-4-4-4-12 hex digits)", test: func(v gjson.Result) (bool, string) {
		return v.Type == gjson.String && uuidForm.MatchString(v.Str), ""
	}}
}

// AnyOf passes when one of checks passes: AnyOf(OneOf("NDJSON", "CSV"), Null()).
func AnyOf(checks ...Check) Check {
	wants := make([]string, len(checks))
	for i, c := range checks {
		wants[i] = c.Want
	}
	want := strings.Join(wants, " or ")
	if len(wants) > 2 {
		want = strings.Join(wants[:len(wants)-1], ", ") + " or " + wants[len(wants)-1]
	}
	return Check{Want: want, test: func(v gjson.Result) (bool, string) {
		hint := ""
		for _, c := range checks {
			ok, h := c.test(v)
			if ok {
				return true, ""
			}
			if hint == "" {
				hint = h
			}
		}
		return false, hint
	}}
}

// maxReported bounds how many violations one step lists; the rest are counted.
const maxReported = 12

// JoinLimited is errors.Join of the first maxReported errors plus a count of the others,
// so a rule broken by each of 3000 jobs stays readable.
func JoinLimited(errs []error) error {
	if len(errs) <= maxReported {
		return errors.Join(errs...)
	}
	out := append([]error{}, errs[:maxReported]...)
	out = append(out, fmt.Errorf("… and %d more violations", len(errs)-maxReported))
	return errors.Join(out...)
}
