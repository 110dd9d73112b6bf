package drift

import (
	"archive/zip"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// Clients are the clients whose models are compared, in the order of the columns. "go" is
// listed so that the report says why it has no column.
var Clients = []string{"node", "python", "java", "tccli", "go"}

// GoAbsent is why the Go SDK has no column: its typed ciam models are a module of their own
// that the Go module proxy does not serve, and the harness's go.mod holds only the common
// module, which has no ListJobs model.
const GoAbsent = "the Go SDK's ciam module (github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/ciam) is not served by " +
	"the Go module proxy (its version list answers 404, checked 2026-12-07); go.mod holds only the common module, which has no ListJobs model"

// Source is one client's model, or why it was not read.
type Source struct {
	Name   string
	Model  *Model // nil when the client is absent
	Absent string // why it was not read
	// Expected says the repository installs this client (drivers/NAME/install exists): its
	// absence fails under CI, where make drivers installed every client.
	Expected bool
}

// Options says where the clients are.
type Options struct {
	Root string // the repository: drivers/ is under it
	// Java is the Java SDK's sources: a sources jar, or a folder holding JavaModels or the
	// models themselves. Empty: drivers/java's unpacked sources, else the sources jar of
	// the version drivers/java/pom.xml pins in the local Maven repository.
	Java string
	// M2 is the local Maven repository; empty: ~/.m2/repository.
	M2 string
}

// Load reads every client's model that is installed. A client that is not installed is a
// Source with Absent set; a model that is there but cannot be read is an error.
func Load(opt Options) ([]Source, error) {
	var out []Source
	for _, name := range Clients {
		s := Source{Name: name}
		if name != "go" {
			if _, err := os.Stat(filepath.Join(opt.Root, "drivers", name, "install")); err == nil {
				s.Expected = true
			}
		}
		var m Model
		var err error
		switch name {
		case "node":
			m, s.Absent, err = loadNode(opt.Root)
		case "python":
			m, s.Absent, err = loadPython(opt.Root)
		case "java":
			m, s.Absent, err = loadJava(opt)
		case "tccli":
			m, s.Absent, err = loadTCCLI(opt.Root)
		case "go":
			s.Absent = GoAbsent
		}
		if err != nil {
			return nil, err
		}
		if s.Absent == "" {
			s.Model = &m
		}
		out = append(out, s)
	}
	return out, nil
}

// notInstalled is the Absent of a client whose model file is not there.
func notInstalled(name, path string) string {
	return fmt.Sprintf("not installed (no %s): make drivers, or drivers/%s/install", path, name)
}

func loadNode(root string) (Model, string, error) {
	pkg := filepath.Join(root, "drivers/node/node_modules/tencentcloud-sdk-nodejs")
	path := filepath.Join(pkg, "tencentcloud/services/ciam/v20220331/ciam_models.d.ts")
	src, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return Model{}, notInstalled("node", rel(root, path)), nil
	} else if err != nil {
		return Model{}, "", fmt.Errorf("node: %w", err)
	}
	var meta struct{ Version string }
	if data, err := os.ReadFile(filepath.Join(pkg, "package.json")); err == nil {
		_ = json.Unmarshal(data, &meta) // the version is for the reader only
	}
	m, err := FromNode(src, withVersion(rel(root, path), "tencentcloud-sdk-nodejs", meta.Version))
	return m, "", err
}

func loadPython(root string) (Model, string, error) {
	site := "drivers/python/.venv/lib/python3*/site-packages"
	path, err := glob1(root, site+"/tencentcloud/ciam/v20220331/models.py")
	if err != nil || path == "" {
		return Model{}, notInstalled("python", site+"/tencentcloud/ciam/v20220331/models.py"), err
	}
	src, err := os.ReadFile(path)
	if err != nil {
		return Model{}, "", fmt.Errorf("python: %w", err)
	}
	m, err := FromPython(src, withVersion(rel(root, path), "tencentcloud-sdk-python-ciam",
		distVersion(filepath.Dir(filepath.Dir(filepath.Dir(filepath.Dir(path)))), "tencentcloud_sdk_python_ciam")))
	return m, "", err
}

func loadTCCLI(root string) (Model, string, error) {
	site := "drivers/tccli/.venv/lib/python3*/site-packages"
	path, err := glob1(root, site+"/tccli/services/ciam/v20220331/api.json")
	if err != nil || path == "" {
		return Model{}, notInstalled("tccli", site+"/tccli/services/ciam/v20220331/api.json"), err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return Model{}, "", fmt.Errorf("tccli: %w", err)
	}
	sitePackages := filepath.Dir(filepath.Dir(filepath.Dir(filepath.Dir(filepath.Dir(path)))))
	m, err := FromTCCLI(data, withVersion(rel(root, path), "tccli", distVersion(sitePackages, "tccli")))
	return m, "", err
}

