package mutants

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/ciam-harness/listjobs/fixture"
	"github.com/ciam-harness/listjobs/signing"
	"github.com/ciam-harness/listjobs/vocab"
)

// The request-aware breaks of the catalogue, one constructor each. Error codes and
// the service name are the contract's.
const (
	codeSignatureFailure     = "AuthFailure.SignatureFailure"
	codeSignatureExpire      = "AuthFailure.SignatureExpire"
	codeInvalidAuthorization = "AuthFailure.InvalidAuthorization"
	codeInvalidUserStore     = "FailedOperation.InvalidUserStore"
	codeMissingParameter     = "MissingParameter"
	codeInvalidParameter     = "InvalidParameter"
	service                  = vocab.Service
	msgSignatureFailure      = "The provided credentials could not be validated. Please check your signature is correct."
)

// ---- transport (T) ----

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

// ---- authentication (A) ----

// claimed is a TC3 request's signature claim with the fixture key of its SecretId,
// whether or not the signature verifies.
func (c *call) claimed(fx *fixture.Fixture) (signedCall, bool) {
	auth, ts, ok := c.tc3()
	if !ok {
		return signedCall{}, false
	}
	cred, ok := credentialByID(fx, auth.SecretID)
	return signedCall{auth: auth, ts: ts, cred: cred}, ok
}

// acceptIfAlso accepts (re-signs) a TC3 request whose signature does not verify as
// received but does once alter has changed a copy of it: a server that reads the
// request more loosely than it was signed (breaks A2). alter returns the body to verify
// over, and may change the copy's headers or query; ok false skips the request.
func acceptIfAlso(fx *fixture.Fixture, alter func(c *call) (body []byte, edit func(r *http.Request), ok bool)) middleware {
	return rewrite(func(c *call) {
		s, ok := c.claimed(fx)
		if !ok || signing.VerifyPortless(c.r, c.payload(), s.cred.SecretKey, s.auth, s.ts) {
			return
		}
		body, edit, ok := alter(c)
		if ok && c.verifiesWith(s, body, edit) {
			c.resignAs(s)
		}
	})
}

// compactBody is a POST body re-encoded without white space.
func compactBody(c *call) ([]byte, func(*http.Request), bool) {
	if c.r.Method != http.MethodPost {
		return nil, nil, false
	}
	var buf bytes.Buffer
	if json.Compact(&buf, c.body) != nil || bytes.Equal(buf.Bytes(), c.body) {
		return nil, nil, false
	}
	return buf.Bytes(), nil, true
}

// withoutJobIDs is a POST body without its JobIds member, the others compact and in order.
func withoutJobIDs(c *call) ([]byte, func(*http.Request), bool) {
	if c.r.Method != http.MethodPost {
		return nil, nil, false
	}
	b, ok := dropMember(c.body, "JobIds")
	return b, nil, ok
}

// members reads the members of a JSON object in order.
func members(body []byte) (keys []string, vals []json.RawMessage, ok bool) {
	dec := json.NewDecoder(bytes.NewReader(body))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, nil, false
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, nil, false
		}
		k, _ := t.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, nil, false
		}
		keys, vals = append(keys, k), append(vals, v)
	}
	return keys, vals, true
}

// object encodes members in order, compact.
func object(keys []string, vals []json.RawMessage) []byte {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(mustMarshal(k))
		b.WriteByte(':')
		_ = json.Compact(&b, vals[i])
	}
	b.WriteByte('}')
	return b.Bytes()
}

// dropMember removes one member of a JSON object body; false when it has none.
func dropMember(body []byte, name string) ([]byte, bool) {
	keys, vals, ok := members(body)
	i := slices.Index(keys, name)
	if !ok || i < 0 {
		return nil, false
	}
	return object(slices.Delete(keys, i, i+1), slices.Delete(vals, i, i+1)), true
}

// replaceMember sets one member of a JSON object body, keeping the order.
func replaceMember(body []byte, name string, val json.RawMessage) ([]byte, bool) {
	keys, vals, ok := members(body)
	i := slices.Index(keys, name)
	if !ok || i < 0 {
		return nil, false
	}
	vals[i] = val
	return object(keys, vals), true
}

// anyRegionValue tries the signed X-TC-Region at every region name: a server that
// does not check the values of the signed headers beyond content-type and host.
func anyRegionValue(fx *fixture.Fixture) middleware {
	return rewrite(func(c *call) {
		s, ok := c.claimed(fx)
		if !ok || !slices.Contains(s.auth.SignedHeaders, "x-tc-region") ||
			signing.VerifyPortless(c.r, c.payload(), s.cred.SecretKey, s.auth, s.ts) {
			return
		}
		for _, region := range knownRegions() {
			if c.verifiesWith(s, c.body, func(r *http.Request) { r.Header.Set("X-TC-Region", region) }) {
				c.resignAs(s)
				return
			}
		}
	})
}

