package steps

import "github.com/ciam-harness/listjobs/nearmiss"

// Near misses: from an id the endpoint actually holds, the values that an exact
// comparison tells from it and a loose one does not (S2: JobIds name jobs exactly). The
// members are the family of package nearmiss, the one table of every value the
// contract compares exactly.

// nearMissKinds are the kinds of near miss the JobIds steps of filtering.feature name:
// the family's members that make another value (not another spelling of it, which a
// JSON body decodes).
var nearMissKinds = func() []string {
	var out []string
	for _, m := range nearmiss.Family() {
		if m.Spelling == nearmiss.Plain {
			out = append(out, m.Name)
		}
	}
	return out
}()

// nearMiss returns the near miss of id of a kind. ok is false when id has none of that
// kind (an id without letters has no other case; a one-character id no proper prefix).
func nearMiss(id, kind string) (miss string, ok bool) {
	m, found := nearmiss.ByName(kind)
	if !found || m.Spelling != nearmiss.Plain {
		return "", false
	}
	return m.Of(id)
}
