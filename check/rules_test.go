package check

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciam-harness/listjobs/fixture"
	"github.com/ciam-harness/listjobs/signing"
	"github.com/ciam-harness/listjobs/wire"
)

// rulesFixture: the account A with the stores a (two jobs) and b (one job), a fault store,
// the account B with the store z; a key of each account.
func rulesFixture(t *testing.T) *fixture.Fixture {
	t.Helper()
	job := func(id, status string) string {
		return fmt.Sprintf(`{"Id":%q,"Status":%q,"Type":"IMPORT_USER","CreatedDate":1715156770024,"Format":null,"Location":null}`, id, status)
	}
	fx, err := fixture.Read(strings.NewReader(`{
		"credentials": [
			{"role":"primary","secretId":"AKIDa","secretKey":"ka","account":"A","owner":"alice"},
			{"role":"other","secretId":"AKIDb","secretKey":"kb","account":"B","owner":"bob"}],
		"userStores": [
			{"id":"us-a","role":"varied","account":"A","jobs":[` + job("j1", "PENDING") + `,` + job("j2", "FAILED") + `]},
			{"id":"us-b","role":"sibling","account":"A","jobs":[` + job("j3", "COMPLETED") + `]},
			{"id":"us-z","role":"other-account","account":"B","jobs":[` + job("j9", "PENDING") + `]}],
		"faults": [{"userStoreId":"us-a-fault","code":"InternalError"}]}`))
	require.NoError(t, err)
	return fx
}

// listing is a wire POST of body signed with the key of secretID, answered with the
// success of jobs (raw JSON objects).
func listing(secretID, body string, jobs ...string) *wire.Exchange {
	ex := answer(200, "application/json", `{"Response":{"JobSet":[`+strings.Join(jobs, ",")+`],"RequestId":"`+nextID()+`"}}`)
	ex.ReqHeader = http.Header{"Content-Type": {"application/json"},
		"Authorization": {signing.Authorization{SecretID: secretID, Date: "2026-12-07", Service: "ciam", SignedHeaders: []string{"content-type", "host"}, Signature: "00"}.String()}}
	ex.ReqBody = []byte(body)
	return ex
}

var idSeq int

// nextID is a fresh UUID-formed RequestId.
func nextID() string {
	idSeq++
	return fmt.Sprintf("00000000-0000-4000-8000-%012d", idSeq)
}

const (
	j1  = `{"Id":"j1","Status":"PENDING","Type":"IMPORT_USER","CreatedDate":1715156770024,"Format":null,"Location":null}`
	j2  = `{"Id":"j2","Status":"FAILED","Type":"IMPORT_USER","CreatedDate":1715156770024,"Format":null,"Location":null}`
	j3  = `{"Id":"j3","Status":"COMPLETED","Type":"IMPORT_USER","CreatedDate":1715156770024,"Format":null,"Location":null}`
	j9  = `{"Id":"j9","Status":"PENDING","Type":"IMPORT_USER","CreatedDate":1715156770024,"Format":null,"Location":null}`
	bad = `{"Id":"j1","Status":"DONE","Type":"IMPORT_USER","CreatedDate":1715156770,"Format":null,"Location":null}`
)

func labels(errs []*RowError) []string {
	var out []string
	for _, e := range errs {
		out = append(out, e.Label)
	}
	slices.Sort(out)
	return out
}

