// Apart from the feed itself: the store options (dialect.ts) name it, and the feed needs them.

/** Options of the SQL revocation feed (`createSqlStores({ revocationFeed })`). */
export interface SqlRevocationFeedOptions {
  /**
   * How often each subscriber reads new rows, in ms (default 1000). Another instance refuses
   * a revoked token within this interval plus one query: within 2 s with the default.
   */
  pollIntervalMs?: number;
  /** How long rows are kept, in seconds (default one day; at least the access-token lifetime). */
  retentionSeconds?: number;
  /** Told of each failed poll (default: the first failure of an outage is logged on the console). */
  onError?: (err: unknown) => void;
}
