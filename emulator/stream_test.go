//go:build !mechanical

package emulator

import (
	"net/http/httptest"
	"slices"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciam-harness/listjobs/fixture"
)

// A listing over streamOver is written as it goes, with the exact Content-Length and
// the same JobSet as a listing built in one buffer.
func TestLargeListingsStream(t *testing.T) {
	fx := cloneFixture(t) // its stores are copies: this test may grow one
	i := slices.IndexFunc(fx.UserStores, func(s fixture.UserStore) bool { return s.Role == "varied" })
	require.GreaterOrEqual(t, i, 0)
	st := &fx.UserStores[i]
	st.Jobs = append(slices.Clone(st.Jobs), fixture.GenerateJobs(st.ID, fixture.Generate{Count: 6000, Seed: 7})...)
	e := newEmu(t, Config{Fixture: fx})
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, call{cred: cred(t, "primary"), body: listBody(st.ID)}.request(t))
	require.Greater(t, rec.Body.Len(), streamOver, "the listing is streamed")
	assert.Equal(t, strconv.Itoa(rec.Body.Len()), rec.Header().Get("Content-Length"))
	res := parse(t, rec.Code, rec.Header().Get("Content-Type"), rec.Body.Bytes())
	checkEnvelope(t, res)
	assert.Len(t, res.ids, len(st.Jobs))

	// The same jobs, filtered to a few, come from the buffered path.
	small := serve(t, e, call{cred: cred(t, "primary"), body: listBody(st.ID, st.Jobs[0].ID, st.Jobs[6000].ID)}.request(t))
	assert.Equal(t, sortedIDs(st.Jobs[0].ID, st.Jobs[6000].ID), small.ids)
}