// refuseUnless answers AuthFailure.SignatureFailure to a validly signed TC3 request
// that the emulator would check the signature of (within the size limits and the 300 s
// window) and that strict does not accept: a server that computes the signature over
// something else than the request as received (breaks A1).
func refuseUnless(fx *fixture.Fixture, strict func(c *call, s signedCall) bool) middleware {
	return refuse(func(c *call) []byte {
		if c.oversized() {
			return nil
		}
		s, ok := c.verified(fx)
		if !ok || skew(s.ts) > 300 || strict(c, s) {
			return nil
		}
		return errorBody(codeSignatureFailure, msgSignatureFailure, "")
	})
}

// sortedQuery is the query with its k=v pairs sorted.
func sortedQuery(q string) string {
	parts := strings.Split(q, "&")
	sort.Strings(parts)
	return strings.Join(parts, "&")
}

// querySorted verifies a GET over its query sorted, as some servers rebuild it.
func querySorted(c *call, s signedCall) bool {
	q := c.r.URL.RawQuery
	if c.r.Method != http.MethodGet || sortedQuery(q) == q {
		return true
	}
	return c.verifiesWith(s, nil, func(r *http.Request) { r.URL.RawQuery = sortedQuery(q) })
}

// bodyReencoded verifies a POST over its body re-encoded compact.
func bodyReencoded(c *call, s signedCall) bool {
	b, _, ok := compactBody(c)
	return !ok || c.verifiesWith(s, b, nil)
}

// defaultSignedHeaders accepts only the SignedHeaders content-type;host.
func defaultSignedHeaders(_ *call, s signedCall) bool {
	return slices.Equal(s.auth.SignedHeaders, []string{"content-type", "host"})
}

// signedHeadersUnrequired serves a validly signed request whose SignedHeaders leave out
// content-type or host, re-signed over its list with both added (breaks A1: the two
// headers are required).
func signedHeadersUnrequired(c *call, s signedCall) bool {
	names := slices.Clone(s.auth.SignedHeaders)
	for _, h := range [...]string{"content-type", "host"} {
		if !slices.Contains(names, h) {
			names = append(names, h)
		}
	}
	if len(names) == len(s.auth.SignedHeaders) {
		return false
	}
	slices.Sort(names)
	c.resign(s.cred, s.auth.Service, s.ts, names)
	return false // signed already, over the longer list
}

// refuseSkewOver answers AuthFailure.SignatureExpire to a validly signed request whose
// X-TC-Timestamp is more than limit seconds (and at most 300) away (breaks A3).
func refuseSkewOver(fx *fixture.Fixture, limit int64) middleware {
	return refuse(func(c *call) []byte {
		s, ok := c.verified(fx)
		if !ok || skew(s.ts) <= limit || skew(s.ts) > 300 {
			return nil
		}
		return errorBody(codeSignatureExpire, "The signature is expired, please request again.", "")
	})
}

// acceptFuture re-signs a validly signed request from more than 300 s in the future
// at the present time (breaks A3: only the past is checked).
func acceptFuture(fx *fixture.Fixture) middleware {
	return lenient(fx, func(c *call, s signedCall) bool {
		now := time.Now().Unix()
		if s.ts <= now+300 {
			return false
		}
		c.resign(s.cred, s.auth.Service, now, s.auth.SignedHeaders)
		return false // signed already, at the new time
	})
}

// acceptUnknownSecretID serves a TC3 request of a SecretId the fixture does not know
// as a request of its primary key (breaks A4).
func acceptUnknownSecretID(fx *fixture.Fixture) middleware {
	primary, _ := fx.Credential("primary")
	return rewrite(func(c *call) {
		auth, ts, ok := c.tc3()
		if !ok || primary.SecretID == "" {
			return
		}
		if _, known := credentialByID(fx, auth.SecretID); !known {
			c.resign(primary, auth.Service, ts, auth.SignedHeaders)
		}
	})
}

// acceptScope re-signs a validly signed request whose credential scope has another
// date than its timestamp's (date) or another service than ciam (!date) (breaks A6).
func acceptScope(fx *fixture.Fixture, date bool) middleware {
	return lenient(fx, func(c *call, s signedCall) bool {
		if date && s.auth.Date != signing.Date(s.ts) {
			return true // Sign dates the scope from the timestamp
		}
		if !date && s.auth.Service != service {
			c.resign(s.cred, service, s.ts, s.auth.SignedHeaders)
		}
		return false
	})
}

