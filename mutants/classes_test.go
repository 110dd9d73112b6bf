package mutants

import (
	"flag"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciam-harness/listjobs/check"
	"github.com/ciam-harness/listjobs/contract"
)

var update = flag.Bool("update", false, "rewrite the generated list of MUTATION.md's \"Classes of break\" from the catalogue")

// classProblems says what is wrong with the classes of entries: an entry without a
// class or with one that is none of Classes(), an equivalent mutant outside
// ClassEquivalent or a breaking one inside it, a class no entry uses.
func classProblems(entries []Mutant) []string {
	var out []string
	used := map[Class]bool{}
	for _, m := range entries {
		switch _, ok := ClassOf(m.Class); {
		case m.Class == "":
			out = append(out, m.Name+": no class")
		case !ok:
			out = append(out, fmt.Sprintf("%s: %q is not a class of classes.go", m.Name, m.Class))
		case (m.Equivalent != "") != (m.Class == ClassEquivalent):
			out = append(out, fmt.Sprintf("%s: an equivalent mutant is of the class %s, and only it (class %s, Equivalent %q)", m.Name, ClassEquivalent, m.Class, m.Equivalent))
		}
		used[m.Class] = true
	}
	for _, c := range Classes() {
		if !used[c.Class] {
			out = append(out, fmt.Sprintf("the class %s has no mutant: give it one, or drop it", c.Class))
		}
	}
	return out
}

// TestEveryMutantHasAClass: every entry of the catalogue is of a class, and every
// class has an entry.
func TestEveryMutantHasAClass(t *testing.T) {
	for _, p := range classProblems(Catalogue()) {
		t.Error(p)
	}
}

// TestClassProblemsFail: classProblems finds each fault it looks for.
func TestClassProblemsFail(t *testing.T) {
	good := Catalogue()
	require.Empty(t, classProblems(good))
	at := func(name string) int {
		i := slices.IndexFunc(good, func(m Mutant) bool { return m.Name == name })
		require.GreaterOrEqual(t, i, 0, name)
		return i
	}
	for name, tc := range map[string]struct {
		edit func(ms []Mutant) []Mutant
		want int
	}{
		"an entry without a class": {func(ms []Mutant) []Mutant { ms[0].Class = ""; return ms }, 1},
		"an unknown class":         {func(ms []Mutant) []Mutant { ms[0].Class = "near-misses"; return ms }, 1},
		"an equivalent mutant of a breaking class": {func(ms []Mutant) []Mutant {
			ms[at("jobset-sorted")].Class = ClassSelection
			return ms
		}, 1},
		"a breaking mutant of the equivalent class": {func(ms []Mutant) []Mutant {
			ms[at("filter-ignored")].Class = ClassEquivalent
			return ms
		}, 1},
		"a class no entry uses": {func(ms []Mutant) []Mutant {
			return slices.DeleteFunc(ms, func(m Mutant) bool { return m.Class == ClassRateAccounting })
		}, 1},
	} {
		got := classProblems(tc.edit(slices.Clone(good)))
		assert.Len(t, got, tc.want, "%s: %q", name, got)
	}
}

// TestClassesAreDescribed: every class has a name of its own, and says in one line each
// what its breaks do and what closes them.
func TestClassesAreDescribed(t *testing.T) {
	seen := map[Class]bool{}
	for _, c := range Classes() {
		assert.Regexp(t, `^[a-z]+(-[a-z]+)*$`, string(c.Class))
		assert.False(t, seen[c.Class], "%s twice", c.Class)
		seen[c.Class] = true
		for field, s := range map[string]string{"Breaks": c.Breaks, "ClosedBy": c.ClosedBy} {
			assert.True(t, s != "" && strings.TrimSpace(s) == s && !strings.ContainsAny(s, "\n\r|"), "%s.%s must be one line without |: %q", c.Class, field, s)
		}
		got, ok := ClassOf(c.Class)
		assert.True(t, ok)
		assert.Equal(t, c, got)
	}
	assert.Len(t, Classes(), 9)
	_, ok := ClassOf("nope")
	assert.False(t, ok)
}

