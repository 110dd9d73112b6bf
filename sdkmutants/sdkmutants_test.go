package sdkmutants

import (
	"context"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ciam-harness/listjobs/driver"
	"github.com/ciam-harness/listjobs/result"

	"github.com/ciam-harness/listjobs/contract"
	"github.com/ciam-harness/listjobs/mutation"
	"github.com/ciam-harness/listjobs/report"
)

// TestCatalogueIsWellFormed: unique names, one control per SDK, every breaking SDK names
// contract rows, no equivalent one does, and every edit changes something.
func TestCatalogueIsWellFormed(t *testing.T) {
	seen := map[string]bool{}
	controls := map[string]int{}
	for _, b := range Catalogue() {
		if seen[b.Name] {
			t.Errorf("%s: the name is given twice", b.Name)
		}
		seen[b.Name] = true
		if b.Driver != driver.NameSDK && b.Driver != NodeDriver && b.Driver != DriverPython && b.Driver != DriverTccli && b.Driver != DriverJava {
			t.Errorf("%s: driver %q", b.Name, b.Driver)
		}
		if b.Break == "" {
			t.Errorf("%s: says not what it changes", b.Name)
		}
		switch {
		case b.Control():
			controls[b.Driver]++
			if len(b.Rows) > 0 || b.Equivalent != "" {
				t.Errorf("%s: a control names no row and is not equivalent", b.Name)
			}
		case b.Equivalent != "" && len(b.Rows) > 0:
			t.Errorf("%s: an equivalent SDK names no row", b.Name)
		case b.Equivalent == "" && len(b.Rows) == 0:
			t.Errorf("%s: a breaking SDK names the rows that must catch it", b.Name)
		}
		for _, row := range b.Rows {
			if _, ok := contract.Lookup(row); !ok {
				t.Errorf("%s: %q is not a row of CONTRACT.md", b.Name, row)
			}
		}
		for _, e := range b.Edits {
			if e.Search == "" || e.Search == e.Replace {
				t.Errorf("%s: an edit of %s changes nothing", b.Name, e.File)
			}
		}
	}
	for _, d := range []string{driver.NameSDK, NodeDriver, DriverPython, DriverTccli, DriverJava} {
		if controls[d] != 1 {
			t.Errorf("driver %s: %d controls, want 1", d, controls[d])
		}
	}
}

// TestEveryEditApplies applies every broken SDK's edits to a fresh copy of its SDK: a
// search text found other than once (the SDK moved) fails here, long before a run.
// The edited Go files must parse, and so must the Node ones where node is installed.
// Without drivers/node/node_modules the Node SDKs are skipped, except under CI.
func TestEveryEditApplies(t *testing.T) {
	src, err := FindSources(false)
	if err != nil {
		t.Fatal(err)
	}
	nodeSDK := filepath.Join(src.Repo, "drivers", "node", "node_modules", "tencentcloud-sdk-nodejs")
	_, nodeErr := os.Stat(nodeSDK)
	node, _ := exec.LookPath("node")
	src.NodeSDK = nodeSDK
	for _, b := range Catalogue() {
		t.Run(b.Name, func(t *testing.T) {
			if b.Driver == DriverJava {
				t.Skip("TestJavaEditsCompile applies it")
			}
			if b.Driver == DriverTccli {
				t.Skip("TestTccliEditsApply applies it")
			}
			if b.Driver == NodeDriver && nodeErr != nil {
				if os.Getenv("CI") != "" {
					t.Fatalf("CI: the Node SDK is not installed (npm ci in drivers/node): %v", nodeErr)
				}
				t.Skipf("the Node SDK is not installed (npm ci in drivers/node)")
			}
			if b.Driver == DriverPython {
				needPython(t, src.Repo) // python_test.go
			}
			dir := t.TempDir()
			if err := src.copySDK(b, dir); err != nil {
				t.Fatal(err)
			}
			for _, e := range b.Edits {
				path := filepath.Join(dir, filepath.FromSlash(e.File))
				switch {
				case strings.HasSuffix(e.File, ".go"):
					if _, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution); err != nil {
						t.Errorf("%s does not parse after the edits: %v", e.File, err)
					}
				case b.Driver == NodeDriver && node != "":
					if out, err := exec.Command(node, "--check", path).CombinedOutput(); err != nil {
						t.Errorf("%s does not parse after the edits: %s", e.File, out)
					}
				}
			}
		})
	}
}

