package mutants

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciam-harness/listjobs/contract"
	"github.com/ciam-harness/listjobs/emulator"
)

// TestCatalogueIsPinned: the names of the mutants, their order and the rows they are
// blamed on stay as testdata/catalogue.golden lists them (one "name<TAB>row" a line,
// first written from the catalogue as it stood before it was split by row). Kill tables,
// ledgers and the README's figures key on the names: a new mutant adds its line at its
// place; none is ever renamed.
func TestCatalogueIsPinned(t *testing.T) {
	golden, err := os.ReadFile("testdata/catalogue.golden")
	require.NoError(t, err)
	var got []string
	for _, m := range Catalogue() {
		got = append(got, m.Name+"\t"+m.Row)
	}
	assert.Equal(t, string(golden), strings.Join(got, "\n")+"\n", "a line diff: - the golden file, + the catalogue")
}

// areaLists are the files of the catalogue, one a contract area (Authentication in
// two): the function that lists a file's entries, and the area of CONTRACT.md that
// every row of them belongs to.
var areaLists = []struct {
	file, list, area string
	entries          func() []Mutant
}{
	{"transport.go", "transportMutants", "Transport and envelope", transportMutants},
	{"auth_signature.go", "signatureMutants", "Authentication", signatureMutants},
	{"auth.go", "authMutants", "Authentication", authMutants},
	{"params.go", "paramMutants", "Routing and parameters", paramMutants},
	{"semantics.go", "semanticsMutants", "Semantics", semanticsMutants},
	{"job.go", "jobMutants", "Job object", jobMutants},
	{"ratelimit.go", "rateLimitMutants", "Rate limit", rateLimitMutants},
}

// TestEntriesByArea: the catalogue is the area lists in contract order, each list is
// declared in its file, and each entry says what it changes and the row it breaks,
// uniformly (entryProblems).
func TestEntriesByArea(t *testing.T) {
	c, err := contract.Load()
	require.NoError(t, err)
	declared := listDeclarations(t)
	var all []string
	for _, a := range areaLists {
		assert.Equal(t, a.file, declared[a.list], "%s is declared in the file of its area", a.list)
		entries := a.entries()
		assert.NotEmpty(t, entries, a.file)
		for _, m := range entries {
			all = append(all, m.Name)
			for _, p := range entryProblems(m, c, a.area) {
				t.Errorf("%s (%s): %s", m.Name, a.file, p)
			}
		}
	}
	var names []string
	for _, m := range Catalogue() {
		names = append(names, m.Name)
	}
	assert.Equal(t, names, all, "the catalogue is the area lists, in this order")
}

// entryProblems says what is wrong with an entry of the catalogue listed under area: it
// must name a row of the contract in that area, say in one line what the broken
// emulator does (Break) and how it is built (How); an equivalent mutant says in one
// line, naming its row, why the contract allows the change.
func entryProblems(m Mutant, c *contract.Contract, area string) []string {
	var out []string
	oneLine := func(field, s string) {
		if strings.TrimSpace(s) == "" || strings.ContainsAny(s, "\n\r") || strings.TrimSpace(s) != s {
			out = append(out, fmt.Sprintf("%s must be one non-empty line, got %q", field, s))
		}
	}
	row, ok := c.Lookup(m.Row)
	switch {
	case !ok:
		out = append(out, fmt.Sprintf("row %q is not a row of CONTRACT.md", m.Row))
	case row.Area != area:
		out = append(out, fmt.Sprintf("row %s is in the area %q, not %q", m.Row, row.Area, area))
	}
	oneLine("Break", m.Break)
	switch {
	case m.How == howMiddleware, m.How == howRewriter, m.How == howResigning:
	case strings.HasPrefix(m.How, "config "), strings.HasPrefix(m.How, "fixture: "):
	default:
		out = append(out, fmt.Sprintf("How %q is none of the mechanisms", m.How))
	}
	if m.Equivalent != "" {
		oneLine("Equivalent", m.Equivalent)
		if !regexp.MustCompile(`\b` + regexp.QuoteMeta(m.Row) + `\b`).MatchString(m.Equivalent) {
			out = append(out, fmt.Sprintf("Equivalent does not name the row %s that allows the change", m.Row))
		}
	}
	if m.apply == nil {
		out = append(out, "no apply: it builds no emulator")
	}
	return out
}

// TestEntryProblemsFail: entryProblems finds each fault it looks for.
func TestEntryProblemsFail(t *testing.T) {
	c, err := contract.Load()
	require.NoError(t, err)
	good := Mutant{Name: "m", Row: "S2", Break: "b", How: howMiddleware, apply: func(*emulator.Config) {}}
	require.Empty(t, entryProblems(good, c, "Semantics"))
	for name, tc := range map[string]struct {
		edit func(m *Mutant)
		area string
	}{
		"no such row":           {func(m *Mutant) { m.Row = "S99" }, "Semantics"},
		"another area":          {func(m *Mutant) {}, "Job object"},
		"no Break":              {func(m *Mutant) { m.Break = "" }, "Semantics"},
		"Break of two lines":    {func(m *Mutant) { m.Break = "a\nb" }, "Semantics"},
		"unknown How":           {func(m *Mutant) { m.How = "magic" }, "Semantics"},
		"Equivalent, no row":    {func(m *Mutant) { m.Equivalent = "the contract allows it" }, "Semantics"},
		"Equivalent, other row": {func(m *Mutant) { m.Equivalent = "S20 allows it" }, "Semantics"},
		"no apply":              {func(m *Mutant) { m.apply = nil }, "Semantics"},
	} {
		m := good
		tc.edit(&m)
		assert.Len(t, entryProblems(m, c, tc.area), 1, name)
	}
}

// listDeclarations maps each top-level function of the package to its file.
func listDeclarations(t *testing.T) map[string]string {
	t.Helper()
	fset := token.NewFileSet()
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	out := map[string]string{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, parser.SkipObjectResolution)
		require.NoError(t, err)
		for _, d := range af.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil {
				out[fd.Name.Name] = f
			}
		}
	}
	return out
}

func TestCatalogue(t *testing.T) {
	fx := loadSmallFixture(t)
	names := map[string]bool{}
	areas := map[byte]int{}
	for _, m := range Catalogue() {
		assert.Regexp(t, `^[a-z0-9]+(-[a-z0-9]+)*$`, m.Name)
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
