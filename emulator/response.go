package emulator

import (
	"bufio"
	"crypto/rand"
	"net/http"
	"strconv"
	"unicode/utf8"
)

// Error codes the emulator produces by itself (api3-ciam-listjobs.md §4, §5.5).
const (
	codeRequestSizeLimitExceeded = "RequestSizeLimitExceeded"
	codeUnsupportedProtocol      = "UnsupportedProtocol"
	codeInvalidAuthorization     = "AuthFailure.InvalidAuthorization"
	codeMissingParameter         = "MissingParameter"
	codeInvalidParameter         = "InvalidParameter"
	codeUnknownParameter         = "UnknownParameter"
	codeSignatureExpire          = "AuthFailure.SignatureExpire"
	codeSignatureFailure         = "AuthFailure.SignatureFailure"
	codeSecretIDNotFound         = "AuthFailure.SecretIdNotFound"
	codeTokenFailure             = "AuthFailure.TokenFailure"
	codeTenantNotActivated       = "UnauthorizedOperation.TenantNotActivated"
	codeInvalidAction            = "InvalidAction"
	codeNoSuchVersion            = "NoSuchVersion"
	codeUnsupportedRegion        = "UnsupportedRegion"
	codeRequestLimitExceeded     = "RequestLimitExceeded"
	codeInvalidUserStore         = "FailedOperation.InvalidUserStore"
	codeInternalError            = "InternalError"
)

// Messages worded as the service words them (§3); the contract never compares them.
const (
	msgSignatureExpire  = "The signature is expired, please request again."
	msgSignatureFailure = "The provided credentials could not be validated. Please check your signature is correct."
	msgSecretIDNotFound = "The SecretId is not found, please ensure that your SecretId is correct."
	msgTokenFailure     = "The token of the temporary credentials is missing or wrong."
)

// Pooled buffers above these sizes are dropped rather than kept for the next request.
const (
	maxPooledBody = 1 << 20
	maxPooledOut  = 4 << 20
)

// scratch holds one request's reusable buffers; it comes from a sync.Pool.
type scratch struct {
	body  []byte    // request body
	out   []byte    // response body
	sel   []int32   // indices of the selected jobs
	seen  []uint64  // bitset of selected jobs
	ids   [][]byte  // JobIds
	ns    []int     // the N of each JobIds.N
	pairs []pair    // decoded query pairs
	unesc []byte    // decoded query bytes
	rnd   [512]byte // crypto/rand bytes for RequestIds
	rleft int       // unused bytes at the end of rnd
}

func (e *Emulator) release(sc *scratch) {
	if cap(sc.body) > maxPooledBody {
		sc.body = nil
	}
	if cap(sc.out) > maxPooledOut {
		sc.out = nil
	}
	if cap(sc.unesc) > maxPooledBody {
		sc.unesc, sc.pairs = nil, nil
	}
	if cap(sc.ids) > 1<<16 {
		sc.ids, sc.ns = nil, nil
	}
	clear(sc.ids[:cap(sc.ids)]) // do not pin request bodies
	clear(sc.pairs[:cap(sc.pairs)])
	e.pool.Put(sc)
}

// appendRequestID appends a fresh UUID v4 (T8, T9) made from crypto/rand bytes, read
// 512 at a time.
func (e *Emulator) appendRequestID(b []byte, sc *scratch) []byte {
	if sc.rleft < 16 {
		_, _ = rand.Read(sc.rnd[:]) // crypto/rand.Read never fails (Go 1.24+)
		sc.rleft = len(sc.rnd)
	}
	var u [16]byte
	off := len(sc.rnd) - sc.rleft
	copy(u[:], sc.rnd[off:off+16])
	sc.rleft -= 16
	u[6] = u[6]&0x0f | 0x40 // version 4
	u[8] = u[8]&0x3f | 0x80 // RFC 4122 variant
	const hexdig = "0123456789abcdef"
	for i, c := range u {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			b = append(b, '-')
		}
		b = append(b, hexdig[c>>4], hexdig[c&15])
	}
	return b
}