// TestApplyRefusesMovedText: a search text found no time or twice is an error that names
// the file and says how often; nothing is written.
func TestApplyRefusesMovedText(t *testing.T) {
	dir := t.TempDir()
	const text = "a := 1\nb := 1\n"
	if err := os.WriteFile(filepath.Join(dir, "f.go"), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	for search, want := range map[string]string{"c := 1": "found 0 times", ":= 1": "found 2 times"} {
		err := Apply(dir, []Edit{{File: "f.go", Search: search, Replace: "x"}})
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "f.go") {
			t.Errorf("search %q: err = %v, want one naming f.go and saying %q", search, err, want)
		}
	}
	if err := Apply(dir, []Edit{{File: "gone.go", Search: "a", Replace: "b"}}); err == nil {
		t.Error("an edit of a missing file: no error")
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "f.go")); string(b) != text {
		t.Errorf("the file changed: %q", b)
	}
	if err := Apply(dir, []Edit{{File: "f.go", Search: "b := 1", Replace: "b := 2"}}); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "f.go")); string(b) != "a := 1\nb := 2\n" {
		t.Errorf("after the edit: %q", b)
	}
}

// fake runs of the suite, for the judging logic.
func passing(endpoint string) SuiteRun {
	return SuiteRun{Endpoint: endpoint, records: []report.Record{{Feature: "f.feature", Line: 1, Name: "s", Rows: []string{"S1"}, Status: result.Passed}}}
}

func failing(endpoint string, rows ...string) SuiteRun {
	r := passing(endpoint)
	r.ExitCode = 1
	r.records = append(r.records, report.Record{ID: "S1-t", Feature: "f.feature", Line: 9, Name: "t", Rows: []string{"S1"}, Status: result.Failed,
		Failure: &report.Failure{Rows: rows, Error: rows[0] + ": wrong\nmore"}})
	return r
}

func TestJudge(t *testing.T) {
	breaking := Broken{Name: "b", Driver: driver.NameSDK, Rows: []string{"A1", "S5"}, Break: "x", Edits: []Edit{{"f", "a", "b"}}}
	equivalent := Broken{Name: "e", Driver: driver.NameSDK, Break: "x", Equivalent: "allowed", Edits: []Edit{{"f", "a", "b"}}}
	control := Broken{Name: "c", Driver: driver.NameSDK, Break: "none"}
	for _, c := range []struct {
		name string
		b    Broken
		runs []SuiteRun
		want mutation.Verdict
		good bool
	}{
		{"killed on a named row, by one endpoint", breaking, []SuiteRun{passing("embedded"), failing("null-empty", "S5", "T6")}, mutation.Killed, true},
		{"killed on other rows only", breaking, []SuiteRun{failing("embedded", "T7"), passing("null-empty")}, mutation.KilledElsewhere, false},
		{"survived", breaking, []SuiteRun{passing("embedded"), passing("null-empty")}, mutation.Survived, false},
		{"a run that could not start", breaking, []SuiteRun{failing("embedded", "A1"), {Endpoint: "null-empty", ExitCode: 2, Error: "no"}}, mutation.Errored, false},
		{"exit 2 without a word", breaking, []SuiteRun{{Endpoint: "embedded", ExitCode: 2}}, mutation.Errored, false},
		{"no scenario ran", breaking, []SuiteRun{{Endpoint: "embedded"}}, mutation.Errored, false},
		{"exit 1 without a failing scenario", breaking, []SuiteRun{{Endpoint: "embedded", ExitCode: 1, records: passing("").records}}, mutation.KilledElsewhere, false},
		{"equivalent passed", equivalent, []SuiteRun{passing("embedded"), passing("null-empty")}, mutation.Equivalent, true},
		{"equivalent failed", equivalent, []SuiteRun{passing("embedded"), failing("null-empty", "S5")}, mutation.OverAsserted, false},
		{"control passed", control, []SuiteRun{passing("embedded"), passing("null-empty")}, mutation.Passed, true},
		{"control failed", control, []SuiteRun{failing("embedded", "J1"), passing("null-empty")}, mutation.Failed, false},
	} {
		res := Judge(c.b, c.runs)
		if res.Verdict != c.want || res.Good() != c.good {
			t.Errorf("%s: verdict %q (good %v), want %q (good %v); error %q", c.name, res.Verdict, res.Good(), c.want, c.good, res.Error)
		}
	}
	res := Judge(breaking, []SuiteRun{failing("embedded", "T6", "A1"), failing("null-empty", "S5")})
	if !slices.Equal(res.FailedRows, []string{"T6", "A1", "S5"}) || len(res.Killers) != 2 || len(res.Failed) != 2 {
		t.Errorf("rows %v, killers %v, failed %v", res.FailedRows, res.Killers, res.Failed)
	}
	if res.Killers[1].Name != "t [null-empty]" || res.Killers[0].Error != "T6: wrong" || res.Killers[0].ID != "S1-t" {
		t.Errorf("a killer is %+v, %+v: want its case id, its endpoint in the name and the first line of its error", res.Killers[0], res.Killers[1])
	}
	if got := res.seen(); got != "A1 S5 + 1 other rows (2 scenarios failed)" {
		t.Errorf("seen: %q", got)
	}
	if got := Judge(breaking, []SuiteRun{failing("embedded", "A1")}).seen(); got != "A1 (1 scenarios failed)" {
		t.Errorf("seen, the named row alone: %q", got)
	}
}

