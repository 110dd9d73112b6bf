package mutation

// The second measure of the suite (MUTATION.md): gremlins' mechanical mutants of the
// reference emulator, judged by the conformance suite alone. gremlins reports each
// mutant KILLED, LIVED, NOT COVERED, TIMED OUT or NOT VIABLE; a survivor (LIVED) is
// either a gap of the suite or a change the contract cannot see. The ledger
// (mechanical.tsv) explains the second kind, one source line and operator at a time,
// so that a survivor nobody explained stands out, and an explanation whose mutant is
// gone (killed by a new check, or the code changed) does too.

import (
	"bufio"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strings"
)

// MechanicalLedger is the ledger of explained survivors: mechanical.tsv.
//
//go:embed mechanical.tsv
var MechanicalLedger string

// Verdicts of the ledger: what makes a survivor no gap of the suite.
const (
	// VerdictEquivalent: the change cannot be seen through the API, or the contract
	// allows both behaviours.
	VerdictEquivalent = "equivalent"
	// VerdictUnreachable: no request a client can send reaches the changed code with a
	// value that tells the two apart.
	VerdictUnreachable = "unreachable"
)

// Explanation is one entry of the ledger: the survivors of one operator on one source
// line (its text, without the surrounding white space) of one file.
type Explanation struct {
	File    string // as gremlins names it, relative to the package: "params.go"
	Mutator string // gremlins' name: CONDITIONALS_BOUNDARY, ARITHMETIC_BASE...
	Verdict string // VerdictEquivalent or VerdictUnreachable
	Source  string // the line, trimmed
	Reason  string
}

func (x Explanation) key() string { return x.File + "\x00" + x.Mutator + "\x00" + x.Source }

// Survivor is a mutant that lived, with its explanation if the ledger has one.
type Survivor struct {
	File      string
	Line      int
	Column    int
	Mutator   string
	Source    string // the mutated line, trimmed
	Explained *Explanation
}

// MechanicalScore is a gremlins run read against the ledger.
type MechanicalScore struct {
	Killed, Lived, NotCovered, TimedOut, NotViable int
	// Survivors are every LIVED mutant, in file and line order.
	Survivors []Survivor
	// Stale are the ledger's entries that explain no survivor of this run: their
	// mutant was killed, or their line changed. They are to be removed or rewritten.
	Stale []Explanation
}

// Efficacy is gremlins' own figure: killed / (killed + lived), in percent.
func (s MechanicalScore) Efficacy() float64 { return percent(s.Killed, s.Killed+s.Lived) }

// Explained counts the survivors the ledger explains.
func (s MechanicalScore) Explained() int {
	n := 0
	for _, v := range s.Survivors {
		if v.Explained != nil {
			n++
		}
	}
	return n
}

// Unexplained are the survivors the ledger does not explain: gaps of the suite until
// a check kills them or an entry explains them.
func (s MechanicalScore) Unexplained() []Survivor {
	var out []Survivor
	for _, v := range s.Survivors {
		if v.Explained == nil {
			out = append(out, v)
		}
	}
	return out
}

// Score is the mutation score with the explained survivors left out, as a mutation
// score leaves out equivalent mutants: killed / (killed + unexplained survivors).
func (s MechanicalScore) Score() float64 {
	return percent(s.Killed, s.Killed+len(s.Unexplained()))
}

// ParseLedger reads the ledger: tab-separated file, mutator, verdict, source line and
// reason; blank lines and lines starting with '#' are comments.
func ParseLedger(text string) ([]Explanation, error) {
	var out []Explanation
	seen := map[string]int{}
	sc := bufio.NewScanner(strings.NewReader(text))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 5 {
			return nil, fmt.Errorf("ledger line %d: want 5 tab-separated fields (file, mutator, verdict, source, reason), got %d", n, len(f))
		}
		x := Explanation{File: f[0], Mutator: f[1], Verdict: f[2], Source: strings.TrimSpace(f[3]), Reason: strings.TrimSpace(f[4])}
		switch {
		case x.File == "" || x.Mutator == "" || x.Source == "":
			return nil, fmt.Errorf("ledger line %d: file, mutator and source must not be empty", n)
		case x.Verdict != VerdictEquivalent && x.Verdict != VerdictUnreachable:
			return nil, fmt.Errorf("ledger line %d: verdict %q: want %q or %q", n, x.Verdict, VerdictEquivalent, VerdictUnreachable)
		case x.Reason == "":
			return nil, fmt.Errorf("ledger line %d: an explanation needs its reason", n)
		}
		if first, dup := seen[x.key()]; dup {
			return nil, fmt.Errorf("ledger line %d: the same file, mutator and source as line %d", n, first)
		}
		seen[x.key()] = n
		out = append(out, x)
	}
	return out, sc.Err()
}

