package explore

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/ciam-harness/listjobs/steps"
	"github.com/ciam-harness/listjobs/vocab"
	"github.com/ciam-harness/listjobs/wire"
)

// A request is drawn as values of the kinds below (req), turned into sentences of the
// step catalogue (sentences), which the catalogue's own handlers build and sign
// (steps.Suite.BuildRequest): what is sent is what the printed scenario says. The
// oracle reads the same values (expect).

// storeKind is what the request's UserStoreId is.
type storeKind int

const (
	storeFixture   storeKind = iota // a store of the fixture, by role
	storeFault                      // the user store of a fault rule, by code
	storeUnknown                    // an id no store has (unknownStores)
	storeEmpty                      // "UserStoreId": ""
	storeMissing                    // no UserStoreId
	storeNull                       // "UserStoreId": null
	storeNotString                  // "UserStoreId": a number, an array...
	storeNotObject                  // a POST body that is JSON but not an object, or not JSON
	storeEmptyBody                  // a POST with an empty body
)

// idKind is what one element of JobIds names.
type idKind int

const (
	idOwn     idKind = iota // a job of the request's store: its sorted ids[n]
	idOther                 // a job of another store of the fixture (store: its role)
	idUnknown               // an id no store holds (unknownIDs[n])
	idNear                  // a near miss of the store's ids[n] (nearKinds[near])
)

// jobID is one element of JobIds.
type jobID struct {
	kind  idKind
	n     int
	store string // idOther: the store's role
	near  int    // idNear: the kind
}

// idsKind is what JobIds is.
type idsKind int

const (
	idsAbsent   idsKind = iota
	idsList             // a list of jobIDs (maybe empty)
	idsNull             // "JobIds": null (P10)
	idsNotArray         // not an array of strings (P5: notArrays[n])
)

// breakKind is a deliberate break of the signature, the key or the authorization.
type breakKind int

const (
	breakNone        breakKind = iota
	breakWrongKey              // signed with a wrong SecretKey (A2)
	breakUnknownID             // an unknown SecretId (A4)
	breakSkew                  // the timestamp skewed by skews[n] seconds (A3)
	breakScopeDate             // the scope's date a day off (A6)
	breakScopeSvc              // the scope's service another (A6)
	breakNoAuth                // no Authorization header (A5)
	breakAuthForm              // a malformed Authorization (A5: authForms[n])
	breakClaimed               // a SignedHeaders list changed after signing (A2)
	breakBodyAfter             // the body changed after signing (A2)
	breakQueryAfter            // the query changed after signing (A2)
	breakRegionAfter           // X-TC-Region changed after signing (A2)
	breakTypeAfter             // Content-Type changed after signing (A2)
	breakDigit                 // a hex digit of the signature changed (A2)
	breakCut                   // the signature cut short (A2)
	breakMoved                 // X-TC-Timestamp moved after signing (A2)
	breakOverMethod            // signed over the other method (A2)
	breakOverURI               // signed over another CanonicalURI (A2)
	breakNoToken               // a temporary key without its token (A8)
	breakWrongToken            // a wrong token (A8)
	breakV1Param               // a signature v1 parameter changed after signing (A2)
	breakV1NoRegion            // signature v1 without Region (P3)
	breakCount
)

// padKind pads a request to probe the size limits (T10).
type padKind int

const (
	padNone    padKind = iota
	padBodyOK          // a POST body of about 9,900,000 bytes: under 10 MB
	padBodyBig         // a POST body over 10 MB
	padURLOK           // a GET URL of about 31,000 bytes: under 32 KB
	padURLBig          // a GET URL over 32 KB
)

