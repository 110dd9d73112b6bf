package driver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/ciam-harness/listjobs/vocab"
	"github.com/ciam-harness/listjobs/wire"

	tcerr "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"
)

// The exec drivers (--driver node, --driver exec:CMD) send each ListJobs through an
// adapter (adapter.go): the request becomes an intent, what the adapter's SDK returned
// an outcome, and the outcome the same exchange the sdk driver makes of what the Go SDK
// returned (sdkExchange): the checks read what the SDK decoded, the raw round trips
// (when the adapter saw them) hold the SDK's report to account, and the SDK's own
// retries are recorded with the outcome. What that proves, and what it cannot, is as
// for the sdk driver (sdk.go).

// adapterDriver sends through an adapter process.
type adapterDriver struct {
	*Adapter
	name         string
	endpoint     intentEndpoint
	region       string
	timeout      int  // the SDK's request timeout, whole seconds
	listJobsOnly bool // Env.ListJobsOnly
}

// NewAdapter starts the adapter argv (DRIVERS.md) for env and reads its hello: the
// driver name (--driver's) sends every request through it.
func NewAdapter(ctx context.Context, name string, argv []string, env Env) (Driver, error) {
	if _, err := env.url(); err != nil {
		return nil, err
	}
	a, err := StartAdapter(ctx, argv, AdapterOptions{Timeout: env.Timeout})
	if err != nil {
		return nil, fmt.Errorf("--driver %s: %v", name, err)
	}
	return AdapterDriver(name, a, env), nil
}

// AdapterDriver is the driver named name that sends through the running adapter a to
// env's endpoint; closing it closes a.
func AdapterDriver(name string, a *Adapter, env Env) Driver {
	d := &adapterDriver{Adapter: a, name: name, region: env.Target.Region, timeout: env.timeoutSeconds(), listJobsOnly: env.ListJobsOnly}
	if u, err := env.url(); err == nil {
		d.endpoint = intentEndpoint{Scheme: u.Scheme, Host: u.Hostname(), Port: 80}
		if p, err := strconv.Atoi(u.Port()); err == nil {
			d.endpoint.Port = p
		} else if u.Scheme == "https" {
			d.endpoint.Port = 443
		}
	}
	return d
}

func (t *adapterDriver) Name() string { return t.name }

// Client names the adapter, its SDK and the SDK's version, with the command.
func (t *adapterDriver) Client() string { return t.Describe() }

// Capabilities are those of the adapter's hello.
func (t *adapterDriver) Capabilities() Capabilities {
	c := t.hello.Caps
	c.SDK, c.Wire = true, false
	return c
}

func (t *adapterDriver) Prepare(ctx context.Context, spec *wire.Spec, _ time.Time) (Shot, error) {
	in, err := t.intent(spec)
	if err != nil {
		return nil, err
	}
	return func() *wire.Exchange { return t.send(ctx, in) }, nil
}

// intent checks that an SDK can send spec (as for the sdk driver) and what the adapter
// says its SDK can do, and builds the intent.
func (t *adapterDriver) intent(spec *wire.Spec) (intent, error) {
	caps := t.Capabilities()
	c, why := sdkClientOf(spec, t.region)
	in := intent{Endpoint: t.endpoint, Region: c.region, Method: spec.Method, SignMethod: "TC3-HMAC-SHA256",
		Action: c.action, Version: c.version, Language: c.language, Headers: c.headers,
		Timeout: t.timeout, Retries: spec.SDKRetries}
	if spec.V1Method != "" {
		in.SignMethod = spec.V1Method
	}
	if why == "" && t.listJobsOnly && in.Action != vocab.Action {
		return intent{}, fmt.Errorf("harness error: the action %q is not sent to this endpoint: only %s goes out (--allow-invalid-actions lifts this)", in.Action, vocab.Action)
	}
	if why == "" {
		why = caps.lacks(in)
	}
	if why != "" {
		return intent{}, fmt.Errorf("harness error: the %s cannot send this request: %s; tag the scenario %s or give the step a Needs trait", t.hello.describe(), why, vocab.TagWire)
	}
	body := wire.EncodeBody(spec.Params)
	if !json.Valid(body) {
		return intent{}, fmt.Errorf("harness error: the parameters %s are not JSON, and an adapter takes them as JSON; tag the scenario %s", wire.Shorten(string(body), 80), vocab.TagWire)
	}
	in.Params = body
	key := spec.EffectiveCredential()
	in.Credential = intentCredential{SecretID: key.SecretID, SecretKey: key.SecretKey, Token: key.Token}
	return in, nil
}

