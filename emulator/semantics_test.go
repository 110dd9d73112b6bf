//go:build !mechanical

package emulator

import (
	"bytes"
	"encoding/json"
	"slices"
	"testing"

	"github.com/ciam-harness/listjobs/fixture"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSemantics covers S1-S3, S5-S7 and S9 on the default fixture.
func TestSemantics(t *testing.T) {
	t.Parallel()
	e := newEmu(t, Config{Fixture: loadFixture(t)})
	primary := cred(t, "primary")
	varied, sibling, empty := storeOf(t, "varied"), storeOf(t, "sibling"), storeOf(t, "empty")
	other := storeOf(t, "other-account")
	v := varied.JobIDs()
	list := func(c call) result { return serve(t, e, c.request(t)) }
	post := func(store string, ids ...string) result {
		return list(call{cred: primary, body: listBody(store, ids...)})
	}
	get := func(store string, ids ...string) result {
		return list(call{method: "GET", cred: primary, query: listQuery(store, ids...)})
	}
	cases := []struct {
		name string
		res  result
		want []string
	}{
		{"S1 absent JobIds", post(varied.ID), sortedIDs(v...)},
		{"S1 empty JobIds", post(varied.ID, []string{}...), sortedIDs(v...)},
		{"S1 GET", get(varied.ID), sortedIDs(v...)},
		{"S2 subset", post(varied.ID, v[0], v[3]), sortedIDs(v[0], v[3])},
		{"S2 GET subset", get(varied.ID, v[5], v[1]), sortedIDs(v[1], v[5])},
		{"S2 duplicates once", post(varied.ID, v[2], v[2], v[4], v[2]), sortedIDs(v[2], v[4])},
		{"S2 GET duplicates once", get(varied.ID, v[2], v[2]), []string{v[2]}},
		{"S3 unknown dropped", post(varied.ID, v[0], "job-nope"), []string{v[0]}},
		{"S3 only unknown", post(varied.ID, "job-nope"), nil},
		{"S6 a sibling's job id is not listed", post(varied.ID, sibling.Jobs[0].ID, v[1]), []string{v[1]}},
		{"S6 sibling lists its own", post(sibling.ID), sortedIDs(sibling.JobIDs()...)},
		{"S5 empty store", post(empty.ID), nil},
		{"S9 other account lists its own", list(call{cred: cred(t, "other-account"), body: listBody(other.ID)}), sortedIDs(other.JobIDs()...)},
		{"same account, other owner", list(call{cred: cred(t, "other-owner"), body: listBody(varied.ID)}), sortedIDs(v...)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.Empty(t, tc.res.code, tc.res.message)
			assert.Equal(t, tc.want, tc.res.ids)
			if tc.want == nil {
				assert.JSONEq(t, `[]`, string(tc.res.jobSet), "S5 empty is [] by default")
			}
		})
	}
	t.Run("S9 isolation both ways", func(t *testing.T) {
		res := list(call{cred: cred(t, "other-account"), body: listBody(varied.ID)})
		assert.Equal(t, "FailedOperation.InvalidUserStore", res.code)
		assert.NotContains(t, string(res.raw), v[0])
		res = list(call{cred: primary, body: listBody(other.ID, other.Jobs[0].ID)})
		assert.Equal(t, "FailedOperation.InvalidUserStore", res.code)
		assert.NotContains(t, string(res.raw), other.Jobs[0].ID)
	})
	t.Run("jobs are served verbatim", func(t *testing.T) {
		res := post(varied.ID)
		byID := map[string][]byte{}
		for _, j := range varied.Jobs {
			byID[j.ID] = j.Raw
		}
		require.Len(t, res.jobs, len(varied.Jobs))
		for _, j := range res.jobs {
			var id struct{ Id string }
			require.NoError(t, json.Unmarshal(j, &id))
			assert.True(t, bytes.Equal(byID[id.Id], j), "job %s: got %s want %s", id.Id, j, byID[id.Id])
		}
	})
	t.Run("S7 same request, same jobs", func(t *testing.T) {
		assert.Equal(t, post(storeOf(t, "many").ID).ids, post(storeOf(t, "many").ID).ids)
	})
}

// TestShuffle covers S4: each response has its own order, the set is the same.
func TestShuffle(t *testing.T) {
	t.Parallel()
	many := storeOf(t, "many")
	primary := cred(t, "primary")
	order := func(res result) []string { return res.order }
	e := newEmu(t, Config{Fixture: loadFixture(t), Seed: 42})
	a := serve(t, e, call{cred: primary, body: listBody(many.ID)}.request(t))
	b := serve(t, e, call{cred: primary, body: listBody(many.ID)}.request(t))
	require.Len(t, a.jobs, 3000)
	assert.Equal(t, a.ids, b.ids, "same set")
	assert.NotEqual(t, order(a), order(b), "S4: responses differ in order")
	assert.NotEqual(t, many.JobIDs(), order(a), "not the fixture order")
	assert.NotEqual(t, a.ids, order(a), "not sorted")

	t.Run("a seed fixes the sequence", func(t *testing.T) {
		e2 := newEmu(t, Config{Fixture: loadFixture(t), Seed: 42})
		assert.Equal(t, order(a), order(serve(t, e2, call{cred: primary, body: listBody(many.ID)}.request(t))))
	})
	t.Run("seed 0 is random", func(t *testing.T) {
		x := serve(t, newEmu(t, Config{Fixture: loadFixture(t)}), call{cred: primary, body: listBody(many.ID)}.request(t))
		y := serve(t, newEmu(t, Config{Fixture: loadFixture(t)}), call{cred: primary, body: listBody(many.ID)}.request(t))
		assert.NotEqual(t, order(x), order(y))
	})
	t.Run("filtered lists are shuffled too", func(t *testing.T) {
		ids := many.JobIDs()[:50]
		seen := map[string]bool{}
		for range 5 {
			res := serve(t, e, call{cred: primary, body: listBody(many.ID, ids...)}.request(t))
			assert.Equal(t, sortedIDs(ids...), res.ids)
			seen[slicesJoin(order(res))] = true
		}
		assert.Greater(t, len(seen), 1)
	})
	t.Run("bounded is uniform enough", func(t *testing.T) {
		var r splitmix
		r.seed(1, 1)
		var counts [3]int
		for range 30000 {
			counts[r.bounded(3)]++
		}
		for _, c := range counts {
			assert.InDelta(t, 10000, c, 500)
		}
	})
}

