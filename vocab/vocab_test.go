package vocab

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseRow(t *testing.T) {
	for _, s := range []string{"T1", "A8", "P10", "S2", "J9", "R3", "S99"} {
		r, ok := ParseRow(s)
		if !ok || r.String() != s {
			t.Errorf("ParseRow(%q) = %v, %v; want the row %s", s, r, ok, s)
		}
	}
	for _, s := range []string{"", "S", "S0", "S01", "X1", "s2", "S100", "S2x", "@S2", " S2"} {
		if r, ok := ParseRow(s); ok {
			t.Errorf("ParseRow(%q) = %v; want no row", s, r)
		}
	}
}

func TestRowOfTag(t *testing.T) {
	if id, ok := RowOfTag("@S2"); !ok || id != "S2" {
		t.Errorf(`RowOfTag("@S2") = %q, %v; want "S2"`, id, ok)
	}
	for _, tag := range []string{"S2", "@S2x", "@S0", "@S01", "@X1", "@S100", "@fixture", "@"} {
		if id, ok := RowOfTag(tag); ok {
			t.Errorf("RowOfTag(%q) = %q; want no row", tag, id)
		}
	}
}

func TestIsRowLike(t *testing.T) {
	for _, s := range []string{"S2", "S0", "S02", "T100"} {
		if !IsRowLike(s) {
			t.Errorf("IsRowLike(%q) = false", s)
		}
	}
	for _, s := range []string{"X1", "S", "S2x", "@S2"} {
		if IsRowLike(s) {
			t.Errorf("IsRowLike(%q) = true", s)
		}
	}
}

func TestRowOrder(t *testing.T) {
	ordered := []string{"T1", "T2", "T10", "A1", "P1", "S2", "S10", "J1", "R1", "R3"}
	for i := range ordered {
		for j := range ordered {
			if got := RowLess(ordered[i], ordered[j]); got != (i < j) {
				t.Errorf("RowLess(%s, %s) = %v", ordered[i], ordered[j], got)
			}
		}
	}
	rows := []string{"R3", "S10", "T10", "J1", "S2", "A1", "T1", "P1", "R1", "T2"}
	SortRows(rows)
	if strings.Join(rows, " ") != strings.Join(ordered, " ") {
		t.Errorf("SortRows: %v", rows)
	}
	got := RowsOf([]string{"@S10", "@fixture", "@S2", "@T1", "@S2", "@S01", "S3"})
	if strings.Join(got, " ") != "T1 S2 S10" {
		t.Errorf("RowsOf: %v; want [T1 S2 S10]", got)
	}
}

// TestGrammarWrittenOnce fails when a non-test Go file outside this package spells the
// row grammar (the section letters) again: the other packages use this one.
func TestGrammarWrittenOnce(t *testing.T) {
	root := ".."
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != root && (strings.HasPrefix(name, ".") || name == "vocab" || name == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, copy := range []string{"[" + "TAPS", "TAPS" + "JR", "TAPS" + "RJ"} {
			if strings.Contains(string(b), copy) {
				t.Errorf("%s spells the row grammar (%q): use package vocab", path, copy)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestCaseIDs(t *testing.T) {
	for _, s := range []string{"S2-near-miss", "T10-post-body-over-10-mb", "A1-x", "R3-auth-failures-do-not-count", "J1-" + strings.Repeat("a", MaxCaseID-3)} {
		if !IsCaseID(s) || !IsScenarioID(s) || !IsScenarioID(OutlineRowID(s, 12)) {
			t.Errorf("%q: want a case id, and with a row number a scenario id", s)
		}
	}
	for _, s := range []string{"", "S2", "S2-", "S2-Near-miss", "S2_near", "S2-near--miss", "S2-near-", "S0-x", "S02-x", "X1-x", "s2-x",
		"S2-near miss", "@id:S2-x", "S2-x/1", "J1-" + strings.Repeat("a", MaxCaseID-2)} {
		if IsCaseID(s) {
			t.Errorf("IsCaseID(%q) = true", s)
		}
	}
	for _, s := range []string{"S2-x/0", "S2-x/01", "S2-x/", "S2-x/1/2", "S2-x/a", "/1", "S2/1"} {
		if IsScenarioID(s) {
			t.Errorf("IsScenarioID(%q) = true", s)
		}
	}
	if id, ok := CaseIDOfTag("@id:S2-x"); !ok || id != "S2-x" {
		t.Errorf(`CaseIDOfTag("@id:S2-x") = %q, %v`, id, ok)
	}
	if id, ok := CaseIDOfTag("@id:Bad"); !ok || id != "Bad" {
		t.Errorf(`CaseIDOfTag("@id:Bad") = %q, %v: an @id: tag, whatever its grammar`, id, ok)
	}
	for _, tag := range []string{"@S2", "@idS2-x", "id:S2-x", "@fixture"} {
		if _, ok := CaseIDOfTag(tag); ok {
			t.Errorf("CaseIDOfTag(%q): want no @id: tag", tag)
		}
	}
}