// lacks says what of in the capabilities do not cover, or "".
func (c Capabilities) lacks(in intent) string {
	needs := []Need{{Kind: NeedMethod, Value: in.Method}, {Kind: NeedSignMethod, Value: in.SignMethod}}
	if in.Retries > 0 {
		needs = append(needs, Need{Kind: NeedRetry})
	}
	for name, set := range map[string]bool{"X-TC-Action": in.Action != vocab.Action, "X-TC-Version": in.Version != vocab.Version, "X-TC-Language": in.Language != ""} {
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
		if why := c.Missing(n); why != "" {
			return why
		}
	}
	return ""
}

// send sends in through the adapter and makes the exchange of its outcome.
func (t *adapterDriver) send(ctx context.Context, in intent) *wire.Exchange {
	sent := time.Now()
	o, err := t.call(ctx, in)
	received := time.Now()
	via := t.hello.describe()
	if err != nil {
		ex := &wire.Exchange{Method: in.Method, URL: t.url(), Sent: sent, Received: received,
			Err: fmt.Errorf("the %s failed: %s", via, t.redact(err.Error()))}
		ex.SDK = &wire.SDKView{Err: ex.Err, Via: via}
		return ex
	}
	return t.exchange(in, o, sent, received)
}

func (t *adapterDriver) url() string {
	return t.endpoint.Scheme + "://" + net.JoinHostPort(t.endpoint.Host, strconv.Itoa(t.endpoint.Port)) + "/"
}

// exchange turns an outcome into the exchange the checks read, through sdkExchange.
func (t *adapterDriver) exchange(in intent, o Outcome, sent, received time.Time) *wire.Exchange {
	a := t.Adapter
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
	var trips []wire.RoundTrip
	for _, h := range o.HTTP {
		rt := wire.RoundTrip{Method: h.Method, URL: a.redact(h.URL), ReqHeader: http.Header{}, ReqBody: []byte(a.redact(h.ReqBody)),
			Status: h.Status, Body: []byte(a.redact(h.Body)), Sent: at(h.Start, sent), Received: at(h.End, received)}
		for k, vs := range h.ReqHeaders {
			for _, v := range vs {
				rt.ReqHeader.Add(k, a.redact(v))
			}
		}
		if h.Headers != nil {
			rt.RespHeader = http.Header{}
			for k, vs := range h.Headers {
				rt.RespHeader[http.CanonicalHeaderKey(k)] = vs
			}
		}
		if h.Error != "" || h.Status == 0 {
			rt.Err = errors.New(a.redact(cmpText(h.Error, "no response")))
		}
		trips = append(trips, rt)
	}
	ex := sdkExchange(via, decoded, err, trips, sent, received)
	if len(trips) == 0 && len(o.Retries) > 0 {
		// The adapter knows of retries but not of the round trips: one reported try per
		// retry, then the last, answered as the SDK reported it.
		note := http.Header{wire.NoteHeader: {"reported by the adapter, not seen on the wire"}}
		for _, code := range o.Retries {
			ex.SDK.Trips = append(ex.SDK.Trips, wire.RoundTrip{Status: http.StatusOK, RespHeader: note, Body: errorEnvelope(code, "", ""), Sent: sent, Received: received})
		}
		ex.SDK.Trips = append(ex.SDK.Trips, wire.RoundTrip{Status: http.StatusOK, RespHeader: note, Body: ex.Body, Sent: sent, Received: received})
	}
	if ex.Method == "" {
		ex.Method, ex.URL = in.Method, t.url()
	}
	return ex
}

func cmpText(s, otherwise string) string {
	if s != "" {
		return s
	}
	return otherwise
}
