package schemas_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	listjobs "github.com/ciam-harness/listjobs"
	"github.com/ciam-harness/listjobs/fixture"
	"github.com/ciam-harness/listjobs/schemas"
)

// docExample is the output of the official ListJobs example (api3-ciam-listjobs.md §5.3).
const docExample = `{"Response": {"JobSet": [{"Id": "c29f2c0f****************405ec698", "Status": "PENDING", "Type": "IMPORT_USER",
   "CreatedDate": 1715156770024, "Format": "NDJSON", "Location": "http://aa.com/bb.csv",
   "ErrorDetails": [{"UserId": "53e25c3****************e4eb5bd1", "Error": "error message"}],
   "FailedUsers": [{"FailedUserIdentification": "53e25c3****************e4eb5bd1", "FailedReason": "error reason"}]}],
  "RequestId": "e2e9e8aa********************9ab34c6e"}}`

// docError is the error example of the API 3.0 responses page (§3).
const docError = `{"Response": {"Error": {"Code": "AuthFailure.SignatureFailure",
  "Message": "The provided credentials could not be validated. Please check your signature is correct."},
  "RequestId": "ed93f3cb-f35e-473f-b9f3-0d451b8b79c6"}}`

func compile(t *testing.T) *schemas.Set {
	t.Helper()
	set, err := schemas.Compile()
	require.NoError(t, err)
	return set
}

// mutate decodes doc, applies f to the decoded value and encodes it again.
func mutate(t *testing.T, doc string, f func(v map[string]any)) []byte {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(doc))
	dec.UseNumber()
	var v map[string]any
	require.NoError(t, dec.Decode(&v))
	f(v)
	out, err := json.Marshal(v)
	require.NoError(t, err)
	return out
}

func response(v map[string]any) map[string]any { return v["Response"].(map[string]any) }
func firstJob(v map[string]any) map[string]any {
	return response(v)["JobSet"].([]any)[0].(map[string]any)
}

func fields(vs []schemas.Violation) []string {
	var out []string
	for _, v := range vs {
		out = append(out, v.Field+" "+v.Type)
	}
	return out
}

func TestExamplesAreValid(t *testing.T) {
	set := compile(t)
	for name, doc := range map[string]string{
		schemas.SuccessResponse: docExample,
		schemas.ErrorResponse:   docError,
		schemas.Request:         `{"UserStoreId": "2c3aca3b****************a7efe88e", "JobIds": ["c29f2c0f****************405ec698"]}`,
	} {
		vs, err := set.Validate(name, []byte(doc))
		require.NoError(t, err)
		assert.Empty(t, vs, name)
	}
	for _, doc := range []string{`{"Response":{"JobSet":[],"RequestId":"x"}}`, `{"Response":{"JobSet":null,"RequestId":"x"}}`} {
		vs, err := set.Validate(schemas.SuccessResponse, []byte(doc))
		require.NoError(t, err)
		assert.Empty(t, vs, "S5: %s", doc)
	}
}

func TestFixtureJobsAreValid(t *testing.T) {
	set := compile(t)
	fx, err := fixture.Read(bytes.NewReader(listjobs.DefaultFixture))
	require.NoError(t, err)
	n := 0
	for _, s := range fx.UserStores {
		for _, j := range s.Jobs {
			vs, err := set.Validate(schemas.Job, j.Raw)
			require.NoError(t, err)
			require.Empty(t, vs, "%s/%s: %s", s.ID, j.ID, j.Raw)
			n++
		}
	}
	assert.Greater(t, n, 3000, "the default fixture's jobs were all checked")
}

func TestJobAllowsExtraFields(t *testing.T) {
	set := compile(t)
	doc := mutate(t, docExample, func(v map[string]any) { firstJob(v)["NewField"] = map[string]any{"x": 1} })
	vs, err := set.Validate(schemas.SuccessResponse, doc)
	require.NoError(t, err)
	assert.Empty(t, vs, "J9")
}

func TestNullableAndAbsentFields(t *testing.T) {
	set := compile(t)
	for name, f := range map[string]func(j map[string]any){
		"Format null":                     func(j map[string]any) { j["Format"] = nil },
		"Location null":                   func(j map[string]any) { j["Location"] = nil },
		"ErrorDetails null":               func(j map[string]any) { j["ErrorDetails"] = nil },
		"ErrorDetails absent":             func(j map[string]any) { delete(j, "ErrorDetails") },
		"ErrorDetails empty":              func(j map[string]any) { j["ErrorDetails"] = []any{} },
		"FailedUsers null":                func(j map[string]any) { j["FailedUsers"] = nil },
		"FailedUsers absent":              func(j map[string]any) { delete(j, "FailedUsers") },
		"ErrorDetails.UserId null":        func(j map[string]any) { j["ErrorDetails"].([]any)[0].(map[string]any)["UserId"] = nil },
		"FailedUserIdentification null":   func(j map[string]any) { j["FailedUsers"].([]any)[0].(map[string]any)["FailedUserIdentification"] = nil },
		"FailedReason null":               func(j map[string]any) { j["FailedUsers"].([]any)[0].(map[string]any)["FailedReason"] = nil },
		"Status FAILED, Type EXPORT_USER": func(j map[string]any) { j["Status"], j["Type"] = "FAILED", "EXPORT_USER" },
	} {
		doc := mutate(t, docExample, func(v map[string]any) { f(firstJob(v)) })
		vs, err := set.Validate(schemas.SuccessResponse, doc)
		require.NoError(t, err)
		assert.Empty(t, vs, name)
	}
}

