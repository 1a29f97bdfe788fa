import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { PasswordHasher } from './hasher';

// The worker is plain JavaScript evaluated from this string, so it runs unchanged from the ESM
// build, the CommonJS build and TypeScript sources. It loads bcryptjs by absolute path.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const bcrypt = require(workerData.bcryptPath);
parentPort.on('message', (job) => {
  try {
    const result = job.op === 'hash'
      ? bcrypt.hashSync(job.password, job.cost)
      : bcrypt.compareSync(job.password, job.hash);
    parentPort.postMessage({ id: job.id, result });
  } catch (err) {
    parentPort.postMessage({ id: job.id, error: String(err && err.message || err) });
  }
});
`;

/**
 * Where the worker loads bcryptjs from. A bundler (webpack) may turn `require.resolve` into a
 * module id; the worker then falls back to resolving the package by name.
 */
function bcryptPath(): string {
  const resolved: unknown = require.resolve('bcryptjs');
  return typeof resolved === 'string' ? resolved : 'bcryptjs';
}

type Job =
  | { id: number; op: 'hash'; password: string; cost: number }
  | { id: number; op: 'verify'; password: string; hash: string };

interface Pending {
  resolve: (value: string | boolean) => void;
  reject: (err: Error) => void;
}

interface Slot {
  worker: Worker;
  busy: number;
}

/**
 * bcrypt (bcryptjs, `$2b$` hashes) on a small pool of worker threads. bcrypt at cost 12 takes
 * ~250 ms of CPU; on the main thread that time is stolen from every other request. Here the
 * event loop only posts messages. Workers start on first use and do not keep the process alive
 * while idle.
 */
export class BcryptWorkerPool implements PasswordHasher {
  private readonly slots: Slot[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private readonly size: number;

  constructor(
    private readonly defaultCost = 12,
    size?: number,
  ) {
    this.size = Math.max(1, size ?? Math.min(4, availableParallelism()));
  }

  hash(password: string, cost = this.defaultCost): Promise<string> {
    return this.dispatch({ id: this.nextId++, op: 'hash', password, cost }) as Promise<string>;
  }

  verify(password: string, hash: string): Promise<boolean> {
    return this.dispatch({ id: this.nextId++, op: 'verify', password, hash }) as Promise<boolean>;
  }

  async close(): Promise<void> {
    const slots = this.slots.splice(0);
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private dispatch(job: Job): Promise<string | boolean> {
    const slot = this.leastBusy();
    return new Promise((resolve, reject) => {
      this.pending.set(job.id, { resolve, reject });
      if (slot.busy++ === 0) slot.worker.ref();
      slot.worker.postMessage(job);
    });
  }

  private leastBusy(): Slot {
    if (this.slots.length < this.size) {
      const idle = this.slots.find((s) => s.busy === 0);
      if (idle) return idle;
      return this.spawn();
    }
    return this.slots.reduce((a, b) => (b.busy < a.busy ? b : a));
  }

  private spawn(): Slot {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { bcryptPath: bcryptPath() },
    });
    const slot: Slot = { worker, busy: 0 };
    worker.unref();
    worker.on('message', (msg: { id: number; result?: string | boolean; error?: string }) => {
      const entry = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      if (--slot.busy === 0) worker.unref();
      if (!entry) return;
      if (msg.error !== undefined) entry.reject(new Error(msg.error));
      else entry.resolve(msg.result as string | boolean);
    });
    worker.on('error', (err) => this.fail(slot, err));
    worker.on('exit', () => {
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots.splice(i, 1);
    });
    this.slots.push(slot);
    return slot;
  }

  private fail(slot: Slot, err: Error): void {
    // A crashed worker loses its jobs; fail them all rather than leave requests hanging.
    for (const [id, entry] of this.pending) {
      entry.reject(err);
      this.pending.delete(id);
    }
    slot.busy = 0;
  }
}
