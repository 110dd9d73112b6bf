package contract

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ciam-harness/listjobs/features"
)

// TestFeaturesCoverContract keeps the real scenarios in step with CONTRACT.md: every row
// has a scenario, the tags follow the contract's rules, every produced error code is
// expected, and the fault-injection outline covers the ListJobs error table.
func TestFeaturesCoverContract(t *testing.T) {
	require.NoError(t, CheckCoverage(features.FS))
}
