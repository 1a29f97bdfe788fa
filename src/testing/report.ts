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
}
