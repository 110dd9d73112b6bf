package listjobs

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// actionFile is the part of action.yml's metadata syntax the action uses; an unknown key
// (a typo: shel, working-dir) fails the parse.
type actionFile struct {
	Name        string `yaml:"name"`
	Description string `yaml:"description"`
	Author      string `yaml:"author"`
	Inputs      map[string]struct {
		Description string  `yaml:"description"`
		Required    bool    `yaml:"required"`
		Default     *string `yaml:"default"`
	} `yaml:"inputs"`
	Outputs map[string]struct {
		Description string `yaml:"description"`
		Value       string `yaml:"value"`
	} `yaml:"outputs"`
	Runs struct {
		Using string       `yaml:"using"`
		Steps []actionStep `yaml:"steps"`
	} `yaml:"runs"`
}

type actionStep struct {
	Name             string            `yaml:"name"`
	ID               string            `yaml:"id"`
	If               string            `yaml:"if"`
	Shell            string            `yaml:"shell"`
	Run              string            `yaml:"run"`
	Uses             string            `yaml:"uses"`
	WorkingDirectory string            `yaml:"working-directory"`
	With             map[string]string `yaml:"with"`
	Env              map[string]string `yaml:"env"`
}

func readAction(t *testing.T) actionFile {
	t.Helper()
	data, err := os.ReadFile("action.yml")
	if err != nil {
		t.Fatal(err)
	}
	var a actionFile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&a); err != nil {
		t.Fatalf("action.yml: %v", err)
	}
	return a
}

func (a actionFile) step(t *testing.T, name string) actionStep {
	t.Helper()
	for _, s := range a.Runs.Steps {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("action.yml has no step %q", name)
	return actionStep{}
}

var pinnedAction = regexp.MustCompile(`^actions/[a-z-]+@v\d+$`)

// action.yml is a composite action GitHub accepts: its inputs, every step with a shell or
// a pinned action, no input expanded inside a script (they pass through env), the suite
// run as a built binary, the summary and the reports kept whatever the verdict.
func TestActionMetadata(t *testing.T) {
	a := readAction(t)
	if a.Name == "" || a.Description == "" {
		t.Error("action.yml needs a name and a description")
	}
	if a.Runs.Using != "composite" {
		t.Errorf("runs.using is %q, want composite", a.Runs.Using)
	}
	var inputs []string
	for name, in := range a.Inputs {
		inputs = append(inputs, name)
		if in.Description == "" || in.Required || in.Default == nil {
			t.Errorf("input %s: want a description, required false and a default", name)
		}
	}
	sort.Strings(inputs)
	if got, want := strings.Join(inputs, " "), "artifact-name driver endpoint known-failures out sdk-version tags"; got != want {
		t.Errorf("inputs %s, want %s", got, want)
	}
	if d := a.Inputs["driver"].Default; d == nil || *d != "wire" {
		t.Error("the driver input defaults to wire, as conformance --driver does")
	}
	if len(a.Runs.Steps) == 0 {
		t.Fatal("no steps")
	}
	for i, s := range a.Runs.Steps {
		switch {
		case s.Name == "":
			t.Errorf("step %d has no name", i+1)
		case (s.Run == "") == (s.Uses == ""):
			t.Errorf("step %q: want exactly one of run and uses", s.Name)
		case s.Run != "" && s.Shell == "":
			t.Errorf("step %q: a run step of a composite action needs a shell", s.Name)
		case s.Uses != "" && !pinnedAction.MatchString(s.Uses):
			t.Errorf("step %q uses %q: want an actions/NAME pinned to a major version", s.Name, s.Uses)
		case strings.Contains(s.Run, "${{"):
			t.Errorf("step %q expands an expression inside its script: pass it through env (script injection)", s.Name)
		}
	}
	if with := a.step(t, "Set up Go (the harness's go.mod)").With; with["go-version-file"] != "${{ github.action_path }}/go.mod" {
		t.Errorf("setup-go's go-version-file is %q, want the action's own go.mod", with["go-version-file"])
	}
	run := a.step(t, "Run the suite")
	if strings.Contains(run.Run, "go run") || strings.Contains(run.Run, "make") || !strings.Contains(run.Run, "$RUNNER_TEMP/ciam-listjobs/conformance") {
		t.Errorf("the suite runs as %q: want the built binary, so that its exit code is the step's", run.Run)
	}
	if build := a.step(t, "Build the harness"); !strings.Contains(build.Run, `go build -o "$RUNNER_TEMP/ciam-listjobs/conformance" ./cmd/conformance`) {
		t.Errorf("the build step runs %q", build.Run)
	}
	for _, name := range []string{"Publish the summary", "Keep the reports"} {
		if s := a.step(t, name); !strings.HasPrefix(s.If, "always()") {
			t.Errorf("step %q runs if %q: want always(), so that a failing suite keeps its reports", name, s.If)
		}
	}
}

// adapters are the names of drivers/ that have an install script.
func adapters(t *testing.T) []string {
	t.Helper()
	matches, err := filepath.Glob("drivers/*/install")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range matches {
		out = append(out, filepath.Base(filepath.Dir(m)))
	}
	sort.Strings(out)
	return out
}

// checkInputs runs the action's first step, its check of the inputs, with env; it
// returns the exit code, the output and what it wrote to GITHUB_OUTPUT.
func checkInputs(t *testing.T, harness string, env map[string]string) (int, string, map[string]string) {
	t.Helper()
	script := readAction(t).step(t, "Check the inputs").Run
	ws, outFile := t.TempDir(), filepath.Join(t.TempDir(), "output")
	cmd := exec.Command("bash", "-c", script)
	cmd.Env = append(os.Environ(), "HARNESS="+harness, "GITHUB_WORKSPACE="+ws, "GITHUB_OUTPUT="+outFile,
		"DRIVER=", "SDK_VERSION=", "OUT=conformance-reports", "KNOWN_FAILURES=", "ARTIFACT=")
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, err := cmd.CombinedOutput()
	code := 0
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	outputs := map[string]string{}
	data, _ := os.ReadFile(outFile)
	for _, line := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			outputs[k] = strings.ReplaceAll(v, ws, "$WS")
		}
	}
	return code, string(out), outputs
}

