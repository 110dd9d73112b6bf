package suitelist

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/ciam-harness/listjobs/contract"
	"github.com/ciam-harness/listjobs/plan"
	"github.com/ciam-harness/listjobs/vocab"
)

// Update brings the features folder dir up to date: every scenario without an @id: tag
// gets one (AddIDs), then the golden list dir/suite.tsv is written again, the since of
// every id it held kept, today that of a new one. It writes only the files that change,
// and says what it did in one line.
func Update(dir, today string) (string, error) {
	p, err := plan.Build(os.DirFS(dir)) // refuses malformed or shared ids before any write
	if err != nil {
		return "", err
	}
	taken := map[string]bool{}
	for _, sc := range p.Scenarios {
		if sc.ID != "" {
			id, _, _ := strings.Cut(sc.ID, "/")
			taken[id] = true
		}
	}
	files, err := fs.Glob(os.DirFS(dir), "*.feature")
	if err != nil {
		return "", err
	}
	var added []string
	for _, f := range files {
		path := filepath.Join(dir, f)
		src, err := os.ReadFile(path)
		if err != nil {
			return "", err
		}
		out, ids, err := AddIDs(f, src, taken)
		if err != nil {
			return "", err
		}
		if len(ids) > 0 {
			if err := writeFile(path, out); err != nil {
				return "", err
			}
			added = append(added, ids...)
		}
	}
	if len(added) > 0 {
		if p, err = plan.Build(os.DirFS(dir)); err != nil {
			return "", fmt.Errorf("the ids added leave the features broken (a bug of AddIDs): %v", err)
		}
	}
	c, err := contract.Load()
	if err != nil {
		return "", err
	}
	listPath := filepath.Join(dir, File)
	old, err := os.ReadFile(listPath)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	list, err := Generate(p, c, old, today)
	if err != nil {
		return "", err
	}
	msg := fmt.Sprintf("%s: %d scenarios, unchanged", listPath, len(p.Scenarios))
	if !bytes.Equal(list, old) {
		if err := writeFile(listPath, list); err != nil {
			return "", err
		}
		msg = fmt.Sprintf("%s: %d scenarios, written", listPath, len(p.Scenarios))
	}
	if len(added) > 0 {
		slices.SortFunc(added, compareIDs)
		msg += fmt.Sprintf("; %d new ids tagged: %s", len(added), vocab.TagIDPrefix+added[0])
		if len(added) > 1 {
			msg += fmt.Sprintf(" ... %s%s", vocab.TagIDPrefix, added[len(added)-1])
		}
	}
	return msg, nil
}

// writeFile replaces the file at path, keeping its mode (0o644 for a new one).
func writeFile(path string, data []byte) error {
	mode := fs.FileMode(0o644)
	if st, err := os.Stat(path); err == nil {
		mode = st.Mode().Perm()
	}
	return os.WriteFile(path, data, mode)
}
