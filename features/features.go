// Package features holds the Gherkin specification of ListJobs, one file per area,
// embedded so the conformance binary carries it.
package features

import "embed"

// FS holds every *.feature file of this folder.
//
//go:embed *.feature
var FS embed.FS
