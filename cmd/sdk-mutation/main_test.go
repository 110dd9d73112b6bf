package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ciam-harness/listjobs/sdkmutants"
)

func found(bool) (sdkmutants.Sources, error) { return sdkmutants.Sources{}, nil }

// report returns a fake sdkmutants.Run whose report is ok, and records the SDKs it got.
func report(ok bool, got *[]string) func(context.Context, sdkmutants.Options) (sdkmutants.Report, error) {
	return func(_ context.Context, o sdkmutants.Options) (sdkmutants.Report, error) {
		for _, b := range o.Broken {
			*got = append(*got, b.Name)
		}
		return sdkmutants.Report{OK: ok}, nil
	}
}

func TestExitCodes(t *testing.T) {
	out := t.TempDir()
	for _, c := range []struct {
		name   string
		args   []string
		find   func(bool) (sdkmutants.Sources, error)
		ok     bool
		want   int
		stderr string
	}{
		{"all killed", []string{"--out", out, "--only", "go-unpatched,node-unpatched"}, found, true, 0, ""},
		{"one survived", []string{"--out", out}, found, false, 1, ""},
		{"no node", []string{"--out", out}, func(bool) (sdkmutants.Sources, error) {
			return sdkmutants.Sources{}, errors.New("node is not on PATH")
		}, true, 2, "node is not on PATH"},
		{"an unknown name", []string{"--only", "go-nothing"}, found, true, 2, "no broken SDK named go-nothing"},
		{"a bad flag", []string{"--parallel", "0"}, found, true, 2, "--parallel 0"},
		{"an argument", []string{"x"}, found, true, 2, "unexpected argument"},
	} {
		var stdout, stderr bytes.Buffer
		var got []string
		code := run(context.Background(), c.args, &stdout, &stderr, c.find, report(c.ok, &got))
		if code != c.want || !strings.Contains(stderr.String(), c.stderr) {
			t.Errorf("%s: exit %d, want %d; stderr %q, want %q", c.name, code, c.want, stderr.String(), c.stderr)
		}
		if c.name == "all killed" && strings.Join(got, ",") != "go-unpatched,node-unpatched" {
			t.Errorf("--only ran %v", got)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "sdk-mutation.md")); err != nil {
		t.Errorf("no Markdown report: %v", err)
	}
}

// TestSetupErrorIsExit2: an error of sdkmutants.Run (an SDK text not found, a copy
// that does not build) is exit 2 with its sentence.
func TestSetupErrorIsExit2(t *testing.T) {
	var stdout, stderr bytes.Buffer
	fail := func(context.Context, sdkmutants.Options) (sdkmutants.Report, error) {
		return sdkmutants.Report{}, errors.New("broken SDK x: client.go: the text to replace is found 0 times")
	}
	if code := run(context.Background(), []string{"--out", t.TempDir(), "--only", "go-unpatched"}, &stdout, &stderr, found, fail); code != 2 || !strings.Contains(stderr.String(), "found 0 times") {
		t.Errorf("exit %d, stderr %q", code, stderr.String())
	}
}

func TestList(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"--list"}, &stdout, &stderr, nil, nil); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	for _, want := range []string{"go-unpatched", "control", "node-null-jobset-as-empty", "equivalent", "go-payload-hash-empty"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("--list lacks %q", want)
		}
	}
}
