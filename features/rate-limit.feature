Feature: Rate limit
  At most 20 ListJobs requests per second pass, counted per credential owner by server
  arrival time; the others get RequestLimitExceeded (contract rows R1-R3). Each scenario
  has keys of its own, whose owners nothing else uses, and takes those owners' budget alone.

  @R1 @rate-limit @fixture @id:R1-burst-of-30
  Scenario: Of 30 requests of one owner within one second, exactly 20 pass and the others get RequestLimitExceeded
    When these requests arrive within one second:
      | credential           | requests |
      | rate-limit-one-owner | 30       |
    Then exactly 20 of them succeed
    And the others get the error "RequestLimitExceeded" or one of its sub-codes

  @R1 @rate-limit @fixture @id:R1-keys-of-owner-share-budget
  Scenario: Two keys of the same owner share one budget of 20 requests per second
    When these requests arrive within one second:
      | credential                   | requests |
      | rate-limit-shared            | 15       |
      | rate-limit-shared-same-owner | 15       |
    Then exactly 20 of them succeed
    And the others get the error "RequestLimitExceeded" or one of its sub-codes

  @R1 @rate-limit @fixture @id:R1-other-owner-own-budget
  Scenario: Another owner has a budget of its own
    When these requests arrive within one second:
      | credential                   | requests |
      | rate-limit-apart             | 20       |
      | rate-limit-apart-other-owner | 20       |
    Then all 40 of them succeed

  # Seconds are counted whole: a server that carries state from one second to the next (a
  # sliding window, a token bucket, a window that opens at the first request, throttled
  # requests charged to the next second, a counter reset late) lets 20 pass late in one
  # second but fewer than 20 early in the next, which it must not. The two bursts fall
  # within one second of each other, the first ending before a local second boundary
  # and the next starting just after it. When the responses carry an HTTP Date header
  # (the server's clock, to the second), the Dates must show the first burst in one
  # second and the next in the second after; bursts the Dates show in one second shared
  # one budget of the server, and are sent again (after three attempts: inconclusive).
  # Without Date headers the local clock decides, as for the other bursts.
  @R1 @rate-limit @fixture @id:R1-budget-whole-next-second
  Scenario: An owner's budget is whole again in the next second: of 30 requests late in one second and 20 early in the next, the first 20 of each second pass
    When 30 requests of the fixture credential "rate-limit-next-second" arrive late in one second and 20 more early in the next
    Then in each second the first 20 succeed and the others get the error "RequestLimitExceeded" or one of its sub-codes

  @R2 @rate-limit @fixture @id:R2-half-limit-never-throttled
  Scenario: Requests at half the limit are never throttled
    When 20 requests of the fixture credential "rate-limit-steady" are sent at 10 per second
    Then all 20 of them succeed

  @R3 @rate-limit @fixture @assumed @id:R3-auth-failures-not-counted
  Scenario: Requests refused for authentication do not count against the limit
    When 25 badly signed and then 20 good requests of the fixture credential "rate-limit-auth" arrive within one second
    Then the 25 badly signed requests get the error "AuthFailure.SignatureFailure"
    And all 20 good requests succeed

  # The official SDK's own rate-limit retry (ClientProfile.RateLimitExceededMaxRetries):
  # these run with --driver sdk only (@sdk-retry), and the wire driver skips them.

  @R1 @rate-limit @sdk-retry @fixture @id:R1-sdk-retry-on
  Scenario: Through the SDK with its rate-limit retry on, every request of a burst over the limit eventually succeeds
    When 30 requests of the fixture credential "rate-limit-sdk-retry" arrive within one second from an SDK client with RateLimitExceededMaxRetries 2
    Then all 30 of them succeed
    And 10 of them succeeded only after the SDK retried on "RequestLimitExceeded"

  @R1 @rate-limit @sdk-retry @fixture @id:R1-sdk-retry-off
  Scenario: Through the SDK with its rate-limit retry off, RequestLimitExceeded surfaces
    When 30 requests of the fixture credential "rate-limit-sdk-no-retry" arrive within one second from an SDK client with RateLimitExceededMaxRetries 0
    Then exactly 20 of them succeed
    And the others get the error "RequestLimitExceeded" or one of its sub-codes
    And none of them was retried
