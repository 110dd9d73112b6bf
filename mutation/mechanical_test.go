package mutation

import (
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every entry of the ledger names a line that stands in emulator/ today: an entry whose
// line changed must be rewritten (or dropped) with the change.
func TestLedgerNamesLinesOfTheEmulator(t *testing.T) {
	ledger, err := ParseLedger(MechanicalLedger)
	require.NoError(t, err)
	require.NotEmpty(t, ledger)
	files := map[string]map[string]bool{}
	for _, x := range ledger {
		if files[x.File] == nil {
			b, err := os.ReadFile("../emulator/" + x.File)
			require.NoError(t, err, "ledger entry %s %s", x.File, x.Mutator)
			files[x.File] = map[string]bool{}
			for _, l := range strings.Split(string(b), "\n") {
				files[x.File][strings.TrimSpace(l)] = true
			}
		}
		assert.True(t, files[x.File][x.Source], "ledger: %s has no line %q any more", x.File, x.Source)
	}
}

const fakeSource = "package p\n\nif a < b {\n\tx++\n}\nreturn a == b\n"

func fakeReport(statuses ...string) string {
	var b strings.Builder
	b.WriteString(`{"files":[{"file_name":"p.go","mutations":[`)
	for i, s := range statuses {
		if i > 0 {
			b.WriteString(",")
		}
		line := 3 + i%3
		b.WriteString(`{"type":"CONDITIONALS_BOUNDARY","status":"` + s + `","line":` + string(rune('0'+line)) + `,"column":4}`)
	}
	b.WriteString(`]}]}`)
	return b.String()
}

func TestScoreMechanical(t *testing.T) {
	src := fstest.MapFS{"p.go": {Data: []byte(fakeSource)}}
	ledger := []Explanation{
		{File: "p.go", Mutator: "CONDITIONALS_BOUNDARY", Verdict: VerdictEquivalent, Source: "if a < b {", Reason: "r"},
		{File: "p.go", Mutator: "CONDITIONALS_BOUNDARY", Verdict: VerdictEquivalent, Source: "gone()", Reason: "r"},
	}
	// lines 3, 4, 5, 3, 4, 5: LIVED on 3 (explained) and 4 (not), the rest other statuses.
	rep := fakeReport("LIVED", "LIVED", "KILLED", "KILLED", "NOT COVERED", "TIMED OUT")
	s, err := ScoreMechanical(strings.NewReader(rep), ledger, src)
	require.NoError(t, err)
	assert.Equal(t, 2, s.Killed)
	assert.Equal(t, 2, s.Lived)
	assert.Equal(t, 1, s.NotCovered)
	assert.Equal(t, 1, s.TimedOut)
	assert.Equal(t, 1, s.Explained())
	require.Len(t, s.Unexplained(), 1)
	assert.Equal(t, "x++", s.Unexplained()[0].Source)
	assert.Equal(t, 4, s.Unexplained()[0].Line)
	require.Len(t, s.Stale, 1)
	assert.Equal(t, "gone()", s.Stale[0].Source)
	assert.InDelta(t, 50.0, s.Efficacy(), 0.01)
	assert.InDelta(t, 200.0/3, s.Score(), 0.01)

	var md strings.Builder
	require.NoError(t, WriteMechanical(&md, s))
	assert.Contains(t, md.String(), "`p.go:4:4` CONDITIONALS_BOUNDARY: `x++`")
	assert.Contains(t, md.String(), "Stale entries")
	assert.Contains(t, md.String(), "| **score**: killed / (killed + unexplained survivors) | **66.7%** |")
}

func TestScoreMechanicalRefusesWhatItCannotRead(t *testing.T) {
	src := fstest.MapFS{"p.go": {Data: []byte(fakeSource)}}
	for name, rep := range map[string]string{
		"not JSON":       `{"files":`,
		"unknown status": fakeReport("SURVIVED"),
		"no such file":   strings.Replace(fakeReport("LIVED"), "p.go", "q.go", 1),
		"no such line":   strings.Replace(fakeReport("LIVED"), `"line":3`, `"line":99`, 1),
	} {
		_, err := ScoreMechanical(strings.NewReader(rep), nil, src)
		assert.Error(t, err, name)
	}
}

func TestParseLedger(t *testing.T) {
	good := "# comment\n\np.go\tARITHMETIC_BASE\tequivalent\t x := 1 \tbecause\n"
	l, err := ParseLedger(good)
	require.NoError(t, err)
	require.Len(t, l, 1)
	assert.Equal(t, "x := 1", l[0].Source)
	for name, text := range map[string]string{
		"four fields":   "p.go\tA\tequivalent\tx := 1\n",
		"bad verdict":   "p.go\tA\tkilled\tx := 1\tr\n",
		"no reason":     "p.go\tA\tequivalent\tx := 1\t \n",
		"no source":     "p.go\tA\tequivalent\t\tr\n",
		"given twice":   "p.go\tA\tequivalent\tx := 1\tr\np.go\tA\tunreachable\tx := 1\tr2\n",
		"empty mutator": "p.go\t\tequivalent\tx := 1\tr\n",
	} {
		_, err := ParseLedger(text)
		assert.Error(t, err, name)
	}
}
