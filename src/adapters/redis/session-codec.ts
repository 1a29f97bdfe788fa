import type { RefreshRotation, SessionInfo } from '../../stores/session';

/**
 * How a session is laid out in its Redis hash. Every field holds the JSON of its value, dates as
 * Unix milliseconds: one rule keeps `null` and absent apart (a session without a refresh hash is
 * not one whose hash was cleared), keeps dates exact to the millisecond and `data` intact.
 * The handle is not stored: it is the key.
 */
type StoredSession = Omit<SessionInfo, 'sessionHandle'>;

const DATE_FIELDS = ['createdAt', 'expiresAt', 'lastActiveAt', 'rotatedAt'] as const;
const STRING_FIELDS = [
  'userId',
  'tenantId',
  'userAgent',
  'ipAddress',
  'refreshTokenHash',
  'previousRefreshTokenHash',
] as const;

/** The JSON a field holds; also what the rotation script compares the refresh hash against. */
export function encodeValue(value: unknown): string {
  return JSON.stringify(value instanceof Date ? value.getTime() : value);
}

const ALL_FIELDS = [...STRING_FIELDS, ...DATE_FIELDS, 'data'] as const;

/**
 * Field/value pairs for HSET. Only the known fields: anything else on the object (a
 * `sessionHandle` passed to createSession, say) is not part of the stored session. Undefined
 * fields are left out, so they read back as absent.
 */
export function encodeFields(fields: Partial<StoredSession> | RefreshRotation): string[] {
  const source = fields as Partial<Record<(typeof ALL_FIELDS)[number], unknown>>;
  const pairs: string[] = [];
  for (const name of ALL_FIELDS) {
    const value = source[name];
    if (value !== undefined) pairs.push(name, encodeValue(value));
  }
  return pairs;
}

function parse(raw: string | undefined): unknown {
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}

/** A string field as stored (e.g. from HGET), or undefined when absent or not a string. */
export function decodeString(raw: string | null | undefined): string | undefined {
  const value = parse(raw ?? undefined);
  return typeof value === 'string' ? value : undefined;
}

/**
 * The session in an HGETALL reply, or null when there is none. A hash without the required
 * fields (not written by this store) is treated as no session rather than half of one.
 */
export function decodeSession(
  sessionHandle: string,
  hash: Record<string, string>,
): SessionInfo | null {
  const userId = parse(hash.userId);
  const createdAt = parse(hash.createdAt);
  const expiresAt = parse(hash.expiresAt);
  if (typeof userId !== 'string' || typeof createdAt !== 'number' || typeof expiresAt !== 'number')
    return null;

  const session: Record<string, unknown> = { sessionHandle };
  for (const name of STRING_FIELDS) {
    const value = parse(hash[name]);
    if (typeof value === 'string' || value === null) session[name] = value;
  }
  for (const name of DATE_FIELDS) {
    const value = parse(hash[name]);
    if (typeof value === 'number') session[name] = new Date(value);
    else if (value === null) session[name] = null;
  }
  const data = parse(hash.data);
  if (typeof data === 'object' && data !== null && !Array.isArray(data)) session.data = data;
  return session as unknown as SessionInfo;
}