// The values the draws pick from.
var (
	// unknownRegion is no Tencent Cloud region (P3).
	unknownRegion = "xx-nowhere-1"
	// unknownIDs are job ids no store holds.
	unknownIDs = []string{"job-explore-unknown-0", "no-such-job", "00000000-0000-0000-0000-000000000000", "job with spaces", "jöb-ünïcode"}
	// unknownStores are user store ids no account has.
	unknownStores = []string{"us-explore-no-such-store", "us-00000000000000000000000000000000"}
	// notStrings are UserStoreId values that are not strings (P5).
	notStrings = []string{"123", "true", `["us-x"]`, `{"Id":"us-x"}`}
	// notArrays are JobIds values that are not arrays of strings (P5).
	notArrays = []string{`"job-1"`, `[1]`, `{"0":"job-1"}`, `[["job-1"]]`, `[null]`}
	// notObjects are POST bodies that are not a JSON object (P7).
	notObjects = []string{`[]`, `"x"`, `null`, `{`, `not json`}
	// undefinedParams are parameters ListJobs does not define (P6).
	undefinedParams = []string{"Foo", "DryRun", "Limit", "userStoreId", "Offset"}
	// otherActions and otherVersions are P1's and P2's.
	otherActions  = []string{"ListJob", "listjobs", "ListJobsX", "DescribeJobs"}
	otherVersions = []string{"2022-03-30", "2017-03-12", "2022-03-31x"}
	// languages are X-TC-Language values (T4).
	languages = []string{"en-US", "zh-CN"}
	// skews are timestamp skews in seconds: within 300 s accepted, beyond refused (A3).
	skews = []int{60, -60, 290, -290, 310, -310, 900, -900}
	// authForms are malformed Authorization headers (A5), as the catalogue writes them.
	authForms = []string{
		"",
		"Basic QUtJRGV4YW1wbGU6c2VjcmV0",
		"TC3-HMAC-SHA256",
		"tc3-hmac-sha256 Credential={{SecretId}}/{{date}}/ciam/tc3_request, SignedHeaders=content-type;host, Signature={{signature}}",
		"TC3-HMAC-SHA2560 Credential={{SecretId}}/{{date}}/ciam/tc3_request, SignedHeaders=content-type;host, Signature={{signature}}",
		"TC3-HMAC-SHA256 Credential={{SecretId}}/{{date}}/ciam/tc3_request, Signature={{signature}}",
		"TC3-HMAC-SHA256 Credential={{SecretId}}, SignedHeaders=content-type;host, Signature={{signature}}",
	}
	// signedLists are SignedHeaders lists: the first accepted with more headers (A1),
	// the others without content-type or host, refused with an AuthFailure code (A1).
	signedLists = []string{"content-type;host;x-tc-action", "content-type;host;x-tc-region;x-tc-timestamp", "content-type", "host"}
	// claimedLists are SignedHeaders lists claimed after signing over content-type;host.
	claimedLists = []string{"content-type;host;x-tc-action", "host;content-type"}
	// overURIs are CanonicalURIs other than "/" (A2).
	overURIs = []string{"/x", "//", ""}
	// scopeServices are credential-scope services other than ciam (A6).
	scopeServices = []string{"cvm", "CIAM"}
	// v1Params are signature v1 parameters changed after signing (A2).
	v1Params = []string{"Nonce", "Timestamp", "UserStoreId", "Region"}
	// digits are the signature's hex digits a break changes.
	digits = []string{"first", "middle", "last"}
	// nearKinds are the catalogue's kinds of near miss (steps' nearmiss.go).
	nearKinds = []string{"another case", "a proper prefix", "a suffix added", "surrounding white space"}
)

// req is one drawn request.
type req struct {
	cred    string // credential role
	store   storeKind
	role    string // storeFixture: the store's role
	n       int    // storeFault: faultCodes[n]; storeUnknown: unknownStores[n]; storeNotString: notStrings[n]; storeNotObject: notObjects[n]
	method  string
	ids     idsKind
	list    []jobID
	notArr  int
	undef   string // an undefined parameter's name, or ""
	enc     int    // 0: the catalogue's encoding; else a variant (encodings)
	region  string // "": the run's; "-": no X-TC-Region; else that name
	action  string // "": ListJobs
	version string // "": 2022-03-31
	lang    string
	sdkHdrs bool // X-TC-TraceId and X-TC-RequestClient, as the SDKs send
	charset bool // Content-Type application/json; charset=utf-8
	close   bool // Connection: close: the next request on a new connection
	signed  int  // 0: content-type;host; else signedLists[signed-1]
	brk     breakKind
	arg     int    // the break's argument (an index into its list, or seconds)
	v1      string // "": TC3; else HmacSHA1 or HmacSHA256
	pad     padKind
	near    int // 0: none; else the near miss m.near[near-1] (nearMiss)
}

// jsonString is s as a JSON string.
func jsonString(s string) string {
	b, _ := json.Marshal(s) // a string always encodes
	return string(b)
}

// resolved are the values of a request's parameters, as sent.
type resolved struct {
	storeID  string   // the UserStoreId (a string), or "" when it is not one
	storeRaw string   // the UserStoreId's JSON, "" when absent
	ids      []string // the JobIds' strings (idsList)
	idsRaw   string   // the JobIds' JSON, "" when absent
	params   []wire.Param
}

