package report

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/ciam-harness/listjobs/result"
)

// CucumberFile is the Cucumber JSON report.
const CucumberFile = "cucumber.json"

// KnownFailureTag marks, in the Cucumber JSON report, a scenario that the known-failure
// ledger lists.
const KnownFailureTag = "@known-failure"

// Cucumber renders the run in the Cucumber JSON format (cucumber-jvm's, which the
// Cucumber dashboards read): an array of features, one per feature file, whose elements
// are the scenarios, each with its steps and their results (passed, failed, skipped,
// undefined, pending; durations in nanoseconds). The attachments of a failing scenario
// are embeddings of its failing step (base64 text/plain).
//
// The steps keep their real status. A known failure has its failing step failed, like
// any failure, and says it is known: its element carries the tag @known-failure and
// its description is "known failure: LEDGER REASON". A scenario the run skipped says
// why in its description ("skipped: REASON"). A failure that no step shows (an After
// hook's, a scenario that did not get to run) is the result of an "after" hook of its
// element.
func Cucumber(run Run) ([]byte, error) {
	features := []cukeFeature{}
	for _, feature := range featureOrder(run.Scenarios) {
		f := cukeFeature{URI: feature, ID: cukeID(feature), Keyword: "Feature", Name: feature, Line: 1, Elements: []cukeElement{}}
		for _, s := range run.Scenarios {
			if s.Feature == feature {
				f.Elements = append(f.Elements, cukeElementOf(f.ID, s))
			}
		}
		features = append(features, f)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(features); err != nil {
		return nil, fmt.Errorf("report: cucumber: %v", err)
	}
	return buf.Bytes(), nil
}

func cukeElementOf(featureID string, s result.Scenario) cukeElement {
	e := cukeElement{ID: featureID + ";" + cukeID(s.Name) + ";" + strconv.FormatInt(s.Line, 10), Keyword: "Scenario", Name: s.Name,
		Line: s.Line, Type: "scenario", Tags: []cukeTag{}, Steps: []cukeStep{}}
	for _, t := range s.Tags {
		e.Tags = append(e.Tags, cukeTag{Name: t})
	}
	switch s.Status {
	case result.KnownFailure:
		e.Tags = append(e.Tags, cukeTag{Name: KnownFailureTag})
		e.Description = "known failure: " + s.Reason
	case result.Skipped:
		if s.Reason != "" {
			e.Description = "skipped: " + s.Reason
		}
	}
	shown := false // a step shows the failure
	for _, st := range s.Steps {
		cs := cukeStep{Keyword: st.Keyword, Name: st.Text, Line: st.Line, Match: cukeMatch{Location: s.Feature + ":" + strconv.FormatInt(st.Line, 10)},
			Result: cukeResult{Status: string(st.Status), Duration: st.Duration.Nanoseconds(), ErrorMessage: st.Error}}
		if st.Status.Failing() && !shown {
			shown = true
			if cs.Result.ErrorMessage == "" {
				cs.Result.ErrorMessage = s.Error
			}
			cs.Embeddings = cukeEmbeddings(s)
		}
		e.Steps = append(e.Steps, cs)
	}
	if (s.Status.Failing() || s.Status == result.KnownFailure) && !shown {
		status := string(s.Status)
		if s.Status == result.KnownFailure {
			status = string(result.Failed)
		}
		e.After = []cukeHook{{Match: cukeMatch{Location: "harness"}, Result: cukeResult{Status: status, ErrorMessage: s.Error}, Embeddings: cukeEmbeddings(s)}}
	}
	return e
}

func cukeEmbeddings(s result.Scenario) []cukeEmbedding {
	var out []cukeEmbedding
	for _, a := range s.Attachments {
		out = append(out, cukeEmbedding{Name: a.Name, MimeType: "text/plain", Data: base64.StdEncoding.EncodeToString([]byte(a.Body))})
	}
	return out
}

var cukeIDRe = regexp.MustCompile(`[^a-z0-9]+`)

// cukeID is an id as Cucumber makes them: lower case, words joined by '-'.
func cukeID(s string) string {
	return strings.Trim(cukeIDRe.ReplaceAllString(strings.ToLower(s), "-"), "-")
}

type cukeFeature struct {
	URI         string        `json:"uri"`
	ID          string        `json:"id"`
	Keyword     string        `json:"keyword"`
	Name        string        `json:"name"`
	Description string        `json:"description"`
	Line        int64         `json:"line"`
	Elements    []cukeElement `json:"elements"`
}

type cukeElement struct {
	ID          string     `json:"id"`
	Keyword     string     `json:"keyword"`
	Name        string     `json:"name"`
	Description string     `json:"description"`
	Line        int64      `json:"line"`
	Type        string     `json:"type"`
	Tags        []cukeTag  `json:"tags"`
	Steps       []cukeStep `json:"steps"`
	After       []cukeHook `json:"after,omitempty"`
}

type cukeTag struct {
	Name string `json:"name"`
}

type cukeStep struct {
	Keyword    string          `json:"keyword"`
	Name       string          `json:"name"`
	Line       int64           `json:"line"`
	Match      cukeMatch       `json:"match"`
	Result     cukeResult      `json:"result"`
	Embeddings []cukeEmbedding `json:"embeddings,omitempty"`
}

type cukeHook struct {
	Match      cukeMatch       `json:"match"`
	Result     cukeResult      `json:"result"`
	Embeddings []cukeEmbedding `json:"embeddings,omitempty"`
}

type cukeMatch struct {
	Location string `json:"location"`
}

type cukeResult struct {
	Status       string `json:"status"`
	Duration     int64  `json:"duration,omitempty"`
	ErrorMessage string `json:"error_message,omitempty"`
}

type cukeEmbedding struct {
	Name     string `json:"name,omitempty"`
	MimeType string `json:"mime_type"`
	Data     string `json:"data"`
}
