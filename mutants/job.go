package mutants

import (
	"encoding/json"
	"fmt"
	"strings"
)

// The Job object (J1-J9): the fields of every job, their names, types and values. Every
// mutant here is a rewriter of the jobs of a success (editJobs): a field renamed,
// dropped, emptied or given another type or value.

// jobMutants are the mutants of the rows J1-J9, in row order.
func jobMutants() []Mutant {
	return []Mutant{
		{Name: "job-id-renamed", Row: "J1", Class: ClassAnswerShape, How: howRewriter, Break: `every job's "Id" is called "JobId"`,
			apply: rewriter(renameField("Id", "JobId"))},
		{Name: "job-id-empty", Row: "J1", Class: ClassAnswerShape, How: howRewriter, Break: `every job's Id is ""`,
			apply: rewriter(editString("Id", emptyString))},
		{Name: "status-lowercase", Row: "J2", Class: ClassAnswerShape, How: howRewriter, Break: "Status is in lower case (completed)",
			apply: rewriter(editString("Status", lower))},
		{Name: "status-dropped", Row: "J2", Class: ClassAnswerShape, How: howRewriter, Break: "jobs have no Status",
			apply: rewriter(dropField("Status"))},
		{Name: "type-out-of-enum", Row: "J3", Class: ClassAnswerShape, How: howRewriter, Break: "Type is IMPORT or EXPORT",
			apply: rewriter(editString("Type", trimUser))},
		{Name: "type-renamed", Row: "J3", Class: ClassAnswerShape, How: howRewriter, Break: `"Type" is called "JobType"`,
			apply: rewriter(renameField("Type", "JobType"))},
		{Name: "createddate-seconds", Row: "J4", Class: ClassAnswerShape, How: howRewriter, Break: "CreatedDate is in seconds, not milliseconds",
			apply: rewriter(CreatedDateSeconds)},
		{Name: "createddate-string", Row: "J4", Class: ClassAnswerShape, How: howRewriter, Break: "CreatedDate is a JSON string of digits",
			apply: rewriter(createdDateString)},
		{Name: "format-lowercase", Row: "J5", Class: ClassAnswerShape, How: howRewriter, Break: "Format is ndjson or csv",
			apply: rewriter(editString("Format", lower))},
		{Name: "format-omitted-when-null", Row: "J5", Class: ClassAnswerShape, How: howRewriter, Break: "a null Format is left out",
			apply: rewriter(dropNullField("Format"))},
		{Name: "location-omitted-when-null", Row: "J6", Class: ClassAnswerShape, How: howRewriter, Break: "a null Location is left out",
			apply: rewriter(dropNullField("Location"))},
		{Name: "location-object", Row: "J6", Class: ClassAnswerShape, How: howRewriter, Break: `Location is an object {"Url": ...}`,
			apply: rewriter(editString("Location", urlObject))},
		{Name: "errordetails-object", Row: "J7", Class: ClassAnswerShape, How: howRewriter, Break: "a non-empty ErrorDetails is its first element, an object",
			apply: rewriter(firstElement("ErrorDetails"))},
		{Name: "errordetails-error-renamed", Row: "J7", Class: ClassAnswerShape, How: howRewriter, Break: `ErrorDetails elements call "Error" "ErrorMessage"`,
			apply: rewriter(renameNested("ErrorDetails", "Error", "ErrorMessage"))},
		{Name: "failedusers-strings", Row: "J8", Class: ClassAnswerShape, How: howRewriter, Break: "FailedUsers elements are their FailedReason, not objects",
			apply: rewriter(nestedField("FailedUsers", "FailedReason"))},
		{Name: "failedusers-reason-renamed", Row: "J8", Class: ClassAnswerShape, How: howRewriter, Break: `FailedUsers elements call "FailedReason" "Reason"`,
			apply: rewriter(renameNested("FailedUsers", "FailedReason", "Reason"))},
		{Name: "job-extra-fields", Row: "J9", Class: ClassEquivalent, How: howRewriter, Break: "every job carries fields the contract does not name",
			Equivalent: "J9: a job may hold fields that the contract does not name",
			apply:      rewriter(ExtraJobFields)},
	}
}

