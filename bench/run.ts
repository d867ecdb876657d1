/**
 * `npm run bench [-- --full] [-- --only a,b] [-- --write-doc]`: runs the benchmarks, prints a
 * Markdown report, and writes bench/results/<name>.json per benchmark, bench/results/latest.json
 * (and a time-stamped copy). --write-doc rebuilds the results part of BENCHMARKS.md (between its
 * markers) from the latest result of every benchmark, so a partial run updates only its sections.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { reportResult } from './lib/child.js';
import { PROJECT_ROOT, RESULTS_DIR, scratchDir } from './lib/env.js';
import { machineInfo, type MachineInfo } from './lib/machine.js';
import { table } from './lib/table.js';
import type { Benchmark, BenchResult } from './lib/types.js';
import { BENCHMARKS } from './registry.js';
import { WORKERS } from './workers.js';

export const DOC_FILE = path.join(PROJECT_ROOT, 'BENCHMARKS.md');
export const DOC_BEGIN = '<!-- bench:results:begin -->';
export const DOC_END = '<!-- bench:results:end -->';

/** One benchmark's latest result as bench/results/<name>.json holds it. */
export interface StoredResult {
  machine: MachineInfo;
  full: boolean;
  /** 1-minute load average when the benchmark started and ended. */
  load: [number, number];
  seconds: number;
  result: BenchResult;
}

export async function benchCommand(argv: readonly string[]): Promise<number> {
  const program = new Command('bench')
    .description('Run the benchmarks (see BENCHMARKS.md).')
    .option('--full', 'also run the heavy cases (2,000-article build, 100k chunks, SQuAD, more rounds)')
    .option('--only <names>', `comma-separated subset of: ${BENCHMARKS.map((b) => b.name).join(', ')}`)
    .option('--write-doc', 'rebuild the results in BENCHMARKS.md (between its markers) from the latest result of each benchmark')
    .option('--worker <name>', 'internal: run one worker in this process')
    .argument('[args]', 'internal: the worker arguments (JSON)')
    .exitOverride();
  program.parse(argv, { from: 'user' });
  const flags = program.opts<{ full?: boolean; only?: string; writeDoc?: boolean; worker?: string }>();

  if (flags.worker !== undefined) {
    const worker = WORKERS[flags.worker];
    if (!worker) throw new Error(`No bench worker ${flags.worker}.`);
    reportResult(await worker(JSON.parse((program.args[0] as string | undefined) ?? '{}') as never));
    return 0;
  }

  const selected = selectBenchmarks(flags.only);
  const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
  const machine = machineInfo();
  const full = flags.full === true;
  log(`${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, load ${machine.loadAverage.join(' ')}${full ? ', --full' : ''}`);
  const scratch = await scratchDir();
  const results: StoredResult[] = [];
  const started = performance.now();
  try {
    for (const bench of selected) {
      log(`— ${bench.title}`);
      const t0 = performance.now();
      const load0 = loadAverage();
      const result = await bench.run({ full, scratch: scratch.dir, log });
      const stored: StoredResult = { machine, full, load: [load0, loadAverage()], seconds: Math.round((performance.now() - t0) / 1000), result };
      log(`  ${bench.name} took ${stored.seconds} s`);
      results.push(stored);
      await writeJson(path.join(RESULTS_DIR, `${bench.name}.json`), stored);
    }
  } finally {
    await scratch.cleanup();
  }
  const totalSeconds = Math.round((performance.now() - started) / 1000);
  const report = renderReport(results, totalSeconds);
  const run = { machine, full, totalSeconds, results };
  await writeJson(path.join(RESULTS_DIR, 'latest.json'), run);
  await writeJson(path.join(RESULTS_DIR, `run-${machine.date.replace(/[:.]/g, '-')}.json`), run);
  await writeFile(path.join(RESULTS_DIR, 'latest.md'), report);
  if (flags.writeDoc) await writeDoc();
  process.stdout.write(report);
  return 0;
}

