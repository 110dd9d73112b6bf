package steps

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciam-harness/listjobs/check"
	"github.com/ciam-harness/listjobs/nearmiss"
	"github.com/ciam-harness/listjobs/signing"
	"github.com/ciam-harness/listjobs/wire"
)

// built is a request of an outline, built as the wire driver builds it.
type built struct {
	req  *http.Request
	body []byte
	auth signing.Authorization
	ts   int64
	key  string
}

// buildNearMiss runs the outline's setup (its listing taken from the rig's known jobs)
// and its near miss of member m, and builds the request; ordinary is the same request
// without the near miss.
func buildNearMiss(t *testing.T, rig *fuzzRig, o nearmiss.Outline, m nearmiss.Member) (near, ordinary built, err error) {
	t.Helper()
	steps, err := o.Steps()
	require.NoError(t, err)
	build := func(withNearMiss bool) (built, error) {
		st := newWorld(rig.suite)
		st.sc.tags = map[string]bool{"@fixture": true}
		st.sc.cred, st.sc.reader, st.sc.known = rig.suite.target.Credential, rig.suite.target.Credential, rig.known
		for _, s := range steps {
			_, text, _ := strings.Cut(s, " ")
			switch {
			case strings.HasPrefix(text, "the user store under test holds"), strings.HasPrefix(s, "When "), strings.HasPrefix(s, "Then "):
				continue
			case strings.HasSuffix(text, ": <member>"):
				if !withNearMiss {
					continue
				}
				text = strings.Replace(text, "<member>", m.Name, 1)
			case !strings.HasPrefix(s, "Given ") && !strings.HasPrefix(text, "a ListJobs") && !strings.HasPrefix(text, "the request "):
				continue // a check
			}
			if panicked, err := runSentence(st, text); panicked != nil || err != nil {
				require.Nil(t, panicked, text)
				return built{}, err
			}
		}
		spec := st.rq.spec
		const ts = 1_765_000_000
		req, body, err := wire.Build(context.Background(), wire.Target{BaseURL: "http://127.0.0.1:9", Region: DefaultRegion}, spec, ts)
		if err != nil {
			return built{}, err
		}
		b := built{req: req, body: body, ts: ts, key: spec.EffectiveCredential().SecretKey}
		b.auth, _ = signing.ParseAuthorization(req.Header.Get("Authorization"))
		return b, nil
	}
	if ordinary, err = build(false); err != nil {
		return
	}
	near, err = build(true)
	return
}

// TestNearMissesArePlaced: every member of every outline of the table puts its near
// miss where the value's carrier says, and nothing else: a scenario whose near miss was
// never sent would pass an endpoint that compares loosely. An accepted spelling reaches
// the wire as written (a JSON escape in the body, %XX in the query); a part signed over
// a near miss fails to verify as sent and verifies over the near miss.
func TestNearMissesArePlaced(t *testing.T) {
	rig := newFuzzRig(t)
	for _, o := range nearmiss.Outlines() {
		for _, m := range o.Members {
			t.Run(o.ID+"/"+m.Name, func(t *testing.T) {
				near, plain, err := buildNearMiss(t, rig, o, m)
				require.NoError(t, err)
				placed(t, o.Value, m, near, plain, rig.known)
			})
		}
	}
}

