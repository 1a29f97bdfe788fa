import {
  newSessionHandle,
  type ISessionStore,
  type RefreshRotation,
  type SessionInfo,
} from '../../stores/session';
import {
  DEFAULT_KEY_PREFIX,
  escapeGlob,
  inBatches,
  type RedisKeyOptions,
  type RedisLike,
} from './client';
import { guarded } from './errors';
import { CREATE_SESSION, ROTATE_REFRESH_TOKEN, SET_IF_EXISTS } from './scripts';
import { decodeSession, decodeString, encodeFields, encodeValue } from './session-codec';

/** Commands per batch when many sessions are read or deleted at once. */
const BATCH = 100;
/** SCAN's COUNT hint: keys examined per round trip of the admin listing. */
const SCAN_COUNT = 1000;

const byAge = (a: SessionInfo, b: SessionInfo) =>
  a.createdAt.getTime() - b.createdAt.getTime() ||
  (a.sessionHandle < b.sessionHandle ? -1 : a.sessionHandle > b.sessionHandle ? 1 : 0);

/**
 * Sessions in Redis. Layout (under the key prefix):
 * - `session:<handle>`: a hash per session (see session-codec), expiring at `expiresAt`, so
 *   Redis itself deletes ended sessions and no cleanup job is needed;
 * - `user-sessions:<userId>`: a set of the user's handles, for listing and revoking all. Its
 *   expiry is kept at or after its longest session's; handles whose hash is gone are pruned
 *   when the set is read.
 * Every method rejects with STORE_UNAVAILABLE (503) when Redis cannot be reached.
 */
export class RedisSessionStore implements ISessionStore {
  private readonly prefix: string;

  constructor(
    private readonly client: RedisLike,
    options: RedisKeyOptions = {},
  ) {
    this.prefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
  }

  createSession(info: Omit<SessionInfo, 'sessionHandle'>): Promise<SessionInfo> {
    return guarded(async () => {
      const fields = encodeFields(info);
      // Decoded from what will be written: the caller gets exactly what getSession will return,
      // as fresh objects that share nothing with `info`.
      const session = decodeSession('', toRecord(fields));
      if (!session) throw new TypeError('createSession needs userId, createdAt and expiresAt');
      // A taken handle is astronomically unlikely (192 random bits); the script refuses to
      // overwrite one, and a fresh handle is tried.
      for (let attempt = 0; attempt < 3; attempt++) {
        const sessionHandle = newSessionHandle();
        const created = await CREATE_SESSION.run(
          this.client,
          [this.sessionKey(sessionHandle), this.userKey(info.userId)],
          [session.expiresAt.getTime(), sessionHandle, ...fields],
        );
        if (Number(created) === 1) return { ...session, sessionHandle };
      }
      throw new Error('Could not allocate a unique session handle');
    });
  }

  getSession(sessionHandle: string): Promise<SessionInfo | null> {
    return guarded(async () =>
      decodeSession(sessionHandle, await this.client.hgetall(this.sessionKey(sessionHandle))),
    );
  }

  getSessionsForUser(userId: string, tenantId?: string): Promise<SessionInfo[]> {
    return guarded(async () => {
      const sessions = await this.sessionsOf(userId);
      return sessions.filter((s) => tenantId === undefined || s.tenantId === tenantId);
    });
  }

  updateSessionLastActive(sessionHandle: string): Promise<void> {
    return guarded(async () => {
      await SET_IF_EXISTS.run(
        this.client,
        [this.sessionKey(sessionHandle)],
        ['lastActiveAt', encodeValue(new Date())],
      );
    });
  }

  revokeSession(sessionHandle: string): Promise<void> {
    return guarded(async () => {
      const key = this.sessionKey(sessionHandle);
      const userId = decodeString(await this.client.hget(key, 'userId'));
      // The hash first: once it is gone the session is over, whatever happens next. A handle
      // left in the user's set is harmless and pruned on the next listing.
      await this.client.del(key);
      if (userId !== undefined) await this.client.srem(this.userKey(userId), sessionHandle);
    });
  }

