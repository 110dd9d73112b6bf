package sdkmutants

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/ciam-harness/listjobs/driver"
)

// Apply makes the edits in the SDK tree at root, in order. An edit whose search text is
// not found exactly once in its file fails, naming the file: the SDK moved.
func Apply(root string, edits []Edit) error {
	for _, e := range edits {
		path := filepath.Join(root, filepath.FromSlash(e.File))
		b, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("%s: %v (the SDK moved?)", e.File, err)
		}
		if n := strings.Count(string(b), e.Search); n != 1 {
			return fmt.Errorf("%s: the text to replace is found %d times, want exactly once (the SDK moved?): %q", e.File, n, shorten(e.Search))
		}
		if err := os.WriteFile(path, []byte(strings.Replace(string(b), e.Search, e.Replace, 1)), 0o644); err != nil {
			return err
		}
	}
	return nil
}

func shorten(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}

// copyTree copies the regular files of src under dst (created), the parts only when
// given (slash-separated paths from src: files or folders). The copies are writable:
// the module cache's files are not.
func copyTree(src, dst string, parts ...string) error {
	if len(parts) == 0 {
		parts = []string{"."}
	}
	for _, part := range parts {
		root := filepath.Join(src, filepath.FromSlash(part))
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, err := filepath.Rel(src, path)
			if err != nil {
				return err
			}
			target := filepath.Join(dst, rel)
			switch {
			case d.IsDir():
				return os.MkdirAll(target, 0o755)
			case !d.Type().IsRegular():
				return nil
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
				return err
			}
			return os.WriteFile(target, b, 0o644)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// Sources are the SDKs the broken copies are made from, and the repository they are
// gated with.
type Sources struct {
	Repo string // the harness's module root (its go.mod)
	// GoSDK is the Go SDK's module folder in the module cache (driver.SDKModule at the
	// version of go.mod), GoVersion that version.
	GoSDK, GoVersion string
	// NodeSDK is drivers/node/node_modules/tencentcloud-sdk-nodejs, NodeVersion the
	// version of its package.json, Node the node command and NodeAdapter
	// drivers/node/adapter.js.
	NodeSDK, NodeVersion, Node, NodeAdapter string
}

// nodeParts are the parts of the npm package the adapter loads (the ciam service
// alone: the package is 58 MB, nearly all of it other services).
func nodeParts() []string {
	return []string{"package.json", "tencentcloud/common", "tencentcloud/services/ciam"}
}

// FindSources finds the SDKs from the working directory, which must be in the
// repository. node is looked for only when needNode. Its errors are one sentence.
func FindSources(needNode bool) (Sources, error) {
	var s Sources
	var main struct{ Path, Dir string }
	if err := goJSON("", &main, "list", "-m", "-json"); err != nil {
		return s, err
	}
	if main.Path != "github.com/ciam-harness/listjobs" {
		return s, fmt.Errorf("run it from the harness's repository: the module here is %q", main.Path)
	}
	s.Repo = main.Dir
	var sdk struct{ Version, Dir string }
	if err := goJSON(s.Repo, &sdk, "mod", "download", "-json", driver.SDKModule); err != nil {
		return s, err
	}
	if sdk.Dir == "" {
		return s, fmt.Errorf("go mod download %s gave no folder: the Go SDK is not in the module cache", driver.SDKModule)
	}
	s.GoSDK, s.GoVersion = sdk.Dir, sdk.Version
	if !needNode {
		return s, nil
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return s, fmt.Errorf("the Node.js broken SDKs need Node.js: node is not on PATH (or run --only go-...)")
	}
	s.Node = node
	s.NodeAdapter = filepath.Join(s.Repo, filepath.FromSlash(NodeAdapter))
	s.NodeSDK = filepath.Join(filepath.Dir(s.NodeAdapter), "node_modules", "tencentcloud-sdk-nodejs")
	var pkg struct{ Version string }
	b, err := os.ReadFile(filepath.Join(s.NodeSDK, "package.json"))
	if err == nil {
		err = json.Unmarshal(b, &pkg)
	}
	if err != nil {
		return s, fmt.Errorf("the Node.js broken SDKs need the SDK installed: run `npm ci` in %s (%v)", filepath.Dir(s.NodeAdapter), err)
	}
	s.NodeVersion = pkg.Version
	return s, nil
}

// goJSON runs the go command in dir and decodes its JSON output into v.
func goJSON(dir string, v any, args ...string) error {
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		msg := err.Error()
		if ee, ok := err.(*exec.ExitError); ok && len(ee.Stderr) > 0 {
			msg = strings.TrimSpace(string(ee.Stderr))
		}
		return fmt.Errorf("go %s: %s", strings.Join(args, " "), msg)
	}
	if err := json.Unmarshal(out, v); err != nil {
		return fmt.Errorf("go %s: %v", strings.Join(args, " "), err)
	}
	return nil
}

// copySDK copies the SDK of b's driver into dir and applies b's edits.
func (s Sources) copySDK(b Broken, dir string) error {
	var err error
	switch b.Driver {
	case driver.NameSDK:
		err = copyTree(s.GoSDK, dir)
	case NodeDriver:
		err = copyTree(s.NodeSDK, dir, nodeParts()...)
	case DriverPython:
		var py pythonSource
		if py, err = findPython(s.Repo); err == nil {
			err = copyTree(py.site, dir, "tencentcloud")
		}
	case DriverTccli:
		err = s.copyTccli(dir)
	case DriverJava: // catalogue_java.go
		err = s.copyJava(b, dir)
	default:
		return fmt.Errorf("broken SDK %s: driver %q: want %s or %s", b.Name, b.Driver, driver.NameSDK, NodeDriver)
	}
	if err != nil {
		return fmt.Errorf("broken SDK %s: copying the SDK: %v", b.Name, err)
	}
	if err := Apply(dir, b.Edits); err != nil {
		return fmt.Errorf("broken SDK %s: %v", b.Name, err)
	}
	return nil
}