// placed checks one near miss in the request built with it.
func placed(t *testing.T, v nearmiss.Value, m nearmiss.Member, near, plain built, known []string) {
	t.Helper()
	h := near.req.Header
	authz := h.Get("Authorization")
	of := func(own string) string {
		miss, ok := m.Of(own)
		require.True(t, ok, "%s of %q", m.Name, own)
		return miss
	}
	verifies := func(b built) bool { return signing.Verify(b.req, b.body, b.key, b.auth, b.ts) }
	switch v.Carrier {
	case nearmiss.CarrierSecretID:
		assert.Contains(t, authz, "Credential="+of(plain.auth.SecretID)+"/")
	case nearmiss.CarrierToken:
		assert.Equal(t, of(plain.req.Header.Get("X-TC-Token")), h.Get("X-TC-Token"))
	case nearmiss.CarrierHeader:
		assert.Equal(t, of(plain.req.Header.Get(v.Field)), h.Get(v.Field))
		assert.Contains(t, h, http.CanonicalHeaderKey(v.Field), "an empty header is sent, not left out")
	case nearmiss.CarrierMethod:
		assert.Equal(t, of(v.Literal), near.req.Method)
	case nearmiss.CarrierParam, nearmiss.CarrierJobID:
		own := plainValue(v, plain, known)
		miss := of(own)
		var got map[string]json.RawMessage
		require.NoError(t, json.Unmarshal(near.body, &got))
		assert.Contains(t, string(got[v.Field]), `"`+jsonOrRaw(m, v, miss)+`"`, "the body carries the near miss as written")
	case nearmiss.CarrierQueryParam, nearmiss.CarrierQueryJobID:
		own := plainValue(v, plain, known)
		miss := of(own)
		name := map[nearmiss.Carrier]string{nearmiss.CarrierQueryParam: v.Field, nearmiss.CarrierQueryJobID: "JobIds.0"}[v.Carrier]
		if m.Spelling == nearmiss.Query {
			assert.Contains(t, "&"+near.req.URL.RawQuery, "&"+name+"="+miss, "the query carries the spelling as written")
		}
		vals, err := url.ParseQuery(near.req.URL.RawQuery)
		require.NoError(t, err)
		want := miss
		if m.Spelling == nearmiss.Query {
			want = own
		}
		assert.Equal(t, want, vals.Get(name))
	case nearmiss.CarrierParamName:
		miss := of(v.Literal)
		assert.Contains(t, string(near.body), jsonOrRaw(m, v, miss)+`":`)
		if m.Spelling == nearmiss.JSON {
			var got map[string]any
			require.NoError(t, json.Unmarshal(near.body, &got))
			assert.Contains(t, got, v.Field, "the same name, escaped")
		} else {
			assert.Contains(t, string(near.body), `"`+v.Field+`":`, "the right parameter stays beside it")
		}
	case nearmiss.CarrierAlgorithm:
		want := strings.TrimSpace(of(v.Literal) + " Credential=") // HTTP sends no space before a value
		assert.True(t, strings.HasPrefix(strings.TrimSpace(authz), want), "%q starts with %q", authz, want)
	case nearmiss.CarrierScopeTerminator:
		assert.Contains(t, authz, "/"+of(v.Literal)+", SignedHeaders=")
	case nearmiss.CarrierSignedHeaders:
		assert.Contains(t, authz, "SignedHeaders="+of(v.Literal)+", Signature=")
	case nearmiss.CarrierSignature:
		assert.True(t, strings.HasSuffix(authz, "Signature="+of(plain.auth.Signature)))
	case nearmiss.CarrierScopeDate, nearmiss.CarrierScopeService:
		date, service := signing.Date(near.ts), "ciam"
		if v.Carrier == nearmiss.CarrierScopeDate {
			date = of(date)
		} else {
			service = of(service)
		}
		assert.Contains(t, authz, "Credential="+plain.auth.SecretID+"/"+date+"/"+service+"/tc3_request, ")
		sig := signatureOver(near, near.req.Method, signing.CanonicalURI, date, service, nil)
		assert.True(t, strings.HasSuffix(authz, "Signature="+sig), "signed over the near miss")
	case nearmiss.CarrierSignedHeaderValue, nearmiss.CarrierSignedMethod, nearmiss.CarrierSignedURI:
		assert.False(t, verifies(near), "the signature does not verify over what is sent")
		method, uri := near.req.Method, signing.CanonicalURI
		var header map[string]string
		switch v.Carrier {
		case nearmiss.CarrierSignedMethod:
			method = of(method)
		case nearmiss.CarrierSignedURI:
			uri = of(uri)
		default:
			name := strings.ToLower(v.Field)
			header = map[string]string{name: of(signing.RequestHeader(near.req)(name))}
		}
		assert.True(t, strings.HasSuffix(authz, "Signature="+signatureOver(near, method, uri, near.auth.Date, near.auth.Service, header)), "signed over the near miss")
	case nearmiss.CarrierSignedBody, nearmiss.CarrierSignedQuery:
		assert.False(t, verifies(near), "the signature does not verify over what is sent")
		if v.Carrier == nearmiss.CarrierSignedBody {
			assert.NotEqual(t, string(plain.body), string(near.body))
			var a, b any
			require.NoError(t, json.Unmarshal(plain.body, &a))
			require.NoError(t, json.Unmarshal(near.body, &b))
			assert.Equal(t, a, b, "the same JSON")
		} else {
			assert.NotEqual(t, plain.req.URL.RawQuery, near.req.URL.RawQuery)
			a, _ := url.ParseQuery(plain.req.URL.RawQuery)
			b, _ := url.ParseQuery(near.req.URL.RawQuery)
			assert.Equal(t, a, b, "the same parameters")
		}
	default:
		t.Fatalf("no check of the carrier %q", v.Carrier)
	}
	if unsigned[v.Carrier] && near.auth.SecretID != "" {
		assert.True(t, verifies(near), "only the near miss is wrong: the signature is right for what is sent")
	}
}

