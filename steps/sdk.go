package steps

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	tcerr "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"
	tchttp "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/http"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"
	"github.com/tidwall/gjson"

	"github.com/ciam-harness/listjobs/signing"
)

// The sdk driver sends each ListJobs through the official Go SDK, as an SDK user would:
// common.NewCommonClient with a ClientProfile, a tchttp.CommonRequest for a TC3 POST
// (its parameters are the JSON body) and, for GET and signature v1 (where a
// CommonRequest carries no parameters), a typed request shaped as the ciam module's
// ListJobsRequest. The response is always a tchttp.CommonResponse.
//
// What the checks see is what the SDK hands its caller, turned into an exchange:
//   - a success: the body the CommonResponse decoded (GetBody), which the SDK marshals
//     again from the map it decoded into;
//   - an error the SDK raised as a *TencentCloudSDKError with the code of the response:
//     a synthetic envelope {"Response":{"Error":{"Code","Message"},"RequestId"}} built
//     from the error's Code, Message and RequestId;
//   - a ClientError.* code (the SDK's own: the HTTP status of a success was not 200, the
//     body was not JSON, the connection failed...) or any other error: no response to
//     check, and every check of the scenario fails with the SDK's error.
//
// What that proves: the SDK signed requests the endpoint accepted (or refused as the
// scenario wants), and every value a check reads is one the SDK delivers: the JobSet
// it decoded, job by job (J rows, S rows), and the Code, a non-empty Message and the
// RequestId of every error (T7, T8, T9), for every documented ListJobs code (the
// fault-injection outline). The SDK's error is also held against the response it
// decoded, captured on the way (a recording http.RoundTripper under the SDK's client):
// an SDK that raised another Code, Message or RequestId than the response carried, or
// decoded another RequestId for a success, fails the check (sdkMismatch).
//
// What it cannot prove: anything of the response the SDK does not hand over. The HTTP
// status and Content-Type (T5; the SDK even reads the error of a response with HTTP
// 400); the bytes of the body: numbers are float64 in the SDK's map (an integer written
// 1.7e12 comes back 1700000000000; one beyond 2^53 loses digits), object keys are
// re-ordered, a key given twice keeps its last value, escapes are rewritten; an error
// envelope's other members (a JobSet beside the Error, extra fields, the types of
// Code, Message and RequestId beyond "the SDK could read them as strings"); and an
// absent RequestId of an error reads as "" (both fail T8). The schema checks of an
// error envelope (T7) therefore hold by construction here: the wire driver checks them.

// sdkTransport sends through the official SDK. It is safe for concurrent use: every
// request gets a client of its own over the one shared connection pool.
type sdkTransport struct {
	host    string            // the endpoint's host[:port]
	scheme  string            // "HTTP" or "HTTPS"
	timeout int               // ReqTimeout, whole seconds
	base    http.RoundTripper // the target client's transport: connections and TLS
	limit   int64             // bytes read of a response at most
}

func newSDKTransport(t Target, u *url.URL) *sdkTransport {
	base := t.Client.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	timeout := 60
	if t.Client.Timeout > 0 {
		timeout = int((t.Client.Timeout + time.Second - 1) / time.Second)
	}
	return &sdkTransport{host: u.Host, scheme: strings.ToUpper(u.Scheme), timeout: timeout, base: base, limit: maxResponse}
}

// sdkCall is one request ready to go through the SDK.
type sdkCall struct {
	client *common.Client
	req    tchttp.Request
	rec    *tripRecorder
	budget time.Duration // how long the call may take, its own retries included (sdkBudget)
}

// sdkBudget is how long one SDK call may take: every try its time-out, and the SDK's
// default back-off (1 s, 2 s, 4 s...) between tries, with a few seconds to spare. The
// SDK's back-off sleeps through a cancelled context, so a call that outlives its budget
// (a retry that never stops) is given up on, and fails its scenario, rather than
// hanging the run.
func sdkBudget(timeout time.Duration, retries int) time.Duration {
	d := time.Duration(retries+1)*timeout + 5*time.Second
	for i := range retries {
		d += profile.ExponentialBackoff(i)
	}
	return d
}