func TestActionChecksInputs(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	root, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	for _, driver := range append([]string{"wire", "sdk"}, adapters(t)...) {
		code, out, outputs := checkInputs(t, root, map[string]string{"DRIVER": driver})
		if code != 0 || outputs["out"] != "$WS/conformance-reports" || outputs["artifact"] != "conformance-"+driver {
			t.Errorf("driver %s: exit %d, outputs %v, output %s", driver, code, outputs, out)
		}
	}
	// A harness whose adapter takes no SDK_VERSION refuses an sdk-version.
	other := t.TempDir()
	if err := os.MkdirAll(filepath.Join(other, "drivers", "old"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(other, "drivers", "old", "install"), []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	refused := []struct {
		harness string
		env     map[string]string
		want    string
	}{
		{root, map[string]string{"DRIVER": "ruby"}, "driver 'ruby': want wire, sdk or an adapter of drivers/ (this version of the harness has: "},
		{root, map[string]string{"DRIVER": "a;b"}, "driver 'a;b'"},
		{root, map[string]string{"DRIVER": ""}, "driver ''"},
		{root, map[string]string{"DRIVER": "wire", "SDK_VERSION": "1.3.212"}, "the wire driver sends its own HTTP"},
		{root, map[string]string{"DRIVER": "sdk", "SDK_VERSION": "$(id)"}, "sdk-version '$(id)'"},
		{root, map[string]string{"DRIVER": "wire", "KNOWN_FAILURES": "adapter"}, "known-failures: adapter is for an adapter's driver"},
		{other, map[string]string{"DRIVER": "old", "SDK_VERSION": "1.0.0"}, "drivers/old/install of this version of the harness takes no SDK_VERSION"},
	}
	for _, c := range refused {
		code, out, _ := checkInputs(t, c.harness, c.env)
		if code != 2 || !strings.HasPrefix(out, "::error title=ListJobs conformance::") || !strings.Contains(out, c.want) {
			t.Errorf("%v: exit %d, output %q; want 2 and %q", c.env, code, out, c.want)
		}
	}
	for _, a := range adapters(t) {
		install, err := os.ReadFile(filepath.Join("drivers", a, "install"))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(install, []byte("SDK_VERSION")) {
			// An install without the override: an sdk-version is refused, never ignored.
			if code, out, _ := checkInputs(t, root, map[string]string{"DRIVER": a, "SDK_VERSION": "3.1.x"}); code != 2 || !strings.Contains(out, "takes no SDK_VERSION") {
				t.Errorf("%s: sdk-version with an install that takes none: exit %d, %s", a, code, out)
			}
			continue
		}
		code, out, outputs := checkInputs(t, root, map[string]string{"DRIVER": a, "SDK_VERSION": "3.1.x", "KNOWN_FAILURES": "adapter", "OUT": "/abs/out", "ARTIFACT": "mine"})
		ledger := ""
		if _, err := os.Stat(filepath.Join("drivers", a, "known-failures.json")); err == nil {
			ledger = filepath.Join(root, "drivers", a, "known-failures.json")
		}
		if code != 0 || outputs["known-failures"] != ledger || outputs["out"] != "/abs/out" || outputs["artifact"] != "mine" {
			t.Errorf("%s: exit %d, outputs %v (want the ledger %q), output %s", a, code, outputs, ledger, out)
		}
	}
	if code, _, outputs := checkInputs(t, root, map[string]string{"DRIVER": "wire", "KNOWN_FAILURES": "ledger.json"}); code != 0 || outputs["known-failures"] != "$WS/ledger.json" {
		t.Errorf("a relative ledger: exit %d, outputs %v; want it under the workspace", code, outputs)
	}
}

// The workflow that runs the action through every driver (and makes actionlint check its
// use) runs it with a matrix its first job lists: wire, sdk and every adapter of drivers/.
func TestGateWorkflowCoversEveryDriver(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	data, err := os.ReadFile(".github/workflows/gate.yml")
	if err != nil {
		t.Fatal(err)
	}
	type step struct {
		ID   string            `yaml:"id"`
		Run  string            `yaml:"run"`
		Uses string            `yaml:"uses"`
		With map[string]string `yaml:"with"`
	}
	var wf struct {
		Jobs map[string]struct {
			Needs    string            `yaml:"needs"`
			Outputs  map[string]string `yaml:"outputs"`
			Strategy struct {
				Matrix struct {
					Driver string `yaml:"driver"`
				} `yaml:"matrix"`
			} `yaml:"strategy"`
			Steps []step `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal(data, &wf); err != nil {
		t.Fatal(err)
	}
	gate, list := wf.Jobs["gate"], wf.Jobs["drivers"]
	if gate.Needs != "drivers" || gate.Strategy.Matrix.Driver != "${{ fromJSON(needs.drivers.outputs.list) }}" ||
		list.Outputs["list"] != "${{ steps.list.outputs.list }}" {
		t.Fatalf("gate.yml: the gate job's matrix is not the list of the drivers job")
	}
	uses := false
	for _, s := range gate.Steps {
		uses = uses || s.Uses == "./" && s.With["driver"] == "${{ matrix.driver }}"
	}
	if !uses {
		t.Error("gate.yml does not use the local action (uses: ./) with driver: ${{ matrix.driver }}")
	}
	var script string
	for _, s := range list.Steps {
		if s.ID == "list" {
			script = s.Run
		}
	}
	out := filepath.Join(t.TempDir(), "output")
	cmd := exec.Command("bash", "-e", "-c", script)
	cmd.Env = append(os.Environ(), "GITHUB_OUTPUT="+out)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("the list step: %v\n%s", err, msg)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	want := `list=["wire","sdk"`
	for _, a := range adapters(t) {
		want += `,"` + a + `"`
	}
	if strings.TrimSpace(string(got)) != want+"]" {
		t.Errorf("the drivers job lists %s, want %s]", got, want)
	}
}

// The action's build and run steps, as a runner runs them, through the wire driver: the
// suite's exit code is the step's (0 conformant; 2 when it cannot start), and summary.md
// is where the next step publishes it from.
func TestActionRunsTheSuite(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the harness")
	}
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	a := readAction(t)
	temp := t.TempDir()
	step := func(name string, env ...string) (int, string) {
		t.Helper()
		cmd := exec.Command("bash", "-e", "-c", a.step(t, name).Run)
		cmd.Env = append(os.Environ(), append([]string{"RUNNER_TEMP=" + temp}, env...)...)
		out, err := cmd.CombinedOutput()
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return exit.ExitCode(), string(out)
		} else if err != nil {
			t.Fatal(err)
		}
		return 0, string(out)
	}
	if code, out := step("Build the harness"); code != 0 {
		t.Fatalf("the build: exit %d\n%s", code, out)
	}
	reports := filepath.Join(temp, "reports")
	env := []string{"CIAM_DRIVER=wire", "CIAM_TAGS=@T6", "CIAM_OUT=" + reports, "CIAM_ENDPOINT=", "CIAM_KNOWN_FAILURES="}
	if code, out := step("Run the suite", env...); code != 0 || !strings.Contains(out, "PASS (exit 0)") {
		t.Fatalf("the suite: exit %d\n%s", code, out)
	}
	if _, err := os.Stat(filepath.Join(reports, "summary.md")); err != nil {
		t.Errorf("no summary.md to publish: %v", err)
	}
	env[3] = "CIAM_ENDPOINT=http://127.0.0.1:1"
	if code, out := step("Run the suite", env...); code != 2 {
		t.Errorf("against a closed port: exit %d, want 2\n%s", code, out)
	}
}
