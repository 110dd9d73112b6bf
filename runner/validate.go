package runner

import (
	"fmt"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/cucumber/godog/formatters"

	reportpkg "github.com/ciam-harness/listjobs/report"
	"github.com/ciam-harness/listjobs/vocab"
)

// tagTermRe is one term of a godog tag filter: @tag or ~@tag. Gherkin tags hold no
// spaces; '@', ',', '&', '~', '|', '!' and brackets would be read as operators (or
// not at all) by godog, so they are refused inside a name.
var tagTermRe = regexp.MustCompile(`^~?@[^\s@,&~|!()]+$`)

const tagHelp = "godog tag filters use ',' for OR, '&&' for AND and '~' for NOT, no words and no brackets; every term is @tag or ~@tag, e.g. '@S1,@S2', '@R1&&~@slow', '~@assumed'"

// ValidateTags checks a godog tag filter. godog reads anything: `not @slow` or
// `@a and @b` silently select nothing, and an empty term (leading, trailing or double
// comma, dangling &&) panics; so only filters godog reads as written pass.
func ValidateTags(filter string) error {
	if strings.TrimSpace(filter) == "" {
		if filter != "" {
			return fmt.Errorf("--tags %q is blank: leave it unset to run every scenario", filter)
		}
		return nil
	}
	for _, alt := range strings.Split(filter, ",") {
		if strings.TrimSpace(alt) == "" {
			return fmt.Errorf("--tags %q has an empty alternative (leading, trailing or double ','): %s", filter, tagHelp)
		}
		for _, term := range strings.Split(alt, "&&") {
			term = strings.TrimSpace(term)
			switch {
			case term == "":
				return fmt.Errorf("--tags %q has an empty term around '&&': %s", filter, tagHelp)
			case !tagTermRe.MatchString(term):
				return fmt.Errorf("--tags %q: %q is not @tag or ~@tag: %s", filter, term, tagHelp)
			}
		}
	}
	return nil
}

// excludes tells whether the tag filter (valid: ValidateTags) leaves out every scenario
// that carries tag: each of its alternatives holds ~tag.
func excludes(filter, tag string) bool {
	if strings.TrimSpace(filter) == "" {
		return false
	}
	for _, alt := range strings.Split(filter, ",") {
		if !slices.ContainsFunc(strings.Split(alt, "&&"), func(term string) bool { return strings.TrimSpace(term) == "~"+tag }) {
			return false
		}
	}
	return true
}

// report is one godog formatter and where it writes: path "" is stdout.
type report struct {
	name, path string
}

// defaultReportFile names the file a formatter writes into the output folder when the
// user gives no path; the formatters missing here write to stdout.
func defaultReportFile(name string) string {
	switch name {
	case "pretty", "progress":
		return ""
	case "events":
		return "events.ndjson"
	default:
		return name + ".out"
	}
}

// harnessFormats are godog's formatters that --format refuses: the harness writes
// junit.xml and cucumber.json itself (package report, --reports), from its own results,
// where godog's would show a skip as an error and a known failure as a failure.
var harnessFormats = []string{"junit", "cucumber"}

// parseFormats reads --format: comma-separated godog formatter names, each optionally
// name:path. Unknown names, junit and cucumber (reports of the harness, see --reports),
// empty entries, two formatters on stdout or on one file, and a file of the harness's
// reports in outDir are errors.
func parseFormats(spec, outDir string) ([]report, error) {
	known := formatters.AvailableFormatters()
	var names []string
	for n := range known {
		if !slices.Contains(harnessFormats, n) {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	if strings.TrimSpace(spec) == "" {
		return nil, fmt.Errorf("--format is empty: give one or more of %s, comma-separated", strings.Join(names, ", "))
	}
	var out []report
	stdout := ""
	files := map[string]string{}
	for _, item := range strings.Split(spec, ",") {
		item = strings.TrimSpace(item)
		name, path, hasPath := strings.Cut(item, ":")
		name = strings.TrimSpace(name)
		if slices.Contains(harnessFormats, name) {
			return nil, fmt.Errorf("--format %q: %s is no longer a godog formatter: the harness writes %s into --out itself, skips and known failures shown as such (--reports, default all); drop it from --format", spec, name, reportpkg.FileName(name))
		}
		if _, ok := known[name]; !ok {
			return nil, fmt.Errorf("--format %q: unknown formatter %q: use %s, comma-separated, each optionally name:path", spec, name, strings.Join(names, ", "))
		}
		path, err := formatPath(spec, item, name, path, hasPath, outDir)
		if err != nil {
			return nil, err
		}
		if path == "" {
			if stdout != "" {
				return nil, fmt.Errorf("--format %q: %s and %s would both write to stdout: keep one, or give one a file (name:path)", spec, stdout, name)
			}
			stdout = name
		} else {
			clean := filepath.Clean(path)
			if outDir != "" && filepath.Dir(clean) == filepath.Clean(outDir) && slices.Contains(reportFiles(), filepath.Base(clean)) {
				return nil, fmt.Errorf("--format %q: %s would write %s, a report of the harness (see --reports): give it another file", spec, name, clean)
			}
			if other, dup := files[clean]; dup {
				return nil, fmt.Errorf("--format %q: %s and %s would both write %s", spec, other, name, clean)
			}
			files[clean] = name
			path = clean
		}
		out = append(out, report{name: name, path: path})
	}
	return out, nil
}

// formatPath is the file a formatter of --format writes: the path it names, its default
// file in outDir, or "" for stdout.
func formatPath(spec, item, name, path string, hasPath bool, outDir string) (string, error) {
	switch {
	case hasPath && strings.TrimSpace(path) == "":
		return "", fmt.Errorf("--format %q: %q has an empty path", spec, item)
	case hasPath:
		return strings.TrimSpace(path), nil
	}
	if f := defaultReportFile(name); f != "" {
		if strings.TrimSpace(outDir) == "" {
			return "", fmt.Errorf("--out is empty: %s needs a folder for %s (or give %s:path)", name, f, name)
		}
		return filepath.Join(outDir, f), nil
	}
	return "", nil
}

// reportFiles are the file names of the harness's reports (package report).
func reportFiles() []string {
	var out []string
	for _, k := range reportpkg.Kinds {
		out = append(out, reportpkg.FileName(k))
	}
	return out
}

// godogFormat is the Options.Format string godog expects.
func godogFormat(reports []report) string {
	parts := make([]string, len(reports))
	for i, r := range reports {
		parts[i] = r.name
		if r.path != "" {
			parts[i] += ":" + r.path
		}
	}
	return strings.Join(parts, ",")
}

// parseEndpoint checks that an endpoint is an http(s) base URL without path, query,
// fragment or user info, and returns it without a trailing slash.
func parseEndpoint(endpoint string) (string, error) {
	u, err := url.Parse(endpoint)
	const want = "want http(s)://host[:port], e.g. https://" + vocab.DefaultHost + " or http://127.0.0.1:9000"
	switch {
	case err != nil || (u.Scheme != "http" && u.Scheme != "https"):
		return "", fmt.Errorf("--endpoint %q is not an http(s) URL: %s", endpoint, want)
	case u.Host == "" || u.Hostname() == "":
		return "", fmt.Errorf("--endpoint %q has no host: %s", endpoint, want)
	case u.User != nil:
		return "", fmt.Errorf("--endpoint must not carry user info: %s (credentials come from %s/%s)", want, EnvSecretID, EnvSecretKey)
	case (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "":
		return "", fmt.Errorf("--endpoint %q has a path, query or fragment: ListJobs is served at /; %s", endpoint, want)
	}
	return u.Scheme + "://" + u.Host, nil
}
