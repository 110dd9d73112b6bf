package drift

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/ciam-harness/listjobs/schemas"
)

// want is a field as a test writes it: "Struct.Name type required nullable".
func want(t *testing.T, m Model, lines ...string) {
	t.Helper()
	var got []string
	for _, f := range m.Fields {
		got = append(got, f.Path()+" "+f.Type+" "+f.Required.String()+" "+f.Nullable.String())
	}
	if strings.Join(got, "\n") != strings.Join(lines, "\n") {
		t.Errorf("%s: the fields\n%s\nwant\n%s", m.Name, strings.Join(got, "\n"), strings.Join(lines, "\n"))
	}
}

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestFromSchemas(t *testing.T) {
	m, err := FromSchemas(schemas.FS)
	if err != nil {
		t.Fatal(err)
	}
	want(t, m,
		"Job.Id string yes no",
		"Job.Status string yes no",
		"Job.Type string yes no",
		"Job.CreatedDate integer yes no",
		"Job.Format string yes yes",
		"Job.Location string yes yes",
		"Job.ErrorDetails array<ErrorDetails> no yes",
		"Job.FailedUsers array<FailedUsers> no yes",
		"ErrorDetails.UserId string yes yes",
		"ErrorDetails.Error string yes no",
		"FailedUsers.FailedUserIdentification string yes yes",
		"FailedUsers.FailedReason string yes yes",
		"ListJobsRequest.UserStoreId string yes -",
		"ListJobsRequest.JobIds array<string> no -",
		"ListJobsResponse.JobSet array<Job> yes yes",
		"ListJobsResponse.RequestId string yes no",
	)
}

func TestFromTCCLI(t *testing.T) {
	m, err := FromTCCLI(readTestdata(t, "api.json"), "testdata/api.json")
	if err != nil {
		t.Fatal(err)
	}
	want(t, m,
		"Job.Id string yes no",
		"Job.Status string yes no",
		"Job.Type string yes no",
		"Job.CreatedDate integer yes no",
		"Job.Format string yes yes",
		"Job.Location string yes yes",
		"Job.ErrorDetails array<ErrorDetails> no no",
		"Job.FailedUsers array<FailedUsers> no yes",
		"ErrorDetails.UserId string yes no",
		"ErrorDetails.Error string yes no",
		"FailedUsers.FailedUserIdentification string yes no",
		"FailedUsers.FailedReason string yes no",
		"ListJobsRequest.UserStoreId string yes -",
		"ListJobsRequest.JobIds array<string> no -",
		"ListJobsResponse.JobSet array<Job> yes no",
		"ListJobsResponse.RequestId string - -",
	)
	if f, _ := m.Field("Job", "CreatedDate"); showType(f) != "integer (int64)" {
		t.Errorf("CreatedDate shows as %q, want integer (int64)", showType(f))
	}
}

// generated is what the Python and Java models say: no required, nullable from the note.
var generated = []string{
	"Job.Id string - no",
	"Job.Status string - no",
	"Job.Type string - no",
	"Job.CreatedDate integer - no",
	"Job.Format string - yes",
	"Job.Location string - yes",
	"Job.ErrorDetails array<ErrorDetails> - no",
	"Job.FailedUsers array<FailedUsers> - yes",
	"ErrorDetails.UserId string - no",
	"ErrorDetails.Error string - no",
	"FailedUsers.FailedUserIdentification string - no",
	"FailedUsers.FailedReason string - no",
	"ListJobsRequest.UserStoreId string - -",
	"ListJobsRequest.JobIds array<string> - -",
	"ListJobsResponse.JobSet array<Job> - no",
	"ListJobsResponse.RequestId string - no",
}

func TestFromPython(t *testing.T) {
	m, err := FromPython(readTestdata(t, "models.py"), "testdata/models.py")
	if err != nil {
		t.Fatal(err)
	}
	want(t, m, generated...)
}

func TestFromJava(t *testing.T) {
	m, err := FromJava(os.DirFS("testdata/java"), "testdata/java")
	if err != nil {
		t.Fatal(err)
	}
	want(t, m, generated...)
	if f, _ := m.Field("Job", "CreatedDate"); showType(f) != "integer (Long)" {
		t.Errorf("CreatedDate shows as %q, want integer (Long)", showType(f))
	}
}

func TestFromNode(t *testing.T) {
	m, err := FromNode(readTestdata(t, "ciam_models.d.ts"), "testdata/ciam_models.d.ts")
	if err != nil {
		t.Fatal(err)
	}
	want(t, m,
		"Job.Id string no no",
		"Job.Status string no no",
		"Job.Type string no no",
		"Job.CreatedDate number no no",
		"Job.Format string no yes",
		"Job.Location string no yes",
		"Job.ErrorDetails array<ErrorDetails> no no",
		"Job.FailedUsers array<FailedUsers> no yes",
		"ErrorDetails.UserId string no no",
		"ErrorDetails.Error string no no",
		"FailedUsers.FailedUserIdentification string no no",
		"FailedUsers.FailedReason string no no",
		"ListJobsRequest.UserStoreId string yes -",
		"ListJobsRequest.JobIds array<string> no -",
		"ListJobsResponse.JobSet array<Job> no no",
		"ListJobsResponse.RequestId string no no",
	)
}

