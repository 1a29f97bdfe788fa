import type { ExpressionBuilder, Insertable, Selectable } from 'kysely';
import {
  newSessionHandle,
  type ISessionStore,
  type RefreshRotation,
  type SessionInfo,
} from '../../stores/session';
import { fromJson, fromMillis, requireMillis, toJson, toMillis } from './codec';
import { containsText, paging, type SqlContext } from './dialect';
import type { SessionsTable, SqlDatabase } from './schema';

function toRow(
  info: Omit<SessionInfo, 'sessionHandle'>,
  handle: string,
): Insertable<SessionsTable> {
  return {
    session_handle: handle,
    user_id: info.userId,
    tenant_id: info.tenantId ?? null,
    created_at: toMillis(info.createdAt) ?? Date.now(),
    expires_at: toMillis(info.expiresAt) ?? Date.now(),
    last_active_at: toMillis(info.lastActiveAt),
    user_agent: info.userAgent ?? null,
    ip_address: info.ipAddress ?? null,
    data: info.data === undefined ? null : toJson(info.data),
    refresh_token_hash: info.refreshTokenHash ?? null,
    previous_refresh_token_hash: info.previousRefreshTokenHash ?? null,
    rotated_at: toMillis(info.rotatedAt),
  };
}

/**
 * A row as a session. Optional fields that are absent stay absent; the refresh fields, whose
 * type admits null, come back as null when unset.
 */
function toSession(row: Selectable<SessionsTable> | Insertable<SessionsTable>): SessionInfo {
  const session: SessionInfo = {
    sessionHandle: row.session_handle,
    userId: row.user_id,
    createdAt: requireMillis(row.created_at),
    expiresAt: requireMillis(row.expires_at),
    refreshTokenHash: row.refresh_token_hash ?? null,
    previousRefreshTokenHash: row.previous_refresh_token_hash ?? null,
    rotatedAt: fromMillis(row.rotated_at),
  };
  if (row.tenant_id != null) session.tenantId = row.tenant_id;
  if (row.last_active_at != null) session.lastActiveAt = requireMillis(row.last_active_at);
  if (row.user_agent != null) session.userAgent = row.user_agent;
  if (row.ip_address != null) session.ipAddress = row.ip_address;
  if (row.data != null) session.data = fromJson<Record<string, unknown>>(row.data);
  return session;
}

function ofUser(userId: string, tenantId: string | undefined) {
  return (eb: ExpressionBuilder<SqlDatabase, 'sessions'>) =>
    tenantId === undefined
      ? eb('user_id', '=', userId)
      : eb.and([eb('user_id', '=', userId), eb('tenant_id', '=', tenantId)]);
}

/** {@link ISessionStore} with `deleteExpiredSessions` and `getAllSessions`. */
export class SqlSessionStore implements Required<ISessionStore> {
  constructor(private readonly ctx: SqlContext) {}

  async createSession(info: Omit<SessionInfo, 'sessionHandle'>): Promise<SessionInfo> {
    const row = toRow(info, newSessionHandle());
    await this.ctx.db.insertInto('sessions').values(row).execute();
    return toSession(row);
  }
  async getSession(sessionHandle: string) {
    const row = await this.ctx.db
      .selectFrom('sessions')
      .selectAll()
      .where('session_handle', '=', sessionHandle)
      .executeTakeFirst();
    return row ? toSession(row) : null;
  }
  async getSessionsForUser(userId: string, tenantId?: string) {
    const rows = await this.ctx.db
      .selectFrom('sessions')
      .selectAll()
      .where(ofUser(userId, tenantId))
      .orderBy('seq')
      .execute();
    return rows.map(toSession);
  }
  async updateSessionLastActive(sessionHandle: string) {
    await this.ctx.db
      .updateTable('sessions')
      .set({ last_active_at: Date.now() })
      .where('session_handle', '=', sessionHandle)
      .execute();
  }
  async revokeSession(sessionHandle: string) {
    await this.ctx.db.deleteFrom('sessions').where('session_handle', '=', sessionHandle).execute();
  }
  async revokeAllSessionsForUser(userId: string, tenantId?: string) {
    await this.ctx.db.deleteFrom('sessions').where(ofUser(userId, tenantId)).execute();
  }
  /**
   * One conditional UPDATE: the database applies it to the row only while its refresh hash is
   * still `expectedHash`, so of any number of concurrent rotations exactly one changes the row.
   * (PostgreSQL and InnoDB re-check the WHERE clause after waiting for the row lock; SQLite runs
   * one writer at a time.) The new hash always differs from the expected one, so the count is the
   * same whether the driver reports matched or changed rows (mysql2's FOUND_ROWS flag).
   */
  async rotateRefreshToken(sessionHandle: string, expectedHash: string, next: RefreshRotation) {
    const result = await this.ctx.db
      .updateTable('sessions')
      .set({
        refresh_token_hash: next.refreshTokenHash,
        previous_refresh_token_hash: next.previousRefreshTokenHash,
        rotated_at: toMillis(next.rotatedAt) ?? Date.now(),
        last_active_at: toMillis(next.lastActiveAt) ?? Date.now(),
        expires_at: toMillis(next.expiresAt) ?? Date.now(),
      })
      .where('session_handle', '=', sessionHandle)
      .where('refresh_token_hash', '=', expectedHash)
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }
  async deleteExpiredSessions() {
    const result = await this.ctx.db
      .deleteFrom('sessions')
      .where('expires_at', '<=', Date.now())
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
  /** In creation order; `filter` is an exact substring of the user id or IP address. */
  async getAllSessions(options: { limit?: number; offset?: number; filter?: string } = {}) {
    const { filter } = options;
    const { limit, offset } = paging(options);
    const rows = await this.ctx.db
      .selectFrom('sessions')
      .selectAll()
      .$call((q) =>
        filter
          ? q.where((eb) =>
              eb.or([
                containsText(this.ctx, 'user_id', filter),
                containsText(this.ctx, 'ip_address', filter),
              ]),
            )
          : q,
      )
      .orderBy('seq')
      .limit(limit)
      .offset(offset)
      .execute();
    return rows.map(toSession);
  }
}
