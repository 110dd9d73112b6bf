package mutants

import (
	"net/url"
	"sort"
	"strings"
)

// A query string split as the emulator splits it: k=v segments separated by "&", each
// decoded on its own ('+' a space, %XX a byte), in the order sent.

// cutPair decodes one k=v segment as the emulator does ('+' a space, %XX a byte).
func cutPair(seg string) (k, v string, ok bool) {
	rk, rv, found := strings.Cut(seg, "=")
	if !found {
		return "", "", false
	}
	k, err1 := url.QueryUnescape(rk)
	v, err2 := url.QueryUnescape(rv)
	return k, v, err1 == nil && err2 == nil
}

// dropSegments removes from a query the k=v segments whose decoded name unwanted tells;
// a query the emulator cannot split is left alone.
func dropSegments(q string, unwanted func(name string) bool) (string, bool) {
	var keep []string
	changed := false
	for _, seg := range strings.Split(q, "&") {
		if seg == "" {
			continue
		}
		k, _, ok := cutPair(seg)
		if !ok {
			return q, false
		}
		if unwanted(k) {
			changed = true
			continue
		}
		keep = append(keep, seg)
	}
	return strings.Join(keep, "&"), changed
}

// sortedQuery is the query with its k=v pairs sorted.
func sortedQuery(q string) string {
	parts := strings.Split(q, "&")
	sort.Strings(parts)
	return strings.Join(parts, "&")
}
