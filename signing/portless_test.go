package signing

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// TestVerifyPortless: a signature over the host without its port verifies when the
// Host header has one, and nothing else does that Verify refuses.
func TestVerifyPortless(t *testing.T) {
	t.Parallel()
	cred := Credential{SecretID: "AKIDtest", SecretKey: "key"}
	const ts = 1700000000
	for _, c := range []struct {
		signedHost, sentHost string
		want                 bool
	}{
		{"ciam.example:9000", "ciam.example:9000", true},
		{"ciam.example", "ciam.example:9000", true},
		{"[::1]", "[::1]:9000", true},
		{"ciam.example:9001", "ciam.example:9000", false},
		{"ciam.example:9000", "ciam.example", false},
		{"other.example", "ciam.example:9000", false},
	} {
		r := httptest.NewRequest("POST", "/", strings.NewReader("{}"))
		r.Host = c.signedHost
		r.Header.Set("Content-Type", "application/json")
		Sign(r, []byte("{}"), cred, "ciam", ts, nil)
		auth, err := ParseAuthorization(r.Header.Get("Authorization"))
		if err != nil {
			t.Fatal(err)
		}
		r.Host = c.sentHost
		if got := VerifyPortless(r, []byte("{}"), cred.SecretKey, auth, ts); got != c.want {
			t.Errorf("signed over %q, sent as %q: VerifyPortless = %t, want %t", c.signedHost, c.sentHost, got, c.want)
		}
		if Verify(r, []byte("{}"), cred.SecretKey, auth, ts) != (c.signedHost == c.sentHost) {
			t.Errorf("signed over %q, sent as %q: Verify is not exact", c.signedHost, c.sentHost)
		}
		if VerifyPortless(r, []byte("[]"), cred.SecretKey, auth, ts) {
			t.Errorf("signed over %q, sent as %q: another body verifies", c.signedHost, c.sentHost)
		}
	}
}
