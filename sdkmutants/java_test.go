package sdkmutants

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// javaSources finds the built Java adapter, skipping the test without it, or failing it
// when CI is set.
func javaSources(t *testing.T) (Sources, javaSource) {
	t.Helper()
	src, err := FindSources(false)
	if err != nil {
		t.Fatal(err)
	}
	js, err := findJava(src.Repo)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI: %v", err)
		}
		t.Skip(err.Error())
	}
	return src, js
}

// TestJavaEditsCompile applies every Java broken SDK's edits to fresh copies of its
// sources and compiles them against the adapter's jar: a search text found other than
// once (the SDK moved) or an edit that does not compile fails here, long before a run.
func TestJavaEditsCompile(t *testing.T) {
	src, js := javaSources(t)
	for _, b := range javaCatalogue() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			if err := src.copySDK(b, filepath.Join(dir, "src")); err != nil {
				t.Fatal(err)
			}
			classes := filepath.Join(dir, "classes")
			if err := js.compile(context.Background(), b, filepath.Join(dir, "src"), classes); err != nil {
				t.Fatal(err)
			}
			for _, e := range b.Edits {
				class := strings.TrimSuffix(e.File, ".java") + ".class"
				if _, err := os.Stat(filepath.Join(classes, filepath.FromSlash(class))); err != nil {
					t.Errorf("%s was not compiled: %v", class, err)
				}
			}
		})
	}
}

// TestJavaLauncherCopy: the copy of the launcher of a broken SDK starts the adapter with
// the edited classes first (the equivalent java-request-client-renamed reports the
// version its edited AbstractClient says), and the run passes the adapter's ledger.
func TestJavaLauncherCopy(t *testing.T) {
	src, js := javaSources(t)
	var b Broken
	for _, c := range javaCatalogue() {
		if c.Name == "java-request-client-renamed" {
			b = c
		}
	}
	harness := "prebuilt" // not built: the test runs the launcher alone
	p, err := src.prepareJava(context.Background(), b, t.TempDir(), &harness)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.argv) != 5 || p.argv[0] != "prebuilt" || p.argv[3] != "--known-failures" || p.argv[4] != js.ledger {
		t.Fatalf("argv %q", p.argv)
	}
	run := strings.Trim(strings.TrimPrefix(p.argv[2], "exec:"), "'")
	out, err := exec.Command(run).Output() // stdin empty: hello, then exit
	if err != nil {
		t.Fatalf("%s: %v", run, err)
	}
	var hello struct{ Type, Adapter, SDKVersion string }
	line, _, _ := strings.Cut(string(out), "\n")
	if err := json.Unmarshal([]byte(line), &hello); err != nil || hello.Type != "hello" || hello.Adapter != "java" || !strings.HasPrefix(hello.SDKVersion, "COPY_") {
		t.Fatalf("first line %q: %v", line, err)
	}
	script, err := os.ReadFile(run)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(script), "classes:"+js.jar) {
		t.Errorf("the edited classes are not first on the classpath:\n%s", script)
	}
}
