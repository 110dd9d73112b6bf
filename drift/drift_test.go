package drift

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	listjobs "github.com/ciam-harness/listjobs"
	"github.com/ciam-harness/listjobs/contract"
	"github.com/ciam-harness/listjobs/schemas"
)

func contractRows(t *testing.T) []contract.Row {
	t.Helper()
	rows, err := contract.Rows()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// testModels are the four models of testdata/, the excerpts of the installed clients.
func testModels(t *testing.T) []Model {
	t.Helper()
	node, err := FromNode(readTestdata(t, "ciam_models.d.ts"), "node")
	if err != nil {
		t.Fatal(err)
	}
	python, err := FromPython(readTestdata(t, "models.py"), "python")
	if err != nil {
		t.Fatal(err)
	}
	java, err := FromJava(os.DirFS("testdata/java"), "java")
	if err != nil {
		t.Fatal(err)
	}
	tccli, err := FromTCCLI(readTestdata(t, "api.json"), "tccli")
	if err != nil {
		t.Fatal(err)
	}
	return []Model{node, python, java, tccli}
}

func reference(t *testing.T) Model {
	t.Helper()
	ref, err := FromSchemas(schemas.FS)
	if err != nil {
		t.Fatal(err)
	}
	return ref
}

func explained(t *testing.T, data []byte) []*Explanation {
	t.Helper()
	entries, err := ParseExplained(data, contractRows(t), Clients)
	if err != nil {
		t.Fatal(err)
	}
	return entries
}

// The checked-in explanations explain every disagreement of the four models of testdata/
// (the clients' pinned versions) and none is stale.
func TestExplainedCoversTestdata(t *testing.T) {
	v := Judge(reference(t), testModels(t), explained(t, Explained))
	for _, d := range v.Unexplained() {
		t.Errorf("not explained: %s", d)
	}
	for _, s := range v.Stale {
		t.Errorf("%s", s)
	}
	if len(v.Unjudged) > 0 {
		t.Errorf("%d entries name no model of testdata", len(v.Unjudged))
	}
	if len(v.Judged) == 0 {
		t.Fatal("no disagreement at all: the comparison compares nothing")
	}
}

// The judgement has power: a model that drifts further is caught, and an explanation of a
// disagreement that went away is stale.
func TestJudgeFailsOnDrift(t *testing.T) {
	ref := reference(t)
	entries := explained(t, Explained)
	models := testModels(t)
	change := func(model, path string, edit func(*Field)) []Model {
		out := make([]Model, len(models))
		found := false
		for i, m := range models {
			out[i] = Model{Name: m.Name, Source: m.Source, Fields: append([]Field(nil), m.Fields...)}
			if m.Name != model {
				continue
			}
			for j := range out[i].Fields {
				if out[i].Fields[j].Path() == path {
					edit(&out[i].Fields[j])
					found = true
				}
			}
		}
		if !found {
			t.Fatalf("no %s in %s", path, model)
		}
		return out
	}
	drop := func(model, path string) []Model {
		out := change(model, path, func(*Field) {})
		for i := range out {
			if out[i].Name != model {
				continue
			}
			var kept []Field
			for _, f := range out[i].Fields {
				if f.Path() != path {
					kept = append(kept, f)
				}
			}
			out[i].Fields = kept
		}
		return out
	}
	cases := []struct {
		name        string
		models      []Model
		unexplained string // the disagreement that must be found, as Disagreement.String
		stale       string // or the stale entry's field and model
	}{
		{"a type changes", change("java", "Job.CreatedDate", func(f *Field) { f.Type = "int32" }),
			"Job.CreatedDate type: java says int32, the contract integer", ""},
		{"an output turns optional", change("tccli", "Job.Status", func(f *Field) { f.Required = No }),
			"Job.Status required: tccli says no, the contract yes", ""},
		{"an input turns optional", change("node", "ListJobsRequest.UserStoreId", func(f *Field) { f.Required = No }),
			"ListJobsRequest.UserStoreId required: node says no, the contract yes", ""},
		{"a nullable field turns not nullable", change("python", "Job.Location", func(f *Field) { f.Nullable = No }),
			"Job.Location nullable: python says no, the contract yes", ""},
		{"a field goes", drop("tccli", "Job.Format"),
			"Job.Format presence: tccli says absent, the contract present", ""},
		{"a field comes", append(testModels(t)[:3], Model{Name: "tccli", Fields: append(testModels(t)[3].Fields,
			Field{Struct: "Job", Name: "Owner", Type: "string", Required: No, Nullable: Yes})}),
			"Job.Owner presence: tccli says present, the contract absent", ""},
		{"an explained disagreement goes", change("node", "Job.CreatedDate", func(f *Field) { f.Type = "integer" }),
			"", "Job.CreatedDate node"},
		{"an explained nullable is fixed", change("tccli", "ListJobsResponse.JobSet", func(f *Field) { f.Nullable = Yes }),
			"", "ListJobsResponse.JobSet tccli"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := Judge(ref, c.models, entries)
			if v.OK() {
				t.Fatal("the verdict is OK")
			}
			var got []string
			for _, d := range v.Unexplained() {
				got = append(got, d.String())
			}
			for _, s := range v.Stale {
				got = append(got, "stale "+s.Field+" "+s.Model)
			}
			w := c.unexplained
			if c.stale != "" {
				w = "stale " + c.stale
			}
			if strings.Join(got, "; ") != w {
				t.Errorf("found %q, want exactly %q", got, w)
			}
		})
	}
}

