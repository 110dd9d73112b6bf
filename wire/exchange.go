package wire

import (
	"fmt"
	"io"
	"math"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/tidwall/gjson"
)

// MaxResponse bounds how much of a response body is read (3000 jobs are about 1 MB). It
// is a ceiling only: the runner's client caps every response body at its --max-response
// (default 256 MB, at most 1 GB), refusing a longer announced Content-Length before a
// byte is read, and failing the read past the cap.
const MaxResponse = 1 << 30

// Exchange is one request sent and what came back: the response as received (the wire
// driver), or what an SDK handed its caller (SDK set), as the checks read it.
type Exchange struct {
	Method     string
	URL        string
	ReqHeader  http.Header
	ReqBody    []byte
	Status     int
	RespHeader http.Header
	Body       []byte
	Err        error // no response: transport error, or an SDK that decoded none
	Sent       time.Time
	Received   time.Time
	// SDK is what an SDK driver adds; nil for the wire driver.
	SDK *SDKView

	parsed *document // the body parsed once (document.go)
}

// SDKView is what an SDK driver adds to an exchange: Body is then what the SDK decoded
// (a success) or the error envelope of the error it raised.
type SDKView struct {
	Err      error       // the SDK's error, nil for a success
	Trips    []RoundTrip // the HTTP round trips of the call, in order (retries included)
	Mismatch error       // the SDK reported other than the response it decoded
	Via      string      // the client: "github.com/.../common v1.3.212", "node adapter, tencentcloud-sdk-nodejs 4.1.313"
}

// RoundTrip is one HTTP exchange under an SDK's client.
type RoundTrip struct {
	Method, URL string
	ReqHeader   http.Header
	ReqBody     []byte
	Status      int
	RespHeader  http.Header
	Body        []byte
	Err         error
	Sent        time.Time
	Received    time.Time
}

// NoteHeader marks a RoundTrip an adapter reported without seeing it on the wire (it
// knew of a retry, not of its HTTP): its body is what the SDK said, not the endpoint.
const NoteHeader = "X-Harness-Note"

// Exchange is the round trip as the wire driver would have recorded it: the endpoint's
// own answer, nil when there is none (no response, or a trip NoteHeader marks). Its
// RespHeader is nil when the driver did not see the headers.
func (t RoundTrip) Exchange() *Exchange {
	if t.Err != nil || t.Status == 0 || t.RespHeader.Get(NoteHeader) != "" {
		return nil
	}
	return &Exchange{Method: t.Method, URL: t.URL, ReqHeader: t.ReqHeader, ReqBody: t.ReqBody,
		Status: t.Status, RespHeader: t.RespHeader, Body: t.Body, Sent: t.Sent, Received: t.Received}
}

// Code is the error code of the response, "" for anything else.
func (t RoundTrip) Code() string {
	if t.Err != nil || !gjson.ValidBytes(t.Body) {
		return ""
	}
	return gjson.GetBytes(t.Body, "Response.Error.Code").String()
}

// Do sends r, whose body is body, with client and reads the whole response.
func Do(client *http.Client, r *http.Request, body []byte) *Exchange {
	ex := &Exchange{Method: r.Method, URL: r.URL.String(), ReqHeader: r.Header.Clone(), ReqBody: body}
	if ex.ReqHeader.Get("Host") == "" {
		ex.ReqHeader.Set("Host", r.Host)
	}
	ex.Sent = time.Now()
	resp, err := client.Do(r)
	if err != nil {
		ex.Err, ex.Received = err, time.Now()
		return ex
	}
	defer resp.Body.Close()
	b, err := ReadAll(io.LimitReader(resp.Body, MaxResponse+1), resp.ContentLength)
	ex.Received = time.Now()
	ex.Status, ex.RespHeader, ex.Body = resp.StatusCode, resp.Header, b
	switch {
	case err != nil:
		ex.Err = fmt.Errorf("reading the response body: %v", err)
	case len(b) > MaxResponse:
		ex.Err = fmt.Errorf("the response body exceeds %d MB", MaxResponse>>20)
	}
	return ex
}

// ReadAll is io.ReadAll with a first buffer of size+1 bytes when the size is known
// (Content-Length), so that a large body is read into one allocation instead of a
// doubling series of them. It returns what io.ReadAll would.
func ReadAll(r io.Reader, size int64) ([]byte, error) {
	if size <= 0 || size >= MaxResponse {
		return io.ReadAll(r)
	}
	b := make([]byte, 0, size+1) // +1: the read that finds EOF needs no growth
	for {
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err != nil {
			if err == io.EOF {
				err = nil
			}
			return b, err
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)] // longer than announced: grow as io.ReadAll does
		}
	}
}

// Clock is the endpoint's clock as its answers tell it: its offset from ours, in whole
// seconds, from the Date header of the latest answer (0 until one has come). A
// deliberate skew of a request's timestamp is measured from it, so that 290 s stays
// 290 s of skew there. Safe for concurrent use.
type Clock struct{ offset atomic.Int64 }

// Offset is the endpoint's clock minus ours, in seconds.
func (c *Clock) Offset() int64 { return c.offset.Load() }

