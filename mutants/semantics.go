package mutants

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/ciam-harness/listjobs/emulator"
	"github.com/ciam-harness/listjobs/fixture"
)

// Semantics (S1-S9): which jobs a listing holds. Most of these mutants let the
// emulator answer and then change the jobs of its listing (editListing): a filter
// ignored, loosened or narrowed, a job added, dropped or repeated; the others rewrite
// the JobSet itself (null, an object, absent) or answer from the fixture what a broken
// service would list.

// semanticsMutants are the mutants of the rows S1-S9, in row order.
func semanticsMutants() []Mutant {
	return []Mutant{
		{Name: "empty-jobids-nothing", Row: "S1", Class: ClassSelection, How: howMiddleware, Break: `"JobIds": [] lists no job`,
			apply: through(emptyIDsMatchNothing)},
		{Name: "listing-truncated", Row: "S1", Class: ClassSelection, How: howRewriter, Break: "a listing stops after 1000 jobs, silently",
			apply: rewriter(truncateJobSet(1000))},
		{Name: "filter-ignored", Row: "S2", Class: ClassSelection, How: howMiddleware, Break: "JobIds is ignored: every job is returned",
			apply: through(ignoreFilter)},
		{Name: "duplicates-returned", Row: "S2", Class: ClassSelection, How: howMiddleware, Break: "every listed job appears twice",
			apply: through(repeatJobs)},
		{Name: "jobids-case-insensitive", Row: "S2", Class: ClassNearMiss, How: howMiddleware, Break: "JobIds match job ids whatever their case",
			apply: through(listing(looseIDs(equalFold)))},
		{Name: "jobids-prefix-match", Row: "S2", Class: ClassNearMiss, How: howMiddleware, Break: "a JobIds entry matches every job whose id starts with it",
			apply: through(listing(looseIDs(prefixOf)))},
		{Name: "jobids-trimmed", Row: "S2", Class: ClassNearMiss, How: howMiddleware, Break: "JobIds entries are matched without their surrounding white space",
			apply: through(listing(looseIDs(trimmed)))},
		{Name: "filter-extra-job", Row: "S2", Class: ClassSelection, How: howMiddleware, Break: "a filtered listing holds one more job of the store, not asked for",
			apply: through(listing(extraJob))},
		{Name: "filter-matches-nothing", Row: "S2", Class: ClassSelection, How: howMiddleware, Break: "a filtered listing never holds a job",
			apply: through(listing(noMatch))},
		{Name: "unknown-id-error", Row: "S3", Class: ClassSelection, How: howMiddleware, Break: "an unknown id in JobIds gives ResourceNotFound",
			apply: through(unknownIDError)},
		{Name: "jobset-sorted", Row: "S4", Class: ClassEquivalent, How: howRewriter, Break: "JobSet is sorted by Id",
			Equivalent: "S4: JobSet comes in no particular order, so a sorted one conforms",
			apply:      rewriter(SortJobSet)},
		{Name: "jobset-null", Row: "S5", Class: ClassAnswerShape, How: howRewriter, Break: `"JobSet" is null even when jobs exist`,
			apply: rewriter(NullJobSet)},
		{Name: "jobset-object", Row: "S5", Class: ClassAnswerShape, How: howRewriter, Break: "a JobSet with jobs is an object keyed by Id, not an array",
			apply: rewriter(JobSetObject)},
		{Name: "jobset-missing-when-empty", Row: "S5", Class: ClassAnswerShape, How: howRewriter, Break: `a result without jobs has no "JobSet" at all (also against T6)`,
			apply: rewriter(DropEmptyJobSet)},
		{Name: "jobset-null-when-empty", Row: "S5", Class: ClassEquivalent, How: "config NullEmpty", Break: `a result without jobs is "JobSet": null`,
			Equivalent: `S5: an empty result may be "JobSet": [] or "JobSet": null`,
			apply:      func(c *emulator.Config) { c.NullEmpty = true }},
		{Name: "store-isolation-broken", Row: "S6", Class: ClassSelection, How: howMiddleware, Break: "an unfiltered listing also holds the jobs of another user store of the account",
			apply: through(func(fx *fixture.Fixture) middleware { return editListing(fx, siblingJobs(fx)) })},
		{Name: "filter-across-stores", Row: "S6", Class: ClassSelection, How: howMiddleware, Break: "JobIds also finds jobs of the account's other user stores",
			apply: through(func(fx *fixture.Fixture) middleware { return editListing(fx, acrossStores(fx)) })},
		{Name: "listing-not-repeatable", Row: "S7", Class: ClassSelection, How: howMiddleware, Break: "every answer with jobs holds one more job, new for each answer (a side effect of listing)",
			apply: through(notRepeatable)},
		{Name: "filter-phantom-job", Row: "S8", Class: ClassSelection, How: howMiddleware, Break: "a filtered listing holds a job the full listing does not",
			apply: through(listing(phantomJob))},
		{Name: "filter-order-sensitive", Row: "S8", Class: ClassSelection, How: howMiddleware, Break: "JobIds not in ascending order lose the job of their last id",
			apply: through(listing(orderSensitive))},
		{Name: "filter-duplicates-dropped", Row: "S8", Class: ClassSelection, How: howMiddleware, Break: "a job whose id JobIds repeats is left out",
			apply: through(listing(duplicatesDropped))},
		{Name: "filter-union-broken", Row: "S8", Class: ClassSelection, How: howMiddleware, Break: "a filtered listing holds only the jobs of the first two ids listed",
			apply: through(listing(firstTwo))},
		{Name: "other-account-store-visible", Row: "S9", Class: ClassSelection, How: howMiddleware, Break: "another account's user store is listed",
			apply: through(otherAccountStores)},
	}
}