// Each extractor reads a change of the model: the drift of a new client release is seen.
func TestExtractorsSeeChanges(t *testing.T) {
	edit := func(name, old, new string) []byte {
		t.Helper()
		data := string(readTestdata(t, name))
		if strings.Count(data, old) != 1 {
			t.Fatalf("%s: %q is there %d times, want once", name, old, strings.Count(data, old))
		}
		return []byte(strings.Replace(data, old, new, 1))
	}
	field := func(m Model, err error, path string) Field {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		s, n, _ := strings.Cut(path, ".")
		f, ok := m.Field(s, n)
		if !ok {
			t.Fatalf("%s: no %s", m.Name, path)
		}
		return f
	}
	m, err := FromNode(edit("ciam_models.d.ts", "CreatedDate?: number;", "CreatedDate?: string;"), "x")
	if f := field(m, err, "Job.CreatedDate"); f.Type != "string" {
		t.Errorf("node: CreatedDate %s, want string", f.Type)
	}
	m, err = FromNode(edit("ciam_models.d.ts", "UserStoreId: string;", "UserStoreId?: string;"), "x")
	if f := field(m, err, "ListJobsRequest.UserStoreId"); f.Required != No {
		t.Errorf("node: UserStoreId required %s, want no", f.Required)
	}
	m, err = FromPython(edit("models.py", ":type CreatedDate: int", ":type CreatedDate: str"), "x")
	if f := field(m, err, "Job.CreatedDate"); f.Type != "string" {
		t.Errorf("python: CreatedDate %s, want string", f.Type)
	}
	m, err = FromPython(edit("models.py", "任务结果下载地址\n注意：此字段可能返回 null，表示取不到有效值。\n        :type Location", "任务结果下载地址\n        :type Location"), "x")
	if f := field(m, err, "Job.Location"); f.Nullable != No {
		t.Errorf("python: Location nullable %s, want no", f.Nullable)
	}
	m, err = FromTCCLI(edit("api.json", `"member": "int64"`, `"member": "int32"`), "x")
	if f := field(m, err, "Job.CreatedDate"); f.Type != "int32" {
		t.Errorf("tccli: CreatedDate %s, want int32", f.Type)
	}
	java, err := os.ReadFile("testdata/java/Job.java")
	if err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{}
	for _, s := range Structs {
		data, err := os.ReadFile("testdata/java/" + s + ".java")
		if err != nil {
			t.Fatal(err)
		}
		fsys[s+".java"] = &fstest.MapFile{Data: data}
	}
	fsys["Job.java"] = &fstest.MapFile{Data: []byte(strings.Replace(string(java), "private Long CreatedDate;", "private Integer CreatedDate;", 1))}
	m, err = FromJava(fsys, "x")
	if f := field(m, err, "Job.CreatedDate"); f.Type != "int32" {
		t.Errorf("java: CreatedDate %s, want int32", f.Type)
	}
}

// A file that is not the model it should be is a clear error, never a panic or an empty
// column.
func TestExtractorsRefuseOtherFiles(t *testing.T) {
	cases := []struct {
		name string
		err  func() error
		want string
	}{
		{"node empty", func() error { _, err := FromNode(nil, "f"); return err }, "no interface Job"},
		{"node member", func() error {
			_, err := FromNode([]byte("export interface Job {\n  Id?: Map<string, number>;\n}\n"), "f")
			return err
		}, "not one the drift reads"},
		{"node open", func() error { _, err := FromNode([]byte("export interface Job {\n  Id?: string;\n"), "f"); return err }, "does not end"},
		{"python empty", func() error { _, err := FromPython([]byte("x = 1\n"), "f"); return err }, "no class Job"},
		{"python no type", func() error {
			_, err := FromPython([]byte("class Job(AbstractModel):\n    def __init__(self):\n        r\"\"\"\n        :param _Id: x\n        \"\"\"\n"), "f")
			return err
		}, "has no :type"},
		{"tccli not json", func() error { _, err := FromTCCLI([]byte("{"), "f"); return err }, "unexpected end"},
		{"tccli no object", func() error { _, err := FromTCCLI([]byte(`{"objects":{}}`), "f"); return err }, "no object Job"},
		{"tccli empty object", func() error {
			_, err := FromTCCLI([]byte(`{"objects":{"Job":{},"ErrorDetails":{},"FailedUsers":{},"ListJobsRequest":{},"ListJobsResponse":{}}}`), "f")
			return err
		}, "no fields of Job, ErrorDetails"},
		{"java missing", func() error { _, err := FromJava(fstest.MapFS{}, "f"); return err }, "Job.java"},
		{"java no class", func() error {
			_, err := FromJava(fstest.MapFS{"Job.java": {Data: []byte("class Other {}")}}, "f")
			return err
		}, "no public class Job"},
	}
	for _, c := range cases {
		err := c.err()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error with %q", c.name, err, c.want)
		}
	}
}

func FuzzExtractors(f *testing.F) {
	for _, name := range []string{"ciam_models.d.ts", "models.py", "api.json", "java/Job.java"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		// Only that none panics; each returns a model or an error.
		_, _ = FromNode(data, "f")
		_, _ = FromPython(data, "f")
		_, _ = FromTCCLI(data, "f")
		_, _ = FromJava(fstest.MapFS{"Job.java": {Data: data}}, "f")
		var m Model
		_ = javaFields(&m, "Job", string(data))
	})
}
