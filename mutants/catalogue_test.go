package mutants

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCatalogueIsPinned: the names of the mutants, their order and the rows they are
// blamed on stay as testdata/catalogue.golden lists them (one "name<TAB>row" a line,
// first written from the catalogue as it stood before it was split by row). Kill tables,
// ledgers and the README's figures key on the names: a mutant is added by appending a
// line, never by renaming one.
func TestCatalogueIsPinned(t *testing.T) {
	golden, err := os.ReadFile("testdata/catalogue.golden")
	require.NoError(t, err)
	var got []string
	for _, m := range Catalogue() {
		got = append(got, m.Name+"\t"+m.Row)
	}
	assert.Equal(t, strings.Split(strings.TrimSuffix(string(golden), "\n"), "\n"), got)
}
