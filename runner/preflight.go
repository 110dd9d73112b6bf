package runner

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/tidwall/gjson"

	"github.com/ciam-harness/listjobs/signing"
	"github.com/ciam-harness/listjobs/vocab"
)

// preflight sends one signed ListJobs of the user store under test, with the key of
// ordinary requests, before any scenario runs. A run whose every scenario would fail
// for a reason that lies with the configuration, not the endpoint, stops there with
// exit 2 and one sentence saying which: a refused key or token, an unknown user store,
// a clock too far from the endpoint's, an account not activated, or an HTML page where
// the API should answer. Every other answer (a success, another error, a body that is
// not JSON at all) is for the scenarios to judge.
//
// The request is an ordinary one (R1: one request of the key's owner, within its budget
// of 20 per second).
func preflight(ctx context.Context, client *http.Client, endpoint, region string, cred signing.Credential, store string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	body, _ := json.Marshal(map[string]any{"UserStoreId": store})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint+"/", bytes.NewReader(body))
	if err != nil {
		return usageError("pre-flight: %v", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-TC-Action", vocab.Action)
	req.Header.Set("X-TC-Version", vocab.Version)
	req.Header.Set("X-TC-Region", region)
	sent := time.Now()
	signing.Sign(req, body, cred, vocab.Service, sent.Unix(), nil)
	resp, err := client.Do(req)
	if err != nil {
		// The endpoint was reachable a moment ago (probe): a transport failure now is
		// the endpoint's behaviour, for the scenarios to report.
		return nil
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, preflightMaxBody))
	if err != nil {
		return nil
	}
	return preflightVerdict(resp, raw, cred.SecretID, store, sent)
}

// preflightMaxBody bounds what the pre-flight reads of the answer: enough for the error
// envelope or an HTML page's head; a longer success is not read to its end.
const preflightMaxBody = 64 << 10

// preflightVerdict judges the pre-flight's answer: nil, or the sentence that stops the run.
func preflightVerdict(resp *http.Response, raw []byte, secretID, store string, sent time.Time) error {
	if isHTML(resp.Header.Get("Content-Type"), raw) {
		return usageError("pre-flight: the endpoint answered ListJobs with an HTML page (HTTP %d), not the API's JSON: check that --endpoint is the address of the ListJobs API", resp.StatusCode)
	}
	code := gjson.GetBytes(raw, "Response.Error.Code")
	if code.Type != gjson.String {
		return nil
	}
	key := maskSecretID(secretID)
	switch c := code.Str; {
	case c == "AuthFailure.SignatureFailure":
		return usageError("pre-flight: the endpoint refused the key %s: the signature made with its SecretKey does not match (%s): check TENCENTCLOUD_SECRET_KEY or --secret-key-file", key, c)
	case c == "AuthFailure.SecretIdNotFound", c == "AuthFailure.InvalidSecretId", c == "AuthFailure.SecretIdNotExist":
		return usageError("pre-flight: the endpoint refused the key %s: it does not know this SecretId (%s): check TENCENTCLOUD_SECRET_ID or --secret-id", key, c)
	case c == "AuthFailure.TokenFailure":
		return usageError("pre-flight: the endpoint refused the session token of the key %s (%s): check TENCENTCLOUD_SESSION_TOKEN or --session-token-file, and that the temporary key has not expired", key, c)
	case c == "AuthFailure.SignatureExpire":
		return usageError("pre-flight: the endpoint refused the request's timestamp as too far from its clock (%s)%s: set this machine's clock right (the contract allows 300 s)", c, skewOf(resp, sent))
	case c == "UnauthorizedOperation.TenantNotActivated":
		return usageError("pre-flight: the endpoint says the account of the key %s has not activated CIAM (%s)", key, c)
	case c == "FailedOperation.InvalidUserStore", c == "FailedOperation.UserStoreNotExist", strings.HasPrefix(c, "ResourceNotFound"):
		return usageError("pre-flight: the endpoint does not know the user store %q for the key %s (%s): give a user store of the key's account that holds jobs with --user-store or CIAM_USER_STORE_ID", store, key, c)
	}
	return nil
}

// isHTML tells whether an answer is an HTML page: by its Content-Type, or by a body that
// opens like one.
func isHTML(contentType string, raw []byte) bool {
	if mt, _, err := mime.ParseMediaType(contentType); err == nil && (mt == "text/html" || mt == "application/xhtml+xml") {
		return true
	}
	head := strings.ToLower(strings.TrimSpace(string(raw[:min(len(raw), 512)])))
	return strings.HasPrefix(head, "<!doctype html") || strings.HasPrefix(head, "<html")
}

// skewOf says how far the endpoint's clock (its Date header) is from this machine's, when
// it says: " (this machine's clock is 412 s behind the endpoint's)".
func skewOf(resp *http.Response, sent time.Time) string {
	at, err := http.ParseTime(resp.Header.Get("Date"))
	if err != nil {
		return ""
	}
	skew := at.Sub(sent).Round(time.Second)
	switch {
	case skew > 0:
		return fmt.Sprintf(" (this machine's clock is %d s behind the endpoint's Date)", int64(skew/time.Second))
	case skew < 0:
		return fmt.Sprintf(" (this machine's clock is %d s ahead of the endpoint's Date)", -int64(skew/time.Second))
	}
	return ""
}

// maskSecretID shows enough of a SecretId to recognise it: "AKIDz8...", never all of it.
func maskSecretID(id string) string {
	if len(id) <= 8 {
		return "(SecretId of " + fmt.Sprint(len(id)) + " characters)"
	}
	return id[:6] + "..."
}
