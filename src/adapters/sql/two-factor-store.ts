import { sql } from 'kysely';
import type { ITwoFactorStore, SmsCodeIssue } from '../../stores/two-factor';
import { toCount, toMillis } from './codec';
import type { SqlContext } from './dialect';
import { classifySqlError } from './errors';

/**
 * Raises the stored step with one conditional UPDATE: it changes the row only while the stored
 * step is lower, so of concurrent calls with one step only one sees it lower (PostgreSQL and
 * InnoDB re-check the WHERE clause after waiting for the row lock). The new value always differs
 * from the old, so matched and changed rows agree (mysql2's FOUND_ROWS flag).
 */
async function raiseStep(ctx: SqlContext, userId: string, step: number): Promise<boolean> {
  const result = await ctx.db
    .updateTable('totp_steps')
    .set({ last_step: step })
    .where('user_id', '=', userId)
    .where('last_step', '<', step)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/**
 * MySQL/MariaDB: ON DUPLICATE KEY UPDATE reports 1 affected row both for an insert and (with
 * FOUND_ROWS, which mysql2 sets) for a row left unchanged, so the outcome cannot be read from
 * one upsert. Instead: the conditional UPDATE; when no row matched, an INSERT, whose duplicate
 * key error means a row appeared meanwhile (a concurrent first call), so the UPDATE decides again.
 */
async function recordStepMysql(ctx: SqlContext, userId: string, step: number): Promise<boolean> {
  if (await raiseStep(ctx, userId, step)) return true;
  try {
    await ctx.db.insertInto('totp_steps').values({ user_id: userId, last_step: step }).execute();
    return true;
  } catch (err) {
    if (classifySqlError(err) !== 'duplicate') throw err;
  }
  return raiseStep(ctx, userId, step);
}

/** Deletes used ids past their expiry; best effort, indexed on expires_at. */
async function sweepUsedIds(ctx: SqlContext): Promise<void> {
  try {
    await ctx.db.deleteFrom('used_ids').where('expires_at', '<=', Date.now()).execute();
  } catch {
    // Only housekeeping: the id was recorded, and a later call sweeps again.
  }
}

/**
 * {@link ITwoFactorStore}. Every operation that must happen once is a single statement whose
 * affected-row count decides it, so several processes sharing the database agree:
 * - `recordTotpStep`: an upsert that only raises the step (`INSERT … ON CONFLICT (user_id) DO
 *   UPDATE … WHERE last_step < excluded.last_step` on PostgreSQL and SQLite; UPDATE-then-INSERT
 *   on MySQL/MariaDB);
 * - `consumeRecoveryCode`: one DELETE of the (user, hash) row;
 * - `markUsed`: an INSERT into a primary key, refused for an id already there;
 * - `saveSmsCode`: an UPDATE only past the row's resend time, else an INSERT whose duplicate key
 *   means the row is still within it (or a concurrent first call won);
 * - `claimSmsAttempt`: an UPDATE that counts the attempt only while the code is live and under
 *   the limit, then a read of the hash; `consumeSmsCode`: an UPDATE clearing that hash.
 */
export class SqlTwoFactorStore implements ITwoFactorStore {
  constructor(private readonly ctx: SqlContext) {}

  async recordTotpStep(userId: string, step: number) {
    if (!Number.isSafeInteger(step)) throw new RangeError(`Not a TOTP time step: ${step}`);
    if (this.ctx.dialect === 'mysql') return recordStepMysql(this.ctx, userId, step);
    const result = await this.ctx.db
      .insertInto('totp_steps')
      .values({ user_id: userId, last_step: step })
      .onConflict((oc) =>
        oc
          .column('user_id')
          .doUpdateSet((eb) => ({ last_step: eb.ref('excluded.last_step') }))
          .where('totp_steps.last_step', '<', (eb) => eb.ref('excluded.last_step')),
      )
      .executeTakeFirst();
    // 1 for an insert or a raised step, 0 when the conflict's WHERE refused the update.
    return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
  }
  async replaceRecoveryCodes(userId: string, codeHashes: string[]) {
    const unique = [...new Set(codeHashes)];
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
      if (unique.length > 0) {
        await trx
          .insertInto('recovery_codes')
          .values(unique.map((code_hash) => ({ user_id: userId, code_hash })))
          .execute();
      }
    });
  }
  async consumeRecoveryCode(userId: string, codeHash: string) {
    const result = await this.ctx.db
      .deleteFrom('recovery_codes')
      .where('user_id', '=', userId)
      .where('code_hash', '=', codeHash)
      .executeTakeFirst();
    return result.numDeletedRows === 1n;
  }
  async countRecoveryCodes(userId: string) {
    const row = await this.ctx.db
      .selectFrom('recovery_codes')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return toCount(row?.n);
  }
  async markUsed(id: string, expiresAt: Date) {
    const expires_at = toMillis(expiresAt) ?? Date.now();
    try {
      await this.ctx.db.insertInto('used_ids').values({ id, expires_at }).execute();
    } catch (err) {
      if (classifySqlError(err) === 'duplicate') return false;
      throw err;
    }
    await sweepUsedIds(this.ctx);
    return true;
  }
  async saveSmsCode(userId: string, issue: SmsCodeIssue) {
    const values = {
      code_hash: issue.codeHash,
      expires_at: toMillis(issue.expiresAt) ?? 0,
      attempts: 0,
      resend_at: toMillis(issue.resendAt) ?? 0,
    };
    const replaced = await this.ctx.db
      .updateTable('sms_codes')
      .set(values)
      .where('user_id', '=', userId)
      .where('resend_at', '<=', Date.now())
      .executeTakeFirst();
    if (replaced.numUpdatedRows === 1n) return true;
    try {
      await this.ctx.db
        .insertInto('sms_codes')
        .values({ user_id: userId, ...values })
        .execute();
      return true;
    } catch (err) {
      if (classifySqlError(err) === 'duplicate') return false;
      throw err;
    }
  }
  async claimSmsAttempt(userId: string, maxAttempts: number) {
    // The attempt is counted before the hash is read: a guess is compared only after it has
    // taken one of the code's attempts. attempts + 1 always changes the row, so matched and
    // changed counts agree on MySQL too.
    const claimed = await this.ctx.db
      .updateTable('sms_codes')
      .set({ attempts: sql<number>`attempts + 1` })
      .where('user_id', '=', userId)
      .where('code_hash', 'is not', null)
      .where('expires_at', '>', Date.now())
      .where('attempts', '<', maxAttempts)
      .executeTakeFirst();
    if (claimed.numUpdatedRows !== 1n) return null;
    const row = await this.ctx.db
      .selectFrom('sms_codes')
      .select('code_hash')
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row?.code_hash ?? null;
  }
  async consumeSmsCode(userId: string, codeHash: string) {
    const result = await this.ctx.db
      .updateTable('sms_codes')
      .set({ code_hash: null })
      .where('user_id', '=', userId)
      .where('code_hash', '=', codeHash)
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }
  /** Every per-user table in one transaction. Used ids are not per user; they expire. */
  async clearUser(userId: string) {
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('totp_steps').where('user_id', '=', userId).execute();
      await trx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
      await trx.deleteFrom('sms_codes').where('user_id', '=', userId).execute();
    });
  }
}
