package schemas_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/tidwall/gjson"

	"github.com/ciam-harness/listjobs/fixture"
	"github.com/ciam-harness/listjobs/schemas"
)

// successBody is a success response of n generated jobs.
func successBody(n int) []byte {
	jobs := fixture.GenerateJobs("us-bench", fixture.Generate{Count: n, Seed: 6})
	var b bytes.Buffer
	b.WriteString(`{"Response":{"JobSet":[`)
	for i, j := range jobs {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(j.Raw)
	}
	b.WriteString(`],"RequestId":"6f1d2a0c-9a43-4c9e-8d1e-3b2a1c0d9e8f"}}`)
	return b.Bytes()
}

// BenchmarkValidateResponse validates a whole success response of n jobs against
// success-response.json in one gojsonschema call, jobs included: the cost the steps
// avoid by validating the envelope with its JobSet emptied, and each job on its own
// (see BenchmarkValidateJob and steps' BenchmarkValidateAndCheck).
func BenchmarkValidateResponse(b *testing.B) {
	set, err := schemas.Compile()
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range []int{1, 1_000, 10_000, 100_000} {
		b.Run(fmt.Sprintf("jobs=%d", n), func(b *testing.B) {
			body := successBody(n)
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				vs, err := set.Validate(schemas.SuccessResponse, body)
				if err != nil || len(vs) > 0 {
					b.Fatalf("%v %v", err, vs)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/job")
		})
	}
}

// BenchmarkValidateJob validates one job against job.json from its bytes (Validate)
// and from the gjson value found in the response (ValidateValue, what the J9 step does).
func BenchmarkValidateJob(b *testing.B) {
	set, err := schemas.Compile()
	if err != nil {
		b.Fatal(err)
	}
	body := successBody(64)
	jobs := gjson.GetBytes(body, "Response.JobSet").Array()
	b.Run("bytes", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if _, err := set.Validate(schemas.Job, []byte(jobs[i%len(jobs)].Raw)); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("value", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if _, err := set.ValidateValue(schemas.Job, jobs[i%len(jobs)]); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}
