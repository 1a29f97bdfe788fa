const MAX_DELAY_MS = 3_600_000;

/**
 * The wait before retry number `retry` (1 for the first retry): `baseMs` doubled each retry,
 * capped at an hour, with "equal jitter" (half fixed, half random) so receivers that come back
 * after an outage are not hit by every sender at the same instant.
 */
export function retryDelay(
  baseMs: number,
  retry: number,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(baseMs * 2 ** Math.max(retry - 1, 0), MAX_DELAY_MS);
  return Math.round(exponential / 2 + random() * (exponential / 2));
}
