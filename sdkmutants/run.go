package sdkmutants

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ciam-harness/listjobs/driver"

	"github.com/ciam-harness/listjobs/emulator"
	"github.com/ciam-harness/listjobs/fixture"
	"github.com/ciam-harness/listjobs/mutation"
	"github.com/ciam-harness/listjobs/report"
	"github.com/ciam-harness/listjobs/runner"
	"github.com/ciam-harness/listjobs/vocab"
)

// The two reference endpoints every SDK is run against: the embedded emulator, whose
// empty results are "JobSet": [], and the reference emulator with NullEmpty, whose empty
// results are "JobSet": null (S5 allows both; a decoder broken on null is seen only by
// the second).
const (
	Embedded  = "embedded"
	NullEmpty = "null-empty"
)

func endpoints() [2]string { return [2]string{Embedded, NullEmpty} }

// Options configure Run.
type Options struct {
	Sources Sources
	Broken  []Broken
	// Fixture is the default fixture (listjobs.DefaultFixture): the null-empty
	// emulator's data, and the --fixture of the runs against it.
	Fixture []byte
	// OutDir gets sdk-mutation-runs/<name>-<endpoint>/: each run's log, results.ndjson and
	// summary.md.
	OutDir string
	// Parallel is how many suites run at once (each with an emulator of its own).
	Parallel int
	// Progress, when set, gets one line per step of the work.
	Progress io.Writer

	// suite replaces runSuite (tests of the orchestration).
	suite func(ctx context.Context, p prepared, endpoint string) SuiteRun
}

// SuiteRun is one run of the suite through one SDK against one endpoint.
type SuiteRun struct {
	Endpoint  string  `json:"endpoint"`
	ExitCode  int     `json:"exitCode"`
	Scenarios int     `json:"scenarios"`
	Failed    int     `json:"failed"`
	Seconds   float64 `json:"seconds"`
	Error     string  `json:"error,omitempty"`
	// records are the scenarios of results.ndjson.
	records []report.Record
}

// Result is the verdict on one broken SDK.
type Result struct {
	Broken
	Verdict mutation.Verdict `json:"verdict"`
	// Killers are the failing scenarios whose failure is blamed on one of Rows.
	Killers []mutation.Scenario `json:"killers"`
	// Failed are every failing scenario of its runs, FailedRows the rows blamed.
	Failed     []mutation.Scenario `json:"failed"`
	FailedRows []string            `json:"failedRows"`
	Runs       []SuiteRun          `json:"runs"`
	Seconds    float64             `json:"seconds"`
	Error      string              `json:"error,omitempty"` // why a run could not be judged
}

// Report is a whole run of the catalogue.
type Report struct {
	Machine string    `json:"machine"`
	Started time.Time `json:"started"`
	Seconds float64   `json:"seconds"`
	GoSDK   string    `json:"goSDK,omitempty"`
	NodeSDK string    `json:"nodeSDK,omitempty"`
	Results []Result  `json:"results"`
	// OK: every control passed, every breaking SDK was killed on one of its rows, every
	// equivalent one passed.
	OK bool `json:"ok"`
}

// prepared is a broken SDK ready to run: the command that runs the suite through it.
type prepared struct {
	Broken
	argv []string
}