// unsigned are the carriers whose near miss is signed as sent: only the value is wrong.
var unsigned = map[nearmiss.Carrier]bool{
	nearmiss.CarrierToken: true, nearmiss.CarrierHeader: true, nearmiss.CarrierMethod: true, nearmiss.CarrierParam: true,
	nearmiss.CarrierQueryParam: true, nearmiss.CarrierJobID: true, nearmiss.CarrierQueryJobID: true, nearmiss.CarrierParamName: true,
}

// plainValue is the value of the parameter the carrier means in the request without the
// near miss.
func plainValue(v nearmiss.Value, plain built, known []string) string {
	if v.Carrier == nearmiss.CarrierJobID || v.Carrier == nearmiss.CarrierQueryJobID {
		return known[0]
	}
	if plain.req.Method == http.MethodGet {
		vals, _ := url.ParseQuery(plain.req.URL.RawQuery)
		return vals.Get(v.Field)
	}
	var got map[string]string
	_ = json.Unmarshal(plain.body, &got)
	return got[v.Field]
}

// jsonOrRaw is miss as a body carries it: written as is when it is the carrier's own
// spelling, else JSON-escaped.
func jsonOrRaw(m nearmiss.Member, v nearmiss.Value, miss string) string {
	if m.Spelling == nearmiss.JSON && v.Syntax == nearmiss.JSON {
		return miss
	}
	return jsonInner(miss)
}

// signatureOver is the signature of b's request over another method, CanonicalURI,
// scope or header values.
func signatureOver(b built, method, uri, date, service string, header map[string]string) string {
	lookup := signing.RequestHeader(b.req)
	over := func(name string) string {
		if v, ok := header[name]; ok {
			return v
		}
		return lookup(name)
	}
	signed := b.auth.SignedHeaders
	if len(signed) == 0 {
		signed = signing.DefaultSignedHeaders
	}
	canonical := signing.CanonicalRequestAt(method, uri, signing.CanonicalQuery(b.req), over, signed, signing.PayloadHash(over, b.body))
	return signing.Signature(b.key, date, service, signing.StringToSign(b.ts, signing.CredentialScope(date, service), canonical))
}

// TestNearMissStepRefuses: the step refuses a member the table does not judge, and one a
// runtime value has none of is a skip, not a pass.
func TestNearMissStepRefuses(t *testing.T) {
	rig := newFuzzRig(t)
	st := newWorld(rig.suite)
	st.sc.cred = rig.suite.target.Credential
	_, err := runSentence(st, "a ListJobs request for the user store under test")
	require.NoError(t, err)
	_, err = runSentence(st, "the X-TC-Token is sent as its near miss: surrounding white space")
	require.ErrorContains(t, err, "the near-miss table says")
	_, err = runSentence(st, "the X-TC-Version is sent as its near miss: another case")
	_, skipped := SkipOf(err)
	assert.True(t, skipped, "2022-03-31 has no other case: a skip, not a pass: %v", err)
	_, err = runSentence(st, "the id of known job 1 in JobIds is sent as its near miss: a confusable letter")
	require.ErrorContains(t, err, "knows no jobs", "a JobIds near miss needs the listing first")
}

