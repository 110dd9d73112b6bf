package steps

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// nearMissOf is the near miss of known job n of a kind, checked to be no job the scenario
// knows.
func (j *jobIDs) nearMissOf(n int, kind string) (string, error) {
	ids, err := j.rq.sc.knownJobs(fmt.Sprint(n))
	if err != nil {
		return "", err
	}
	miss, ok := nearMiss(ids[0], kind)
	if !ok {
		return "", &SkipError{Reason: fmt.Sprintf("the id %q of known job %d has no near miss of the kind %q", ids[0], n, kind)}
	}
	if _, known := slices.BinarySearch(j.rq.sc.known, miss); known {
		return "", fmt.Errorf("the near miss %q (%s) of known job %d is itself a job of the user store: pick another job", miss, kind, n)
	}
	return miss, nil
}

func (j *jobIDs) jobIDsNearMiss(n int, kind string) error {
	miss, err := j.nearMissOf(n, kind)
	if err != nil {
		return err
	}
	return j.setJobIDs([]string{miss})
}

// jobIDsKnownWithNearMiss names known jobs a and b, with a near miss of known job c
// first, in the middle or last.
func (j *jobIDs) jobIDsKnownWithNearMiss(a, b, c int, kind, position string) error {
	ids, err := j.rq.sc.knownJobs(fmt.Sprint(a, " ", b))
	if err != nil {
		return err
	}
	miss, err := j.nearMissOf(c, kind)
	if err != nil {
		return err
	}
	at := map[string]int{"first": 0, "in the middle": 1, "last": 2}[position]
	return j.setJobIDs(slices.Insert(ids, at, miss))
}

// jobIDsManyWithNearMisses names count known jobs ("every" for all), each times times,
// with misses near misses of the known jobs interleaved, cycling over the kinds and the
// jobs; the jobs named are remembered for idsAreNamed.
func (j *jobIDs) jobIDsManyWithNearMisses(count string, times, misses int) error {
	if len(j.rq.sc.known) == 0 {
		return errors.New("harness error: the scenario knows no jobs yet (start with \"the user store under test holds at least N jobs\")")
	}
	n := len(j.rq.sc.known)
	if count != "every" {
		fmt.Sscan(count, &n)
		if n < 1 || n > len(j.rq.sc.known) {
			return fmt.Errorf("%s known jobs: the scenario knows %d jobs", count, len(j.rq.sc.known))
		}
	}
	j.rq.named = slices.Clone(j.rq.sc.known[:n])
	var named, near []string
	for range times {
		named = append(named, j.rq.named...)
	}
	for i := 0; len(near) < misses && i < misses*len(nearMissKinds)*2+len(nearMissKinds); i++ {
		job := j.rq.sc.known[i%len(j.rq.sc.known)]
		miss, ok := nearMiss(job, nearMissKinds[i%len(nearMissKinds)])
		if _, known := slices.BinarySearch(j.rq.sc.known, miss); ok && !known {
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
	return j.setJobIDs(ids)
}

func (j *jobIDs) setJobIDs(ids []string) error {
	spec, err := j.rq.current()
	if err != nil {
		return err
	}
	if ids == nil {
		ids = []string{}
	}
	raw, _ := json.Marshal(ids) // strings always encode
	spec.SetParam("JobIds", raw)
	return nil
}

func (j *jobIDs) jobIDsEmpty() error { return j.setJobIDs(nil) }

func (j *jobIDs) jobIDsKnown(list string) error {
	ids, err := j.rq.sc.knownJobs(list)
	if err != nil {
		return err
	}
	return j.setJobIDs(ids)
}

func (j *jobIDs) jobIDsKnownAndUnknown(n, unknown string) error {
	ids, err := j.rq.sc.knownJobs(n)
	if err != nil {
		return err
	}
	if slices.Contains(j.rq.sc.known, unknown) {
		return fmt.Errorf("the id %q meant to be unknown is a job of the user store", unknown)
	}
	return j.setJobIDs(append(ids, unknown))
}

func (j *jobIDs) jobIDsUnknown(a, b string) error { return j.setJobIDs([]string{a, b}) }

func (j *jobIDs) jobIDsOfFixtureStore(role string) error {
	s, err := j.rq.sc.fixtureStore(role)
	if err != nil {
		return err
	}
	return j.setJobIDs(s.JobIDs())
}

// padBody makes the JSON body longer than 10 MB (10 MiB and then some) with JobIds (T10).
func (j *jobIDs) padBody() error {
	const idLen, count = 1000, 10_600 // 10.6 MB of ids
	return j.padJobIDs(idLen, count)
}

// padURL makes the GET URL longer than 32 KB (32 KiB and then some) with JobIds.N (T10).
func (j *jobIDs) padURL() error {
	const idLen, count = 1000, 36 // 36 KB of ids
	return j.padJobIDs(idLen, count)
}

// padJobIDs sets JobIds to count ids of idLen plain characters each, written directly
// (json.Marshal of 10 MB is slow under the race detector).
// padTo pads the body (or the GET URL) with JobIds to at most size bytes and no more
// than 2 KB less: close under a limit, or just over one.
func (j *jobIDs) padTo(what string, size int) error {
	spec, err := j.rq.current()
	if err != nil {
		return err
	}
	// Each id costs its quotes and comma in a JSON body, "&JobIds.N=" in a URL; the
	// rest of the request (UserStoreId, the path) is under 200 bytes. Ids of 1000 bytes
	// fill a body, of 100 a URL, to within 2 KB. (A signature v1 form body of the same
	// ids is 1% longer: the scenarios leave room for it.)
	idLen, per := 1000, 1000+len(`"",`)
	if what == "URL" {
		if spec.Method != http.MethodGet {
			return errors.New("harness error: the URL is padded on a GET request: send it as GET first")
		}
		idLen, per = 100, 100+len("&JobIds.000=")
	}
	const rest = 200
	if size < rest+per {
		return fmt.Errorf("harness error: %d bytes is too small to pad", size)
	}
	return j.padJobIDs(idLen, (size-rest)/per)
}

func (j *jobIDs) padJobIDs(idLen, count int) error {
	spec, err := j.rq.current()
	if err != nil {
		return err
	}
	fill := strings.Repeat("x", idLen)
	var b strings.Builder
	b.Grow(count * (idLen + 3))
	b.WriteByte('[')
	for i := range count {
		if i > 0 {
			b.WriteByte(',')
		}
		p := fmt.Sprintf("pad-%06d-", i)
		b.WriteString(`"` + p + fill[len(p):] + `"`)
	}
	b.WriteByte(']')
	spec.SetParam("JobIds", json.RawMessage(b.String()))
	return nil
}
