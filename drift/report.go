package drift

import (
	"fmt"
	"io"
	"io/fs"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/ciam-harness/listjobs/contract"
)

// Report is one drift run: the contract's model, each client's, and the verdict.
type Report struct {
	Ref     Model
	Rows    map[string][]string // field path -> the CONTRACT.md rows that name it
	Sources []Source
	Verdict Verdict
	// Missing lists the clients the repository installs that were not read, when that is
	// a failure (Strict).
	Missing []Source
}

// Run reads the contract's model from schemasFS and CONTRACT.md's rows, every installed
// client, and judges them against explained (the contents of explained.tsv). Under strict
// (CI), an expected client that is absent fails the report.
func Run(schemasFS fs.FS, rows []contract.Row, explained []byte, opt Options, strict bool) (*Report, error) {
	ref, err := FromSchemas(schemasFS)
	if err != nil {
		return nil, err
	}
	sources, err := Load(opt)
	if err != nil {
		return nil, err
	}
	entries, err := ParseExplained(explained, rows, Clients)
	if err != nil {
		return nil, err
	}
	r := &Report{Ref: ref, Rows: map[string][]string{}, Sources: sources}
	for _, f := range ref.Fields {
		r.Rows[f.Path()] = Rows(rows, f)
	}
	var models []Model
	for _, s := range sources {
		if s.Model != nil {
			models = append(models, *s.Model)
		} else if strict && s.Expected {
			r.Missing = append(r.Missing, s)
		}
	}
	r.Verdict = Judge(ref, models, entries)
	return r, nil
}

// OK says whether the drift passes: every disagreement explained, no stale entry, and
// (under strict) every expected client read.
func (r *Report) OK() bool { return r.Verdict.OK() && len(r.Missing) == 0 }

// models returns the models read, in column order.
func (r *Report) models() []Model {
	var out []Model
	for _, s := range r.Sources {
		if s.Model != nil {
			out = append(out, *s.Model)
		}
	}
	return out
}

// mark is the marker of a cell that disagrees: "*" explained, "!" unexplained.
func (r *Report) mark(path, aspect, model string) string {
	for _, j := range r.Verdict.Judged {
		if j.Field == path && j.Aspect == aspect && j.Model == model {
			if j.By != nil {
				return " *"
			}
			return " !"
		}
	}
	return ""
}

// showType is a field's type, with the model's spelling of a number when it says more
// (its width: Long, int64).
func showType(f Field) string {
	if f.Raw != "" && f.Raw != f.Type && (strings.Contains(f.Type, "integer") || strings.Contains(f.Type, "int32") || strings.Contains(f.Type, "number")) {
		return f.Type + " (" + f.Raw + ")"
	}
	return f.Type
}

// paths lists every field of the contract and of the models, the contract's first.
func (r *Report) paths() []Field {
	out := append([]Field(nil), r.Ref.Fields...)
	for _, m := range r.models() {
		for _, f := range m.Fields {
			if _, ok := r.Ref.Field(f.Struct, f.Name); ok {
				continue
			}
			dup := false
			for _, o := range out {
				dup = dup || o.Path() == f.Path()
			}
			if !dup {
				out = append(out, Field{Struct: f.Struct, Name: f.Name})
			}
		}
	}
	sortFields(out)
	return out
}

// table is the field-by-field table: a header, then three lines per field (type,
// required, nullable); the first line of a field names it and its contract rows.
func (r *Report) table() [][]string {
	head := []string{"field", "", "CONTRACT.md", "schemas"}
	models := r.models()
	for _, m := range models {
		head = append(head, m.Name)
	}
	out := [][]string{head}
	for _, f := range r.paths() {
		ref, inRef := r.Ref.Field(f.Struct, f.Name)
		for i, aspect := range []string{AspectType, AspectRequired, AspectNullable} {
			line := []string{"", aspect, "", ""}
			if i == 0 {
				line[0], line[2] = f.Path(), strings.Join(r.Rows[f.Path()], " ")
			}
			if inRef {
				line[3] = cell(ref, aspect)
			} else if i == 0 {
				line[3] = "absent"
			}
			for _, m := range models {
				mf, ok := m.Field(f.Struct, f.Name)
				switch {
				case ok:
					line = append(line, cell(mf, aspect)+r.mark(f.Path(), aspect, m.Name))
				case i == 0:
					line = append(line, "absent"+r.mark(f.Path(), AspectPresence, m.Name))
				default:
					line = append(line, "")
				}
			}
			if i == 0 && !inRef {
				// A field the model has and the contract has not is marked on its type line.
				for j, m := range models {
					if _, ok := m.Field(f.Struct, f.Name); ok {
						if mk := r.mark(f.Path(), AspectPresence, m.Name); mk != "" {
							line[4+j] += mk
						}
					}
				}
			}
			out = append(out, line)
		}
	}
	return out
}

func cell(f Field, aspect string) string {
	switch aspect {
	case AspectType:
		return showType(f)
	case AspectRequired:
		return f.Required.String()
	}
	return f.Nullable.String()
}

