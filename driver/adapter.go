package driver

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ciam-harness/listjobs/wire"
)

// An adapter is a process that sends ListJobs through an SDK of another language, on
// the harness's behalf: the exec drivers (--driver node, --driver exec:CMD) start one
// per run and exchange JSON lines with it over its stdin and stdout. DRIVERS.md is the
// protocol; this file is its harness side: the process, the hello, one intent out and
// one outcome back per request, several in flight. exec.go turns requests into intents
// and outcomes into the exchanges the checks read.
//
// A broken adapter never hangs the run: one that dies, or says nothing for the per-request
// timeout, or writes a line that is not an outcome of an intent in flight (not JSON, an
// unknown id, a line over the bound), is finished: the call that saw it and every later
// call fail with the reason, naming the adapter, and the process is killed.

// AdapterProtocol is the version of the protocol the harness speaks (hello "protocol").
const AdapterProtocol = 1

// DefaultAdapterMaxLine bounds a line from an adapter: the hello, or an outcome with
// the decoded response and the raw exchange it saw.
const DefaultAdapterMaxLine = 256 << 20

// Hello is an adapter's first line.
type Hello struct {
	Type     string `json:"type"`     // "hello"
	Protocol int    `json:"protocol"` // AdapterProtocol
	// Adapter names the adapter ("node"); SDK and SDKVersion the SDK it drives
	// ("tencentcloud-sdk-nodejs", "4.1.313").
	Adapter    string       `json:"adapter"`
	SDK        string       `json:"sdk"`
	SDKVersion string       `json:"sdkVersion"`
	Caps       Capabilities `json:"capabilities"`
}

// describe names the adapter and its SDK: "node adapter, tencentcloud-sdk-nodejs 4.1.313".
func (h Hello) describe() string {
	return fmt.Sprintf("%s adapter, %s %s", h.Adapter, h.SDK, h.SDKVersion)
}

// intent is one request for an adapter to send (DRIVERS.md, "Intent").
type intent struct {
	Type       string            `json:"type"` // "call"
	ID         string            `json:"id"`
	Credential intentCredential  `json:"credential"`
	Endpoint   intentEndpoint    `json:"endpoint"`
	Region     string            `json:"region"`
	Method     string            `json:"method"`
	SignMethod string            `json:"signMethod"`
	Action     string            `json:"action"`
	Version    string            `json:"version"`
	Language   string            `json:"language,omitempty"`
	Headers    map[string]string `json:"headers,omitempty"`
	// Params are the ListJobs parameters as a JSON object, values as the scenario
	// wrote them (UserStoreId a string, JobIds an array of strings, or anything else).
	Params  json.RawMessage `json:"params"`
	Timeout int             `json:"timeoutSeconds"`
	Retries int             `json:"rateLimitExceededMaxRetries"`
}

type intentCredential struct {
	SecretID  string `json:"secretId"`
	SecretKey string `json:"secretKey"`
	Token     string `json:"token,omitempty"`
}

type intentEndpoint struct {
	Scheme string `json:"scheme"` // "http" or "https"
	Host   string `json:"host"`   // a name or an address, without brackets
	Port   int    `json:"port"`
}

// Outcome is an adapter's answer to one intent.
type Outcome struct {
	Type string `json:"type"` // "outcome"
	ID   string `json:"id"`
	// Response is what the SDK decoded of a success: the object under "Response"
	// ({"JobSet": [...], "RequestId": "..."}).
	Response json.RawMessage `json:"response,omitempty"`
	// Error is the error the SDK raised.
	Error *OutcomeError `json:"error,omitempty"`
	// HTTP holds the round trips the SDK made, in order, when the adapter could see
	// them; optional.
	HTTP []OutcomeTrip `json:"http,omitempty"`
	// Retries holds the codes the SDK retried on, in order, when the adapter knows of
	// retries but not of the round trips.
	Retries []string `json:"retries,omitempty"`
}

// OutcomeError is an SDK's error: the code, message and RequestId of the response it
// read, or no code at all for an error of the SDK's own (no connection, not JSON...).
type OutcomeError struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	RequestID string `json:"requestId"`
}

