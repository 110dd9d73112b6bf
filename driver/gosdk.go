package driver

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ciam-harness/listjobs/check"
	"github.com/ciam-harness/listjobs/vocab"
	"github.com/ciam-harness/listjobs/wire"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	tcerr "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"
	tchttp "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/http"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"
	"github.com/tidwall/gjson"
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

func init() { register(NameSDK, NewGoSDK) }

// goSDK sends through the official Go SDK. It is safe for concurrent use: every
// request gets a client of its own over the one shared connection pool.
type goSDK struct {
	host    string            // the endpoint's host[:port]
	scheme  string            // "HTTP" or "HTTPS"
	region  string            // the client's region
	timeout int               // ReqTimeout, whole seconds
	base    http.RoundTripper // the run's client's transport: connections and TLS
	limit   int64             // bytes read of a response at most
}

// NewGoSDK is the sdk driver: the official Go SDK (SDKModule) sends every request to
// env's endpoint over env.Client's transport.
func NewGoSDK(env Env) (Driver, error) {
	u, err := env.url()
	if err != nil {
		return nil, err
	}
	base := env.Client.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	return &goSDK{host: u.Host, scheme: strings.ToUpper(u.Scheme), region: env.Target.Region, timeout: env.timeoutSeconds(), base: base, limit: wire.MaxResponse}, nil
}

func (*goSDK) Name() string   { return NameSDK }
func (*goSDK) Client() string { return SDKModuleVersion() }
func (*goSDK) Close() error   { return nil }

