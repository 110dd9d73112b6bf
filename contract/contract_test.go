package contract

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	listjobs "github.com/ciam-harness/listjobs"
)

// wantClasses is the independent reference: the class of every row as
// contract-decisions.md gives it (rows that are partly documented and partly assumed are Mixed).
var wantClasses = map[string]Class{
	"T1": Documented, "T2": Documented, "T3": Documented, "T4": Documented, "T5": Mixed,
	"T6": Documented, "T7": Documented, "T8": Documented, "T9": Assumed, "T10": Mixed,
	"A1": Documented, "A2": Documented, "A3": Documented, "A4": Documented, "A5": Mixed,
	"A6": Assumed, "A7": Documented, "A8": Documented,
	"P1": Documented, "P2": Mixed, "P3": Mixed, "P4": Documented, "P5": Documented,
	"P6": Documented, "P7": Assumed, "P8": Assumed, "P9": Assumed, "P10": Assumed,
	"S1": Documented, "S2": Mixed, "S3": Assumed, "S4": Documented, "S5": Documented,
	"S6": Documented, "S7": Assumed, "S8": Mixed, "S9": Mixed,
	"J1": Documented, "J2": Documented, "J3": Documented, "J4": Documented, "J5": Documented,
	"J6": Documented, "J7": Documented, "J8": Documented, "J9": Assumed,
	"R1": Documented, "R2": Documented, "R3": Assumed,
}

var wantAreas = map[string]string{
	"T": "Transport and envelope",
	"A": "Authentication",
	"P": "Routing and parameters",
	"S": "Semantics",
	"J": "Job object",
	"R": "Rate limit",
}

func TestRealContractRows(t *testing.T) {
	rows, err := Rows()
	require.NoError(t, err)
	require.Len(t, rows, 49)

	got := map[string]Class{}
	for _, r := range rows {
		got[r.ID] = r.Class
		assert.Equal(t, wantAreas[r.ID[:1]], r.Area, "area of %s", r.ID)
		assert.NotEmpty(t, r.Behaviour, "behaviour of %s", r.ID)
		assert.NotEmpty(t, r.Source, "source or reason of %s", r.ID)
		assert.Positive(t, r.Line, "line of %s", r.ID)
	}
	assert.Equal(t, wantClasses, got)

	// Document order: T1-T10, A1-A8, P1-P10, S1-S9, J1-J9, R1-R3.
	var order []string
	for _, r := range rows {
		order = append(order, r.ID)
	}
	assert.Equal(t, "T1 T2 T3 T4 T5 T6 T7 T8 T9 T10 A1 A2 A3 A4 A5 A6 A7 A8 P1 P2 P3 P4 P5 P6 P7 P8 P9 P10 "+
		"S1 S2 S3 S4 S5 S6 S7 S8 S9 J1 J2 J3 J4 J5 J6 J7 J8 J9 R1 R2 R3", strings.Join(order, " "))
}

func TestLookup(t *testing.T) {
	r, ok := Lookup("T5")
	require.True(t, ok)
	assert.Equal(t, Mixed, r.Class)
	assert.Contains(t, r.Behaviour, "HTTP status is 200")

	r, ok = Lookup("J4")
	require.True(t, ok)
	assert.Equal(t, Documented, r.Class)
	assert.Equal(t, "Job object", r.Area)

	for _, id := range []string{"T11", "Z1", "", "t1", "A0"} {
		_, ok := Lookup(id)
		assert.False(t, ok, "Lookup(%q)", id)
	}
}

func TestClassString(t *testing.T) {
	assert.Equal(t, "documented", Documented.String())
	assert.Equal(t, "assumed", Assumed.String())
	assert.Equal(t, "Class(0)", Class(0).String())
}