// nearMiss is the catalogue's near miss of id (steps' nearmiss.go, by its kinds).
func nearMiss(id string, kind int) string {
	switch nearKinds[kind] {
	case "another case":
		return swapCase(id)
	case "a proper prefix":
		r := []rune(id)
		return string(r[:len(r)-1])
	case "a suffix added":
		return id + "0"
	}
	return " " + id + " "
}

func swapCase(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		case r >= 'A' && r <= 'Z':
			return r - 'A' + 'a'
		}
		return r
	}, s)
}

// baseRole is the role of the store a request's sentences start from: its own, or a
// store with jobs when its UserStoreId is set otherwise.
func (m *model) baseRole(r *req) string {
	if r.store == storeFixture {
		return r.role
	}
	return m.stores[0].Role
}

// resolve computes the parameters of r.
func (m *model) resolve(r *req) resolved {
	var out resolved
	base := m.store(m.baseRole(r))
	switch r.store {
	case storeFixture:
		out.storeID = base.ID
	case storeFault:
		out.storeID = m.faultStore(m.faultCodes[r.n])
	case storeUnknown:
		out.storeID = unknownStores[r.n%len(unknownStores)]
	case storeEmpty:
		out.storeID = ""
	case storeNull:
		out.storeRaw = "null"
	case storeNotString:
		out.storeRaw = notStrings[r.n%len(notStrings)]
	}
	if out.storeRaw == "" && (r.store == storeFixture || r.store == storeFault || r.store == storeUnknown || r.store == storeEmpty) {
		out.storeRaw = jsonString(out.storeID)
	}
	if out.storeRaw != "" {
		out.params = append(out.params, wire.Param{Name: "UserStoreId", Raw: json.RawMessage(out.storeRaw)})
	}
	switch r.ids {
	case idsList:
		own := m.ids[base.ID]
		out.ids = []string{}
		for _, j := range r.list {
			out.ids = append(out.ids, m.idText(j, own))
		}
		b, _ := json.Marshal(out.ids)
		out.idsRaw = string(b)
	case idsNull:
		out.idsRaw = "null"
	case idsNotArray:
		out.idsRaw = notArrays[r.notArr%len(notArrays)]
	}
	if out.idsRaw != "" {
		out.params = append(out.params, wire.Param{Name: "JobIds", Raw: json.RawMessage(out.idsRaw)})
	}
	if r.undef != "" {
		out.params = append(out.params, wire.Param{Name: r.undef, Raw: json.RawMessage(`"x"`)})
	}
	return out
}

// idText is the string a jobID names, own being the request's store's sorted ids.
func (m *model) idText(j jobID, own []string) string {
	switch j.kind {
	case idOwn:
		if len(own) > 0 {
			return own[j.n%len(own)]
		}
	case idOther:
		if ids := m.ids[m.store(j.store).ID]; len(ids) > 0 {
			return ids[j.n%len(ids)]
		}
	case idNear:
		if len(own) > 0 {
			return nearMiss(own[j.n%len(own)], j.near)
		}
	}
	return unknownIDs[j.n%len(unknownIDs)]
}

// faultStore is the user store of the fault rule of code.
func (m *model) faultStore(code string) string {
	for _, f := range m.fx.Faults {
		if f.Code == code && f.SecretID == "" && f.UserStoreID != "" {
			return f.UserStoreID
		}
	}
	return ""
}

// The encodings of a request's parameters, besides the catalogue's own (0): a POST body
// (encBody...) or a GET query (encQuery...) written out, sent and signed as written.
const (
	encBodyReversed  = 1 + iota // the members in the other order
	encBodySpaced               // indented, with white space everywhere JSON allows it
	encBodyEscaped              // every character of the values as a \u escape
	encQueryUnsorted            // UserStoreId first, JobIds.N from the last index down
	encQueryPercent             // every byte of the values percent-encoded
	encQueryLower               // every byte percent-encoded, hex digits in lower case
	encCount
)

// body is the POST body of the parameters in an encoding (0: wire.EncodeBody).
func body(params []wire.Param, enc int) string {
	switch enc {
	case encBodyReversed:
		rev := slices.Clone(params)
		slices.Reverse(rev)
		return string(wire.EncodeBody(rev))
	case encBodySpaced:
		var b bytes.Buffer
		_ = json.Indent(&b, wire.EncodeBody(params), "", "  ") // EncodeBody writes valid JSON of valid parameters
		return strings.ReplaceAll(b.String(), `":`, `" :`)
	case encBodyEscaped:
		var b strings.Builder
		b.WriteByte('{')
		for i, p := range params {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(jsonString(p.Name) + ":" + escapeValue(p.Raw))
		}
		b.WriteByte('}')
		return b.String()
	}
	return string(wire.EncodeBody(params))
}

