package result

// SkipKind says why a scenario was not judged. The summary, the reports and the kill
// tables read the kind, never the words of the reason.
type SkipKind int

// The kinds of skip. SkipNone is a scenario that was not skipped.
const (
	SkipNone SkipKind = iota
	// SkipNeedsWire: a step needs the wire driver (a deliberate break of the protocol,
	// or what no SDK hands its caller), and the run's driver sends through an SDK.
	SkipNeedsWire
	// SkipNeedsSDK: the scenario tests an SDK client's own behaviour (its rate-limit
	// retry), and the run's driver is the wire driver.
	SkipNeedsSDK
	// SkipNeedsCapability: a step asks the driver's SDK for what it cannot do (a
	// method, a sign method, a header, its own retry).
	SkipNeedsCapability
	// SkipNeedsFixture: the scenario reads the target's known data, and the run has no
	// fixture.
	SkipNeedsFixture
	// SkipInvalidAction: the scenario sends an action other than ListJobs, and the
	// endpoint is not one that may be sent any (a real account).
	SkipInvalidAction
	// SkipInconclusive: the harness could not produce the conditions its check needs
	// on this machine now (a burst that never fitted in one second).
	SkipInconclusive
	// SkipNullNotSent: the driver's SDK dropped the parameter the scenario set to
	// null, so the endpoint's handling of null was not checked.
	SkipNullNotSent
	// SkipOther: skipped by a step for a reason of its own.
	SkipOther
)

// Skip is the decision to skip a scenario: its kind and the reason in words.
type Skip struct {
	Kind   SkipKind
	Reason string
}

// Skipped tells whether the decision is to skip.
func (s Skip) Skipped() bool { return s.Kind != SkipNone }

var skipNames = [...]string{
	SkipNone:            "",
	SkipNeedsWire:       "needs-wire",
	SkipNeedsSDK:        "needs-sdk",
	SkipNeedsCapability: "needs-capability",
	SkipNeedsFixture:    "needs-fixture",
	SkipInvalidAction:   "invalid-action",
	SkipInconclusive:    "inconclusive",
	SkipNullNotSent:     "null-not-sent",
	SkipOther:           "other",
}

// String is the kind's name in machine-readable reports: "needs-wire".
func (k SkipKind) String() string {
	if k < 0 || int(k) >= len(skipNames) {
		return "other"
	}
	return skipNames[k]
}

var skipSummaries = [...]string{
	SkipNone:            "",
	SkipNeedsWire:       "need the wire driver (--driver wire runs them)",
	SkipNeedsSDK:        "test an SDK's own behaviour (--driver sdk or an SDK adapter runs them)",
	SkipNeedsCapability: "ask the driver's SDK for what it cannot do",
	SkipNeedsFixture:    "need the target's fixture (--fixture)",
	SkipInvalidAction:   "send another action (--profile emulator or --allow-invalid-actions runs them)",
	SkipInconclusive:    "were inconclusive on this machine",
	SkipNullNotSent:     "had their null parameter dropped by the driver's SDK (P10 not checked on the endpoint)",
	SkipOther:           "were skipped by a step",
}

// Summary says what the scenarios of a kind did, for "skipped by reason: 41 need the
// wire driver (...)".
func (k SkipKind) Summary() string {
	if k < 0 || int(k) >= len(skipSummaries) {
		return skipSummaries[SkipOther]
	}
	return skipSummaries[k]
}
