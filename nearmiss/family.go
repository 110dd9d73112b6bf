// Package nearmiss is the table of every value the contract compares exactly
// (CONTRACT.md, "Exact comparisons") and the family of near misses each of them gets:
// the values a loose comparison (case folded, white space trimmed, a prefix matched, a
// Unicode form normalised, an escape decoded twice or not at all) takes for the right
// one, and an exact comparison tells from it.
//
// The table (table.go) is data: for each value, where it lives, how a request carries
// it (its Carrier), the rows that judge a value that differs and what that value gets,
// and, member by member, the verdicts that differ from that refusal, each with its
// reason (a member the contract says is the same value, one it does not judge, one that
// cannot be sent). The family (this file) is the same for every value. Request values
// become scenarios: cmd/nearmisses writes features/near-misses.feature from the table
// (go generate ./nearmiss), and steps places each member in a request (its
// nearmiss_table.go); response values become explorer cases, each member applied to a
// conforming answer and judged by the suite's own checks (steps/nearmiss_table_test.go).
// TestTableCoversTheContract keeps the table and CONTRACT.md in step.
package nearmiss

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Syntax is a way of writing a value that has escapes of its own: another spelling in
// it is the same value where the carrier reads that syntax, and another value where it
// does not.
type Syntax int

// The syntaxes a member can spell a value in.
const (
	// Plain is no syntax: the member makes another value.
	Plain Syntax = iota
	// Query is percent-encoding (RFC 3986 2.1): a query value is decoded (T2).
	Query
	// JSON is a JSON string's escapes (RFC 8259 7): a body's string is decoded (T1).
	JSON
)

// Member is one kind of near miss: how it is named (in the feature files and the table)
// and how it is made from a value.
type Member struct {
	// Name names the member in step text and in the table: "another case".
	Name string
	// Spelling is the syntax whose other spelling of the same characters the member
	// writes (Plain for a member that makes another value): where the carrier reads
	// that syntax the member is the same value, elsewhere it is the literal text.
	Spelling Syntax
	// What says what the member does, for the feature file's description.
	What string
	make func(v string) (string, bool)
}

// Of returns the near miss of v, and false when v has none of this kind (a value
// without letters has no other case, a one-character value no proper prefix).
func (m Member) Of(v string) (string, bool) {
	miss, ok := m.make(v)
	if !ok || miss == v {
		return "", false
	}
	return miss, true
}

// The names of the members, as the feature files write them. The first five are the
// kinds the JobIds near-miss scenarios of filtering.feature were written with.
const (
	OtherCase      = "another case"
	ProperPrefix   = "a proper prefix"
	SuffixAdded    = "a suffix added"
	WhiteSpace     = "surrounding white space"
	Empty          = "the empty string"
	OneLetterCase  = "one letter in another case"
	OwnSuffix      = "a suffix of its own alphabet added"
	FirstChanged   = "its first character changed"
	MiddleChanged  = "its middle character changed"
	LastChanged    = "its last character changed"
	Normalisation  = "another Unicode normalisation"
	Confusable     = "a confusable letter"
	PercentEncoded = "a character percent-encoded"
	JSONEscaped    = "a character JSON-escaped"
)

// family is every member, in a fixed order: the Examples rows of a value follow it, and
// a new member goes at the end so that no row's case id changes.
var family = []Member{
	{Name: OtherCase, What: "every letter in the other case", make: otherCase},
	{Name: ProperPrefix, What: "its last character left off", make: properPrefix},
	{Name: SuffixAdded, What: "one character it does not hold added at its end", make: suffixAdded},
	{Name: WhiteSpace, What: "a space before and after it", make: func(v string) (string, bool) { return " " + v + " ", true }},
	{Name: Empty, What: "nothing at all", make: func(v string) (string, bool) { return "", v != "" }},
	{Name: OneLetterCase, What: "its last letter in the other case", make: oneLetterCase},
	{Name: OwnSuffix, What: "its own last character added again", make: ownSuffix},
	{Name: FirstChanged, What: "its first character replaced by the next of its own characters", make: changedAt(first)},
	{Name: MiddleChanged, What: "its middle character replaced by the next of its own characters", make: changedAt(middle)},
	{Name: LastChanged, What: "its last character replaced by the next of its own characters", make: changedAt(last)},
	{Name: Normalisation, What: "a letter with a diacritic in its other Unicode normalisation form (NFC or NFD)", make: otherNormalisation},
	{Name: Confusable, What: "a letter (or, without one, a digit or a sign) replaced by one that looks the same (Cyrillic а for Latin a)", make: confusable},
	{Name: PercentEncoded, Spelling: Query, What: "its first character that need not be encoded written %XX", make: percentOne},
	{Name: JSONEscaped, Spelling: JSON, What: `its first character written as a JSON escape \u00XX`, make: jsonOne},
}