// Capabilities of the Go SDK: everything an SDK's caller can do, its own retry and
// nulls included (a CommonRequest's parameters are JSON text, sent as written).
func (*goSDK) Capabilities() Capabilities {
	return Capabilities{SDK: true, Methods: []string{"GET", "POST"}, SignMethods: []string{"TC3-HMAC-SHA256", "HmacSHA1", "HmacSHA256"},
		Headers: []string{"X-TC-Region", "X-TC-Action", "X-TC-Version", "X-TC-Language", "*"}, Retry: true, Nulls: true}
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

func (t *goSDK) Prepare(ctx context.Context, spec *wire.Spec, _ time.Time) (Shot, error) {
	c, err := t.call(ctx, spec, t.region)
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
func sdkClientOf(spec *wire.Spec, region string) (sdkClient, string) {
	why := wire.SDKCannot(spec)
	c := sdkClient{region: region, action: vocab.Action, version: vocab.Version}
	for _, h := range spec.Headers {
		name := http.CanonicalHeaderKey(h.Name)
		switch {
		case why != "":
		case slices.Contains(sdkUnsupportedHeaders, name):
			why = "the SDK computes " + h.Name + " itself"
		case h.Remove && name != "X-Tc-Region":
			why = "the SDK always sends " + h.Name
		case name == "X-Tc-Region": // a client's region; none: no X-TC-Region at all
			c.region = h.Value
		case name == "X-Tc-Action": // any action: tchttp.NewCommonRequest(service, version, action)
			c.action = h.Value
		case name == "X-Tc-Version":
			c.version = h.Value
		case name == "X-Tc-Language": // ClientProfile.Language
			c.language = h.Value
		default: // any other header: the request's own headers, which the SDK sends as given
			if c.headers == nil {
				c.headers = map[string]string{}
			}
			c.headers[h.Name] = h.Value
		}
	}
	return c, why
}

// call checks that the SDK can send spec and builds the client and the request.
func (t *goSDK) call(ctx context.Context, spec *wire.Spec, region string) (*sdkCall, error) {
	c, why := sdkClientOf(spec, region)
	act, ver, lang, region, extra := c.action, c.version, c.language, c.region, c.headers
	if why != "" {
		return nil, fmt.Errorf("harness error: the sdk driver cannot send this request: %s; tag the scenario %s", why, vocab.TagWire)
	}
	var req tchttp.Request
	if spec.Method == http.MethodPost && spec.V1Method == "" {
		cr := tchttp.NewCommonRequest(vocab.Service, ver, act)
		// The parameters as JSON text, which the SDK parses into its map and writes
		// again: wrong types and unknown parameters go out as a CommonRequest user
		// would send them.
		if err := cr.SetActionParameters(wire.EncodeBody(spec.Params)); err != nil {
			return nil, fmt.Errorf("harness error: the SDK refused the parameters: %v", err)
		}
		req = cr
	} else {
		typed, err := newTypedRequest(ver, act, spec.Params)
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
	cpf.HttpProfile.ReqMethod = spec.Method
	cpf.HttpProfile.ReqTimeout = t.timeout
	if spec.V1Method != "" {
		cpf.SignMethod = spec.V1Method
	}
	if lang != "" {
		cpf.Language = lang
	}
	cpf.RateLimitExceededMaxRetries = spec.SDKRetries // 0: the SDK's default, no retry
	key := spec.EffectiveCredential()
	var cred common.CredentialIface = common.NewCredential(key.SecretID, key.SecretKey)
	if key.Token != "" {
		cred = common.NewTokenCredential(key.SecretID, key.SecretKey, key.Token)
	}
	rec := &tripRecorder{next: t.base, limit: t.limit}
	client := common.NewCommonClient(cred, region, cpf).WithHttpTransport(rec)
	return &sdkCall{client: client, req: req, rec: rec, budget: sdkBudget(time.Duration(t.timeout)*time.Second, spec.SDKRetries)}, nil
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
func newTypedRequest(ver, act string, params []wire.Param) (*sdkListJobsRequest, error) {
	r := &sdkListJobsRequest{BaseRequest: &tchttp.BaseRequest{}}
	r.Init().WithApiInfo(vocab.Service, ver, act)
	for _, p := range params {
		if string(p.Raw) == "null" {
			continue
		}
		var err error
		switch p.Name {
		case "UserStoreId":
			var s string
			if err = json.Unmarshal(p.Raw, &s); err == nil && s == "" {
				err = errors.New("an empty string, which the SDK leaves out of the query")
			}
			if err == nil {
				r.UserStoreId = &s
			}
		case "JobIds":
			var ids []string
			if err = json.Unmarshal(p.Raw, &ids); err == nil {
				r.JobIds = common.StringPtrs(ids)
			}
		default:
			err = errors.New("an unknown parameter")
		}
		if err != nil {
			return nil, fmt.Errorf("harness error: the SDK's typed request (GET, signature v1) cannot carry %s = %s (%v): it holds UserStoreId as a non-empty string and JobIds as strings; tag the scenario %s", p.Name, p.Raw, err, vocab.TagWire)
		}
	}
	return r, nil
}

// send sends the request through the SDK, once (the SDK may retry on its own).
func (c *sdkCall) send() *wire.Exchange {
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
		return sdkExchange(SDKModuleVersion(), nil, err, c.rec.all(), sent, time.Now())
	}
	received := time.Now()
	var decoded []byte
	if err == nil {
		decoded = resp.GetBody()
	}
	return sdkExchange(SDKModuleVersion(), decoded, err, c.rec.all(), sent, received)
}

// sdkExchange turns what the SDK returned into the exchange the checks read (see the
// comment at the top of this file). decoded is the CommonResponse's body of a success.
func sdkExchange(via string, decoded []byte, err error, trips []wire.RoundTrip, sent, received time.Time) *wire.Exchange {
	ex := &wire.Exchange{Sent: sent, Received: received, SDK: &wire.SDKView{Err: err, Trips: trips, Via: via}}
	if n := len(trips); n > 0 {
		// The request as it went out, for the reports (the last try of a retried call).
		last := trips[n-1]
		ex.Method, ex.URL, ex.ReqHeader, ex.ReqBody = last.Method, last.URL, last.ReqHeader, last.ReqBody
	}
	var sdkErr *tcerr.TencentCloudSDKError
	switch {
	case err == nil:
		ex.Body = decoded
	case errors.As(err, &sdkErr) && sdkErr.Code != "" && !strings.HasPrefix(sdkErr.Code, "ClientError"):
		ex.Body = errorEnvelope(sdkErr.Code, sdkErr.Message, sdkErr.RequestId)
	default:
		ex.Err = fmt.Errorf("the SDK decoded no response: %s", wire.SDKErrText(err))
	}
	ex.SDK.Mismatch = sdkMismatch(ex, sdkErr)
	return ex
}

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
// is not JSON, or that the SDK did not decode (ex.Err), has nothing to compare.
func sdkMismatch(ex *wire.Exchange, sdkErr *tcerr.TencentCloudSDKError) error {
	if ex.Err != nil || len(ex.SDK.Trips) == 0 {
		return nil
	}
	raw := ex.SDK.Trips[len(ex.SDK.Trips)-1].Body
	if !gjson.ValidBytes(raw) {
		return nil
	}
	w := gjson.ParseBytes(raw)
	type field struct{ name, sdk, got string }
	var fields []field
	if sdkErr != nil {
		fields = []field{
			{"Code", sdkErr.Code, w.Get("Response.Error.Code").String()},
			{"Message", sdkErr.Message, w.Get("Response.Error.Message").String()},
			{"RequestId", sdkErr.RequestId, w.Get("Response.RequestId").String()},
		}
	} else {
		fields = []field{{"RequestId", gjson.GetBytes(ex.Body, "Response.RequestId").String(), w.Get("Response.RequestId").String()}}
	}
	var diffs []string
	for _, f := range fields {
		if f.sdk != f.got {
			diffs = append(diffs, fmt.Sprintf("%s %q where the response carried %q", f.name, f.sdk, f.got))
		}
	}
	if len(diffs) == 0 {
		return nil
	}
	what := "decoded a success with"
	if sdkErr != nil {
		what = "raised an error with"
	}
	return check.Rowf("T7/T8", "the SDK %s %s: it misreports the response it decoded", what, strings.Join(diffs, ", "))
}

// tripRecorder is an http.RoundTripper that keeps a copy of every request and response
// it carries for the SDK's client: the reports show what went over the wire, and the
// checks hold the SDK's report against it. It reads each response whole (the SDK would)
// and hands the SDK a copy.
type tripRecorder struct {
	next  http.RoundTripper
	limit int64

	mu    sync.Mutex
	trips []wire.RoundTrip
}

func (r *tripRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Response != nil {
		// The SDK's http.Client follows redirects, and would send the signed request
		// (a signature v1 form carries the signature and the token) wherever the
		// server points: refused, as the wire driver's client refuses them.
		return nil, fmt.Errorf("the endpoint redirected the SDK (HTTP %d) to %s: a redirect is never followed", req.Response.StatusCode, req.URL.Redacted())
	}
	t := wire.RoundTrip{Method: req.Method, URL: req.URL.String(), ReqHeader: req.Header.Clone()}
	if t.ReqHeader.Get("Host") == "" {
		t.ReqHeader.Set("Host", req.Host)
	}
	if req.GetBody != nil {
		if b, err := req.GetBody(); err == nil {
			t.ReqBody, _ = io.ReadAll(b)
			b.Close()
		}
	}
	t.Sent = time.Now()
	resp, err := r.next.RoundTrip(req)
	if err != nil {
		t.Err, t.Received = err, time.Now()
		r.add(t)
		return nil, err
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, r.limit+1))
	resp.Body.Close()
	t.Received = time.Now()
	t.Status, t.RespHeader, t.Body = resp.StatusCode, resp.Header.Clone(), body
	switch {
	case err != nil:
		t.Err = fmt.Errorf("reading the response body: %v", err)
	case int64(len(body)) > r.limit:
		t.Err = fmt.Errorf("the response body exceeds %d MB", r.limit>>20)
	}
	r.add(t)
	if t.Err != nil {
		return nil, t.Err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}

func (r *tripRecorder) add(t wire.RoundTrip) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.trips = append(r.trips, t)
}

func (r *tripRecorder) all() []wire.RoundTrip {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.trips)
}

// SDKModule is the module of the official Go SDK that the sdk driver uses.
const SDKModule = "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"

// SDKModuleVersion names the SDK module and version under test, for run headers and
// manifests: "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common v1.3.212",
// from the build information of the running binary (with its replacement, if go.mod
// replaces it). A binary without that information (go test) gets the version the SDK
// reports of itself in every request (X-TC-RequestClient "SDK_GO_1.3.212").
func SDKModuleVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path != SDKModule {
				continue
			}
			v := d.Path + " " + d.Version
			if r := d.Replace; r != nil {
				v += " => " + strings.TrimSpace(r.Path+" "+r.Version)
			}
			return v
		}
	}
	return SDKModule + " " + sdkSelfReported() + " (as the SDK reports itself; the binary has no module information)"
}

// sdkSelfReported is the version the SDK writes into X-TC-RequestClient, as a module
// version: "SDK_GO_1.3.212" gives "v1.3.212".
func sdkSelfReported() string {
	r := tchttp.NewCommonRequest(vocab.Service, vocab.Version, vocab.Action)
	tchttp.CompleteCommonParams(r, "", "")
	client := r.GetParams()["RequestClient"]
	if v, ok := strings.CutPrefix(client, "SDK_GO_"); ok && v != "" {
		return "v" + v
	}
	return "(unknown version: X-TC-RequestClient " + client + ")"
}
