package steps

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	listjobs "github.com/ciam-harness/listjobs"
	"github.com/ciam-harness/listjobs/check"
	"github.com/ciam-harness/listjobs/fixture"
	"github.com/ciam-harness/listjobs/signing"
	"github.com/ciam-harness/listjobs/vocab"
	"github.com/ciam-harness/listjobs/wire"
)

// The harness's response path under hostile input: FuzzResponseChecks feeds arbitrary
// statuses, headers and bodies through every check of a response the catalogue has,
// on a synthetic scenario, without a network.

// Planted secrets: the key that signed the synthetic request. No verdict may show them
// (unless the response itself carried them, which an excerpt then shows).
const (
	plantedSecretKey = "fuzzPlantedSecretKey-3b8e1f0c9d7a"
	plantedToken     = "fuzzPlantedToken-a41c77e2d09b5f36"
)

// maxVerdict bounds the text of one verdict, whatever the body: a check lists at most
// maxReported violations, and shortens what it quotes of the response.
const maxVerdict = 32 << 10

// checkSentences are the steps that judge a response (or a burst of them), one per
// catalogue entry that judges (TestFuzzCoversEveryCheck), with arguments.
var checkSentences = []string{
	"the response is a success",
	`the response is the error "InvalidParameter"`,
	`the response is an error with a code under "AuthFailure"`,
	`the response is the error "InvalidParameter" or "MissingParameter"`,
	`the response is a success or an error other than "UnsupportedRegion"`,
	"the HTTP status is 200",
	"the Content-Type of the response is application/json",
	"the response carries a non-empty RequestId",
	"the response carries a RequestId in UUID form",
	"both responses are successes",
	`both responses are the error "InvalidParameter"`,
	"both responses carry non-empty RequestIds that differ",
	"both responses return the same Ids",
	"the JobSet is an array",
	"the JobSet is empty",
	"the returned Ids are exactly the known jobs",
	"the returned Ids are exactly the known jobs the JobIds name",
	"the returned Ids are exactly known jobs 1 and 2",
	"the returned Ids are a subset of the known jobs",
	"no Id is returned twice",
	`the returned Ids are remembered as "a"`,
	`the returned Ids are the same set as those remembered as "b"`,
	`the returned Ids are the union of those remembered as "b" and "c"`,
	`the returned Ids include none of the jobs of the fixture user store "other-account"`,
	`the response shows none of the jobs of the fixture user store "other-account"`,
	"every returned job has an Id that is a non-empty string",
	"every returned job has a Status among PENDING, PROCESSING, COMPLETED and FAILED",
	"every returned job has a Type among IMPORT_USER and EXPORT_USER",
	"every returned job has a CreatedDate that is an integer of epoch milliseconds",
	"every returned job has a Format that is NDJSON, CSV or null",
	"every returned job has a Location that is a string or null",
	"every returned job has ErrorDetails that are absent, null or an array of {UserId, Error}",
	"every returned job has FailedUsers that are absent, null or an array of {FailedUserIdentification, FailedReason}",
	"every returned job matches the Job schema, whatever other fields it carries",
	`the returned jobs are those of the fixture user store "varied", field for field`,
	// A burst of two requests that both got the fuzzed answer, one of them badly signed.
	"exactly 1 of them succeed",
	`the others get the error "RequestLimitExceeded" or one of its sub-codes`,
	`in each second the first 1 succeed and the others get the error "RequestLimitExceeded" or one of its sub-codes`,
	"all 2 of them succeed",
	`the 1 badly signed requests get the error "AuthFailure.SignatureFailure"`,
	"all 1 good requests succeed",
	`1 of them succeeded only after the SDK retried on "RequestLimitExceeded"`,
	"none of them was retried",
}

// sendingChecks are the catalogue entries that judge but send requests of their own:
// the fuzz target judges what came back, so it leaves them out.
var sendingChecks = []string{
	`^the user store under test holds at least (\d+) jobs?$`,
	`^these requests arrive within one second:$`,
	`^(\d+) requests of the fixture credential "([^"]*)" are sent at (\d+) per second$`,
	`^(\d+) badly signed and then (\d+) good requests of the fixture credential "([^"]*)" arrive within one second$`,
	`^(\d+) requests of the fixture credential "([^"]*)" arrive late in one second and (\d+) more early in the next$`,
	`^(\d+) requests of the fixture credential "([^"]*)" arrive within one second from an SDK client with RateLimitExceededMaxRetries (\d+)$`,
}