func (t *sdkTransport) prepare(ctx context.Context, st *scenario, spec *requestSpec, _ time.Time) (func() *exchange, error) {
	c, err := t.call(ctx, spec, st.suite.target.Region)
	if err != nil {
		return nil, err
	}
	return c.send, nil
}

// sdkUnsupportedHeaders are headers the SDK computes itself for every request.
var sdkUnsupportedHeaders = []string{"Authorization", "Host", "X-Tc-Timestamp", "X-Tc-Token", "X-Tc-Content-Sha256"}

// sdkClient is what an SDK's caller sets for a request: the client's region and
// language, the action and version of the request, and other headers it sends as given.
type sdkClient struct {
	region, action, version, language string
	headers                           map[string]string // nil when there is none
}

// sdkClientOf is how an SDK's caller expresses spec (the headers a step set), or why no
// caller can ("" when one can). Both SDK drivers, in-process and through an adapter, read
// a request this way.
func sdkClientOf(spec *requestSpec, region string) (sdkClient, string) {
	why := sdkCannot(spec)
	c := sdkClient{region: region, action: action, version: version}
	for _, h := range spec.headers {
		name := http.CanonicalHeaderKey(h.name)
		switch {
		case why != "":
		case slices.Contains(sdkUnsupportedHeaders, name):
			why = "the SDK computes " + h.name + " itself"
		case h.remove && name != "X-Tc-Region":
			why = "the SDK always sends " + h.name
		case name == "X-Tc-Region": // a client's region; none: no X-TC-Region at all
			c.region = h.value
		case name == "X-Tc-Action": // any action: tchttp.NewCommonRequest(service, version, action)
			c.action = h.value
		case name == "X-Tc-Version":
			c.version = h.value
		case name == "X-Tc-Language": // ClientProfile.Language
			c.language = h.value
		default: // any other header: the request's own headers, which the SDK sends as given
			if c.headers == nil {
				c.headers = map[string]string{}
			}
			c.headers[h.name] = h.value
		}
	}
	return c, why
}

// call checks that the SDK can send spec and builds the client and the request.
func (t *sdkTransport) call(ctx context.Context, spec *requestSpec, region string) (*sdkCall, error) {
	c, why := sdkClientOf(spec, region)
	act, ver, lang, region, extra := c.action, c.version, c.language, c.region, c.headers
	if why != "" {
		return nil, fmt.Errorf("harness error: the sdk driver cannot send this request: %s; tag the scenario %s", why, TagWire)
	}
	var req tchttp.Request
	if spec.method == http.MethodPost && spec.v1Method == "" {
		cr := tchttp.NewCommonRequest(service, ver, act)
		// The parameters as JSON text, which the SDK parses into its map and writes
		// again: wrong types and unknown parameters go out as a CommonRequest user
		// would send them.
		if err := cr.SetActionParameters(encodeBody(spec.params)); err != nil {
			return nil, fmt.Errorf("harness error: the SDK refused the parameters: %v", err)
		}
		req = cr
	} else {
		typed, err := newTypedRequest(ver, act, spec.params)
		if err != nil {
			return nil, err
		}
		req = typed
	}
	req.SetContext(ctx)
	if len(extra) > 0 {
		req.SetHeader(extra)
	}

	cpf := profile.NewClientProfile()
	cpf.HttpProfile.Endpoint = t.host
	cpf.HttpProfile.Scheme = t.scheme
	cpf.HttpProfile.ReqMethod = spec.method
	cpf.HttpProfile.ReqTimeout = t.timeout
	if spec.v1Method != "" {
		cpf.SignMethod = spec.v1Method
	}
	if lang != "" {
		cpf.Language = lang
	}
	cpf.RateLimitExceededMaxRetries = spec.sdkRetries // 0: the SDK's default, no retry
	key := spec.effectiveCredential()
	var cred common.CredentialIface = common.NewCredential(key.SecretID, key.SecretKey)
	if key.Token != "" {
		cred = common.NewTokenCredential(key.SecretID, key.SecretKey, key.Token)
	}
	rec := &tripRecorder{next: t.base, limit: t.limit}
	client := common.NewCommonClient(cred, region, cpf).WithHttpTransport(rec)
	return &sdkCall{client: client, req: req, rec: rec, budget: sdkBudget(time.Duration(t.timeout)*time.Second, spec.sdkRetries)}, nil
}

