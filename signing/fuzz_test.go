package signing_test

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciam-harness/listjobs/signing"
)

// FuzzParseAuthorization: ParseAuthorization never panics, every error wraps
// ErrMalformedAuthorization, and a parsed value survives String() and a second parse
// unchanged. The seed corpus is in testdata/fuzz/FuzzParseAuthorization.
func FuzzParseAuthorization(f *testing.F) {
	f.Fuzz(func(t *testing.T, h string) {
		a, err := signing.ParseAuthorization(h)
		if err != nil {
			if !errors.Is(err, signing.ErrMalformedAuthorization) {
				t.Fatalf("error does not wrap ErrMalformedAuthorization: %v", err)
			}
			return
		}
		s := a.String()
		again, err := signing.ParseAuthorization(s)
		if err != nil {
			t.Fatalf("String() of a parsed value does not parse: %q: %v", s, err)
		}
		if again.String() != s || again.SecretID != a.SecretID || again.Date != a.Date ||
			again.Service != a.Service || again.Signature != a.Signature || len(again.SignedHeaders) != len(a.SignedHeaders) {
			t.Fatalf("round trip changed the value: %q -> %+v -> %+v", h, a, again)
		}
		for i := range a.SignedHeaders {
			if again.SignedHeaders[i] != a.SignedHeaders[i] {
				t.Fatalf("round trip changed SignedHeaders: %v -> %v", a.SignedHeaders, again.SignedHeaders)
			}
		}
	})
}

// TestFuzzCorpus keeps the committed seed corpus meaningful: files named valid-* parse,
// files named malformed-* are rejected, and every malformed case of the table test has
// its seed.
func TestFuzzCorpus(t *testing.T) {
	dir := filepath.Join("testdata", "fuzz", "FuzzParseAuthorization")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	seen := map[string]bool{}
	for _, e := range entries {
		raw, err := os.ReadFile(filepath.Join(dir, e.Name()))
		require.NoError(t, err)
		lines := strings.Split(strings.TrimSuffix(string(raw), "\n"), "\n")
		require.Len(t, lines, 2, e.Name())
		require.Equal(t, "go test fuzz v1", lines[0], e.Name())
		require.True(t, strings.HasPrefix(lines[1], "string(") && strings.HasSuffix(lines[1], ")"), e.Name())
		h, err := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(lines[1], "string("), ")"))
		require.NoError(t, err, e.Name())
		seen[h] = true
		_, err = signing.ParseAuthorization(h)
		switch {
		case strings.HasPrefix(e.Name(), "valid-"):
			assert.NoError(t, err, e.Name())
		case strings.HasPrefix(e.Name(), "malformed-"):
			assert.Error(t, err, e.Name())
		default:
			t.Errorf("seed %s is named neither valid-* nor malformed-*", e.Name())
		}
	}
	for name, h := range malformedAuthorizations {
		assert.True(t, seen[h], "malformed case %q has a seed", name)
	}
	assert.True(t, seen[docAuthorization], "the doc example is a seed")
}