// Family returns every member, in order.
func Family() []Member { return slices.Clone(family) }

// Names returns the names of every member, in order.
func Names() []string {
	out := make([]string, len(family))
	for i, m := range family {
		out[i] = m.Name
	}
	return out
}

// ByName returns the member called name.
func ByName(name string) (Member, bool) {
	for _, m := range family {
		if m.Name == name {
			return m, true
		}
	}
	return Member{}, false
}

func otherCase(v string) (string, bool) {
	return strings.Map(func(r rune) rune {
		if unicode.IsUpper(r) {
			return unicode.ToLower(r)
		}
		return unicode.ToUpper(r)
	}, v), true
}

// oneLetterCase swaps the case of the last letter that has another case.
func oneLetterCase(v string) (string, bool) {
	rs := []rune(v)
	for i := len(rs) - 1; i >= 0; i-- {
		swapped := unicode.ToUpper(rs[i])
		if unicode.IsUpper(rs[i]) {
			swapped = unicode.ToLower(rs[i])
		}
		if swapped != rs[i] {
			rs[i] = swapped
			return string(rs), true
		}
	}
	return "", false
}

func properPrefix(v string) (string, bool) {
	_, last := utf8.DecodeLastRuneInString(v)
	return v[:len(v)-last], len(v) > last
}

// suffixAdded appends the first of a few plain characters that v does not hold.
func suffixAdded(v string) (string, bool) {
	for _, c := range "0xZ9q" {
		if !strings.ContainsRune(v, c) {
			return v + string(c), true
		}
	}
	return v + "~", true
}

// ownSuffix appends v's last character again: a value of v's own alphabet, which a
// comparison that trims a set of characters, or looks at a fixed length, takes for v.
func ownSuffix(v string) (string, bool) {
	r, _ := utf8.DecodeLastRuneInString(v)
	return v + string(r), v != ""
}

func first(int) int    { return 0 }
func middle(n int) int { return n / 2 }
func last(n int) int   { return n - 1 }

// changedAt replaces the character at pos (of the rune count) with the next character
// of v's own alphabet (its distinct characters, sorted, wrapping round): the near miss
// stays a value of v's kind (hex stays hex, digits stay digits as far as v has only
// digits). A value of a single distinct character gets the next character of its
// class.
func changedAt(pos func(n int) int) func(string) (string, bool) {
	return func(v string) (string, bool) {
		rs := []rune(v)
		if len(rs) == 0 {
			return "", false
		}
		i := pos(len(rs))
		alphabet := slices.Compact(slices.Sorted(slices.Values(rs)))
		if len(alphabet) == 1 {
			rs[i] = nextOfClass(rs[i])
		} else {
			k, _ := slices.BinarySearch(alphabet, rs[i])
			rs[i] = alphabet[(k+1)%len(alphabet)]
		}
		return string(rs), true
	}
}

// nextOfClass is the next letter (same case) or digit, wrapping round, or 'x'.
func nextOfClass(r rune) rune {
	switch {
	case r >= 'a' && r <= 'z':
		return 'a' + (r-'a'+1)%26
	case r >= 'A' && r <= 'Z':
		return 'A' + (r-'A'+1)%26
	case r >= '0' && r <= '9':
		return '0' + (r-'0'+1)%10
	case r == 'x':
		return 'y'
	}
	return 'x'
}

// composed pairs each precomposed letter (NFC) with its decomposition (NFD): the Latin
// letters with the diacritics of the Latin-1 Supplement and Latin Extended-A blocks
// that Western and Central European names use.
var (
	composed   = map[rune]string{}
	decomposed = map[string]rune{}
)

