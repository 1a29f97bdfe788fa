/**
 * The benchmark's server processes: started with tsx, ready once they print one JSON line
 * beginning `{"ready":true`, stopped with SIGTERM (SIGKILL after 5 s). Each also exits when its
 * stdin closes, so none outlives the runner, even one that is killed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = resolve(__dirname, '..');
const CPU_PROF_DIR = process.env.BENCH_CPU_PROF;
const live = new Set<ChildProcess>();

export interface Child<T> {
  proc: ChildProcess;
  /** The ready line, parsed. */
  ready: T;
}

/** Starts `bench/<script>` in a child process and waits for its ready line. */
export function startChild<T>(
  script: string,
  env: Record<string, string>,
  label = 'server',
): Promise<Child<T>> {
  const execArgv = ['--import', 'tsx'];
  if (CPU_PROF_DIR) execArgv.push('--cpu-prof', `--cpu-prof-dir=${resolve(CPU_PROF_DIR)}`);
  const proc = spawn(process.execPath, [...execArgv, join(ROOT, 'bench', script)], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    // stdin stays open: the child exits when it closes, even if this process is killed.
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  live.add(proc);
  proc.once('exit', () => live.delete(proc));
  return new Promise((resolveReady, reject) => {
    const timer = setTimeout(() => reject(new Error(`${label} did not start within 60 s`)), 60_000);
    proc.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${label} exited early (code ${code}, signal ${signal})`));
    });
    createInterface({ input: proc.stdout }).on('line', (line) => {
      if (line.startsWith('{"ready":true')) {
        clearTimeout(timer);
        resolveReady({ proc, ready: JSON.parse(line) as T });
      } else {
        console.log(`[${label}] ${line}`);
      }
    });
  });
}

/** Asks the child to exit, then forces it after a grace period. */
export async function stopChild(proc: ChildProcess | undefined): Promise<void> {
  if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  proc.kill('SIGTERM');
  const forced = setTimeout(() => proc.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(forced);
}

/** Stops every child still running (signal handlers, error paths). */
export async function stopAllChildren(): Promise<void> {
  await Promise.all([...live].map((proc) => stopChild(proc)));
}

process.on('exit', () => {
  for (const proc of live) {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
  }
});
