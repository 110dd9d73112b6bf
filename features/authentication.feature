Feature: Authentication with TC3-HMAC-SHA256
  Every request is signed as the API 3.0 signature v3 describes; the endpoint verifies the
  signature over the raw query and body it received, the timestamp, the credential scope,
  the key and, for a temporary key, the token (contract rows A1-A8).

  @A1 @id:A1-signed-content-type-host
  Scenario: A request signed over content-type;host is accepted
    Given a ListJobs request for the user store under test
    And the request signs the headers "content-type;host"
    When the request is sent
    Then the response is a success

  @A1 @wire @id:A1-signed-with-x-tc-action
  Scenario: A request signed over content-type;host;x-tc-action is accepted
    Given a ListJobs request for the user store under test
    And the request signs the headers "content-type;host;x-tc-action"
    When the request is sent
    Then the response is a success

  @A1 @wire @id:A1-signed-with-region-and-version
  Scenario: A request signed over content-type;host;x-tc-region;x-tc-version is accepted
    Given a ListJobs request for the user store under test
    And the request signs the headers "content-type;host;x-tc-region;x-tc-version"
    When the request is sent
    Then the response is a success

  @A1 @wire @id:A1-signedheaders-leave-out-required
  Scenario Outline: A request whose SignedHeaders leaves out <left out>, signed over that list, is refused with an AuthFailure code
    Given a ListJobs request for the user store under test
    And the request signs the headers "<signed>"
    When the request is sent
    Then the response is an error with a code under "AuthFailure"

    Examples:
      | left out              | signed                   |
      | content-type          | host;x-tc-action         |
      | host                  | content-type;x-tc-action |
      | content-type and host | x-tc-action;x-tc-region  |

  @A1 @wire @id:A1-body-python-sdk-style
  Scenario: A body in the Python SDK's style, with spaces after ':' and ',', is verified over its raw bytes
    Given a ListJobs request for the user store under test
    And the body is exactly:
      """
      {"UserStoreId": "{{user store}}", "JobIds": []}
      """
    When the request is sent
    Then the response is a success

  @A1 @wire @id:A1-get-query-python-sdk-order
  Scenario: A GET query in the Python SDK's order, not sorted, is verified over its raw string
    Given the user store under test holds at least 2 jobs
    And a ListJobs request for the user store under test
    And the request is sent as GET
    And the query is exactly "UserStoreId={{user store}}&JobIds.0={{known job 2}}&JobIds.1={{known job 1}}"
    When the request is sent
    Then the response is a success
    And the returned Ids are exactly known jobs 1 and 2

  @A2 @id:A2-wrong-secretkey
  Scenario: A request signed with a wrong SecretKey gets AuthFailure.SignatureFailure
    Given a ListJobs request for the user store under test
    And the request is signed with a wrong SecretKey
    When the request is sent
    Then the response is the error "AuthFailure.SignatureFailure"

  @A2 @wire @id:A2-body-altered
  Scenario: A body altered after signing gets AuthFailure.SignatureFailure
    Given a ListJobs request for the user store under test
    And the body is replaced after signing by `{"UserStoreId":"{{user store}}","JobIds":["tampered"]}`
    When the request is sent
    Then the response is the error "AuthFailure.SignatureFailure"

  @A2 @wire @id:A2-body-altered-white-space
  Scenario: A body altered after signing only by white space gets AuthFailure.SignatureFailure
    Given a ListJobs request for the user store under test
    And the body is replaced after signing by `{"UserStoreId": "{{user store}}"}`
    When the request is sent
    Then the response is the error "AuthFailure.SignatureFailure"

  @A2 @wire @id:A2-get-query-altered
  Scenario: A GET query altered after signing gets AuthFailure.SignatureFailure
    Given a ListJobs request for the user store under test
    And the request is sent as GET
    And the query is replaced after signing by "JobIds.0=tampered&UserStoreId={{user store}}"
    When the request is sent
    Then the response is the error "AuthFailure.SignatureFailure"

  @A2 @wire @id:A2-signed-content-type-altered
  Scenario: A signed Content-Type altered after signing gets AuthFailure.SignatureFailure
    Given a ListJobs request for the user store under test
    And the header "Content-Type" is changed to "application/json; charset=utf-8" after signing
    When the request is sent
    Then the response is the error "AuthFailure.SignatureFailure"

  @A2 @wire @id:A2-signed-x-tc-region-altered
  Scenario: A signed X-TC-Region altered after signing gets AuthFailure.SignatureFailure
    Given a ListJobs request for the user store under test
    And the request signs the headers "content-type;host;x-tc-region"
    And the X-TC-Region is changed to another Tencent Cloud region after signing
    When the request is sent
    Then the response is the error "AuthFailure.SignatureFailure"

  @A2 @wire @id:A2-get-query-parameters-reordered
  Scenario: A GET query whose parameters are reordered after signing gets AuthFailure.SignatureFailure
    Given the user store under test holds at least 1 job
    And a ListJobs request for the user store under test
    And the request is sent as GET
    And the JobIds are known job 1
    And the query is replaced after signing by "UserStoreId={{user store}}&JobIds.0={{known job 1}}"
    When the request is sent
    Then the response is the error "AuthFailure.SignatureFailure"

  # Every part of the canonical request is verified (A2): a request signed over one value
  # of a part and sent with another is refused. The query is verified exactly as it
  # arrived (A1: not sorted, not re-encoded), so a query re-encoded after signing, to
  # the same values, no longer matches its signature. Each request is otherwise valid:
  # the signature is the only thing to refuse it for.
  @A2 @wire @id:A2-other-method-signed
  Scenario Outline: A <method> signed over the HTTPRequestMethod <signed> gets AuthFailure.SignatureFailure
    Given a ListJobs request for the user store under test
    And the request method is "<method>"
    And the request is signed over the HTTPRequestMethod "<signed>"
    When the request is sent
    Then the response is the error "AuthFailure.SignatureFailure"

    Examples:
      | method | signed |
      | GET    | POST   |
      | POST   | GET    |

  @A2 @wire @id:A2-other-canonicaluri-signed
  Scenario Outline: A <method> to / signed over the CanonicalURI "<uri>" gets AuthFailure.SignatureFailure
    Given a ListJobs request for the user store under test
    And the request method is "<method>"
    And the request is signed over the CanonicalURI "<uri>"
    When the request is sent
    Then the response is the error "AuthFailure.SignatureFailure"

    Examples:
      | method | uri |
      | POST   | /x  |
      | GET    | //  |
      | POST   |     |

  @A2 @wire @id:A2-get-empty-query-signed-one-sent
  Scenario: A GET signed over an empty query and sent with one gets AuthFailure.SignatureFailure
    Given the user store under test holds at least 1 job
    And a ListJobs request for the user store under test
    And the request is sent as GET
    And the query is exactly ""
    And the query is replaced after signing by "UserStoreId={{user store}}&JobIds.0={{known job 1}}"
    When the request is sent
    Then the response is the error "AuthFailure.SignatureFailure"

  @A2 @wire @id:A2-get-query-jobid-added
  Scenario: A GET query with a JobIds.0 added after signing gets AuthFailure.SignatureFailure
    Given the user store under test holds at least 1 job
    And a ListJobs request for the user store under test
    And the request is sent as GET
    And the query is exactly "UserStoreId={{user store}}"
    And the query is replaced after signing by "UserStoreId={{user store}}&JobIds.0={{known job 1}}"
    When the request is sent
    Then the response is the error "AuthFailure.SignatureFailure"

  @A2 @wire @id:A2-get-query-encoded-another-way
  Scenario Outline: A GET query signed with JobIds.0=<signed> and sent with JobIds.0=<sent>, the same value encoded another way, gets AuthFailure.SignatureFailure
    Given a ListJobs request for the user store under test
    And the request is sent as GET
    And the query is exactly "UserStoreId={{user store}}&JobIds.0=<signed>"
    And the query is replaced after signing by "UserStoreId={{user store}}&JobIds.0=<sent>"
    When the request is sent
    Then the response is the error "AuthFailure.SignatureFailure"

    Examples:
      | signed | sent  |
      | a-b    | a%2Db |
      | a%2Db  | a%2db |
      | a+b    | a%20b |
      | a%20b  | a+b   |

  @A2 @wire @id:A2-signature-hex-digit-changed
  Scenario Outline: A signature with its <digit> hex digit changed gets AuthFailure.SignatureFailure
    Given a ListJobs request for the user store under test
    And the signature's <digit> hex digit is changed after signing
    When the request is sent
    Then the response is the error "AuthFailure.SignatureFailure"

    Examples:
      | digit  |
      | first  |
      | middle |
      | last   |

  @A2 @A5 @assumed @wire @id:A2-signature-cut-short
  Scenario: A signature cut short by its last hex digit is refused with an AuthFailure
    Given a ListJobs request for the user store under test
    And the signature is cut short by its last hex digit after signing
    When the request is sent
    Then the response is an error with a code under "AuthFailure"

  @A2 @wire @id:A2-x-tc-timestamp-moved-1-s
  Scenario Outline: An X-TC-Timestamp moved 1 s <direction> after signing gets AuthFailure.SignatureFailure
    Given a ListJobs request for the user store under test
    And the X-TC-Timestamp is moved 1 second <direction> after signing
    When the request is sent
    Then the response is the error "AuthFailure.SignatureFailure"

    Examples:
      | direction |
      | earlier   |
      | later     |

  @A2 @wire @id:A2-signedheaders-changed-after-signing
  Scenario Outline: A SignedHeaders list that <change> after signing gets AuthFailure.SignatureFailure
    Given a ListJobs request for the user store under test
    And the request signs the headers "<signed>"
    And the Authorization header is replaced by "TC3-HMAC-SHA256 Credential={{SecretId}}/{{date}}/ciam/tc3_request, SignedHeaders=<claimed>, Signature={{signature}}"
    When the request is sent
    Then the response is the error "AuthFailure.SignatureFailure"

    Examples:
      | change                           | signed                        | claimed                       |
      | names one more header            | content-type;host             | content-type;host;x-tc-action |
      | leaves out a header it signed    | content-type;host;x-tc-region | content-type;host             |
      | names another header in its place | content-type;host;x-tc-region | content-type;host;x-tc-action |

  @A7 @A2 @signature-v1 @wire @id:A7-v1-get-parameter-changed
  Scenario Outline: A signature v1 GET whose <parameter> is changed after signing gets AuthFailure.SignatureFailure
    Given a ListJobs request for the user store under test
    And the request is sent as GET
    And the request is signed with signature v1 and "HmacSHA256"
    And the signature v1 parameter "<parameter>" is changed after signing
    When the request is sent
    Then the response is the error "AuthFailure.SignatureFailure"

    Examples:
      | parameter   |
      | Nonce       |
      | Timestamp   |
      | Region      |
      | UserStoreId |

  @A7 @A2 @signature-v1 @wire @id:A7-v1-form-post-nonce-changed
  Scenario: A signature v1 form POST whose Nonce is changed after signing gets AuthFailure.SignatureFailure
    Given a ListJobs request for the user store under test
    And the request is signed with signature v1 and "HmacSHA256"
    And the signature v1 parameter "Nonce" is changed after signing
    When the request is sent
    Then the response is the error "AuthFailure.SignatureFailure"

  @A3 @wire @id:A3-timestamp-400-s-off
  Scenario Outline: An X-TC-Timestamp 400 s in the <direction> gets AuthFailure.SignatureExpire
    Given a ListJobs request for the user store under test
    And the request's timestamp is 400 seconds in the <direction>
    When the request is sent
    Then the response is the error "AuthFailure.SignatureExpire"

    Examples:
      | direction |
      | past      |
      | future    |

  @A3 @wire @id:A3-timestamp-310-s-off
  Scenario Outline: An X-TC-Timestamp 310 s in the <direction>, just over five minutes, gets AuthFailure.SignatureExpire
    Given a ListJobs request for the user store under test
    And the request's timestamp is 310 seconds in the <direction>
    When the request is sent
    Then the response is the error "AuthFailure.SignatureExpire"

    Examples:
      | direction |
      | past      |
      | future    |

  @A3 @wire @id:A3-clock-skew-accepted
  Scenario Outline: <seconds> s of clock skew in the <direction> is accepted
    Given a ListJobs request for the user store under test
    And the request's timestamp is <seconds> seconds in the <direction>
    When the request is sent
    Then the response is a success

    Examples:
      | seconds | direction |
      | 60      | past      |
      | 60      | future    |
      | 290     | past      |
      | 290     | future    |

  @A4 @id:A4-unknown-secretid
  Scenario: An unknown SecretId gets AuthFailure.SecretIdNotFound
    Given a ListJobs request for the user store under test
    And the request is signed with an unknown SecretId
    When the request is sent
    Then the response is the error "AuthFailure.SecretIdNotFound"

  @A5 @assumed @wire @id:A5-no-authorization-header
  Scenario: A request without an Authorization header gets AuthFailure.InvalidAuthorization
    Given a ListJobs request for the user store under test
    And the request carries no Authorization header
    When the request is sent
    Then the response is the error "AuthFailure.InvalidAuthorization"

  @A5 @assumed @wire @id:A5-get-without-any-signature
  Scenario: A GET without an Authorization header, and without the parameters of signature v1, gets AuthFailure.InvalidAuthorization
    Given a ListJobs request for the user store under test
    And the request is sent as GET
    And the request carries no Authorization header
    When the request is sent
    Then the response is the error "AuthFailure.InvalidAuthorization"

  @A5 @assumed @wire @id:A5-malformed-authorization-header
  Scenario Outline: A malformed Authorization header (<form>) gets AuthFailure.InvalidAuthorization
    Given a ListJobs request for the user store under test
    And the Authorization header is replaced by "<value>"
    When the request is sent
    Then the response is the error "AuthFailure.InvalidAuthorization"

    Examples:
      | form                     | value                                                                                                        |
      | empty                    |                                                                                                              |
      | another scheme           | Basic QUtJRGV4YW1wbGU6c2VjcmV0                                                                                |
      | algorithm only           | TC3-HMAC-SHA256                                                                                              |
      | another algorithm        | HMAC-SHA256 Credential={{SecretId}}/{{date}}/ciam/tc3_request, SignedHeaders=content-type;host, Signature={{signature}} |
      | no SignedHeaders         | TC3-HMAC-SHA256 Credential={{SecretId}}/{{date}}/ciam/tc3_request, Signature={{signature}}                   |
      | no Signature             | TC3-HMAC-SHA256 Credential={{SecretId}}/{{date}}/ciam/tc3_request, SignedHeaders=content-type;host           |
      | no Credential            | TC3-HMAC-SHA256 SignedHeaders=content-type;host, Signature={{signature}}                                     |
      | Credential without scope | TC3-HMAC-SHA256 Credential={{SecretId}}, SignedHeaders=content-type;host, Signature={{signature}}            |
      | scope without tc3_request | TC3-HMAC-SHA256 Credential={{SecretId}}/{{date}}/ciam, SignedHeaders=content-type;host, Signature={{signature}} |
      | algorithm in lower case  | tc3-hmac-sha256 Credential={{SecretId}}/{{date}}/ciam/tc3_request, SignedHeaders=content-type;host, Signature={{signature}} |
      | algorithm cut short      | TC3-HMAC-SHA25 Credential={{SecretId}}/{{date}}/ciam/tc3_request, SignedHeaders=content-type;host, Signature={{signature}}  |
      | algorithm with a suffix  | TC3-HMAC-SHA2560 Credential={{SecretId}}/{{date}}/ciam/tc3_request, SignedHeaders=content-type;host, Signature={{signature}} |

  @A6 @assumed @wire @id:A6-credential-scope-date-one-day-off
  Scenario Outline: A credential scope dated one day <direction> the timestamp's UTC date gets AuthFailure.SignatureFailure
    Given a ListJobs request for the user store under test
    And the credential scope date is one day <direction> the timestamp's UTC date
    When the request is sent
    Then the response is the error "AuthFailure.SignatureFailure"

    Examples:
      | direction |
      | before    |
      | after     |

  @A6 @assumed @wire @id:A6-credential-scope-other-service
  Scenario Outline: A credential scope for the service "<service>" gets AuthFailure.SignatureFailure
    Given a ListJobs request for the user store under test
    And the credential scope service is "<service>"
    When the request is sent
    Then the response is the error "AuthFailure.SignatureFailure"

    Examples:
      | service |
      | cvm     |
      | CIAM    |
      | cia     |
      | ciamx   |

  @A7 @signature-v1 @id:A7-v1-get-accepted
  Scenario Outline: A GET signed with signature v1 and <method> is accepted
    Given a ListJobs request for the user store under test
    And the request is sent as GET
    And the request is signed with signature v1 and "<method>"
    When the request is sent
    Then the response is a success

    Examples:
      | method     |
      | HmacSHA1   |
      | HmacSHA256 |

  @A7 @signature-v1 @id:A7-v1-form-post-accepted
  Scenario: A form-encoded POST signed with signature v1 and HmacSHA256 is accepted
    Given a ListJobs request for the user store under test
    And the request is signed with signature v1 and "HmacSHA256"
    When the request is sent
    Then the response is a success

  @A7 @A2 @signature-v1 @id:A7-v1-wrong-secretkey
  Scenario: A signature v1 made with a wrong SecretKey gets AuthFailure.SignatureFailure
    Given a ListJobs request for the user store under test
    And the request is sent as GET
    And the request is signed with signature v1 and "HmacSHA256"
    And the request is signed with a wrong SecretKey
    When the request is sent
    Then the response is the error "AuthFailure.SignatureFailure"

  @A8 @token @fixture @id:A8-token-accepted
  Scenario: A temporary key with its X-TC-Token is accepted
    Given a ListJobs request for the fixture user store "varied"
    And the request uses the fixture credential "temporary"
    When the request is sent
    Then the response is a success

  @A8 @token @fixture @id:A8-token-missing
  Scenario: A temporary key without X-TC-Token is refused with an AuthFailure
    Given a ListJobs request for the fixture user store "varied"
    And the request uses the fixture credential "temporary"
    And the request carries no X-TC-Token
    When the request is sent
    Then the response is an error with a code under "AuthFailure"

  @A8 @token @fixture @id:A8-token-wrong
  Scenario: A temporary key with a wrong X-TC-Token gets AuthFailure.TokenFailure
    Given a ListJobs request for the fixture user store "varied"
    And the request uses the fixture credential "temporary"
    And the request carries the X-TC-Token "not-the-token-of-this-key"
    When the request is sent
    Then the response is the error "AuthFailure.TokenFailure"

  @A8 @A7 @token @signature-v1 @fixture @id:A8-v1-token-accepted
  Scenario: A temporary key signing a GET with signature v1 and its Token is accepted
    Given a ListJobs request for the fixture user store "varied"
    And the request uses the fixture credential "temporary"
    And the request is sent as GET
    And the request is signed with signature v1 and "HmacSHA256"
    When the request is sent
    Then the response is a success

  @A8 @A7 @token @signature-v1 @fixture @id:A8-v1-token-wrong
  Scenario: A temporary key signing a GET with signature v1 and a wrong Token gets AuthFailure.TokenFailure
    Given a ListJobs request for the fixture user store "varied"
    And the request uses the fixture credential "temporary"
    And the request carries the X-TC-Token "not-the-token-of-this-key"
    And the request is sent as GET
    And the request is signed with signature v1 and "HmacSHA256"
    When the request is sent
    Then the response is the error "AuthFailure.TokenFailure"