// sdkListJobsRequest is shaped as the ciam module's ListJobsRequest: the SDK flattens
// its `name` tags into the query of a GET (UserStoreId, JobIds.0, JobIds.1, ...) and the
// parameters of signature v1.
type sdkListJobsRequest struct {
	*tchttp.BaseRequest
	//lint:ignore SA5008 omitnil is the Tencent Cloud SDK's tag option; these fields mirror its request
	UserStoreId *string `json:"UserStoreId,omitnil,omitempty" name:"UserStoreId"`
	//lint:ignore SA5008 omitnil is the Tencent Cloud SDK's tag option; these fields mirror its request
	JobIds []*string `json:"JobIds,omitnil,omitempty" name:"JobIds"`
}

// newTypedRequest carries the parameters in the typed request: UserStoreId a string,
// JobIds an array of strings, either null (left out, as the SDK leaves out a nil field).
func newTypedRequest(ver, act string, params []param) (*sdkListJobsRequest, error) {
	r := &sdkListJobsRequest{BaseRequest: &tchttp.BaseRequest{}}
	r.Init().WithApiInfo(service, ver, act)
	for _, p := range params {
		if string(p.raw) == "null" {
			continue
		}
		var err error
		switch p.name {
		case "UserStoreId":
			var s string
			if err = json.Unmarshal(p.raw, &s); err == nil && s == "" {
				err = errors.New("an empty string, which the SDK leaves out of the query")
			}
			if err == nil {
				r.UserStoreId = &s
			}
		case "JobIds":
			var ids []string
			if err = json.Unmarshal(p.raw, &ids); err == nil {
				r.JobIds = common.StringPtrs(ids)
			}
		default:
			err = errors.New("an unknown parameter")
		}
		if err != nil {
			return nil, fmt.Errorf("harness error: the SDK's typed request (GET, signature v1) cannot carry %s = %s (%v): it holds UserStoreId as a non-empty string and JobIds as strings; tag the scenario %s", p.name, p.raw, err, TagWire)
		}
	}
	return r, nil
}

// effectiveCredential is the key a request is signed with, after the scenario's
// deliberate breaks of the key (an unknown SecretId, a wrong SecretKey, no or another
// token), which an SDK user makes by giving the SDK such a key.
func (r *requestSpec) effectiveCredential() signing.Credential {
	cred := r.cred
	if r.unknownID {
		cred.SecretID = "AKIDconformanceUnknownKey" + randomHex(6)
	}
	if r.wrongKey {
		cred.SecretKey = "wrong-" + cred.SecretKey
	}
	switch r.token {
	case tokenNone:
		cred.Token = ""
	case tokenValue:
		cred.Token = r.tokenText
	}
	return cred
}

// send sends the request through the SDK, once (the SDK may retry on its own).
func (c *sdkCall) send() *exchange {
	resp := tchttp.NewCommonResponse()
	sent := time.Now()
	done := make(chan error, 1)
	go func() { done <- c.client.Send(c.req, resp) }()
	timer := time.NewTimer(c.budget)
	defer timer.Stop()
	var err error
	select {
	case err = <-done:
	case <-timer.C: // the call goes on in its goroutine, and its result is dropped
		err := fmt.Errorf("the call did not return within %v (every try's time-out and the SDK's back-off between its retries): a retry that does not stop?", c.budget)
		return sdkExchange(nil, err, c.rec.all(), sent, time.Now())
	}
	received := time.Now()
	var decoded []byte
	if err == nil {
		decoded = resp.GetBody()
	}
	return sdkExchange(decoded, err, c.rec.all(), sent, received)
}

