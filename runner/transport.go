package runner

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/ciam-harness/listjobs/vocab"
)

// listJobs is the one action the harness sends to an endpoint other than the embedded
// emulator.
const listJobs = vocab.Action

// tlsConfig is the TLS configuration of the suite's client: the system's roots plus
// the CA file's certificates, or no verification at all when asked explicitly.
func tlsConfig(cfg Config) (*tls.Config, error) {
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	if cfg.CAFile != "" && cfg.InsecureSkipVerify {
		return nil, usageError("give --ca-file or --insecure-skip-verify, not both: --ca-file verifies the endpoint with that CA, --insecure-skip-verify verifies nothing")
	}
	if cfg.CAFile != "" {
		pem, err := os.ReadFile(cfg.CAFile)
		if err != nil {
			return nil, usageError("--ca-file: %v", err)
		}
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, usageError("--ca-file %s holds no PEM certificate (want -----BEGIN CERTIFICATE----- blocks)", cfg.CAFile)
		}
		tc.RootCAs = pool
	}
	tc.InsecureSkipVerify = cfg.InsecureSkipVerify
	return tc, nil
}

// newClient is the HTTP client of the suite. Its timeout bounds every request, reading
// the response included, and no response body yields more than maxResponse bytes. It
// takes the proxy from the environment (HTTPS_PROXY, HTTP_PROXY, NO_PROXY). It does not
// follow redirects: a redirect is an answer to check, and following it would send a
// signed request elsewhere. With listJobsOnly, it refuses to send any request whose
// action is not ListJobs.
func newClient(timeout time.Duration, maxResponse int64, tc *tls.Config, listJobsOnly bool) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy = http.ProxyFromEnvironment
	tr.MaxIdleConnsPerHost = 32
	// A request of more than 1 MB asks the server to answer before its body is sent
	// (steps: Expect: 100-continue), so that a size refusal is read rather than cut
	// short by the server closing the connection mid-upload. The wait must outlast a
	// busy server's answer, within the request's own timeout.
	tr.ExpectContinueTimeout = min(timeout/2, 5*time.Second)
	tr.TLSClientConfig = tc
	var rt roundTripCloser = responseCap{next: tr, max: maxResponse, timeout: timeout}
	if listJobsOnly {
		rt = actionGuard{next: rt}
	}
	return &http.Client{
		Timeout:   timeout,
		Transport: rt,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// actionGuard lets through only requests whose action is ListJobs: the last line of
// the promise that a real account only ever sees ListJobs from the harness, whatever a
// scenario asks for.
type actionGuard struct {
	next roundTripCloser
}

// roundTripCloser is a transport whose idle connections http.Client can close.
type roundTripCloser interface {
	http.RoundTripper
	CloseIdleConnections()
}

// responseCap bounds what is read of a response body: a body announced longer than max
// is refused before a byte of it is read (a reader that trusts Content-Length would
// allocate it all), and a body found longer fails its read at byte max+1.
type responseCap struct {
	next    roundTripCloser
	max     int64
	timeout time.Duration // the client's, to explain a body cut short by it
}

// errResponseTooLarge marks a response over the cap.
var errResponseTooLarge = errors.New("response too large")

func (c responseCap) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := c.next.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	if resp.ContentLength > c.max {
		resp.Body.Close()
		return nil, fmt.Errorf("%w: HTTP %d announces a body of %d bytes, above the cap of %s (--max-response)", errResponseTooLarge, resp.StatusCode, resp.ContentLength, formatSize(c.max))
	}
	resp.Body = &cappedBody{ReadCloser: resp.Body, left: c.max, max: c.max, ctx: r.Context(), timeout: c.timeout}
	return resp, nil
}

func (c responseCap) CloseIdleConnections() { c.next.CloseIdleConnections() }

// cappedBody fails the read that would go past the cap, and says so when the timeout
// cut the body short (a server that drips its answer).
type cappedBody struct {
	io.ReadCloser
	left    int64 // bytes that may still be read
	max     int64
	ctx     context.Context
	timeout time.Duration
}

func (b *cappedBody) Read(p []byte) (int, error) {
	if int64(len(p)) > b.left+1 {
		p = p[:b.left+1]
	}
	n, err := b.ReadCloser.Read(p)
	if int64(n) > b.left {
		return int(b.left), fmt.Errorf("%w: the response body is longer than the cap of %s (--max-response); the harness stopped reading it", errResponseTooLarge, formatSize(b.max))
	}
	b.left -= int64(n)
	if err != nil && err != io.EOF && b.timedOut() {
		err = fmt.Errorf("the response was still arriving when the request's %s --timeout ran out (%w)", b.timeout, err)
	}
	return n, err
}

