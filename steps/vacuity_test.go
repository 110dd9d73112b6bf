package steps_test

import (
	"bytes"
	"context"
	"io"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/cucumber/godog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	listjobs "github.com/ciam-harness/listjobs"
	"github.com/ciam-harness/listjobs/driver"
	"github.com/ciam-harness/listjobs/emulator"
	"github.com/ciam-harness/listjobs/fixture"
	"github.com/ciam-harness/listjobs/mutants"
	"github.com/ciam-harness/listjobs/signing"
	"github.com/ciam-harness/listjobs/steps"
)

// vacuityFeature holds scenarios built to check rules over the jobs of the user store
// under test. Pointed at a store with jobs, they pass; pointed at an empty store, each
// must fail: a rule over no element proves nothing (the vacuity guard), and a scenario
// that needs data says so instead of passing.
const vacuityFeature = `Feature: vacuity guard
  @J1
  Scenario: every job has an Id
    When the jobs of the user store under test are listed
    Then every returned job has an Id that is a non-empty string

  @J2
  Scenario: every job has a Status
    When the jobs of the user store under test are listed
    Then every returned job has a Status among PENDING, PROCESSING, COMPLETED and FAILED

  @J3
  Scenario: every job has a Type
    When the jobs of the user store under test are listed
    Then every returned job has a Type among IMPORT_USER and EXPORT_USER

  @J4
  Scenario: every job has a CreatedDate
    When the jobs of the user store under test are listed
    Then every returned job has a CreatedDate that is an integer of epoch milliseconds

  @J5
  Scenario: every job has a Format
    When the jobs of the user store under test are listed
    Then every returned job has a Format that is NDJSON, CSV or null

  @J6
  Scenario: every job has a Location
    When the jobs of the user store under test are listed
    Then every returned job has a Location that is a string or null

  @J7
  Scenario: every job has ErrorDetails
    When the jobs of the user store under test are listed
    Then every returned job has ErrorDetails that are absent, null or an array of {UserId, Error}

  @J8
  Scenario: every job has FailedUsers
    When the jobs of the user store under test are listed
    Then every returned job has FailedUsers that are absent, null or an array of {FailedUserIdentification, FailedReason}

  @J9
  Scenario: every job matches the schema
    When the jobs of the user store under test are listed
    Then every returned job matches the Job schema, whatever other fields it carries

  @S8
  Scenario: a relation between listings starts from data
    Given the user store under test holds at least 1 job
    And a ListJobs request for the user store under test
    And the JobIds are known job 1
    When the request is sent
    Then the returned Ids are a subset of the known jobs
`

// vacuityFixtureFeature compares a listing field for field with a fixture store.
const vacuityFixtureFeature = `Feature: vacuity guard, fixture
  @J1 @fixture
  Scenario: field for field
    When the jobs of the fixture user store "ROLE" are listed
    Then the returned jobs are those of the fixture user store "ROLE", field for field
`

type vacuityOutcome struct {
	name string
	err  error
}

// relationFeature relates listings to each other (S7, S8). Against an endpoint whose
// filtered listings are always empty, every relation holds between empty sets; the
// guard must make each scenario fail instead.
const relationFeature = `Feature: vacuity guard, relations
  @S8
  Scenario: subset
    Given the user store under test holds at least 3 jobs
    And a ListJobs request for the user store under test
    And the JobIds are known jobs 1 and 3
    When the request is sent
    Then the returned Ids are a subset of the known jobs

  @S8
  Scenario: remembered
    Given the user store under test holds at least 3 jobs
    And a ListJobs request for the user store under test
    And the JobIds are known jobs 1 and 2
    When the request is sent
    Then the returned Ids are remembered as "a"

  @S7 @S8
  Scenario: twice
    Given the user store under test holds at least 2 jobs
    And a ListJobs request for the user store under test
    And the JobIds are known jobs 1 and 2
    When the request is sent twice
    Then both responses return the same Ids
`