// fuzzRig is what every input shares: a suite whose fixture is the default one plus the
// planted key.
type fuzzRig struct {
	suite *Suite
	fx    *fixture.Fixture
	known []string
}

func newFuzzRig(t testing.TB) *fuzzRig {
	t.Helper()
	fx, err := fixture.Read(bytes.NewReader(listjobs.DefaultFixture))
	require.NoError(t, err)
	planted := fixture.Credential{Role: "primary", SecretID: "AKIDfuzzPlanted000000000000000001", SecretKey: plantedSecretKey,
		Token: plantedToken, Account: "acct-100000000001", Owner: "sub-fuzz-planted"}
	fx.Credentials = append([]fixture.Credential{planted}, fx.Credentials...)
	varied, ok := fx.UserStore("varied")
	require.True(t, ok)
	target := testTarget(t, "http://127.0.0.1:9")
	target.UserStoreID, target.Fixture = varied.ID, fx
	target.Credential = signing.Credential{SecretID: planted.SecretID, SecretKey: planted.SecretKey, Token: planted.Token}
	s, err := NewSuite(target)
	require.NoError(t, err)
	return &fuzzRig{suite: s, fx: fx, known: sortedSet(varied.JobIDs())}
}

// exchangeOf is the synthetic exchange of one input: a request signed with the planted
// key, and the fuzzed answer (headers are "Name: value" lines).
func (rig *fuzzRig) exchangeOf(status int, headers string, body []byte) *wire.Exchange {
	r, _ := http.NewRequest(http.MethodPost, "http://127.0.0.1:9/", bytes.NewReader([]byte(`{"UserStoreId":"us-x"}`)))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("X-TC-Action", vocab.Action)
	signing.Sign(r, []byte(`{"UserStoreId":"us-x"}`), rig.suite.target.Credential, vocab.Service, 1_700_000_000, nil)
	h := http.Header{}
	for _, line := range strings.Split(headers, "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) != "" {
			h.Add(strings.TrimSpace(k), strings.TrimSpace(v))
		}
	}
	return &wire.Exchange{Method: r.Method, URL: r.URL.String(), ReqHeader: r.Header, ReqBody: []byte(`{"UserStoreId":"us-x"}`),
		Status: status, RespHeader: h, Body: body}
}

// scenarioOf is a fresh @fixture scenario tagged S1 whose last exchange, pair and burst
// all got the answer ex: state per input, as per scenario.
func (rig *fuzzRig) scenarioOf(ex *wire.Exchange) *world {
	twin := &wire.Exchange{Method: ex.Method, URL: ex.URL, Status: ex.Status, RespHeader: ex.RespHeader, Body: ex.Body, Sent: ex.Sent, Received: ex.Received}
	st := newWorld(rig.suite)
	st.sc.rows, st.sc.tags = []string{"S1"}, map[string]bool{vocab.TagFixture: true}
	st.sc.cred, st.sc.reader, st.sc.known = rig.suite.target.Credential, rig.suite.target.Credential, rig.known
	st.rs.remembered = map[string][]string{"b": rig.known[:2], "c": rig.known[2:]}
	st.sc.last, st.rs.pair = ex, []*wire.Exchange{ex, twin}
	st.bs.last = &burst{attempts: 1, outcomes: []outcome{
		classify(shot{role: "rate-limit-one-owner"}, ex), classify(shot{role: "rate-limit-one-owner", bad: true}, twin)}}
	return st
}

var ctxType = reflect.TypeFor[context.Context]()

// runSentence runs one step sentence of the catalogue on st, as godog would: the
// submatches become its string and int arguments. A panic is returned as an error of
// its own kind (panicked).
func runSentence(st *world, text string) (panicked any, err error) {
	step, m, ok := st.sc.suite.steps.match(text)
	if !ok {
		return nil, fmt.Errorf("no step matches %q", text)
	}
	defer func() {
		if v := recover(); v != nil {
			panicked = v
		}
	}()
	fn := reflect.ValueOf(step.run(st))
	var args []reflect.Value
	k := 1
	for i := range fn.Type().NumIn() {
		switch in := fn.Type().In(i); {
		case in == ctxType:
			args = append(args, reflect.ValueOf(context.Background()))
		case in.Kind() == reflect.String:
			args = append(args, reflect.ValueOf(m[k]))
			k++
		case in.Kind() == reflect.Int:
			n, _ := strconv.Atoi(m[k])
			args = append(args, reflect.ValueOf(n))
			k++
		default:
			return nil, fmt.Errorf("%q: cannot pass a %s", text, in)
		}
	}
	out := fn.Call(args)
	e, _ := out[0].Interface().(error)
	return nil, e
}

