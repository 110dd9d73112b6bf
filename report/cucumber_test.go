package report

import (
	"encoding/base64"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type cukeDoc []struct {
	URI      string `json:"uri"`
	ID       string `json:"id"`
	Keyword  string `json:"keyword"`
	Name     string `json:"name"`
	Elements []struct {
		ID          string `json:"id"`
		Keyword     string `json:"keyword"`
		Name        string `json:"name"`
		Description string `json:"description"`
		Line        int64  `json:"line"`
		Type        string `json:"type"`
		Tags        []struct {
			Name string `json:"name"`
		} `json:"tags"`
		Steps []struct {
			Keyword string `json:"keyword"`
			Name    string `json:"name"`
			Line    int64  `json:"line"`
			Result  struct {
				Status       string `json:"status"`
				Duration     int64  `json:"duration"`
				ErrorMessage string `json:"error_message"`
			} `json:"result"`
			Embeddings []struct {
				Name     string `json:"name"`
				MimeType string `json:"mime_type"`
				Data     string `json:"data"`
			} `json:"embeddings"`
		} `json:"steps"`
		After []struct {
			Result struct {
				Status       string `json:"status"`
				ErrorMessage string `json:"error_message"`
			} `json:"result"`
		} `json:"after"`
	} `json:"elements"`
}

func TestCucumber(t *testing.T) {
	b, err := Cucumber(sampleRun())
	require.NoError(t, err)
	var doc cukeDoc
	require.NoError(t, json.Unmarshal(b, &doc), string(b))
	var uris []string
	n := 0
	for _, f := range doc {
		uris = append(uris, f.URI)
		assert.Equal(t, "Feature", f.Keyword)
		n += len(f.Elements)
	}
	assert.Equal(t, []string{"envelope.feature", "filtering.feature", "job.feature", "parameters.feature", "extra.feature"}, uris)
	assert.Equal(t, 6, n, "one element per scenario")

	failed := doc[1].Elements[0]
	assert.Equal(t, []any{"filter <by> two | ids", int64(9), "scenario", "Scenario", "filtering-feature;filter-by-two-ids;9"},
		[]any{failed.Name, failed.Line, failed.Type, failed.Keyword, failed.ID})
	require.Len(t, failed.Steps, 4)
	var got []string
	for _, st := range failed.Steps {
		got = append(got, st.Keyword+st.Name+" "+st.Result.Status)
	}
	assert.Equal(t, []string{"Given a user store with jobs passed", "When I list the jobs filtered by two ids passed",
		"Then the returned Ids are exactly known jobs 1 and 2 failed", "And the response is valid skipped"}, got)
	assert.Equal(t, int64(900_000_000), failed.Steps[1].Result.Duration, "nanoseconds")
	assert.Equal(t, int64(11), failed.Steps[1].Line)
	step := failed.Steps[2]
	assert.Contains(t, step.Result.ErrorMessage, "want 2 <script>")
	require.Len(t, step.Embeddings, 3, "the attachments, on the failing step")
	assert.Equal(t, "response.txt", step.Embeddings[1].Name)
	assert.Equal(t, "text/plain", step.Embeddings[1].MimeType)
	body, err := base64.StdEncoding.DecodeString(step.Embeddings[1].Data)
	require.NoError(t, err)
	assert.Equal(t, `HTTP 200`+"\n\n"+`{"Response":{"JobSet":[]}}`, string(body))
	assert.Empty(t, failed.After)

	known := doc[2].Elements[0]
	assert.Equal(t, "known failure: VX-9: seconds", known.Description)
	assert.Equal(t, []struct {
		Name string `json:"name"`
	}{{"@J4"}, {"@id:J4-createddate"}, {KnownFailureTag}}, known.Tags, "the tags kept, the case id's among them")
	assert.Equal(t, "failed", known.Steps[0].Result.Status, "a known failure keeps its real step status")

	skipped := doc[3].Elements[0]
	assert.Equal(t, "skipped: sends another action", skipped.Description)

	// A failure no step shows (here: no step recorded) is an after hook's result.
	undef := doc[4].Elements[0]
	assert.Empty(t, undef.Steps)
	require.Len(t, undef.After, 1)
	assert.Equal(t, "undefined", undef.After[0].Result.Status)
	assert.Equal(t, "undefined step", undef.After[0].Result.ErrorMessage)
	assert.Contains(t, string(b), "<script>", "JSON is not HTML: no \\u003c escapes")
}

func TestCucumberEmptyRun(t *testing.T) {
	b, err := Cucumber(Run{})
	require.NoError(t, err)
	assert.Equal(t, "[]\n", string(b))
}
