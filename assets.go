// Package listjobs ships the data files the harness and the emulator need at run time,
// embedded so a built binary stands alone: the contract, the default fixture and the
// ListJobs error-code table.
package listjobs

import _ "embed"

// Contract is CONTRACT.md: the numbered behaviours the suite asserts.
//
//go:embed CONTRACT.md
var Contract []byte

// DefaultFixture is testdata/fixture.json, the data of the embedded emulator.
//
//go:embed testdata/fixture.json
var DefaultFixture []byte

// ScaleFixture is testdata/fixture-scale.json: the user store of the @scale scenarios,
// which the runner adds to DefaultFixture only when they run (100,000 generated jobs).
//
//go:embed testdata/fixture-scale.json
var ScaleFixture []byte

// ErrorCodes is testdata/listjobs-error-codes.json, the error-code table of the ListJobs page.
//
//go:embed testdata/listjobs-error-codes.json
var ErrorCodes []byte
