import type { IUserMetadataStore } from '../../stores/profile-stores';
import type { AuthSettings, ISettingsStore } from '../../stores/settings';
import { fromJson } from './codec';
import type { SqlContext } from './dialect';

/**
 * Splits a partial object into rows to write and keys to delete. A key whose value JSON cannot
 * represent (undefined, a function) is removed, which reads back the same as `{ key: undefined }`.
 */
function entries(values: Record<string, unknown>) {
  const write: Array<[string, string]> = [];
  const remove: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    const json = value === undefined ? undefined : (JSON.stringify(value) as string | undefined);
    if (json === undefined) remove.push(key);
    else write.push([key, json]);
  }
  return { write, remove };
}

/**
 * {@link IUserMetadataStore}: one row per key, so the shallow merge of `updateMetadata` is a set
 * of upserts in one transaction, with no read-modify-write for concurrent merges to lose.
 * Values go through JSON (a Date comes back as its ISO string).
 */
export class SqlUserMetadataStore implements IUserMetadataStore {
  constructor(private readonly ctx: SqlContext) {}

  async getMetadata(userId: string) {
    const rows = await this.ctx.db
      .selectFrom('user_metadata')
      .select(['meta_key', 'value'])
      .where('user_id', '=', userId)
      .execute();
    return Object.fromEntries(rows.map((r) => [r.meta_key, fromJson<unknown>(r.value)]));
  }
  async updateMetadata(userId: string, metadata: Record<string, unknown>) {
    const { write, remove } = entries(metadata);
    const { dialect } = this.ctx;
    await this.ctx.db.transaction().execute(async (trx) => {
      for (const [key, value] of write) {
        const insert = trx
          .insertInto('user_metadata')
          .values({ user_id: userId, meta_key: key, value });
        await (
          dialect === 'mysql'
            ? insert.onDuplicateKeyUpdate({ value })
            : insert.onConflict((oc) => oc.columns(['user_id', 'meta_key']).doUpdateSet({ value }))
        ).execute();
      }
      if (remove.length > 0) {
        await trx
          .deleteFrom('user_metadata')
          .where('user_id', '=', userId)
          .where('meta_key', 'in', remove)
          .execute();
      }
    });
  }
  async clearMetadata(userId: string) {
    await this.ctx.db.deleteFrom('user_metadata').where('user_id', '=', userId).execute();
  }
}

/** {@link ISettingsStore}: one row per setting, merged with upserts like metadata. */
export class SqlSettingsStore implements ISettingsStore {
  constructor(private readonly ctx: SqlContext) {}

  async getSettings(): Promise<AuthSettings> {
    const rows = await this.ctx.db
      .selectFrom('settings')
      .select(['setting_key', 'value'])
      .execute();
    return Object.fromEntries(rows.map((r) => [r.setting_key, fromJson<unknown>(r.value)]));
  }
  async updateSettings(settings: Partial<AuthSettings>) {
    const { write, remove } = entries(settings);
    const { dialect } = this.ctx;
    await this.ctx.db.transaction().execute(async (trx) => {
      for (const [key, value] of write) {
        const insert = trx.insertInto('settings').values({ setting_key: key, value });
        await (
          dialect === 'mysql'
            ? insert.onDuplicateKeyUpdate({ value })
            : insert.onConflict((oc) => oc.column('setting_key').doUpdateSet({ value }))
        ).execute();
      }
      if (remove.length > 0) {
        await trx.deleteFrom('settings').where('setting_key', 'in', remove).execute();
      }
    });
  }
}
