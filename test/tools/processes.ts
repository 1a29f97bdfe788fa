import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** A running tools process (test/tools/fixtures/tools-process.ts). */
export interface ToolsProcess {
  child: ChildProcess;
  port: number;
  output: () => string;
  /** SIGKILL: no shutdown hook runs, as in a crash. */
  kill: () => Promise<void>;
}

/** Starts a tools process with `env` and waits for its `READY <port>` line. */
export async function startToolsProcess(env: Record<string, string>): Promise<ToolsProcess> {
  // Node itself with tsx's loader, not the tsx command: that one runs the app in a child process
  // of its own, which a SIGKILL of the command would leave running.
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(__dirname, 'fixtures', 'tools-process.ts')],
    {
      env: { ...process.env, ...env, TSX_TSCONFIG_PATH: join(ROOT, 'tsconfig.json') },
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`tools process did not start:\n${output}`)),
      30_000,
    );
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /READY (\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`tools process exited with ${code}:\n${output}`));
    });
  });
  return {
    child,
    port,
    output: () => output,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