func TestRealLedger(t *testing.T) {
	table, err := ParseErrorCodes(listjobs.ErrorCodes)
	require.NoError(t, err)
	require.Len(t, table, 28)

	codes, err := Codes()
	require.NoError(t, err)

	var inTable []string
	byName := map[string]Code{}
	for _, c := range codes {
		byName[c.Name] = c
		if !c.Common {
			inTable = append(inTable, c.Name)
		}
		produced, unreachable := len(c.ProducedBy) > 0, c.Unreachable != ""
		assert.True(t, produced != unreachable, "%s: exactly one of produced/unreachable", c.Name)
		for _, id := range c.ProducedBy {
			_, ok := Lookup(id)
			assert.True(t, ok, "%s is produced by unknown row %s", c.Name, id)
		}
	}
	assert.Equal(t, table, inTable, "the ledger lists the table's codes once each, in the page's order")

	wantProduced := map[string][]string{
		"FailedOperation.InvalidUserStore": {"P8", "P9", "S9"},
		"InvalidParameter":                 {"P5", "P7"},
		"MissingParameter":                 {"P3", "P4", "P10"},
		"RequestLimitExceeded":             {"R1"},
		"UnknownParameter":                 {"P6"},
		"AuthFailure.SignatureFailure":     {"A2", "A6"},
		"AuthFailure.SignatureExpire":      {"A3"},
		"AuthFailure.SecretIdNotFound":     {"A4"},
		"AuthFailure.InvalidAuthorization": {"A5"},
		"AuthFailure.TokenFailure":         {"A8"},
		"InvalidAction":                    {"P1"},
		"NoSuchVersion":                    {"P2"},
		"UnsupportedRegion":                {"P3"},
		"UnsupportedProtocol":              {"T3"},
		"RequestSizeLimitExceeded":         {"T10"},
	}
	gotProduced := map[string][]string{}
	for _, c := range codes {
		if len(c.ProducedBy) > 0 {
			gotProduced[c.Name] = c.ProducedBy
		}
	}
	assert.Equal(t, wantProduced, gotProduced)

	// The unreachable list of contract-decisions.md plus the codes the contract maps elsewhere.
	for _, name := range []string{
		"DryRunOperation", "FailedOperation.DataFlowTooManyRequests", "FailedOperation.ImportUserIsEmpty",
		"FailedOperation.QuotaLimitExceeded", "LimitExceeded", "ResourcesSoldOut", "ResourceInsufficient",
		"ResourceInUse", "ResourceUnavailable", "OperationDenied", "UnsupportedOperation", "InternalError",
		"InternalError.UnknownError", "FailedOperation", "FailedOperation.InvalidTenant", "UnauthorizedOperation",
		"UnauthorizedOperation.TenantNotActivated", "RequestLimitExceeded.RepeatRequest",
		"AuthFailure", "InvalidParameter.ParameterIllegal", "InvalidParameterValue", "ResourceNotFound",
		"RequestLimitExceeded.FrequentRequest",
	} {
		c, ok := byName[name]
		if assert.True(t, ok, name) {
			assert.NotEmpty(t, c.Unreachable, "%s should be marked unreachable", name)
			assert.False(t, c.Common, name)
		}
	}
	for _, name := range []string{"AuthFailure.SignatureFailure", "InvalidAction", "NoSuchVersion", "UnsupportedRegion",
		"UnsupportedProtocol", "RequestSizeLimitExceeded"} {
		assert.True(t, byName[name].Common, "%s is a common API 3.0 code", name)
	}
}

