package steps

import (
	"errors"
	"fmt"
	"sync"

	"github.com/ciam-harness/listjobs/check"
)

// violations are what the responses of one scenario broke of the invariants, by row:
// the first violation of each row and how many more responses broke it. Safe for
// concurrent use (a burst's responses arrive at once).
type violations struct {
	mu    sync.Mutex
	first map[string]error
	more  map[string]int
	order []string
}

func (v *violations) observe(errs []*check.RowError) {
	if len(errs) == 0 {
		return
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.first == nil {
		v.first, v.more = map[string]error{}, map[string]int{}
	}
	for _, e := range errs {
		row := e.Label
		if _, seen := v.first[row]; seen {
			v.more[row]++
			continue
		}
		v.first[row] = e
		v.order = append(v.order, row)
	}
}
func (v *violations) err() error {
	v.mu.Lock()
	defer v.mu.Unlock()
	var errs []error
	for _, row := range v.order {
		err := v.first[row]
		if n := v.more[row]; n > 0 {
			err = fmt.Errorf("%w\n    (and %d more responses of this scenario)", err, n)
		}
		errs = append(errs, err)
	}
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("responses of this scenario break rows that hold for every response:\n%w", errors.Join(errs...))
}