// judge runs every check on one answer and returns what broke an invariant, or nil.
func (rig *fuzzRig) judge(status int, headers string, body []byte) error {
	ex := rig.exchangeOf(status, headers, body)
	st := rig.scenarioOf(ex)
	for _, text := range checkSentences {
		panicked, err := runSentence(st, text)
		if panicked != nil {
			return fmt.Errorf("%q panicked: %v", text, panicked)
		}
		if err := verdictOK(text, err, body); err != nil {
			return err
		}
	}
	// What a failed step attaches, for the runner to redact further.
	for _, text := range []string{ex.RequestText(), ex.ResponseText(), st.bs.last.summary(), st.bs.last.describe()} {
		if leaks(text, body) {
			return fmt.Errorf("an attachment shows the planted secret: %s", wire.Shorten(text, 300))
		}
	}
	return nil
}

// verdictOK: a verdict is a pass, or a failure blamed on contract rows, or a documented
// harness error; it never shows the planted secrets, and its text is bounded.
func verdictOK(text string, err error, body []byte) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	switch {
	case len(check.Blame(err)) == 0 && !strings.HasPrefix(msg, "harness error: "):
		return fmt.Errorf("%q failed naming no row and no harness error: %s", text, wire.Shorten(msg, 300))
	case leaks(msg, body):
		return fmt.Errorf("%q shows the planted secret: %s", text, wire.Shorten(msg, 300))
	case len(msg) > maxVerdict:
		return fmt.Errorf("%q: a verdict of %d bytes (at most %d): %s", text, len(msg), maxVerdict, wire.Shorten(msg, 300))
	}
	return nil
}

// leaks says whether text shows a planted secret that body did not carry.
func leaks(text string, body []byte) bool {
	for _, s := range []string{plantedSecretKey, plantedToken} {
		if strings.Contains(text, s) && !bytes.Contains(body, []byte(s)) {
			return true
		}
	}
	return false
}

// responseSeeds are answers of every kind: conforming ones (success, empty, error) and
// hostile ones.
func responseSeeds(rig *fuzzRig) map[string][]byte {
	varied, _ := rig.fx.UserStore("varied")
	var jobs []string
	for _, j := range varied.Jobs {
		jobs = append(jobs, string(j.Raw))
	}
	const rid = `"RequestId":"0f8fad5b-d9cb-469f-a165-70867728950e"`
	return map[string][]byte{
		"success":      []byte(`{"Response":{"JobSet":[` + strings.Join(jobs, ",") + `],` + rid + `}}`),
		"empty":        []byte(`{"Response":{"JobSet":[],` + rid + `}}`),
		"null":         []byte(`{"Response":{"JobSet":null,` + rid + `}}`),
		"error":        []byte(`{"Response":{"Error":{"Code":"InvalidParameter","Message":"m"},` + rid + `}}`),
		"limited":      []byte(`{"Response":{"Error":{"Code":"RequestLimitExceeded.UinLimitExceeded","Message":"m"},` + rid + `}}`),
		"twice":        []byte(`{"Response":{"JobSet":[` + jobs[0] + `,` + jobs[0] + `],` + rid + `}}`),
		"not objects":  []byte(`{"Response":{"JobSet":[1,"x",null,[],{"Id":7,"ErrorDetails":[1,{"UserId":2}],"FailedUsers":{}}],` + rid + `}}`),
		"deep":         []byte(strings.Repeat(`{"a":[`, 40) + `1` + strings.Repeat(`]}`, 40)),
		"duplicate":    []byte(`{"Response":{"JobSet":[],"JobSet":[` + jobs[0] + `],` + rid + `}}`),
		"bom":          []byte("\xef\xbb\xbf" + `{"Response":{"JobSet":[],` + rid + `}}`),
		"invalid utf8": []byte(`{"Response":{"JobSet":[{"Id":"` + "\xff" + `"}],` + rid + `}}`),
		"numbers":      []byte(`{"Response":{"JobSet":[{"Id":"j","CreatedDate":1e400},{"Id":"k","CreatedDate":99999999999999999999}],` + rid + `}}`),
		"leak":         []byte(`{"Response":{"JobSet":[{"Id":"` + plantedSecretKey + `"}],` + rid + `}}`),
		"garbage":      []byte("\x00{[\"Response"),
	}
}