// refuseV1 answers AuthFailure.InvalidAuthorization to every signature v1 request (breaks A7).
func refuseV1() middleware {
	return refuse(func(c *call) []byte {
		if c.isV1() {
			return errorBody(codeInvalidAuthorization, "Signature v1 is not supported: sign with TC3-HMAC-SHA256.", "")
		}
		return nil
	})
}

// ---- routing and parameters (P) ----

// setHeaderIf sets a header of a validly signed request (re-signing it) when it is
// absent or wrong: a server that does not check it (breaks P1, P3).
func setHeaderIf(fx *fixture.Fixture, name, value string, when func(v string) bool) middleware {
	return lenient(fx, func(c *call, _ signedCall) bool {
		if !when(c.r.Header.Get(name)) {
			return false
		}
		c.r.Header.Set(name, value)
		return true
	})
}

// storeIDWrongCode answers InvalidParameter where the emulator answers MissingParameter
// for a request without UserStoreId (breaks P4).
func storeIDWrongCode() middleware {
	return amend(func(c *call, resp response, _ []byte) []byte {
		if resp.code != codeMissingParameter || c.isV1() {
			return nil
		}
		for _, h := range []string{"X-TC-Action", "X-TC-Version", "X-TC-Region", "X-TC-Timestamp"} {
			if c.r.Header.Get(h) == "" {
				return nil
			}
		}
		if c.params().hasStore {
			return nil
		}
		return errorBody(codeInvalidParameter, "The parameter `UserStoreId` is invalid.", resp.requestID)
	})
}

// literalString turns a JSON scalar into the string of its text; an array or object
// gives its first string (or scalar) element; false when there is none.
func literalString(v json.RawMessage) (string, bool) {
	v = bytes.TrimSpace(v)
	switch {
	case len(v) == 0 || string(v) == "null":
		return "", false
	case v[0] == '"':
		var s string
		return s, json.Unmarshal(v, &s) == nil
	case v[0] == '[':
		var els []json.RawMessage
		if json.Unmarshal(v, &els) == nil {
			for _, el := range els {
				if s, ok := literalString(el); ok {
					return s, true
				}
			}
		}
		return "", false
	case v[0] == '{':
		keys, vals, ok := members(v)
		if ok && len(keys) > 0 {
			return literalString(vals[0])
		}
		return "", false
	default:
		return string(v), true
	}
}

// coerceParam re-signs a validly signed JSON body whose member name is not of its
// type, after coerce turned it into one (breaks P5: wrong types accepted).
func coerceParam(fx *fixture.Fixture, name string, coerce func(v json.RawMessage) (json.RawMessage, bool)) middleware {
	return lenient(fx, func(c *call, _ signedCall) bool {
		if c.r.Method != http.MethodPost {
			return false
		}
		keys, vals, ok := members(c.body)
		i := slices.Index(keys, name)
		if !ok || i < 0 {
			return false
		}
		v, changed := coerce(vals[i])
		if !changed {
			return false
		}
		b, ok := replaceMember(c.body, name, v)
		if ok {
			c.setBody(b)
		}
		return ok
	})
}

// storeIDAsString reads a UserStoreId that is not a string as the text of its value.
func storeIDAsString(v json.RawMessage) (json.RawMessage, bool) {
	v = bytes.TrimSpace(v)
	if len(v) == 0 || v[0] == '"' || string(v) == "null" {
		return nil, false
	}
	s, ok := literalString(v)
	return mustMarshal(s), ok
}

// jobIDsAsStrings reads a JobIds that is not an array of strings as one: a string is
// a one-id list, elements and object values become the text of their values.
func jobIDsAsStrings(v json.RawMessage) (json.RawMessage, bool) {
	v = bytes.TrimSpace(v)
	if len(v) == 0 || string(v) == "null" {
		return nil, false
	}
	var ids []string
	if json.Unmarshal(v, &ids) == nil {
		return nil, false // already an array of strings
	}
	var els []json.RawMessage
	switch v[0] {
	case '"':
		els = []json.RawMessage{v}
	case '[':
		_ = json.Unmarshal(v, &els)
	case '{':
		_, els, _ = members(v)
	default:
		els = []json.RawMessage{v}
	}
	ids = []string{}
	for _, el := range els {
		if s, ok := literalString(el); ok {
			ids = append(ids, s)
		}
	}
	return mustMarshal(ids), true
}