// OutcomeTrip is one HTTP round trip an adapter saw under its SDK.
type OutcomeTrip struct {
	Method     string              `json:"method"`
	URL        string              `json:"url"`
	ReqHeaders map[string][]string `json:"requestHeaders,omitempty"`
	ReqBody    string              `json:"requestBody,omitempty"`
	Status     int                 `json:"status"` // 0: no response
	Headers    map[string][]string `json:"headers,omitempty"`
	Body       string              `json:"body"`
	Error      string              `json:"error,omitempty"`
	// Start and End are when the request was sent and the response read, in Unix
	// milliseconds (fractions allowed); 0: unknown (the whole call's time is used). An
	// adapter whose SDK retries gives them: the rate-limit steps time first tries.
	Start float64 `json:"start,omitempty"`
	End   float64 `json:"end,omitempty"`
}

// at is a time in Unix milliseconds, or otherwise when ms is 0.
func at(ms float64, otherwise time.Time) time.Time {
	if ms <= 0 {
		return otherwise
	}
	return time.Unix(0, int64(ms*1e6))
}

// AdapterOptions are how StartAdapter runs an adapter.
type AdapterOptions struct {
	// Timeout bounds the hello and every request (the harness's --timeout): an adapter
	// that has not answered an intent within it (and a grace) is finished.
	Timeout time.Duration
	// Hello bounds the wait for the hello; 0 is Timeout, and at least
	// DefaultAdapterHello (a runtime and its SDK may take seconds to load).
	Hello time.Duration
	// MaxLine bounds a line from the adapter; 0 is DefaultAdapterMaxLine.
	MaxLine int
	// Dir is the adapter's working directory; "" the harness's.
	Dir string
}

// DefaultAdapterHello is the least time an adapter is given to say hello.
const DefaultAdapterHello = 30 * time.Second

// adapterGrace is added to an intent's timeout before the harness gives up on the
// adapter: the SDK's own timeout (timeoutSeconds) should end a request first.
const adapterGrace = 5 * time.Second

// Adapter is a running adapter process. It is safe for concurrent use.
type Adapter struct {
	name    string // the command, for messages
	hello   Hello
	timeout time.Duration
	cmd     *exec.Cmd
	stdin   io.WriteCloser
	stderr  *tailBuffer

	writeMu sync.Mutex
	mu      sync.Mutex
	nextID  uint64
	pending map[string]chan Outcome
	secrets map[string]bool // the secret keys and tokens sent, redacted from what it says
	failed  error           // set once: the adapter is finished
	dead    chan struct{}   // closed when failed is set
	exited  chan struct{}   // closed when the process has been waited for
}

// StartAdapter starts argv and reads its hello. An adapter that does not start, dies,
// or says something other than a hello of this protocol within opt.Hello is an error
// naming it, with the end of what it wrote to stderr.
func StartAdapter(ctx context.Context, argv []string, opt AdapterOptions) (*Adapter, error) {
	if len(argv) == 0 {
		return nil, errors.New("adapter: no command")
	}
	if opt.Timeout <= 0 {
		opt.Timeout = 60 * time.Second
	}
	if opt.MaxLine <= 0 {
		opt.MaxLine = DefaultAdapterMaxLine
	}
	if opt.Hello <= 0 {
		opt.Hello = max(opt.Timeout, DefaultAdapterHello)
	}
	a := &Adapter{name: strings.Join(argv, " "), timeout: opt.Timeout, stderr: &tailBuffer{max: 4 << 10},
		pending: map[string]chan Outcome{}, secrets: map[string]bool{}, dead: make(chan struct{}), exited: make(chan struct{})}
	a.cmd = exec.Command(argv[0], argv[1:]...)
	a.cmd.Dir = opt.Dir
	a.cmd.Stderr = a.stderr
	a.cmd.WaitDelay = time.Second // a child that keeps stderr open does not hold Wait
	ownGroup(a.cmd)
	stdout, err := a.cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("adapter %q: %v", a.name, err)
	}
	if a.stdin, err = a.cmd.StdinPipe(); err != nil {
		return nil, fmt.Errorf("adapter %q: %v", a.name, err)
	}
	if err := a.cmd.Start(); err != nil {
		return nil, fmt.Errorf("adapter %q does not start: %v", a.name, err)
	}
	hello := make(chan Hello, 1)
	go func() {
		// Read until the adapter's stdout ends (or it is finished), then wait for it.
		why := a.read(stdout, opt.MaxLine, hello)
		err := a.cmd.Wait()
		close(a.exited)
		if why == nil {
			why = fmt.Errorf("adapter %q exited (%v)%s", a.name, cmpErr(err, "exit status 0"), a.stderrTail())
		}
		a.fail(why)
	}()
	timer := time.NewTimer(opt.Hello)
	defer timer.Stop()
	select {
	case h := <-hello:
		a.hello = h
		return a, nil
	case <-a.dead:
		return nil, a.err()
	case <-timer.C:
		a.fail(fmt.Errorf("adapter %q wrote no hello within %s%s", a.name, opt.Hello, a.stderrTail()))
		return nil, a.err()
	case <-ctx.Done():
		a.fail(fmt.Errorf("adapter %q: the run ended before its hello (%v)", a.name, ctx.Err()))
		return nil, a.err()
	}
}