// escapeValue writes every character of the strings of a JSON value as a \u escape.
func escapeValue(raw json.RawMessage) string {
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return string(raw)
	}
	esc := func(s string) string {
		var b strings.Builder
		b.WriteByte('"')
		for _, r := range s {
			if r > 0xFFFF {
				b.WriteString(strings.Trim(jsonString(string(r)), `"`))
				continue
			}
			fmt.Fprintf(&b, "\\u%04x", r)
		}
		b.WriteByte('"')
		return b.String()
	}
	switch v := v.(type) {
	case string:
		return esc(v)
	case []any:
		parts := make([]string, len(v))
		for i, e := range v {
			s, ok := e.(string)
			if !ok {
				return string(raw)
			}
			parts[i] = esc(s)
		}
		return "[" + strings.Join(parts, ",") + "]"
	}
	return string(raw)
}

// queryPair is one name=value of a query, decoded.
type queryPair struct{ name, value string }

// pairs are the query's name=value pairs of the parameters, as QueryValues flattens
// them, in parameter order.
func pairs(params []wire.Param) []queryPair {
	var out []queryPair
	for _, p := range params {
		var v any
		if json.Unmarshal(p.Raw, &v) != nil {
			continue
		}
		switch v := v.(type) {
		case string:
			out = append(out, queryPair{p.Name, v})
		case []any:
			for i, e := range v {
				if s, ok := e.(string); ok {
					out = append(out, queryPair{p.Name + "." + strconv.Itoa(i), s})
				}
			}
		}
	}
	return out
}

// query is the GET query of the parameters in an encoding (0: url.Values.Encode, as
// the catalogue sends it).
func query(params []wire.Param, enc int) string {
	ps := pairs(params)
	if enc == 0 {
		v := url.Values{}
		for _, p := range ps {
			v.Set(p.name, p.value)
		}
		return v.Encode()
	}
	if enc == encQueryUnsorted {
		// UserStoreId first, then the array elements from the last index down.
		slices.SortStableFunc(ps, func(a, b queryPair) int {
			an, bn := strings.HasPrefix(a.name, "JobIds."), strings.HasPrefix(b.name, "JobIds.")
			switch {
			case an && bn:
				ai, _ := strconv.Atoi(strings.TrimPrefix(a.name, "JobIds."))
				bi, _ := strconv.Atoi(strings.TrimPrefix(b.name, "JobIds."))
				return bi - ai
			case an:
				return 1
			case bn:
				return -1
			}
			return 0
		})
	}
	parts := make([]string, len(ps))
	for i, p := range ps {
		value := url.QueryEscape(p.value)
		switch enc {
		case encQueryPercent, encQueryLower:
			var b strings.Builder
			for k := 0; k < len(p.value); k++ {
				if enc == encQueryLower {
					fmt.Fprintf(&b, "%%%02x", p.value[k])
				} else {
					fmt.Fprintf(&b, "%%%02X", p.value[k])
				}
			}
			value = b.String()
		}
		parts[i] = url.QueryEscape(p.name) + "=" + value
	}
	return strings.Join(parts, "&")
}

