package features_test

import (
	"bufio"
	"encoding/json"
	"io/fs"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	listjobs "github.com/ciam-harness/listjobs"
	"github.com/ciam-harness/listjobs/features"
)

// scenario is what this test reads of a Scenario or Scenario Outline.
type scenario struct {
	file, title string
	tags        []string
	examples    []string // first cells of the Examples rows (header excluded)
}

// scan reads the scenarios of every feature file: tags on the lines before a Scenario
// (feature-level tags included), and the Examples rows.
func scan(t *testing.T) []*scenario {
	t.Helper()
	files, err := fs.Glob(features.FS, "*.feature")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	var out []*scenario
	for _, f := range files {
		data, err := fs.ReadFile(features.FS, f)
		require.NoError(t, err)
		var pending, featureTags []string
		var cur *scenario
		inExamples, header := false, false
		sc := bufio.NewScanner(strings.NewReader(string(data)))
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			switch {
			case strings.HasPrefix(line, "@"):
				pending = append(pending, strings.Fields(line)...)
			case strings.HasPrefix(line, "Feature:"):
				featureTags, pending = pending, nil
			case strings.HasPrefix(line, "Scenario:"), strings.HasPrefix(line, "Scenario Outline:"):
				_, title, _ := strings.Cut(line, ":")
				cur = &scenario{file: f, title: strings.TrimSpace(title), tags: append(slices.Clone(featureTags), pending...)}
				out = append(out, cur)
				pending, inExamples = nil, false
			case strings.HasPrefix(line, "Examples:"):
				inExamples, header = true, true
			case inExamples && strings.HasPrefix(line, "|"):
				if header {
					header = false
					continue
				}
				cells := strings.Split(strings.Trim(line, "|"), "|")
				cur.examples = append(cur.examples, strings.TrimSpace(cells[0]))
			}
		}
		require.NoError(t, sc.Err())
	}
	return out
}

var rowTag = regexp.MustCompile(`^@([TAPSJR])([0-9]+)$`)

// rows of the contract (contract-decisions.md) and how many of each kind.
var rowCounts = map[string]int{"T": 10, "A": 8, "P": 10, "S": 9, "J": 9, "R": 3}

// assumedRows are the rows whose class is assumed, wholly or partly (mixed rows count as
// assumed). S2 is documented but its "each at most once" is assumed: a scenario of S2
// may carry @assumed, and need not.
var assumedRows = []string{"T5", "T9", "T10", "A5", "A6", "P2", "P3", "P7", "P8", "P9", "P10", "S3", "S7", "S9", "J9", "R3"}

var otherTags = []string{"@assumed", "@fixture", "@fault-injection", "@signature-v1", "@token", "@rate-limit", "@scale", "@wire", "@sdk-retry"}

func rows(s *scenario) []string {
	var out []string
	for _, tg := range s.tags {
		if m := rowTag.FindStringSubmatch(tg); m != nil {
			out = append(out, m[1]+m[2])
		}
	}
	return out
}

func TestEveryRowIsCovered(t *testing.T) {
	covered := map[string]int{}
	for _, s := range scan(t) {
		for _, r := range rows(s) {
			covered[r]++
		}
	}
	for kind, n := range rowCounts {
		for i := 1; i <= n; i++ {
			row := kind + strconv.Itoa(i)
			assert.Positive(t, covered[row], "no scenario is tagged @%s", row)
		}
	}
	for row := range covered {
		kind := row[:1]
		n, _ := strconv.Atoi(row[1:])
		assert.True(t, n >= 1 && n <= rowCounts[kind], "@%s is not a row of the contract", row)
	}
}

func TestTagsFollowTheRows(t *testing.T) {
	for _, s := range scan(t) {
		rs := rows(s)
		name := s.file + ": " + s.title
		assert.NotEmpty(t, rs, "%s has no row tag", name)
		for _, tg := range s.tags {
			isID := strings.HasPrefix(tg, "@id:") // its grammar: package plan
			assert.True(t, rowTag.MatchString(tg) || slices.Contains(otherTags, tg) || isID, "%s: unknown tag %s", name, tg)
		}
		has := func(tag string) bool { return slices.Contains(s.tags, tag) }
		anyRow := func(pred func(string) bool) bool { return slices.ContainsFunc(rs, pred) }
		assumed := anyRow(func(r string) bool { return slices.Contains(assumedRows, r) })
		if assumed {
			assert.True(t, has("@assumed"), "%s checks an assumed row %v but is not tagged @assumed", name, rs)
		}
		if has("@assumed") {
			assert.True(t, assumed || slices.Contains(rs, "S2"), "%s is tagged @assumed but checks no assumed row %v", name, rs)
		}
		assert.Equal(t, slices.Contains(rs, "A7"), has("@signature-v1"), "%s: @signature-v1 goes with A7", name)
		assert.Equal(t, slices.Contains(rs, "A8"), has("@token"), "%s: @token goes with A8", name)
		assert.Equal(t, anyRow(func(r string) bool { return r[0] == 'R' }), has("@rate-limit"), "%s: @rate-limit goes with R rows", name)
		if has("@rate-limit") || has("@token") || has("@fault-injection") || has("@scale") {
			assert.True(t, has("@fixture"), "%s uses fixture credentials or stores and must be tagged @fixture", name)
		}
	}
}

// The errors feature has one Examples row per code of the ListJobs error-code table.
func TestEveryErrorCodeHasARow(t *testing.T) {
	var table struct {
		Codes []string `json:"codes"`
	}
	require.NoError(t, json.Unmarshal(listjobs.ErrorCodes, &table))
	require.Len(t, table.Codes, 28)
	var outline *scenario
	for _, s := range scan(t) {
		if s.file == "errors.feature" {
			require.Nil(t, outline, "errors.feature holds one Scenario Outline")
			outline = s
		}
	}
	require.NotNil(t, outline)
	assert.Equal(t, table.Codes, outline.examples)
	for _, tag := range []string{"@T7", "@fault-injection", "@fixture"} {
		assert.Contains(t, outline.tags, tag)
	}
}

func TestScenarioTitlesAreUnique(t *testing.T) {
	seen := map[string]string{}
	for _, s := range scan(t) {
		if prev, dup := seen[s.title]; dup {
			t.Errorf("the title %q is used in %s and %s", s.title, prev, s.file)
		}
		seen[s.title] = s.file
	}
}
