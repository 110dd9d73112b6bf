package nearmiss_test

import (
	"bufio"
	"bytes"
	"io/fs"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciam-harness/listjobs/contract"
	"github.com/ciam-harness/listjobs/features"
	"github.com/ciam-harness/listjobs/nearmiss"
	"github.com/ciam-harness/listjobs/vocab"
)

// TestTableCoversTheContract: every exact comparison CONTRACT.md names has a row of the
// table, with the same rows and each value the contract fixes; every row of the table
// names a comparison CONTRACT.md marks (a row the contract no longer names is stale).
func TestTableCoversTheContract(t *testing.T) {
	exacts, err := contract.Exacts()
	require.NoError(t, err)
	require.NotEmpty(t, exacts)
	assert.Empty(t, coverage(exacts, nearmiss.Table()))
}

// coverage returns what keeps table from covering exacts, one line each.
func coverage(exacts []contract.Exact, table []nearmiss.Value) []string {
	var problems []string
	marked := map[string]contract.Exact{}
	for _, e := range exacts {
		marked[e.Compared] = e
		var rows, literals []string
		for _, v := range table {
			if v.Compared != e.Compared {
				continue
			}
			rows = append(rows, v.Rows...)
			for _, m := range nearmiss.Family() {
				if w := v.Verdict(m); w.Outcome == nearmiss.Refused {
					rows = append(rows, w.Rows...)
				}
			}
			if v.Literal != "" {
				literals = append(literals, v.Literal)
			}
		}
		if len(rows) == 0 {
			problems = append(problems, "CONTRACT.md compares "+e.Compared+" exactly (line "+strconv.Itoa(e.Line)+"), and the table has no row for it")
			continue
		}
		vocab.SortRows(rows)
		if rows = slices.Compact(rows); !slices.Equal(rows, e.Rows) {
			problems = append(problems, e.Compared+": the table judges it by "+strings.Join(rows, ", ")+", CONTRACT.md by "+strings.Join(e.Rows, ", "))
		}
		for _, want := range e.Values {
			if !slices.Contains(literals, want) {
				problems = append(problems, e.Compared+": CONTRACT.md fixes the value "+want+", and the table has no row for it")
			}
		}
		for _, l := range literals {
			if len(e.Values) > 0 && !slices.Contains(e.Values, l) {
				problems = append(problems, e.Compared+": the table's value "+l+" is not one CONTRACT.md fixes (stale)")
			}
		}
	}
	for _, v := range table {
		if _, ok := marked[v.Compared]; !ok {
			problems = append(problems, v.ID+": the table compares "+v.Compared+", which CONTRACT.md does not mark as an exact comparison (stale)")
		}
	}
	return problems
}

// TestCoverageFails: the coverage test fails for a comparison without a row, a row the
// contract does not mark, other rows, and a fixed value without a row.
func TestCoverageFails(t *testing.T) {
	exacts, err := contract.Exacts()
	require.NoError(t, err)
	table := nearmiss.Table()
	without := func(compared string) []nearmiss.Value {
		return slices.DeleteFunc(slices.Clone(table), func(v nearmiss.Value) bool { return v.Compared == compared })
	}
	assert.Contains(t, strings.Join(coverage(exacts, without("SecretId")), "\n"), "compares SecretId exactly")
	extra := append(slices.Clone(table), nearmiss.Value{ID: "x", Compared: "X-TC-Timestamp", Rows: []string{"A3"}})
	assert.Contains(t, strings.Join(coverage(exacts, extra), "\n"), "x: the table compares X-TC-Timestamp, which CONTRACT.md does not mark")
	moved := slices.Clone(table)
	for i := range moved {
		if moved[i].ID == "action" {
			moved[i].Rows = []string{"P2"}
		}
	}
	assert.Contains(t, strings.Join(coverage(exacts, moved), "\n"), "X-TC-Action: the table judges it by P2, CONTRACT.md by P1")
	noCSV := slices.DeleteFunc(slices.Clone(table), func(v nearmiss.Value) bool { return v.Literal == "CSV" })
	assert.Contains(t, strings.Join(coverage(exacts, noCSV), "\n"), "Format: CONTRACT.md fixes the value CSV")
	gone := exacts[:0:0]
	for _, e := range exacts {
		if e.Compared != "Status" {
			gone = append(gone, e)
		}
	}
	assert.Contains(t, strings.Join(coverage(gone, table), "\n"), "response-Status-PENDING: the table compares Status, which CONTRACT.md does not mark")
}

// TestFeatureIsCurrent: features/near-misses.feature is what the table gives (go
// generate ./nearmiss writes it).
func TestFeatureIsCurrent(t *testing.T) {
	c, err := contract.Load()
	require.NoError(t, err)
	want, err := nearmiss.Feature(c.Assumed)
	require.NoError(t, err)
	have, err := fs.ReadFile(features.FS, nearmiss.FeatureFile)
	require.NoError(t, err, "run go generate ./nearmiss")
	if !bytes.Equal(have, want) {
		t.Fatalf("features/%s is stale: run go generate ./nearmiss", nearmiss.FeatureFile)
	}
}

// TestElsewhereIsThere: a member the table says another scenario judges is judged there:
// its case id is in the golden list, under a name that holds the member.
func TestElsewhereIsThere(t *testing.T) {
	data, err := os.ReadFile("../features/suite.tsv")
	require.NoError(t, err)
	names := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		f := strings.Split(sc.Text(), "\t")
		if len(f) > 1 && !strings.HasPrefix(f[0], "#") {
			names[f[0]] = f[len(f)-1]
		}
	}
	n := 0
	for _, v := range nearmiss.Table() {
		for member, id := range v.Elsewhere {
			n++
			name, ok := names[id]
			if assert.True(t, ok, "%s %q: %s is not in suite.tsv", v.ID, member, id) {
				assert.Contains(t, name, "("+member+")", "%s %q: the scenario %s", v.ID, member, id)
			}
		}
	}
	assert.Positive(t, n)
}
