package steps

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	tcerr "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"
)

// The exec drivers (--driver node, --driver exec:CMD) send each ListJobs through an
// adapter (adapter.go): the request becomes an intent, what the adapter's SDK returned
// an outcome, and the outcome the same exchange the sdk driver makes of what the Go SDK
// returned (sdkExchange): the checks read what the SDK decoded, the raw round trips
// (when the adapter saw them) hold the SDK's report to account, and the SDK's own
// retries are recorded with the outcome. What that proves, and what it cannot, is as
// for the sdk driver (sdk.go).

// execTransport sends through an adapter.
type execTransport struct {
	adapter      *Adapter
	endpoint     intentEndpoint
	timeout      int  // the SDK's request timeout, whole seconds
	listJobsOnly bool // Target.ListJobsOnly
}

func newExecTransport(t Target, u *url.URL) (*execTransport, error) {
	if t.Adapter == nil {
		return nil, fmt.Errorf("steps: Target.Driver %s needs Target.Adapter (StartAdapter)", t.Driver)
	}
	ep := intentEndpoint{Scheme: u.Scheme, Host: u.Hostname()}
	port := u.Port()
	switch {
	case port != "":
		p, err := strconv.Atoi(port)
		if err != nil {
			return nil, fmt.Errorf("steps: Target.BaseURL %q: port %q", t.BaseURL, port)
		}
		ep.Port = p
	case u.Scheme == "https":
		ep.Port = 443
	default:
		ep.Port = 80
	}
	timeout := 60
	if t.Client.Timeout > 0 {
		timeout = int((t.Client.Timeout + time.Second - 1) / time.Second)
	}
	return &execTransport{adapter: t.Adapter, endpoint: ep, timeout: timeout, listJobsOnly: t.ListJobsOnly}, nil
}

func (t *execTransport) prepare(ctx context.Context, st *scenario, spec *requestSpec, _ time.Time) (func() *exchange, error) {
	in, err := t.intent(spec, st.suite.target.Region)
	if err != nil {
		return nil, err
	}
	return func() *exchange { return t.send(ctx, in) }, nil
}

// intent checks that an SDK can send spec (as for the sdk driver) and what the adapter
// says its SDK can do, and builds the intent.
func (t *execTransport) intent(spec *requestSpec, region string) (intent, error) {
	caps := t.adapter.hello.Caps
	c, why := sdkClientOf(spec, region)
	in := intent{Endpoint: t.endpoint, Region: c.region, Method: spec.method, SignMethod: "TC3-HMAC-SHA256",
		Action: c.action, Version: c.version, Language: c.language, Headers: c.headers,
		Timeout: t.timeout, Retries: spec.sdkRetries}
	if spec.v1Method != "" {
		in.SignMethod = spec.v1Method
	}
	if why == "" && t.listJobsOnly && in.Action != action {
		return intent{}, fmt.Errorf("harness error: the action %q is not sent to this endpoint: only %s goes out (--allow-invalid-actions lifts this)", in.Action, action)
	}
	if why == "" {
		why = caps.lacks(in)
	}
	if why != "" {
		return intent{}, fmt.Errorf("harness error: the %s cannot send this request: %s; tag the scenario %s or give the step a Needs trait", t.adapter.hello.describe(), why, TagWire)
	}
	body := encodeBody(spec.params)
	if !json.Valid(body) {
		return intent{}, fmt.Errorf("harness error: the parameters %s are not JSON, and an adapter takes them as JSON; tag the scenario %s", shorten(string(body), 80), TagWire)
	}
	in.Params = body
	key := spec.effectiveCredential()
	in.Credential = intentCredential{SecretID: key.SecretID, SecretKey: key.SecretKey, Token: key.Token}
	return in, nil
}

// sdkCannot says why no SDK can send spec, or "": the requests only the wire driver
// makes.
func sdkCannot(spec *requestSpec) string {
	switch {
	case spec.method != http.MethodPost && spec.method != http.MethodGet:
		return "the SDK sends GET or POST only"
	case spec.hasBody || spec.hasQuery:
		return "the SDK writes the body and the query itself"
	case spec.signedHeaders != nil && !strings.EqualFold(strings.Join(spec.signedHeaders, ";"), sdkSignedHeaders):
		return "the SDK always signs " + sdkSignedHeaders
	case spec.tsOffset != 0 || spec.scopeDayOffset != 0 || spec.service != "":
		return "the SDK derives the timestamp and the credential scope itself"
	case spec.noAuth || spec.authValue != nil:
		return "the SDK always writes its own Authorization header"
	case len(spec.after) > 0:
		return "the SDK signs and sends in one call"
	}
	return ""
}

// lacks says what of in the capabilities do not cover, or "".
func (c Capabilities) lacks(in intent) string {
	needs := []Need{{Kind: NeedMethod, Value: in.Method}, {Kind: NeedSignMethod, Value: in.SignMethod}}
	if in.Retries > 0 {
		needs = append(needs, Need{Kind: NeedRetry})
	}
	for name, set := range map[string]bool{"X-TC-Action": in.Action != action, "X-TC-Version": in.Version != version, "X-TC-Language": in.Language != ""} {
		if set {
			needs = append(needs, Need{Kind: NeedHeader, Value: name})
		}
	}
	if in.Language != "" {
		needs = append(needs, Need{Kind: NeedLanguage, Value: in.Language})
	}
	for name := range in.Headers {
		needs = append(needs, Need{Kind: NeedHeader, Value: name})
	}
	for _, n := range needs {
		if why := c.missing(n); why != "" {
			return why
		}
	}
	return ""
}