// Run builds every broken SDK of opts, then runs the suite through each against every
// endpoint. Its error is a setup error (a copy, an edit, a build that failed: exit 2);
// the verdicts are in the report.
func Run(ctx context.Context, opts Options) (Report, error) {
	rep := Report{Machine: fmt.Sprintf("%s/%s, %d CPUs, %s", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version()),
		Started: time.Now().UTC().Truncate(time.Second)}
	if opts.Parallel < 1 {
		return rep, fmt.Errorf("sdkmutants: Options.Parallel %d: want at least 1", opts.Parallel)
	}
	start := time.Now()
	var ready []prepared
	suite := opts.suite
	if suite == nil {
		tmp, err := os.MkdirTemp("", "sdk-mutation-")
		if err != nil {
			return rep, err
		}
		defer os.RemoveAll(tmp)
		var cleanup func()
		ready, cleanup, err = opts.prepare(ctx, tmp)
		defer cleanup()
		if err != nil {
			return rep, err
		}
		fx, err := fixture.Read(bytes.NewReader(opts.Fixture))
		if err != nil {
			return rep, fmt.Errorf("the default fixture: %v", err)
		}
		fixturePath := filepath.Join(tmp, "fixture.json")
		if err := os.WriteFile(fixturePath, opts.Fixture, 0o644); err != nil {
			return rep, err
		}
		suite = func(ctx context.Context, p prepared, endpoint string) SuiteRun {
			return runSuite(ctx, p, endpoint, fx, fixturePath, opts.OutDir)
		}
	} else {
		for _, b := range opts.Broken {
			ready = append(ready, prepared{Broken: b})
		}
	}
	if opts.Sources.GoVersion != "" {
		rep.GoSDK = driver.SDKModule + " " + opts.Sources.GoVersion
	}
	if opts.Sources.NodeVersion != "" {
		rep.NodeSDK = "tencentcloud-sdk-nodejs " + opts.Sources.NodeVersion
	}

	type job struct{ i, e int }
	eps := endpoints()
	runs := make([][]SuiteRun, len(ready))
	for i := range runs {
		runs[i] = make([]SuiteRun, len(eps))
	}
	jobs := make(chan job)
	var wg sync.WaitGroup
	var mu sync.Mutex // Progress
	for range min(opts.Parallel, len(ready)*len(eps)) {
		wg.Go(func() {
			for j := range jobs {
				r := suite(ctx, ready[j.i], eps[j.e])
				r.Endpoint = eps[j.e]
				runs[j.i][j.e] = r
				if opts.Progress != nil {
					mu.Lock()
					fmt.Fprintf(opts.Progress, "ran %-6s %-34s %-10s exit %d, %d scenarios, %d failed (%.1fs)\n",
						ready[j.i].Driver, ready[j.i].Name, r.Endpoint, r.ExitCode, r.Scenarios, r.Failed, r.Seconds)
					mu.Unlock()
				}
			}
		})
	}
	for i := range ready {
		for e := range eps {
			if ctx.Err() == nil {
				jobs <- job{i, e}
			}
		}
	}
	close(jobs)
	wg.Wait()
	rep.Seconds = float64(int(time.Since(start).Seconds()*10)) / 10
	for i, p := range ready {
		rep.Results = append(rep.Results, Judge(p.Broken, runs[i]))
	}
	rep.OK = ctx.Err() == nil && len(rep.Results) > 0
	for _, r := range rep.Results {
		rep.OK = rep.OK && r.Good()
	}
	return rep, ctx.Err()
}

// prepare copies and patches every broken SDK under tmp (the Node ones under
// drivers/node, so that their requires still find drivers/node/node_modules), and builds
// the harness: once for the Node SDKs, once per Go SDK with its copy swapped in.
func (opts Options) prepare(ctx context.Context, tmp string) (ready []prepared, cleanup func(), err error) {
	cleanup = func() {}
	s := opts.Sources
	progress := func(format string, args ...any) {
		if opts.Progress != nil {
			fmt.Fprintf(opts.Progress, format+"\n", args...)
		}
	}
	var harness, nodeTmp string
	var py *pythonSource
	for _, b := range opts.Broken {
		if err := ctx.Err(); err != nil {
			return nil, cleanup, err
		}
		p := prepared{Broken: b}
		switch b.Driver {
		case driver.NameSDK:
			dir := filepath.Join(tmp, "go", b.Name)
			if err := s.copySDK(b, filepath.Join(dir, "sdk")); err != nil {
				return nil, cleanup, err
			}
			mod, err := os.ReadFile(filepath.Join(s.Repo, "go.mod"))
			if err != nil {
				return nil, cleanup, err
			}
			mod = fmt.Appendf(mod, "\nreplace %s => %s\n", driver.SDKModule, filepath.Join(dir, "sdk"))
			if err := os.WriteFile(filepath.Join(dir, "go.mod"), mod, 0o644); err != nil {
				return nil, cleanup, err
			}
			if err := copyTree(s.Repo, dir, "go.sum"); err != nil {
				return nil, cleanup, err
			}
			progress("building the harness with the Go SDK %s", b.Name)
			bin := filepath.Join(dir, "conformance")
			if err := goBuild(ctx, s.Repo, bin, "-modfile", filepath.Join(dir, "go.mod")); err != nil {
				return nil, cleanup, fmt.Errorf("broken SDK %s does not build (the SDK moved?): %v", b.Name, err)
			}
			p.argv = []string{bin, "--driver", string(driver.NameSDK)}
		case NodeDriver:
			if nodeTmp == "" {
				if nodeTmp, err = os.MkdirTemp(filepath.Dir(s.NodeAdapter), ".broken-"); err != nil {
					return nil, cleanup, err
				}
				cleanup = func() { os.RemoveAll(nodeTmp) }
				harness = filepath.Join(tmp, "conformance")
				progress("building the harness")
				if err := goBuild(ctx, s.Repo, harness); err != nil {
					return nil, cleanup, fmt.Errorf("the harness does not build: %v", err)
				}
			}
			dir := filepath.Join(nodeTmp, b.Name)
			sdk := filepath.Join(dir, "node_modules", "tencentcloud-sdk-nodejs")
			if err := s.copySDK(b, sdk); err != nil {
				return nil, cleanup, err
			}
			if err := nodeCheck(s.Node, sdk, b.Edits); err != nil {
				return nil, cleanup, fmt.Errorf("broken SDK %s: %v", b.Name, err)
			}
			if err := copyTree(filepath.Dir(s.NodeAdapter), dir, filepath.Base(s.NodeAdapter)); err != nil {
				return nil, cleanup, err
			}
			script := filepath.Join(dir, filepath.Base(s.NodeAdapter))
			p.argv = []string{harness, "--driver", driver.ExecPrefix + shellQuote(s.Node) + " " + shellQuote(script)}
		case DriverPython: // python.go
			if py == nil {
				found, err := findPython(s.Repo)
				if err != nil {
					return nil, cleanup, err
				}
				py = &found
			}
			if harness == "" {
				harness = filepath.Join(tmp, "conformance")
				progress("building the harness")
				if err := goBuild(ctx, s.Repo, harness); err != nil {
					return nil, cleanup, fmt.Errorf("the harness does not build: %v", err)
				}
			}
			args, err := py.prepare(b, filepath.Join(tmp, "python", b.Name))
			if err != nil {
				return nil, cleanup, err
			}
			p.argv = append([]string{harness}, args...)
		case DriverTccli:
			if p, err = s.prepareTccli(ctx, b, tmp, &harness); err != nil {
				return nil, cleanup, err
			}
		case DriverJava: // catalogue_java.go
			if p, err = s.prepareJava(ctx, b, tmp, &harness); err != nil {
				return nil, cleanup, err
			}
		default:
			return nil, cleanup, fmt.Errorf("broken SDK %s: driver %q: want %s or %s", b.Name, b.Driver, driver.NameSDK, NodeDriver)
		}
		ready = append(ready, p)
	}
	return ready, cleanup, nil
}

