package mutants

import (
	"bytes"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	listjobs "github.com/ciam-harness/listjobs"
	"github.com/ciam-harness/listjobs/emulator"
	"github.com/ciam-harness/listjobs/fixture"
)

const (
	success = `{"Response":{"JobSet":[{"Id":"a","CreatedDate":1715156770024,"Location":"<x>"},{"Id":"b","CreatedDate":1715156770999}],"RequestId":"r-1"}}`
	empty   = `{"Response":{"JobSet":[],"RequestId":"r-2"}}`
	failure = `{"Response":{"Error":{"Code":"InvalidParameter","Message":"m"},"RequestId":"r-3"}}`
)

func TestDropRequestID(t *testing.T) {
	assert.JSONEq(t, `{"Response":{"JobSet":[{"Id":"a","CreatedDate":1715156770024,"Location":"<x>"},{"Id":"b","CreatedDate":1715156770999}]}}`, string(DropRequestID([]byte(success))))
	assert.JSONEq(t, `{"Response":{"Error":{"Code":"InvalidParameter","Message":"m"}}}`, string(DropRequestID([]byte(failure))))
	assert.Contains(t, string(DropRequestID([]byte(success))), `"<x>"`, "no HTML escaping")
}

func TestNullJobSet(t *testing.T) {
	assert.JSONEq(t, `{"Response":{"JobSet":null,"RequestId":"r-1"}}`, string(NullJobSet([]byte(success))))
	assert.Equal(t, empty, string(NullJobSet([]byte(empty))), "an empty result may be null or []: left alone")
	assert.Equal(t, failure, string(NullJobSet([]byte(failure))))
}

func TestCreatedDateSeconds(t *testing.T) {
	assert.JSONEq(t, `{"Response":{"JobSet":[{"Id":"a","CreatedDate":1715156770,"Location":"<x>"},{"Id":"b","CreatedDate":1715156770}],"RequestId":"r-1"}}`,
		string(CreatedDateSeconds([]byte(success))))
	assert.Equal(t, failure, string(CreatedDateSeconds([]byte(failure))))
}

func TestRewritesLeaveUnreadableBodiesAlone(t *testing.T) {
	for _, body := range []string{"", "not json", `[]`, `{"Response":"x"}`, `{"Other":{}}`} {
		for name, f := range map[string]func([]byte) []byte{"DropRequestID": DropRequestID, "NullJobSet": NullJobSet, "CreatedDateSeconds": CreatedDateSeconds} {
			assert.Equal(t, body, string(f([]byte(body))), "%s(%q)", name, body)
		}
	}
}

func TestAllMutants(t *testing.T) {
	fx, err := fixture.Read(bytes.NewReader(listjobs.DefaultFixture))
	require.NoError(t, err)
	row := regexp.MustCompile(`^[TAPSJR][1-9][0-9]?$`)
	names := map[string]bool{}
	for _, m := range All() {
		assert.Regexp(t, row, m.Row, m.Name)
		assert.NotEmpty(t, m.Break, m.Name)
		assert.False(t, names[m.Name], "%s given twice", m.Name)
		names[m.Name] = true
		got, ok := ByName(m.Name)
		assert.True(t, ok)
		assert.Equal(t, m.Row, got.Row)

		cfg := m.Config(fx)
		assert.Same(t, fx, cfg.Fixture)
		assert.NotEqual(t, emulator.Config{Fixture: fx, RateLimit: emulator.DefaultRateLimit}, cfg, "%s breaks nothing", m.Name)
		srv, err := m.Start(fx)
		require.NoError(t, err, m.Name)
		require.NoError(t, srv.Close())
	}
	_, ok := ByName("nope")
	assert.False(t, ok)
}