// Hello returns the adapter's hello.
func (a *Adapter) Hello() Hello { return a.hello }

// Describe names the adapter, its SDK and the command: for run headers and manifests.
func (a *Adapter) Describe() string { return a.hello.describe() + " (" + a.name + ")" }

// Close ends the adapter: its stdin is closed (the adapter should then exit), and it is
// killed, with its process group, if it has not exited within a second.
func (a *Adapter) Close() error {
	go func() { // behind a write that may be blocked until the kill
		a.writeMu.Lock()
		defer a.writeMu.Unlock()
		a.stdin.Close()
	}()
	select {
	case <-a.exited:
	case <-time.After(time.Second):
		a.kill()
		select {
		case <-a.exited:
		case <-time.After(5 * time.Second): // a child that escaped its group keeps stdout open
		}
	}
	a.fail(errors.New("adapter closed"))
	return nil
}

// read reads the adapter's lines, the hello first, then outcomes, until its output
// ends (nil: the exit will say why) or it breaks the protocol (the adapter is
// finished, killed, and the error returned).
func (a *Adapter) read(r io.Reader, maxLine int, hello chan<- Hello) error {
	br := bufio.NewReaderSize(r, 64<<10)
	first := true
	for {
		line, err := readLine(br, maxLine)
		switch {
		case errors.Is(err, io.EOF):
			return nil
		case err != nil:
			return a.fail(fmt.Errorf("adapter %q %v", a.name, err))
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		if first {
			first = false
			var h Hello
			switch err := json.Unmarshal(line, &h); {
			case err != nil:
				return a.fail(fmt.Errorf("adapter %q: its first line is not a JSON hello (%v): %s", a.name, err, a.excerpt(line)))
			case h.Type != "hello":
				return a.fail(fmt.Errorf("adapter %q: its first line is not a hello (type %q): %s", a.name, h.Type, a.excerpt(line)))
			case h.Protocol != AdapterProtocol:
				return a.fail(fmt.Errorf("adapter %q speaks protocol %d; the harness speaks %d", a.name, h.Protocol, AdapterProtocol))
			case h.Adapter == "" || h.SDK == "" || h.SDKVersion == "":
				return a.fail(fmt.Errorf("adapter %q: its hello does not name the adapter, the SDK and the SDK's version: %s", a.name, a.excerpt(line)))
			}
			hello <- h
			continue
		}
		var o Outcome
		if err := json.Unmarshal(line, &o); err != nil || o.Type != "outcome" {
			return a.fail(fmt.Errorf("adapter %q wrote a line that is not an outcome (%s): %s", a.name, cmpErr(err, "type "+strconv.Quote(o.Type)), a.excerpt(line)))
		}
		a.mu.Lock()
		ch := a.pending[o.ID]
		delete(a.pending, o.ID)
		a.mu.Unlock()
		if ch == nil {
			return a.fail(fmt.Errorf("adapter %q answered the id %q, which is not in flight", a.name, a.redact(wire.Shorten(o.ID, 40))))
		}
		ch <- o
	}
}

func cmpErr(err error, otherwise string) string {
	if err != nil {
		return err.Error()
	}
	return otherwise
}

// readLine reads one line of at most max bytes, without its newline.
func readLine(br *bufio.Reader, max int) ([]byte, error) {
	var line []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if len(line)+len(chunk) > max+1 {
			return nil, fmt.Errorf("wrote a line over %d bytes (the bound of a line)", max)
		}
		line = append(line, chunk...)
		switch {
		case err == nil:
			return bytes.TrimRight(line, "\r\n"), nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF) && len(line) > 0:
			return nil, errors.New("ended its output inside a line")
		default:
			return nil, err
		}
	}
}

