import type { Kysely, Migration } from 'kysely';
import type { SqlContext } from './dialect';
import { columnTypes, required, tableBuilder } from './migration-support';

/**
 * Migration 0008, inbound webhooks: the signature scheme a stored inbound webhook is verified
 * by (`webhooks.verify`, JSON text, so the generic HMAC object keeps its fields), and the plans
 * of GitHub sponsors no user matched yet (`pending_plans`), looked up by GitHub account id (the
 * key) or by lower-cased email (indexed). Released: never edit, add a new migration instead.
 */
export function inboundWebhooksMigration(ctx: SqlContext): Migration {
  const { dialect, prefix: p } = ctx;
  const t = columnTypes(dialect);
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('webhooks').addColumn('verify', t.text).execute();

      const table = await tableBuilder(db, dialect);
      await table('pending_plans')
        .addColumn('github_id', t.key, (c) => c.primaryKey())
        .addColumn('github_login', t.text)
        .addColumn('email', t.email)
        .addColumn('tier', t.text)
        .addColumn('created_at', t.millis, required)
        .execute();
      await db.schema
        .createIndex(`${p}pending_plans_email`)
        .on('pending_plans')
        .columns(['email'])
        .execute();
    },
  };
}