// goBuild builds cmd/conformance of repo into bin.
func goBuild(ctx context.Context, repo, bin string, flags ...string) error {
	args := append(append([]string{"build"}, flags...), "-o", bin, "./cmd/conformance")
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = repo
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return nil
}

// nodeCheck has node parse every edited file (node --check): an edit that breaks the
// syntax is a setup error, not a broken SDK.
func nodeCheck(node, root string, edits []Edit) error {
	seen := map[string]bool{}
	for _, e := range edits {
		if seen[e.File] {
			continue
		}
		seen[e.File] = true
		out, err := exec.Command(node, "--check", filepath.Join(root, filepath.FromSlash(e.File))).CombinedOutput()
		if err != nil {
			return fmt.Errorf("%s does not parse after the edits: %s", e.File, strings.TrimSpace(string(out)))
		}
	}
	return nil
}

// shellQuote quotes s for driver.SplitCommand.
func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// runSuite runs the suite through p against endpoint: the embedded emulator, or a
// reference emulator with NullEmpty started for this run (a foreign endpoint with the
// fixture and its primary key, --profile emulator). The user's TENCENTCLOUD_* and CIAM_*
// variables are not passed on: they would change the run.
func runSuite(ctx context.Context, p prepared, endpoint string, fx *fixture.Fixture, fixturePath, outDir string) (r SuiteRun) {
	start := time.Now()
	defer func() { r.Seconds = float64(int(time.Since(start).Seconds()*10)) / 10 }()
	out := filepath.Join(outDir, "sdk-mutation-runs", p.Name+"-"+endpoint)
	if err := os.MkdirAll(out, 0o755); err != nil {
		return SuiteRun{ExitCode: runner.ExitUsage, Error: err.Error()}
	}
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TENCENTCLOUD_") && !strings.HasPrefix(kv, "CIAM_") {
			env = append(env, kv)
		}
	}
	args := append(slices.Clone(p.argv[1:]), "--format", "progress", "--out", out, "--reports", "ndjson,markdown", "--deadline", "3m")
	if endpoint == NullEmpty {
		srv, err := emulator.Start(emulator.Config{Fixture: fx, RateLimit: emulator.DefaultRateLimit, NullEmpty: true})
		if err != nil {
			return SuiteRun{ExitCode: runner.ExitUsage, Error: "starting the null-empty emulator: " + err.Error()}
		}
		defer srv.Close()
		key, ok := fx.Credential(runner.DefaultCredentialRole)
		if !ok {
			return SuiteRun{ExitCode: runner.ExitUsage, Error: "the fixture has no primary key"}
		}
		args = append(args, "--endpoint", srv.URL, "--profile", runner.ProfileEmulator, "--fixture", fixturePath)
		env = append(env, "TENCENTCLOUD_SECRET_ID="+key.SecretID, "TENCENTCLOUD_SECRET_KEY="+key.SecretKey)
	}
	log, err := os.Create(filepath.Join(out, "run.log"))
	if err != nil {
		return SuiteRun{ExitCode: runner.ExitUsage, Error: err.Error()}
	}
	defer log.Close()
	cmd := exec.CommandContext(ctx, p.argv[0], args...)
	cmd.Env, cmd.Stdout, cmd.Stderr = env, log, log
	err = cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee) && ee.ExitCode() > 0:
		r.ExitCode = ee.ExitCode()
	default:
		return SuiteRun{ExitCode: runner.ExitUsage, Error: fmt.Sprintf("running the suite: %v", err)}
	}
	r.records, err = readRecords(filepath.Join(out, "results.ndjson"))
	switch {
	case r.ExitCode != runner.ExitPassed && r.ExitCode != runner.ExitFailed:
		r.Error = fmt.Sprintf("the suite could not start (exit %d): %s", r.ExitCode, lastLines(filepath.Join(out, "run.log"), 3))
	case err != nil:
		r.Error = err.Error()
	}
	r.Scenarios = len(r.records)
	for _, rec := range r.records {
		if rec.Status.Failing() {
			r.Failed++
		}
	}
	return r
}

