package mutants

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Response rewriters: pure functions of a response body, applied to every answer of
// the emulator by a middleware (rewriter, rewriteBodies).
// Each leaves a body it cannot read, or one it does not concern, unchanged.

var errUnchanged = errors.New("unchanged")

// rewriteResponse applies edit to the object under "Response" and re-encodes the
// body; a body it cannot read, or an edit that fails, is returned unchanged.
func rewriteResponse(body []byte, edit func(resp map[string]json.RawMessage) error) []byte {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(body, &top); err != nil {
		return body
	}
	var resp map[string]json.RawMessage
	if err := json.Unmarshal(top["Response"], &resp); err != nil || resp == nil {
		return body
	}
	if err := edit(resp); err != nil {
		return body
	}
	r, err := marshal(resp)
	if err != nil {
		return body
	}
	top["Response"] = r
	out, err := marshal(top)
	if err != nil {
		return body
	}
	return out
}

// rewriteTop applies edit to the whole top-level object.
func rewriteTop(body []byte, edit func(top map[string]json.RawMessage) error) []byte {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(body, &top); err != nil || top == nil {
		return body
	}
	if err := edit(top); err != nil {
		return body
	}
	out, err := marshal(top)
	if err != nil {
		return body
	}
	return out
}

// marshal encodes without HTML escaping, as the emulator does.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

func mustMarshal(v any) json.RawMessage {
	b, err := marshal(v)
	if err != nil {
		panic(err) // only called on values that always encode
	}
	return b
}

// jobsOf decodes a JobSet that is a non-empty array of objects.
func jobsOf(resp map[string]json.RawMessage) ([]map[string]json.RawMessage, bool) {
	var jobs []map[string]json.RawMessage
	if err := json.Unmarshal(resp["JobSet"], &jobs); err != nil || len(jobs) == 0 {
		return nil, false
	}
	return jobs, true
}

// editJobs applies edit to every job of a non-empty JobSet.
func editJobs(edit func(job map[string]json.RawMessage)) func([]byte) []byte {
	return func(body []byte) []byte {
		return rewriteResponse(body, func(resp map[string]json.RawMessage) error {
			jobs, ok := jobsOf(resp)
			if !ok {
				return errUnchanged
			}
			for _, job := range jobs {
				edit(job)
			}
			resp["JobSet"] = mustMarshal(jobs)
			return nil
		})
	}
}

// ---- envelope (T rows) ----

// DropRequestID removes "RequestId" from a response body (breaks T8).
func DropRequestID(body []byte) []byte {
	return rewriteResponse(body, func(resp map[string]json.RawMessage) error {
		delete(resp, "RequestId")
		return nil
	})
}

// NumericRequestID turns the RequestId into a JSON number, still different for every
// response: its first 12 hexadecimal digits (breaks T8: a string).
func NumericRequestID(body []byte) []byte {
	return rewriteResponse(body, func(resp map[string]json.RawMessage) error {
		var id string
		if json.Unmarshal(resp["RequestId"], &id) != nil {
			return errUnchanged
		}
		hex := strings.ReplaceAll(id, "-", "")
		if len(hex) > 12 {
			hex = hex[:12]
		}
		n, err := strconv.ParseUint(hex, 16, 64)
		if err != nil {
			return errUnchanged
		}
		resp["RequestId"] = json.RawMessage(strconv.FormatUint(n+1, 10))
		return nil
	})
}

// RequestIDWithoutHyphens writes the RequestId as 32 hexadecimal digits: non-empty and
// new for every response, but not in UUID form (breaks T9 only).
func RequestIDWithoutHyphens(body []byte) []byte {
	return editRequestID(body, func(id string) string { return strings.ReplaceAll(id, "-", "") })
}

// RequestIDUpperCase writes the RequestId in capital hexadecimal digits: still a UUID
// (equivalent: T9 asks for hexadecimal groups, not for a case).
func RequestIDUpperCase(body []byte) []byte {
	return editRequestID(body, strings.ToUpper)
}

func editRequestID(body []byte, f func(string) string) []byte {
	return rewriteResponse(body, func(resp map[string]json.RawMessage) error {
		var id string
		if json.Unmarshal(resp["RequestId"], &id) != nil {
			return errUnchanged
		}
		resp["RequestId"] = mustMarshal(f(id))
		return nil
	})
}

// ErrorOutsideResponse moves "Error" from inside "Response" to the top level of the body
// (breaks T7).
func ErrorOutsideResponse(body []byte) []byte {
	return rewriteTop(body, func(top map[string]json.RawMessage) error {
		var resp map[string]json.RawMessage
		if json.Unmarshal(top["Response"], &resp) != nil || resp["Error"] == nil {
			return errUnchanged
		}
		top["Error"] = resp["Error"]
		delete(resp, "Error")
		top["Response"] = mustMarshal(resp)
		return nil
	})
}

// editError applies edit to the Error object of an error response.
func editError(body []byte, edit func(e map[string]json.RawMessage) error) []byte {
	return rewriteResponse(body, func(resp map[string]json.RawMessage) error {
		var e map[string]json.RawMessage
		if json.Unmarshal(resp["Error"], &e) != nil || e == nil {
			return errUnchanged
		}
		if err := edit(e); err != nil {
			return err
		}
		resp["Error"] = mustMarshal(e)
		return nil
	})
}

