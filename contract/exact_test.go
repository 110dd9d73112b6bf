package contract_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciam-harness/listjobs/contract"
)

func TestExactsOfTheContract(t *testing.T) {
	es, err := contract.Exacts()
	require.NoError(t, err)
	byName := map[string]contract.Exact{}
	for _, e := range es {
		byName[e.Compared] = e
	}
	assert.Equal(t, []string{"ListJobs"}, byName["X-TC-Action"].Values)
	assert.Equal(t, []string{"P8", "P9"}, byName["UserStoreId"].Rows)
	assert.Empty(t, byName["SecretId"].Values, "the request's own value is written in words")
	assert.Equal(t, []string{"PENDING", "PROCESSING", "COMPLETED", "FAILED"}, byName["Status"].Values)
}

func TestParseExactRefuses(t *testing.T) {
	c, err := contract.Load()
	require.NoError(t, err)
	table := func(lines ...string) []byte {
		return []byte("# C\n\n## " + contract.ExactHeading + "\n\n| compared | values | where | rows | gets |\n|---|---|---|---|---|\n" + strings.Join(lines, "\n") + "\n")
	}
	cases := map[string]struct {
		md   []byte
		want string
	}{
		"no section":     {[]byte("# C\n\n## Other\n\n| a | b |\n"), "no \"Exact comparisons\" section"},
		"no table":       {[]byte("# C\n\n## " + contract.ExactHeading + "\n\ntext\n"), "has no table"},
		"four cells":     {table("| X | `x` | h | P1 |"), "has 4 cells"},
		"not a row":      {table("| X | `x` | h | P1, Q7 | e |"), `"Q7" is not a row id`},
		"unknown row":    {table("| X | `x` | h | P99 | e |"), "P99 is not a row of the contract"},
		"no row":         {table("| X | `x` | h |  | e |"), `"" is not a row id`},
		"twice":          {table("| X | `x` | h | P1 | e |", "| X | `y` | h | P2 | e |"), "X is listed twice (first at line 7)"},
		"nothing named":  {table("|  | `x` | h | P1 | e |"), "names nothing compared"},
		"fenced ignored": {[]byte("# C\n\n```\n## " + contract.ExactHeading + "\n| X | `x` | h | P1 | e |\n```\n"), "no \"Exact comparisons\" section"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := contract.ParseExact("c.md", tc.md, c)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	es, err := contract.ParseExact("c.md", table("| X \\| Y | `a`, `b` | h | P1, P2 | e |"), c)
	require.NoError(t, err)
	require.Len(t, es, 1)
	assert.Equal(t, contract.Exact{Compared: "X | Y", Values: []string{"a", "b"}, Where: "h", Rows: []string{"P1", "P2"}, Gets: "e", Line: 7}, es[0])
}