func slicesJoin(s []string) string {
	return string(bytes.Join(func() [][]byte {
		out := make([][]byte, len(s))
		for i, x := range s {
			out[i] = []byte(x)
		}
		return out
	}(), []byte(",")))
}

// TestNullEmpty covers the S5 option: an empty result as null, a non-empty one an array.
func TestNullEmpty(t *testing.T) {
	t.Parallel()
	e := newEmu(t, Config{NullEmpty: true})
	primary := cred(t, "primary")
	varied := storeOf(t, "varied")
	res := serve(t, e, call{cred: primary, body: listBody(storeOf(t, "empty").ID)}.request(t))
	assert.Equal(t, "null", string(res.jobSet))
	res = serve(t, e, call{cred: primary, body: listBody(varied.ID, "nope")}.request(t))
	assert.Equal(t, "null", string(res.jobSet))
	res = serve(t, e, call{cred: primary, body: listBody(varied.ID, varied.Jobs[0].ID)}.request(t))
	assert.Equal(t, []string{varied.Jobs[0].ID}, res.ids)
}

// TestFaults: every fault rule of the fixture answers its code (T7), after the parameter
// checks and before the user-store lookup.
func TestFaults(t *testing.T) {
	t.Parallel()
	fx := loadFixture(t)
	require.NotEmpty(t, fx.Faults)
	e := newEmu(t, Config{})
	primary := cred(t, "primary")
	for _, f := range fx.Faults {
		res := serve(t, e, call{cred: primary, body: listBody(f.UserStoreID)}.request(t))
		assert.Equal(t, f.Code, res.code, "fault on %s", f.UserStoreID)
	}
	f := fx.Faults[0]
	res := serve(t, e, call{cred: primary, body: `{"UserStoreId":"` + f.UserStoreID + `","Foo":1}`}.request(t))
	assert.Equal(t, "UnknownParameter", res.code, "parameters before faults")

	t.Run("by SecretId, with message", func(t *testing.T) {
		fx := cloneFixture(t)
		bob := cred(t, "other-owner")
		fx.Faults = append(fx.Faults, fixture.Fault{SecretID: bob.SecretID, Code: "InternalError", Message: `boom "quoted"`})
		e := newEmu(t, Config{Fixture: fx})
		res := serve(t, e, call{cred: bob, body: listBody(storeOf(t, "varied").ID)}.request(t))
		assert.Equal(t, "InternalError", res.code)
		assert.Equal(t, `boom "quoted"`, res.message)
		res = serve(t, e, call{cred: primary, body: listBody(storeOf(t, "varied").ID)}.request(t))
		assert.Empty(t, res.code)
	})
}

// TestNew covers the configuration errors and the light fixture checks of New.
func TestNew(t *testing.T) {
	t.Parallel()
	_, err := New(Config{})
	assert.ErrorContains(t, err, "Fixture")
	_, err = New(Config{Fixture: loadFixture(t), RateLimit: -1})
	assert.ErrorContains(t, err, "RateLimit")

	fx := cloneFixture(t)
	fx.Credentials = append(fx.Credentials, fx.Credentials[0])
	_, err = New(Config{Fixture: fx})
	assert.ErrorContains(t, err, "given twice")

	fx = cloneFixture(t)
	fx.UserStores = append(fx.UserStores, fx.UserStores[0])
	_, err = New(Config{Fixture: fx})
	assert.ErrorContains(t, err, "given twice")

	fx = cloneFixture(t)
	fx.UserStores = append(fx.UserStores, fixture.UserStore{ID: "us-bad", Account: "a", Jobs: []fixture.Job{{ID: "j", Raw: []byte(`{"Id":`)}}})
	_, err = New(Config{Fixture: fx})
	assert.ErrorContains(t, err, "us-bad")

	// A hand-built fixture may hold a non-conforming job: it is served as it is (mutants).
	fx = cloneFixture(t)
	fx.UserStores = append(fx.UserStores, fixture.UserStore{ID: "us-odd", Account: "acct-100000000001",
		Jobs: []fixture.Job{{ID: "j", Raw: []byte(`{ "Id": "j", "Status": "WEIRD" }`)}}})
	e := newEmu(t, Config{Fixture: fx})
	res := serve(t, e, call{cred: cred(t, "primary"), body: listBody("us-odd")}.request(t))
	assert.Equal(t, `[{"Id":"j","Status":"WEIRD"}]`, string(res.jobSet))
	assert.False(t, slices.Contains(res.ids, ""))
}
