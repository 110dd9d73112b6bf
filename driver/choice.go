package driver

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/ciam-harness/listjobs/wire"
)

// The names --driver takes besides the adapters of drivers/.
const (
	// NameWire is the wire driver (the default): requests the harness builds and
	// signs itself.
	NameWire = "wire"
	// NameSDK is the official Go SDK, linked in (SDKModule).
	NameSDK = "sdk"
	// ExecPrefix starts an exec driver: "exec:CMD ARGS" sends every request through
	// the adapter CMD ARGS starts (DRIVERS.md).
	ExecPrefix = "exec:"
)

// Kind is how a driver sends.
type Kind int

// The kinds of driver.
const (
	// KindGo is a driver written in Go, in this package (NameWire, NameSDK): each file
	// registers its own (register), so a new one is one file.
	KindGo Kind = iota
	// KindAdapter is an adapter process: drivers/NAME/run, or exec:CMD.
	KindAdapter
)

// builtins open the drivers written in Go, by name.
var builtins = map[string]func(Env) (Driver, error){}

// register makes the Go driver name, opened by open, one --driver takes.
func register(name string, open func(Env) (Driver, error)) { builtins[name] = open }

// Choice is a driver as --driver names it, parsed once (Parse) and opened for a run
// (Open).
type Choice struct {
	// Name is what --driver said: "wire", "sdk", "python", "exec:CMD ARGS".
	Name string
	Kind Kind
	// Command is the adapter command of an exec: driver; nil for a named adapter,
	// whose launcher is found when it is opened (Launcher).
	Command []string
}

// Wire is the wire driver's Choice (the zero Choice is the wire driver too).
var Wire = Choice{Name: NameWire, Kind: KindGo}

var adapterName = regexp.MustCompile(`^[a-z][a-z0-9-]{0,31}$`)

// Parse reads a driver name: "" or "wire", "sdk", the name of an adapter of drivers/
// ("node", "python", "java", "tccli": drivers/NAME/run), or exec:CMD ARGS (the command
// split as SplitCommand splits it). Its errors are one line, for exit 2.
func Parse(name string) (Choice, error) {
	n := strings.TrimSpace(name)
	switch {
	case n == "" || n == NameWire:
		return Wire, nil
	case builtins[n] != nil:
		return Choice{Name: n, Kind: KindGo}, nil
	case strings.HasPrefix(n, ExecPrefix):
		argv, err := SplitCommand(strings.TrimPrefix(n, ExecPrefix))
		if err != nil {
			return Choice{}, fmt.Errorf("driver %q: %v", name, err)
		}
		return Choice{Name: n, Kind: KindAdapter, Command: argv}, nil
	case adapterName.MatchString(n):
		return Choice{Name: n, Kind: KindAdapter}, nil
	}
	return Choice{}, fmt.Errorf("driver %q: want %s, %s, the name of an adapter of %s (%s) or %sCMD ARGS", name, NameWire, NameSDK, AdaptersDir, strings.Join(Adapters(), ", "), ExecPrefix)
}

// String is the driver's name; "wire" for the zero Choice.
func (c Choice) String() string {
	if c.Name == "" {
		return NameWire
	}
	return c.Name
}

// IsWire tells whether c is the wire driver.
func (c Choice) IsWire() bool { return c.String() == NameWire }

// AdaptersDir holds the adapters of the official SDKs, one folder each, whose
// launcher LauncherName --driver NAME runs.
const AdaptersDir = "drivers"

// LauncherName is the executable of an adapter's folder: it starts the adapter with its
// runtime, or exits 2 saying how to install it.
const LauncherName = "run"

// Argv is the command that starts the adapter of c: its exec: command, or the
// launcher of drivers/NAME (found in the working directory or a directory above it,
// else beside this package's source: a binary built from the repository on this
// machine). It fails, saying what there is, for an adapter that is not there.
func (c Choice) Argv() ([]string, error) {
	if c.Kind != KindAdapter {
		return nil, fmt.Errorf("driver %q sends through no adapter", c.Name)
	}
	if c.Command != nil {
		return c.Command, nil
	}
	if p := findFile(filepath.Join(AdaptersDir, c.Name, LauncherName)); p != "" {
		return []string{p}, nil
	}
	return nil, fmt.Errorf("--driver %s: no adapter %s/%s/%s in the working directory or a directory above it (adapters: %s); run the harness from the repository, or use --driver %s'/path/to/adapter'", c.Name, AdaptersDir, c.Name, LauncherName, strings.Join(Adapters(), ", "), ExecPrefix)
}

// checkTimeout bounds a launcher's --check.
const checkTimeout = 60 * time.Second

// Check tells, before a run, whether the driver can start: for an adapter of drivers/,
// that its launcher is there and says, run with --check, that its runtime and SDK are
// installed (it exits 2 naming what installs them otherwise). An exec: command is only
// checked when it starts.
func (c Choice) Check(ctx context.Context) error {
	if c.Kind != KindAdapter {
		return nil
	}
	argv, err := c.Argv()
	if err != nil || c.Command != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, checkTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], "--check")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		why := strings.TrimSpace(stderr.String())
		if why == "" {
			why = err.Error()
		}
		return fmt.Errorf("--driver %s: %s", c.Name, wire.Shorten(why, 500))
	}
	return nil
}

