package mutants

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciam-harness/listjobs/emulator"
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

func TestCatalogue(t *testing.T) {
	fx := loadSmallFixture(t)
	row := regexp.MustCompile(`^[TAPSJR][1-9][0-9]?$`)
	names := map[string]bool{}
	areas := map[byte]int{}
	for _, m := range Catalogue() {
		assert.Regexp(t, row, m.Row, m.Name)
		assert.Regexp(t, `^[a-z0-9]+(-[a-z0-9]+)*$`, m.Name)
		assert.NotEmpty(t, m.Break, m.Name)
		assert.NotEmpty(t, m.How, m.Name)
		assert.False(t, names[m.Name], "%s given twice", m.Name)
		names[m.Name] = true
		got, ok := ByName(m.Name)
		assert.True(t, ok)
		assert.Equal(t, m.Row, got.Row)
		if m.Equivalent == "" {
			areas[m.Row[0]]++
		}
		cfg := m.Config(fx)
		if m.Name == "rate-limit-per-secretid" {
			// a copy of the fixture in which every key is an owner of its own
			require.Len(t, cfg.Fixture.Credentials, len(fx.Credentials))
			for i, c := range cfg.Fixture.Credentials {
				want := fx.Credentials[i]
				assert.NotEqual(t, want.Owner, c.Owner)
				want.Owner = c.Owner
				assert.Equal(t, want, c)
			}
			assert.Equal(t, fx.UserStores, cfg.Fixture.UserStores)
		} else {
			assert.Same(t, fx, cfg.Fixture)
		}
		assert.NotEqual(t, emulator.Config{Fixture: fx, RateLimit: emulator.DefaultRateLimit}, cfg, "%s changes nothing", m.Name)
	}
	assert.GreaterOrEqual(t, len(Breaking()), 40, "the issue asks for at least 40 breaking mutants")
	assert.Len(t, Catalogue(), len(Breaking())+len(Equivalents()))
	for _, area := range "TAPSJR" {
		assert.Positive(t, areas[byte(area)], "no mutant breaks a %c row", area)
	}
	for _, m := range Smoke() {
		assert.Empty(t, m.Equivalent, m.Name)
	}
	assert.Len(t, Smoke(), len(smokeNames()), "every smoke name is in the catalogue")
	_, ok := ByName("nope")
	assert.False(t, ok)

	m, _ := ByName("signature-unchecked")
	srv, err := m.Start(fx)
	require.NoError(t, err)
	require.NoError(t, srv.Close())
}