var pomSDKVersion = regexp.MustCompile(`<sdk\.version>([^<]+)</sdk\.version>`)

func loadJava(opt Options) (Model, string, error) {
	if opt.Java != "" {
		return javaAt(opt.Java, opt.Java)
	}
	unpacked := filepath.Join(opt.Root, "drivers/java/target/sdk-sources", JavaModels)
	if _, err := os.Stat(unpacked); err == nil {
		version := ""
		if pom, err := os.ReadFile(filepath.Join(opt.Root, "drivers/java/pom.xml")); err == nil {
			if v := pomSDKVersion.FindSubmatch(pom); v != nil {
				version = string(v[1])
			}
		}
		m, err := FromJava(os.DirFS(unpacked), withVersion(rel(opt.Root, unpacked), "tencentcloud-sdk-java", version))
		return m, "", err
	}
	pom, err := os.ReadFile(filepath.Join(opt.Root, "drivers/java/pom.xml"))
	if errors.Is(err, fs.ErrNotExist) {
		return Model{}, "no Java adapter in this checkout (drivers/java/pom.xml); name the SDK's sources with --java", nil
	} else if err != nil {
		return Model{}, "", fmt.Errorf("java: %w", err)
	}
	v := pomSDKVersion.FindSubmatch(pom)
	if v == nil {
		return Model{}, "", fmt.Errorf("java: drivers/java/pom.xml pins no <sdk.version>")
	}
	m2 := opt.M2
	if m2 == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return Model{}, notInstalled("java", "drivers/java/target/sdk-sources"), nil
		}
		m2 = filepath.Join(home, ".m2", "repository")
	}
	version := string(v[1])
	jar := filepath.Join(m2, "com/tencentcloudapi/tencentcloud-sdk-java", version, "tencentcloud-sdk-java-"+version+"-sources.jar")
	if _, err := os.Stat(jar); err != nil {
		return Model{}, notInstalled("java", "drivers/java/target/sdk-sources, nor "+jar), nil
	}
	return javaAt(jar, "tencentcloud-sdk-java "+version+" sources jar")
}

// javaAt reads the Java model from a sources jar or a folder.
func javaAt(path, source string) (Model, string, error) {
	info, err := os.Stat(path)
	if err != nil {
		return Model{}, "", fmt.Errorf("java: %w", err)
	}
	if info.IsDir() {
		dir := path
		if _, err := os.Stat(filepath.Join(path, JavaModels)); err == nil {
			dir = filepath.Join(path, JavaModels)
		}
		m, err := FromJava(os.DirFS(dir), source)
		return m, "", err
	}
	zr, err := zip.OpenReader(path)
	if err != nil {
		return Model{}, "", fmt.Errorf("java: %s: not a folder, nor a jar: %w", path, err)
	}
	defer zr.Close()
	sub, err := fs.Sub(zr, JavaModels)
	if err != nil {
		return Model{}, "", fmt.Errorf("java: %s: %w", path, err)
	}
	m, err := FromJava(sub, source)
	return m, "", err
}

// glob1 returns the one file matching pattern under root, "" when none does.
func glob1(root, pattern string) (string, error) {
	matches, err := filepath.Glob(filepath.Join(root, pattern))
	if err != nil {
		return "", err
	}
	switch len(matches) {
	case 0:
		return "", nil
	case 1:
		return matches[0], nil
	}
	return "", fmt.Errorf("%d files match %s: %s", len(matches), pattern, strings.Join(matches, ", "))
}

// distVersion reads the version of a Python distribution from its .dist-info folder name.
func distVersion(sitePackages, dist string) string {
	matches, _ := filepath.Glob(filepath.Join(sitePackages, dist+"-*.dist-info"))
	sort.Strings(matches)
	if len(matches) != 1 {
		return ""
	}
	return strings.TrimSuffix(strings.TrimPrefix(filepath.Base(matches[0]), dist+"-"), ".dist-info")
}

func withVersion(path, pkg, version string) string {
	if version == "" {
		return path
	}
	return fmt.Sprintf("%s (%s %s)", path, pkg, version)
}

// rel shows a path relative to the repository when it is inside it.
func rel(root, path string) string {
	if r, err := filepath.Rel(root, path); err == nil && !strings.HasPrefix(r, "..") {
		return filepath.ToSlash(r)
	}
	return path
}