function loadAverage(): number {
  return Math.round(os.loadavg()[0]! * 10) / 10;
}

function selectBenchmarks(only: string | undefined): Benchmark[] {
  if (only === undefined) return BENCHMARKS;
  const names = only.split(',').map((s) => s.trim());
  const unknown = names.filter((n) => !BENCHMARKS.some((b) => b.name === n));
  if (unknown.length > 0) throw new Error(`Unknown benchmark(s): ${unknown.join(', ')}. Known: ${BENCHMARKS.map((b) => b.name).join(', ')}.`);
  return BENCHMARKS.filter((b) => names.includes(b.name));
}

function describeMachine(m: MachineInfo): string {
  return (
    `${m.cpu}, ${m.cores} cores, ${m.memoryGB} GB, ${m.os}; Node ${m.node}, onnxruntime-node ${m.onnxruntime}, ` +
    `@xenova/transformers ${m.transformers}, hnswlib-node ${m.hnswlib}`
  );
}

function describeRun(r: StoredResult): string {
  const load = Number.isFinite(r.load[0]) ? `load average ${r.load[0]} → ${r.load[1]}` : `load average ${r.machine.loadAverage[0]} when the run started`;
  const took = r.seconds > 0 ? `, ${r.seconds} s` : '';
  return `${r.machine.date.slice(0, 16).replace('T', ' ')} UTC, \`npm run bench${r.full ? ' -- --full' : ''}\`${took}, ${load}`;
}

/** The report of results (one run, or the latest of each benchmark): machine, targets, then each benchmark. */
export function renderReport(results: readonly StoredResult[], totalSeconds?: number): string {
  const machines = [...new Set(results.map((r) => describeMachine(r.machine)))];
  const lines = [
    `Machine: ${machines.join(' / ')}. The machine may run other work at the same time, so absolute numbers move with the load average shown per benchmark; ratios are taken within one run.` +
      (totalSeconds === undefined ? '' : ` This run: ${Math.round(totalSeconds / 60)} min.`),
    '',
    '### Targets',
    '',
    table(
      ['target', 'goal', 'measured', 'met'],
      results.flatMap((r) => r.result.targets.map((t) => [t.name, t.goal, t.value, t.met === null ? 'not run (needs --full)' : t.met ? 'yes' : '**no**'])),
    ),
    '',
  ];
  for (const r of results) lines.push(`### ${r.result.title}`, '', `_${describeRun(r)}._`, '', r.result.markdown, '');
  return lines.join('\n');
}

/** Rebuilds the results part of BENCHMARKS.md from bench/results/<name>.json of every benchmark that has one. */
export async function writeDoc(): Promise<void> {
  const stored: StoredResult[] = [];
  for (const bench of BENCHMARKS) {
    try {
      const value = JSON.parse(await readFile(path.join(RESULTS_DIR, `${bench.name}.json`), 'utf8')) as Partial<StoredResult>;
      if (value.result && value.machine) stored.push({ load: [Number.NaN, Number.NaN], seconds: 0, full: false, ...value } as StoredResult);
    } catch {
      // not run yet
    }
  }
  const report = renderReport(stored);
  let doc: string;
  try {
    doc = await readFile(DOC_FILE, 'utf8');
  } catch {
    doc = `# Benchmarks\n\n${DOC_BEGIN}\n${DOC_END}\n`;
  }
  const begin = doc.indexOf(DOC_BEGIN);
  const end = doc.indexOf(DOC_END);
  if (begin < 0 || end < begin) throw new Error(`${DOC_FILE} has no ${DOC_BEGIN} … ${DOC_END} markers.`);
  await writeFile(DOC_FILE, `${doc.slice(0, begin + DOC_BEGIN.length)}\n${report}\n${doc.slice(end)}`);
}

async function writeJson(file: string, value: unknown): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify(value, null, 2) + '\n');
}
