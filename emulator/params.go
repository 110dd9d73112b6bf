package emulator

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"
)

// source says where the business parameters of a request are.
type source int

const (
	sourceJSON  source = iota // POST JSON body (T1)
	sourceQuery               // GET query (T2)
	sourcePairs               // signature v1 parameters, common ones removed (A7)
)

// pair is one decoded key=value of a query or form body.
type pair struct{ key, val []byte }

// request holds the ListJobs parameters. Byte slices point into the request body or
// the scratch buffers; they live until the response is written.
type request struct {
	storeID  []byte
	hasStore bool
	ids      [][]byte
	hasIDs   bool
}

// paramError is a parameter check that failed (P4-P7).
type paramError struct{ code, msg string }

// maxEcho bounds how much of a client's parameter name an error message repeats.
const maxEcho = 64

func unknownParam(name []byte) *paramError {
	if len(name) > maxEcho {
		name = name[:maxEcho]
	}
	return &paramError{codeUnknownParameter, "The parameter `" + string(name) + "` is not recognized by ListJobs."}
}

func invalidParam(msg string) *paramError { return &paramError{codeInvalidParameter, msg} }

// parseJSON reads the parameters of a POST body (P4-P7, P10). An empty body has no
// parameters. A body that is not a JSON object is InvalidParameter; then an unknown key
// (UnknownParameter) wins over a wrong type or a key given twice (InvalidParameter).
func (e *Emulator) parseJSON(body []byte, req *request, sc *scratch) *paramError {
	if len(body) == 0 {
		return nil
	}
	// Validation first: the walk below relies on the structure being sound, and the
	// scanner of encoding/json bounds nesting depth without recursion of ours.
	if !json.Valid(body) {
		return invalidParam("The request body is not valid JSON.")
	}
	i := skipWS(body, 0)
	if at(body, i) != '{' {
		return invalidParam("The request body must be a JSON object.")
	}
	var unknown, invalid *paramError
	ids := sc.ids[:0]
	defer func() { sc.ids = ids }()
	seenStore, seenIDs := false, false
	i = skipWS(body, i+1)
	for at(body, i) == '"' {
		ks := i
		i = skipString(body, i)
		key := decodeString(body[ks:i])
		i = skipWS(body, i)
		if at(body, i) != ':' {
			return invalidParam("The request body is not valid JSON.")
		}
		i = skipWS(body, i+1)
		vs := i
		i = skipValue(body, i)
		val := body[vs:i]
		switch string(key) {
		case "UserStoreId":
			switch {
			case seenStore:
				invalid = orFirst(invalid, invalidParam("The parameter `UserStoreId` is given more than once."))
			case isNull(val): // P10: null counts as absent
			case at(val, 0) == '"':
				req.storeID, req.hasStore = decodeString(val), true
			default:
				invalid = orFirst(invalid, invalidParam("The parameter `UserStoreId` must be a string."))
			}
			seenStore = true
		case "JobIds":
			switch {
			case seenIDs:
				invalid = orFirst(invalid, invalidParam("The parameter `JobIds` is given more than once."))
			case isNull(val): // P10: null counts as absent
			case at(val, 0) == '[':
				var ok bool
				ids, ok = appendStrings(ids, val)
				if !ok {
					invalid = orFirst(invalid, invalidParam("The parameter `JobIds` must be an array of strings."))
				}
				req.hasIDs = true
			default:
				invalid = orFirst(invalid, invalidParam("The parameter `JobIds` must be an array of strings."))
			}
			seenIDs = true
		default:
			if unknown == nil {
				unknown = unknownParam(key)
			}
		}
		i = skipWS(body, i)
		if at(body, i) != ',' {
			break
		}
		i = skipWS(body, i+1)
	}
	req.ids = ids
	if unknown != nil {
		return unknown
	}
	return invalid
}

func orFirst(have, next *paramError) *paramError {
	if have != nil {
		return have
	}
	return next
}

// appendStrings appends the elements of a JSON array that are all strings, or reports false.
func appendStrings(ids [][]byte, arr []byte) ([][]byte, bool) {
	j := skipWS(arr, 1)
	if at(arr, j) == ']' {
		return ids, true
	}
	for {
		if at(arr, j) != '"' {
			return ids, false
		}
		es := j
		j = skipString(arr, j)
		ids = append(ids, decodeString(arr[es:j]))
		j = skipWS(arr, j)
		if at(arr, j) != ',' {
			return ids, true
		}
		j = skipWS(arr, j+1)
	}
}

// at is b[i], or 0 past the end, so a walk over validated JSON never indexes out of range.
func at(b []byte, i int) byte {
	if i < len(b) {
		return b[i]
	}
	return 0
}

