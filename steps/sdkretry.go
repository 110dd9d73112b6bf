package steps

import (
	"context"
	"errors"
	"slices"

	"github.com/ciam-harness/listjobs/check"
)

// The SDK's own rate-limit retry (ClientProfile.RateLimitExceededMaxRetries): on
// RequestLimitExceeded the SDK sleeps (1 s, then 2 s, 4 s... by default) and sends the
// same request again, up to that many times. These steps run only with the sdk driver
// (their scenarios carry @sdk-retry, which the wire driver skips): they test the SDK's
// code, and the wire driver has no retry of its own to test.

// sdkBurst sends n requests of a rate-limit key at once through SDK clients that retry
// up to retries times, as "these requests arrive within one second" does: the first
// request of every call is sent and answered within one second, or the burst is fired
// again in a fresh second. The SDK's retries, later, are recorded with each outcome.
func (bs *bursts) sdkBurst(ctx context.Context, n int, role string, retries int) error {
	caps := bs.sc.suite.target.Driver.Capabilities()
	if !caps.SDK || retries > 0 && !caps.Retry {
		return errors.New("harness error: this step tests an SDK's own retry and needs the sdk driver or an adapter whose SDK retries: its catalogue entry needs driver.NeedSDK and driver.NeedRetry")
	}
	if n < 1 || n > 200 || retries < 0 || retries > 5 {
		return errors.New("harness error: want 1-200 requests and 0-5 retries")
	}
	cred, err := bs.sc.fixtureCredential(role)
	if err != nil {
		return err
	}
	group := make([]shot, n)
	for i := range group {
		group[i] = shot{role: role, cred: cred, retries: retries}
	}
	return bs.withinOneSecond(ctx, [][]shot{group})
}

// retriedOn checks that exactly n requests succeeded only after the SDK retried them,
// each time on code, and that no other request was retried.
func (bs *bursts) retriedOn(n int, code string) error {
	b, err := bs.lastBurst()
	if err != nil {
		return err
	}
	retried := 0
	for _, o := range b.outcomes {
		if len(o.retriedOn) == 0 {
			continue
		}
		if slices.ContainsFunc(o.retriedOn, func(c string) bool { return c != code }) {
			return check.Rowf(bs.sc.label(), "the SDK retried a request on %v; want retries on %q only:\n%s", o.retriedOn, code, b.describe())
		}
		if o.succeeded() {
			retried++
		}
	}
	if retried != n {
		return check.Rowf(bs.sc.label(), "%d of %d requests succeeded after the SDK retried them on %q; want %d:\n%s", retried, len(b.outcomes), code, n, b.describe())
	}
	return nil
}

// noneRetried checks that the SDK sent every request of the burst once.
func (bs *bursts) noneRetried() error {
	b, err := bs.lastBurst()
	if err != nil {
		return err
	}
	for _, o := range b.outcomes {
		if len(o.retriedOn) > 0 {
			return check.Rowf(bs.sc.label(), "the SDK retried a request on %v; want no retry:\n%s", o.retriedOn, b.describe())
		}
	}
	return nil
}
