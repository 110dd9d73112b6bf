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

	"github.com/ciam-harness/listjobs/check"
	"github.com/ciam-harness/listjobs/driver"
	"github.com/ciam-harness/listjobs/fixture"
	"github.com/ciam-harness/listjobs/result"
	"github.com/ciam-harness/listjobs/vocab"
	"github.com/ciam-harness/listjobs/wire"
)

// stuckTransport answers every request at once with a success, but stamps its sends and
// answers with times of its own clock, as a machine too slow to keep a burst within a
// second, or a pace, would: stamp gives the i-th request's sent and received times.
type stuckTransport struct {
	n     atomic.Int64
	stamp func(i int) (sent, received time.Time)
}

func (s *stuckTransport) Prepare(context.Context, *wire.Spec, time.Time) (driver.Shot, error) {
	i := int(s.n.Add(1) - 1)
	return func() *wire.Exchange {
		sent, received := s.stamp(i)
		return &wire.Exchange{Status: 200, Body: []byte(`{"Response":{"JobSet":[],"RequestId":"x"}}`), Sent: sent, Received: received}
	}, nil
}

func (*stuckTransport) Name() string                      { return "stuck" }
func (*stuckTransport) Client() string                    { return "" }
func (*stuckTransport) Capabilities() driver.Capabilities { return driver.Capabilities{Wire: true} }
func (*stuckTransport) Close() error                      { return nil }

// stuckScenario is an @fixture scenario tagged R1 whose requests go through stamp.
func stuckScenario(t *testing.T, stamp func(i int) (sent, received time.Time)) *world {
	t.Helper()
	fx := ownersFixture()
	fx.UserStores = []fixture.UserStore{{ID: "us-rl", Role: "varied", Account: "acct"}}
	target := poolTarget(key("p1"), key("p2"))
	target.Fixture = fx
	target.Driver = &stuckTransport{stamp: stamp}
	s, err := NewSuite(target)
	require.NoError(t, err)
	w := newWorld(s)
	w.sc.rows, w.sc.tags = []string{"R1"}, map[string]bool{vocab.TagFixture: true}
	return w
}

// assertInconclusive: err is an InconclusiveError, so godog skips the scenario (ErrSkip)
// and the runner records "inconclusive: ..." as the reason (SkipReason); it blames no
// row, as it is no failure of the endpoint.
func assertInconclusive(t *testing.T, err error, reason string) {
	t.Helper()
	require.Error(t, err)
	skip, ok := SkipOf(err)
	require.True(t, ok, "want a SkipError, got %T: %v", err, err)
	assert.Equal(t, result.SkipInconclusive, skip.Kind)
	assert.ErrorIs(t, err, godog.ErrSkip)
	assert.True(t, strings.HasPrefix(skip.Reason, "R1: "), skip.Reason)
	assert.Contains(t, skip.Reason, reason)
	assert.Empty(t, check.Blame(err), "an inconclusive run is blamed on no row")
}

// A burst that never fits in one second (every answer comes a second after its send,
// by the stamps) cannot judge R1: inconclusive, not failed.
func TestBurstThatStraddlesIsInconclusive(t *testing.T) {
	t.Parallel()
	base := time.Unix(1_000_000, 900*int64(time.Millisecond))
	st := stuckScenario(t, func(int) (time.Time, time.Time) { return base, base.Add(time.Second) })
	group := []shot{{role: "rate-limit-a", cred: key("ra")}, {role: "rate-limit-a", cred: key("ra")}}
	err := st.bs.withinOneSecond(context.Background(), [][]shot{group})
	assertInconclusive(t, err, "straddled a second boundary")
	assert.Equal(t, burstAttempts, st.bs.last.attempts, "every attempt was fired")
}

// A steady run whose requests all go out in one second (the pacer cannot keep pace: a
// stalled machine bunches them) cannot judge R2: inconclusive, not failed.
func TestSteadyRunThatCannotKeepPaceIsInconclusive(t *testing.T) {
	t.Parallel()
	base := time.Unix(2_000_000, 0)
	st := stuckScenario(t, func(int) (time.Time, time.Time) { return base, base })
	err := st.bs.steady(context.Background(), 3, "rate-limit-a", 2)
	assertInconclusive(t, err, "the pace did not hold")
	assert.Equal(t, burstAttempts, st.bs.last.attempts)
}

func TestInconclusiveError(t *testing.T) {
	t.Parallel()
	err := &SkipError{Kind: result.SkipInconclusive, Reason: "why"}
	assert.ErrorIs(t, err, godog.ErrSkip)
	assert.Equal(t, "inconclusive: why", err.Error())
	skip, ok := SkipOf(errors.Join(errors.New("step failed"), err))
	assert.True(t, ok)
	assert.Equal(t, result.Skip{Kind: result.SkipInconclusive, Reason: "why"}, skip)
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
			sc.Step(`^the machine cannot keep pace$`, func() error { return &SkipError{Kind: result.SkipInconclusive, Reason: "R2: the pace did not hold"} })
			sc.Step(`^nothing else runs$`, func() error { return errors.New("ran after an inconclusive step") })
			sc.StepContext().After(func(ctx context.Context, _ *godog.Step, st godog.StepResultStatus, err error) (context.Context, error) {
				statuses = append(statuses, st)
				if skip, ok := SkipOf(err); ok && skip.Kind == result.SkipInconclusive {
					reason = "inconclusive: " + skip.Reason
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
