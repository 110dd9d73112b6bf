Feature: Routing and parameters
  The endpoint routes on X-TC-Action, X-TC-Version and X-TC-Region, and checks the two
  ListJobs parameters: UserStoreId (a string, required) and JobIds (an array of strings)
  (contract rows P1-P10).

  @P1 @id:P1-invalid-action
  Scenario Outline: X-TC-Action "<action>" gets the error InvalidAction
    Given a ListJobs request for the user store under test
    And the header "X-TC-Action" is "<action>"
    When the request is sent
    Then the response is the error "InvalidAction"

    Examples:
      | action       |
      | ListJob      |
      | ListJobsX    |
      | listjobs     |
      | LISTJOBS     |
      | NoSuchAction |

  @P2 @assumed @id:P2-no-such-version
  Scenario Outline: X-TC-Version "<version>" gets the error NoSuchVersion
    Given a ListJobs request for the user store under test
    And the header "X-TC-Version" is "<version>"
    When the request is sent
    Then the response is the error "NoSuchVersion"

    Examples:
      | version     |
      | 2021-01-01  |
      | 2022-03-30  |
      | 2022-03-3   |
      | 2022-03-310 |
      | 2022-03-31x |

  @P3 @assumed @id:P3-no-region
  Scenario: A request without X-TC-Region gets the error MissingParameter
    Given a ListJobs request for the user store under test
    And the header "X-TC-Region" is absent
    When the request is sent
    Then the response is the error "MissingParameter"

  @P3 @A7 @assumed @signature-v1 @wire @id:P3-v1-get-no-region
  Scenario: A signature v1 GET without Region gets the error MissingParameter
    Given a ListJobs request for the user store under test
    And the request is sent as GET
    And the request is signed with signature v1 and "HmacSHA256"
    And the signature v1 request is signed and sent without its parameter "Region"
    When the request is sent
    Then the response is the error "MissingParameter"

  @P3 @A7 @assumed @signature-v1 @wire @id:P3-v1-form-post-no-region
  Scenario: A signature v1 form POST without Region gets the error MissingParameter
    Given a ListJobs request for the user store under test
    And the request is signed with signature v1 and "HmacSHA256"
    And the signature v1 request is signed and sent without its parameter "Region"
    When the request is sent
    Then the response is the error "MissingParameter"

  @P3 @assumed @id:P3-unsupported-region
  Scenario: A region that is not a Tencent Cloud region gets the error UnsupportedRegion
    Given a ListJobs request for the user store under test
    And the header "X-TC-Region" is "xx-nowhere-1"
    When the request is sent
    Then the response is the error "UnsupportedRegion"

  @P3 @assumed @id:P3-region-accepted
  Scenario Outline: The Tencent Cloud region <region> is accepted
    Given a ListJobs request for the user store under test
    And the header "X-TC-Region" is "<region>"
    When the request is sent
    Then the response is a success or an error other than "UnsupportedRegion"

    Examples:
      | region       |
      | ap-guangzhou |
      | ap-shanghai  |
      | ap-singapore |
      | eu-frankfurt |

  @P4 @id:P4-no-userstoreid
  Scenario: A body without UserStoreId gets the error MissingParameter
    Given a ListJobs request for the user store under test
    And the parameter "UserStoreId" is removed
    When the request is sent
    Then the response is the error "MissingParameter"

  @P4 @id:P4-jobids-without-userstoreid
  Scenario: A body with JobIds but without UserStoreId gets the error MissingParameter
    Given a ListJobs request for the user store under test
    And the JobIds are empty
    And the parameter "UserStoreId" is removed
    When the request is sent
    Then the response is the error "MissingParameter"

  @P4 @T2 @id:P4-get-no-userstoreid
  Scenario: A GET query without UserStoreId gets the error MissingParameter
    Given a ListJobs request for the user store under test
    And the request is sent as GET
    And the parameter "UserStoreId" is removed
    When the request is sent
    Then the response is the error "MissingParameter"

  @P5 @id:P5-wrong-type
  Scenario Outline: <parameter> sent as <value> gets the error InvalidParameter
    Given a ListJobs request for the user store under test
    And the parameter "<parameter>" is `<value>`
    When the request is sent
    Then the response is the error "InvalidParameter"

    Examples:
      | parameter   | value        |
      | UserStoreId | 123          |
      | UserStoreId | true         |
      | UserStoreId | ["x"]        |
      | UserStoreId | {"Id": "x"}  |
      | JobIds      | "x"          |
      | JobIds      | [1]          |
      | JobIds      | {"0": "x"}   |
      | JobIds      | [["x"]]      |

  @P6 @wire @id:P6-unknown-query-parameter
  Scenario: The undefined query parameter Foo of a GET gets the error UnknownParameter
    Given a ListJobs request for the user store under test
    And the request is sent as GET
    And the query is exactly "UserStoreId={{user store}}&Foo=bar"
    When the request is sent
    Then the response is the error "UnknownParameter"

  # A server that echoes the name in its Message must still answer strict JSON (T6, checked
  # on every response).
  @P6 @wire @id:P6-unknown-body-parameter-odd-name
  Scenario: An undefined body parameter whose name holds a quote, a backslash, a tab and non-ASCII letters gets the error UnknownParameter
    Given a ListJobs request for the user store under test
    And the body is exactly `{"UserStoreId":"{{user store}}","F\"o\\o\t名":1}`
    When the request is sent
    Then the response is the error "UnknownParameter"

  @P6 @wire @id:P6-unknown-query-parameter-odd-name
  Scenario: An undefined query parameter whose name holds a quote, a backslash, a tab, non-ASCII letters and a byte that is not UTF-8 gets the error UnknownParameter
    Given a ListJobs request for the user store under test
    And the request is sent as GET
    And the query is exactly "UserStoreId={{user store}}&F%22o%5Co%09%E5%90%8D%80=bar"
    When the request is sent
    Then the response is the error "UnknownParameter"

  @P6 @id:P6-unknown-body-parameter
  Scenario Outline: The undefined body parameter <parameter> gets the error UnknownParameter
    Given a ListJobs request for the user store under test
    And the parameter "<parameter>" is `<value>`
    When the request is sent
    Then the response is the error "UnknownParameter"

    Examples:
      | parameter | value |
      | Foo       | "bar" |
      | DryRun    | true  |
      | Limit     | 10    |

  @P7 @assumed @wire @id:P7-body-not-object
  Scenario Outline: A body that is not a JSON object (<body>) gets the error InvalidParameter
    Given a ListJobs request for the user store under test
    And the body is exactly `<body>`
    When the request is sent
    Then the response is the error "InvalidParameter"

    Examples:
      | body              |
      | []                |
      | "x"               |
      | null              |
      | {"UserStoreId":   |
      | {"UserStoreId" "x"} |

  @P7 @P4 @assumed @wire @id:P7-empty-body
  Scenario: An empty body is a request without parameters: MissingParameter
    Given a ListJobs request for the user store under test
    And the body is empty
    When the request is sent
    Then the response is the error "MissingParameter"

  @P8 @assumed @id:P8-unknown-user-store
  Scenario: A UserStoreId that does not exist gets the error FailedOperation.InvalidUserStore
    Given a ListJobs request for a user store that does not exist
    When the request is sent
    Then the response is the error "FailedOperation.InvalidUserStore"

  @P9 @assumed @id:P9-empty-userstoreid
  Scenario: UserStoreId "" names no user store: FailedOperation.InvalidUserStore
    Given a ListJobs request for the user store under test
    And the parameter "UserStoreId" is `""`
    When the request is sent
    Then the response is the error "FailedOperation.InvalidUserStore"

  @P10 @assumed @id:P10-jobids-null
  Scenario: "JobIds": null counts as absent and lists every job
    Given the user store under test holds at least 1 job
    And a ListJobs request for the user store under test
    And the parameter "JobIds" is `null`
    When the request is sent
    Then the response is a success
    And the returned Ids are exactly the known jobs
    And the endpoint was sent the parameter "JobIds" as null

  @P10 @P4 @assumed @id:P10-userstoreid-null
  Scenario: "UserStoreId": null counts as absent: MissingParameter
    Given a ListJobs request for the user store under test
    And the parameter "UserStoreId" is `null`
    When the request is sent
    Then the response is the error "MissingParameter"
    And the endpoint was sent the parameter "UserStoreId" as null