// Note records the offset the Date header of ex's answer gives: the middle of the
// exchange against the server's second.
func (c *Clock) Note(ex *Exchange) {
	if ex == nil || ex.Err != nil || ex.RespHeader == nil || ex.Sent.IsZero() || ex.Received.Before(ex.Sent) {
		return
	}
	date, err := http.ParseTime(ex.RespHeader.Get("Date"))
	if err != nil {
		return
	}
	// Date is the server's time cut to the second: half a second later on average.
	mid := ex.Sent.Add(ex.Received.Sub(ex.Sent) / 2)
	c.offset.Store(int64(math.Round(date.Add(time.Second / 2).Sub(mid).Seconds())))
}

// ---- reporting ----

var (
	signatureParam = regexp.MustCompile(`(Signature=)[^,&\s]*`)
	tokenParam     = regexp.MustCompile(`((?:^|[?&])Token=)[^&]*`)
)

// Redact hides the signature and the token of a request text: they never appear in output.
func Redact(s string) string {
	s = signatureParam.ReplaceAllString(s, "${1}<redacted>")
	return tokenParam.ReplaceAllString(s, "${1}<redacted>")
}

const attachLimit = 4 << 10

// Clip is b as text, cut at 4 KB with a note of its length.
func Clip(b []byte) string {
	if len(b) <= attachLimit {
		return string(b)
	}
	return string(b[:attachLimit]) + fmt.Sprintf("\n… (%d bytes in all)", len(b))
}

// Shorten cuts s to n bytes, with an ellipsis.
func Shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// Excerpt is the start of a body, its whitespace runs made single spaces, at most 300
// bytes. Only the first few kilobytes are looked at: a failure costs the same whatever
// the size of the body (each failing check of a scenario adds one).
func Excerpt(body []byte) string {
	return Shorten(strings.Join(strings.Fields(string(body[:min(len(body), 4<<10)])), " "), 300)
}

// WithExcerpt adds a short excerpt of the response to a failure.
func WithExcerpt(ex *Exchange, err error) error {
	if err == nil || ex == nil {
		return err
	}
	if ex.SDK != nil && ex.Err == nil {
		return fmt.Errorf("%w\n    decoded by the SDK: %s", err, Excerpt(ex.Body))
	}
	if ex.Status == 0 {
		return err
	}
	return fmt.Errorf("%w\n    response: HTTP %d %s", err, ex.Status, Excerpt(ex.Body))
}

// RequestText is the request as sent, secrets redacted.
func (ex *Exchange) RequestText() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s\n", ex.Method, Redact(ex.URL))
	keys := make([]string, 0, len(ex.ReqHeader))
	for k := range ex.ReqHeader {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		for _, v := range ex.ReqHeader[k] {
			if strings.EqualFold(k, "X-TC-Token") {
				v = "<redacted>"
			}
			fmt.Fprintf(&b, "%s: %s\n", k, Redact(v))
		}
	}
	b.WriteString("\n")
	body := Clip(ex.ReqBody)
	if strings.Contains(ex.ReqHeader.Get("Content-Type"), "x-www-form-urlencoded") {
		body = Redact(body)
	}
	b.WriteString(body)
	return b.String()
}

// ResponseText is the response as received (through an SDK: what it decoded, then its
// round trips).
func (ex *Exchange) ResponseText() string {
	if ex.SDK != nil {
		return ex.SDK.text(ex)
	}
	if ex.Err != nil && ex.Status == 0 {
		return "no response: " + ex.Err.Error()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "HTTP %d (%s after sending)\n", ex.Status, ex.Received.Sub(ex.Sent).Round(time.Microsecond))
	keys := make([]string, 0, len(ex.RespHeader))
	for k := range ex.RespHeader {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "%s: %s\n", k, strings.Join(ex.RespHeader[k], ", "))
	}
	b.WriteString("\n")
	b.WriteString(Clip(ex.Body))
	return b.String()
}

// SDKErrText is an SDK's error as the reports quote it: redacted (the SDK's message may
// quote the request's URL, whose query carries the signature and the token of a
// signature v1 GET), and clipped (an SDK may quote the whole body it could not parse,
// which may be megabytes).
func SDKErrText(err error) string { return Clip([]byte(Redact(err.Error()))) }

// text is the response part of an SDK exchange's report: what the SDK decoded, then
// every round trip as received.
func (v *SDKView) text(ex *Exchange) string {
	var b strings.Builder
	fmt.Fprintf(&b, "through %s, %d HTTP round trip(s), %s in all\n", v.Via, len(v.Trips), ex.Received.Sub(ex.Sent).Round(time.Microsecond))
	switch {
	case ex.Err != nil:
		fmt.Fprintf(&b, "the SDK returned: %s\n", SDKErrText(v.Err))
	case v.Err != nil:
		fmt.Fprintf(&b, "the SDK raised: %s\nas an envelope: %s\n", SDKErrText(v.Err), Clip(ex.Body))
	default:
		fmt.Fprintf(&b, "the SDK decoded:\n%s\n", Clip(ex.Body))
	}
	if v.Mismatch != nil {
		fmt.Fprintf(&b, "%v\n", v.Mismatch)
	}
	for i, t := range v.Trips {
		fmt.Fprintf(&b, "\n-- round trip %d of %d: ", i+1, len(v.Trips))
		if t.Status == 0 {
			fmt.Fprintf(&b, "no response: %s\n", Redact(fmt.Sprint(t.Err)))
			continue
		}
		raw := &Exchange{Status: t.Status, RespHeader: t.RespHeader, Body: t.Body, Sent: t.Sent, Received: t.Received}
		b.WriteString(raw.ResponseText())
		b.WriteString("\n")
	}
	return b.String()
}
