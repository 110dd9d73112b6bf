package mutants

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/ciam-harness/listjobs/fixture"
)

// Transport and envelope (T1-T10): the method and headers a request may carry, and
// the envelope of every answer: status, media type, the Response object, Error,
// RequestId, the size limits. Some break an invariant of every response for one kind
// of answer only (when): no scenario of the row sees them, only the check of every
// response does.

// transportMutants are the mutants of the rows T1-T10: those of T1-T9 in row order,
// then the invariants of T5-T9 broken for one kind of answer, then those of T10.
func transportMutants() []Mutant {
	return []Mutant{
		{Name: "charset-refused", Row: "T1", Class: ClassRequestRead, How: howMiddleware, Break: `a Content-Type "application/json; charset=utf-8" is refused with InvalidParameter`,
			apply: through(fixed(refuseCharset()))},
		{Name: "json-escapes-undecoded", Row: "T1", Class: ClassRequestRead, How: howMiddleware, Break: `a \u escape in a JSON body's string is read as the six characters it is written with`,
			apply: through(jsonEscapesUndecoded)},
		{Name: "get-refused", Row: "T2", Class: ClassRequestRead, How: howMiddleware, Break: "a signature v3 GET is answered UnsupportedProtocol",
			apply: through(fixed(refuseGET()))},
		{Name: "query-values-undecoded", Row: "T2", Class: ClassRequestRead, How: howMiddleware, Break: "a GET query's %XX escapes are read as the three characters they are written with",
			apply: through(queryValuesUndecoded)},
		{Name: "other-methods-served", Row: "T3", Class: ClassNearMiss, How: howMiddleware, Break: "PUT, DELETE and PATCH are served as POST",
			apply: through(serveOtherMethods)},
		{Name: "method-case-insensitive", Row: "T3", Class: ClassNearMiss, How: howMiddleware, Break: "a method is matched whatever its case (post is served as POST)",
			apply: through(methodLoosely(strings.EqualFold))},
		{Name: "unknown-header-refused", Row: "T4", Class: ClassRequestRead, How: howMiddleware, Break: "an X-TC-* header API 3.0 does not define (X-TC-TraceId...) gets UnknownParameter",
			apply: through(fixed(refuseUnknownHeaders()))},
		{Name: "language-refused", Row: "T4", Class: ClassRequestRead, How: howMiddleware, Break: "X-TC-Language other than en-US gets InvalidParameterValue",
			apply: through(fixed(refuseLanguage()))},
		{Name: "error-status-400", Row: "T5", Class: ClassAnswerShape, How: howRewriter, Break: "errors are answered with HTTP 400",
			apply: through(fixed(when(forError, status(400))))},
		{Name: "content-type-text", Row: "T5", Class: ClassAnswerShape, How: howRewriter, Break: "every answer has Content-Type text/plain",
			apply: through(fixed(contentType("text/plain; charset=utf-8")))},
		{Name: "content-type-charset", Row: "T5", Class: ClassEquivalent, How: howRewriter, Break: "every answer has Content-Type application/json; charset=utf-8",
			Equivalent: "T5 asks for the media type application/json; a charset parameter does not change it",
			apply:      through(fixed(contentType("application/json; charset=utf-8")))},
		{Name: "jobset-renamed", Row: "T6", Class: ClassAnswerShape, How: howRewriter, Break: `a success lists its jobs under "Jobs" instead of "JobSet"`,
			apply: rewriter(RenameJobSet)},
		{Name: "jobset-duplicate-member", Row: "T6", Class: ClassAnswerShape, How: howRewriter, Break: `a success with jobs carries a second, empty "JobSet" member after its RequestId`,
			apply: rewriter(DuplicateJobSet)},
		{Name: "byte-order-mark", Row: "T6", Class: ClassAnswerShape, How: howRewriter, Break: "every body starts with a UTF-8 byte-order mark",
			apply: rewriter(ByteOrderMark)},
		{Name: "error-outside-response", Row: "T7", Class: ClassAnswerShape, How: howRewriter, Break: `"Error" is written beside "Response" instead of inside it`,
			apply: rewriter(ErrorOutsideResponse)},
		{Name: "message-empty", Row: "T7", Class: ClassAnswerShape, How: howRewriter, Break: `every Error.Message is ""`,
			apply: rewriter(EmptyMessage)},
		{Name: "message-reworded", Row: "T7", Class: ClassEquivalent, How: howRewriter, Break: "every Error.Message has other wording",
			Equivalent: "T7 never compares the wording of Message, only that it is a non-empty string",
			apply:      rewriter(RewordedMessage)},
		{Name: "requestid-missing", Row: "T8", Class: ClassAnswerShape, How: howRewriter, Break: `responses carry no "RequestId"`,
			apply: rewriter(DropRequestID)},
		{Name: "requestid-constant", Row: "T8", Class: ClassAnswerShape, How: howRewriter, Break: "every response carries the same RequestId",
			apply: rewriter(constantRequestID)},
		{Name: "requestid-number", Row: "T8", Class: ClassAnswerShape, How: howRewriter, Break: "RequestId is a JSON number (new for each response)",
			apply: rewriter(NumericRequestID)},
		{Name: "requestid-not-uuid", Row: "T9", Class: ClassAnswerShape, How: howRewriter, Break: "RequestId is 32 hexadecimal digits without hyphens",
			apply: rewriter(RequestIDWithoutHyphens)},
		{Name: "requestid-uppercase", Row: "T9", Class: ClassEquivalent, How: howRewriter, Break: "RequestId is a UUID in capital letters",
			Equivalent: "T9 asks for hexadecimal groups 8-4-4-4-12; capital hexadecimal digits are hexadecimal",
			apply:      rewriter(RequestIDUpperCase)},
		// The invariants of every response broken for one kind of answer only: no
		// scenario of the row sees them, only the check of every response does.
		{Name: "error-status-400-one-code", Row: "T5", Class: ClassAnswerShape, How: howRewriter, Break: "FailedOperation.InvalidUserStore alone is answered with HTTP 400",
			apply: through(fixed(when(forCode("FailedOperation.InvalidUserStore"), status(400))))},
		{Name: "content-type-text-on-get", Row: "T5", Class: ClassAnswerShape, How: howRewriter, Break: "the answers to GET requests alone have Content-Type text/plain",
			apply: through(fixed(when(forGET, mediaType("text/plain; charset=utf-8"))))},
		{Name: "message-empty-one-code", Row: "T7", Class: ClassAnswerShape, How: howRewriter, Break: `UnknownParameter alone has Error.Message ""`,
			apply: through(fixed(when(forCode("UnknownParameter"), body(EmptyMessage))))},
		{Name: "requestid-missing-one-code", Row: "T8", Class: ClassAnswerShape, How: howRewriter, Break: `NoSuchVersion alone carries no "RequestId"`,
			apply: through(fixed(when(forCode("NoSuchVersion"), body(DropRequestID))))},
		{Name: "requestid-constant-one-code", Row: "T8", Class: ClassAnswerShape, How: howRewriter, Break: "every InvalidParameter carries the same RequestId",
			apply: through(fixed(when(forCode(codeInvalidParameter), body(constantRequestID))))},
		{Name: "requestid-short-on-success", Row: "T9", Class: ClassAnswerShape, How: howRewriter, Break: "the RequestId of a success of a GET request is 35 characters long",
			apply: through(fixed(when(func(r *http.Request, code string) bool { return code == "" && forGET(r, code) }, body(shortRequestID))))},
		{Name: "size-limit-wrong-code", Row: "T10", Class: ClassErrorChoice, How: howRewriter, Break: "an oversized request gets InvalidParameter instead of RequestSizeLimitExceeded",
			apply: rewriter(recode("RequestSizeLimitExceeded", codeInvalidParameter))},

		{Name: "body-limit-9mb", Row: "T10", Class: ClassBoundary, How: howMiddleware, Break: "a POST body over 9 MB gets RequestSizeLimitExceeded",
			apply: through(fixed(refuseSizeOver(9<<20, 0)))},
		{Name: "url-limit-30kb", Row: "T10", Class: ClassBoundary, How: howMiddleware, Break: "a GET URL over 30 KB gets RequestSizeLimitExceeded",
			apply: through(fixed(refuseSizeOver(0, 30<<10)))},
		{Name: "body-limit-decimal", Row: "T10", Class: ClassEquivalent, How: howMiddleware, Break: "a POST body over 10,000,000 bytes gets RequestSizeLimitExceeded",
			Equivalent: "T10: the documents say 10 MB without saying how a megabyte is counted; 10,000,000 bytes is a reading of them",
			apply:      through(fixed(refuseSizeOver(10_000_000, 0)))},
	}
}

