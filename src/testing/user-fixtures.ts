import { randomUUID } from 'node:crypto';
import type { BaseUser, IUserStore } from '../stores/user';
import type { CheckContext } from './runner';
import {
  TRICKY_TEXT,
  expectSameInstant,
  fail,
  fakeHash,
  isDate,
  msDate,
  nonce,
  show,
  uniqueEmail,
} from './support';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A bcrypt-shaped hash: `$`, `.` and `/` must survive. */
export const bcryptLike = (): string =>
  `$2b$10$${nonce(11)}./${nonce(11)}ABCDEFGHIJKLMNOPQ`.slice(0, 60);

/** The opaque session state keyward keeps in `refreshToken` without a session store. */
const refreshState = (): string =>
  JSON.stringify({
    v: 1,
    sessions: [1, 2, 3].map((i) => ({
      sid: nonce(16),
      current: fakeHash(),
      previous: i === 1 ? null : fakeHash(),
      rotatedAt: Date.now(),
      note: `quote' dq" pct% us_ bs\\ #${i}`,
    })),
  });

/** Every BaseUser field set, with values stores tend to mangle. */
export function fullUser(label: string): Partial<BaseUser> & { email: string } {
  return {
    email: uniqueEmail(label),
    password: bcryptLike(),
    role: `role '"%_\\ ${nonce()}`,
    firstName: TRICKY_TEXT,
    lastName: `Ünïcødé 🔐 O'Hara_${nonce()}%`,
    loginProvider: 'local',
    refreshToken: refreshState(),
    refreshTokenExpiry: msDate(7 * DAY),
    resetToken: fakeHash(),
    resetTokenExpiry: msDate(HOUR),
    totpSecret: 'JBSWY3DPEHPK3PXP',
    isTotpEnabled: true,
    isEmailVerified: true,
    magicLinkToken: fakeHash(),
    magicLinkTokenExpiry: msDate(15 * 60_000),
    smsCode: fakeHash(),
    smsCodeExpiry: msDate(5 * 60_000),
    phoneNumber: '+44 20 7946 0958',
    require2FA: true,
    emailVerificationToken: fakeHash(),
    emailVerificationTokenExpiry: msDate(DAY),
    emailVerificationDeadline: msDate(3 * DAY),
    pendingEmail: uniqueEmail('pending'),
    emailChangeToken: fakeHash(),
    emailChangeTokenExpiry: msDate(2 * HOUR),
    accountLinkToken: fakeHash(),
    accountLinkTokenExpiry: msDate(HOUR),
    accountLinkPendingEmail: uniqueEmail('link'),
    accountLinkPendingProvider: 'google',
    providerAccountId: `acct-${nonce()}`,
    createdAt: msDate(-DAY),
  };
}

/** Every nullable BaseUser field null and every boolean false. */
export function emptyUser(label: string): Partial<BaseUser> & { email: string } {
  return {
    email: uniqueEmail(label),
    password: null,
    role: null,
    firstName: null,
    lastName: null,
    loginProvider: null,
    refreshToken: null,
    refreshTokenExpiry: null,
    resetToken: null,
    resetTokenExpiry: null,
    totpSecret: null,
    isTotpEnabled: false,
    isEmailVerified: false,
    magicLinkToken: null,
    magicLinkTokenExpiry: null,
    smsCode: null,
    smsCodeExpiry: null,
    phoneNumber: null,
    require2FA: false,
    emailVerificationToken: null,
    emailVerificationTokenExpiry: null,
    emailVerificationDeadline: null,
    pendingEmail: null,
    emailChangeToken: null,
    emailChangeTokenExpiry: null,
    accountLinkToken: null,
    accountLinkTokenExpiry: null,
    accountLinkPendingEmail: null,
    accountLinkPendingProvider: null,
    providerAccountId: null,
  };
}

/** A minimal user: what a registration hands to `create`. */
export function simpleUser(label: string, extra: Partial<BaseUser> = {}) {
  return { email: uniqueEmail(label), password: bcryptLike(), firstName: 'Conformance', ...extra };
}

/**
 * Creates a user through `store.create`, checks it got an id, and deletes it after the check
 * when the store can delete users.
 */
export async function createUser(
  store: IUserStore,
  ctx: CheckContext,
  data: Partial<BaseUser>,
): Promise<BaseUser> {
  const user = await store.create(data);
  if (typeof user?.id !== 'string' || user.id === '') {
    fail(`create must return the record with a non-empty string id, got ${show(user)}`);
  }
  ctx.defer(() => store.deleteUser?.(user.id));
  return user;
}

/**
 * Every field of `expected` must be on `actual` exactly: strings and booleans strictly equal,
 * null as null, dates as the same instant to the millisecond.
 */
export function expectUserFields(
  actual: BaseUser | null,
  expected: Partial<BaseUser>,
  what: string,
): void {
  if (actual === null || typeof actual !== 'object')
    fail(`${what}: expected a user, got ${show(actual)}`);
  const record = actual as unknown as Record<string, unknown>;
  for (const [field, value] of Object.entries(expected)) {
    const got = record[field];
    if (isDate(value)) expectSameInstant(got, value, `${what}: ${field}`);
    else if (got !== value) fail(`${what}: ${field} expected ${show(value)}, got ${show(got)}`);
  }
}

/** An id of the same shape as `existing` that no user has. */
export function unknownIdLike(existing: string): string {
  if (/^\d+$/.test(existing))
    return String(Number.MAX_SAFE_INTEGER - Math.floor(Math.random() * 1e6));
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-/i.test(existing)) return randomUUID();
  return `${existing.slice(0, 4)}${nonce(Math.max(8, existing.length))}`.slice(
    0,
    Math.max(existing.length, 16),
  );
}
