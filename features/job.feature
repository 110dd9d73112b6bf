Feature: The Job object
  Every element of a non-empty JobSet is a Job: Id, Status, Type, CreatedDate, Format and
  Location are present, ErrorDetails and FailedUsers may be absent or null, and fields the
  contract does not name are allowed (contract rows J1-J9).

  @J1 @id:J1-id
  Scenario: Every job has an Id that is a non-empty string
    When the jobs of the user store under test are listed
    Then every returned job has an Id that is a non-empty string

  @J2 @id:J2-status
  Scenario: Every job has a Status among PENDING, PROCESSING, COMPLETED and FAILED
    When the jobs of the user store under test are listed
    Then every returned job has a Status among PENDING, PROCESSING, COMPLETED and FAILED

  @J3 @id:J3-type
  Scenario: Every job has a Type among IMPORT_USER and EXPORT_USER
    When the jobs of the user store under test are listed
    Then every returned job has a Type among IMPORT_USER and EXPORT_USER

  @J4 @id:J4-createddate
  Scenario: Every job has a CreatedDate that is a JSON integer of Unix epoch milliseconds
    When the jobs of the user store under test are listed
    Then every returned job has a CreatedDate that is an integer of epoch milliseconds

  @J5 @id:J5-format
  Scenario: Every job has a Format that is NDJSON, CSV or null
    When the jobs of the user store under test are listed
    Then every returned job has a Format that is NDJSON, CSV or null

  @J6 @id:J6-location
  Scenario: Every job has a Location that is a string or null
    When the jobs of the user store under test are listed
    Then every returned job has a Location that is a string or null

  @J7 @id:J7-errordetails
  Scenario: Every job's ErrorDetails is an array of {UserId, Error}, null, or absent
    When the jobs of the user store under test are listed
    Then every returned job has ErrorDetails that are absent, null or an array of {UserId, Error}

  @J8 @id:J8-failedusers
  Scenario: Every job's FailedUsers is an array of {FailedUserIdentification, FailedReason}, null, or absent
    When the jobs of the user store under test are listed
    Then every returned job has FailedUsers that are absent, null or an array of {FailedUserIdentification, FailedReason}

  @J9 @assumed @id:J9-extra-fields
  Scenario: A job may carry fields the contract does not name
    When the jobs of the user store under test are listed
    Then every returned job matches the Job schema, whatever other fields it carries

  @J1 @J2 @J3 @J4 @J5 @J6 @J7 @J8 @fixture @id:J1-known-jobs-field-for-field
  Scenario: The jobs of a known user store come back field for field as recorded
    When the jobs of the fixture user store "varied" are listed
    Then the response is a success
    And the returned jobs are those of the fixture user store "varied", field for field

  @J1 @J2 @J3 @J4 @J5 @J6 @J7 @J8 @fixture @id:J1-many-store-job-rules
  Scenario: Every job of the large fixture user store "many" honours the Job rules
    When the jobs of the fixture user store "many" are listed
    Then every returned job has an Id that is a non-empty string
    And every returned job has a Status among PENDING, PROCESSING, COMPLETED and FAILED
    And every returned job has a Type among IMPORT_USER and EXPORT_USER
    And every returned job has a CreatedDate that is an integer of epoch milliseconds
    And every returned job has a Format that is NDJSON, CSV or null
    And every returned job has a Location that is a string or null
    And every returned job has ErrorDetails that are absent, null or an array of {UserId, Error}
    And every returned job has FailedUsers that are absent, null or an array of {FailedUserIdentification, FailedReason}
    And the returned jobs are those of the fixture user store "many", field for field
