package sdkmutants

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
)

// The Python SDK's broken copies (catalogue_python.go). The SDK is the venv that
// drivers/python/install made; a broken one is a copy of its tencentcloud package with
// the edits made, put first on the PYTHONPATH of the venv's python running a copy of
// drivers/python/adapter.py, with the adapter's known-failure ledger (less the scenarios
// the edits change, pythonLedgerFixes).

// pythonSource is the installed Python SDK.
type pythonSource struct {
	python  string // drivers/python/.venv/bin/python
	site    string // its site-packages, which holds tencentcloud/
	adapter string // drivers/python/adapter.py
	ledger  string // drivers/python/known-failures.json
}

// findPython finds the Python adapter's install under repo. Its error says how to get it.
func findPython(repo string) (pythonSource, error) {
	dir := filepath.Join(repo, "drivers", "python")
	s := pythonSource{python: filepath.Join(dir, ".venv", "bin", "python"), adapter: filepath.Join(dir, "adapter.py"),
		ledger: filepath.Join(dir, "known-failures.json")}
	if _, err := os.Stat(filepath.Join(dir, ".venv", ".installed")); err != nil {
		return s, fmt.Errorf("the Python broken SDKs need the Python adapter installed: run drivers/python/install (%v)", err)
	}
	out, err := exec.Command(s.python, "-c", "import os, tencentcloud; print(os.path.dirname(os.path.dirname(tencentcloud.__file__)))").Output()
	if err != nil {
		return s, fmt.Errorf("the Python adapter's venv does not import tencentcloud (%v): run drivers/python/install", err)
	}
	s.site = strings.TrimSpace(string(out))
	return s, nil
}

// preparePython copies the SDK into dir/site, makes b's edits, checks that every edited
// file compiles and that the copy is the one the venv's python imports with it on the
// PYTHONPATH, writes b's ledger, and returns the --driver and --known-failures arguments
// of its runs.
func (s pythonSource) prepare(b Broken, dir string) ([]string, error) {
	site := filepath.Join(dir, "site")
	if err := copyTree(s.site, site, "tencentcloud"); err != nil {
		return nil, fmt.Errorf("broken SDK %s: copying the SDK: %v", b.Name, err)
	}
	if err := Apply(site, b.Edits); err != nil {
		return nil, fmt.Errorf("broken SDK %s: %v", b.Name, err)
	}
	var edited []string
	for _, e := range b.Edits {
		if p := filepath.Join(site, filepath.FromSlash(e.File)); !slices.Contains(edited, p) {
			edited = append(edited, p)
		}
	}
	check := "import sys, py_compile, tencentcloud.common.abstract_client as m\n" +
		"for f in sys.argv[1:]: py_compile.compile(f, cfile=f + '.check', doraise=True)\n" +
		"print(m.__file__)\n"
	cmd := exec.Command(s.python, append([]string{"-B", "-c", check}, edited...)...)
	cmd.Env = append(os.Environ(), "PYTHONPATH="+site)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("broken SDK %s: an edited file does not compile: %s", b.Name, strings.TrimSpace(string(out)))
	}
	if got := strings.TrimSpace(string(out)); !strings.HasPrefix(got, site+string(filepath.Separator)) {
		return nil, fmt.Errorf("broken SDK %s: the venv's python imports %s, not the copy under %s", b.Name, got, site)
	}
	for _, f := range edited {
		os.Remove(f + ".check")
	}
	if err := copyTree(filepath.Dir(s.adapter), dir, filepath.Base(s.adapter)); err != nil {
		return nil, err
	}
	ledger := filepath.Join(dir, "known-failures.json")
	if err := writeLedger(s.ledger, ledger, pythonLedgerFixes()[b.Name]); err != nil {
		return nil, fmt.Errorf("broken SDK %s: %v", b.Name, err)
	}
	driver := "exec:env " + shellQuote("PYTHONPATH="+site) + " " + shellQuote(s.python) + " -B " + shellQuote(filepath.Join(dir, filepath.Base(s.adapter)))
	return []string{"--driver", driver, "--known-failures", ledger}, nil
}

// writeLedger copies the ledger at src to dst without the entries of the case ids in
// drop, each of which must be there.
func writeLedger(src, dst string, drop []string) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return fmt.Errorf("the known-failure ledger: %v", err)
	}
	var l struct {
		Target        string            `json:"target,omitempty"`
		KnownFailures []json.RawMessage `json:"knownFailures"`
	}
	if err := json.Unmarshal(b, &l); err != nil {
		return fmt.Errorf("the known-failure ledger %s: %v", src, err)
	}
	kept := []json.RawMessage{}
	found := map[string]bool{}
	for _, raw := range l.KnownFailures {
		var e struct{ ID string }
		if err := json.Unmarshal(raw, &e); err != nil {
			return fmt.Errorf("the known-failure ledger %s: %v", src, err)
		}
		if slices.Contains(drop, e.ID) {
			found[e.ID] = true
			continue
		}
		kept = append(kept, raw)
	}
	for _, name := range drop {
		if !found[name] {
			return fmt.Errorf("the known-failure ledger %s does not list %q", src, name)
		}
	}
	l.KnownFailures = kept
	out, err := json.MarshalIndent(l, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(dst, out, 0o644)
}