// refuseCharset answers InvalidParameter to a request the emulator served, when its
// Content-Type carries parameters such as "; charset=utf-8" (breaks T1).
func refuseCharset() middleware {
	return amend(func(c *call, resp response, _ []byte) []byte {
		if resp.code == "" && strings.Contains(c.r.Header.Get("Content-Type"), ";") {
			return errorBody(codeInvalidParameter, "The Content-Type must be exactly application/json.", resp.requestID)
		}
		return nil
	})
}

// refuseGET answers UnsupportedProtocol to a signature v3 GET the emulator served (breaks T2).
func refuseGET() middleware {
	return amend(func(c *call, resp response, _ []byte) []byte {
		if c.r.Method == http.MethodGet && !c.isV1() && resp.code == "" {
			return errorBody("UnsupportedProtocol", "Only POST requests are supported.", resp.requestID)
		}
		return nil
	})
}

// serveOtherMethods serves PUT, DELETE, PATCH... as POST (breaks T3): the request is
// re-signed as a POST when its own signature verified.
func serveOtherMethods(fx *fixture.Fixture) middleware {
	return rewrite(func(c *call) {
		if c.r.Method == http.MethodGet || c.r.Method == http.MethodPost {
			return
		}
		s, ok := c.verified(fx)
		c.r.Method = http.MethodPost
		if ok {
			c.resignAs(s)
		}
	})
}