// FuzzResponseChecks runs every response check of the catalogue on arbitrary answers:
// no check panics, every verdict is a pass or a failure blamed on contract rows (or a
// documented harness error), no verdict or attachment shows the planted secrets, and
// every verdict's text is bounded.
func FuzzResponseChecks(f *testing.F) {
	rig := newFuzzRig(f)
	for _, body := range responseSeeds(rig) {
		f.Add(uint16(200), "Content-Type: application/json", body)
	}
	f.Add(uint16(500), "Content-Type: text/html; charset=\"", []byte("<html>"))
	f.Add(uint16(0), "", []byte(nil))
	f.Fuzz(func(t *testing.T, status uint16, headers string, body []byte) {
		if err := rig.judge(int(status), headers, body); err != nil {
			t.Fatal(err)
		}
	})
}

// TestFuzzCoversEveryCheck: the fuzz target runs every catalogue entry that judges a
// response, bar those that send requests of their own, each sentence matching its entry.
func TestFuzzCoversEveryCheck(t *testing.T) {
	t.Parallel()
	c := Steps()
	covered := map[string]bool{}
	for _, text := range checkSentences {
		s, _, ok := c.match(text)
		require.True(t, ok, text)
		covered[s.Pattern] = true
	}
	for _, s := range c.Entries() {
		if (len(s.Rows) > 0 || s.Judges) && !covered[s.Pattern] {
			assert.Contains(t, sendingChecks, s.Pattern, "a check FuzzResponseChecks does not run")
		}
	}
}

// TestResponseChecksCatch: the invariants of FuzzResponseChecks fail when broken: a
// verdict naming no row, one showing the planted key, one too long.
func TestResponseChecksCatch(t *testing.T) {
	t.Parallel()
	assert.NoError(t, verdictOK("x", nil, nil))
	assert.NoError(t, verdictOK("x", check.Rowf("S2", "bad"), nil))
	assert.NoError(t, verdictOK("x", fmt.Errorf("harness error: no request was sent yet"), nil))
	assert.Error(t, verdictOK("x", fmt.Errorf("something broke"), nil), "no row")
	assert.Error(t, verdictOK("x", check.Rowf("S2", "key %s", plantedSecretKey), nil), "the secret")
	assert.NoError(t, verdictOK("x", check.Rowf("S2", "key %s", plantedSecretKey), []byte(plantedSecretKey)), "the body's own")
	assert.Error(t, verdictOK("x", check.Rowf("S2", "%s", strings.Repeat("x", maxVerdict)), nil), "too long")
	rig := newFuzzRig(t)
	for name, body := range responseSeeds(rig) {
		assert.NoError(t, rig.judge(200, "Content-Type: application/json", body), name)
	}
}

