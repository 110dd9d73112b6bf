package report

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"runtime/debug"
	"sort"
	"time"

	"github.com/ciam-harness/listjobs/result"
)

// Manifest says what ran, against what, and when: enough to tell two runs apart and to
// repeat one.
type Manifest struct {
	Harness Harness `json:"harness"`
	// Features and Schemas are the digests of the embedded feature files and JSON
	// Schemas; Contract is the SHA-256 of the embedded CONTRACT.md.
	Features Digest `json:"features"`
	Schemas  Digest `json:"schemas"`
	Contract string `json:"contractSha256,omitempty"`

	Endpoint         string `json:"endpoint"`
	EmbeddedEmulator bool   `json:"embeddedEmulator"`
	// Driver sent the requests ("wire" or "sdk"); SDK names the SDK module and version
	// under test with the sdk driver.
	Driver string `json:"driver,omitempty"`
	SDK    string `json:"sdk,omitempty"`
	Region string `json:"region"`
	Tags   string `json:"tags"`
	Shard  string `json:"shard,omitempty"` // "2/4"
	// Seed of the scenario order; 0 when not shuffled.
	Seed int64 `json:"seed"`
	// Start and Duration of the run.
	Start    time.Time     `json:"start"`
	Duration time.Duration `json:"-"`

	// KnownFailures describes the known-failure ledger of the run, if any.
	KnownFailures *LedgerInfo `json:"knownFailures,omitempty"`

	ExitCode int    `json:"exitCode"`
	Verdict  string `json:"verdict"`
	// Outcome and RowsNotChecked are the verdict as values, for the programs that read
	// a manifest (conformance matrix): Verdict is their words.
	Outcome        result.Outcome        `json:"outcome"`
	RowsNotChecked []string              `json:"rowsNotChecked,omitempty"`
	Counts         map[result.Status]int `json:"scenarios"`
	// Reports are the files of the run (the manifest beside them).
	Reports []string `json:"reports"`
}

// LedgerInfo identifies a known-failure ledger.
type LedgerInfo struct {
	Path    string `json:"path"`
	SHA256  string `json:"sha256"`
	Target  string `json:"target,omitempty"`
	Entries int    `json:"entries"`
	// Notes are the ledger's deprecation notes: entries that name a scenario by its name
	// rather than by its id (see package ledger).
	Notes []string `json:"notes,omitempty"`
}

// Harness identifies the build of the harness.
type Harness struct {
	Module  string `json:"module"`
	Version string `json:"version"` // the module version, "(devel)" for a build from a checkout
	// Commit is the VCS revision the binary was built from, "unknown" when the build
	// does not say (go test, go run without VCS information).
	Commit     string `json:"commit"`
	CommitTime string `json:"commitTime,omitempty"`
	Modified   bool   `json:"modified"` // built from a work tree with uncommitted changes
	Go         string `json:"go"`
}

// Unknown stands for what the build information does not say.
const Unknown = "unknown"

// stampedCommit is the commit given at link time, for builds that carry no VCS
// information (go run, go test): the Makefile links every binary it builds or runs with
// -ldflags "-X github.com/ciam-harness/listjobs/report.stampedCommit=$(git rev-parse HEAD)".
var stampedCommit string

// HarnessOf reads the harness identity from build information (debug.ReadBuildInfo);
// nil gives "unknown" everywhere.
func HarnessOf(info *debug.BuildInfo) Harness {
	h := Harness{Module: Unknown, Version: Unknown, Commit: Unknown, Go: Unknown}
	if stampedCommit != "" {
		h.Commit = stampedCommit
	}
	if info == nil {
		return h
	}
	h.Go = info.GoVersion
	if info.Main.Path != "" {
		h.Module = info.Main.Path
	}
	if info.Main.Version != "" {
		h.Version = info.Main.Version
	}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			if s.Value != "" {
				h.Commit = s.Value
			}
		case "vcs.time":
			h.CommitTime = s.Value
		case "vcs.modified":
			h.Modified = s.Value == "true"
		}
	}
	return h
}

// String is the harness identity on one line: "module version, commit C (modified), go1.26".
func (h Harness) String() string {
	s := fmt.Sprintf("%s %s, commit %s", h.Module, h.Version, h.Commit)
	if h.Modified {
		s += " (modified)"
	}
	return s + ", " + h.Go
}

// BuildHarness is HarnessOf the running binary.
func BuildHarness() Harness {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return HarnessOf(nil)
	}
	return HarnessOf(info)
}

// Digest is the SHA-256 of every file of a set, and of the set: the SHA-256 of the
// lines "<file sha256>  <name>\n" in name order (the format of sha256sum).
type Digest struct {
	SHA256 string            `json:"sha256"`
	Files  map[string]string `json:"files"`
}

// DigestFS hashes the regular files of fsys that match pattern (path.Match syntax,
// e.g. "*.feature"), at any depth.
func DigestFS(fsys fs.FS, pattern string) (Digest, error) {
	d := Digest{Files: map[string]string{}}
	err := fs.WalkDir(fsys, ".", func(name string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() {
			return nil
		}
		if ok, err := path.Match(pattern, e.Name()); err != nil || !ok {
			return err
		}
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		d.Files[name] = SHA256(b)
		return nil
	})
	if err != nil {
		return Digest{}, fmt.Errorf("report: hashing files: %v", err)
	}
	names := make([]string, 0, len(d.Files))
	for n := range d.Files {
		names = append(names, n)
	}
	sort.Strings(names)
	h := sha256.New()
	for _, n := range names {
		fmt.Fprintf(h, "%s  %s\n", d.Files[n], n)
	}
	d.SHA256 = hex.EncodeToString(h.Sum(nil))
	return d, nil
}

// SHA256 is the hex SHA-256 of b.
func SHA256(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// ManifestJSON renders the manifest, indented, with the duration in seconds and as text.
func ManifestJSON(m Manifest) ([]byte, error) {
	type alias Manifest
	doc := struct {
		alias
		Start           string  `json:"start"`
		DurationSeconds float64 `json:"durationSeconds"`
		Duration        string  `json:"duration"`
	}{
		alias:           alias(m),
		Start:           m.Start.UTC().Format(time.RFC3339Nano),
		DurationSeconds: m.Duration.Seconds(),
		Duration:        m.Duration.Round(time.Millisecond).String(),
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("report: manifest: %v", err)
	}
	return append(b, '\n'), nil
}
