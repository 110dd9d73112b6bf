package signing_test

import (
	"net/http"
	"testing"

	"github.com/ciam-harness/listjobs/signing"
)

// BenchmarkSign signs a ListJobs POST with a small body (what the harness does per request).
func BenchmarkSign(b *testing.B) {
	r := listJobsHTTPRequest(b, http.MethodPost, "", testBody)
	body := []byte(testBody)
	b.ReportAllocs()
	for b.Loop() {
		signing.Sign(r, body, testCred, "ciam", testTimestamp, nil)
	}
}

// BenchmarkVerify parses the Authorization header and verifies the same request (what
// the emulator does per request).
func BenchmarkVerify(b *testing.B) {
	r := listJobsHTTPRequest(b, http.MethodPost, "", testBody)
	body := []byte(testBody)
	signing.Sign(r, body, testCred, "ciam", testTimestamp, nil)
	h := r.Header.Get("Authorization")
	b.ReportAllocs()
	for b.Loop() {
		a, err := signing.ParseAuthorization(h)
		if err != nil {
			b.Fatal(err)
		}
		if !signing.Verify(r, body, testCred.SecretKey, a, testTimestamp) {
			b.Fatal("Verify rejected a signed request")
		}
	}
}
