package steps

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// TestStrictJSON: every hostile body fails T6 quickly, with a message naming what and where.
func TestStrictJSON(t *testing.T) {
	t.Parallel()
	job := `{"Id":"j1","Id":"j2"}`
	cases := map[string]struct{ body, want string }{
		"deep":           {strings.Repeat("[", 200000), "nests deeper than 64"},
		"wide":           {`{"Response":{` + strings.Repeat(`"a":1,`, 0) + wideMembers(5000) + `}}`, "more than 4096 members"},
		"dup top":        {`{"Response":{"RequestId":"x"},"Response":{}}`, `member "Response" is given twice in the body`},
		"dup in job":     {`{"Response":{"JobSet":[{"Id":"a"},` + job + `],"RequestId":"x"}}`, `member "Id" is given twice in Response.JobSet[1]`},
		"invalid utf8":   {"{\"Response\":{\"RequestId\":\"\xff\"}}", "not valid UTF-8 (at byte 26)"},
		"bom":            {"\xef\xbb\xbf{\"Response\":{}}", "byte-order mark"},
		"trailing":       {`{"Response":{}} x`, "data after its JSON value"},
		"trailing value": {`{"Response":{}}{}`, "data after its JSON value"},
		"huge number":    {`{"Response":{"JobSet":[{"CreatedDate":1` + strings.Repeat("0", 100000) + `}]}}`, ""},
	}
	for name, c := range cases {
		start := time.Now()
		ex := &exchange{body: []byte(c.body)}
		_, err := ex.parse("T6")
		assert.Less(t, time.Since(start), time.Second, name)
		if c.want == "" {
			assert.NoError(t, err, name) // a long number is well-formed; J4 judges it
			continue
		}
		if assert.Error(t, err, name) {
			assert.Contains(t, err.Error(), "T6: ", name)
			assert.Contains(t, err.Error(), c.want, name)
		}
	}
	ex := &exchange{body: []byte(`{"Response":{"JobSet":[{"Id":"a"},{"Id":"b"}],"RequestId":"x"}}`)}
	_, err := ex.parse("T6")
	assert.NoError(t, err)
}

func wideMembers(n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`"m` + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + itoa(i) + `":1`)
	}
	return b.String()
}

func itoa(i int) string {
	s := ""
	for {
		s = string(rune('0'+i%10)) + s
		i /= 10
		if i == 0 {
			return s
		}
	}
}