// renameField renames a job field (when present).
func renameField(from, to string) func([]byte) []byte {
	return editJobs(func(job map[string]json.RawMessage) {
		if v, ok := job[from]; ok {
			job[to] = v
			delete(job, from)
		}
	})
}

// dropField removes a job field.
func dropField(name string) func([]byte) []byte {
	return editJobs(func(job map[string]json.RawMessage) { delete(job, name) })
}

// dropNullField removes a job field whose value is null (an "omitempty" encoder).
func dropNullField(name string) func([]byte) []byte {
	return editJobs(func(job map[string]json.RawMessage) {
		if string(job[name]) == "null" {
			delete(job, name)
		}
	})
}

// editString rewrites a job field that is a string.
func editString(name string, f func(string) any) func([]byte) []byte {
	return editJobs(func(job map[string]json.RawMessage) {
		var s string
		if json.Unmarshal(job[name], &s) == nil {
			job[name] = mustMarshal(f(s))
		}
	})
}

// emptyString replaces a string by "".
func emptyString(string) any { return "" }

// lower lower-cases a string.
func lower(s string) any { return strings.ToLower(s) }

// trimUser writes IMPORT_USER as IMPORT and EXPORT_USER as EXPORT.
func trimUser(s string) any { return strings.TrimSuffix(s, "_USER") }

// urlObject wraps a Location string in an object.
func urlObject(s string) any { return map[string]string{"Url": s} }

// CreatedDateSeconds divides every job's integer "CreatedDate" by 1000 (breaks J4:
// the unit is milliseconds).
func CreatedDateSeconds(body []byte) []byte {
	return editJobs(func(job map[string]json.RawMessage) {
		var ms int64
		if err := json.Unmarshal(job["CreatedDate"], &ms); err == nil {
			job["CreatedDate"] = json.RawMessage(fmt.Sprint(ms / 1000))
		}
	})(body)
}

// createdDateString writes CreatedDate as a JSON string of its digits (breaks J4).
func createdDateString(body []byte) []byte {
	return editJobs(func(job map[string]json.RawMessage) {
		if v, ok := job["CreatedDate"]; ok && len(v) > 0 && v[0] != '"' {
			job["CreatedDate"] = mustMarshal(string(v))
		}
	})(body)
}

// editNested rewrites every element of a job's array field (ErrorDetails, FailedUsers).
func editNested(name string, f func(el map[string]json.RawMessage) any) func([]byte) []byte {
	return editJobs(func(job map[string]json.RawMessage) {
		var els []map[string]json.RawMessage
		if json.Unmarshal(job[name], &els) != nil || len(els) == 0 {
			return
		}
		out := make([]any, len(els))
		for i, el := range els {
			out[i] = f(el)
		}
		job[name] = mustMarshal(out)
	})
}

// renameNested renames a field inside every element of a job's array field.
func renameNested(name, from, to string) func([]byte) []byte {
	return editNested(name, func(el map[string]json.RawMessage) any {
		if v, ok := el[from]; ok {
			el[to] = v
			delete(el, from)
		}
		return el
	})
}

// nestedField replaces every element of a job's array field by one of its fields.
func nestedField(name, field string) func([]byte) []byte {
	return editNested(name, func(el map[string]json.RawMessage) any { return el[field] })
}

// firstElement replaces a non-empty array field by its first element (an object).
func firstElement(name string) func([]byte) []byte {
	return editJobs(func(job map[string]json.RawMessage) {
		var els []json.RawMessage
		if json.Unmarshal(job[name], &els) == nil && len(els) > 0 {
			job[name] = els[0]
		}
	})
}

// ExtraJobFields adds fields the contract does not name to every job (equivalent: J9).
func ExtraJobFields(body []byte) []byte {
	return editJobs(func(job map[string]json.RawMessage) {
		job["Progress"] = json.RawMessage("100")
		job["Tags"] = json.RawMessage(`{"source":"mutant","nested":[1,null,"x"]}`)
	})(body)
}
