package schemas_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tidwall/gjson"

	listjobs "github.com/ciam-harness/listjobs"
	"github.com/ciam-harness/listjobs/fixture"
	"github.com/ciam-harness/listjobs/schemas"
)

// valueCases are job-like documents that conform or break job.json in every way the
// decoding could matter: escapes, invalid UTF-8, surrogates, repeated keys, numbers
// written in other forms, nesting, and values that are not objects.
var valueCases = []string{
	`{"Id":"a","Status":"PENDING","Type":"IMPORT_USER","CreatedDate":1715156770024,"Format":null,"Location":null}`,
	`{"Id":"","Status":"pending","Type":"IMPORT","CreatedDate":1715156770,"Format":"XML","Location":1}`,
	`{"Id":"\u0041","Status":"PEND\u0049NG","Type":"IMPORT_USER","CreatedDate":1.715156770024e12,"Format":"CSV","Location":"x"}`,
	`{"Id":"a","Status":"PENDING","Type":"IMPORT_USER","CreatedDate":1715156770024.0,"Format":"NDJSON","Location":"\ud83d\ude00"}`,
	`{"Id":"\ud800","Status":"PENDING","Type":"EXPORT_USER","CreatedDate":"1715156770024","Format":"CSV","Location":"\udc00x"}`,
	"{\"Id\":\"\xff\xfe\",\"Status\":\"PENDING\xff\",\"Type\":\"IMPORT_USER\",\"CreatedDate\":1715156770024,\"Format\":\"CSV\",\"Location\":\"\xed\xa0\x80\"}",
	`{"Id":"a","Id":"","Status":"FAILED","Status":"NOPE","Type":"IMPORT_USER","CreatedDate":1715156770024,"Format":"CSV","Location":null}`,
	`{"\u0049d":"a","Status":"FAILED","Type":"IMPORT_USER","CreatedDate":-0,"Format":"CSV","Location":null}`,
	`{"Id":"a","Status":"FAILED","Type":"IMPORT_USER","CreatedDate":1E400,"Format":"CSV","Location":null,
	  "ErrorDetails":[{"UserId":null,"Error":"x"},{"UserId":1},[],"s",null],"FailedUsers":{"FailedReason":"r"}}`,
	`{"Id":"a","Status":"COMPLETED","Type":"EXPORT_USER","CreatedDate":123456789012345678901234567890,"Format":null,"Location":"",
	  "ErrorDetails":[],"FailedUsers":[{"FailedUserIdentification":null,"FailedReason":null,"Extra":{"deep":[1,2,{"x":true}]}}],"More":false}`,
	`{"Id":"tab\there \"quoted\" back\\slash \/ \b\f\n\r","Status":"PROCESSING","Type":"IMPORT_USER","CreatedDate":100000000000,"Format":"NDJSON","Location":null}`,
	`{"Id":"a","Status":"PENDING","Type":"IMPORT_USER","CreatedDate":10000000000,"Format":null,"Location":null}`,
	`{}`, `[]`, `[{"Id":"a"}]`, `"PENDING"`, `12`, `null`, `true`, `false`,
}

// ValidateValue gives what Validate gives, for every schema, on the cases above, on
// the jobs of the default fixture and on generated ones.
func TestValidateValueIsValidate(t *testing.T) {
	set := compile(t)
	fx, err := fixture.Read(bytes.NewReader(listjobs.DefaultFixture))
	require.NoError(t, err)
	docs := append([]string{}, valueCases...)
	for _, s := range fx.UserStores {
		for _, j := range s.Jobs[:min(len(s.Jobs), 200)] {
			docs = append(docs, string(j.Raw))
		}
	}
	docs = append(docs, docExample, docError)
	names := []string{schemas.Job, schemas.SuccessResponse, schemas.ErrorResponse, schemas.ErrorDetails, schemas.FailedUsers, schemas.Request}
	broken := 0
	for i, doc := range docs {
		require.True(t, gjson.Valid(doc), "case %d is not JSON: %s", i, doc)
		for _, name := range names {
			want, err := set.Validate(name, []byte(doc))
			require.NoError(t, err)
			got, err := set.ValidateValue(name, gjson.Parse(doc))
			require.NoError(t, err)
			assert.Equal(t, want, got, "case %d against %s: %s", i, name, doc)
			if name == schemas.Job && len(want) > 0 {
				broken++
			}
		}
	}
	assert.Greater(t, broken, 8, "the cases must break job.json in many ways, or the comparison proves little")
}

// A value nested in a larger document is validated on its own.
func TestValidateValueOfANestedJob(t *testing.T) {
	set := compile(t)
	root := gjson.Parse(docExample)
	job := root.Get("Response.JobSet.0")
	vs, err := set.ValidateValue(schemas.Job, job)
	require.NoError(t, err)
	assert.Empty(t, vs)
	bad := gjson.Parse(`{"JobSet":[{"Id":"x","Status":"DONE"}]}`).Get("JobSet.0")
	vs, err = set.ValidateValue(schemas.Job, bad)
	require.NoError(t, err)
	var fields []string
	for _, v := range vs {
		fields = append(fields, fmt.Sprintf("%s/%s", v.Field, v.Type))
	}
	assert.Contains(t, fields, "Status/enum")
	assert.Contains(t, fields, "(root)/required")
}

func TestValidateValueRefusals(t *testing.T) {
	set := compile(t)
	_, err := set.ValidateValue("nope.json", gjson.Parse(`{}`))
	assert.ErrorContains(t, err, `no schema "nope.json"`)
	_, err = set.ValidateValue(schemas.Job, gjson.Parse(`{}`).Get("missing"))
	assert.ErrorContains(t, err, "document is not JSON")
}