// writeError answers {"Response":{"Error":{"Code","Message"},"RequestId"}} (T7).
func (e *Emulator) writeError(w http.ResponseWriter, sc *scratch, code, msg string) {
	b := append(sc.out[:0], `{"Response":{"Error":{"Code":`...)
	b = appendJSONString(b, code)
	b = append(b, `,"Message":`...)
	b = appendJSONString(b, msg)
	b = append(b, `},"RequestId":"`...)
	b = e.appendRequestID(b, sc)
	b = append(b, `"}}`...)
	sc.out = b
	e.finish(w, b)
}

// sizeError answers RequestSizeLimitExceeded (T10) and closes the connection, since
// the rest of the body is not read.
func (e *Emulator) sizeError(w http.ResponseWriter, sc *scratch) {
	w.Header().Set("Connection", "close")
	e.writeError(w, sc, codeRequestSizeLimitExceeded, "The request size exceeds the upper limit: 10 MB for a POST body (1 MB with signature v1), 32 KB for a GET URL.")
}

// writeJobs answers {"Response":{"JobSet":[...],"RequestId"}} (T6) with the jobs in sel,
// written verbatim as encoded at New.
func (e *Emulator) writeJobs(w http.ResponseWriter, sc *scratch, st *store, sel []int32) {
	// The exact length, so that the answer carries its Content-Length whether it is
	// built in one buffer or streamed.
	jobs := 0
	for _, i := range sel {
		jobs += len(st.jobs[i])
	}
	const head, tail = `{"Response":{"JobSet":`, `,"RequestId":"` + "000000000000000000000000000000000000" + `"}}`
	set := len("null")
	if len(sel) > 0 || !e.nullEmpty {
		set = len("[]") + jobs + max(len(sel)-1, 0)
	}
	size := len(head) + set + len(tail)
	if size > streamOver {
		e.streamJobs(w, sc, st, sel, size)
		return
	}
	if cap(sc.out) < size {
		sc.out = make([]byte, 0, size)
	}
	b := append(sc.out[:0], head...)
	switch {
	case len(sel) == 0 && e.nullEmpty:
		b = append(b, "null"...)
	default:
		b = append(b, '[')
		for k, i := range sel {
			if k > 0 {
				b = append(b, ',')
			}
			b = append(b, st.jobs[i]...)
		}
		b = append(b, ']')
	}
	b = append(b, `,"RequestId":"`...)
	b = e.appendRequestID(b, sc)
	b = append(b, `"}}`...)
	sc.out = b
	e.finish(w, b)
}

// streamOver is the size of a listing from which it is written job by job instead of
// built in one buffer: a listing of 100,000 jobs is about 24 MB, which the emulator
// would otherwise hold once more for each such request in flight.
const streamOver = 1 << 20

// streamJobs writes a listing of size bytes as it goes, through a small buffer.
func (e *Emulator) streamJobs(w http.ResponseWriter, sc *scratch, st *store, sel []int32, size int) {
	h := w.Header()
	h["Content-Type"] = e.ctJSON
	h["Content-Length"] = []string{strconv.Itoa(size)}
	w.WriteHeader(http.StatusOK)
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteString(`{"Response":{"JobSet":[`)
	for k, i := range sel {
		if k > 0 {
			bw.WriteByte(',')
		}
		if _, err := bw.Write(st.jobs[i]); err != nil {
			return // a client that went away is not our error
		}
	}
	bw.WriteString(`],"RequestId":"`)
	bw.Write(e.appendRequestID(sc.out[:0], sc))
	bw.WriteString(`"}}`)
	_ = bw.Flush()
}

// finish writes an answer: always HTTP 200 with Content-Type application/json (T5).
func (e *Emulator) finish(w http.ResponseWriter, b []byte) {
	h := w.Header()
	h["Content-Type"] = e.ctJSON
	h["Content-Length"] = []string{strconv.Itoa(len(b))}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b) // a client that went away is not our error
}

// appendJSONString appends s as a JSON string; invalid UTF-8 becomes U+FFFD.
func appendJSONString(b []byte, s string) []byte {
	const hexdig = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c < 0x20 || c == '<' || c == '>' || c == '&':
				b = append(b, '\\', 'u', '0', '0', hexdig[c>>4], hexdig[c&15])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, `\u202`...)
			b = append(b, hexdig[r&15])
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}
