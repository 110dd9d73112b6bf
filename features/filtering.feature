Feature: Filtering by JobIds
  With JobIds, ListJobs returns exactly the listed jobs of the user store, each once;
  unknown ids are left out; filtered listings compose as sets (contract rows S2, S3, S8).
  Ids are matched exactly: a near miss of a real id (another case, a proper prefix, a
  suffix added, surrounding white space, the empty string) matches no job, alone or
  among real ids, at any position.

  @S2 @id:S2-two-jobs
  Scenario: A JobIds of two jobs returns exactly those two jobs
    Given the user store under test holds at least 3 jobs
    And a ListJobs request for the user store under test
    And the JobIds are known jobs 1 and 2
    When the request is sent
    Then the response is a success
    And the returned Ids are exactly known jobs 1 and 2

  @S2 @id:S2-one-job
  Scenario: A JobIds of one job returns exactly that job
    Given the user store under test holds at least 2 jobs
    And a ListJobs request for the user store under test
    And the JobIds are known job 2
    When the request is sent
    Then the response is a success
    And the returned Ids are exactly known job 2

  @S2 @assumed @id:S2-job-listed-twice
  Scenario: A job listed twice in JobIds comes back once
    Given the user store under test holds at least 2 jobs
    And a ListJobs request for the user store under test
    And the JobIds are known jobs 1, 1, 2 and 1
    When the request is sent
    Then the response is a success
    And the returned Ids are exactly known jobs 1 and 2
    And no Id is returned twice

  @S2 @fixture @id:S2-some-jobs-of-known-store
  Scenario: JobIds naming some jobs of a known user store returns exactly those jobs
    Given a ListJobs request for the fixture user store "varied"
    And the JobIds are known jobs 1, 3 and 5
    When the request is sent
    Then the response is a success
    And the returned Ids are exactly known jobs 1, 3 and 5
    And no Id is returned twice

  @S3 @assumed @id:S3-unknown-id-left-out
  Scenario: An id that matches no job is left out of JobSet, without an error
    Given the user store under test holds at least 1 job
    And a ListJobs request for the user store under test
    And the JobIds are known job 1 and the unknown id "no-such-job-00000000"
    When the request is sent
    Then the response is a success
    And the returned Ids are exactly known job 1

  @S2 @S3 @assumed @id:S2-near-miss
  Scenario Outline: A near miss of a job's id (<kind>) matches no job
    Given the user store under test holds at least 1 job
    And a ListJobs request for the user store under test
    And the JobIds are a near miss of known job 1: <kind>
    When the request is sent
    Then the response is a success
    And the JobSet is empty

    Examples:
      | kind                    |
      | another case            |
      | a proper prefix         |
      | a suffix added          |
      | surrounding white space |
      | the empty string        |

  @S2 @S3 @assumed @id:S2-jobs-with-near-miss
  Scenario Outline: Jobs 1 and 2 with a near miss of job 3 (<kind>) <position> return exactly jobs 1 and 2
    Given the user store under test holds at least 3 jobs
    And a ListJobs request for the user store under test
    And the JobIds are known jobs 1 and 2 with a near miss of known job 3 (<kind>) <position>
    When the request is sent
    Then the response is a success
    And the returned Ids are exactly known jobs 1 and 2

    Examples:
      | kind                    | position      |
      | another case            | first         |
      | another case            | in the middle |
      | another case            | last          |
      | a proper prefix         | first         |
      | a proper prefix         | in the middle |
      | a proper prefix         | last          |
      | a suffix added          | first         |
      | a suffix added          | in the middle |
      | a suffix added          | last          |
      | surrounding white space | first         |
      | surrounding white space | in the middle |
      | surrounding white space | last          |
      | the empty string        | first         |
      | the empty string        | in the middle |
      | the empty string        | last          |

  @S2 @S3 @assumed @id:S2-repeats-among-near-misses
  Scenario Outline: JobIds naming <count> known jobs, each <times> times, among <misses> near misses return exactly those jobs
    Given the user store under test holds at least 1 job
    And a ListJobs request for the user store under test
    And the JobIds name <count> known jobs, each <times> times, with <misses> near misses of them interleaved
    When the request is sent
    Then the response is a success
    And the returned Ids are exactly the known jobs the JobIds name
    And no Id is returned twice

    Examples:
      | count | times | misses |
      | 1     | 1     | 11     |
      | every | 1     | 0      |
      | every | 3     | 25     |
      | every | 2     | 300    |

  @S8 @id:S8-filter-subset-of-full
  Scenario: A filtered listing is a subset of the full listing
    Given the user store under test holds at least 3 jobs
    And a ListJobs request for the user store under test
    And the JobIds are known jobs 1 and 3
    When the request is sent
    Then the response is a success
    And the returned Ids are a subset of the known jobs

  @S8 @id:S8-union
  Scenario: The listing of a ∪ b is the union of the listings of a and of b
    Given the user store under test holds at least 3 jobs
    And a ListJobs request for the user store under test
    And the JobIds are known jobs 1 and 2
    When the request is sent
    Then the response is a success
    And the returned Ids are remembered as "a"
    Given the JobIds are known jobs 2 and 3
    When the request is sent
    Then the response is a success
    And the returned Ids are remembered as "b"
    Given the JobIds are known jobs 1, 2 and 3
    When the request is sent
    Then the response is a success
    And the returned Ids are the union of those remembered as "a" and "b"

  @S8 @id:S8-order-of-jobids
  Scenario: The order of JobIds does not change the set returned
    Given the user store under test holds at least 3 jobs
    And a ListJobs request for the user store under test
    And the JobIds are known jobs 1, 2 and 3
    When the request is sent
    Then the response is a success
    And the returned Ids are remembered as "forward"
    Given the JobIds are known jobs 3, 1 and 2
    When the request is sent
    Then the response is a success
    And the returned Ids are the same set as those remembered as "forward"

  @S8 @id:S8-duplicates-in-jobids
  Scenario: Duplicates in JobIds do not change the set returned
    Given the user store under test holds at least 2 jobs
    And a ListJobs request for the user store under test
    And the JobIds are known jobs 1 and 2
    When the request is sent
    Then the response is a success
    And the returned Ids are remembered as "plain"
    Given the JobIds are known jobs 2, 1, 2 and 2
    When the request is sent
    Then the response is a success
    And the returned Ids are the same set as those remembered as "plain"

  @S8 @S7 @assumed @id:S8-repeated-filter
  Scenario: A second identical filtered request returns the same Ids
    Given the user store under test holds at least 2 jobs
    And a ListJobs request for the user store under test
    And the JobIds are known jobs 1 and 2
    When the request is sent twice
    Then both responses are successes
    And both responses return the same Ids
