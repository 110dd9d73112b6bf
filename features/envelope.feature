Feature: Transport and response envelope
  ListJobs is called as an API 3.0 action: POST / with a JSON body or GET / with a query,
  common parameters in X-TC-* headers, and every processed request answered with the
  {"Response": {...}} envelope that carries a RequestId (contract rows T1-T10).

  The rows that hold for every response (T5-T9) are not only judged here: every response
  of every scenario is checked against them, and a RequestId seen twice in a run fails
  T8. The scenarios below show each rule on the answers that matter most.

  @T1 @id:T1-post-json-object-body
  Scenario Outline: POST / with a JSON object body and Content-Type "<content type>" is accepted
    Given a ListJobs request for the user store under test
    And the header "Content-Type" is "<content type>"
    When the request is sent
    Then the response is a success

    Examples:
      | content type                    |
      | application/json                |
      | application/json; charset=utf-8 |

  @T2 @id:T2-get-query-two-job-ids
  Scenario: GET / with UserStoreId, JobIds.0 and JobIds.1 in the query returns exactly those jobs
    Given the user store under test holds at least 3 jobs
    And a ListJobs request for the user store under test
    And the request is sent as GET
    And the JobIds are known jobs 1 and 2
    When the request is sent
    Then the response is a success
    And the returned Ids are exactly known jobs 1 and 2

  @T2 @id:T2-get-query-user-store-only
  Scenario: GET / with only UserStoreId in the query returns every job of the user store
    Given the user store under test holds at least 1 job
    And a ListJobs request for the user store under test
    And the request is sent as GET
    When the request is sent
    Then the response is a success
    And the returned Ids are exactly the known jobs

  @T2 @wire @id:T2-get-counts-two-digit-indices
  Scenario: GET / counts two-digit indices: JobIds.10 and JobIds.11 name the same jobs as a JobIds of those two
    Given the user store under test holds at least 2 jobs
    And a ListJobs request for the user store under test
    And the JobIds are known jobs 1 and 2
    When the request is sent
    Then the response is a success
    And the returned Ids are remembered as "posted"
    Given a ListJobs request for the user store under test
    And the request is sent as GET
    And the query is exactly "UserStoreId={{user store}}&JobIds.0=no-such-job-0&JobIds.1=no-such-job-1&JobIds.2=no-such-job-2&JobIds.3=no-such-job-3&JobIds.4=no-such-job-4&JobIds.5=no-such-job-5&JobIds.6=no-such-job-6&JobIds.7=no-such-job-7&JobIds.8=no-such-job-8&JobIds.9=no-such-job-9&JobIds.10={{known job 1}}&JobIds.11={{known job 2}}"
    When the request is sent
    Then the response is a success
    And the returned Ids are the same set as those remembered as "posted"

  @T2 @wire @id:T2-get-percent-encoded-ids
  Scenario Outline: GET / with the user store and a job's id <spelled>, every character, names the same jobs as the ids written plainly
    Given the user store under test holds at least 1 job
    And a ListJobs request for the user store under test
    And the request is sent as GET
    And the JobIds are known job 1
    When the request is sent
    Then the response is a success
    And the returned Ids are remembered as "plain"
    Given a ListJobs request for the user store under test
    And the request is sent as GET
    And the query is exactly "UserStoreId={{user store, <spelled>}}&JobIds.0={{known job 1, <spelled>}}"
    When the request is sent
    Then the response is a success
    And the returned Ids are the same set as those remembered as "plain"

    Examples:
      | spelled                       |
      | percent-encoded               |
      | percent-encoded in lower case |

  @T1 @wire @id:T1-post-json-escaped-ids
  Scenario: POST / with the user store and a job's id written in JSON \u escapes, every character, names the same jobs as the ids written plainly
    Given the user store under test holds at least 1 job
    And a ListJobs request for the user store under test
    And the JobIds are known job 1
    When the request is sent
    Then the response is a success
    And the returned Ids are remembered as "plain"
    Given a ListJobs request for the user store under test
    And the body is exactly `{"UserStoreId":"{{user store, JSON-escaped}}","JobIds":["{{known job 1, JSON-escaped}}"]}`
    When the request is sent
    Then the response is a success
    And the returned Ids are the same set as those remembered as "plain"

  @T3 @wire @id:T3-other-method-unsupportedprotocol
  Scenario Outline: A <method> request gets the error UnsupportedProtocol
    Given a ListJobs request for the user store under test
    And the request method is "<method>"
    When the request is sent
    Then the response is the error "UnsupportedProtocol"

    Examples:
      | method |
      | PUT    |
      | DELETE |
      | PATCH  |

  @T4 @id:T4-unknown-extra-x-tc-headers
  Scenario: Unknown extra X-TC-* headers (X-TC-RequestClient, X-TC-TraceId) are ignored
    Given a ListJobs request for the user store under test
    And the header "X-TC-RequestClient" is "SDK_GO_1.3.166: conformance-harness"
    And the header "X-TC-TraceId" is "3f1e6a3c-5b8e-4f7a-9d2c-8e1b0a4c6d7f"
    When the request is sent
    Then the response is a success

  @T4 @id:T4-optional-x-tc-language-header
  Scenario Outline: The optional X-TC-Language header "<language>" is accepted
    Given a ListJobs request for the user store under test
    And the header "X-TC-Language" is "<language>"
    When the request is sent
    Then the response is a success

    Examples:
      | language |
      | zh-CN    |
      | en-US    |

  @T5 @assumed @wire @id:T5-success-http-200-json
  Scenario: A successful ListJobs is answered with HTTP 200 and Content-Type application/json
    Given a ListJobs request for the user store under test
    When the request is sent
    Then the HTTP status is 200
    And the Content-Type of the response is application/json
    And the response is a success

  @T5 @assumed @wire @id:T5-error-http-200-json
  Scenario Outline: A request refused with <code> is answered with HTTP 200 and Content-Type application/json
    Given a ListJobs request for the user store under test
    And <change>
    When the request is sent
    Then the HTTP status is 200
    And the Content-Type of the response is application/json
    And the response is the error "<code>"

    Examples:
      | code                         | change                                         |
      | AuthFailure.SignatureFailure | the request is signed with a wrong SecretKey   |
      | InvalidAction                | the header "X-TC-Action" is "NoSuchAction"     |
      | MissingParameter             | the parameter "UserStoreId" is removed         |

  @T6 @id:T6-success-envelope
  Scenario: A success is {"Response": {"JobSet": [...], "RequestId": "..."}}
    Given the user store under test holds at least 1 job
    When the jobs of the user store under test are listed
    Then the response is a success
    And the JobSet is an array
    And the response carries a non-empty RequestId

  @T7 @id:T7-error-envelope
  Scenario Outline: An error is {"Response": {"Error": {"Code", "Message"}, "RequestId"}} with a non-empty Message (<code>)
    Given a ListJobs request for the user store under test
    And <change>
    When the request is sent
    Then the response is the error "<code>"

    Examples:
      | code                             | change                                   |
      | MissingParameter                 | the parameter "UserStoreId" is removed   |
      | AuthFailure.SecretIdNotFound     | the request is signed with an unknown SecretId |
      | InvalidAction                    | the header "X-TC-Action" is "ListJob"    |

  @T8 @id:T8-success-requestid-unique
  Scenario: A success carries a non-empty RequestId, different for every request
    Given a ListJobs request for the user store under test
    When the request is sent twice
    Then both responses are successes
    And both responses carry non-empty RequestIds that differ

  @T8 @id:T8-error-requestid-unique
  Scenario: An error carries a non-empty RequestId, different for every request
    Given a ListJobs request for the user store under test
    And the parameter "UserStoreId" is removed
    When the request is sent twice
    Then both responses are the error "MissingParameter"
    And both responses carry non-empty RequestIds that differ

  @T9 @assumed @id:T9-success-requestid-uuid
  Scenario: The RequestId of a success has the UUID form
    Given a ListJobs request for the user store under test
    When the request is sent
    Then the response is a success
    And the response carries a RequestId in UUID form

  @T9 @assumed @id:T9-error-requestid-uuid
  Scenario: The RequestId of an error has the UUID form
    Given a ListJobs request for the user store under test
    And the request is signed with a wrong SecretKey
    When the request is sent
    Then the response is the error "AuthFailure.SignatureFailure"
    And the response carries a RequestId in UUID form

  @T10 @assumed @wire @id:T10-post-body-over-10-mb
  Scenario: A POST body over 10 MB gets the error RequestSizeLimitExceeded
    Given a ListJobs request for the user store under test
    And the JobIds pad the body beyond 10 MB
    When the request is sent
    Then the response is the error "RequestSizeLimitExceeded"

  @T10 @assumed @wire @id:T10-get-url-over-32-kb
  Scenario: A GET URL over 32 KB gets the error RequestSizeLimitExceeded
    Given a ListJobs request for the user store under test
    And the request is sent as GET
    And the JobIds pad the URL beyond 32 KB
    When the request is sent
    Then the response is the error "RequestSizeLimitExceeded"

  @T10 @S3 @assumed @wire @id:T10-post-body-under-10-mb
  Scenario: A POST body of about 9,900,000 bytes, under 10 MB however a megabyte is counted, is served
    Given a ListJobs request for the user store under test
    And the JobIds pad the body to about 9900000 bytes
    When the request is sent
    Then the response is a success

  @T10 @S3 @assumed @wire @id:T10-get-url-under-32-kb
  Scenario: A GET URL of about 31,000 bytes, under 32 KB however a kilobyte is counted, is served
    Given a ListJobs request for the user store under test
    And the request is sent as GET
    And the JobIds pad the URL to about 31000 bytes
    When the request is sent
    Then the response is a success

  @T10 @A7 @S3 @assumed @signature-v1 @wire @id:T10-v1-form-post-under-1-mb
  Scenario: A form POST signed with signature v1 of about 990,000 bytes, under 1 MB, is served
    Given a ListJobs request for the user store under test
    And the JobIds pad the body to about 990000 bytes
    And the request is signed with signature v1 and "HmacSHA256"
    When the request is sent
    Then the response is a success

  @T10 @A7 @assumed @signature-v1 @wire @id:T10-v1-form-post-over-1-mb
  Scenario: A form POST signed with signature v1 of about 1,100,000 bytes, over 1 MB, gets the error RequestSizeLimitExceeded
    Given a ListJobs request for the user store under test
    And the JobIds pad the body to about 1100000 bytes
    And the request is signed with signature v1 and "HmacSHA256"
    When the request is sent
    Then the response is the error "RequestSizeLimitExceeded"