// timedOut reports whether the request's time is up. The client's timer may cut the
// connection a moment before the request's context reports its error, so the deadline
// itself is consulted too.
func (b *cappedBody) timedOut() bool {
	if b.ctx.Err() != nil {
		return true
	}
	d, ok := b.ctx.Deadline()
	return ok && !time.Now().Before(d)
}

// errActionRefused marks a request the guard did not send.
var errActionRefused = errors.New("refused")

func (g actionGuard) RoundTrip(r *http.Request) (*http.Response, error) {
	actions, err := actionsOf(r)
	if err != nil {
		closeBody(r)
		return nil, fmt.Errorf("%w to send a request whose action cannot be told (%v): against an endpoint other than the embedded emulator the harness sends only %s", errActionRefused, err, listJobs)
	}
	if len(actions) == 0 {
		closeBody(r)
		return nil, fmt.Errorf("%w to send a request that names no action: against an endpoint other than the embedded emulator the harness sends only %s (--allow-invalid-actions lifts this)", errActionRefused, listJobs)
	}
	for _, a := range actions {
		if a != listJobs {
			closeBody(r)
			return nil, fmt.Errorf("%w to send the action %q: against an endpoint other than the embedded emulator the harness sends only %s (--allow-invalid-actions lifts this)", errActionRefused, a, listJobs)
		}
	}
	return g.next.RoundTrip(r)
}

// CloseIdleConnections lets http.Client.CloseIdleConnections reach the transport.
func (g actionGuard) CloseIdleConnections() { g.next.CloseIdleConnections() }

func closeBody(r *http.Request) {
	if r.Body != nil {
		r.Body.Close()
	}
}

// maxFormBody bounds the form body read to find a signature v1 action: above the 1 MB
// that a signature v1 POST may hold (T10), so that the probe just over it goes out.
const maxFormBody = 2 << 20

// actionsOf returns every action a request names: its X-TC-Action headers (API 3.0,
// TC3) and its Action parameters (signature v1, in the query or a form body).
func actionsOf(r *http.Request) ([]string, error) {
	var out []string
	for k, vs := range r.Header {
		if strings.EqualFold(k, "X-TC-Action") {
			out = append(out, vs...)
		}
	}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, fmt.Errorf("query: %v", err)
	}
	out = append(out, q["Action"]...)
	if strings.HasPrefix(strings.ToLower(r.Header.Get("Content-Type")), "application/x-www-form-urlencoded") && r.Body != nil && r.Body != http.NoBody {
		if r.GetBody == nil {
			return nil, errors.New("a form body that cannot be read twice")
		}
		body, err := r.GetBody()
		if err != nil {
			return nil, err
		}
		defer body.Close()
		b, err := io.ReadAll(io.LimitReader(body, maxFormBody+1))
		if err != nil {
			return nil, err
		}
		if len(b) > maxFormBody {
			return nil, fmt.Errorf("a form body over %d KB", maxFormBody>>10)
		}
		form, err := url.ParseQuery(string(b))
		if err != nil {
			return nil, fmt.Errorf("form body: %v", err)
		}
		out = append(out, form["Action"]...)
	}
	return out, nil
}

// probe makes one unsigned ListJobs POST / so an endpoint that cannot be reached (no
// server, a name that does not resolve, a certificate that does not verify) is a clear
// exit 2 instead of every scenario failing. An endpoint that accepted the connection is
// reachable, whatever it then does (an error status, a reset, no answer at all): that is
// for the scenarios to judge and report. An unsigned request does not count against the
// rate limit (R3).
func probe(ctx context.Context, client *http.Client, endpoint string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var connected atomic.Bool
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{GotConn: func(httptrace.GotConnInfo) { connected.Store(true) }})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint+"/", http.NoBody)
	if err != nil {
		return usageError("endpoint %s could not be reached: %v", endpoint, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-TC-Action", listJobs)
	req.Header.Set("X-TC-Version", vocab.Version)
	resp, err := client.Do(req)
	if err != nil {
		if connected.Load() {
			return nil
		}
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err
		}
		hint := ""
		var unknownCA x509.UnknownAuthorityError
		var badHost x509.HostnameError
		var invalid x509.CertificateInvalidError
		switch {
		case errors.As(err, &unknownCA):
			hint = " (give the CA that signed it with --ca-file)"
		case errors.As(err, &badHost), errors.As(err, &invalid):
			hint = " (the endpoint's certificate does not fit it: fix the endpoint, or give --ca-file)"
		}
		return usageError("endpoint %s could not be reached: %v%s", endpoint, err, hint)
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	resp.Body.Close()
	return nil
}
