package plan

import (
	"testing"

	"github.com/cucumber/godog"
	"github.com/stretchr/testify/require"

	"github.com/ciam-harness/listjobs/features"
)

// The plan holds exactly godog's scenarios, in godog's order, at the same lines.
func TestBuildMatchesGodog(t *testing.T) {
	p, err := Build(features.FS)
	require.NoError(t, err)
	suite := godog.TestSuite{Options: &godog.Options{FS: features.FS, Paths: []string{"."}}}
	feats, err := suite.RetrieveFeatures()
	require.NoError(t, err)
	var want []string
	for _, ft := range feats {
		for _, pk := range ft.Pickles {
			want = append(want, pk.Uri+"\x00"+pk.Name)
		}
	}
	var got []string
	for _, sc := range p.Scenarios {
		got = append(got, sc.Feature+"\x00"+sc.Name)
		require.NotZero(t, sc.Line, sc.Name)
		require.NotEmpty(t, sc.Steps, sc.Name)
		require.GreaterOrEqual(t, sc.Shard(4), 1)
	}
	require.Equal(t, want, got)
}
