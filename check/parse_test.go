package check

import (
	"strconv"
	"strings"
	"testing"

	"github.com/ciam-harness/listjobs/wire"
	"github.com/stretchr/testify/assert"
)

// TestStrictJSON: every hostile body fails T6 with a message naming what and where. The
// bounds are counts, checked as the body streams by, so a hostile body is refused at the
// first token past its bound.
func TestStrictJSON(t *testing.T) {
	t.Parallel()
	job := `{"Id":"j1","Id":"j2"}`
	cases := map[string]struct{ body, want string }{
		"deep":           {strings.Repeat("[", 200000), "nests deeper than 64"},
		"wide":           {`{"Response":{` + wideMembers(5000) + `}}`, "Response has more than 4096 members"},
		"long array":     {`{"Response":{"JobSet":[` + strings.Repeat("0,", 1<<20) + `0]}}`, "Response.JobSet has more than 1048576 elements"},
		"dup nested":     {`{"Response":{"JobSet":[{"ErrorDetails":[{"UserId":"u","UserId":"v"}]}]}}`, `member "UserId" is given twice in Response.JobSet[0].ErrorDetails[0]`},
		"dup top":        {`{"Response":{"RequestId":"x"},"Response":{}}`, `member "Response" is given twice in the body`},
		"dup in job":     {`{"Response":{"JobSet":[{"Id":"a"},` + job + `],"RequestId":"x"}}`, `member "Id" is given twice in Response.JobSet[1]`},
		"invalid utf8":   {"{\"Response\":{\"RequestId\":\"\xff\"}}", "not valid UTF-8 (at byte 26)"},
		"bom":            {"\xef\xbb\xbf{\"Response\":{}}", "byte-order mark"},
		"trailing":       {`{"Response":{}} x`, "data after its JSON value"},
		"trailing value": {`{"Response":{}}{}`, "data after its JSON value"},
		"huge number":    {`{"Response":{"JobSet":[{"CreatedDate":1` + strings.Repeat("0", 100000) + `}]}}`, ""},
	}
	for name, c := range cases {
		ex := &wire.Exchange{Body: []byte(c.body)}
		_, err := Parse(ex, "T6")
		if c.want == "" {
			assert.NoError(t, err, name) // a long number is well-formed; J4 judges it
			continue
		}
		if assert.Error(t, err, name) {
			assert.Contains(t, err.Error(), "T6: ", name)
			assert.Contains(t, err.Error(), c.want, name)
		}
	}
	ex := &wire.Exchange{Body: []byte(`{"Response":{"JobSet":[{"Id":"a"},{"Id":"b"}],"RequestId":"x"}}`)}
	_, err := Parse(ex, "T6")
	assert.NoError(t, err)
}

func wideMembers(n int) string {
	members := make([]string, n)
	for i := range members {
		members[i] = `"m` + strconv.Itoa(i) + `":1`
	}
	return strings.Join(members, ",")
}