// emptyIDsMatchNothing answers "JobIds": [] with no job (breaks S1).
func emptyIDsMatchNothing(fx *fixture.Fixture) middleware {
	return editListing(fx, func(p params, _ *fixture.UserStore, jobs []json.RawMessage) ([]json.RawMessage, bool) {
		if !p.hasIDs || len(p.ids) > 0 || len(jobs) == 0 {
			return nil, false
		}
		return []json.RawMessage{}, true
	})
}

// truncateJobSet keeps only the first n jobs of a longer JobSet (silent paging).
func truncateJobSet(n int) func([]byte) []byte {
	return func(body []byte) []byte {
		return rewriteResponse(body, func(resp map[string]json.RawMessage) error {
			var jobs []json.RawMessage
			if json.Unmarshal(resp["JobSet"], &jobs) != nil || len(jobs) <= n {
				return errUnchanged
			}
			resp["JobSet"] = mustMarshal(jobs[:n])
			return nil
		})
	}
}

// ignoreFilter answers a filtered listing with every job of the user store (breaks S2).
func ignoreFilter(fx *fixture.Fixture) middleware {
	return editListing(fx, func(p params, st *fixture.UserStore, _ []json.RawMessage) ([]json.RawMessage, bool) {
		if !p.filtered() {
			return nil, false
		}
		return storeJobs(st, nil), true
	})
}

// repeatJobs lists every job of a success twice (breaks S2: each job at most once).
func repeatJobs(fx *fixture.Fixture) middleware {
	return editListing(fx, func(_ params, _ *fixture.UserStore, jobs []json.RawMessage) ([]json.RawMessage, bool) {
		if len(jobs) == 0 {
			return nil, false
		}
		return shuffled(append(jobs, jobs...)), true
	})
}

// looseIDs answers a filtered listing with every job of the store that one of the
// requested ids matches by match, instead of by equality (breaks S2).
func looseIDs(match func(asked, id string) bool) func(params, *fixture.UserStore, []json.RawMessage) ([]json.RawMessage, bool) {
	return func(p params, st *fixture.UserStore, jobs []json.RawMessage) ([]json.RawMessage, bool) {
		if !p.filtered() {
			return nil, false
		}
		have := idsOf(jobs)
		changed := false
		for _, j := range st.Jobs {
			if have[j.ID] {
				continue
			}
			for _, asked := range p.ids {
				if match(asked, j.ID) {
					jobs, have[j.ID], changed = append(jobs, json.RawMessage(j.Raw)), true, true
					break
				}
			}
		}
		return jobs, changed
	}
}

func equalFold(asked, id string) bool { return strings.EqualFold(asked, id) }

// prefixOf matches an id that starts with a non-empty requested id.
func prefixOf(asked, id string) bool { return asked != "" && strings.HasPrefix(id, asked) }

// trimmed matches an id equal to a requested id without its surrounding white space.
func trimmed(asked, id string) bool { return strings.TrimSpace(asked) == id }

// extraJob adds to a filtered listing one job of the store that was not asked for (breaks S2).
func extraJob(p params, st *fixture.UserStore, jobs []json.RawMessage) ([]json.RawMessage, bool) {
	if !p.filtered() {
		return nil, false
	}
	have := idsOf(jobs)
	for _, j := range st.Jobs {
		if !have[j.ID] && !slices.Contains(p.ids, j.ID) {
			return append(jobs, json.RawMessage(j.Raw)), true
		}
	}
	return nil, false
}

