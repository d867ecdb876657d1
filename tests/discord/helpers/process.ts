/**
 * Runs the real bot entry point (`scripts/start.ts`) as a child process, capturing everything it
 * writes, so a test can wait for a line of its output and for its exit.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { PROJECT_ROOT } from '../../support/env.js';

export interface BotProcess {
  child: ChildProcess;
  /** Everything written to stdout and stderr so far, interleaved in arrival order. */
  readonly output: string;
  /** Resolves with the first output line matching `pattern` (past or future); rejects on timeout or exit. */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<string>;
  /** Resolves with the exit code and signal once the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Whether the process has exited. */
  readonly hasExited: boolean;
  /** Kills the process with SIGKILL if it is still running (for cleanup). */
  kill(): void;
}

/**
 * Spawns `node --import tsx scripts/start.ts` in the project root with exactly `env` (plus PATH and
 * HOME), so nothing from the test runner's environment leaks in.
 */
export function spawnBot(env: Record<string, string>): BotProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const listeners = new Set<() => void>();
  const notify = (): void => {
    for (const listener of [...listeners]) listener();
  };
  const onData = (chunk: Buffer): void => {
    output += chunk.toString('utf8');
    notify();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('close', (code, signal) => {
      exitInfo = { code, signal };
      notify();
      resolve(exitInfo);
    });
  });

  const findLine = (pattern: RegExp): string | undefined => output.split('\n').find((line) => pattern.test(line));

  return {
    child,
    get output() {
      return output;
    },
    get hasExited() {
      return exitInfo !== undefined;
    },
    exited,
    waitForLine(pattern, timeoutMs) {
      return new Promise<string>((resolve, reject) => {
        const check = (): void => {
          const line = findLine(pattern);
          if (line !== undefined) {
            done();
            resolve(line);
          } else if (exitInfo) {
            done();
            reject(new Error(`The bot exited (${JSON.stringify(exitInfo)}) before printing ${pattern}. Output:\n${output}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${pattern}. Output:\n${output}`));
        }, timeoutMs);
        const done = (): void => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
    kill() {
      if (exitInfo === undefined && child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

/** Resolves with `promise`, or rejects after `timeoutMs` naming `what`. */
export async function within<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