// Adapters lists the names of the adapters of drivers/ that have a launcher.
func Adapters() []string {
	dir := findFile(AdaptersDir)
	if dir == "" {
		return nil
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		if st, err := os.Stat(filepath.Join(dir, e.Name(), LauncherName)); err == nil && st.Mode().IsRegular() && adapterName.MatchString(e.Name()) {
			names = append(names, e.Name())
		}
	}
	slices.Sort(names)
	return names
}

// findFile returns the path of rel in the working directory or a directory above it,
// else in the repository this package was built from, or "".
func findFile(rel string) string {
	var dirs []string
	if wd, err := os.Getwd(); err == nil {
		for d := wd; ; d = filepath.Dir(d) {
			dirs = append(dirs, d)
			if filepath.Dir(d) == d {
				break
			}
		}
	}
	if _, file, _, ok := runtime.Caller(0); ok {
		dirs = append(dirs, filepath.Dir(filepath.Dir(file)))
	}
	for _, d := range dirs {
		p := filepath.Join(d, rel)
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return ""
}

// Env is what a driver needs of a run.
type Env struct {
	// Target is the endpoint and the client's region.
	Target wire.Target
	// Client is the run's HTTP client (timeouts, TLS, caps, the ListJobs-only guard):
	// the wire driver sends with it, the Go SDK over its transport.
	Client *http.Client
	// Clock is the endpoint's clock, learned from its answers.
	Clock *wire.Clock
	// Timeout bounds every request (an SDK's request timeout, an adapter's answer).
	Timeout time.Duration
	// ListJobsOnly makes an adapter driver refuse a request of another action, as the
	// run's client does on the wire for the other drivers (an adapter's SDK sends over
	// its own HTTP client).
	ListJobsOnly bool
}

// url parses the target's base URL: scheme://host[:port], no path.
func (e Env) url() (*url.URL, error) {
	u, err := url.Parse(e.Target.BaseURL)
	switch {
	case e.Target.BaseURL == "":
		return nil, errors.New("driver: the base URL is empty")
	case err != nil:
		return nil, fmt.Errorf("driver: base URL %q: %v", e.Target.BaseURL, err)
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, fmt.Errorf("driver: base URL %q: want an http or https URL", e.Target.BaseURL)
	case u.Host == "":
		return nil, fmt.Errorf("driver: base URL %q has no host", e.Target.BaseURL)
	case u.Path != "" || u.RawQuery != "" || u.Fragment != "":
		return nil, fmt.Errorf("driver: base URL %q: want scheme://host[:port] only (requests go to /)", e.Target.BaseURL)
	}
	return u, nil
}

// timeoutSeconds is an SDK's request timeout: Timeout in whole seconds, rounded up.
func (e Env) timeoutSeconds() int {
	if e.Timeout <= 0 {
		return 60
	}
	return int((e.Timeout + time.Second - 1) / time.Second)
}

// Open starts the driver c names for env: an adapter's process is started and says
// hello (ctx bounds nothing after that). The caller closes it.
func (c Choice) Open(ctx context.Context, env Env) (Driver, error) {
	if env.Client == nil {
		env.Client = &http.Client{Timeout: 60 * time.Second}
	}
	if c.Kind == KindGo {
		open := builtins[c.String()]
		if open == nil {
			return nil, fmt.Errorf("--driver %s: no such driver", c.Name)
		}
		return open(env)
	}
	argv, err := c.Argv()
	if err != nil {
		return nil, err
	}
	return NewAdapter(ctx, c.Name, argv, env)
}

// SplitCommand splits a command line as a POSIX shell splits words, with no shell:
// blanks separate words; '...' is literal; "..." is literal but for \" \\ \$ \`;
// a backslash outside quotes escapes the next character. Nothing is expanded (no $VAR,
// no globs, no pipes): for those, give sh -c '...' as the command.
func SplitCommand(line string) ([]string, error) {
	var words []string
	var w strings.Builder
	inWord := false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n':
			if inWord {
				words = append(words, w.String())
				w.Reset()
				inWord = false
			}
		case c == '\'':
			j := strings.IndexByte(line[i+1:], '\'')
			if j < 0 {
				return nil, errors.New("the command has an unterminated ' quote")
			}
			w.WriteString(line[i+1 : i+1+j])
			i += j + 1
			inWord = true
		case c == '"':
			i++
			for ; i < len(line) && line[i] != '"'; i++ {
				if line[i] == '\\' && i+1 < len(line) && strings.IndexByte("\"\\$`", line[i+1]) >= 0 {
					i++
				}
				w.WriteByte(line[i])
			}
			if i >= len(line) {
				return nil, errors.New("the command has an unterminated \" quote")
			}
			inWord = true
		case c == '\\':
			if i+1 >= len(line) {
				return nil, errors.New("the command ends with a backslash")
			}
			i++
			w.WriteByte(line[i])
			inWord = true
		default:
			w.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, w.String())
	}
	if len(words) == 0 {
		return nil, errors.New("the command is empty")
	}
	return words, nil
}

// Flag is the flag.Value of a driver name: --driver of every command, and its
// environment variable, are parsed here and nowhere else.
type Flag struct{ Choice *Choice }

// String is the driver's name; "wire" for the zero Choice.
func (f Flag) String() string {
	if f.Choice == nil {
		return NameWire
	}
	return f.Choice.String()
}

// Set parses name (Parse).
func (f Flag) Set(name string) error {
	c, err := Parse(name)
	if err != nil {
		return err
	}
	*f.Choice = c
	return nil
}