// noMatch answers every filtered listing with no job (breaks S2).
func noMatch(p params, _ *fixture.UserStore, jobs []json.RawMessage) ([]json.RawMessage, bool) {
	if !p.filtered() || len(jobs) == 0 {
		return nil, false
	}
	return []json.RawMessage{}, true
}

// unknownIDError answers ResourceNotFound to a listing whose JobIds names an id the
// user store does not hold (breaks S3).
func unknownIDError(fx *fixture.Fixture) middleware {
	return amend(func(c *call, resp response, _ []byte) []byte {
		if resp.code != "" {
			return nil
		}
		p := c.params()
		st, ok := storeByID(fx, p.store)
		if !ok {
			return nil
		}
		have := map[string]bool{}
		for _, j := range st.Jobs {
			have[j.ID] = true
		}
		for _, id := range p.ids {
			if !have[id] {
				return errorBody("ResourceNotFound", "A job in `JobIds` does not exist.", resp.requestID)
			}
		}
		return nil
	})
}

// SortJobSet lists the jobs by Id (equivalent: S4, any order conforms).
func SortJobSet(body []byte) []byte {
	return rewriteResponse(body, func(resp map[string]json.RawMessage) error {
		jobs, ok := jobsOf(resp)
		if !ok {
			return errUnchanged
		}
		sort.SliceStable(jobs, func(i, j int) bool { return string(jobs[i]["Id"]) < string(jobs[j]["Id"]) })
		resp["JobSet"] = mustMarshal(jobs)
		return nil
	})
}

// NullJobSet turns a non-empty "JobSet" array into null (breaks S5: an empty result
// may be null, a result with jobs may not).
func NullJobSet(body []byte) []byte {
	return rewriteResponse(body, func(resp map[string]json.RawMessage) error {
		var jobs []json.RawMessage
		if err := json.Unmarshal(resp["JobSet"], &jobs); err != nil || len(jobs) == 0 {
			return errUnchanged
		}
		resp["JobSet"] = json.RawMessage("null")
		return nil
	})
}

// JobSetObject turns a non-empty JobSet into an object keyed by job Id (breaks S5: a
// result with jobs is an array).
func JobSetObject(body []byte) []byte {
	return rewriteResponse(body, func(resp map[string]json.RawMessage) error {
		jobs, ok := jobsOf(resp)
		if !ok {
			return errUnchanged
		}
		obj := make(map[string]map[string]json.RawMessage, len(jobs))
		for i, job := range jobs {
			var id string
			if json.Unmarshal(job["Id"], &id) != nil {
				id = strconv.Itoa(i)
			}
			obj[id] = job
		}
		resp["JobSet"] = mustMarshal(obj)
		return nil
	})
}

// DropEmptyJobSet leaves "JobSet" out of a success without jobs (breaks S5, which allows
// [] or null for an empty result, and T6, which wants the field).
func DropEmptyJobSet(body []byte) []byte {
	return rewriteResponse(body, func(resp map[string]json.RawMessage) error {
		set, ok := resp["JobSet"]
		if !ok || resp["Error"] != nil {
			return errUnchanged
		}
		var jobs []json.RawMessage
		if json.Unmarshal(set, &jobs) != nil || len(jobs) > 0 {
			return errUnchanged
		}
		delete(resp, "JobSet")
		return nil
	})
}

// siblingJobs adds to an unfiltered listing the jobs of another user store of the
// same account (breaks S6).
func siblingJobs(fx *fixture.Fixture) func(params, *fixture.UserStore, []json.RawMessage) ([]json.RawMessage, bool) {
	return func(p params, st *fixture.UserStore, jobs []json.RawMessage) ([]json.RawMessage, bool) {
		sib, ok := smallestSibling(fx, st)
		if p.filtered() || !ok {
			return nil, false
		}
		for _, j := range sib.Jobs {
			jobs = append(jobs, json.RawMessage(j.Raw))
		}
		return jobs, true
	}
}

// smallestSibling is the other user store of the same account with the fewest jobs
// (at least one).
func smallestSibling(fx *fixture.Fixture, st *fixture.UserStore) (*fixture.UserStore, bool) {
	var best *fixture.UserStore
	for i := range fx.UserStores {
		o := &fx.UserStores[i]
		if o.ID == st.ID || o.Account != st.Account || len(o.Jobs) == 0 {
			continue
		}
		if best == nil || len(o.Jobs) < len(best.Jobs) {
			best = o
		}
	}
	return best, best != nil
}

