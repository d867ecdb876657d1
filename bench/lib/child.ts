/**
 * Running a piece of a benchmark in a fresh Node process (for peak RSS and a clean heap):
 * `node --import tsx scripts/bench.ts --worker NAME JSON`; the worker prints its result as the
 * last line, after a marker.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { BENCH_SCRIPT, PROJECT_ROOT } from './env.js';

export const RESULT_MARKER = '@@bench-result ';

export interface WorkerOutput<T> {
  result: T;
  /** Spawn to exit, as the parent saw it. */
  wallMs: number;
}

/** `prefix`: a command the worker runs under, e.g. ['taskset', '-c', '0'] to confine it to one CPU. */
export function runWorker<T>(name: string, args: unknown, env: Record<string, string> = {}, prefix: string[] = []): Promise<WorkerOutput<T>> {
  const started = performance.now();
  // Every worker runs with Node's default heap limit, as the bot and `npm run index` do (the streaming build of
  // 100k chunks peaks at ~1.7 GB: BENCHMARKS.md, "Streaming build").
  const command = [...prefix, process.execPath, '--import', 'tsx', BENCH_SCRIPT, '--worker', name, JSON.stringify(args)];
  return new Promise((resolve, reject) => {
    const child = spawn(command[0]!, command.slice(1), {
      cwd: PROJECT_ROOT,
      env: { ...process.env, LOG_LEVEL: 'silent', ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => (stdout += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = performance.now() - started;
      const line = stdout.split('\n').find((l) => l.startsWith(RESULT_MARKER));
      if (code !== 0 || line === undefined) {
        reject(new Error(`bench worker ${name} exited with ${code}${line === undefined ? ' and no result' : ''}:\n${stdout.slice(-2000)}`));
        return;
      }
      resolve({ result: JSON.parse(line.slice(RESULT_MARKER.length)) as T, wallMs });
    });
  });
}

/** In the worker: print the result where runWorker looks for it. */
export function reportResult(result: unknown): void {
  process.stdout.write(`\n${RESULT_MARKER}${JSON.stringify(result)}\n`);
}

/**
 * Peak resident set size of this process so far, in MB: VmHWM from /proc/self/status on Linux.
 * (process.resourceUsage().maxRSS is no good in a spawned worker: Linux carries the peak over
 * exec, so it reports the parent's size at fork time if that was larger.)
 */
export function peakRssMB(): number {
  try {
    const hwm = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (hwm) return Math.round((Number(hwm[1]) / 1024) * 10) / 10;
  } catch {
    // not Linux
  }
  return Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10;
}

export function rssMB(): number {
  return Math.round((process.memoryUsage().rss / 2 ** 20) * 10) / 10;
}
