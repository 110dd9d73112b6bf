package check

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciam-harness/listjobs/wire"
)

// answer is an exchange of a wire request with its response.
func answer(status int, ctype, body string) *wire.Exchange {
	return &wire.Exchange{Method: "POST", URL: "http://127.0.0.1:9/", Status: status,
		RespHeader: http.Header{"Content-Type": {ctype}}, Body: []byte(body)}
}

const (
	okBody  = `{"Response":{"JobSet":[],"RequestId":"%s"}}`
	errBody = `{"Response":{"Error":{"Code":"MissingParameter","Message":"m"},"RequestId":"%s"}}`
)

func id(n int) string {
	return strings.Replace("00000000-0000-4000-8000-00000000000x", "x", string(rune('0'+n)), 1)
}

func sprintf(format, a string) string { return strings.Replace(format, "%s", a, 1) }

// Each invariant of every response is checked, on successes and errors alike, and each
// violation names its row.
func TestEveryResponseInvariants(t *testing.T) {
	for _, tc := range []struct {
		name string
		ex   *wire.Exchange
		want []string // the labels of the violations
	}{
		{"a conforming success", answer(200, "application/json", sprintf(okBody, id(1))), nil},
		{"a conforming error", answer(200, "application/json; charset=utf-8", sprintf(errBody, id(2))), nil},
		{"JobSet null", answer(200, "application/json", `{"Response":{"JobSet":null,"RequestId":"`+id(3)+`"}}`), nil},
		{"HTTP 400", answer(400, "application/json", sprintf(errBody, id(4))), []string{"T5"}},
		{"text/plain", answer(200, "text/plain", sprintf(okBody, id(5))), []string{"T5"}},
		{"not JSON", answer(200, "application/json", `<html>`), []string{"T6/T7"}},
		{"Response not an object", answer(200, "application/json", `{"Response":[]}`), []string{"T6/T7"}},
		{"JobSet missing", answer(200, "application/json", `{"Response":{"RequestId":"`+id(6)+`"}}`), []string{"T6/S5"}},
		{"empty Message", answer(200, "application/json", `{"Response":{"Error":{"Code":"X","Message":""},"RequestId":"`+id(7)+`"}}`), []string{"T7"}},
		{"no Code", answer(200, "application/json", `{"Response":{"Error":{"Message":"m"},"RequestId":"`+id(8)+`"}}`), []string{"T7"}},
		{"no RequestId", answer(200, "application/json", `{"Response":{"JobSet":[]}}`), []string{"T8"}},
		{"RequestId not a UUID", answer(200, "application/json", sprintf(okBody, "req-1")), []string{"T9"}},
		{"RequestId one digit short", answer(200, "application/json", sprintf(okBody, id(9)[:35])), []string{"T9"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, e := range judge(t, Options{Assumed: true}, tc.ex) {
				got = append(got, e.Label)
				assert.Contains(t, e.Error(), "POST http://127.0.0.1:9/", "the message names the request")
			}
			assert.Equal(t, tc.want, got)
		})
	}
	// The sdk driver's exchanges carry no status or Content-Type: only the body is judged.
	ex := answer(0, "", sprintf(okBody, id(1)))
	ex.SDK = &wire.SDKView{}
	assert.Empty(t, judge(t, Options{}, ex))
	// No response at all is the sending step's to report.
	assert.Empty(t, judge(t, Options{}, &wire.Exchange{Err: assert.AnError}))
}

// A RequestId seen twice in a run breaks T8, naming the scenario that got it first.
func TestRequestIDsAreUniqueAcrossTheRun(t *testing.T) {
	u, err := NewUniversal(Options{})
	require.NoError(t, err)
	assert.Empty(t, u.Judge(answer(200, "application/json", sprintf(okBody, id(1))), nil, "first"))
	errs := u.Judge(answer(200, "application/json", sprintf(errBody, id(1))), nil, "second")
	require.Len(t, errs, 1)
	assert.Equal(t, "T8", errs[0].Label)
	assert.Contains(t, errs[0].Error(), `(in "first")`)
}

// judge is a fresh Universal's judgement of ex.
func judge(t *testing.T, o Options, ex *wire.Exchange) []*RowError {
	t.Helper()
	u, err := NewUniversal(o)
	require.NoError(t, err)
	return u.Judge(ex, nil, "s")
}