// TestRunJudgesEveryEndpoint: Run runs every SDK against both endpoints and is OK only
// when every verdict is the wanted one.
func TestRunJudgesEveryEndpoint(t *testing.T) {
	cat := []Broken{
		{Name: "control", Driver: driver.NameSDK, Break: "none"},
		{Name: "null-breaker", Driver: driver.NameSDK, Rows: []string{"S5"}, Break: "x", Edits: []Edit{{"f", "a", "b"}}},
	}
	for _, c := range []struct {
		name     string
		nullRows []string // the rows the null-empty endpoint fails on null-breaker
		ok       bool
	}{
		{"killed", []string{"S5"}, true},
		{"survived", nil, false},
	} {
		var calls []string
		opts := Options{Broken: cat, Parallel: 1, suite: func(_ context.Context, p prepared, endpoint string) SuiteRun {
			calls = append(calls, p.Name+"/"+endpoint)
			if p.Name == "null-breaker" && endpoint == "null-empty" && c.nullRows != nil {
				return failing(endpoint, c.nullRows...)
			}
			return passing(endpoint)
		}}
		rep, err := Run(context.Background(), opts)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"control/embedded", "control/null-empty", "null-breaker/embedded", "null-breaker/null-empty"}
		if !slices.Equal(calls, want) {
			t.Errorf("%s: runs %v, want %v", c.name, calls, want)
		}
		if rep.OK != c.ok {
			t.Errorf("%s: OK %v, want %v: %+v", c.name, rep.OK, c.ok, rep.Results)
		}
		var table strings.Builder
		if err := rep.WriteTable(&table); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"null-breaker", "S5", map[bool]string{true: "PASS", false: "FAIL"}[c.ok]} {
			if !strings.Contains(table.String(), want) || !strings.Contains(rep.Markdown(), want) {
				t.Errorf("%s: the table or the Markdown lacks %q:\n%s\n%s", c.name, want, table.String(), rep.Markdown())
			}
		}
	}
}

// TestRunRefusesAMovedSDK: an edit whose text the SDK no longer holds stops Run before
// any build or run, with the sentence that names the SDK and the file (exit 2 of the
// command).
func TestRunRefusesAMovedSDK(t *testing.T) {
	src, err := FindSources(false)
	if err != nil {
		t.Fatal(err)
	}
	moved := Broken{Name: "go-moved", Driver: driver.NameSDK, Rows: []string{"A1"}, Break: "x",
		Edits: []Edit{{File: goClient, Search: "a text no SDK holds", Replace: "x"}}}
	_, err = Run(context.Background(), Options{Sources: src, Broken: []Broken{moved}, Parallel: 1, OutDir: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "go-moved") || !strings.Contains(err.Error(), "client.go: the text to replace is found 0 times") {
		t.Fatalf("err = %v", err)
	}
}