// readRecords reads a run's results.ndjson.
func readRecords(path string) ([]report.Record, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("the run wrote no results: %v", err)
	}
	defer f.Close()
	var out []report.Record
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		var rec report.Record
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			return nil, fmt.Errorf("%s: %v", path, err)
		}
		out = append(out, rec)
	}
	return out, sc.Err()
}

// lastLines is the end of a log, for an error message.
func lastLines(path string, n int) string {
	b, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], " / ")
}

// Judge gives the verdict on b from its runs.
func Judge(b Broken, runs []SuiteRun) Result {
	res := Result{Broken: b, Runs: runs, Killers: []mutation.Scenario{}, Failed: []mutation.Scenario{}, FailedRows: []string{}}
	exit := runner.ExitPassed
	rows := map[string]bool{}
	var errs []string
	scenarios := 0
	for _, r := range runs {
		res.Seconds += r.Seconds
		exit = max(exit, r.ExitCode)
		scenarios += len(r.records)
		switch {
		case r.Error != "":
			errs = append(errs, r.Endpoint+": "+r.Error)
		case r.ExitCode != runner.ExitPassed && r.ExitCode != runner.ExitFailed:
			errs = append(errs, fmt.Sprintf("%s: exit %d", r.Endpoint, r.ExitCode))
		}
		for _, rec := range r.records {
			if !rec.Status.Failing() || rec.Failure == nil {
				continue
			}
			sc := mutation.Scenario{ID: rec.ID, Feature: rec.Feature, Line: rec.Line, Name: rec.Name + " [" + r.Endpoint + "]",
				Rows: rec.Failure.Rows, Error: firstLine(rec.Failure.Error)}
			res.Failed = append(res.Failed, sc)
			if slices.ContainsFunc(rec.Failure.Rows, func(row string) bool { return slices.Contains(b.Rows, row) }) {
				res.Killers = append(res.Killers, sc)
			}
			for _, row := range rec.Failure.Rows {
				rows[row] = true
			}
		}
	}
	res.Seconds = float64(int(res.Seconds*10)) / 10
	for row := range rows {
		res.FailedRows = append(res.FailedRows, row)
	}
	vocab.SortRows(res.FailedRows)
	if len(runs) == 0 || scenarios == 0 && exit == runner.ExitPassed {
		exit, errs = runner.ExitUsage, append(errs, "no scenario ran")
	}
	res.Error = strings.Join(errs, "; ")
	passed := exit == runner.ExitPassed && len(res.Failed) == 0
	switch {
	case len(errs) > 0:
		res.Verdict = mutation.Errored
	case b.Control() && passed:
		res.Verdict = mutation.Passed
	case b.Control():
		res.Verdict = mutation.Failed
	case b.Equivalent != "" && passed:
		res.Verdict = mutation.Equivalent
	case b.Equivalent != "":
		res.Verdict = mutation.OverAsserted
	case len(res.Killers) > 0:
		res.Verdict = mutation.Killed
	case !passed:
		res.Verdict = mutation.KilledElsewhere
	default:
		res.Verdict = mutation.Survived
	}
	return res
}

// Good tells whether the verdict is the one the catalogue wants.
func (r Result) Good() bool {
	if r.Control() {
		return r.Verdict == mutation.Passed
	}
	return r.Verdict.Good()
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}