func init() {
	const marks = "\u0300\u0301\u0302\u0303\u0308\u030a\u0327\u030c" // grave acute circumflex tilde diaeresis ring cedilla caron
	table := []struct {
		base  rune
		forms string // the precomposed letter for each mark, or '.' for none
	}{
		{'A', "ÀÁÂÃÄÅ.Ǎ"}, {'a', "àáâãäå.ǎ"}, {'C', "......ÇČ"}, {'c', "......çč"},
		{'E', "ÈÉÊ.Ë..Ě"}, {'e', "èéê.ë..ě"}, {'I', "ÌÍÎ.Ï..Ǐ"}, {'i', "ìíî.ï..ǐ"},
		{'N', "...Ñ...Ň"}, {'n', "...ñ...ň"}, {'O', "ÒÓÔÕÖ..Ǒ"}, {'o', "òóôõö..ǒ"},
		{'U', "ÙÚÛ.ÜŮ.Ǔ"}, {'u', "ùúû.üů.ǔ"}, {'S', ".Ś....ŞŠ"}, {'s', ".ś....şš"},
		{'Z', ".Ź.....Ž"}, {'z', ".ź.....ž"}, {'Y', ".Ý..Ÿ..."}, {'y', ".ý..ÿ..."},
		{'R', ".Ŕ.....Ř"}, {'r', ".ŕ.....ř"},
	}
	ms := []rune(marks)
	for _, t := range table {
		for i, f := range []rune(t.forms) {
			if f != '.' && i < len(ms) {
				composed[f] = string(t.base) + string(ms[i])
				decomposed[string(t.base)+string(ms[i])] = f
			}
		}
	}
}

// otherNormalisation writes the first letter with a diacritic in its other normal form:
// a precomposed letter decomposed (NFC to NFD), or a letter and its combining mark
// composed (NFD to NFC). A value without such a letter (an ASCII id) has no other
// normalisation.
func otherNormalisation(v string) (string, bool) {
	for i, r := range v {
		if d, ok := composed[r]; ok {
			return v[:i] + d + v[i+utf8.RuneLen(r):], true
		}
	}
	for i, r := range v {
		if j := i + utf8.RuneLen(r); j < len(v) {
			m, size := utf8.DecodeRuneInString(v[j:])
			if c, ok := decomposed[string(r)+string(m)]; ok {
				return v[:i] + string(c) + v[j+size:], true
			}
		}
	}
	return "", false
}

// confusables maps characters to others that look the same: Latin letters to Cyrillic
// and Greek ones first, then digits and signs to their fullwidth or typographic twins.
var (
	confusableLetters = map[rune]rune{
		'a': 'а', 'c': 'с', 'e': 'е', 'i': 'і', 'j': 'ј', 'o': 'о', 'p': 'р', 's': 'ѕ', 'x': 'х', 'y': 'у',
		'A': 'А', 'B': 'В', 'C': 'С', 'E': 'Е', 'H': 'Н', 'I': 'І', 'J': 'Ј', 'K': 'К', 'M': 'М', 'N': 'Ν',
		'O': 'О', 'P': 'Р', 'S': 'Ѕ', 'T': 'Т', 'X': 'Х', 'Y': 'Υ', 'Z': 'Ζ',
	}
	confusableOthers = map[rune]rune{
		'-': '‐', '.': '․', '/': '∕', ':': '∶', '_': '＿',
		'0': '０', '1': '１', '2': '２', '3': '３', '4': '４', '5': '５', '6': '６', '7': '７', '8': '８', '9': '９',
	}
)

// confusable replaces the first letter that has a look-alike, or, in a value without
// one, the first digit or sign that has.
func confusable(v string) (string, bool) {
	for _, table := range []map[rune]rune{confusableLetters, confusableOthers} {
		for i, r := range v {
			if c, ok := table[r]; ok {
				return v[:i] + string(c) + v[i+utf8.RuneLen(r):], true
			}
		}
	}
	return "", false
}

// unreserved tells the characters RFC 3986 says need not be percent-encoded.
func unreserved(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-._~", c) >= 0
}

// percentOne writes the first character that need not be encoded as %XX.
func percentOne(v string) (string, bool) {
	for i := 0; i < len(v); i++ {
		if unreserved(v[i]) {
			return v[:i] + fmt.Sprintf("%%%02X", v[i]) + v[i+1:], true
		}
	}
	return "", false
}

// jsonOne writes the first character (of the Basic Multilingual Plane) as \u00XX.
func jsonOne(v string) (string, bool) {
	r, size := utf8.DecodeRuneInString(v)
	if v == "" || r > 0xFFFF || r == utf8.RuneError {
		return "", false
	}
	return fmt.Sprintf(`\u%04x`, r) + v[size:], true
}
