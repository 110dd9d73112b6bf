package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBadInput(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--nope"}, "flag provided but not defined"},
		{[]string{"extra"}, `unexpected argument "extra"`},
		{[]string{"--root", t.TempDir()}, "no drivers/ folder there"},
		{[]string{"--root", "../..", "--java", filepath.Join(t.TempDir(), "none.jar")}, "no such file"},
		{[]string{"--root", "../..", "--java", writeFile(t, "x.jar", "not a zip")}, "not a folder, nor a jar"},
	}
	for _, c := range cases {
		var stdout, stderr bytes.Buffer
		if code := run(c.args, &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), c.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", c.args, code, stderr.String(), c.want)
		}
	}
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestHelp(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run([]string{"--help"}, &stdout, &stderr); code != 0 || !strings.Contains(stdout.String(), "usage: drift") {
		t.Errorf("exit %d, stdout %q", code, stdout.String())
	}
}

// The repository's clients, with the Java models of the test data: the table, drift.md,
// exit 0; under --strict a client of drivers/ that is not installed fails.
func TestRun(t *testing.T) {
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	code := run([]string{"--root", "../..", "--out", out, "--java", "../../drift/testdata/java", "--strict=false"}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d, stderr %s, stdout:\n%s", code, stderr.String(), stdout.String())
	}
	for _, want := range []string{"Job.CreatedDate (CONTRACT.md J4)", "integer (Long)", "java:   ../../drift/testdata/java", ": PASS"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("stdout has no %q:\n%s", want, stdout.String())
		}
	}
	md, err := os.ReadFile(filepath.Join(out, "drift.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(md), "| `Job.CreatedDate` | type | J4 | integer |") {
		t.Errorf("drift.md has no row of Job.CreatedDate:\n%s", md)
	}
}

// A Java model that drifts (CreatedDate an Integer) fails with exit 1 and says what.
func TestRunFails(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"Job", "ErrorDetails", "FailedUsers", "ListJobsRequest", "ListJobsResponse"} {
		data, err := os.ReadFile("../../drift/testdata/java/" + name + ".java")
		if err != nil {
			t.Fatal(err)
		}
		data = bytes.Replace(data, []byte("private Long CreatedDate;"), []byte("private Integer CreatedDate;"), 1)
		if err := os.WriteFile(filepath.Join(dir, name+".java"), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var stdout, stderr bytes.Buffer
	code := run([]string{"--root", "../..", "--out", "", "--java", dir, "--strict=false"}, &stdout, &stderr)
	if code != 1 || !strings.Contains(stdout.String(), "NOT EXPLAINED: Job.CreatedDate type: java says int32, the contract integer") {
		t.Errorf("exit %d, stdout:\n%s", code, stdout.String())
	}
}
