//go:build !mechanical

package emulator

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Under the build tag mechanical the conformance suite is the package's only test
// (mechanical_test.go): every other test file must be left out of that build.
func TestTestFilesStayOutOfTheMechanicalBuild(t *testing.T) {
	files, err := filepath.Glob("*_test.go")
	if err != nil || len(files) < 2 {
		t.Fatalf("test files: %v %v", files, err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		first, _, _ := strings.Cut(string(b), "\n")
		want := "//go:build !mechanical"
		if f == "mechanical_test.go" {
			want = "//go:build mechanical"
		}
		if first != want {
			t.Errorf("%s: first line %q, want %q", f, first, want)
		}
	}
}
