package sdkmutants

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// needPython skips the test without the Python adapter's install, or fails it under CI.
func needPython(t *testing.T, repo string) pythonSource {
	t.Helper()
	py, err := findPython(repo)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI: %v", err)
		}
		t.Skip(err.Error())
	}
	return py
}

// TestPythonPrepare prepares every broken Python SDK: its edits apply to a copy of the
// venv's package, the edited files compile, the venv's python imports the copy first,
// and its ledger is the adapter's less the scenarios its edits change.
func TestPythonPrepare(t *testing.T) {
	src, err := FindSources(false)
	if err != nil {
		t.Fatal(err)
	}
	py := needPython(t, src.Repo)
	full := ledgerIDs(t, py.ledger)
	for _, b := range pythonCatalogue() {
		t.Run(b.Name, func(t *testing.T) {
			dir := t.TempDir()
			args, err := py.prepare(b, dir)
			if err != nil {
				t.Fatal(err)
			}
			if len(args) != 4 || args[0] != "--driver" || !strings.HasPrefix(args[1], "exec:env 'PYTHONPATH="+filepath.Join(dir, "site")) || args[2] != "--known-failures" {
				t.Fatalf("args %q", args)
			}
			got := ledgerIDs(t, args[3])
			want := slices.DeleteFunc(slices.Clone(full), func(s string) bool { return slices.Contains(pythonLedgerFixes()[b.Name], s) })
			if !slices.Equal(got, want) {
				t.Errorf("ledger %v, want %v", got, want)
			}
			for _, e := range b.Edits {
				data, err := os.ReadFile(filepath.Join(dir, "site", filepath.FromSlash(e.File)))
				if err != nil || !strings.Contains(string(data), e.Replace) {
					t.Errorf("%s lacks the edit (%v)", e.File, err)
				}
			}
		})
	}
	t.Run("an edit that does not compile", func(t *testing.T) {
		bad := Broken{Name: "python-bad", Driver: DriverPython, Rows: []string{"A1"}, Break: "x",
			Edits: []Edit{{pyRetry, "def backoff(n):", "def backoff(n:"}}}
		if _, err := py.prepare(bad, t.TempDir()); err == nil || !strings.Contains(err.Error(), "does not compile") {
			t.Fatalf("err = %v", err)
		}
	})
}

func ledgerIDs(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var l struct{ KnownFailures []struct{ ID string } }
	if err := json.Unmarshal(b, &l); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range l.KnownFailures {
		out = append(out, e.ID)
	}
	return out
}

// TestPythonLedgerFixes: every broken SDK the fixes name is in the catalogue, and a
// scenario the ledger does not list is an error, not a silent pass.
func TestPythonLedgerFixes(t *testing.T) {
	for name := range pythonLedgerFixes() {
		if !slices.ContainsFunc(pythonCatalogue(), func(b Broken) bool { return b.Name == name }) {
			t.Errorf("%s is not in the catalogue", name)
		}
	}
	src := filepath.Join(t.TempDir(), "l.json")
	if err := os.WriteFile(src, []byte(`{"knownFailures":[{"id":"a","reason":"r"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), "out.json")
	if err := writeLedger(src, dst, []string{"b"}); err == nil || !strings.Contains(err.Error(), `does not list "b"`) {
		t.Errorf("err = %v", err)
	}
	if err := writeLedger(src, dst, []string{"a"}); err != nil {
		t.Fatal(err)
	}
	if got := ledgerIDs(t, dst); len(got) != 0 {
		t.Errorf("left %v", got)
	}
}