// nonObjectAsEmpty re-signs a validly signed JSON body that is JSON but not an object
// as an empty body (breaks P7: it is then MissingParameter, not InvalidParameter).
func nonObjectAsEmpty(fx *fixture.Fixture) middleware {
	return lenient(fx, func(c *call, _ signedCall) bool {
		b := bytes.TrimSpace(c.body)
		if c.r.Method != http.MethodPost || len(b) == 0 || b[0] == '{' || !json.Valid(b) {
			return false
		}
		c.setBody([]byte{})
		return true
	})
}

// unknownStoreEmpty answers an empty list where the emulator answers InvalidUserStore
// for a user store id that no account holds (breaks P8).
func unknownStoreEmpty(fx *fixture.Fixture) middleware {
	faulty := map[string]bool{}
	for _, f := range fx.Faults {
		faulty[f.UserStoreID] = true
	}
	return amend(func(c *call, resp response, _ []byte) []byte {
		p := c.params()
		if resp.code != codeInvalidUserStore || !p.hasStore || p.store == "" || faulty[p.store] {
			return nil
		}
		if _, ok := storeByID(fx, p.store); ok {
			return nil
		}
		return successBody(nil, resp.requestID)
	})
}

// emptyStoreIDMissing answers MissingParameter where the emulator answers
// InvalidUserStore for "UserStoreId": "" (breaks P9).
func emptyStoreIDMissing() middleware {
	return amend(func(c *call, resp response, _ []byte) []byte {
		if p := c.params(); resp.code == codeInvalidUserStore && p.hasStore && p.store == "" {
			return errorBody(codeMissingParameter, "The request is missing a required parameter `UserStoreId`.", resp.requestID)
		}
		return nil
	})
}

// ---- semantics (S) ----

// editListing changes the jobs of a success of a user store the fixture holds; edit
// returns the new jobs, or false to keep the answer.
func editListing(fx *fixture.Fixture, edit func(p params, st *fixture.UserStore, jobs []json.RawMessage) ([]json.RawMessage, bool)) middleware {
	return amend(func(c *call, resp response, _ []byte) []byte {
		if resp.code != "" {
			return nil
		}
		p := c.params()
		st, ok := storeByID(fx, p.store)
		if !ok {
			return nil
		}
		jobs, changed := edit(p, st, slices.Clone(resp.jobs))
		if !changed {
			return nil
		}
		return successBody(jobs, resp.requestID)
	})
}

func idsOf(jobs []json.RawMessage) map[string]bool {
	out := make(map[string]bool, len(jobs))
	for _, j := range jobs {
		out[jobID(j)] = true
	}
	return out
}

// filtered tells a request that lists ids.
func (p params) filtered() bool { return len(p.ids) > 0 }

// extraJob adds to a filtered listing one job of the store that was not asked for (breaks S2).
func extraJob(p params, st *fixture.UserStore, jobs []json.RawMessage) ([]json.RawMessage, bool) {
	if !p.filtered() {
		return nil, false
	}
	have := idsOf(jobs)
	for _, j := range st.Jobs {
		if !have[j.ID] && !slices.Contains(p.ids, j.ID) {
			return append(jobs, json.RawMessage(j.Raw)), true
		}
	}
	return nil, false
}

// noMatch answers every filtered listing with no job (breaks S2).
func noMatch(p params, _ *fixture.UserStore, jobs []json.RawMessage) ([]json.RawMessage, bool) {
	if !p.filtered() || len(jobs) == 0 {
		return nil, false
	}
	return []json.RawMessage{}, true
}

// siblingJobs adds to an unfiltered listing the jobs of another user store of the
// same account (breaks S6).
func siblingJobs(fx *fixture.Fixture) func(params, *fixture.UserStore, []json.RawMessage) ([]json.RawMessage, bool) {
	return func(p params, st *fixture.UserStore, jobs []json.RawMessage) ([]json.RawMessage, bool) {
		sib, ok := smallestSibling(fx, st)
		if p.filtered() || !ok {
			return nil, false
		}
		for _, j := range sib.Jobs {
			jobs = append(jobs, json.RawMessage(j.Raw))
		}
		return jobs, true
	}
}

// acrossStores finds the listed ids that the store lacks in the other user stores of
// its account (breaks S6).
func acrossStores(fx *fixture.Fixture) func(params, *fixture.UserStore, []json.RawMessage) ([]json.RawMessage, bool) {
	return func(p params, st *fixture.UserStore, jobs []json.RawMessage) ([]json.RawMessage, bool) {
		have := idsOf(jobs)
		changed := false
		for _, id := range p.ids {
			if have[id] {
				continue
			}
			for _, o := range fx.UserStores {
				if o.ID == st.ID || o.Account != st.Account {
					continue
				}
				for _, j := range o.Jobs {
					if j.ID == id {
						jobs, have[id], changed = append(jobs, json.RawMessage(j.Raw)), true, true
					}
				}
			}
		}
		return jobs, changed
	}
}