// Each mutation breaks one rule; the schema must name the field it broke.
func TestMutationsAreRejected(t *testing.T) {
	set := compile(t)
	job := func(f func(j map[string]any)) func(v map[string]any) {
		return func(v map[string]any) { f(firstJob(v)) }
	}
	cases := []struct {
		name      string
		schema    string
		base      string
		mutate    func(v map[string]any)
		wantField string
	}{
		{"J1 missing Id", schemas.SuccessResponse, docExample, job(func(j map[string]any) { delete(j, "Id") }), "Response.JobSet.0"},
		{"J1 empty Id", schemas.SuccessResponse, docExample, job(func(j map[string]any) { j["Id"] = "" }), "Response.JobSet.0.Id"},
		{"J1 null Id", schemas.SuccessResponse, docExample, job(func(j map[string]any) { j["Id"] = nil }), "Response.JobSet.0.Id"},
		{"J2 Status out of enum", schemas.SuccessResponse, docExample, job(func(j map[string]any) { j["Status"] = "RUNNING" }), "Response.JobSet.0.Status"},
		{"J2 Status lower case", schemas.SuccessResponse, docExample, job(func(j map[string]any) { j["Status"] = "pending" }), "Response.JobSet.0.Status"},
		{"J2 missing Status", schemas.SuccessResponse, docExample, job(func(j map[string]any) { delete(j, "Status") }), "Response.JobSet.0"},
		{"J3 Type out of enum", schemas.SuccessResponse, docExample, job(func(j map[string]any) { j["Type"] = "DELETE_USER" }), "Response.JobSet.0.Type"},
		{"J4 CreatedDate 1.5", schemas.SuccessResponse, docExample, job(func(j map[string]any) { j["CreatedDate"] = json.Number("1715156770024.5") }), "Response.JobSet.0.CreatedDate"},
		{"J4 CreatedDate string", schemas.SuccessResponse, docExample, job(func(j map[string]any) { j["CreatedDate"] = "1715156770024" }), "Response.JobSet.0.CreatedDate"},
		{"J4 CreatedDate seconds", schemas.SuccessResponse, docExample, job(func(j map[string]any) { j["CreatedDate"] = json.Number("1715156770") }), "Response.JobSet.0.CreatedDate"},
		{"J4 CreatedDate null", schemas.SuccessResponse, docExample, job(func(j map[string]any) { j["CreatedDate"] = nil }), "Response.JobSet.0.CreatedDate"},
		{"J5 Format XML", schemas.SuccessResponse, docExample, job(func(j map[string]any) { j["Format"] = "XML" }), "Response.JobSet.0.Format"},
		{"J5 Format absent", schemas.SuccessResponse, docExample, job(func(j map[string]any) { delete(j, "Format") }), "Response.JobSet.0"},
		{"J6 Location 5", schemas.SuccessResponse, docExample, job(func(j map[string]any) { j["Location"] = 5 }), "Response.JobSet.0.Location"},
		{"J6 Location absent", schemas.SuccessResponse, docExample, job(func(j map[string]any) { delete(j, "Location") }), "Response.JobSet.0"},
		{"J7 ErrorDetails object", schemas.SuccessResponse, docExample, job(func(j map[string]any) { j["ErrorDetails"] = map[string]any{} }), "Response.JobSet.0.ErrorDetails"},
		{"J7 element missing Error", schemas.SuccessResponse, docExample, job(func(j map[string]any) { delete(j["ErrorDetails"].([]any)[0].(map[string]any), "Error") }), "Response.JobSet.0.ErrorDetails.0"},
		{"J7 element Error null", schemas.SuccessResponse, docExample, job(func(j map[string]any) { j["ErrorDetails"].([]any)[0].(map[string]any)["Error"] = nil }), "Response.JobSet.0.ErrorDetails.0.Error"},
		{"J7 element UserId number", schemas.SuccessResponse, docExample, job(func(j map[string]any) { j["ErrorDetails"].([]any)[0].(map[string]any)["UserId"] = 7 }), "Response.JobSet.0.ErrorDetails.0.UserId"},
		{"J8 FailedUsers string", schemas.SuccessResponse, docExample, job(func(j map[string]any) { j["FailedUsers"] = "none" }), "Response.JobSet.0.FailedUsers"},
		{"J8 element missing FailedReason", schemas.SuccessResponse, docExample, job(func(j map[string]any) { delete(j["FailedUsers"].([]any)[0].(map[string]any), "FailedReason") }), "Response.JobSet.0.FailedUsers.0"},
		{"T6 Error inside a success", schemas.SuccessResponse, docExample, func(v map[string]any) {
			response(v)["Error"] = map[string]any{"Code": "InternalError", "Message": "x"}
		}, "Response"},
		{"T6 JobSet missing", schemas.SuccessResponse, docExample, func(v map[string]any) { delete(response(v), "JobSet") }, "Response"},
		{"T6 JobSet object", schemas.SuccessResponse, docExample, func(v map[string]any) { response(v)["JobSet"] = map[string]any{} }, "Response.JobSet"},
		{"T6 Response missing", schemas.SuccessResponse, docExample, func(v map[string]any) { v["Data"] = v["Response"]; delete(v, "Response") }, "(root)"},
		{"T8 RequestId missing", schemas.SuccessResponse, docExample, func(v map[string]any) { delete(response(v), "RequestId") }, "Response"},
		{"T8 RequestId number", schemas.SuccessResponse, docExample, func(v map[string]any) { response(v)["RequestId"] = 12 }, "Response.RequestId"},
		{"T8 RequestId empty", schemas.SuccessResponse, docExample, func(v map[string]any) { response(v)["RequestId"] = "" }, "Response.RequestId"},
		{"T7 Error missing", schemas.ErrorResponse, docError, func(v map[string]any) { delete(response(v), "Error") }, "Response"},
		{"T7 Code missing", schemas.ErrorResponse, docError, func(v map[string]any) { delete(response(v)["Error"].(map[string]any), "Code") }, "Response.Error"},
		{"T7 Message empty", schemas.ErrorResponse, docError, func(v map[string]any) { response(v)["Error"].(map[string]any)["Message"] = "" }, "Response.Error.Message"},
		{"T7 Code number", schemas.ErrorResponse, docError, func(v map[string]any) { response(v)["Error"].(map[string]any)["Code"] = 500 }, "Response.Error.Code"},
		{"T8 error RequestId missing", schemas.ErrorResponse, docError, func(v map[string]any) { delete(response(v), "RequestId") }, "Response"},
		{"T8 error RequestId number", schemas.ErrorResponse, docError, func(v map[string]any) { response(v)["RequestId"] = 1 }, "Response.RequestId"},
		{"request unknown key", schemas.Request, `{"UserStoreId":"u"}`, func(v map[string]any) { v["Foo"] = 1 }, "(root)"},
		{"request UserStoreId number", schemas.Request, `{"UserStoreId":"u"}`, func(v map[string]any) { v["UserStoreId"] = 123 }, "UserStoreId"},
		{"request JobIds [1]", schemas.Request, `{"UserStoreId":"u"}`, func(v map[string]any) { v["JobIds"] = []any{1} }, "JobIds.0"},
		{"request UserStoreId missing", schemas.Request, `{"UserStoreId":"u"}`, func(v map[string]any) { delete(v, "UserStoreId") }, "(root)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc := mutate(t, c.base, c.mutate)
			vs, err := set.Validate(c.schema, doc)
			require.NoError(t, err)
			require.NotEmpty(t, vs, "%s accepted %s", c.schema, doc)
			assert.Contains(t, fields(vs), firstFieldType(vs, c.wantField), "%v", vs)
			found := false
			for _, v := range vs {
				found = found || v.Field == c.wantField
			}
			assert.True(t, found, "want a violation at %s; got %v", c.wantField, vs)
		})
	}
}