// An entry that names only models that were not read is neither confirmed nor stale.
func TestJudgeUnreadModels(t *testing.T) {
	models := testModels(t)
	var noJava []Model
	for _, m := range models {
		if m.Name != "java" {
			noJava = append(noJava, m)
		}
	}
	entries := explained(t, []byte(strings.Join(explainedHeader, "\t")+"\n"+
		"Job.CreatedDate\ttype\tjava\tint32\tinteger\tJ4\ta reason\n"))
	v := Judge(reference(t), noJava, entries)
	if len(v.Stale) != 0 || len(v.Unjudged) != 1 {
		t.Errorf("stale %v, unjudged %d; want no stale and one unjudged", v.Stale, len(v.Unjudged))
	}
	v = Judge(reference(t), models, entries)
	if len(v.Stale) != 1 {
		t.Errorf("with java read, stale %v; want the entry stale", v.Stale)
	}
}

func TestParseExplainedRefuses(t *testing.T) {
	rows := contractRows(t)
	head := strings.Join(explainedHeader, "\t") + "\n"
	line := func(cells ...string) string { return head + strings.Join(cells, "\t") + "\n" }
	cases := []struct{ name, data, want string }{
		{"no header", "# only a comment\n", "no header"},
		{"other header", "a\tb\n", "the header must be"},
		{"too few cells", line("Job.Id", "type", "node"), "3 cells"},
		{"empty cell", line("Job.Id", "type", "node", "x", "y", "J1", " "), "reason cell is empty"},
		{"aspect", line("Job.Id", "colour", "node", "x", "y", "J1", "r"), `aspect "colour"`},
		{"field", line("Job", "type", "node", "x", "y", "J1", "r"), `field "Job"`},
		{"struct", line("User.Id", "type", "node", "x", "y", "J1", "r"), `field "User.Id"`},
		{"model", line("Job.Id", "type", "ruby", "x", "y", "J1", "r"), `model "ruby"`},
		{"row", line("Job.Id", "type", "node", "x", "y", "J99", "r"), `row "J99" is no row`},
		{"twice", line("Job.Id", "type", "node,java", "x", "y", "J1", "r") + strings.Join([]string{"Job.Id", "type", "java", "z", "y", "J1", "r"}, "\t") + "\n",
			"Job.Id type of java is already explained on line 2"},
	}
	for _, c := range cases {
		_, err := ParseExplained([]byte(c.data), rows, Clients)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error with %q", c.name, err, c.want)
		}
	}
}