// sentences are the catalogue's sentences that build r.
func (m *model) sentences(r *req) []steps.Sentence {
	var out []steps.Sentence
	add := func(format string, args ...any) {
		out = append(out, steps.Sentence{Text: fmt.Sprintf(format, args...)})
	}
	res := m.resolve(r)
	if r.store == storeFault {
		add(`a ListJobs request for the fault user store of "%s"`, m.faultCodes[r.n])
	} else {
		add(`a ListJobs request for the fixture user store "%s"`, m.baseRole(r))
	}
	add(`the request uses the fixture credential "%s"`, r.cred)
	switch r.method {
	case http.MethodPost:
	case http.MethodGet:
		add("the request is sent as GET")
	default:
		add(`the request method is "%s"`, r.method)
	}
	switch r.store {
	case storeUnknown, storeEmpty, storeNull, storeNotString:
		add("the parameter \"UserStoreId\" is `%s`", res.storeRaw)
	case storeMissing:
		add(`the parameter "UserStoreId" is removed`)
	}
	// The parameters, unless the body or the query is written out whole.
	written := r.enc > 0 || r.store == storeNotObject || r.store == storeEmptyBody
	if res.idsRaw != "" && !written {
		add("the parameter \"JobIds\" is `%s`", res.idsRaw)
	}
	if r.undef != "" && !written {
		add("the parameter \"%s\" is `\"x\"`", r.undef)
	}
	switch r.pad {
	case padBodyOK:
		add("the JobIds pad the body to about 9900000 bytes")
	case padBodyBig:
		add("the JobIds pad the body beyond 10 MB")
	case padURLOK:
		add("the JobIds pad the URL to about 31000 bytes")
	case padURLBig:
		add("the JobIds pad the URL beyond 32 KB")
	}
	switch {
	case r.store == storeNotObject:
		add("the body is exactly `%s`", notObjects[r.n%len(notObjects)])
	case r.store == storeEmptyBody:
		add("the body is empty")
	case r.enc == encBodySpaced:
		out = append(out, steps.Sentence{Text: "the body is exactly:", Doc: body(res.params, r.enc)})
	case r.enc > 0 && r.method == http.MethodGet:
		add(`the query is exactly "%s"`, query(res.params, r.enc))
	case r.enc > 0:
		add("the body is exactly `%s`", body(res.params, r.enc))
	}
	switch r.region {
	case "":
	case "-":
		add(`the header "X-TC-Region" is absent`)
	default:
		add(`the header "X-TC-Region" is "%s"`, r.region)
	}
	if r.action != "" {
		add(`the header "X-TC-Action" is "%s"`, r.action)
	}
	if r.version != "" {
		add(`the header "X-TC-Version" is "%s"`, r.version)
	}
	if r.lang != "" {
		add(`the header "X-TC-Language" is "%s"`, r.lang)
	}
	if r.sdkHdrs {
		add(`the header "X-TC-RequestClient" is "SDK_GO_1.3.212"`)
		add(`the header "X-TC-TraceId" is "3f1e6a3c-5b8e-4f7a-9d2c-8e1b0a4c6d7f"`)
	}
	if r.charset {
		add(`the header "Content-Type" is "application/json; charset=utf-8"`)
	}
	if r.close {
		add(`the header "Connection" is "close"`)
	}
	if r.signed > 0 {
		add(`the request signs the headers "%s"`, signedLists[r.signed-1])
	}
	if r.v1 != "" {
		add(`the request is signed with signature v1 and "%s"`, r.v1)
	}
	m.breakSentences(r, res, add)
	if r.near > 0 {
		add("%s", m.nearSentence(r))
	}
	return out
}