func TestParseErrorCodes(t *testing.T) {
	got, err := ParseErrorCodes([]byte(`{"codes":["A","B.C"]}`))
	require.NoError(t, err)
	assert.Equal(t, []string{"A", "B.C"}, got)

	for name, tc := range map[string]struct{ in, want string }{
		"not json":  {`{"codes":`, "listjobs-error-codes.json"},
		"empty":     {`{"codes":[]}`, `"codes" is missing or empty`},
		"missing":   {`{"about":"x"}`, `"codes" is missing or empty`},
		"duplicate": {`{"codes":["A","A"]}`, `code "A" is listed twice`},
		"not code":  {`{"codes":["A B"]}`, `codes[0] = "A B" is not an error code`},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ParseErrorCodes([]byte(tc.in))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

// miniMD is a small valid contract; the parse tests break it one line at a time.
const miniMD = `# Mini contract
intro

## Transport and envelope

| ID | behaviour | class |
|---|---|---|
| T1 | A request. | documented: a page |
| T2 | A guess with a \| bar. | assumed (mixed): a reason |

` + "```" + `
| T9 | inside a code fence, not a row | maybe |
` + "```" + `

## Error codes

### ListJobs error table

| code | ledger |
|---|---|
| ` + "`InternalError`" + ` | not reachable from ListJobs input: a server fault |
| ` + "`MissingParameter`" + ` | produced by: T1, T2 |

### Common API 3.0 codes used by the rows

| code | ledger |
|---|---|
| ` + "`InvalidAction`" + ` | produced by: T2 |
`

var miniTable = []string{"InternalError", "MissingParameter"}

func TestParseMini(t *testing.T) {
	c, err := Parse("mini.md", []byte(miniMD), miniTable)
	require.NoError(t, err)
	require.Len(t, c.Rows, 2)
	assert.Equal(t, Row{ID: "T1", Area: "Transport and envelope", Behaviour: "A request.", Class: Documented, Source: "a page", Line: 8}, c.Rows[0])
	assert.Equal(t, "A guess with a | bar.", c.Rows[1].Behaviour)
	assert.Equal(t, Assumed, c.Rows[1].Class)
	assert.Equal(t, "(mixed): a reason", c.Rows[1].Source)
	assert.Equal(t, []Code{
		{Name: "InternalError", Unreachable: "a server fault", Line: 21},
		{Name: "MissingParameter", ProducedBy: []string{"T1", "T2"}, Line: 22},
		{Name: "InvalidAction", ProducedBy: []string{"T2"}, Common: true, Line: 28},
	}, c.Codes)
	assert.Equal(t, miniTable, c.TableCodes)
}

func TestParseErrors(t *testing.T) {
	const (
		t1   = "| T1 | A request. | documented: a page |"
		t2   = `| T2 | A guess with a \| bar. | assumed (mixed): a reason |`
		ie   = "| `InternalError` | not reachable from ListJobs input: a server fault |"
		mp   = "| `MissingParameter` | produced by: T1, T2 |"
		ia   = "| `InvalidAction` | produced by: T2 |"
		tabH = "### ListJobs error table"
	)
	tests := []struct {
		name     string
		old, new string
		table    []string
		want     string
	}{
		{"class word", t2, "| T2 | B. | maybe assumed |", nil, `mini.md:9: row T2: class cell "maybe assumed" must start with the word "documented", "assumed" or "mixed"`},
		{"class capitalised", t2, "| T2 | B. | Assumed |", nil, "mini.md:9: row T2: class cell"},
		{"class glued", t2, "| T2 | B. | assumedly |", nil, "mini.md:9: row T2: class cell"},
		{"cell count", t2, "| T2 | B. | assumed | extra |", nil, "mini.md:9: row T2 has 4 cells; want 3"},
		{"duplicate row", t2, "| T1 | B. | assumed |", nil, "mini.md:9: row T1 is defined twice (first at line 8)"},
		{"gap", t2, "| T3 | B. | assumed |", nil, "rows T: numbers must run from T1 without gaps; T2 is missing"},
		{"leading zero", t2, "| T02 | B. | assumed |", nil, `mini.md:9: row id "T02" is not canonical`},
		{"empty behaviour", t2, "| T2 |  | assumed |", nil, "mini.md:9: row T2 has an empty behaviour cell"},
		{"row outside area", "# Mini contract", "# Mini contract\n| T5 | x | documented |", nil, "mini.md:2: row T5 is not under a level-two (##) area heading"},
		{"letter in two areas", t2, t2 + "\n\n## Semantics\n\n| T3 | c | documented |", nil, `row T3 is under "Semantics" but T1 is under "Transport and envelope"`},
		{"no rows", t1 + "\n" + t2, "", nil, "mini.md: no contract rows found"},
		{"ledger neither", ie, "| `InternalError` | maybe later |", nil, "mini.md:21: code InternalError is neither produced nor unreachable"},
		{"ledger cell count", ie, "| `InternalError` | produced by: T1 | x |", nil, "mini.md:21: error code line \"`InternalError`\" has 3 cells; want 2"},
		{"ledger bad code", ie, "| Internal Error | produced by: T1 |", nil, `mini.md:21: "Internal Error" is not an error code`},
		{"ledger unknown row", mp, "| `MissingParameter` | produced by: T1, T7 |", nil, "mini.md:22: code MissingParameter: produced by T7, which is not a row of the contract"},
		{"ledger bad row id", mp, "| `MissingParameter` | produced by: T1, X1 |", nil, `mini.md:22: code MissingParameter: "X1" in "produced by:" is not a row id`},
		{"ledger empty produced", mp, "| `MissingParameter` | produced by: |", nil, `mini.md:22: code MissingParameter: "" in "produced by:" is not a row id`},
		{"ledger no reason", ie, "| `InternalError` | not reachable from ListJobs input: |", nil, "mini.md:21: code InternalError: \"not reachable from ListJobs input:\" gives no reason"},
		{"code not in table", mp, mp + "\n| `Bogus` | produced by: T1 |", nil, "mini.md:23: code Bogus is not in the ListJobs error table"},
		{"table code missing", mp + "\n", "", nil, "mini.md: the ledger has no entry for 1 code(s) of the ListJobs error table: MissingParameter"},
		{"table order", ie + "\n" + mp, mp + "\n" + ie, nil, "mini.md:21: code MissingParameter is out of order: the ListJobs page lists InternalError at position 1"},
		{"duplicate code", mp, mp + "\n" + mp, nil, "mini.md:23: code MissingParameter has two ledger entries (first at line 22)"},
		{"common code in table", ia, "| `InternalError` | produced by: T2 |", nil, `mini.md:28: code InternalError has two ledger entries`},
		{"common code of the table", ia, ia, []string{"InternalError", "MissingParameter", "InvalidAction"}, `code InvalidAction is in the ListJobs error table; move it to "ListJobs error table"`},
		{"common unreachable", ia, "| `InvalidAction` | not reachable from ListJobs input: r |", nil, "mini.md:28: code InvalidAction: a common code is listed because rows produce it; it cannot be unreachable"},
		{"no ledger", tabH, "### Another table", nil, `mini.md: missing ledger`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, 1, strings.Count(miniMD, tc.old), "the test's old text must occur once")
			md := strings.Replace(miniMD, tc.old, tc.new, 1)
			table := tc.table
			if table == nil {
				table = miniTable
			}
			c, err := Parse("mini.md", []byte(md), table)
			require.Error(t, err)
			assert.Nil(t, c)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestParseReportsEveryProblem(t *testing.T) {
	md := strings.Replace(miniMD, "| T1 | A request. | documented: a page |", "| T1 | A request. | perhaps |", 1)
	md = strings.Replace(md, "| `InternalError` | not reachable from ListJobs input: a server fault |", "| `InternalError` | ? |", 1)
	_, err := Parse("mini.md", []byte(md), miniTable)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "mini.md:8: row T1: class cell")
	assert.Contains(t, err.Error(), "mini.md:21: code InternalError is neither produced nor unreachable")
}

// smallContract is a hand-built contract for the coverage tests: a documented and an
// assumed row, the two optional-capability rows, and a ledger with a produced, an
// unreachable and a common code.
func smallContract() *Contract {
	return &Contract{
		Rows: []Row{
			{ID: "T1", Area: "Transport and envelope", Class: Documented},
			{ID: "T2", Area: "Transport and envelope", Class: Assumed},
			{ID: "A7", Area: "Authentication", Class: Documented},
			{ID: "A8", Area: "Authentication", Class: Documented},
			{ID: "P4", Area: "Routing and parameters", Class: Documented},
		},
		Codes: []Code{
			{Name: "InternalError", Unreachable: "a server fault"},
			{Name: "MissingParameter", ProducedBy: []string{"P4"}},
			{Name: "AuthFailure.TokenFailure", ProducedBy: []string{"A8"}, Common: true},
		},
		TableCodes: []string{"InternalError", "MissingParameter"},
	}
}

const transportFeature = `@fixture
Feature: Transport

  @T1
  Scenario: a plain POST
    When I send a POST
    Then the answer is a success

  Rule: guesses
    @T2 @assumed
    Scenario: a guess
      Then something assumed holds

  @T1 @fault-injection
  Scenario Outline: every code by fault injection
    When I list the user store "<store>"
    Then the error code is "<code>"

    Examples:
      | store                     | code             |
      | us-fault-internalerror    | InternalError    |
      | us-fault-missingparameter | MissingParameter |
`

const authFeature = `Feature: Authentication and parameters

  @A7 @signature-v1
  Scenario: signature v1 is accepted
    Then the answer is a success

  @A8 @token
  Scenario: a wrong token
    Then the error code is "AuthFailure.TokenFailure"

  @P4
  Scenario Outline: no user store
    When I send the body <body>
    Then the answer is an error:
      | code             |
      | MissingParameter |

    Examples:
      | body |
      | {}   |
`

func smallFeatures(replace ...string) fstest.MapFS {
	files := map[string]string{"transport.feature": transportFeature, "sub/auth.feature": authFeature}
	for i := 0; i+1 < len(replace); i += 2 {
		n := 0
		for name, text := range files {
			if c := strings.Count(text, replace[i]); c > 0 {
				n += c
				files[name] = strings.Replace(text, replace[i], replace[i+1], 1)
			}
		}
		if n != 1 {
			panic(fmt.Sprintf("test fixture: %q occurs %d times; want once", replace[i], n))
		}
	}
	fsys := fstest.MapFS{"README.md": {Data: []byte("not a feature")}}
	for name, text := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(text)}
	}
	return fsys
}

func TestCoverageCompleteSetPasses(t *testing.T) {
	r, err := smallContract().Coverage(smallFeatures())
	require.NoError(t, err)
	assert.NoError(t, r.Err())
	assert.Equal(t, 2, r.Files)
	assert.Equal(t, 6, r.Scenarios)
}

func TestCoverageTagInheritancePasses(t *testing.T) {
	for name, replace := range map[string][]string{
		// Rule tags apply to the scenarios of the rule.
		"rule tags": {"  Rule: guesses\n    @T2 @assumed\n    Scenario: a guess", "  @T2 @assumed\n  Rule: guesses\n    Scenario: a guess"},
		// Examples tags apply to the rows of their block.
		"examples tags": {"  @P4\n  Scenario Outline: no user store", "  Scenario Outline: no user store",
			"    Examples:\n      | body |", "    @P4\n    Examples:\n      | body |"},
		// Feature tags apply to every scenario of the feature.
		"feature tags": {"Feature: Authentication and parameters", "@P4\nFeature: Authentication and parameters"},
		// The fault-injection tag on the Examples block marks the outline.
		"fault tag on examples": {"  @T1 @fault-injection\n  Scenario Outline", "  @T1\n  Scenario Outline",
			"    Examples:\n      | store", "    @fault-injection\n    Examples:\n      | store"},
		// The assumed tag may sit on the block that carries the assumed row.
		"assumed on examples": {"  @P4\n  Scenario Outline: no user store", "  @P4\n  Scenario Outline: no user store",
			"    Examples:\n      | body |\n      | {}   |\n", "    Examples:\n      | body |\n      | {}   |\n\n    @T2 @assumed\n    Examples: guessed\n      | body |\n      | []   |\n"},
	} {
		t.Run(name, func(t *testing.T) {
			r, err := smallContract().Coverage(smallFeatures(replace...))
			require.NoError(t, err)
			assert.NoError(t, r.Err())
		})
	}
}

// TestCoverageDetectsEachKind proves that every check can fail: each case breaks the
// complete set in one way and expects exactly that kind of problem.
func TestCoverageDetectsEachKind(t *testing.T) {
	tests := []struct {
		name     string
		contract func(*Contract)
		features fstest.MapFS
		kind     Kind
		want     string
	}{
		{
			name:     "row without scenario",
			features: smallFeatures("@T2 @assumed", "@T1"),
			kind:     KindUncoveredRow, want: "row T2 (Transport and envelope, assumed) has no scenario tagged @T2",
		},
		{
			name:     "row tag that names no row",
			features: smallFeatures("  @T1\n  Scenario: a plain POST", "  @T1 @T3\n  Scenario: a plain POST"),
			kind:     KindUnknownRowTag, want: "transport.feature:4: tag @T3 names no row of the contract",
		},
		{
			name:     "row tag on examples that names no row",
			features: smallFeatures("    Examples:\n      | body |", "    @R9\n    Examples:\n      | body |"),
			kind:     KindUnknownRowTag, want: "sub/auth.feature:18: tag @R9 names no row",
		},
		{
			name:     "assumed row without @assumed",
			features: smallFeatures("@T2 @assumed", "@T2"),
			kind:     KindMissingAssumed, want: `transport.feature:11: Scenario "a guess": tagged with assumed row(s) @T2 but not @assumed`,
		},
		{
			name: "assumed row on one examples block without @assumed",
			features: smallFeatures("    Examples:\n      | body |\n      | {}   |\n",
				"    Examples:\n      | body |\n      | {}   |\n\n    @T2\n    Examples: guessed\n      | body |\n      | []   |\n"),
			kind: KindMissingAssumed, want: `sub/auth.feature:23: Scenario Outline "no user store", Examples "guessed": tagged with assumed row(s) @T2`,
		},
		{
			name:     "@assumed without assumed row",
			features: smallFeatures("  @T1\n  Scenario: a plain POST", "  @T1 @assumed\n  Scenario: a plain POST"),
			kind:     KindStrayAssumed, want: `transport.feature:5: Scenario "a plain POST": tagged @assumed but with no assumed or mixed row (row tags: @T1)`,
		},
		{
			name:     "@assumed inherited from the feature",
			features: smallFeatures("Feature: Authentication and parameters", "@assumed @T2\nFeature: Authentication and parameters"),
			kind:     "", // checked below: no stray, because @T2 is inherited too
		},
		{
			name:     "@assumed on the feature reaches documented scenarios",
			features: smallFeatures("Feature: Authentication and parameters", "@assumed\nFeature: Authentication and parameters"),
			kind:     KindStrayAssumed, want: `sub/auth.feature:5: Scenario "signature v1 is accepted": tagged @assumed but with no assumed or mixed row (row tags: @A7)`,
		},
		{
			name:     "scenario without row tag",
			features: smallFeatures("  @A7 @signature-v1\n", "  @fixture\n  Scenario: untagged\n    Then nothing\n\n  @A7 @signature-v1\n"),
			kind:     KindNoRowTag, want: `sub/auth.feature:4: Scenario "untagged": no row tag (@T1 ... @R3)`,
		},
		{
			name:     "A7 without @signature-v1",
			features: smallFeatures("@A7 @signature-v1", "@A7"),
			kind:     KindMissingCapability, want: "tagged @A7, an optional capability, but not @signature-v1",
		},
		{
			name:     "A8 without @token",
			features: smallFeatures("@A8 @token", "@A8"),
			kind:     KindMissingCapability, want: "tagged @A8, an optional capability, but not @token",
		},
		{
			name:     "produced code not expected (quoted string)",
			features: smallFeatures(`"AuthFailure.TokenFailure"`, `"AuthFailure.TokenFailures"`),
			kind:     KindCodeNotExpected, want: "code AuthFailure.TokenFailure is produced by A8, but no scenario tagged with one of them expects it",
		},
		{
			name:     "produced code not expected (table cell)",
			features: smallFeatures("      | MissingParameter |\n\n", "      | missing          |\n\n"),
			kind:     KindCodeNotExpected, want: "code MissingParameter is produced by P4",
		},
		{
			name: "produced code named only by a scenario of another row",
			// The fault-injection outline names MissingParameter, but it is not tagged @P4.
			features: smallFeatures("      | MissingParameter |\n\n", "      | UnknownParameter |\n\n"),
			kind:     KindCodeNotExpected, want: "code MissingParameter is produced by P4",
		},
		{
			name:     "table code neither produced nor unreachable",
			contract: func(c *Contract) { c.Codes[0].Unreachable = "" },
			features: smallFeatures(),
			kind:     KindCodeUnaccounted, want: "code InternalError is neither produced by a row nor marked unreachable",
		},
		{
			name:     "table code without ledger entry",
			contract: func(c *Contract) { c.Codes = c.Codes[1:] },
			features: smallFeatures(),
			kind:     KindCodeUnaccounted, want: "code InternalError of the ListJobs error table has no ledger entry",
		},
		{
			name:     "table code both produced and unreachable",
			contract: func(c *Contract) { c.Codes[0].ProducedBy = []string{"T1"} },
			features: smallFeatures(),
			kind:     KindCodeUnaccounted, want: "code InternalError is both produced by T1 and marked unreachable",
		},
		{
			name:     "ledger cites an unknown row",
			contract: func(c *Contract) { c.Codes[2].ProducedBy = []string{"A8", "A9"} },
			features: smallFeatures(),
			kind:     KindCodeUnaccounted, want: "code AuthFailure.TokenFailure is produced by A9, which is not a row of the contract",
		},
		{
			name:     "fault-injection outline misses a code",
			features: smallFeatures("      | us-fault-internalerror    | InternalError    |\n", ""),
			kind:     KindFaultCoverage, want: `transport.feature:15: Scenario Outline "every code by fault injection": @fault-injection outline lacks example rows for 1 code(s) of the ListJobs error table: InternalError`,
		},
		{
			name:     "no fault-injection outline",
			features: smallFeatures("@T1 @fault-injection", "@T1"),
			kind:     KindFaultCoverage, want: "no Scenario Outline tagged @fault-injection: the 2 codes of the ListJobs error table are not checked",
		},
		{
			name:     "feature file that does not parse",
			features: smallFeatures("    When I send a POST\n", "    When I send a POST\n  Examples without outline\n    | a |\n"),
			kind:     KindFeatureParse, want: "transport.feature: does not parse",
		},
		{
			name:     "no feature file",
			features: fstest.MapFS{"README.md": {Data: []byte("x")}},
			kind:     KindNoFeatures, want: "no .feature file found",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := smallContract()
			if tc.contract != nil {
				tc.contract(c)
			}
			r, err := c.Coverage(tc.features)
			require.NoError(t, err)
			if tc.kind == "" {
				assert.NoError(t, r.Err())
				return
			}
			require.Error(t, r.Err())
			assert.Positive(t, r.Count(tc.kind), "want a %s problem in:\n%v", tc.kind, r.Err())
			assert.Contains(t, r.Err().Error(), tc.want)
			if tc.kind != KindFeatureParse && tc.kind != KindNoFeatures {
				// Only the broken rule fires; the rest of the set stays clean.
				for _, p := range r.Problems {
					assert.Equal(t, tc.kind, p.Kind, "unexpected problem: %s", p)
				}
			}
		})
	}
}

