//go:build !mechanical

package emulator

import (
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestWrap: Config.Wrap sees every request before the emulator and may answer in its
// place or rewrite the request; without it the same request conforms.
func TestWrap(t *testing.T) {
	t.Parallel()
	primary := cred(t, "primary")
	varied := storeOf(t, "varied")
	body := listBody(varied.ID)

	good := serve(t, newEmu(t, Config{}), call{cred: primary, body: body, action: "ListJob"}.request(t))
	require.Equal(t, "InvalidAction", good.code, "without Wrap")

	// A middleware that rewrites an unsigned header before the emulator sees it (P1 broken).
	calls := 0
	e := newEmu(t, Config{Wrap: func(next http.Handler) http.Handler {
		calls++
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r.Header.Set("X-TC-Action", "ListJobs")
			next.ServeHTTP(w, r)
		})
	}})
	assert.Equal(t, 1, calls, "built once, in New")
	bad := serve(t, e, call{cred: primary, body: body, action: "ListJob"}.request(t))
	assert.Empty(t, bad.code, "the rewritten request is served: %s", bad.message)
	assert.Len(t, bad.ids, len(varied.Jobs))
	assert.Equal(t, 1, calls)

	// A middleware that answers in the emulator's place: the emulator never reads the body.
	e = newEmu(t, Config{Wrap: func(http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"Response":{"Error":{"Code":"InternalError","Message":"m"},"RequestId":"r"}}`)
		})
	}})
	r := call{cred: primary, body: body}.request(t)
	res := serveRaw(t, e, r)
	assert.Equal(t, "InternalError", res.code)
	rest, err := io.ReadAll(r.Body)
	require.NoError(t, err)
	assert.Equal(t, body, string(rest), "the body is left for the middleware")

	_, err = New(Config{Fixture: loadFixture(t), Wrap: func(http.Handler) http.Handler { return nil }})
	require.Error(t, err)
	assert.True(t, strings.Contains(err.Error(), "Wrap"), err.Error())
}

// TestConfigHoldsNoSwitches: Config holds the contract's settings and the one Wrap hook,
// nothing else. A new field is a deliberate change of this list: a switch that breaks
// a contract row belongs in package mutants, built on Wrap, not in the emulator.
func TestConfigHoldsNoSwitches(t *testing.T) {
	t.Parallel()
	typ := reflect.TypeOf(Config{})
	var names []string
	for i := range typ.NumField() {
		names = append(names, typ.Field(i).Name)
	}
	assert.Equal(t, []string{"Fixture", "RateLimit", "NullEmpty", "Clock", "Seed", "Wrap"}, names)
	wrap, _ := typ.FieldByName("Wrap")
	assert.Equal(t, reflect.TypeOf(func(http.Handler) http.Handler { return nil }), wrap.Type)
}
