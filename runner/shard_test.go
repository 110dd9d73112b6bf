package runner

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciam-harness/listjobs/features"
	"github.com/ciam-harness/listjobs/plan"
	"github.com/ciam-harness/listjobs/steps"
)

func TestParseShard(t *testing.T) {
	for in, want := range map[string]shard{"": {1, 1}, "1/1": {1, 1}, "2/4": {2, 4}, " 3 / 7 ": {3, 7}, "1000/1000": {1000, 1000}} {
		got, err := parseShard(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for in, want := range map[string]string{
		"2": "want K/N", "a/4": "want K/N", "2/b": "want K/N", "0/4": "want K from 1 to 4", "5/4": "want K from 1 to 4",
		"1/0": "want 1 to 1000 shards", "1/1001": "want 1 to 1000 shards", "-1/4": "want K from 1 to 4",
	} {
		_, err := parseShard(in)
		assert.ErrorContains(t, err, want, in)
	}
}

// shardNames selects the real suite's scenarios of one shard, as the runner does, from
// the feature files that hold selected scenarios (paths).
func shardNames(t *testing.T, tags string, paths []string, sh shard) []string {
	t.Helper()
	return shardIn(t, features.FS, tags, sh)
}

// shardIn is what godog sees of the shard sh of fsys, as the runner hands it over: the
// scenarios tags selects in the features of plan.FS, at their lines.
func shardIn(t *testing.T, fsys fs.FS, tags string, sh shard) []string {
	t.Helper()
	p, err := plan.Build(fsys)
	require.NoError(t, err)
	part, err := plan.Build(p.FS(func(sc plan.Scenario) bool { return sh.holds(sc.Feature, sc.Name) }))
	require.NoError(t, err)
	var out []string
	for _, s := range part.Scenarios {
		if plan.Match(WithoutScale(tags), s.Tags) {
			out = append(out, fmt.Sprintf("%s:%d %s", s.Feature, s.Line, s.Name))
		}
	}
	return out
}

// suiteNames is the real suite's selection, unsharded, and its feature files.
func suiteNames(t *testing.T, tags string) ([]string, []string) {
	t.Helper()
	sel, paths, err := selectIn(features.FS, tags, shard{1, 1})
	require.NoError(t, err)
	var out []string
	for _, s := range sel {
		out = append(out, fmt.Sprintf("%s:%d %s", s.Feature, s.Line, s.Name))
	}
	return out, paths
}

// TestShardsPartitionTheSuite: for several N, the N shards of the real suite are
// disjoint, together the whole suite, each scenario at its own line, and the same on
// every call.
func TestShardsPartitionTheSuite(t *testing.T) {
	t.Parallel()
	whole, paths := suiteNames(t, "")
	require.Greater(t, len(whole), 100)
	assert.Equal(t, shardNames(t, "", paths, shard{2, 3}), shardNames(t, "", paths, shard{2, 3}), "deterministic")
	for _, n := range []int{2, 5} {
		seen := map[string]int{}
		for k := 1; k <= n; k++ {
			names := shardNames(t, "", paths, shard{k, n})
			assert.NotEmpty(t, names, "shard %d/%d", k, n)
			assert.Less(t, len(names), len(whole), "shard %d/%d", k, n)
			for _, name := range names {
				seen[name]++
			}
		}
		for _, name := range whole {
			assert.Equal(t, 1, seen[name], "%s in exactly one of %d shards", name, n)
		}
		assert.Len(t, seen, len(whole), "no shard holds a scenario the suite lacks")
	}
}

func TestShardsWithTags(t *testing.T) {
	t.Parallel()
	all, paths := suiteNames(t, "@P1,@S2")
	var union []string
	for k := 1; k <= 3; k++ {
		union = append(union, shardNames(t, "@P1,@S2", paths, shard{k, 3})...)
	}
	assert.ElementsMatch(t, all, union)
}

// TestShardSplitsAnOutline: the rows of one outline are scenarios of their own and may
// fall in different shards; each keeps its line.
func TestShardSplitsAnOutline(t *testing.T) {
	var rows strings.Builder
	for i := range 12 {
		fmt.Fprintf(&rows, "      | %d |\n", i)
	}
	text := "Feature: f\n\n  Background:\n    Given it passes\n\n  @S1\n  Scenario: plain one\n    Given it passes\n\n  @S2 @assumed\n  Scenario Outline: row <n>\n    Given it passes\n\n    Examples:\n      | n |\n" + rows.String() + "\n  Rule: r\n\n    @S3\n    Scenario: in a rule\n      Given it passes\n      And it passes\n"
	fsys := mapFS(map[string]string{"f.feature": text})
	whole, _, err := selectIn(fsys, "", shard{1, 1})
	require.NoError(t, err)
	require.Len(t, whole, 14)
	got := map[string]int{}
	for k := 1; k <= 3; k++ {
		sh := shard{k, 3}
		for _, s := range shardIn(t, fsys, "", sh) {
			got[s]++
		}
	}
	for _, s := range whole {
		assert.Equal(t, 1, got[fmt.Sprintf("%s:%d %s", s.Feature, s.Line, s.Name)], "%s in one shard, at its line", s.Name)
		assert.Equal(t, "f.feature", s.Feature)
	}
}

// TestRunShard runs one shard with the fake steps: godog runs exactly the shard's
// scenarios, the reports name the shard, and a shard with nothing selected passes.
func TestRunShard(t *testing.T) {
	var b strings.Builder
	b.WriteString("Feature: many\n")
	for i := range 20 {
		fmt.Fprintf(&b, "  @S1\n  Scenario: s%02d\n    Given it passes\n", i)
	}
	text := b.String()
	srv := okServer(t)
	total := 0
	for k := 1; k <= 3; k++ {
		cfg := fakeConfig(t, srv.URL, map[string]string{"many.feature": text})
		cfg.Shard = fmt.Sprintf("%d/3", k)
		res, stdout, stderr := runCfg(t, cfg)
		require.Equal(t, ExitPassed, res.ExitCode, stderr)
		for _, s := range res.Scenarios {
			assert.Equal(t, k, plan.ShardOf("many.feature", s.Name, 3))
		}
		total += len(res.Scenarios)
		assert.Equal(t, cfg.Shard, res.Shard)
		assert.Contains(t, stdout, "shard "+cfg.Shard+":")
		m, err := os.ReadFile(filepath.Join(cfg.OutDir, "manifest.json"))
		require.NoError(t, err)
		assert.Contains(t, string(m), `"shard": "`+cfg.Shard+`"`)
		junit, err := os.ReadFile(filepath.Join(cfg.OutDir, "junit.xml"))
		require.NoError(t, err)
		assert.Contains(t, string(junit), fmt.Sprintf(`tests="%d"`, len(res.Scenarios)), "the shard only")
	}
	assert.Equal(t, 20, total)

	// One scenario, many shards: most shards are empty, and pass.
	for k := 1; k <= 4; k++ {
		cfg := fakeConfig(t, srv.URL, map[string]string{"one.feature": "Feature: one\n  Scenario: only\n    Given it fails with \"x\"\n"})
		cfg.Shard = fmt.Sprintf("%d/4", k)
		res, stdout, stderr := runCfg(t, cfg)
		if plan.ShardOf("one.feature", "only", 4) == k {
			assert.Equal(t, ExitFailed, res.ExitCode)
			continue
		}
		assert.Equal(t, ExitPassed, res.ExitCode, stderr)
		assert.Empty(t, res.Scenarios)
		assert.Contains(t, stdout, "holds none of the selected scenarios")
	}
}

func TestRunShardRefused(t *testing.T) {
	cfg := fakeConfig(t, okServer(t).URL, map[string]string{"plain.feature": plainFeature})
	cfg.Shard = "5/4"
	res, _, stderr := runCfg(t, cfg)
	assert.Equal(t, ExitUsage, res.ExitCode)
	assert.Contains(t, stderr, `--shard "5/4"`)
}

func TestShardOfIsStable(t *testing.T) {
	// Pinned: a change of the hash would move every scenario to another CI job.
	for name, want := range map[string][2]int{"An empty JobIds lists every job": {1, 7}, "A": {3, 6}, "B": {2, 1}} {
		assert.Equal(t, want, [2]int{plan.ShardOf("listing.feature", name, 4), plan.ShardOf("listing.feature", name, 7)}, name)
	}
	assert.Equal(t, plan.ShardOf("a.feature", "b", 7), plan.ShardOf("a.feature", "b", 7))
	assert.NotEqual(t, plan.ShardOf("a.feature", "b", 1000), plan.ShardOf("a.featur", "eb", 1000), "the separator keeps feature and name apart")
}

func mapFS(files map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{}
	for name, text := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(text)}
	}
	return fsys
}

// TestScenarioNamesAreUnique: a known-failure ledger names scenarios by feature file and
// name, a scenario's shard is a hash of both, and the runner records results by both: two
// scenarios of one feature with the same name (an outline whose name has no
// <placeholder>) could not be told apart.
func TestScenarioNamesAreUnique(t *testing.T) {
	p, err := plan.Build(features.FS)
	require.NoError(t, err)
	seen := map[string]int64{}
	for _, s := range p.Scenarios {
		if line, dup := seen[s.Key()]; dup {
			t.Errorf("%s:%d and line %d share the name %q: give the outline's name a <placeholder>", s.Feature, s.Line, line, s.Name)
		}
		seen[s.Key()] = s.Line
	}
}

// selectIn is the runner's selection from the feature files of fsys.
func selectIn(fsys fs.FS, tags string, sh shard) ([]selectedScenario, []string, error) {
	p, err := plan.Build(fsys)
	if err != nil {
		return nil, nil, err
	}
	return selectScenarios(p, steps.Steps(), tags, sh, nil)
}