func TestCoverageListsEveryProblemAtOnce(t *testing.T) {
	r, err := smallContract().Coverage(smallFeatures(
		"@T2 @assumed", "@T2",
		"@A8 @token", "@A8",
		`"AuthFailure.TokenFailure"`, `"x"`,
	))
	require.NoError(t, err)
	for _, k := range []Kind{KindMissingAssumed, KindMissingCapability, KindCodeNotExpected} {
		assert.Equal(t, 1, r.Count(k), k)
	}
	msg := r.Err().Error()
	assert.True(t, strings.HasPrefix(msg, "contract coverage: 3 problem(s) in 2 feature file(s), 6 scenario(s):"), msg)
	assert.Equal(t, 4, strings.Count(msg, "\n")+1, msg)
}

// TestCheckCoverageUsesRealContract runs the entry point on an empty set: every one of
// the 49 rows is reported as uncovered.
func TestCheckCoverageUsesRealContract(t *testing.T) {
	err := CheckCoverage(fstest.MapFS{})
	require.Error(t, err)
	msg := err.Error()
	assert.Contains(t, msg, "no .feature file found")
	assert.Equal(t, 49, strings.Count(msg, "has no scenario tagged"))
	assert.Contains(t, msg, "row R3 (Rate limit, assumed) has no scenario tagged @R3")
	assert.Contains(t, msg, "no Scenario Outline tagged @fault-injection: the 28 codes")
	assert.Contains(t, msg, "code AuthFailure.SignatureExpire is produced by A3")
}
