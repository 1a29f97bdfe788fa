/** One check that did not hold. */
export interface ConformanceFailure {
  check: string;
  message: string;
}

/** What a conformance run found: every check by name, and the ones that failed. */
export interface ConformanceReport {
  /** Which interface was checked, e.g. `'IUserStore'`. */
  subject: string;
  passed: string[];
  failures: ConformanceFailure[];
  /**
   * Checks not run because the optional methods they need are missing (with the default
   * `optional: 'skip-missing'`). The kit always fills it; optional so reports built elsewhere
   * stay valid.
   */
  skipped?: string[];
}