// fail finishes the adapter with err (the first error wins, and is returned): it is
// killed, and every call in flight or to come fails with the error.
func (a *Adapter) fail(err error) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.failed != nil {
		return a.failed
	}
	a.failed = err
	close(a.dead)
	a.kill()
	return err
}

// kill kills the adapter and the processes it started (its process group, where the
// system has them: a shell's children too).
func (a *Adapter) kill() {
	select {
	case <-a.exited: // waited for: its process id may be another's by now
		return
	default:
	}
	if a.cmd.Process != nil {
		killGroup(a.cmd.Process)
	}
}

func (a *Adapter) err() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.failed
}

// call sends in (its id set here) and waits for its outcome.
func (a *Adapter) call(ctx context.Context, in intent) (Outcome, error) {
	a.mu.Lock()
	if a.failed != nil {
		a.mu.Unlock()
		return Outcome{}, a.failed
	}
	a.nextID++
	in.ID = strconv.FormatUint(a.nextID, 10)
	in.Type = "call"
	ch := make(chan Outcome, 1)
	a.pending[in.ID] = ch
	for _, s := range []string{in.Credential.SecretKey, in.Credential.Token} {
		if s != "" {
			a.secrets[s] = true
		}
	}
	a.mu.Unlock()
	defer func() {
		a.mu.Lock()
		delete(a.pending, in.ID)
		a.mu.Unlock()
	}()
	line, err := json.Marshal(in)
	if err != nil {
		return Outcome{}, fmt.Errorf("harness error: the intent does not encode: %v", err)
	}
	wait := time.Duration(in.Timeout)*time.Second*time.Duration(1+in.Retries) + adapterGrace
	if in.Retries > 0 {
		wait += time.Duration(1<<in.Retries) * time.Second // the SDK's back-off, 1 s, 2 s, 4 s...
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	// The write is timed too: an adapter that reads no intent fills the pipe. A write
	// left blocked ends when the adapter is killed.
	written := make(chan error, 1)
	go func() {
		a.writeMu.Lock()
		defer a.writeMu.Unlock()
		_, err := a.stdin.Write(append(line, '\n'))
		written <- err
	}()
	for {
		select {
		case err := <-written:
			if err != nil {
				// A write to an adapter that died fails at once (a broken pipe); its
				// exit, noticed a moment later, says more: wait for it a little.
				select {
				case <-a.dead:
					return Outcome{}, a.err()
				case <-time.After(time.Second):
				}
				return Outcome{}, a.fail(fmt.Errorf("adapter %q: writing an intent: %v%s", a.name, err, a.stderrTail()))
			}
			written = nil
		case o := <-ch:
			return o, nil
		case <-a.dead:
			return Outcome{}, a.err()
		case <-ctx.Done():
			return Outcome{}, ctx.Err()
		case <-timer.C:
			return Outcome{}, a.fail(fmt.Errorf("adapter %q did not answer the intent %s within %s (the request's timeout of %d s and %s)", a.name, in.ID, wait, in.Timeout, adapterGrace))
		}
	}
}

// redact hides every secret key and token sent to the adapter in s, and the
// signatures and tokens of request texts (redact).
func (a *Adapter) redact(s string) string {
	a.mu.Lock()
	for secret := range a.secrets {
		s = strings.ReplaceAll(s, secret, "<redacted>")
	}
	a.mu.Unlock()
	return wire.Redact(s)
}

// excerpt is the start of a line from the adapter, redacted, for messages.
func (a *Adapter) excerpt(line []byte) string {
	return a.redact(wire.Shorten(string(line), 200))
}

// stderrTail is the end of what the adapter wrote to stderr, redacted, for messages.
func (a *Adapter) stderrTail() string {
	t := strings.TrimSpace(a.stderr.String())
	if t == "" {
		return ""
	}
	return "; its stderr ends: " + a.redact(t)
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if len(t.b) > t.max {
		t.b = append(t.b[:0:0], t.b[len(t.b)-t.max:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.b)
}
