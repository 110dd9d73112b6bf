Feature: Every documented error code comes back in the error envelope
  The ListJobs page lists 28 error codes; most depend on account state or server faults
  and cannot be triggered by a request's own input. The fixture's fault rules make the
  endpoint answer with each of them on a dedicated user store, so an SDK's handling of
  every documented code can be tested (contract row T7, and T8 for the RequestId).

  @T7 @fault-injection @fixture @id:T7-error-code-fault-injected
  Scenario Outline: The error code <code> comes back as {"Response": {"Error": {"Code", "Message"}, "RequestId"}}
    Given a ListJobs request for the fault user store of "<code>"
    When the request is sent
    Then the response is the error "<code>"

    Examples:
      | code                                     |
      | AuthFailure                              |
      | DryRunOperation                          |
      | FailedOperation                          |
      | FailedOperation.DataFlowTooManyRequests  |
      | FailedOperation.ImportUserIsEmpty        |
      | FailedOperation.InvalidTenant            |
      | FailedOperation.InvalidUserStore         |
      | FailedOperation.QuotaLimitExceeded       |
      | InternalError                            |
      | InternalError.UnknownError               |
      | InvalidParameter                         |
      | InvalidParameter.ParameterIllegal        |
      | InvalidParameterValue                    |
      | LimitExceeded                            |
      | MissingParameter                         |
      | OperationDenied                          |
      | RequestLimitExceeded                     |
      | RequestLimitExceeded.FrequentRequest     |
      | RequestLimitExceeded.RepeatRequest       |
      | ResourceInUse                            |
      | ResourceInsufficient                     |
      | ResourceNotFound                         |
      | ResourceUnavailable                      |
      | ResourcesSoldOut                         |
      | UnauthorizedOperation                    |
      | UnauthorizedOperation.TenantNotActivated |
      | UnknownParameter                         |
      | UnsupportedOperation                     |
