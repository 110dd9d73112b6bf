package steps

import (
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