// runVacuity runs the feature against a fresh emulator of the default fixture, with
// storeRole as the user store under test.
func runVacuity(t *testing.T, feature, storeRole string) []vacuityOutcome {
	t.Helper()
	return runVacuityOn(t, feature, storeRole, func(fx *fixture.Fixture) emulator.Config {
		return emulator.Config{Fixture: fx, RateLimit: emulator.DefaultRateLimit}
	})
}

// runVacuityOn is runVacuity against the emulator that config builds.
func runVacuityOn(t *testing.T, feature, storeRole string, config func(*fixture.Fixture) emulator.Config) []vacuityOutcome {
	t.Helper()
	fx, err := fixture.Read(bytes.NewReader(listjobs.DefaultFixture))
	require.NoError(t, err)
	srv, err := emulator.Start(config(fx))
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	primary, ok := fx.Credential("primary")
	require.True(t, ok)
	store, ok := fx.UserStore(storeRole)
	require.True(t, ok)
	target := steps.Target{
		BaseURL:     srv.URL,
		Credential:  signing.Credential{SecretID: primary.SecretID, SecretKey: primary.SecretKey},
		UserStoreID: store.ID,
		Fixture:     fx,
	}
	require.NoError(t, open(t, driver.NameWire, &target, 30*time.Second, false))
	suite, err := steps.NewSuite(target)
	require.NoError(t, err)
	var mu sync.Mutex
	var out []vacuityOutcome
	godog.TestSuite{
		Name: "vacuity",
		ScenarioInitializer: func(sc *godog.ScenarioContext) {
			suite.InitializeScenario(sc)
			sc.After(func(ctx context.Context, s *godog.Scenario, err error) (context.Context, error) {
				mu.Lock()
				out = append(out, vacuityOutcome{name: s.Name, err: err})
				mu.Unlock()
				return ctx, nil
			})
		},
		Options: &godog.Options{
			Format: "progress", Output: io.Discard, Strict: true, Concurrency: 2,
			FS: fstest.MapFS{"vacuity.feature": {Data: []byte(feature)}}, Paths: []string{"."},
		},
	}.Run()
	require.NotEmpty(t, out, "no scenario ran")
	return out
}

// TestVacuityGuard: a check over every job (or every element of a listing) that runs
// over no job fails its scenario, and so does a scenario that needs data the store
// lacks. The same scenarios pass over a store with jobs, so the failures come from
// the empty set.
func TestVacuityGuard(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, feature string }{
		{"every job", vacuityFeature},
		{"field for field", vacuityFixtureFeature},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			feature := tc.feature
			withJobs := runVacuity(t, strings.ReplaceAll(feature, "ROLE", "varied"), "varied")
			for _, o := range withJobs {
				assert.NoError(t, o.err, "%q over a store with jobs", o.name)
			}
			empty := runVacuity(t, strings.ReplaceAll(feature, "ROLE", "empty"), "empty")
			assert.Len(t, empty, len(withJobs))
			for _, o := range empty {
				if assert.Error(t, o.err, "%q passed over a store without jobs", o.name) {
					assert.Regexp(t, `no job to check|returned 0 jobs; this scenario needs at least 1`, o.err.Error())
				}
			}
		})
	}
}

// TestRelationVacuityGuard: the relations between listings pass against the reference,
// and each fails against an endpoint whose filtered listings are empty (the mutant
// filter-matches-nothing), where every relation would otherwise hold between empty sets.
func TestRelationVacuityGuard(t *testing.T) {
	t.Parallel()
	for _, o := range runVacuity(t, relationFeature, "varied") {
		assert.NoError(t, o.err, "%q against the reference", o.name)
	}
	m, ok := mutants.ByName("filter-matches-nothing")
	require.True(t, ok)
	out := runVacuityOn(t, relationFeature, "varied", m.Config)
	require.Len(t, out, 3)
	for _, o := range out {
		if assert.Error(t, o.err, "%q passed over empty listings", o.name) {
			assert.Contains(t, o.err.Error(), "the listing returned no job")
		}
	}
}
