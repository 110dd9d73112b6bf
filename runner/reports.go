package runner

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	listjobs "github.com/ciam-harness/listjobs"
	"github.com/ciam-harness/listjobs/contract"
	"github.com/ciam-harness/listjobs/ledger"
	reportpkg "github.com/ciam-harness/listjobs/report"
	"github.com/ciam-harness/listjobs/result"
	"github.com/ciam-harness/listjobs/schemas"
)

// parseReports reads --reports: "all", "none", or a comma-separated list of the
// reports of package report (junit, cucumber, ndjson, markdown, html, manifest). It
// returns them each once, in the registry's order.
func parseReports(spec string) ([]string, error) {
	known := reportpkg.Kinds
	want := map[string]bool{}
	switch strings.TrimSpace(spec) {
	case "all":
		for _, k := range known {
			want[k] = true
		}
	case "none":
	case "":
		return nil, usageError("--reports is empty: give all, none, or some of %s, comma-separated", strings.Join(known, ", "))
	default:
		for _, item := range strings.Split(spec, ",") {
			item = strings.TrimSpace(item)
			if !slices.Contains(known, item) {
				return nil, usageError("--reports %q: unknown report %q: give all, none, or some of %s, comma-separated", spec, item, strings.Join(known, ", "))
			}
			want[item] = true
		}
	}
	var own []string
	for _, k := range known {
		if want[k] {
			own = append(own, k)
		}
	}
	return own, nil
}

// loadLedger reads the known-failure ledger of the run, if any.
func loadLedger(path string) (*ledger.Ledger, *reportpkg.LedgerInfo, error) {
	if path == "" {
		return nil, nil, nil
	}
	l, err := ledger.Load(path)
	if err != nil {
		return nil, nil, usageError("--known-failures: %v", err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, usageError("--known-failures: %v", err)
	}
	return l, &reportpkg.LedgerInfo{Path: path, SHA256: reportpkg.SHA256(data), Target: l.Target, Entries: len(l.Entries)}, nil
}

// judge compares the results with the known-failure ledger: a listed failure becomes a
// known failure with the ledger's reason. It returns the ledger's problems (listed
// scenarios that passed or are gone), each a reason to fail the run, and keeps its
// deprecation notes in the ledger's info (writeReports prints them).
func (s *setup) judge(results []result.Scenario) []string {
	if s.ledger == nil {
		return nil
	}
	suite := make([]ledger.ID, 0, len(s.plan.Scenarios)) // every scenario, with its case id
	for _, sc := range s.plan.Scenarios {
		suite = append(suite, ledger.ID{Case: sc.ID, Feature: sc.Feature, Scenario: sc.Name})
	}
	v := ledger.Compare(s.ledger, suite, results)
	s.ledgerInfo.Notes = v.Notes
	for i := range results {
		if results[i].Status != result.Failed {
			continue
		}
		if e, ok := s.ledger.Lookup(ledger.ID{Case: results[i].ID, Feature: results[i].Feature, Scenario: results[i].Name}); ok {
			results[i].Status, results[i].Reason = result.KnownFailure, e.Reason
		}
	}
	var problems []string
	for _, p := range v.Problems() {
		problems = append(problems, "known-failure ledger "+s.ledgerInfo.Path+": "+p)
	}
	return problems
}

// writeReports prints the ledger's deprecation notes to stderr, then writes the runner's
// own reports (package report) into the output folder, every file redacted, and adds
// them to res.Reports. It first removes the reports of the other kinds from the folder:
// an earlier run's would look current.
func (s *setup) writeReports(res *Result, start time.Time, red *redactor, stderr io.Writer) {
	if s.ledgerInfo != nil {
		for _, n := range s.ledgerInfo.Notes {
			fmt.Fprintf(stderr, "conformance: known-failure ledger %s: %s\n", s.ledgerInfo.Path, n)
		}
	}
	if strings.TrimSpace(s.outDir) != "" {
		removed, err := reportpkg.Prune(s.outDir, s.own)
		for _, p := range removed {
			fmt.Fprintf(stderr, "conformance: removed %s: an earlier run's report that this run does not write\n", p)
		}
		if err != nil {
			fmt.Fprintf(stderr, "conformance: removing the earlier reports: %v\n", err)
			res.ExitCode = max(res.ExitCode, ExitFailed)
		}
	}
	if len(s.own) == 0 {
		return
	}
	run := reportpkg.Run{Manifest: s.manifest(*res, start), Verdict: verdict(*res), Problems: res.Problems}
	if rows, err := contract.Rows(); err != nil {
		fmt.Fprintf(stderr, "conformance: the reports show no contract row classes: %v\n", err)
	} else {
		for _, r := range rows {
			run.Rows = append(run.Rows, reportpkg.Row{ID: r.ID, Class: r.Class.String(), Area: r.Area, Behaviour: r.Behaviour})
		}
	}
	run.Scenarios = res.Scenarios
	// The manifest lists every report, itself included.
	for _, k := range s.own {
		run.Manifest.Reports = append(run.Manifest.Reports, filepath.Join(s.outDir, reportpkg.FileName(k)))
	}
	paths, err := reportpkg.Write(s.outDir, s.own, run, red.bytes)
	res.Reports = append(res.Reports, paths...)
	if err != nil {
		fmt.Fprintf(stderr, "conformance: writing the reports: %v\n", err)
		res.ExitCode = max(res.ExitCode, ExitFailed)
	}
}

// manifest describes the run for the manifest and the reports.
func (s *setup) manifest(res Result, start time.Time) reportpkg.Manifest {
	m := reportpkg.Manifest{
		Harness:          reportpkg.BuildHarness(),
		Contract:         reportpkg.SHA256(listjobs.Contract),
		Endpoint:         res.Endpoint,
		EmbeddedEmulator: s.endpoint == "",
		Driver:           res.Driver,
		SDK:              res.SDK,
		Region:           s.region,
		Tags:             s.tags,
		Seed:             res.Seed,
		Start:            start,
		Duration:         res.Duration,
		KnownFailures:    s.ledgerInfo,
		ExitCode:         res.ExitCode,
		Verdict:          verdict(res).String(),
		Outcome:          verdict(res).Outcome,
		RowsNotChecked:   verdict(res).NotChecked,
		Counts:           map[result.Status]int{},
		Reports:          slices.Clone(res.Reports),
	}
	if !s.shard.whole() {
		m.Shard = s.shard.String()
	}
	var err error
	if m.Features, err = reportpkg.DigestFS(s.plan.Source(), "*.feature"); err != nil {
		m.Features.SHA256 = reportpkg.Unknown
	}
	if m.Schemas, err = reportpkg.DigestFS(schemas.FS, "*.json"); err != nil {
		m.Schemas.SHA256 = reportpkg.Unknown
	}
	for _, sc := range res.Scenarios {
		m.Counts[sc.Status]++
	}
	return m
}
