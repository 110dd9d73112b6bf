package runner

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ciam-harness/listjobs/plan"
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

// holds tells whether the scenario belongs to the shard: a stable hash of its feature
// file and name (plan.ShardOf), so that a scenario stays in its shard whatever else
// changes in the suite, the tag filter or the seed.
func (s shard) holds(feature, name string) bool {
	return s.whole() || plan.ShardOf(feature, name, s.n) == s.k
}