// knownHeader tells the X-TC-* headers of API 3.0 (T4).
func knownHeader(lower string) bool {
	switch lower {
	case "x-tc-action", "x-tc-version", "x-tc-region", "x-tc-timestamp", "x-tc-token", "x-tc-language", "x-tc-content-sha256":
		return true
	}
	return false
}

// refuseUnknownHeaders answers UnknownParameter to a request with an X-TC-* header that
// API 3.0 does not define, such as X-TC-TraceId (breaks T4).
func refuseUnknownHeaders() middleware {
	return refuse(func(c *call) []byte {
		for k := range c.r.Header {
			if l := strings.ToLower(k); strings.HasPrefix(l, "x-tc-") && !knownHeader(l) {
				return errorBody("UnknownParameter", "The header `"+k+"` is not recognized.", "")
			}
		}
		return nil
	})
}

// refuseLanguage answers InvalidParameterValue to an X-TC-Language other than en-US
// (breaks T4: zh-CN is a documented value).
func refuseLanguage() middleware {
	return refuse(func(c *call) []byte {
		if l := c.r.Header.Get("X-TC-Language"); l != "" && l != "en-US" {
			return errorBody("InvalidParameterValue", "The language `"+l+"` is not supported.", "")
		}
		return nil
	})
}

// contentType answers everything with Content-Type ct (breaks T5 unless ct is application/json).
func contentType(ct string) middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rec := newCapture()
			next.ServeHTTP(rec, r)
			rec.header.Set("Content-Type", ct)
			rec.send(w, rec.body.Bytes())
		})
	}
}

// fixedRequestID is the RequestId every answer of requestid-constant carries.
const fixedRequestID = "00000000-0000-4000-8000-000000000000"

