import { sql, type Kysely, type Migration } from 'kysely';
import type { SqlContext } from './dialect';
import { columnTypes, required, seqColumn, tableBuilder } from './migration-support';

/**
 * Migration 0007, event tools: the durable event log and the cursors of its readers, outgoing
 * webhooks and their delivery queue. The log is read by id (streams, the dispatcher), by time
 * and name (telemetry, the Overview counts) and pruned by time; `inserted_at` finds the rows
 * written in the last seconds (the gap rule, event-log.ts) and `(pruned, id)` the rows
 * pruned while young. Claims read pending deliveries by due time; the admin lists a webhook's
 * deliveries newest first. Released: never edit, add a new migration instead.
 */
export function eventToolsMigration(ctx: SqlContext): Migration {
  const { dialect, prefix: p } = ctx;
  const t = columnTypes(dialect);
  const seq = seqColumn(dialect);
  return {
    async up(db: Kysely<unknown>) {
      const table = await tableBuilder(db, dialect);
      const index = (name: string, on: string, columns: string[]) =>
        db.schema
          .createIndex(p + name)
          .on(on)
          .columns(columns)
          .execute();
      await table('event_log')
        .addColumn('id', t.seq, seq)
        .addColumn('event', t.key, required)
        .addColumn('ts', t.millis, required)
        .addColumn('user_id', t.key)
        .addColumn('tenant_id', t.key)
        .addColumn('session_id', t.key)
        .addColumn('ip', t.key)
        .addColumn('topic', t.key)
        .addColumn('data', t.text)
        .addColumn('inserted_at', t.millis, required)
        .addColumn('pruned', t.flag, (c) => c.notNull().defaultTo(0))
        .execute();
      await index('event_log_ts', 'event_log', ['ts']);
      await index('event_log_event', 'event_log', ['event', 'ts']);
      await index('event_log_user', 'event_log', ['user_id', 'ts']);
      await index('event_log_tenant', 'event_log', ['tenant_id', 'ts']);
      await index('event_log_inserted', 'event_log', ['inserted_at']);
      await index('event_log_pruned', 'event_log', ['pruned', 'id']);

      await table('event_cursors')
        .addColumn('name', t.key, (c) => c.primaryKey())
        .addColumn('event_id', t.key, required)
        .execute();

      await table('webhooks')
        .addColumn('id', t.key, (c) => c.primaryKey())
        .addColumn('url', t.text, required)
        .addColumn('events', t.text, required)
        .addColumn('secret', t.text)
        .addColumn('max_retries', sql`integer`)
        .addColumn('retry_delay_ms', t.millis)
        .addColumn('tenant_id', t.key)
        .addColumn('is_active', t.flag, (c) => c.notNull().defaultTo(1))
        .addColumn('created_at', t.millis, required)
        .addColumn('provider', t.key)
        .addColumn('allowed_actions', t.text)
        .addColumn('js_script', t.text)
        .execute();
      await index('webhooks_created', 'webhooks', ['created_at']);
      await index('webhooks_provider', 'webhooks', ['provider']);

      await table('webhook_deliveries')
        .addColumn('id', t.key, (c) => c.primaryKey())
        .addColumn('webhook_id', t.key, required)
        .addColumn('event_id', t.key, required)
        .addColumn('event', t.key, required)
        .addColumn('payload', t.text, required)
        .addColumn('status', t.key, required)
        .addColumn('attempts', sql`integer`, required)
        .addColumn('next_attempt_at', t.millis, required)
        .addColumn('last_status', sql`integer`)
        .addColumn('last_error', t.text)
        .addColumn('created_at', t.millis, required)
        .addColumn('updated_at', t.millis, required)
        .execute();
      await index('webhook_deliveries_due', 'webhook_deliveries', ['status', 'next_attempt_at']);
      await index('webhook_deliveries_hook', 'webhook_deliveries', ['webhook_id', 'created_at']);
    },
  };
}