// sdkView is what the sdk driver adds to an exchange.
type sdkView struct {
	err      error       // the SDK's error, nil for a success
	trips    []roundTrip // the HTTP round trips of the call, in order (retries included)
	mismatch error       // the SDK reported other than the response it decoded
	via      string      // the adapter and SDK of an exec driver; "": the Go SDK
}

// sdkExchange turns what the SDK returned into the exchange the checks read (see the
// comment at the top of this file). decoded is the CommonResponse's body of a success.
func sdkExchange(decoded []byte, err error, trips []roundTrip, sent, received time.Time) *exchange {
	ex := &exchange{sent: sent, received: received, sdk: &sdkView{err: err, trips: trips}}
	if n := len(trips); n > 0 {
		// The request as it went out, for the reports (the last try of a retried call).
		last := trips[n-1]
		ex.method, ex.url, ex.reqHeader, ex.reqBody = last.method, last.url, last.reqHeader, last.reqBody
	}
	var sdkErr *tcerr.TencentCloudSDKError
	switch {
	case err == nil:
		ex.body = decoded
	case errors.As(err, &sdkErr) && sdkErr.Code != "" && !strings.HasPrefix(sdkErr.Code, "ClientError"):
		ex.body = errorEnvelope(sdkErr.Code, sdkErr.Message, sdkErr.RequestId)
	default:
		ex.err = fmt.Errorf("the SDK decoded no response: %s", sdkErrText(err))
	}
	ex.sdk.mismatch = sdkMismatch(ex, sdkErr)
	return ex
}

// sdkErrText is an SDK's error as the reports quote it: redacted (the SDK's message may
// quote the request's URL, whose query carries the signature and the token of a
// signature v1 GET), and clipped (the Go SDK quotes the whole body it could not parse,
// which may be megabytes).
func sdkErrText(err error) string { return clip([]byte(redact(err.Error()))) }

// errorEnvelope is the error envelope of an SDK error: what the SDK tells its caller.
func errorEnvelope(code, message, requestID string) []byte {
	var env struct {
		Response struct {
			Error struct {
				Code    string `json:"Code"`
				Message string `json:"Message"`
			} `json:"Error"`
			RequestId string `json:"RequestId"`
		} `json:"Response"`
	}
	env.Response.Error.Code, env.Response.Error.Message, env.Response.RequestId = code, message, requestID
	b, _ := json.Marshal(env) // strings always encode
	return b
}

// sdkMismatch compares what the SDK reported with the last response it received: the
// Code, Message and RequestId of an error, the RequestId of a success. A response that
// is not JSON, or that the SDK did not decode (ex.err), has nothing to compare.
func sdkMismatch(ex *exchange, sdkErr *tcerr.TencentCloudSDKError) error {
	if ex.err != nil || len(ex.sdk.trips) == 0 {
		return nil
	}
	wire := ex.sdk.trips[len(ex.sdk.trips)-1].body
	if !gjson.ValidBytes(wire) {
		return nil
	}
	w := gjson.ParseBytes(wire)
	type field struct{ name, sdk, wire string }
	var fields []field
	if sdkErr != nil {
		fields = []field{
			{"Code", sdkErr.Code, w.Get("Response.Error.Code").String()},
			{"Message", sdkErr.Message, w.Get("Response.Error.Message").String()},
			{"RequestId", sdkErr.RequestId, w.Get("Response.RequestId").String()},
		}
	} else {
		fields = []field{{"RequestId", gjson.GetBytes(ex.body, "Response.RequestId").String(), w.Get("Response.RequestId").String()}}
	}
	var diffs []string
	for _, f := range fields {
		if f.sdk != f.wire {
			diffs = append(diffs, fmt.Sprintf("%s %q where the response carried %q", f.name, f.sdk, f.wire))
		}
	}
	if len(diffs) == 0 {
		return nil
	}
	what := "decoded a success with"
	if sdkErr != nil {
		what = "raised an error with"
	}
	return rowf("T7/T8", "the SDK %s %s: it misreports the response it decoded", what, strings.Join(diffs, ", "))
}