// acrossStores finds the listed ids that the store lacks in the other user stores of
// its account (breaks S6).
func acrossStores(fx *fixture.Fixture) func(params, *fixture.UserStore, []json.RawMessage) ([]json.RawMessage, bool) {
	return func(p params, st *fixture.UserStore, jobs []json.RawMessage) ([]json.RawMessage, bool) {
		have := idsOf(jobs)
		changed := false
		for _, id := range p.ids {
			if have[id] {
				continue
			}
			for _, o := range fx.UserStores {
				if o.ID == st.ID || o.Account != st.Account {
					continue
				}
				for _, j := range o.Jobs {
					if j.ID == id {
						jobs, have[id], changed = append(jobs, json.RawMessage(j.Raw)), true, true
					}
				}
			}
		}
		return jobs, changed
	}
}

// notRepeatable gives every answer with jobs one more job that exists for that
// answer only, as if each call created a job recording itself: the same request sent
// twice never returns the same ids, however other requests interleave (breaks S7).
func notRepeatable(fx *fixture.Fixture) middleware {
	var calls atomic.Uint64
	return editListing(fx, func(_ params, _ *fixture.UserStore, jobs []json.RawMessage) ([]json.RawMessage, bool) {
		if len(jobs) == 0 {
			return nil, false
		}
		id := fmt.Sprintf("job-listing-%012d", calls.Add(1))
		return append(jobs, json.RawMessage(`{"Id":"`+id+`","Status":"COMPLETED","Type":"EXPORT_USER","CreatedDate":1715156770024,"Format":"CSV","Location":null}`)), true
	})
}

// phantomJob adds to a filtered listing a well-formed job that the user store does not
// hold (breaks S8: a filtered listing is a subset of the full one).
func phantomJob(p params, _ *fixture.UserStore, jobs []json.RawMessage) ([]json.RawMessage, bool) {
	if !p.filtered() {
		return nil, false
	}
	return append(jobs, json.RawMessage(`{"Id":"job-phantom-00000000000000000000","Status":"PENDING","Type":"IMPORT_USER","CreatedDate":1715156770024,"Format":"CSV","Location":null}`)), true
}

// orderSensitive drops the job of the last listed id when the ids are not in
// ascending order (breaks S8: the order of JobIds does not change the set).
func orderSensitive(p params, _ *fixture.UserStore, jobs []json.RawMessage) ([]json.RawMessage, bool) {
	if !p.filtered() || slices.IsSorted(p.ids) {
		return nil, false
	}
	last := p.ids[len(p.ids)-1]
	out := slices.DeleteFunc(jobs, func(j json.RawMessage) bool { return jobID(j) == last })
	return out, true
}

// duplicatesDropped leaves out the jobs whose ids JobIds repeats (breaks S8: repeating
// an id does not change the set).
func duplicatesDropped(p params, _ *fixture.UserStore, jobs []json.RawMessage) ([]json.RawMessage, bool) {
	count := map[string]int{}
	for _, id := range p.ids {
		count[id]++
	}
	out := slices.DeleteFunc(jobs, func(j json.RawMessage) bool { return count[jobID(j)] > 1 })
	return out, len(out) != len(jobs)
}

// firstTwo keeps, of a filtered listing, only the jobs of the first two distinct ids
// listed (breaks S8: ListJobs(a ∪ b) is the union of ListJobs(a) and ListJobs(b)).
func firstTwo(p params, _ *fixture.UserStore, jobs []json.RawMessage) ([]json.RawMessage, bool) {
	keep := map[string]bool{}
	for _, id := range p.ids {
		if len(keep) == 2 {
			break
		}
		keep[id] = true
	}
	if !p.filtered() || len(jobs) <= 2 {
		return nil, false
	}
	out := slices.DeleteFunc(jobs, func(j json.RawMessage) bool { return !keep[jobID(j)] })
	return out, len(out) != len(jobs)
}

// otherAccountStores answers a listing refused with InvalidUserStore, for a user store
// that the fixture holds (so of another account than the key's), with that store's
// jobs (breaks S9).
func otherAccountStores(fx *fixture.Fixture) middleware {
	return amend(func(c *call, resp response, _ []byte) []byte {
		if resp.code != codeInvalidUserStore {
			return nil
		}
		p := c.params()
		st, ok := storeByID(fx, p.store)
		if !p.hasStore || !ok {
			return nil
		}
		return successBody(storeJobs(st, p.ids), resp.requestID)
	})
}