// EmptyMessage empties every Error.Message (breaks T7).
func EmptyMessage(body []byte) []byte {
	return editError(body, func(e map[string]json.RawMessage) error {
		e["Message"] = json.RawMessage(`""`)
		return nil
	})
}

// RewordedMessage replaces every Error.Message by other, non-empty wording (equivalent:
// T7 never compares the wording).
func RewordedMessage(body []byte) []byte {
	return editError(body, func(e map[string]json.RawMessage) error {
		e["Message"] = mustMarshal("请求失败 (the request failed); 다시 시도하십시오.")
		return nil
	})
}

// recode returns a rewriter that changes the error code from to the code to.
func recode(from, to string) func([]byte) []byte {
	return func(body []byte) []byte {
		return editError(body, func(e map[string]json.RawMessage) error {
			var code string
			if json.Unmarshal(e["Code"], &code) != nil || code != from {
				return errUnchanged
			}
			e["Code"] = mustMarshal(to)
			return nil
		})
	}
}

// RenameJobSet calls the job list "Jobs" instead of "JobSet" (breaks T6).
func RenameJobSet(body []byte) []byte {
	return rewriteResponse(body, func(resp map[string]json.RawMessage) error {
		set, ok := resp["JobSet"]
		if !ok {
			return errUnchanged
		}
		resp["Jobs"] = set
		delete(resp, "JobSet")
		return nil
	})
}

// DuplicateJobSet gives every success with jobs a second, empty "JobSet" member after
// its "RequestId" (breaks T6: one body, read two ways: a reader that keeps the first of
// duplicate names, as gjson does, sees the jobs; one that keeps the last, as
// encoding/json and the SDKs do, sees none).
func DuplicateJobSet(body []byte) []byte {
	if !bytes.Contains(body, []byte(`"JobSet":[{`)) {
		return body
	}
	i := bytes.LastIndex(body, []byte(`"RequestId":`))
	if i < 0 {
		return body
	}
	j := bytes.IndexByte(body[i+len(`"RequestId":`):], '"')
	if j < 0 {
		return body
	}
	start := i + len(`"RequestId":`) + j
	end := bytes.IndexByte(body[start+1:], '"')
	if end < 0 {
		return body
	}
	cut := start + 1 + end + 1
	out := append(append(append([]byte{}, body[:cut]...), `,"JobSet":[]`...), body[cut:]...)
	return out
}

// ByteOrderMark starts every body with a UTF-8 byte-order mark (breaks T6: RFC 8259
// forbids one in JSON sent over a network).
func ByteOrderMark(body []byte) []byte {
	return append([]byte("\xef\xbb\xbf"), body...)
}

// ---- semantics (S rows) ----

// NullJobSet turns a non-empty "JobSet" array into null (breaks S5: an empty result
// may be null, a result with jobs may not).
func NullJobSet(body []byte) []byte {
	return rewriteResponse(body, func(resp map[string]json.RawMessage) error {
		var jobs []json.RawMessage
		if err := json.Unmarshal(resp["JobSet"], &jobs); err != nil || len(jobs) == 0 {
			return errUnchanged
		}
		resp["JobSet"] = json.RawMessage("null")
		return nil
	})
}

// JobSetObject turns a non-empty JobSet into an object keyed by job Id (breaks S5: a
// result with jobs is an array).
func JobSetObject(body []byte) []byte {
	return rewriteResponse(body, func(resp map[string]json.RawMessage) error {
		jobs, ok := jobsOf(resp)
		if !ok {
			return errUnchanged
		}
		obj := make(map[string]map[string]json.RawMessage, len(jobs))
		for i, job := range jobs {
			var id string
			if json.Unmarshal(job["Id"], &id) != nil {
				id = strconv.Itoa(i)
			}
			obj[id] = job
		}
		resp["JobSet"] = mustMarshal(obj)
		return nil
	})
}

// DropEmptyJobSet leaves "JobSet" out of a success without jobs (breaks S5, which allows
// [] or null for an empty result, and T6, which wants the field).
func DropEmptyJobSet(body []byte) []byte {
	return rewriteResponse(body, func(resp map[string]json.RawMessage) error {
		set, ok := resp["JobSet"]
		if !ok || resp["Error"] != nil {
			return errUnchanged
		}
		var jobs []json.RawMessage
		if json.Unmarshal(set, &jobs) != nil || len(jobs) > 0 {
			return errUnchanged
		}
		delete(resp, "JobSet")
		return nil
	})
}

// truncateJobSet keeps only the first n jobs of a longer JobSet (silent paging).
func truncateJobSet(n int) func([]byte) []byte {
	return func(body []byte) []byte {
		return rewriteResponse(body, func(resp map[string]json.RawMessage) error {
			var jobs []json.RawMessage
			if json.Unmarshal(resp["JobSet"], &jobs) != nil || len(jobs) <= n {
				return errUnchanged
			}
			resp["JobSet"] = mustMarshal(jobs[:n])
			return nil
		})
	}
}

// SortJobSet lists the jobs by Id (equivalent: S4, any order conforms).
func SortJobSet(body []byte) []byte {
	return rewriteResponse(body, func(resp map[string]json.RawMessage) error {
		jobs, ok := jobsOf(resp)
		if !ok {
			return errUnchanged
		}
		sort.SliceStable(jobs, func(i, j int) bool { return string(jobs[i]["Id"]) < string(jobs[j]["Id"]) })
		resp["JobSet"] = mustMarshal(jobs)
		return nil
	})
}

// ---- the Job object (J rows) ----

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
