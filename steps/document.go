package steps

import (
	"runtime"
	"sync"

	"github.com/tidwall/gjson"
)

// parallelMin is the number of jobs from which a rule is checked on every CPU at once.
const parallelMin = 2048

// eachIndex returns check(i) for i from 0 to n-1, concatenated in that order, whether
// they ran one after the other or, for large n, in parallel chunks on every CPU: check
// must then be pure (it reads shared data only), and the result is the same.
func eachIndex(n int, check func(i int) []error) []error {
	workers := min(runtime.GOMAXPROCS(0), n/parallelMin)
	if workers < 2 {
		var errs []error
		for i := range n {
			errs = append(errs, check(i)...)
		}
		return errs
	}
	parts := make([][]error, workers)
	size := (n + workers - 1) / workers
	var wg sync.WaitGroup
	for w := range parts {
		wg.Go(func() {
			for i := w * size; i < min((w+1)*size, n); i++ {
				parts[w] = append(parts[w], check(i)...)
			}
		})
	}
	wg.Wait()
	var errs []error
	for _, p := range parts {
		errs = append(errs, p...)
	}
	return errs
}

// fieldsOf sets out[k] to the value job.Get(names[k]) would return (the first
// occurrence of the key), found in one pass over the object instead of one per name. A
// job that is not an object has none of them. len(out) = len(names) <= 64.
func fieldsOf(job gjson.Result, names []string, out []gjson.Result) {
	clear(out)
	if !job.IsObject() {
		return
	}
	var found uint64 // bit k: names[k] was found
	job.ForEach(func(key, value gjson.Result) bool {
		for k, name := range names {
			if found&(1<<k) == 0 && key.Str == name {
				out[k], found = value, found|1<<k
				break
			}
		}
		return true
	})
}