func firstFieldType(vs []schemas.Violation, field string) string {
	for _, v := range vs {
		if v.Field == field {
			return v.Field + " " + v.Type
		}
	}
	return field + " (none)"
}

func TestJobSchemaDirectly(t *testing.T) {
	set := compile(t)
	vs, err := set.Validate(schemas.Job, []byte(`{"Id":"a","Status":"PENDING","Type":"IMPORT_USER","CreatedDate":1715156770024,"Format":null,"Location":null}`))
	require.NoError(t, err)
	assert.Empty(t, vs)
	vs, err = set.Validate(schemas.ErrorDetails, []byte(`{"UserId":"u"}`))
	require.NoError(t, err)
	assert.NotEmpty(t, vs)
	vs, err = set.Validate(schemas.FailedUsers, []byte(`{"FailedUserIdentification":null,"FailedReason":null}`))
	require.NoError(t, err)
	assert.Empty(t, vs)
}

func TestViolationsAreSorted(t *testing.T) {
	set := compile(t)
	doc := []byte(`{"Response":{"JobSet":[{"Id":"","Status":"X","Type":"Y","CreatedDate":"1","Format":"XML","Location":5}],"RequestId":3}}`)
	for range 5 {
		vs, err := set.Validate(schemas.SuccessResponse, doc)
		require.NoError(t, err)
		require.GreaterOrEqual(t, len(vs), 6)
		for i := 1; i < len(vs); i++ {
			a, b := vs[i-1], vs[i]
			assert.True(t, a.Field < b.Field || (a.Field == b.Field && a.Type <= b.Type), "%v before %v", a, b)
		}
	}
}

func TestBadInput(t *testing.T) {
	set := compile(t)
	_, err := set.Validate(schemas.Job, []byte(`{"Id":`))
	assert.Error(t, err)
	_, err = set.Validate("nope.json", []byte(`{}`))
	assert.Error(t, err)
}
