package mutants

import (
	"crypto/rand"
	"encoding/json"
	"fmt"

	"github.com/ciam-harness/listjobs/vocab"
)

// The emulator's answers, read (decodeResponse, the jobs of a listing, its Error) and
// written (errorBody, successBody) as the emulator writes them, with the error codes of
// the contract.

// The error codes the mutants answer with (the contract's), the service of a TC3
// credential scope, and the emulator's message for a signature that does not verify.
const (
	codeSignatureFailure     = "AuthFailure.SignatureFailure"
	codeSignatureExpire      = "AuthFailure.SignatureExpire"
	codeInvalidAuthorization = "AuthFailure.InvalidAuthorization"
	codeInvalidUserStore     = "FailedOperation.InvalidUserStore"
	codeMissingParameter     = "MissingParameter"
	codeInvalidParameter     = "InvalidParameter"
	service                  = vocab.Service
	msgSignatureFailure      = "The provided credentials could not be validated. Please check your signature is correct."
)

// newRequestID is a fresh UUID v4, as the emulator makes them (T8, T9).
func newRequestID() string {
	var u [16]byte
	_, _ = rand.Read(u[:]) // crypto/rand.Read never fails (Go 1.24+)
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:])
}

// errorBody is a well-formed error answer (T7) with a RequestId (T8, T9).
func errorBody(code, message, requestID string) []byte {
	if requestID == "" {
		requestID = newRequestID()
	}
	return mustMarshal(map[string]any{"Response": map[string]any{
		"Error": map[string]string{"Code": code, "Message": message}, "RequestId": requestID}})
}

// successBody is a success answer with the jobs given.
func successBody(jobs []json.RawMessage, requestID string) []byte {
	if jobs == nil {
		jobs = []json.RawMessage{}
	}
	return mustMarshal(map[string]any{"Response": map[string]any{"JobSet": jobs, "RequestId": requestID}})
}

// response is an emulator answer, decoded.
type response struct {
	requestID string
	code      string            // the error code; "" for a success
	jobs      []json.RawMessage // a success's jobs
}

func decodeResponse(body []byte) (response, bool) {
	var env struct {
		Response struct {
			Error     *struct{ Code string }
			JobSet    []json.RawMessage
			RequestId string
		}
	}
	if json.Unmarshal(body, &env) != nil {
		return response{}, false
	}
	r := response{requestID: env.Response.RequestId, jobs: env.Response.JobSet}
	if env.Response.Error != nil {
		r.code = env.Response.Error.Code
	}
	return r, true
}

// jobID is the Id of a job object.
func jobID(raw json.RawMessage) string {
	var j struct{ Id string }
	_ = json.Unmarshal(raw, &j)
	return j.Id
}

func idsOf(jobs []json.RawMessage) map[string]bool {
	out := make(map[string]bool, len(jobs))
	for _, j := range jobs {
		out[jobID(j)] = true
	}
	return out
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
