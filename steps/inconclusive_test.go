package steps

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/cucumber/godog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ciam-harness/listjobs/fixture"
	"github.com/ciam-harness/listjobs/vocab"
)

// stuckTransport answers every request at once with a success, but stamps its sends and
// answers with times of its own clock, as a machine too slow to keep a burst within a
// second, or a pace, would: stamp gives the i-th request's sent and received times.
type stuckTransport struct {
	n     atomic.Int64
	stamp func(i int) (sent, received time.Time)
}

func (s *stuckTransport) prepare(_ context.Context, _ *scenario, _ *requestSpec, _ time.Time) (func() *exchange, error) {
	i := int(s.n.Add(1) - 1)
	return func() *exchange {
		sent, received := s.stamp(i)
		return &exchange{status: 200, body: []byte(`{"Response":{"JobSet":[],"RequestId":"x"}}`), sent: sent, received: received}
	}, nil
}

// stuckScenario is an @fixture scenario tagged R1 whose requests go through stamp.
func stuckScenario(t *testing.T, stamp func(i int) (sent, received time.Time)) *scenario {
	t.Helper()
	fx := ownersFixture()
	fx.UserStores = []fixture.UserStore{{ID: "us-rl", Role: "varied", Account: "acct"}}
	target := poolTarget(key("p1"), key("p2"))
	target.Fixture = fx
	s, err := NewSuite(target)
	require.NoError(t, err)
	s.transport = &stuckTransport{stamp: stamp}
	return &scenario{suite: s, rows: []string{"R1"}, tags: map[string]bool{vocab.TagFixture: true}, remembered: map[string][]string{}}
}

// assertInconclusive: err is an InconclusiveError, so godog skips the scenario (ErrSkip)
// and the runner records "inconclusive: ..." as the reason (SkipReason); it blames no
// row, as it is no failure of the endpoint.
func assertInconclusive(t *testing.T, err error, reason string) {
	t.Helper()
	require.Error(t, err)
	var in *InconclusiveError
	require.True(t, errors.As(err, &in), "want an InconclusiveError, got %T: %v", err, err)
	assert.ErrorIs(t, err, godog.ErrSkip)
	got := SkipReason(err)
	assert.True(t, strings.HasPrefix(got, "inconclusive: R1: "), got)
	assert.Contains(t, got, reason)
	assert.Empty(t, Blame(err), "an inconclusive run is blamed on no row")
}

// A burst that never fits in one second (every answer comes a second after its send,
// by the stamps) cannot judge R1: inconclusive, not failed.
func TestBurstThatStraddlesIsInconclusive(t *testing.T) {
	t.Parallel()
	base := time.Unix(1_000_000, 900*int64(time.Millisecond))
	st := stuckScenario(t, func(int) (time.Time, time.Time) { return base, base.Add(time.Second) })
	group := []shot{{role: "rate-limit-a", cred: key("ra")}, {role: "rate-limit-a", cred: key("ra")}}
	err := st.withinOneSecond(context.Background(), [][]shot{group})
	assertInconclusive(t, err, "straddled a second boundary")
	assert.Equal(t, burstAttempts, st.burst.attempts, "every attempt was fired")
}

// A steady run whose requests all go out in one second (the pacer cannot keep pace: a
// stalled machine bunches them) cannot judge R2: inconclusive, not failed.
func TestSteadyRunThatCannotKeepPaceIsInconclusive(t *testing.T) {
	t.Parallel()
	base := time.Unix(2_000_000, 0)
	st := stuckScenario(t, func(int) (time.Time, time.Time) { return base, base })
	err := st.steady(context.Background(), 3, "rate-limit-a", 2)
	assertInconclusive(t, err, "the pace did not hold")
	assert.Equal(t, burstAttempts, st.burst.attempts)
}

func TestInconclusiveError(t *testing.T) {
	t.Parallel()
	err := &InconclusiveError{Reason: "why"}
	assert.ErrorIs(t, err, godog.ErrSkip)
	assert.Equal(t, "inconclusive: why", err.Error())
	assert.Equal(t, "inconclusive: why", SkipReason(errors.Join(errors.New("step failed"), err)))
	assert.Equal(t, "why", SkipReason(&SkipError{Reason: "why"}), "a plain skip keeps its reason")
}

// Under godog, a step that ends inconclusive skips its scenario: the run does not fail,
// the later steps do not run, and the step's error gives the reason the runner records.
func TestInconclusiveStepSkipsUnderGodog(t *testing.T) {
	t.Parallel()
	const feature = `Feature: f
  @R2
  Scenario: too slow to judge
    When the machine cannot keep pace
    Then nothing else runs
`
	var reason string
	var statuses []godog.StepResultStatus
	var buf bytes.Buffer
	status := godog.TestSuite{
		ScenarioInitializer: func(sc *godog.ScenarioContext) {
			sc.Step(`^the machine cannot keep pace$`, func() error { return &InconclusiveError{Reason: "R2: the pace did not hold"} })
			sc.Step(`^nothing else runs$`, func() error { return errors.New("ran after an inconclusive step") })
			sc.StepContext().After(func(ctx context.Context, _ *godog.Step, st godog.StepResultStatus, err error) (context.Context, error) {
				statuses = append(statuses, st)
				if r := SkipReason(err); r != "" {
					reason = r
				}
				return ctx, nil
			})
		},
		Options: &godog.Options{Format: "progress", Output: &buf, Strict: true,
			FS: fstest.MapFS{"f.feature": {Data: []byte(feature)}}, Paths: []string{"."}},
	}.Run()
	assert.Equal(t, 0, status, buf.String())
	assert.Equal(t, "inconclusive: R2: the pace did not hold", reason)
	assert.Equal(t, []godog.StepResultStatus{godog.StepSkipped, godog.StepSkipped}, statuses)
}
