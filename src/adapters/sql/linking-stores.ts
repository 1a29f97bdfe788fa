import type { IPendingLinkStore, PendingLink } from '../../stores/linking';
import type { ILinkedAccountsStore, LinkedAccount } from '../../stores/profile-stores';
import { requireMillis, toMillis } from './codec';
import type { SqlContext } from './dialect';
import { classifySqlError } from './errors';

const linkedElsewhere = (provider: string) =>
  new Error(`${provider} account is already linked to another user`);

/**
 * {@link ILinkedAccountsStore}. A provider account belongs to at most one user (unique key);
 * linking it again to the same user refreshes the record.
 */
export class SqlLinkedAccountsStore implements ILinkedAccountsStore {
  constructor(private readonly ctx: SqlContext) {}

  async getLinkedAccounts(userId: string): Promise<LinkedAccount[]> {
    const rows = await this.ctx.db
      .selectFrom('linked_accounts')
      .select(['provider', 'provider_account_id', 'email', 'linked_at'])
      .where('user_id', '=', userId)
      .orderBy('seq')
      .execute();
    return rows.map((r) => ({
      provider: r.provider,
      providerAccountId: r.provider_account_id,
      email: r.email,
      linkedAt: requireMillis(r.linked_at),
    }));
  }
  async linkAccount(userId: string, account: LinkedAccount) {
    const values = {
      email: account.email ?? null,
      linked_at: toMillis(account.linkedAt) ?? Date.now(),
    };
    try {
      await this.ctx.db.transaction().execute(async (trx) => {
        const existing = await trx
          .selectFrom('linked_accounts')
          .select('user_id')
          .where('provider', '=', account.provider)
          .where('provider_account_id', '=', account.providerAccountId)
          .executeTakeFirst();
        if (existing && existing.user_id !== userId) throw linkedElsewhere(account.provider);
        if (existing) {
          await trx
            .updateTable('linked_accounts')
            .set(values)
            .where('provider', '=', account.provider)
            .where('provider_account_id', '=', account.providerAccountId)
            .execute();
        } else {
          await trx
            .insertInto('linked_accounts')
            .values({
              ...values,
              user_id: userId,
              provider: account.provider,
              provider_account_id: account.providerAccountId,
            })
            .execute();
        }
      });
    } catch (err) {
      // A concurrent link of the same account won the unique key.
      if (classifySqlError(err) === 'duplicate') throw linkedElsewhere(account.provider);
      throw err;
    }
  }
  async unlinkAccount(userId: string, provider: string, providerAccountId: string) {
    await this.ctx.db
      .deleteFrom('linked_accounts')
      .where('user_id', '=', userId)
      .where('provider', '=', provider)
      .where('provider_account_id', '=', providerAccountId)
      .execute();
  }
  async findUserByProviderAccount(provider: string, providerAccountId: string) {
    const row = await this.ctx.db
      .selectFrom('linked_accounts')
      .select('user_id')
      .where('provider', '=', provider)
      .where('provider_account_id', '=', providerAccountId)
      .executeTakeFirst();
    return row ? { userId: row.user_id } : null;
  }
}

/**
 * {@link IPendingLinkStore}, keyed by lower-cased email and provider. Entries expire after the
 * configured TTL (1 h by default): an expired entry reads as absent and is deleted when met;
 * each stash also sweeps every expired entry (indexed on expires_at).
 */
export class SqlPendingLinkStore implements IPendingLinkStore {
  constructor(private readonly ctx: SqlContext) {}

  async stash(email: string, provider: string, providerAccountId: string) {
    const now = Date.now();
    const expires_at = now + this.ctx.pendingLinkTtlMs;
    const row = {
      email_lower: email.toLowerCase(),
      provider,
      provider_account_id: providerAccountId,
    };
    const { dialect } = this.ctx;
    await this.ctx.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('pending_links').where('expires_at', '<=', now).execute();
      const insert = trx.insertInto('pending_links').values({ ...row, expires_at });
      const update = { provider_account_id: providerAccountId, expires_at };
      await (
        dialect === 'mysql'
          ? insert.onDuplicateKeyUpdate(update)
          : insert.onConflict((oc) => oc.columns(['email_lower', 'provider']).doUpdateSet(update))
      ).execute();
    });
  }
  async retrieve(email: string, provider: string): Promise<PendingLink | null> {
    const key = email.toLowerCase();
    const row = await this.ctx.db
      .selectFrom('pending_links')
      .select(['provider_account_id', 'expires_at'])
      .where('email_lower', '=', key)
      .where('provider', '=', provider)
      .executeTakeFirst();
    if (!row) return null;
    const expiresAt = Number(row.expires_at);
    if (expiresAt <= Date.now()) {
      await this.ctx.db
        .deleteFrom('pending_links')
        .where('email_lower', '=', key)
        .where('provider', '=', provider)
        .where('expires_at', '=', expiresAt)
        .execute();
      return null;
    }
    return { providerAccountId: row.provider_account_id };
  }
  async remove(email: string, provider: string) {
    await this.ctx.db
      .deleteFrom('pending_links')
      .where('email_lower', '=', email.toLowerCase())
      .where('provider', '=', provider)
      .execute();
  }
}