// TestHostileResponses: each hostile body fails T6 (or J4, for numbers that are no
// integer of epoch milliseconds) with a bounded verdict, and a body beyond the bounds of
// strictJSON (depth 64, 4096 members, 1<<20 elements, strict JSON) is refused before
// gjson parses it.
func TestHostileResponses(t *testing.T) {
	t.Parallel()
	rig := newFuzzRig(t)
	const rid = `"RequestId":"0f8fad5b-d9cb-469f-a165-70867728950e"`
	long := strings.Repeat("i", 2*maxVerdict) // longer than a verdict may be
	t6 := map[string]string{
		"deep":           strings.Repeat(`[`, 65) + strings.Repeat(`]`, 65),
		"deep objects":   strings.Repeat(`{"a":`, 100000) + `1` + strings.Repeat(`}`, 100000),
		"wide":           `{"Response":{"JobSet":[],` + rid + `,` + wideMembers(4096) + `}}`,
		"duplicate":      `{"Response":{"JobSet":[],"JobSet":[],` + rid + `}}`,
		"duplicate deep": `{"Response":{"JobSet":[{"Id":"a","Status":"PENDING","Status":"FAILED"}],` + rid + `}}`,
		"invalid utf8":   `{"Response":{"JobSet":[{"Id":"` + "\xc3\x28" + `"}],` + rid + `}}`,
		"bom":            "\xef\xbb\xbf" + `{"Response":{"JobSet":[],` + rid + `}}`,
		"trailing":       `{"Response":{"JobSet":[],` + rid + `}}]`,
		"truncated":      `{"Response":{"JobSet":[`,
	}
	for name, body := range t6 {
		ex := rig.exchangeOf(200, "Content-Type: application/json", []byte(body))
		st := rig.scenarioOf(ex)
		err := st.rs.isSuccess()
		require.Error(t, err, name)
		assert.Equal(t, []string{"T6"}, check.Blame(err), "%s: %v", name, wire.Shorten(err.Error(), 200))
		assert.Less(t, len(err.Error()), 1<<10, name)
		root, why := ex.Root()
		assert.NotEmpty(t, why, "%s: refused", name)
		assert.False(t, root.Exists(), "%s: gjson never parsed it", name)
		assert.Zero(t, ex.Lookups(), "%s: no lookup was made", name)
	}
	j4 := map[string]string{
		"1e400":        `1e400`,
		"20 digits":    `99999999999999999999`,
		"100000 zeros": `1` + strings.Repeat("0", 100000),
		"negative":     `-99999999999999999999`,
	}
	for name, n := range j4 {
		body := `{"Response":{"JobSet":[{"Id":"j","CreatedDate":` + n + `}],` + rid + `}}`
		st := rig.scenarioOf(rig.exchangeOf(200, "Content-Type: application/json", []byte(body)))
		require.NoError(t, st.rs.isSuccess(), name)
		err := st.jb.everyJobJ4()
		require.Error(t, err, name)
		assert.Equal(t, []string{"J4"}, check.Blame(err), name)
		assert.Less(t, len(err.Error()), 1<<10, name)
	}
	// Long strings where Ids, codes and messages go: every verdict stays bounded.
	for name, body := range map[string]string{
		"long id":      `{"Response":{"JobSet":[{"Id":"` + long + `"},{"Id":"` + long + `"}],` + rid + `}}`,
		"long code":    `{"Response":{"Error":{"Code":"` + long + `","Message":"` + long + `"},` + rid + `}}`,
		"long members": `{"Response":{"JobSet":[{"Id":"j","` + long + `":1,"Status":"` + long + `"}],` + rid + `}}`,
		"long ids":     `{"Response":{"JobSet":[{"Id":"` + long + `"}],"RequestId":"` + long + `"}}`,
		"long path":    `{"Response":{"` + long + `":{"` + long + `":[{"a":1,"a":2}]}}}`,
		// gjson validates recursively: a body of 8 MB of '[' given to it unguarded
		// overflows the goroutine stack, a fatal error no recover catches.
		"deep 8 MB": strings.Repeat(`[`, 8<<20),
	} {
		require.NoError(t, rig.judge(200, "Content-Type: "+long, []byte(body)), name)
	}
}

// TestExcerptWorkIsBounded: the excerpt a failure carries costs the same whatever the
// size of the body (each failing check of a scenario adds one). It counts allocation,
// not time, and does not run in parallel.
func TestExcerptWorkIsBounded(t *testing.T) {
	body := []byte(strings.Repeat("x ", 4<<20))
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	err := wire.WithExcerpt(&wire.Exchange{Status: 200, Body: body}, check.Rowf("T6", "bad"))
	runtime.ReadMemStats(&after)
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(64<<10), "bytes allocated for an excerpt of 8 MB")
	assert.Contains(t, err.Error(), "response: HTTP 200 x x x")
	assert.Less(t, len(err.Error()), 400)
}

// The checks of a hostile body refuse it before any lookup: no check after the strict
// reading walks it.
func TestHostileBodyIsReadOnce(t *testing.T) {
	t.Parallel()
	rig := newFuzzRig(t)
	ex := rig.exchangeOf(200, "Content-Type: application/json", []byte(`{"Response":{"JobSet":[],"JobSet":[]}}`))
	st := rig.scenarioOf(ex)
	for _, text := range checkSentences {
		panicked, err := runSentence(st, text)
		require.Nil(t, panicked, text)
		require.NoError(t, verdictOK(text, err, ex.Body))
	}
	assert.Zero(t, ex.Lookups(), "no gjson lookup on a refused body")
	assert.True(t, slices.ContainsFunc(checkSentences, func(s string) bool { return strings.HasPrefix(s, "every returned job") }))
}

// wideMembers is n members of an object, "m0":1,...
func wideMembers(n int) string {
	members := make([]string, n)
	for i := range members {
		members[i] = `"m` + strconv.Itoa(i) + `":1`
	}
	return strings.Join(members, ",")
}