// CONTRACT.md names the file of explanations, and a row of it names every field of the
// contract's model: the CONTRACT.md column is never empty.
func TestContractNamesFields(t *testing.T) {
	if !bytes.Contains(listjobs.Contract, []byte(ExplainedFile)) {
		t.Errorf("CONTRACT.md does not name %s", ExplainedFile)
	}
	rows := contractRows(t)
	for _, f := range reference(t).Fields {
		if len(Rows(rows, f)) == 0 {
			t.Errorf("no row of CONTRACT.md names %s", f.Path())
		}
	}
	if got := Rows(rows, Field{Struct: "Job", Name: "CreatedDate"}); strings.Join(got, " ") != "J4" {
		t.Errorf("the rows of Job.CreatedDate are %v, want J4", got)
	}
	// T7's "Error" is the error envelope's, not ErrorDetails'.
	if got := Rows(rows, Field{Struct: "ErrorDetails", Name: "Error"}); strings.Join(got, " ") != "J7" {
		t.Errorf("the rows of ErrorDetails.Error are %v, want J7", got)
	}
}

// The installed clients (make drivers) agree with the contract but for what
// explained.tsv explains. A client not installed is skipped, and fails under CI, where
// make drivers installed every client of drivers/.
func TestInstalledClients(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	strict := os.Getenv("CI") != ""
	r, err := Run(schemas.FS, contractRows(t), Explained, Options{Root: root}, strict)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	r.WriteText(&out)
	for _, s := range r.Sources {
		if s.Model == nil {
			t.Logf("%s: not compared: %s", s.Name, s.Absent)
		}
	}
	if !r.OK() {
		t.Fatalf("the drift fails:\n%s", out.String())
	}
	if len(r.models()) == 0 {
		t.Skip("no client installed (make drivers): the installed models are not compared")
	}
}

// Under strict (CI), a client the repository installs (drivers/NAME/install) that is not
// installed fails the drift; otherwise it is skipped. A client without an install script
// is never missing.
func TestStrictMissingClient(t *testing.T) {
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "drivers", "node"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "drivers", "node", "install"), []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, strict := range []bool{false, true} {
		r, err := Run(schemas.FS, contractRows(t), Explained, Options{Root: root, M2: t.TempDir()}, strict)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, m := range r.Missing {
			names = append(names, m.Name)
		}
		if want := map[bool]string{false: "", true: "node"}[strict]; strings.Join(names, ",") != want || r.OK() == strict {
			t.Errorf("strict %v: missing %v, OK %v; want missing %q", strict, names, r.OK(), want)
		}
	}
}

// Without drivers/java's unpacked sources, the Java model is read from the sources jar of
// the version drivers/java/pom.xml pins, in the local Maven repository.
func TestJavaFromSourcesJar(t *testing.T) {
	root, m2 := t.TempDir(), t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "drivers", "java"), 0o755); err != nil {
		t.Fatal(err)
	}
	pom := "<project><properties><sdk.version>9.9.9</sdk.version></properties></project>"
	if err := os.WriteFile(filepath.Join(root, "drivers", "java", "pom.xml"), []byte(pom), 0o644); err != nil {
		t.Fatal(err)
	}
	_, absent, err := loadJava(Options{Root: root, M2: m2})
	if err != nil || !strings.Contains(absent, "tencentcloud-sdk-java-9.9.9-sources.jar") {
		t.Fatalf("without the jar: absent %q, err %v; want it named", absent, err)
	}
	dir := filepath.Join(m2, "com/tencentcloudapi/tencentcloud-sdk-java/9.9.9")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(filepath.Join(dir, "tencentcloud-sdk-java-9.9.9-sources.jar"))
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for _, s := range Structs {
		w, err := zw.Create(JavaModels + "/" + s + ".java")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(readTestdata(t, "java/"+s+".java")); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	m, absent, err := loadJava(Options{Root: root, M2: m2})
	if err != nil || absent != "" {
		t.Fatalf("absent %q, err %v", absent, err)
	}
	want(t, m, generated...)
	if m.Source != "tencentcloud-sdk-java 9.9.9 sources jar" {
		t.Errorf("source %q", m.Source)
	}
}
