package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciam-harness/listjobs/mutants"
)

// TestListShowsClasses: --list gives each mutant's class of break after its row.
func TestListShowsClasses(t *testing.T) {
	var out, errOut bytes.Buffer
	require.Equal(t, 0, run(context.Background(), []string{"--list"}, &out, &errOut, unused))
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	cat := mutants.Catalogue()
	require.Len(t, lines, len(cat))
	for i, m := range cat {
		require.NotEmpty(t, m.Class, m.Name)
		assert.Equal(t, []string{m.Name, m.Row, string(m.Class)}, strings.Fields(lines[i])[:3], m.Name)
	}
}