// Every job of every success is judged by J1-J9, whatever the request; and every
// success for a store the fixture describes holds exactly its jobs, as recorded, and
// none of another store's or account's (S1, S2, S3, S6, S9, J1-J8).
func TestRulesOfEveryExchange(t *testing.T) {
	fx := rulesFixture(t)
	u, err := NewUniversal(Options{Fixture: fx, Assumed: true})
	require.NoError(t, err)
	for _, tc := range []struct {
		name string
		ex   *wire.Exchange
		want []string
	}{
		{"all jobs", listing("AKIDa", `{"UserStoreId":"us-a"}`, j2, j1), nil},
		{"all jobs, JobIds empty", listing("AKIDa", `{"UserStoreId":"us-a","JobIds":[]}`, j1, j2), nil},
		{"all jobs, JobIds null", listing("AKIDa", `{"JobIds":null,"UserStoreId":"us-a"}`, j1, j2), nil},
		{"a job missing", listing("AKIDa", `{"UserStoreId":"us-a"}`, j1), []string{"S1"}},
		{"a job of the sibling store", listing("AKIDa", `{"UserStoreId":"us-a"}`, j1, j2, j3), []string{"S6"}},
		{"a job nobody has", listing("AKIDa", `{"UserStoreId":"us-a"}`, j1, j2, strings.Replace(j1, `"j1"`, `"jx"`, 1)), []string{"S1"}},
		{"filtered", listing("AKIDa", `{"UserStoreId":"us-a","JobIds":["j2","jx","j3"]}`, j2), nil},
		{"filtered, a job not named", listing("AKIDa", `{"UserStoreId":"us-a","JobIds":["j2"]}`, j2, j1), []string{"S2"}},
		{"filtered, the named job missing", listing("AKIDa", `{"UserStoreId":"us-a","JobIds":["j2"]}`), []string{"S2"}},
		{"filtered, an unknown id returned", listing("AKIDa", `{"UserStoreId":"us-a","JobIds":["jx"]}`, strings.Replace(j1, `"j1"`, `"jx"`, 1)), []string{"S3"}},
		{"filtered, another store's job named and returned", listing("AKIDa", `{"UserStoreId":"us-a","JobIds":["j3"]}`, j3), []string{"S6"}},
		{"a job twice", listing("AKIDa", `{"UserStoreId":"us-a"}`, j1, j2, j1), []string{"S2"}},
		{"another account's store", listing("AKIDb", `{"UserStoreId":"us-a"}`, j1, j2), []string{"S9"}},
		{"a field not as recorded", listing("AKIDa", `{"UserStoreId":"us-a"}`, strings.Replace(j1, "IMPORT_USER", "EXPORT_USER", 1), j2), []string{"J3"}},
		{"a job that breaks J2 and J4, and its record", listing("AKIDa", `{"UserStoreId":"us-a"}`, bad, j2), []string{"J2", "J2", "J4", "J4"}},
		{"a broken job in a store nobody knows", listing("AKIDa", `{"UserStoreId":"us-nope"}`, bad), []string{"J2", "J4"}},
		{"an unknown parameter: not read", listing("AKIDa", `{"UserStoreId":"us-a","Foo":1}`, j1), nil},
		{"a fault store: not read", listing("AKIDa", `{"UserStoreId":"us-a-fault"}`, j1), nil},
		{"an unknown key: not read", listing("AKIDx", `{"UserStoreId":"us-a"}`, j1), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			errs := u.Judge(tc.ex, nil, tc.name)
			assert.Equal(t, tc.want, labels(errs), "%v", errs)
		})
	}

	// A GET and a signature v1 form POST are read as the endpoint reads them.
	get := listing("AKIDa", "", j2)
	get.Method, get.URL, get.ReqBody = http.MethodGet, "http://127.0.0.1:9/?JobIds.0=j%32&UserStoreId=us-a", nil
	assert.Empty(t, u.Judge(get, nil, "get"))
	get = listing("AKIDa", "", j2, j1)
	get.Method, get.URL, get.ReqBody = http.MethodGet, "http://127.0.0.1:9/?JobIds.0=j2&UserStoreId=us-a", nil
	assert.Equal(t, []string{"S2"}, labels(u.Judge(get, nil, "get")))
	v1 := listing("", "Action=ListJobs&JobIds.0=j1&Nonce=1&Region=ap-guangzhou&SecretId=AKIDa&Signature=x&SignatureMethod=HmacSHA256&Timestamp=1&UserStoreId=us-a&Version=2022-03-31", j2)
	v1.ReqHeader = http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	assert.Equal(t, []string{"S2"}, labels(u.Judge(v1, nil, "v1")), "j1 was named, j2 returned")

	// Without a request to read, the spec the adapter was given is read.
	sdk := answer(200, "", `{"Response":{"JobSet":[`+j1+`],"RequestId":"`+nextID()+`"}}`)
	sdk.SDK = &wire.SDKView{}
	spec := wire.NewSpec("us-a", signing.Credential{SecretID: "AKIDa", SecretKey: "ka"})
	assert.Equal(t, []string{"S1"}, labels(u.Judge(sdk, spec, "sdk")))
}

