Feature: Isolation of user stores and tenants
  A listing shows the jobs of the user store it names and no other; a user store belongs
  to one account, whose credentials alone may list it (contract rows S6, S9).

  @S6 @fixture @id:S6-stores-disjoint
  Scenario: Jobs of one user store never appear in another's listing
    When the jobs of the fixture user store "varied" are listed
    Then the response is a success
    And the returned Ids are exactly the known jobs
    And the returned Ids include none of the jobs of the fixture user store "sibling"

  @S6 @fixture @id:S6-sibling-store
  Scenario: The sibling user store of the same account lists only its own jobs
    When the jobs of the fixture user store "sibling" are listed
    Then the response is a success
    And the returned Ids are exactly the known jobs
    And the returned Ids include none of the jobs of the fixture user store "varied"

  @S6 @S3 @fixture @assumed @id:S6-filter-by-other-stores-ids
  Scenario: Filtering one user store by the ids of another's jobs returns none of them
    Given a ListJobs request for the fixture user store "varied"
    And the JobIds are the ids of the jobs of the fixture user store "sibling"
    When the request is sent
    Then the response is a success
    And the JobSet is empty

  @S9 @P8 @fixture @assumed @id:S9-other-tenant-lists-our-store
  Scenario: Another tenant's key listing our user store gets FailedOperation.InvalidUserStore and no job
    Given a ListJobs request for the fixture user store "varied"
    And the request uses the fixture credential "other-account"
    When the request is sent
    Then the response is the error "FailedOperation.InvalidUserStore"
    And the response shows none of the jobs of the fixture user store "varied"

  @S9 @P8 @fixture @assumed @id:S9-we-list-other-tenants-store
  Scenario: Our key listing another tenant's user store gets FailedOperation.InvalidUserStore and no job
    Given a ListJobs request for the fixture user store "other-account"
    When the request is sent
    Then the response is the error "FailedOperation.InvalidUserStore"
    And the response shows none of the jobs of the fixture user store "other-account"

  @S9 @P8 @fixture @assumed @id:S9-other-tenant-names-our-jobs
  Scenario: Another tenant's key naming our jobs still sees none of them
    Given a ListJobs request for the fixture user store "varied"
    And the request uses the fixture credential "other-account"
    And the JobIds are known jobs 1 and 2
    When the request is sent
    Then the response is the error "FailedOperation.InvalidUserStore"
    And the response shows none of the jobs of the fixture user store "varied"