// notRepeatable gives every answer with jobs one more job that exists for that
// answer only, as if each call created a job recording itself: the same request sent
// twice never returns the same ids, however other requests interleave (breaks S7).
func notRepeatable(fx *fixture.Fixture) middleware {
	var calls atomic.Uint64
	return editListing(fx, func(_ params, _ *fixture.UserStore, jobs []json.RawMessage) ([]json.RawMessage, bool) {
		if len(jobs) == 0 {
			return nil, false
		}
		id := fmt.Sprintf("job-listing-%012d", calls.Add(1))
		return append(jobs, json.RawMessage(`{"Id":"`+id+`","Status":"COMPLETED","Type":"EXPORT_USER","CreatedDate":1715156770024,"Format":"CSV","Location":null}`)), true
	})
}

// phantomJob adds to a filtered listing a well-formed job that the user store does not
// hold (breaks S8: a filtered listing is a subset of the full one).
func phantomJob(p params, _ *fixture.UserStore, jobs []json.RawMessage) ([]json.RawMessage, bool) {
	if !p.filtered() {
		return nil, false
	}
	return append(jobs, json.RawMessage(`{"Id":"job-phantom-00000000000000000000","Status":"PENDING","Type":"IMPORT_USER","CreatedDate":1715156770024,"Format":"CSV","Location":null}`)), true
}

// orderSensitive drops the job of the last listed id when the ids are not in
// ascending order (breaks S8: the order of JobIds does not change the set).
func orderSensitive(p params, _ *fixture.UserStore, jobs []json.RawMessage) ([]json.RawMessage, bool) {
	if !p.filtered() || slices.IsSorted(p.ids) {
		return nil, false
	}
	last := p.ids[len(p.ids)-1]
	out := slices.DeleteFunc(jobs, func(j json.RawMessage) bool { return jobID(j) == last })
	return out, true
}

// duplicatesDropped leaves out the jobs whose ids JobIds repeats (breaks S8: repeating
// an id does not change the set).
func duplicatesDropped(p params, _ *fixture.UserStore, jobs []json.RawMessage) ([]json.RawMessage, bool) {
	count := map[string]int{}
	for _, id := range p.ids {
		count[id]++
	}
	out := slices.DeleteFunc(jobs, func(j json.RawMessage) bool { return count[jobID(j)] > 1 })
	return out, len(out) != len(jobs)
}

// firstTwo keeps, of a filtered listing, only the jobs of the first two distinct ids
// listed (breaks S8: ListJobs(a ∪ b) is the union of ListJobs(a) and ListJobs(b)).
func firstTwo(p params, _ *fixture.UserStore, jobs []json.RawMessage) ([]json.RawMessage, bool) {
	keep := map[string]bool{}
	for _, id := range p.ids {
		if len(keep) == 2 {
			break
		}
		keep[id] = true
	}
	if !p.filtered() || len(jobs) <= 2 {
		return nil, false
	}
	out := slices.DeleteFunc(jobs, func(j json.RawMessage) bool { return !keep[jobID(j)] })
	return out, len(out) != len(jobs)
}

// ---- the Job object (J) ----

// createdDateString writes CreatedDate as a JSON string of its digits (breaks J4).
func createdDateString(body []byte) []byte {
	return editJobs(func(job map[string]json.RawMessage) {
		if v, ok := job["CreatedDate"]; ok && len(v) > 0 && v[0] != '"' {
			job["CreatedDate"] = mustMarshal(string(v))
		}
	})(body)
}

// renameNested renames a field inside every element of a job's array field.
func renameNested(name, from, to string) func([]byte) []byte {
	return editNested(name, func(el map[string]json.RawMessage) any {
		if v, ok := el[from]; ok {
			el[to] = v
			delete(el, from)
		}
		return el
	})
}

// nestedField replaces every element of a job's array field by one of its fields.
func nestedField(name, field string) func([]byte) []byte {
	return editNested(name, func(el map[string]json.RawMessage) any { return el[field] })
}

// trimUser writes IMPORT_USER as IMPORT and EXPORT_USER as EXPORT.
func trimUser(s string) any { return strings.TrimSuffix(s, "_USER") }

// urlObject wraps a Location string in an object.
func urlObject(s string) any { return map[string]string{"Url": s} }

// emptyString replaces a string by "".
func emptyString(string) any { return "" }

// lower lower-cases a string.
func lower(s string) any { return strings.ToLower(s) }