// gremlinsReport is the part of gremlins' --output JSON that is read.
type gremlinsReport struct {
	Files []struct {
		FileName  string `json:"file_name"`
		Mutations []struct {
			Type   string `json:"type"`
			Status string `json:"status"`
			Line   int    `json:"line"`
			Column int    `json:"column"`
		} `json:"mutations"`
	} `json:"files"`
}

// ScoreMechanical reads a gremlins report against the ledger; src holds the sources
// the report names (the emulator package), to read each survivor's line.
func ScoreMechanical(report io.Reader, ledger []Explanation, src fs.FS) (MechanicalScore, error) {
	var rep gremlinsReport
	dec := json.NewDecoder(report)
	if err := dec.Decode(&rep); err != nil {
		return MechanicalScore{}, fmt.Errorf("the gremlins report is not its JSON: %v", err)
	}
	byKey := map[string]*Explanation{}
	for i := range ledger {
		byKey[ledger[i].key()] = &ledger[i]
	}
	used := map[string]bool{}
	var s MechanicalScore
	for _, f := range rep.Files {
		var lines []string
		for _, m := range f.Mutations {
			switch m.Status {
			case "KILLED":
				s.Killed++
				continue
			case "NOT COVERED":
				s.NotCovered++
				continue
			case "TIMED OUT":
				s.TimedOut++
				continue
			case "NOT VIABLE":
				s.NotViable++
				continue
			case "LIVED":
			default:
				return MechanicalScore{}, fmt.Errorf("%s:%d: unknown gremlins status %q", f.FileName, m.Line, m.Status)
			}
			s.Lived++
			if lines == nil {
				b, err := fs.ReadFile(src, f.FileName)
				if err != nil {
					return MechanicalScore{}, fmt.Errorf("reading the mutated source: %v", err)
				}
				lines = strings.Split(string(b), "\n")
			}
			if m.Line < 1 || m.Line > len(lines) {
				return MechanicalScore{}, fmt.Errorf("%s:%d: no such line (is the report of other sources?)", f.FileName, m.Line)
			}
			v := Survivor{File: f.FileName, Line: m.Line, Column: m.Column, Mutator: m.Type, Source: strings.TrimSpace(lines[m.Line-1])}
			k := Explanation{File: v.File, Mutator: v.Mutator, Source: v.Source}.key()
			if x, ok := byKey[k]; ok {
				v.Explained, used[k] = x, true
			}
			s.Survivors = append(s.Survivors, v)
		}
	}
	for _, x := range ledger {
		if !used[x.key()] {
			s.Stale = append(s.Stale, x)
		}
	}
	slices.SortFunc(s.Survivors, cmpSurvivor)
	return s, nil
}

func cmpSurvivor(a, b Survivor) int {
	if c := strings.Compare(a.File, b.File); c != 0 {
		return c
	}
	if a.Line != b.Line {
		return a.Line - b.Line
	}
	return a.Column - b.Column
}

// WriteMechanical writes the score as Markdown: the figures, then every unexplained
// survivor, then the stale entries of the ledger.
func WriteMechanical(w io.Writer, s MechanicalScore) error {
	b := &strings.Builder{}
	fmt.Fprintf(b, "| measure | value |\n|---|---:|\n")
	fmt.Fprintf(b, "| killed | %d |\n| lived | %d |\n| of which explained in the ledger (equivalent or unreachable) | %d |\n", s.Killed, s.Lived, s.Explained())
	fmt.Fprintf(b, "| lived and unexplained | %d |\n| not covered by the suite | %d |\n| timed out (counted neither way) | %d |\n", len(s.Unexplained()), s.NotCovered, s.TimedOut)
	fmt.Fprintf(b, "| efficacy, gremlins' figure: killed / (killed + lived) | %.1f%% |\n", s.Efficacy())
	fmt.Fprintf(b, "| **score**: killed / (killed + unexplained survivors) | **%.1f%%** |\n", s.Score())
	if u := s.Unexplained(); len(u) > 0 {
		fmt.Fprintf(b, "\nUnexplained survivors (a gap of the suite, or an entry missing from mutation/mechanical.tsv):\n\n")
		for _, v := range u {
			fmt.Fprintf(b, "- `%s:%d:%d` %s: `%s`\n", v.File, v.Line, v.Column, v.Mutator, v.Source)
		}
	}
	if len(s.Stale) > 0 {
		fmt.Fprintf(b, "\nStale entries of the ledger (no survivor of this run; remove or rewrite them):\n\n")
		for _, x := range s.Stale {
			fmt.Fprintf(b, "- %s %s: `%s`\n", x.File, x.Mutator, x.Source)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
