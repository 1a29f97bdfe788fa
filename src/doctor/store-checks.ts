import { InMemoryRateLimitStore } from '../stores/in-memory/in-memory-linking-stores';
import { InMemoryRevocationFeed } from '../stores/in-memory/in-memory-revocation-feed';
import { InMemorySessionStore } from '../stores/in-memory/in-memory-session-store';
import { InMemoryTwoFactorStore } from '../stores/in-memory/in-memory-two-factor-store';
import { InMemoryUserStore } from '../stores/in-memory/in-memory-user-store';
import type { DoctorFinding, DoctorInput } from './types';

const FIX =
  'Give stores from keyward/sql or keyward/redis (or your own) in the AuthConfigurator options';

/**
 * In-memory stores under NODE_ENV=production: users and sessions vanish on restart (error);
 * second-factor state, brute-force counters and revocations hold for one instance only (warn).
 * Read at call time, so a process that sets NODE_ENV late is still judged by it.
 */
export function storeChecks(input: DoctorInput): DoctorFinding[] {
  if (process.env.NODE_ENV !== 'production') return [];
  const lost: string[] = [];
  if (input.users instanceof InMemoryUserStore) lost.push('the user store');
  if (input.sessionStore instanceof InMemorySessionStore) lost.push('the session store');
  const local: string[] = [];
  if (input.twoFactor instanceof InMemoryTwoFactorStore) local.push('twoFactorStore');
  if (input.rateLimitStore instanceof InMemoryRateLimitStore) local.push('rateLimitStore');
  if (input.revocationFeed instanceof InMemoryRevocationFeed) local.push('revocationFeed');
  const findings: DoctorFinding[] = [];
  if (lost.length > 0) {
    findings.push({
      level: 'error',
      code: 'IN_MEMORY_STORE_IN_PRODUCTION',
      message: `NODE_ENV is production but ${lost.join(' and ')} keep data in process memory: every restart loses it`,
      fix: FIX,
    });
  }
  if (local.length > 0) {
    findings.push({
      level: 'warn',
      code: 'IN_MEMORY_STORE_IN_PRODUCTION',
      message: `NODE_ENV is production and ${local.join(', ')} live in process memory: fine for one instance, wrong behind a load balancer`,
      fix: FIX,
    });
  }
  return findings;
}
