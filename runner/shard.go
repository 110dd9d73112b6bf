package runner

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cucumber/godog"
	messages "github.com/cucumber/messages/go/v34"
)

// shard is one part of the suite for a CI matrix: K of N.
type shard struct {
	k, n int
}

// maxShards bounds N: more shards than scenarios only makes empty jobs.
const maxShards = 1000

// parseShard reads "K/N" (1 <= K <= N <= 1000); "" is the whole suite (1/1).
func parseShard(s string) (shard, error) {
	if s == "" {
		return shard{1, 1}, nil
	}
	ks, ns, ok := strings.Cut(strings.TrimSpace(s), "/")
	k, errK := strconv.Atoi(strings.TrimSpace(ks))
	n, errN := strconv.Atoi(strings.TrimSpace(ns))
	switch {
	case !ok || errK != nil || errN != nil:
		return shard{}, usageError("--shard %q: want K/N, e.g. 2/4 (the second of four shards)", s)
	case n < 1 || n > maxShards:
		return shard{}, usageError("--shard %q: want 1 to %d shards", s, maxShards)
	case k < 1 || k > n:
		return shard{}, usageError("--shard %q: want K from 1 to %d", s, n)
	}
	return shard{k, n}, nil
}

func (s shard) whole() bool    { return s.n == 1 }
func (s shard) String() string { return fmt.Sprintf("%d/%d", s.k, s.n) }

// shardOf is the shard (1 to n) of a scenario: a stable hash of its feature file and
// name, so that a scenario stays in its shard whatever else changes in the suite, the
// tag filter or the seed.
func shardOf(feature, name string, n int) int {
	h := sha256.Sum256([]byte(feature + "\x00" + name))
	return int(binary.BigEndian.Uint64(h[:8])%uint64(n)) + 1
}

// holds tells whether the scenario belongs to the shard.
func (s shard) holds(feature, name string) bool {
	return s.whole() || shardOf(feature, name, s.n) == s.k
}

// shardFeatures returns the feature files of paths as godog should see them for the
// shard: every scenario of another shard commented out, line for line, so that godog
// runs and reports exactly the shard's scenarios, each at its own line. A scenario
// outline keeps the example rows of the shard (each row is a scenario of its own).
func shardFeatures(fsys fs.FS, paths []string, sh shard) (fs.FS, error) {
	suite := godog.TestSuite{Options: &godog.Options{FS: fsys, Paths: paths}}
	feats, err := suite.RetrieveFeatures()
	if err != nil {
		return nil, usageError("features: %v", err)
	}
	files := map[string][]byte{}
	for _, ft := range feats {
		src, err := fs.ReadFile(fsys, ft.Uri)
		if err != nil {
			return nil, usageError("features: %v", err)
		}
		drop := map[int64]bool{} // 1-based lines to comment out
		doc := ft.GherkinDocument
		// Where each block of the document starts, to find where a scenario ends.
		var starts []int64
		type sc struct {
			first int64 // its first line: its first tag, or its keyword
			id    string
			rows  map[string]int64 // example row id -> line
		}
		var scenarios []sc
		addScenario := func(s *messages.Scenario) {
			first := s.Location.Line
			for _, t := range s.Tags {
				first = min(first, t.Location.Line)
			}
			starts = append(starts, first)
			rows := map[string]int64{}
			for _, ex := range s.Examples {
				for _, r := range ex.TableBody {
					rows[r.Id] = r.Location.Line
				}
			}
			scenarios = append(scenarios, sc{first: first, id: s.Id, rows: rows})
		}
		for _, child := range doc.Feature.Children {
			switch {
			case child.Background != nil:
				starts = append(starts, child.Background.Location.Line)
			case child.Scenario != nil:
				addScenario(child.Scenario)
			case child.Rule != nil:
				first := child.Rule.Location.Line
				for _, t := range child.Rule.Tags {
					first = min(first, t.Location.Line)
				}
				starts = append(starts, first)
				for _, rc := range child.Rule.Children {
					switch {
					case rc.Background != nil:
						starts = append(starts, rc.Background.Location.Line)
					case rc.Scenario != nil:
						addScenario(rc.Scenario)
					}
				}
			}
		}
		slices.Sort(starts)
		lines := int64(bytes.Count(src, []byte("\n")) + 1)
		for _, s := range scenarios {
			var kept, all int
			keptRows := map[string]bool{}
			for _, p := range ft.Pickles {
				if p.AstNodeIds[0] != s.id {
					continue
				}
				all++
				if sh.holds(p.Uri, p.Name) {
					kept++
					if len(p.AstNodeIds) > 1 {
						keptRows[p.AstNodeIds[1]] = true
					}
				}
			}
			switch {
			case kept == all:
			case kept == 0:
				end := lines
				if i, _ := slices.BinarySearch(starts, s.first+1); i < len(starts) {
					end = starts[i] - 1
				}
				for l := s.first; l <= end; l++ {
					drop[l] = true
				}
			default:
				for id, line := range s.rows {
					if !keptRows[id] {
						drop[line] = true
					}
				}
			}
		}
		if len(drop) > 0 {
			files[ft.Uri] = commentOut(src, drop)
		}
	}
	return overlayFS{base: fsys, files: files}, nil
}

// commentOut prefixes the given 1-based lines with "#".
func commentOut(src []byte, drop map[int64]bool) []byte {
	lines := bytes.SplitAfter(src, []byte("\n"))
	var out bytes.Buffer
	out.Grow(len(src) + len(drop))
	for i, l := range lines {
		if drop[int64(i+1)] {
			out.WriteByte('#')
		}
		out.Write(l)
	}
	return out.Bytes()
}

// overlayFS is base with some files replaced.
type overlayFS struct {
	base  fs.FS
	files map[string][]byte
}

func (o overlayFS) Open(name string) (fs.File, error) {
	if b, ok := o.files[name]; ok {
		return &memFile{name: name, r: bytes.NewReader(b), size: int64(len(b))}, nil
	}
	return o.base.Open(name)
}

// memFile is a read-only file in memory.
type memFile struct {
	name string
	r    *bytes.Reader
	size int64
}

func (f *memFile) Read(p []byte) (int, error) { return f.r.Read(p) }
func (f *memFile) Close() error               { return nil }
func (f *memFile) Stat() (fs.FileInfo, error) { return memInfo{f}, nil }

type memInfo struct{ f *memFile }

func (i memInfo) Name() string       { return i.f.name[strings.LastIndexByte(i.f.name, '/')+1:] }
func (i memInfo) Size() int64        { return i.f.size }
func (i memInfo) Mode() fs.FileMode  { return 0o444 }
func (i memInfo) ModTime() time.Time { return time.Time{} }
func (i memInfo) IsDir() bool        { return false }
func (i memInfo) Sys() any           { return nil }