func skipWS(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the index after the string that starts at b[i] == '"'.
func skipString(b []byte, i int) int {
	for j := i + 1; j < len(b); {
		switch b[j] {
		case '\\':
			j += 2
		case '"':
			return j + 1
		default:
			j++
		}
	}
	return len(b)
}

// skipValue returns the index after the JSON value that starts at b[i].
func skipValue(b []byte, i int) int {
	switch at(b, i) {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for i < len(b) {
			switch b[i] {
			case '"':
				i = skipString(b, i)
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return i
	}
	for i < len(b) && !strings.ContainsRune(",}] \t\r\n", rune(b[i])) {
		i++
	}
	return i
}

func isNull(v []byte) bool { return string(v) == "null" }

// decodeString decodes a JSON string literal (quotes included). Plain strings are
// returned in place; escapes and invalid UTF-8 are decoded as encoding/json does.
func decodeString(lit []byte) []byte {
	if len(lit) < 2 {
		return nil
	}
	inner := lit[1 : len(lit)-1]
	if bytes.IndexByte(inner, '\\') < 0 && utf8.Valid(inner) {
		return inner
	}
	var s string
	if json.Unmarshal(lit, &s) != nil {
		return inner
	}
	return []byte(s)
}

// parseQuery reads the parameters of a GET query (T2).
func (e *Emulator) parseQuery(query []byte, req *request, sc *scratch) *paramError {
	pairs, ok := splitQuery(query, sc)
	if !ok {
		return invalidParam("Url key and value should be splited by `=`, and escapes must be valid.")
	}
	return e.parsePairs(pairs, req, sc)
}

// parsePairs reads UserStoreId and JobIds.N (N a non-negative integer) from decoded
// parameters. Anything else is UnknownParameter; a parameter given twice is InvalidParameter.
func (e *Emulator) parsePairs(pairs []pair, req *request, sc *scratch) *paramError {
	var unknown, invalid *paramError
	ids, ns := sc.ids[:0], sc.ns[:0]
	for _, p := range pairs {
		switch {
		case string(p.key) == "UserStoreId":
			if req.hasStore {
				invalid = orFirst(invalid, invalidParam("The parameter `UserStoreId` is given more than once."))
			}
			req.storeID, req.hasStore = p.val, true
		case bytes.HasPrefix(p.key, []byte("JobIds.")) && isIndex(p.key[len("JobIds."):]):
			n := 0
			for _, c := range p.key[len("JobIds."):] {
				n = n*10 + int(c-'0')
			}
			ns = append(ns, n)
			ids = append(ids, p.val)
			req.hasIDs = true
		default:
			if unknown == nil {
				unknown = unknownParam(p.key)
			}
		}
	}
	slices.Sort(ns)
	for k := 1; k < len(ns); k++ {
		if ns[k] == ns[k-1] {
			invalid = orFirst(invalid, invalidParam("A parameter `JobIds.N` is given more than once."))
			break
		}
	}
	sc.ids, sc.ns = ids, ns
	req.ids = ids
	if unknown != nil {
		return unknown
	}
	return invalid
}

// isIndex is a non-negative decimal integer of at most 9 digits.
func isIndex(s []byte) bool {
	if len(s) == 0 || len(s) > 9 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// splitQuery decodes k=v pairs joined by '&' (empty segments skipped) into the scratch
// buffers. ok is false when a segment has no '=' or a bad %-escape; the other pairs are
// still returned.
func splitQuery(src []byte, sc *scratch) (pairs []pair, ok bool) {
	if cap(sc.unesc) < len(src) {
		sc.unesc = make([]byte, 0, len(src))
	}
	// Decoding never lengthens a component, so buf never reallocates and the
	// sub-slices handed out stay valid.
	buf := sc.unesc[:0]
	pairs = sc.pairs[:0]
	ok = true
	for len(src) > 0 {
		var seg []byte
		seg, src, _ = bytes.Cut(src, []byte("&"))
		if len(seg) == 0 {
			continue
		}
		k, v, found := bytes.Cut(seg, []byte("="))
		if !found {
			ok = false
			continue
		}
		ks := len(buf)
		buf, found = unescape(buf, k)
		ke := len(buf)
		var good bool
		buf, good = unescape(buf, v)
		if !found || !good {
			ok = false
			continue
		}
		pairs = append(pairs, pair{key: buf[ks:ke:ke], val: buf[ke:len(buf):len(buf)]})
	}
	sc.unesc, sc.pairs = buf, pairs
	return pairs, ok
}

// unescape appends the query-decoded s ('+' is a space, %XX a byte) to dst.
func unescape(dst, s []byte) ([]byte, bool) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '+':
			dst = append(dst, ' ')
		case '%':
			if i+2 >= len(s) {
				return dst, false
			}
			h, l := unhex(s[i+1]), unhex(s[i+2])
			if h < 0 || l < 0 {
				return dst, false
			}
			dst = append(dst, byte(h<<4|l))
			i += 2
		default:
			dst = append(dst, c)
		}
	}
	return dst, true
}

func unhex(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c-'a') + 10
	case 'A' <= c && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// v1Params returns the parameters of a request that carries a signature v1 Signature
// parameter (GET query, or a form-encoded POST body), and whether it does.
func (e *Emulator) v1Params(r *http.Request, body []byte, sc *scratch) (pairs []pair, malformed, ok bool) {
	var src []byte
	if r.Method == http.MethodGet {
		src = []byte(r.URL.RawQuery)
	} else {
		mt, _, _ := strings.Cut(header(r, "Content-Type"), ";")
		if !strings.EqualFold(strings.TrimSpace(mt), "application/x-www-form-urlencoded") {
			return nil, false, false
		}
		src = body
	}
	pairs, good := splitQuery(src, sc)
	for _, p := range pairs {
		if string(p.key) == "Signature" {
			return pairs, !good, true
		}
	}
	return nil, false, false
}
