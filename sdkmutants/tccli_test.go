package sdkmutants

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ciam-harness/listjobs/driver"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// tccliSources returns the sources with drivers/tccli's venv, or skips the test without
// it (a failure when CI is set: .ci/run installs it).
func tccliSources(t *testing.T) Sources {
	t.Helper()
	src, err := FindSources(false)
	require.NoError(t, err)
	if _, _, err := src.tccliSite(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI: %v", err)
		}
		t.Skip(err.Error())
	}
	return src
}

// TestTccliEditsApply makes every broken tccli under a temporary folder, as a run
// does: the copy holds the edited files, links the rest, compiles and imports from
// itself; the harness runs it through a copy of the adapter with PYTHONPATH and the
// adapter's known-failure ledger.
func TestTccliEditsApply(t *testing.T) {
	src := tccliSources(t)
	tmp := t.TempDir()
	harness := "/the/harness" // built by a run; not needed here
	n := 0
	for _, b := range Catalogue() {
		if b.Driver != DriverTccli {
			continue
		}
		n++
		t.Run(b.Name, func(t *testing.T) {
			p, err := src.prepareTccli(context.Background(), b, tmp, &harness)
			require.NoError(t, err)
			site := filepath.Join(tmp, "tccli", b.Name, "site")
			require.Len(t, p.argv, 5)
			assert.Equal(t, "/the/harness", p.argv[0])
			assert.True(t, strings.HasPrefix(p.argv[2], driver.ExecPrefix+"/usr/bin/env 'PYTHONPATH="+site+"'"), p.argv[2])
			assert.Equal(t, []string{"--known-failures", filepath.Join(src.Repo, "drivers", "tccli", "known-failures.json")}, p.argv[3:])
			for _, e := range b.Edits {
				info, err := os.Lstat(filepath.Join(site, filepath.FromSlash(e.File)))
				require.NoError(t, err)
				assert.True(t, info.Mode().IsRegular(), "%s is a copy", e.File)
				b, err := os.ReadFile(filepath.Join(site, filepath.FromSlash(e.File)))
				require.NoError(t, err)
				assert.Contains(t, string(b), e.Replace)
			}
			info, err := os.Lstat(filepath.Join(site, "tencentcloud", "cvm"))
			require.NoError(t, err)
			assert.NotZero(t, info.Mode()&os.ModeSymlink, "another product of the SDK is linked, not copied")
		})
	}
	assert.GreaterOrEqual(t, n, 14, "a control, at least 8 breaking and 2 equivalent broken tccli")
}

// TestTccliRefusesAMovedEdit: an edit whose text is not in the pinned tccli is an
// error naming the file, before any run.
func TestTccliRefusesAMovedEdit(t *testing.T) {
	src := tccliSources(t)
	harness := "/the/harness"
	moved := Broken{Name: "tccli-moved", Driver: DriverTccli, Rows: []string{"A1"}, Break: "x",
		Edits: []Edit{{tccliSDKClient, "no such text", "x"}}}
	_, err := src.prepareTccli(context.Background(), moved, t.TempDir(), &harness)
	require.Error(t, err)
	assert.Contains(t, err.Error(), tccliSDKClient)
	assert.Contains(t, err.Error(), "found 0 times")

	syntax := Broken{Name: "tccli-syntax", Driver: DriverTccli, Rows: []string{"A1"}, Break: "x",
		Edits: []Edit{{tccliOutput, "ret = json.dumps(response, ensure_ascii=False, indent=4)", "ret = json.dumps(("}}}
	_, err = src.prepareTccli(context.Background(), syntax, t.TempDir(), &harness)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "the copy does not load")
}
