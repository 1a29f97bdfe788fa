import type { BaseOAuthStrategy } from '../features/oauth/strategy';
import type { DoctorFinding, DoctorInput, DoctorOptions } from './types';

export const DEFAULT_CLOCK_TIMEOUT_MS = 3000;
/** ID tokens are checked with a small leeway; beyond this, sign-ins start failing at random. */
export const DEFAULT_MAX_CLOCK_SKEW_SECONDS = 30;

class NoDateHeader extends Error {}

/** The provider's clock minus ours, in seconds, from one HEAD to its token endpoint. */
async function skewAgainst(url: URL, timeoutMs: number): Promise<number> {
  const sent = Date.now();
  const res = await fetch(url, {
    method: 'HEAD',
    redirect: 'manual',
    signal: AbortSignal.timeout(timeoutMs),
  });
  const received = Date.now();
  await res.body?.cancel();
  const date = res.headers.get('date');
  const theirs = date === null ? NaN : Date.parse(date);
  if (Number.isNaN(theirs)) throw new NoDateHeader();
  // The Date header has one-second resolution and was written somewhere during the round trip.
  return (theirs - (sent + received) / 2) / 1000;
}

function failed(strategy: BaseOAuthStrategy, err: unknown): DoctorFinding {
  // Read by name: fetch's abort errors are DOMExceptions, not always of this realm's Error.
  const name = (err as { name?: unknown } | null)?.name;
  const why =
    name === 'TimeoutError' || name === 'AbortError'
      ? 'did not answer in time'
      : err instanceof NoDateHeader
        ? 'sent no Date header'
        : 'could not be reached';
  return {
    level: 'info',
    code: 'CLOCK_CHECK_FAILED',
    message: `Clock check skipped for OAuth provider '${strategy.name}': ${(strategy.settings.tokenUrl ?? strategy.settings.discovery?.issuer)?.origin ?? 'its server'} ${why}`,
    fix: 'Nothing to do if the provider is reachable from production; check outbound network access otherwise',
  };
}

/**
 * Compares this machine's clock with each OAuth provider's, in parallel and time-limited, so
 * the doctor never hangs on a slow network. A skewed clock makes ID tokens look issued in the
 * future or already expired.
 */
export async function clockSkewChecks(
  input: DoctorInput,
  options: DoctorOptions,
): Promise<DoctorFinding[]> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_CLOCK_TIMEOUT_MS;
  const max = options.maxClockSkewSeconds ?? DEFAULT_MAX_CLOCK_SKEW_SECONDS;
  const byName = new Map<string, BaseOAuthStrategy>();
  for (const router of input.routers) for (const s of router.strategies) byName.set(s.name, s);
  const results = await Promise.all(
    [...byName.values()].map(async (strategy): Promise<DoctorFinding | undefined> => {
      let skew: number;
      try {
        // A provider configured from its issuer alone has no token URL until discovery: its
        // issuer (which serves the discovery document) answers with the same clock.
        const target = strategy.settings.tokenUrl ?? strategy.settings.discovery?.issuer;
        if (!target) return undefined;
        skew = await skewAgainst(target, timeoutMs);
      } catch (err) {
        return failed(strategy, err);
      }
      if (Math.abs(skew) <= max) return undefined;
      const direction = skew > 0 ? 'behind' : 'ahead of';
      return {
        level: 'warn',
        code: 'CLOCK_SKEW',
        message: `This machine's clock is ${Math.round(Math.abs(skew))} s ${direction} the clock of OAuth provider '${strategy.name}'; its ID tokens may be refused as not yet valid or expired`,
        fix: 'Synchronise the system clock (NTP, e.g. chrony or systemd-timesyncd)',
      };
    }),
  );
  return results.filter((f): f is DoctorFinding => f !== undefined);
}
