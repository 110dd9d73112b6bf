// Package vocab holds the project's vocabulary, written once: the grammar and order of
// the contract's row ids (CONTRACT.md), the names of the feature files' other tags, and
// the names and limits of the ListJobs API. Every other package uses these instead of
// its own copy.
package vocab

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Sections are the contract's sections in CONTRACT.md order: transport, authentication,
// parameters, semantics, jobs, rate limit.
const Sections = "TAPSJR"

// RowPattern is the regexp source of a row id: a section letter and a number from 1 to
// 99 without a leading zero ("S2", "T10"). It is anchored.
const RowPattern = `^[` + Sections + `][1-9][0-9]?$`

// RowLikePattern is the regexp source of what looks like a row id: a section letter
// and any digits ("S2", but also "S0", "S02"). A parser matches it to report an id
// that is not canonical (IsRow) rather than pass over it. It is anchored.
const RowLikePattern = `^[` + Sections + `][0-9]+$`

var (
	rowRe     = regexp.MustCompile(RowPattern)
	rowLikeRe = regexp.MustCompile(RowLikePattern)
)

// IsRowLike reports whether s looks like a row id (RowLikePattern), canonical or not.
func IsRowLike(s string) bool { return rowLikeRe.MatchString(s) }

// Row is a contract row id, such as "S2".
type Row struct {
	Section byte // one of Sections
	Number  int  // 1..99
}

// String returns the row id, such as "S2".
func (r Row) String() string { return string(r.Section) + strconv.Itoa(r.Number) }

// ParseRow parses a row id ("S2"); ok is false when s is not one.
func ParseRow(s string) (Row, bool) {
	if !rowRe.MatchString(s) {
		return Row{}, false
	}
	n, err := strconv.Atoi(s[1:])
	if err != nil {
		return Row{}, false
	}
	return Row{Section: s[0], Number: n}, true
}

// IsRow reports whether s is a row id ("S2").
func IsRow(s string) bool { return rowRe.MatchString(s) }

// RowOfTag returns the row id a tag names ("@S2" gives "S2"); ok is false when the tag
// names no row.
func RowOfTag(tag string) (string, bool) {
	id, ok := strings.CutPrefix(tag, "@")
	if !ok || !IsRow(id) {
		return "", false
	}
	return id, true
}

// CompareRows orders row ids the way CONTRACT.md lists them: by section (T, A, P, S,
// J, R), then by number. It returns a negative number, zero or a positive number.
// Strings that are not row ids sort after every row id, among themselves by bytes.
func CompareRows(a, b string) int {
	ra, oka := ParseRow(a)
	rb, okb := ParseRow(b)
	switch {
	case !oka && !okb:
		return strings.Compare(a, b)
	case !oka:
		return 1
	case !okb:
		return -1
	}
	if sa, sb := strings.IndexByte(Sections, ra.Section), strings.IndexByte(Sections, rb.Section); sa != sb {
		return sa - sb
	}
	return ra.Number - rb.Number
}

// RowLess reports whether row a comes before row b in contract order (CompareRows).
func RowLess(a, b string) bool { return CompareRows(a, b) < 0 }

// SortRows sorts row ids in contract order (CompareRows).
func SortRows(rows []string) { slices.SortFunc(rows, CompareRows) }

// RowsOf returns the rows among tags ("@S2" gives "S2"), in contract order, each once.
func RowsOf(tags []string) []string {
	var rows []string
	for _, t := range tags {
		if id, ok := RowOfTag(t); ok {
			rows = append(rows, id)
		}
	}
	SortRows(rows)
	return slices.Compact(rows)
}

// The feature files' tags other than row tags.
const (
	// TagAssumed marks a scenario of an assumed (or mixed) row.
	TagAssumed = "@assumed"
	// TagFixture marks a scenario that needs the target's known data (a fixture).
	TagFixture = "@fixture"
	// TagWire marks a scenario only the wire driver can run.
	TagWire = "@wire"
	// TagSDKRetry marks a scenario of the official SDK's own rate-limit retry.
	TagSDKRetry = "@sdk-retry"
	// TagScale marks the scale scenarios (features/scale.feature).
	TagScale = "@scale"
	// TagRateLimit marks the rate-limit scenarios, which wait on the clock.
	TagRateLimit = "@rate-limit"
	// TagSignatureV1 marks a scenario that signs with signature v1.
	TagSignatureV1 = "@signature-v1"
	// TagToken marks a scenario that sends a temporary credential's token.
	TagToken = "@token"
	// TagFaultInjection marks a scenario that needs the emulator's fault injection.
	TagFaultInjection = "@fault-injection"
)

// Case ids. Every scenario carries one tag TagIDPrefix+ID, its case id: the stable key
// of the scenario in the known-failure ledger, the reports and the kill tables, which a
// new title does not change. The id is the contract row the scenario checked first when
// it was written (its first row tag), a hyphen, and a short kebab-case slug of its title:
// "S2-near-miss". It does not follow later edits of the tags or the title: that is what
// makes it stable. Each row of a Scenario Outline has the outline's id followed by
// "/N", N its 1-based number among the outline's Examples rows, all tables together:
// "S2-near-miss/3" (a new row goes at the end, so that no row's number changes).
// features/suite.tsv lists every id of the suite.
const (
	// TagIDPrefix starts the tag that gives a scenario its case id: "@id:S2-near-miss".
	TagIDPrefix = "@id:"
	// CaseIDPattern is the regexp source of the id a tag gives: row, hyphen, slug. It is
	// anchored.
	CaseIDPattern = `^[` + Sections + `][1-9][0-9]?-[a-z0-9]+(-[a-z0-9]+)*$`
	// MaxCaseID bounds the length of the id a tag gives.
	MaxCaseID = 64
)

var (
	caseIDRe    = regexp.MustCompile(CaseIDPattern)
	caseRowIDRe = regexp.MustCompile(`^/[1-9][0-9]*$`)
)

// IsCaseID reports whether s is the case id a tag gives ("S2-near-miss").
func IsCaseID(s string) bool { return len(s) <= MaxCaseID && caseIDRe.MatchString(s) }

// IsScenarioID reports whether s is the id of a scenario as the reports print it: a case
// id ("S2-near-miss"), or a case id and an outline row's number ("S2-near-miss/3").
func IsScenarioID(s string) bool {
	if i := strings.IndexByte(s, '/'); i >= 0 {
		return IsCaseID(s[:i]) && caseRowIDRe.MatchString(s[i:])
	}
	return IsCaseID(s)
}

// CaseIDOfTag returns the id an @id: tag gives, valid or not ("@id:S2-x" gives "S2-x");
// ok is false when the tag is not an @id: tag.
func CaseIDOfTag(tag string) (id string, ok bool) { return strings.CutPrefix(tag, TagIDPrefix) }

// OutlineRowID is the id of the n-th (1-based) Examples row of the outline of id.
func OutlineRowID(id string, n int) string { return id + "/" + strconv.Itoa(n) }

// Names and limits of the ListJobs API (api3-ciam-listjobs.md).
const (
	Action        = "ListJobs"
	Version       = "2022-03-31"
	Service       = "ciam"
	DefaultRegion = "ap-guangzhou"
	DefaultHost   = "ciam.tencentcloudapi.com"
	// Algorithm is the signature v3 algorithm.
	Algorithm = "TC3-HMAC-SHA256"
	// RateLimit is the documented limit: 20 ListJobs requests per second (R1).
	RateLimit = 20
)