// breakSentences add the sentences of r's break.
func (m *model) breakSentences(r *req, res resolved, add func(string, ...any)) {
	switch r.brk {
	case breakWrongKey:
		add("the request is signed with a wrong SecretKey")
	case breakUnknownID:
		add("the request is signed with an unknown SecretId")
	case breakSkew:
		s, dir := skews[r.arg%len(skews)], "future"
		if s < 0 {
			s, dir = -s, "past"
		}
		add("the request's timestamp is %d seconds in the %s", s, dir)
	case breakScopeDate:
		add("the credential scope date is one day %s the timestamp's UTC date", []string{"before", "after"}[r.arg%2])
	case breakScopeSvc:
		add(`the credential scope service is "%s"`, scopeServices[r.arg%len(scopeServices)])
	case breakNoAuth:
		add("the request carries no Authorization header")
	case breakAuthForm:
		add(`the Authorization header is replaced by "%s"`, authForms[r.arg%len(authForms)])
	case breakClaimed:
		add(`the Authorization header is replaced by "TC3-HMAC-SHA256 Credential={{SecretId}}/{{date}}/ciam/tc3_request, SignedHeaders=%s, Signature={{signature}}"`, claimedLists[r.arg%len(claimedLists)])
	case breakBodyAfter:
		signed := body(res.params, r.enc)
		var changed string
		if r.arg%3 == 0 {
			changed = "{ " + strings.TrimPrefix(signed, "{") // white space added
		} else { // other JobIds, or JobIds added
			p := slices.Clone(res.params)
			other := wire.Param{Name: "JobIds", Raw: json.RawMessage(`["job-explore-unknown-0"]`)}
			if i := slices.IndexFunc(p, func(x wire.Param) bool { return x.Name == "JobIds" }); i >= 0 {
				p[i] = other
			} else {
				p = append(p, other)
			}
			changed = body(p, r.enc)
		}
		if changed == signed {
			changed = "{ " + strings.TrimPrefix(signed, "{")
		}
		if strings.Contains(changed, "\n") {
			changed = strings.Join(strings.Fields(changed), " ")
		}
		add("the body is replaced after signing by `%s`", changed)
	case breakQueryAfter:
		if r.arg == queryFromEmpty {
			add(`the query is exactly ""`)
			add(`the query is replaced after signing by "%s"`, query(res.params, r.enc))
			break
		}
		add(`the query is replaced after signing by "%s"`, alteredQuery(res.params, r.enc, r.arg))
	case breakRegionAfter:
		add("the X-TC-Region is changed to another Tencent Cloud region after signing")
	case breakTypeAfter:
		add(`the header "Content-Type" is changed to "application/json; charset=utf-8" after signing`)
	case breakDigit:
		add("the signature's %s hex digit is changed after signing", digits[r.arg%len(digits)])
	case breakCut:
		add("the signature is cut short by its last hex digit after signing")
	case breakMoved:
		n, dir := r.arg%5+1, []string{"earlier", "later"}[r.arg/5%2]
		unit := "seconds"
		if n == 1 {
			unit = "second"
		}
		add("the X-TC-Timestamp is moved %d %s %s after signing", n, unit, dir)
	case breakOverMethod:
		other := http.MethodGet
		if r.method == http.MethodGet {
			other = http.MethodPost
		}
		add(`the request is signed over the HTTPRequestMethod "%s"`, other)
	case breakOverURI:
		add(`the request is signed over the CanonicalURI "%s"`, overURIs[r.arg%len(overURIs)])
	case breakNoToken:
		add("the request carries no X-TC-Token")
	case breakWrongToken:
		add(`the request carries the X-TC-Token "not-the-token-of-this-key"`)
	case breakV1Param:
		name := v1Params[r.arg%len(v1Params)]
		if name == "UserStoreId" && r.store != storeFixture && r.store != storeFault && r.store != storeUnknown {
			name = "Nonce" // a request without a UserStoreId string has none to change
		}
		add(`the signature v1 parameter "%s" is changed after signing`, name)
	case breakV1NoRegion:
		add(`the signature v1 request is signed and sent without its parameter "Region"`)
	}
}

// The ways a GET's query is changed after signing (breakQueryAfter, its arg), each a
// query an exact endpoint tells from the signed one (A1, A2) and a lenient one may not.
const (
	queryReordered  = iota // the pairs in the other order
	queryDash              // a '-' sent as %2D
	queryEscapeCase        // a %2D sent as %2d
	querySpace             // a %20 sent as '+'
	queryAppended          // a JobIds.N added
	queryFromEmpty         // signed over no query at all, sent with its parameters
	queryChanges
)

// alteredQuery is the signed query of the parameters changed in the way how; when the
// query has nothing to change that way, a JobIds.N is added.
func alteredQuery(params []wire.Param, enc, how int) string {
	signed := query(params, enc)
	c := signed
	switch how {
	case queryReordered:
		if parts := strings.Split(signed, "&"); len(parts) > 1 {
			slices.Reverse(parts)
			c = strings.Join(parts, "&")
		}
	case queryDash:
		c = strings.Replace(signed, "-", "%2D", 1)
	case queryEscapeCase:
		c = strings.Replace(signed, "%2D", "%2d", 1)
	case querySpace:
		c = strings.Replace(signed, "%20", "+", 1)
	}
	if c == signed {
		c = signed + "&JobIds.90=job-explore-unknown-0"
	}
	return c
}

// regionOf is the X-TC-Region r sends; "" for none.
func regionOf(r *req, target string) string {
	switch r.region {
	case "":
		return target
	case "-":
		return ""
	}
	return r.region
}

// isListedRegion tells whether name is a region name P3 accepts.
func isListedRegion(name string) bool {
	return name == vocab.DefaultRegion || slices.Contains(p3Regions, name)
}

// p3Regions are the names CONTRACT.md's P3 lists.
var p3Regions = []string{"ap-guangzhou", "ap-shanghai", "ap-nanjing", "ap-beijing", "ap-chengdu", "ap-chongqing", "ap-hongkong", "ap-singapore", "ap-bangkok", "ap-jakarta", "ap-seoul", "ap-tokyo", "ap-mumbai", "na-siliconvalley", "na-ashburn", "na-toronto", "eu-frankfurt", "sa-saopaulo"}
