import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { AuthEventNames } from 'keyward';
import { createSqlStores, type SqlStores } from 'keyward/sql';
import { startToolsProcess, type ToolsProcess } from './processes';
import { Receiver, eventually } from './receiver';

/**
 * Delivery survives a crash: the app process is killed (SIGKILL, no shutdown code runs) in the
 * middle of a retry series, and a new process on the same database completes the series.
 */
describe('webhook delivery across a crash', () => {
  let dir: string;
  let stores: SqlStores;
  let database: Database.Database;
  let receiver: Receiver;
  const processes: ToolsProcess[] = [];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kw-restart-'));
    database = new Database(join(dir, 'app.db'));
    stores = createSqlStores({ dialect: 'sqlite', database });
    await stores.migrate();
    receiver = new Receiver();
  });

  afterEach(async () => {
    for (const p of processes.splice(0)) await p.kill();
    await receiver.stop();
    database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('completes a retry series begun by a killed process, with the same delivery id', async () => {
    let crashed: Promise<void> | undefined;
    receiver.responder = (n, _req, res) => {
      if (n < 2) {
        res.writeHead(503).end('busy');
        // After the second failure is recorded, during the back-off before the third attempt.
        if (n === 1)
          crashed = new Promise((r) => setTimeout(r, 150)).then(() => processes[0]!.kill());
      } else {
        res.writeHead(204).end();
      }
    };
    const url = await receiver.start();
    await stores.webhookStore.add({
      id: 'wh_restart',
      url: `${url}/hook`,
      events: ['*'],
      secret: 'restart-test-secret',
      maxRetries: 4,
      retryDelayMs: 400,
      createdAt: new Date(Date.now() - 1000),
    });
    const env = { TOOLS_BACKEND: 'sqlite', SQLITE_FILE: join(dir, 'app.db') };
    processes.push(await startToolsProcess({ ...env, EMIT: AuthEventNames.USER_CREATED }));
    await receiver.waitFor(2, 15_000);
    await crashed;
    expect(processes[0]!.child.signalCode).toBe('SIGKILL');

    const [pending] = await stores.webhookStore.listDeliveries('wh_restart');
    expect(pending).toMatchObject({ status: 'pending', attempts: 2, lastStatus: 503 });
    expect(receiver.received).toHaveLength(2);

    processes.push(await startToolsProcess(env));
    await receiver.waitFor(3, 15_000);
    const ids = receiver.received.map((r) => r.headers['webhook-id']);
    expect(new Set(ids).size).toBe(1);
    expect(ids[0]).toBe(pending!.id);
    const done = await eventually(async () => {
      const d = await stores.webhookStore.findDelivery(pending!.id);
      return d?.status === 'delivered' ? d : undefined;
    }, 10_000);
    expect(done.attempts).toBe(3);
    // The event was delivered once more, not enqueued afresh by the new process.
    expect(await stores.webhookStore.listDeliveries('wh_restart')).toHaveLength(1);
  }, 60_000);
});
