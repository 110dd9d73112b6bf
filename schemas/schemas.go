// Package schemas holds the draft-07 JSON Schemas of ListJobs: the success and error
// responses, the Job object and its nested elements, and the request body the harness
// sends. They are embedded, compiled once by Compile and shared read-only.
package schemas

import (
	"embed"
	"fmt"
	"net/http"
	"sort"

	"github.com/xeipuuv/gojsonschema"
)

// FS holds the schema files; they refer to each other by relative $ref.
//
//go:embed *.json
var FS embed.FS

// Names of the schemas, as file names in FS.
const (
	SuccessResponse = "success-response.json" // T6, T8, S5 and the Job rows through job.json
	ErrorResponse   = "error-response.json"   // T7, T8
	Job             = "job.json"              // J1-J9
	ErrorDetails    = "error-details.json"    // J7 element
	FailedUsers     = "failed-users.json"     // J8 element
	Request         = "request.json"          // the body of an ordinary ListJobs POST
)

// Names lists every schema of FS.
var names = []string{SuccessResponse, ErrorResponse, Job, ErrorDetails, FailedUsers, Request}

// Set is the compiled schemas. It is immutable and safe for concurrent use.
type Set struct {
	compiled map[string]*gojsonschema.Schema
}

// Compile loads and compiles every schema of FS once.
func Compile() (*Set, error) {
	s := &Set{compiled: make(map[string]*gojsonschema.Schema, len(names))}
	fsys := http.FS(FS)
	for _, name := range names {
		// A file URL lets relative $ref ("job.json") resolve inside FS.
		schema, err := gojsonschema.NewSchema(gojsonschema.NewReferenceLoaderFileSystem("file:///"+name, fsys))
		if err != nil {
			return nil, fmt.Errorf("schemas: compiling %s: %w", name, err)
		}
		s.compiled[name] = schema
	}
	return s, nil
}

// Violation is one way a document breaks a schema.
type Violation struct {
	Field       string // gojsonschema's dotted path, e.g. "Response.JobSet.3.CreatedDate"; "(root)" for the document
	Type        string // the rule, e.g. "required", "enum", "invalid_type"
	Description string // gojsonschema's sentence
}

func (v Violation) String() string {
	return v.Field + ": " + v.Description
}

// Validate checks doc against the named schema. It returns the violations sorted by
// field then type (gojsonschema's order is not stable), or an error when doc is not
// JSON or the schema is unknown.
func (s *Set) Validate(name string, doc []byte) ([]Violation, error) {
	schema, ok := s.compiled[name]
	if !ok {
		return nil, fmt.Errorf("schemas: no schema %q", name)
	}
	res, err := schema.Validate(gojsonschema.NewBytesLoader(doc))
	if err != nil {
		return nil, fmt.Errorf("schemas: %s: document is not JSON: %w", name, err)
	}
	return violations(res), nil
}

// violations lists a result's errors sorted by field, type and description.
func violations(res *gojsonschema.Result) []Violation {
	var out []Violation
	for _, e := range res.Errors() {
		out = append(out, Violation{Field: e.Field(), Type: e.Type(), Description: e.Description()})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Field != out[j].Field {
			return out[i].Field < out[j].Field
		}
		if out[i].Type != out[j].Type {
			return out[i].Type < out[j].Type
		}
		return out[i].Description < out[j].Description
	})
	return out
}