// missing says why an SDK of capabilities c cannot do n, or "".
func (c Capabilities) missing(n Need) string {
	has := func(list []string, v string) bool {
		return slices.ContainsFunc(list, func(x string) bool { return strings.EqualFold(x, v) })
	}
	switch n.Kind {
	case NeedMethod:
		if !has(c.Methods, n.Value) {
			return "its SDK does not send " + n.Value + " (capabilities.methods)"
		}
	case NeedSignMethod:
		if !has(c.SignMethods, n.Value) {
			return "its SDK does not sign with " + n.Value + " (capabilities.signMethods)"
		}
	case NeedRetry:
		if !c.Retry {
			return "its SDK has no rate-limit retry of its own (capabilities.retry)"
		}
	case NeedNulls:
		if !c.Nulls {
			return "its SDK does not send a parameter set to null (capabilities.nulls)"
		}
	case NeedLanguage:
		if len(c.Languages) > 0 && !has(c.Languages, n.Value) {
			return fmt.Sprintf("its SDK takes the languages %s only, not %q (capabilities.languages)", strings.Join(c.Languages, ", "), n.Value)
		}
	case NeedHeader:
		wellKnown := slices.ContainsFunc([]string{"X-TC-Region", "X-TC-Action", "X-TC-Version", "X-TC-Language"}, func(x string) bool { return strings.EqualFold(x, n.Value) })
		if !has(c.Headers, n.Value) && (wellKnown || !has(c.Headers, "*")) {
			return "its SDK does not let its caller set the header " + n.Value + " (capabilities.headers)"
		}
	}
	return ""
}

// send sends in through the adapter and makes the exchange of its outcome.
func (t *execTransport) send(ctx context.Context, in intent) *exchange {
	sent := time.Now()
	o, err := t.adapter.call(ctx, in)
	received := time.Now()
	via := t.adapter.hello.describe()
	if err != nil {
		ex := &exchange{method: in.Method, url: t.url(), sent: sent, received: received,
			err: fmt.Errorf("the %s failed: %s", via, t.adapter.redact(err.Error()))}
		ex.sdk = &sdkView{err: ex.err, via: via}
		return ex
	}
	return t.exchange(in, o, sent, received)
}

func (t *execTransport) url() string {
	return t.endpoint.Scheme + "://" + net.JoinHostPort(t.endpoint.Host, strconv.Itoa(t.endpoint.Port)) + "/"
}

// exchange turns an outcome into the exchange the checks read, through sdkExchange.
func (t *execTransport) exchange(in intent, o Outcome, sent, received time.Time) *exchange {
	a := t.adapter
	via := a.hello.describe()
	var decoded []byte
	var err error
	switch {
	case o.Error != nil && o.Error.Code != "":
		err = &tcerr.TencentCloudSDKError{Code: o.Error.Code, Message: a.redact(o.Error.Message), RequestId: o.Error.RequestID}
	case o.Error != nil:
		err = errors.New(a.redact(o.Error.Message))
	case len(o.Response) == 0 || !json.Valid(o.Response):
		err = fmt.Errorf("the %s reported neither a response nor an error", via)
	default:
		decoded = append(append([]byte(`{"Response":`), o.Response...), '}')
	}
	var trips []roundTrip
	for _, h := range o.HTTP {
		rt := roundTrip{method: h.Method, url: a.redact(h.URL), reqHeader: http.Header{}, reqBody: []byte(a.redact(h.ReqBody)),
			status: h.Status, body: []byte(a.redact(h.Body)), sent: at(h.Start, sent), received: at(h.End, received)}
		for k, vs := range h.ReqHeaders {
			for _, v := range vs {
				rt.reqHeader.Add(k, a.redact(v))
			}
		}
		if h.Headers != nil {
			rt.respHeader = http.Header{}
			for k, vs := range h.Headers {
				rt.respHeader[http.CanonicalHeaderKey(k)] = vs
			}
		}
		if h.Error != "" || h.Status == 0 {
			rt.err = errors.New(a.redact(cmpText(h.Error, "no response")))
		}
		trips = append(trips, rt)
	}
	ex := sdkExchange(decoded, err, trips, sent, received)
	ex.sdk.via = via
	if len(trips) == 0 && len(o.Retries) > 0 {
		// The adapter knows of retries but not of the round trips: one reported try per
		// retry, then the last, answered as the SDK reported it.
		note := http.Header{"X-Harness-Note": {"reported by the adapter, not seen on the wire"}}
		for _, code := range o.Retries {
			ex.sdk.trips = append(ex.sdk.trips, roundTrip{status: http.StatusOK, respHeader: note, body: errorEnvelope(code, "", ""), sent: sent, received: received})
		}
		ex.sdk.trips = append(ex.sdk.trips, roundTrip{status: http.StatusOK, respHeader: note, body: ex.body, sent: sent, received: received})
	}
	if ex.method == "" {
		ex.method, ex.url = in.Method, t.url()
	}
	return ex
}

func cmpText(s, otherwise string) string {
	if s != "" {
		return s
	}
	return otherwise
}
