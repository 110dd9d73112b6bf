package steps

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Near misses: from an id the endpoint actually holds, the values that an exact
// comparison tells from it and a loose one does not (S2: JobIds name jobs exactly).

// nearMissKinds are the kinds of near miss, as the feature files name them.
var nearMissKinds = []string{"another case", "a proper prefix", "a suffix added", "surrounding white space", "the empty string"}

// nearMiss returns the near miss of id of a kind. ok is false when id has none of that
// kind (an id without letters has no other case; a one-character id no proper prefix).
func nearMiss(id, kind string) (miss string, ok bool) {
	switch kind {
	case "another case":
		miss = strings.Map(func(r rune) rune {
			if unicode.IsUpper(r) {
				return unicode.ToLower(r)
			}
			return unicode.ToUpper(r)
		}, id)
		return miss, miss != id
	case "a proper prefix":
		_, last := utf8.DecodeLastRuneInString(id)
		return id[:len(id)-last], len(id) > last
	case "a suffix added":
		return id + "0", true
	case "surrounding white space":
		return " " + id + " ", true
	case "the empty string":
		return "", true
	}
	return "", false
}

// nearMissOf is the near miss of known job n of a kind, checked to be no job the scenario
// knows.
func (st *scenario) nearMissOf(n int, kind string) (string, error) {
	ids, err := st.knownJobs(fmt.Sprint(n))
	if err != nil {
		return "", err
	}
	miss, ok := nearMiss(ids[0], kind)
	if !ok {
		return "", &SkipError{Reason: fmt.Sprintf("the id %q of known job %d has no near miss of the kind %q", ids[0], n, kind)}
	}
	if _, known := slices.BinarySearch(st.known, miss); known {
		return "", fmt.Errorf("the near miss %q (%s) of known job %d is itself a job of the user store: pick another job", miss, kind, n)
	}
	return miss, nil
}

func (st *scenario) jobIDsNearMiss(n int, kind string) error {
	miss, err := st.nearMissOf(n, kind)
	if err != nil {
		return err
	}
	return st.setJobIDs([]string{miss})
}

// jobIDsKnownWithNearMiss names known jobs a and b, with a near miss of known job c
// first, in the middle or last.
func (st *scenario) jobIDsKnownWithNearMiss(a, b, c int, kind, position string) error {
	ids, err := st.knownJobs(fmt.Sprint(a, " ", b))
	if err != nil {
		return err
	}
	miss, err := st.nearMissOf(c, kind)
	if err != nil {
		return err
	}
	at := map[string]int{"first": 0, "in the middle": 1, "last": 2}[position]
	return st.setJobIDs(slices.Insert(ids, at, miss))
}

// jobIDsManyWithNearMisses names count known jobs ("every" for all), each times times,
// with misses near misses of the known jobs interleaved, cycling over the kinds and the
// jobs; the jobs named are remembered for idsAreNamed.
func (st *scenario) jobIDsManyWithNearMisses(count string, times, misses int) error {
	if len(st.known) == 0 {
		return errors.New("harness error: the scenario knows no jobs yet (start with \"the user store under test holds at least N jobs\")")
	}
	n := len(st.known)
	if count != "every" {
		fmt.Sscan(count, &n)
		if n < 1 || n > len(st.known) {
			return fmt.Errorf("%s known jobs: the scenario knows %d jobs", count, len(st.known))
		}
	}
	st.named = slices.Clone(st.known[:n])
	var named, near []string
	for range times {
		named = append(named, st.named...)
	}
	for i := 0; len(near) < misses && i < misses*len(nearMissKinds)*2+len(nearMissKinds); i++ {
		job := st.known[i%len(st.known)]
		miss, ok := nearMiss(job, nearMissKinds[i%len(nearMissKinds)])
		if _, known := slices.BinarySearch(st.known, miss); ok && !known {
			near = append(near, miss)
		}
	}
	if len(near) < misses {
		return fmt.Errorf("harness error: found %d near misses of the known jobs; the scenario needs %d", len(near), misses)
	}
	// Interleave: the named ids spread evenly among the near misses.
	ids := make([]string, 0, len(named)+len(near))
	for i, j := 0, 0; i < len(named) || j < len(near); {
		if i < len(named) && (j >= len(near) || i*len(near) <= j*len(named)) {
			ids, i = append(ids, named[i]), i+1
		} else {
			ids, j = append(ids, near[j]), j+1
		}
	}
	return st.setJobIDs(ids)
}

// idsAreNamed checks that the listing holds exactly the known jobs the JobIds named.
func (st *scenario) idsAreNamed() error {
	if st.named == nil {
		return errors.New("harness error: no JobIds named known jobs in this scenario")
	}
	return st.idsEqual(st.named, "the known jobs the JobIds name")
}
