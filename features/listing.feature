Feature: Listing the jobs of a user store
  Without JobIds, or with an empty JobIds, ListJobs returns every job of the user store,
  in no particular order; an empty result is [] or null (contract rows S1, S4, S5, S7).

  @S1 @id:S1-absent-and-empty-jobids-agree
  Scenario: An absent JobIds and an empty JobIds return the same jobs
    Given the user store under test holds at least 1 job
    And a ListJobs request for the user store under test
    And the JobIds are empty
    When the request is sent
    Then the response is a success
    And the returned Ids are exactly the known jobs

  @S1 @fixture @id:S1-absent-jobids-every-job
  Scenario: An absent JobIds returns every job of the user store
    When the jobs of the fixture user store "varied" are listed
    Then the response is a success
    And the returned Ids are exactly the known jobs

  @S1 @fixture @id:S1-empty-jobids-every-job
  Scenario: An empty JobIds returns every job of the user store
    Given a ListJobs request for the fixture user store "varied"
    And the JobIds are empty
    When the request is sent
    Then the response is a success
    And the returned Ids are exactly the known jobs

  @S1 @fixture @id:S1-many-store-every-job
  Scenario: Every job of the large fixture user store "many" is returned
    When the jobs of the fixture user store "many" are listed
    Then the response is a success
    And the returned Ids are exactly the known jobs

  @S4 @id:S4-reverse-jobids-same-set
  Scenario: The order of JobSet is unspecified: JobIds in reverse order return the same set
    Given the user store under test holds at least 3 jobs
    And a ListJobs request for the user store under test
    And the JobIds are known jobs 3, 2 and 1
    When the request is sent
    Then the response is a success
    And the returned Ids are exactly known jobs 1, 2 and 3

  @S4 @fixture @id:S4-jobs-compare-as-set
  Scenario: The jobs of a user store compare as a set, whatever order they come back in
    Given a ListJobs request for the fixture user store "many"
    When the request is sent twice
    Then both responses are successes
    And both responses return the same Ids
    And the returned Ids are exactly the known jobs

  @S5 @id:S5-jobset-array
  Scenario: When jobs exist, JobSet is an array
    Given the user store under test holds at least 1 job
    When the jobs of the user store under test are listed
    Then the response is a success
    And the JobSet is an array

  @S5 @fixture @id:S5-known-jobs-in-array
  Scenario: A user store known to hold jobs returns them in an array
    When the jobs of the fixture user store "varied" are listed
    Then the response is a success
    And the JobSet is an array

  @S5 @fixture @id:S5-empty-store-jobset
  Scenario: A user store without jobs returns "JobSet": [] or "JobSet": null
    When the jobs of the fixture user store "empty" are listed
    Then the response is a success
    And the JobSet is empty

  @S5 @S3 @assumed @id:S5-no-match-jobset
  Scenario: A filter that matches no job returns "JobSet": [] or "JobSet": null
    Given a ListJobs request for the user store under test
    And the JobIds are the unknown ids "no-such-job-1" and "no-such-job-2"
    When the request is sent
    Then the response is a success
    And the JobSet is empty

  @S7 @assumed @id:S7-same-request-twice
  Scenario: The same request twice returns the same jobs
    Given a ListJobs request for the user store under test
    When the request is sent twice
    Then both responses are successes
    And both responses return the same Ids