// constantRequestID replaces the RequestId of an answer (the last member the emulator
// writes) by fixedRequestID, leaving every other byte alone (breaks T8).
func constantRequestID(body []byte) []byte {
	start, end, ok := stringMember(body, "RequestId")
	if !ok {
		return body
	}
	return slices.Concat(body[:start], []byte(fixedRequestID), body[end:])
}

// DropRequestID removes "RequestId" from a response body (breaks T8).
func DropRequestID(body []byte) []byte {
	return rewriteResponse(body, func(resp map[string]json.RawMessage) error {
		delete(resp, "RequestId")
		return nil
	})
}

// NumericRequestID turns the RequestId into a JSON number, still different for every
// response: its first 12 hexadecimal digits (breaks T8: a string).
func NumericRequestID(body []byte) []byte {
	return rewriteResponse(body, func(resp map[string]json.RawMessage) error {
		var id string
		if json.Unmarshal(resp["RequestId"], &id) != nil {
			return errUnchanged
		}
		hex := strings.ReplaceAll(id, "-", "")
		if len(hex) > 12 {
			hex = hex[:12]
		}
		n, err := strconv.ParseUint(hex, 16, 64)
		if err != nil {
			return errUnchanged
		}
		resp["RequestId"] = json.RawMessage(strconv.FormatUint(n+1, 10))
		return nil
	})
}

// RequestIDWithoutHyphens writes the RequestId as 32 hexadecimal digits: non-empty and
// new for every response, but not in UUID form (breaks T9 only).
func RequestIDWithoutHyphens(body []byte) []byte {
	return editRequestID(body, func(id string) string { return strings.ReplaceAll(id, "-", "") })
}

// RequestIDUpperCase writes the RequestId in capital hexadecimal digits: still a UUID
// (equivalent: T9 asks for hexadecimal groups, not for a case).
func RequestIDUpperCase(body []byte) []byte {
	return editRequestID(body, strings.ToUpper)
}

func editRequestID(body []byte, f func(string) string) []byte {
	return rewriteResponse(body, func(resp map[string]json.RawMessage) error {
		var id string
		if json.Unmarshal(resp["RequestId"], &id) != nil {
			return errUnchanged
		}
		resp["RequestId"] = mustMarshal(f(id))
		return nil
	})
}

// shortRequestID cuts the last digit of a RequestId of 36 characters or more (a UUID
// has 36), leaving every other byte alone (breaks T9).
func shortRequestID(body []byte) []byte {
	start, end, ok := stringMember(body, "RequestId")
	if !ok || end-start < 36 {
		return body
	}
	return slices.Concat(body[:start+35], body[start+36:])
}

// ErrorOutsideResponse moves "Error" from inside "Response" to the top level of the body
// (breaks T7).
func ErrorOutsideResponse(body []byte) []byte {
	return rewriteTop(body, func(top map[string]json.RawMessage) error {
		var resp map[string]json.RawMessage
		if json.Unmarshal(top["Response"], &resp) != nil || resp["Error"] == nil {
			return errUnchanged
		}
		top["Error"] = resp["Error"]
		delete(resp, "Error")
		top["Response"] = mustMarshal(resp)
		return nil
	})
}

// EmptyMessage empties every Error.Message (breaks T7).
func EmptyMessage(body []byte) []byte {
	return editError(body, func(e map[string]json.RawMessage) error {
		e["Message"] = json.RawMessage(`""`)
		return nil
	})
}

// RewordedMessage replaces every Error.Message by other, non-empty wording (equivalent:
// T7 never compares the wording).
func RewordedMessage(body []byte) []byte {
	return editError(body, func(e map[string]json.RawMessage) error {
		e["Message"] = mustMarshal("请求失败 (the request failed); 다시 시도하십시오.")
		return nil
	})
}

// RenameJobSet calls the job list "Jobs" instead of "JobSet" (breaks T6).
func RenameJobSet(body []byte) []byte {
	return rewriteResponse(body, func(resp map[string]json.RawMessage) error {
		set, ok := resp["JobSet"]
		if !ok {
			return errUnchanged
		}
		resp["Jobs"] = set
		delete(resp, "JobSet")
		return nil
	})
}