// responseBodies are a conforming success (one job with every member, nested ones
// included) and a conforming error.
func responseBodies(t *testing.T, rig *fuzzRig) (success, failure string) {
	t.Helper()
	varied, _ := rig.fx.UserStore("varied")
	var job string
	for _, j := range varied.Jobs {
		var m map[string]json.RawMessage
		require.NoError(t, json.Unmarshal(j.Raw, &m))
		if len(m["ErrorDetails"]) > 2 && len(m["FailedUsers"]) > 2 && string(m["Format"]) != "null" {
			b, _ := json.Marshal(m) // compact, members sorted: each name once
			job = string(b)
			break
		}
	}
	require.NotEmpty(t, job, "the fixture has a job with every member")
	const rid = `"RequestId":"0f8fad5b-d9cb-469f-a165-70867728950e"`
	return `{"Response":{"JobSet":[` + job + `],` + rid + `}}`,
		`{"Response":{"Error":{"Code":"InvalidParameter","Message":"m"},` + rid + `}}`
}

// sentencesOf are the checks that judge the rows of a response value.
var sentencesOf = map[string][]string{
	"T5": nil, "T6": {"the response is a success"}, "T8": {"the response carries a non-empty RequestId"},
	"T7": {`the response is the error "InvalidParameter"`}, // of an error: T6 and T7 judge the answer they are about
	"J1": {"every returned job has an Id that is a non-empty string"},
	"J2": {"every returned job has a Status among PENDING, PROCESSING, COMPLETED and FAILED"},
	"J3": {"every returned job has a Type among IMPORT_USER and EXPORT_USER"},
	"J4": {"every returned job has a CreatedDate that is an integer of epoch milliseconds"},
	"J5": {"every returned job has a Format that is NDJSON, CSV or null"},
	"J6": {"every returned job has a Location that is a string or null"},
	"J7": {"every returned job has ErrorDetails that are absent, null or an array of {UserId, Error}"},
	"J8": {"every returned job has FailedUsers that are absent, null or an array of {FailedUserIdentification, FailedReason}"},
}

// TestResponseNearMisses are the explorer cases of the response values: each member of
// each value the checks compare, in a conforming answer, judged by the rules of every exchange (check.Universal) and
// the checks of the value's rows (and the Job schema for a job's). A refused near miss must
// fail one of them, an accepted one none: a check that takes a near miss for the value
// is too loose, one that refuses an accepted spelling a false positive against a
// conforming endpoint.
func TestResponseNearMisses(t *testing.T) {
	rig := newFuzzRig(t)
	success, failure := responseBodies(t, rig)
	n := 0
	for _, v := range nearmiss.Response() {
		for _, m := range nearmiss.Family() {
			w := v.Verdict(m)
			if !w.Runs() {
				continue
			}
			miss, ok := v.Of(m)
			if !ok {
				continue
			}
			n++
			t.Run(v.ID+"/"+m.Name, func(t *testing.T) {
				ct, body := "application/json", success
				if strings.HasPrefix(v.Field, "Response.Error") {
					body = failure
				}
				token := miss
				if m.Spelling != nearmiss.JSON {
					token = jsonInner(miss)
				}
				switch v.Carrier {
				case nearmiss.CarrierResponseHeader:
					ct = miss
				case nearmiss.CarrierResponseValue:
					body = setString(t, body, v, token)
				case nearmiss.CarrierResponseName:
					name := v.Field[strings.LastIndex(v.Field, ".")+1:]
					require.Equal(t, 1, strings.Count(body, `"`+name+`":`), "%s is in the body once", name)
					body = strings.Replace(body, `"`+name+`":`, `"`+token+`":`, 1)
				default:
					t.Fatalf("no explorer of the carrier %q", v.Carrier)
				}
				failures := judgeResponse(t, rig, v, ct, body)
				if w.Outcome == nearmiss.Refused {
					assert.NotEmpty(t, failures, "%q (%s) in %s: no check refuses it: %s", miss, m.Name, v.Where, body)
				} else {
					assert.Empty(t, failures, "%q (%s) in %s is accepted (%s), and a check refuses it", miss, m.Name, v.Where, w.Reason)
				}
			})
		}
	}
	assert.Greater(t, n, 300)
}

