package steps

import (
	"net/http"
	"strings"
	"testing"

	"github.com/ciam-harness/listjobs/check"
	"github.com/ciam-harness/listjobs/wire"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A scenario reports each broken row once, with the count of the other responses that
// broke it, and its error is blamed on those rows.
func TestViolationsOncePerRow(t *testing.T) {
	var v violations
	u, err := check.NewUniversal(check.Options{})
	require.NoError(t, err)
	assert.NoError(t, v.err())
	for range 3 {
		v.observe(u.Judge(&wire.Exchange{Method: "POST", URL: "http://127.0.0.1:9/", Status: 400,
			RespHeader: http.Header{"Content-Type": {"application/json"}}, Body: []byte(`{"Response":{"JobSet":[]}}`)}, nil, "s"))
	}
	err = v.err()
	require.Error(t, err)
	assert.Equal(t, []string{"T5", "T8"}, check.Blame(err))
	assert.Equal(t, 1, strings.Count(err.Error(), "HTTP status 400"))
	assert.Contains(t, err.Error(), "(and 2 more responses of this scenario)")
}