// roundTrip is one HTTP exchange under the SDK's client.
type roundTrip struct {
	method, url string
	reqHeader   http.Header
	reqBody     []byte
	status      int
	respHeader  http.Header
	body        []byte
	err         error
	sent        time.Time
	received    time.Time
}

// code is the error code of the response, "" for anything else.
func (t roundTrip) code() string {
	if t.err != nil || !gjson.ValidBytes(t.body) {
		return ""
	}
	return gjson.GetBytes(t.body, "Response.Error.Code").String()
}

// tripRecorder is an http.RoundTripper that keeps a copy of every request and response
// it carries for the SDK's client: the reports show what went over the wire, and the
// checks hold the SDK's report against it. It reads each response whole (the SDK would)
// and hands the SDK a copy.
type tripRecorder struct {
	next  http.RoundTripper
	limit int64

	mu    sync.Mutex
	trips []roundTrip
}

func (r *tripRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Response != nil {
		// The SDK's http.Client follows redirects, and would send the signed request
		// (a signature v1 form carries the signature and the token) wherever the
		// server points: refused, as the wire driver's client refuses them.
		return nil, fmt.Errorf("the endpoint redirected the SDK (HTTP %d) to %s: a redirect is never followed", req.Response.StatusCode, req.URL.Redacted())
	}
	t := roundTrip{method: req.Method, url: req.URL.String(), reqHeader: req.Header.Clone()}
	if t.reqHeader.Get("Host") == "" {
		t.reqHeader.Set("Host", req.Host)
	}
	if req.GetBody != nil {
		if b, err := req.GetBody(); err == nil {
			t.reqBody, _ = io.ReadAll(b)
			b.Close()
		}
	}
	t.sent = time.Now()
	resp, err := r.next.RoundTrip(req)
	if err != nil {
		t.err, t.received = err, time.Now()
		r.add(t)
		return nil, err
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, r.limit+1))
	resp.Body.Close()
	t.received = time.Now()
	t.status, t.respHeader, t.body = resp.StatusCode, resp.Header.Clone(), body
	switch {
	case err != nil:
		t.err = fmt.Errorf("reading the response body: %v", err)
	case int64(len(body)) > r.limit:
		t.err = fmt.Errorf("the response body exceeds %d MB", r.limit>>20)
	}
	r.add(t)
	if t.err != nil {
		return nil, t.err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}

func (r *tripRecorder) add(t roundTrip) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.trips = append(r.trips, t)
}

func (r *tripRecorder) all() []roundTrip {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.trips)
}

// text is the response part of an sdk exchange's report: what the SDK decoded, then
// every round trip as received.
func (v *sdkView) text(ex *exchange) string {
	var b strings.Builder
	via := v.via
	if via == "" {
		via = SDKModuleVersion()
	}
	fmt.Fprintf(&b, "through %s, %d HTTP round trip(s), %s in all\n", via, len(v.trips), ex.received.Sub(ex.sent).Round(time.Microsecond))
	switch {
	case ex.err != nil:
		fmt.Fprintf(&b, "the SDK returned: %s\n", sdkErrText(v.err))
	case v.err != nil:
		fmt.Fprintf(&b, "the SDK raised: %s\nas an envelope: %s\n", sdkErrText(v.err), clip(ex.body))
	default:
		fmt.Fprintf(&b, "the SDK decoded:\n%s\n", clip(ex.body))
	}
	if v.mismatch != nil {
		fmt.Fprintf(&b, "%v\n", v.mismatch)
	}
	for i, t := range v.trips {
		fmt.Fprintf(&b, "\n-- round trip %d of %d: ", i+1, len(v.trips))
		if t.status == 0 {
			fmt.Fprintf(&b, "no response: %s\n", redact(fmt.Sprint(t.err)))
			continue
		}
		wire := &exchange{status: t.status, respHeader: t.respHeader, body: t.body, sent: t.sent, received: t.received}
		b.WriteString(wire.responseText())
		b.WriteString("\n")
	}
	return b.String()
}