// A run that judges the documented part alone leaves out the rules of assumed rows.
func TestAssumedRulesFollowTheRun(t *testing.T) {
	ex := answer(200, "application/json", `{"Response":{"JobSet":[`+j1+`,`+j1+`],"RequestId":"req-1"}}`)
	u, err := NewUniversal(Options{Assumed: true})
	require.NoError(t, err)
	assert.Equal(t, []string{"S2", "T9"}, labels(u.Judge(ex, nil, "s")))
	u, err = NewUniversal(Options{})
	require.NoError(t, err)
	assert.Empty(t, u.Judge(ex, nil, "s"))
	for _, r := range u.Rules() {
		assert.False(t, r.Assumed, r.Name)
		assert.NotEqual(t, AnyKnownStore, r.Scope, "no fixture, no store rule")
	}
}

// Every rule is applied to every exchange of its scope, and to no other: counted by
// the Applied hook over exchanges of each kind.
func TestEveryRuleAppliesToItsWholeScope(t *testing.T) {
	applied := map[string][]string{}
	u, err := NewUniversal(Options{Fixture: rulesFixture(t), Assumed: true, Applied: func(ex *wire.Exchange, rule string) {
		applied[string(ex.ReqBody)] = append(applied[string(ex.ReqBody)], rule)
	}})
	require.NoError(t, err)
	errEx := answer(200, "application/json", sprintf(errBody, nextID()))
	errEx.ReqBody = []byte("error")
	known := listing("AKIDa", `{"UserStoreId":"us-a"}`, j1, j2)
	unknown := listing("AKIDa", `{"UserStoreId":"us-zz"}`, j1)
	empty := listing("AKIDa", `{"UserStoreId":"us-zzz"}`)
	sdk := listing("AKIDa", `{"UserStoreId":"us-b"}`, j3)
	sdk.SDK = &wire.SDKView{}
	for _, ex := range []*wire.Exchange{errEx, known, unknown, empty, sdk} {
		require.Empty(t, u.Judge(ex, nil, "s"), string(ex.ReqBody))
	}
	want := func(ex *wire.Exchange, scopes ...Scope) []string {
		var out []string
		for _, r := range AllRules() {
			if slices.Contains(scopes, r.Scope) && (!r.Wire || ex.SDK == nil) {
				out = append(out, r.Name)
			}
		}
		return out
	}
	assert.Equal(t, want(errEx, AnyResponse, AnyError), applied["error"])
	assert.Equal(t, want(known, AnyResponse, AnySuccess, AnyJob, AnyKnownStore), applied[`{"UserStoreId":"us-a"}`])
	assert.Equal(t, want(unknown, AnyResponse, AnySuccess, AnyJob), applied[`{"UserStoreId":"us-zz"}`])
	assert.Equal(t, want(empty, AnyResponse, AnySuccess, AnyJob), applied[`{"UserStoreId":"us-zzz"}`], "an empty JobSet: the job rules apply to none")
	assert.Equal(t, want(sdk, AnyResponse, AnySuccess, AnyJob, AnyKnownStore), applied[`{"UserStoreId":"us-b"}`])
	assert.NotContains(t, applied[`{"UserStoreId":"us-b"}`], "HTTP 200 with application/json", "an SDK hands over no status")
	for _, r := range AllRules() {
		assert.NotEmpty(t, r.Rows, r.Name)
		assert.True(t, (r.judge == nil) != (r.judgeJob == nil) || r.Scope == AnyResponse, r.Name)
	}
}