  revokeAllSessionsForUser(userId: string, tenantId?: string): Promise<void> {
    return guarded(async () => {
      const userKey = this.userKey(userId);
      const handles = await this.client.smembers(userKey);
      let doomed = handles;
      if (tenantId !== undefined) {
        const sessions = await this.load(handles);
        // Other tenants' sessions stay; stale handles (no hash) go as well.
        doomed = handles.filter((_, i) => {
          const s = sessions[i];
          return !s || s.tenantId === tenantId;
        });
      }
      // Only the handles read above are removed from the set, never the set itself: a session
      // created meanwhile keeps its entry, so a later revoke-all still finds it.
      await inBatches(doomed, BATCH, async (batch) => {
        await this.client.del(...batch.map((h) => this.sessionKey(h)));
        await this.client.srem(userKey, ...batch);
        return [];
      });
    });
  }

  rotateRefreshToken(
    sessionHandle: string,
    expectedHash: string,
    next: RefreshRotation,
  ): Promise<boolean> {
    return guarded(async () => {
      const key = this.sessionKey(sessionHandle);
      // The script must be told both keys it touches; the user set's key needs the user id.
      const userId = decodeString(await this.client.hget(key, 'userId'));
      if (userId === undefined) return false;
      const won = await ROTATE_REFRESH_TOKEN.run(
        this.client,
        [key, this.userKey(userId)],
        [encodeValue(expectedHash), next.expiresAt.getTime(), sessionHandle, ...encodeFields(next)],
      );
      return Number(won) === 1;
    });
  }

  /**
   * Admin listing, oldest first. SCANs every session key and reads each one: O(sessions), fine
   * for an admin page, not for a hot path. On a Redis Cluster it sees one node only.
   */
  getAllSessions(
    options: { limit?: number; offset?: number; filter?: string } = {},
  ): Promise<SessionInfo[]> {
    const { limit = 50, offset = 0, filter } = options;
    return guarded(async () => {
      const sessions = (await this.load(await this.allHandles())).filter(
        (s): s is SessionInfo =>
          s !== null &&
          (!filter || s.userId.includes(filter) || (s.ipAddress ?? '').includes(filter)),
      );
      return sessions.sort(byAge).slice(offset, offset + limit);
    });
  }

  /** The user's live sessions, oldest first; prunes handles whose session has ended. */
  private async sessionsOf(userId: string): Promise<SessionInfo[]> {
    const userKey = this.userKey(userId);
    const handles = await this.client.smembers(userKey);
    const sessions = await this.load(handles);
    // A missing hash means the session expired or was revoked: creation writes hash and handle
    // in one script, so a handle never exists before its hash.
    const gone = handles.filter((_, i) => sessions[i] === null);
    if (gone.length > 0) await this.client.srem(userKey, ...gone);
    return sessions.filter((s): s is SessionInfo => s !== null && s.userId === userId).sort(byAge);
  }

  /** Reads sessions by handle; null where there is none, in the order given. */
  private load(handles: readonly string[]): Promise<Array<SessionInfo | null>> {
    return inBatches(handles, BATCH, (batch) =>
      Promise.all(
        batch.map(async (h) => decodeSession(h, await this.client.hgetall(this.sessionKey(h)))),
      ),
    );
  }

  private async allHandles(): Promise<string[]> {
    const start = this.sessionKey('');
    const pattern = `${escapeGlob(start)}*`;
    // SCAN may return a key more than once; the set removes the repeats.
    const handles = new Set<string>();
    let cursor = '0';
    do {
      const [next, keys] = await this.client.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT);
      for (const key of keys) handles.add(key.slice(start.length));
      cursor = next;
    } while (cursor !== '0');
    return [...handles];
  }

  private sessionKey(sessionHandle: string): string {
    return `${this.prefix}session:${sessionHandle}`;
  }

  private userKey(userId: string): string {
    return `${this.prefix}user-sessions:${userId}`;
  }
}

/** HSET's flat field/value list as the record HGETALL would return. */
function toRecord(pairs: readonly string[]): Record<string, string> {
  const record: Record<string, string> = {};
  for (let i = 0; i + 1 < pairs.length; i += 2) record[pairs[i]!] = pairs[i + 1]!;
  return record;
}