// setString sets the string v.Field (of the job, or the Error's Code) to the JSON string
// token: first to the value's own literal, for a conforming answer of that value.
func setString(t *testing.T, body string, v nearmiss.Value, token string) string {
	t.Helper()
	own := v.Literal
	if own == "" {
		own = v.Sample
	}
	name := v.Field[strings.LastIndex(v.Field, ".")+1:]
	var doc map[string]any
	require.NoError(t, json.Unmarshal([]byte(body), &doc))
	resp := doc["Response"].(map[string]any)
	if e, ok := resp["Error"].(map[string]any); ok {
		e[name] = own
	} else {
		resp["JobSet"].([]any)[0].(map[string]any)[name] = own
	}
	b, _ := json.Marshal(doc)
	out := string(b)
	ownJSON, _ := json.Marshal(own)
	needle := `"` + name + `":` + string(ownJSON)
	require.Equal(t, 1, strings.Count(out, needle), "%s in %s", needle, out)
	return strings.Replace(out, needle, `"`+name+`":"`+token+`"`, 1)
}

// judgeResponse returns what each check of the value's rows (and the rules of every
// exchange, check.Universal) says of
// an answer with Content-Type ct and body.
func judgeResponse(t *testing.T, rig *fuzzRig, v nearmiss.Value, ct, body string) []string {
	t.Helper()
	ex := rig.exchangeOf(200, "Content-Type: "+ct, []byte(body))
	var out []string
	u, err := check.NewUniversal(check.Options{Schemas: rig.suite.schemas, Assumed: true})
	require.NoError(t, err)
	for _, e := range u.Judge(ex, nil, t.Name()) {
		out = append(out, "every response: "+e.Error())
	}
	var sentences []string
	isError := strings.Contains(body, `"Message"`)
	for _, r := range v.Rows {
		ss, ok := sentencesOf[r]
		require.True(t, ok, "no check of %s in sentencesOf", r)
		if (r == "T6" && isError) || (r == "T7" && !isError) {
			continue
		}
		sentences = append(sentences, ss...)
	}
	if strings.HasPrefix(v.Field, "Response.JobSet.#.") {
		sentences = append(sentences, "the response is a success", "every returned job matches the Job schema, whatever other fields it carries")
	}
	st := rig.scenarioOf(ex)
	st.sc.rows = v.Rows
	for _, s := range slices.Compact(sentences) {
		panicked, err := runSentence(st, s)
		require.Nil(t, panicked, s)
		if err != nil {
			out = append(out, fmt.Sprintf("%s: %v", s, err))
		}
	}
	return out
}

// TestResponseExplorerFails: the explorer refuses what it must: a conforming answer
// passes every check it runs, and a Status of another case fails one.
func TestResponseExplorerFails(t *testing.T) {
	rig := newFuzzRig(t)
	success, _ := responseBodies(t, rig)
	v, ok := nearmiss.ByID("response-Status-PENDING")
	require.True(t, ok)
	assert.Empty(t, judgeResponse(t, rig, v, "application/json", setString(t, success, v, "PENDING")))
	assert.NotEmpty(t, judgeResponse(t, rig, v, "application/json", setString(t, success, v, "pending")))
	assert.NotEmpty(t, judgeResponse(t, rig, v, "text/json", success))
}