// WriteText writes the report for a terminal: the sources, the table, the disagreements
// and the verdict.
func (r *Report) WriteText(w io.Writer) {
	fmt.Fprintln(w, "== the ListJobs model of each client beside the contract ==")
	r.writeSources(w, "")
	fmt.Fprintln(w)
	t := r.table()
	// Each field: a line naming it and its rows, then one line per aspect, the cells
	// under the columns of the header (the table's columns without field and rows).
	cols := func(line []string) []string { return append([]string{line[1]}, line[3:]...) }
	widths := make([]int, len(t[0])-2)
	for _, line := range t {
		for i, c := range cols(line) {
			widths[i] = max(widths[i], utf8.RuneCountInString(c)+2)
		}
	}
	row := func(cells []string) string {
		var b strings.Builder
		for i, c := range cells {
			b.WriteString(c + strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c)))
		}
		return strings.TrimRight(b.String(), " ")
	}
	fmt.Fprintln(w, "  "+row(cols(t[0])))
	for _, line := range t[1:] {
		if line[0] != "" {
			rows := "no row names it"
			if line[2] != "" {
				rows = "CONTRACT.md " + line[2]
			}
			fmt.Fprintf(w, "%s (%s)\n", line[0], rows)
		}
		fmt.Fprintln(w, "  "+row(cols(line)))
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "yes/no: required, nullable; -: the model does not say; * explained in "+ExplainedFile+"; ! not explained")
	fmt.Fprintln(w)
	r.writeFindings(w, "")
	fmt.Fprintln(w)
	fmt.Fprintln(w, r.summary())
}

// WriteMarkdown writes the report as Markdown (out/drift.md).
func (r *Report) WriteMarkdown(w io.Writer) {
	fmt.Fprintln(w, "# The ListJobs model of each client beside the contract")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "`make drift` (cmd/drift). Each client's model of the Job, its elements, the request and the response, field")
	fmt.Fprintln(w, "by field, beside `schemas/` and the CONTRACT.md rows that name the field. Sources:")
	fmt.Fprintln(w)
	r.writeSources(w, "- ")
	fmt.Fprintln(w)
	t := r.table()
	fmt.Fprintln(w, "| "+strings.Join(t[0], " | ")+" |")
	fmt.Fprintln(w, strings.Repeat("|---", len(t[0]))+"|")
	for _, line := range t[1:] {
		cells := make([]string, len(line))
		for i, c := range line {
			cells[i] = strings.ReplaceAll(c, "|", `\|`)
			if i == 0 && c != "" {
				cells[i] = "`" + c + "`"
			}
		}
		fmt.Fprintln(w, "| "+strings.Join(cells, " | ")+" |")
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "yes/no: required, nullable; -: the model does not say; \\* explained in `"+ExplainedFile+"`; ! not explained.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "## Disagreements")
	fmt.Fprintln(w)
	r.writeFindings(w, "- ")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "**"+r.summary()+"**")
}

func (r *Report) writeSources(w io.Writer, bullet string) {
	for _, s := range r.Sources {
		if s.Model != nil {
			fmt.Fprintf(w, "%s%-7s %s\n", bullet, s.Name+":", s.Model.Source)
			continue
		}
		note := "skipped"
		for _, m := range r.Missing {
			if m.Name == s.Name {
				note = "MISSING (strict, as under CI, where make drivers installs every client)"
			}
		}
		fmt.Fprintf(w, "%s%-7s %s: %s\n", bullet, s.Name+":", note, s.Absent)
	}
}

// writeFindings lists the disagreements by entry (in the order of explained.tsv), then
// the unexplained, the stale and the unjudged entries.
func (r *Report) writeFindings(w io.Writer, bullet string) {
	var entries []*Explanation
	fields, models := map[*Explanation][]string{}, map[*Explanation][]string{}
	for _, j := range r.Verdict.Judged {
		e := j.By
		if e == nil {
			continue
		}
		if _, seen := fields[e]; !seen {
			entries = append(entries, e)
		}
		if !contains(fields[e], j.Field) {
			fields[e] = append(fields[e], j.Field)
		}
		if !contains(models[e], j.Model) {
			models[e] = append(models[e], j.Model)
		}
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Line < entries[j].Line })
	indent := "    "
	if bullet != "" {
		indent = "  "
	}
	for _, e := range entries {
		fmt.Fprintf(w, "%sexplained (%s:%d) %s of %s: %s %s, the contract %s\n", bullet, ExplainedFile, e.Line,
			e.Aspect, strings.Join(fields[e], ", "), strings.Join(models[e], ", "), e.Says, e.Contract)
		fmt.Fprintf(w, "%s%s: %s\n", indent, strings.Join(e.Rows, ", "), e.Reason)
	}
	for _, d := range r.Verdict.Unexplained() {
		fmt.Fprintf(w, "%sNOT EXPLAINED: %s (explain it in %s with its reason and rows, or change the contract)\n", bullet, d, ExplainedFile)
	}
	for _, s := range r.Verdict.Stale {
		fmt.Fprintf(w, "%sSTALE: %s\n", bullet, s)
	}
	for _, e := range r.Verdict.Unjudged {
		fmt.Fprintf(w, "%snot judged (%s:%d): %s not read\n", bullet, ExplainedFile, e.Line, strings.Join(e.Models, ", "))
	}
	for _, m := range r.Missing {
		fmt.Fprintf(w, "%sMISSING: %s: %s\n", bullet, m.Name, m.Absent)
	}
}

func (r *Report) summary() string {
	explained := len(r.Verdict.Judged) - len(r.Verdict.Unexplained())
	read := len(r.models())
	verdict := "PASS"
	if !r.OK() {
		verdict = "FAIL"
	}
	return fmt.Sprintf("drift: %d models read beside the contract, %d disagreements explained, %d not explained, %d stale explanations, %d clients missing: %s",
		read, explained, len(r.Verdict.Unexplained()), len(r.Verdict.Stale), len(r.Missing), verdict)
}