// DuplicateJobSet gives every success with jobs a second, empty "JobSet" member after
// its "RequestId" (breaks T6: one body, read two ways: a reader that keeps the first of
// duplicate names, as gjson does, sees the jobs; one that keeps the last, as
// encoding/json and the SDKs do, sees none).
func DuplicateJobSet(body []byte) []byte {
	_, end, ok := stringMember(body, "RequestId")
	if !ok || !bytes.Contains(body, []byte(`"JobSet":[{`)) {
		return body
	}
	cut := end + 1 // after the value's closing quote
	return slices.Concat(body[:cut], []byte(`,"JobSet":[]`), body[cut:])
}

// ByteOrderMark starts every body with a UTF-8 byte-order mark (breaks T6: RFC 8259
// forbids one in JSON sent over a network).
func ByteOrderMark(body []byte) []byte {
	return append([]byte("\xef\xbb\xbf"), body...)
}

// refuseSizeOver answers RequestSizeLimitExceeded to a POST body over body bytes, or a
// GET URL over url bytes (0: no such limit): a limit set a little lower than T10's.
func refuseSizeOver(body int64, url int) middleware {
	return refuse(func(c *call) []byte {
		r := c.r
		if (body > 0 && r.Method == http.MethodPost && r.ContentLength > body) ||
			(url > 0 && r.Method == http.MethodGet && len(r.URL.RequestURI()) > url) {
			return errorBody("RequestSizeLimitExceeded", "The request is too large.", "")
		}
		return nil
	})
}

// jsonEscapesUndecoded re-signs a validly signed JSON body whose strings hold \u
// escapes with each escape's backslash escaped, so that the emulator reads the escape
// as the text it is written with (breaks T1: a body is JSON).
func jsonEscapesUndecoded(fx *fixture.Fixture) middleware {
	return lenient(fx, func(c *call, _ signedCall) bool {
		if c.r.Method != http.MethodPost || !bytes.Contains(c.body, []byte(`\u`)) {
			return false
		}
		var b bytes.Buffer
		in := false
		for i := 0; i < len(c.body); i++ {
			ch := c.body[i]
			switch {
			case !in:
				in = ch == '"'
			case ch == '"':
				in = false
			case ch == '\\' && i+1 < len(c.body):
				if c.body[i+1] == 'u' {
					b.WriteByte('\\') // the escape's backslash, escaped: the text \uXXXX
				} else {
					b.WriteByte(ch)
					i++
					ch = c.body[i]
				}
			}
			b.WriteByte(ch)
		}
		c.setBody(b.Bytes())
		return true
	})
}

// queryValuesUndecoded re-signs a validly signed GET whose query holds %XX escapes with
// each % itself escaped, so that the emulator reads an escape as the text it is written
// with (breaks T2: a query is percent-decoded).
func queryValuesUndecoded(fx *fixture.Fixture) middleware {
	return lenient(fx, func(c *call, _ signedCall) bool {
		if c.r.Method != http.MethodGet || !strings.Contains(c.r.URL.RawQuery, "%") {
			return false
		}
		c.setQuery(strings.ReplaceAll(c.r.URL.RawQuery, "%", "%25"))
		return true
	})
}

// methodLoosely serves a validly signed request whose method match takes for GET or
// POST as that method, re-signed (breaks T3: methods are case-sensitive, RFC 9110 9.1).
func methodLoosely(match func(got, want string) bool) func(*fixture.Fixture) middleware {
	return func(fx *fixture.Fixture) middleware {
		return rewrite(func(c *call) {
			m := c.r.Method
			if m == http.MethodGet || m == http.MethodPost {
				return
			}
			for _, want := range []string{http.MethodGet, http.MethodPost} {
				if match(m, want) {
					s, ok := c.verified(fx)
					c.r.Method = want
					if ok {
						c.resignAs(s)
					}
					return
				}
			}
		})
	}
}