// classReach is the rows the mechanism of each class judges, derived where the
// mechanism is a table of the harness: a mutant of a class must break one of them, or
// its class is not what closes it.
func classReach(t *testing.T) map[Class]map[string]bool {
	t.Helper()
	c, err := contract.Load()
	require.NoError(t, err)
	exacts, err := contract.Exacts()
	require.NoError(t, err)
	reach := map[Class]map[string]bool{}
	add := func(cl Class, rows ...string) {
		if reach[cl] == nil {
			reach[cl] = map[string]bool{}
		}
		for _, r := range rows {
			reach[cl][r] = true
		}
	}
	for _, e := range exacts {
		add(ClassNearMiss, e.Rows...)
	}
	add(ClassSignedPart, "A1", "A2")
	add(ClassBoundary, "T10", "A3", "R1", "R2")
	for _, r := range check.AllRules() {
		if r.Scope != check.AnyKnownStore {
			add(ClassAnswerShape, r.Rows...)
			continue
		}
		for _, row := range r.Rows {
			if cr, ok := c.Lookup(row); ok && cr.Area == "Semantics" {
				add(ClassSelection, row)
			}
		}
	}
	add(ClassSelection, "S7", "S8") // the relations between calls
	add(ClassRequestRead, "T1", "T2", "T4", "P5", "P7", "P10", "A7")
	for _, code := range c.Codes {
		add(ClassErrorChoice, code.ProducedBy...)
	}
	for _, r := range c.Rows {
		add(ClassEquivalent, r.ID) // any row may allow a change
		if r.Area == "Rate limit" {
			add(ClassRateAccounting, r.ID)
		}
	}
	return reach
}

// TestClassesReachTheirRows: every mutant breaks a row its class's mechanism judges.
func TestClassesReachTheirRows(t *testing.T) {
	reach := classReach(t)
	for _, ci := range Classes() {
		require.NotEmpty(t, reach[ci.Class], "no reach for %s", ci.Class)
	}
	for _, m := range Catalogue() {
		assert.True(t, reach[m.Class][m.Row], "%s breaks %s, which the mechanism of its class %s does not judge", m.Name, m.Row, m.Class)
	}
	assert.False(t, reach[ClassSelection]["J4"], "the reach is no catch-all")
	assert.False(t, reach[ClassAnswerShape]["P8"], "the reach is no catch-all")
}

// The generated list of MUTATION.md's "Classes of break" lies between these lines.
const (
	classesBegin = "<!-- classes of break: generated from mutants/classes.go and the catalogue by `go test ./mutants -run TestClassesInMutationMD -update`; do not edit -->"
	classesEnd   = "<!-- end of the generated classes of break -->"
)

// classesMarkdown is the generated list: each class, what closes it, and its mutants
// by name, in catalogue order.
func classesMarkdown(entries []Mutant) string {
	var b strings.Builder
	for _, c := range Classes() {
		var names []string
		for _, m := range entries {
			if m.Class == c.Class {
				names = append(names, "`"+m.Name+"`")
			}
		}
		fmt.Fprintf(&b, "- **%s**: %s.\n  What closes it: %s.\n  Its %d mutants: %s.\n", c.Class, c.Breaks, c.ClosedBy, len(names), strings.Join(names, ", "))
	}
	return b.String()
}

// TestClassesInMutationMD: MUTATION.md lists each class with what closes it and every
// mutant of it, as the catalogue says (-update writes the list).
func TestClassesInMutationMD(t *testing.T) {
	const path = "../MUTATION.md"
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	doc := string(raw)
	re := regexp.MustCompile(`(?s)` + regexp.QuoteMeta(classesBegin) + `\n(.*?)` + regexp.QuoteMeta(classesEnd))
	loc := re.FindStringSubmatchIndex(doc)
	require.NotNil(t, loc, "MUTATION.md has no generated list of classes between\n%s\n%s", classesBegin, classesEnd)
	want := "\n" + classesMarkdown(Catalogue()) + "\n"
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(doc[:loc[2]]+want+doc[loc[3]:]), 0o644))
		return
	}
	if got := doc[loc[2]:loc[3]]; got != want {
		wantLines, gotLines := strings.Split(want, "\n"), strings.Split(got, "\n")
		for _, l := range wantLines {
			if !slices.Contains(gotLines, l) {
				t.Errorf("MUTATION.md lacks the line\n%s", l)
			}
		}
		for _, l := range gotLines {
			if !slices.Contains(wantLines, l) {
				t.Errorf("MUTATION.md has the line\n%s", l)
			}
		}
		t.Error("MUTATION.md's classes of break are not the catalogue's: go test ./mutants -run TestClassesInMutationMD -update")
	}
}

// TestClassesMarkdownNamesEveryMutant: the generated list names each mutant once.
func TestClassesMarkdownNamesEveryMutant(t *testing.T) {
	md := classesMarkdown(Catalogue())
	for _, m := range Catalogue() {
		assert.Equal(t, 1, strings.Count(md, "`"+m.Name+"`"), m.Name)
	}
	missing := slices.Clone(Catalogue())
	missing[0].Class = ""
	assert.NotContains(t, classesMarkdown(missing), "`"+missing[0].Name+"`", "a mutant without a class is in no class")
}