// Through an SDK driver, every round trip the driver saw is the endpoint's answer and is
// judged as a wire exchange (its HTTP status and Content-Type where the headers were
// seen); the SDK's view of the last trip is judged too, without claiming its RequestId
// twice; a trip the adapter reported without seeing it is not the endpoint's.
func TestRoundTripsOfAnSDKAreJudged(t *testing.T) {
	u, err := NewUniversal(Options{Fixture: rulesFixture(t), Assumed: true})
	require.NoError(t, err)
	spec := wire.NewSpec("us-a", signing.Credential{SecretID: "AKIDa", SecretKey: "ka"})
	trip := func(status int, header http.Header, body string) wire.RoundTrip {
		req := listing("AKIDa", `{"UserStoreId":"us-a"}`)
		return wire.RoundTrip{Method: req.Method, URL: req.URL, ReqHeader: req.ReqHeader, ReqBody: req.ReqBody, Status: status, RespHeader: header, Body: []byte(body)}
	}
	json := http.Header{"Content-Type": {"application/json"}}
	call := func(decoded string, trips ...wire.RoundTrip) *wire.Exchange {
		return &wire.Exchange{Method: "POST", URL: "http://127.0.0.1:9/", Body: []byte(decoded), SDK: &wire.SDKView{Trips: trips}}
	}
	throttled := fmt.Sprintf(`{"Response":{"Error":{"Code":"RequestLimitExceeded","Message":"m"},"RequestId":"%s"}}`, nextID())
	rid := nextID()
	good := `{"Response":{"JobSet":[` + j1 + `,` + j2 + `],"RequestId":"` + rid + `"}}`
	for _, tc := range []struct {
		name string
		ex   *wire.Exchange
		want []string
	}{
		{"a retried call, as received", call(good, trip(200, json, throttled), trip(200, json, good)), nil},
		{"a member given twice, the SDK reading the last", call(good,
			trip(200, json, `{"Response":{"JobSet":[`+j1+`,`+j2+`],"RequestId":"`+nextID()+`","JobSet":[]}}`)), []string{"T6/T7"}},
		{"HTTP 400, headers seen", call(good, trip(400, json, `{"Response":{"JobSet":[`+j1+`,`+j2+`],"RequestId":"`+nextID()+`"}}`)), []string{"T5"}},
		{"HTTP 400, headers not seen", call(good, trip(400, nil, `{"Response":{"JobSet":[`+j1+`,`+j2+`],"RequestId":"`+nextID()+`"}}`)), nil},
		{"a job missing on the wire", call(good, trip(200, json, `{"Response":{"JobSet":[`+j1+`],"RequestId":"`+nextID()+`"}}`)), []string{"S1"}},
		{"a trip reported, not seen", call(`{"Response":{"JobSet":[`+j1+`,`+j2+`],"RequestId":"`+nextID()+`"}}`, trip(200, http.Header{wire.NoteHeader: {"x"}}, `{"Response":{}}`)), nil},
		{"no trip: the SDK's view alone", call(`{"Response":{"JobSet":[` + j1 + `],"RequestId":"` + nextID() + `"}}`), []string{"S1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, labels(u.Judge(tc.ex, spec, tc.name)))
		})
	}
	// The SDK's view repeats the RequestId of the trip it decoded, which is claimed once:
	// the same RequestId in another call is a T8 violation.
	assert.Equal(t, []string{"T8"}, labels(u.Judge(call(good, trip(200, json, good)), spec, "again")))
}

// TestStringArrayReadsAsEncodingJSON: the JobIds of a request are read as encoding/json
// would read them into a []string, whatever the value.
func TestStringArrayReadsAsEncodingJSON(t *testing.T) {
	for _, raw := range []string{`[]`, `["a"]`, `["a","b","a"]`, `["a",null]`, `[null]`, `["\u00e9\ud83d\ude00","a\"b"]`,
		`[1]`, `["a",1]`, `[true]`, `[["a"]]`, `[{}]`, `{}`, `"a"`, `1`, `[`, `["a",]`, `[] []`, ` [ "a" , "b" ] `, ``, `nul`} {
		var want []string
		err := json.Unmarshal([]byte(raw), &want)
		got, ok := stringArray([]byte(raw))
		if assert.Equal(t, err == nil, ok, "%s", raw) && ok {
			assert.Equal(t, len(want), len(got), "%s", raw)
			for i := range want {
				assert.Equal(t, want[i], got[i], "%s", raw)
			}
		}
	}
}
