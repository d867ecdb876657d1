/**
 * Cold start: from spawning the ask command on the seed index to its exit with the answer printed —
 * compiled, as `npm run ask` runs it (`node scripts/run-compiled.mjs ask …`, minus npm itself), and from
 * the sources (`tsx scripts/ask.ts`) — and a no-change `npm run index` (compiled). Baselines: a bare
 * `node -e 0` and `node --import tsx -e 0` (Node start and the TypeScript loader alone). The compiled
 * rows need an up-to-date `dist/` (`npm run build`); without one they are left out, and the report says so.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { RESULT_MARKER } from './lib/child.js';
import { ASK_SCRIPT, modelDir, PROJECT_ROOT, TSX_BIN } from './lib/env.js';
import { seedIndex } from './lib/fixtures.js';
import { median } from './lib/stats.js';
import { fmt, table } from './lib/table.js';
import type { Benchmark } from './lib/types.js';
import type { ModelLoad, StartupSteps } from './startup-probe.js';

/** Runs bench/startup-probe.ts in a fresh process and returns what it reports. */
async function probe<T>(args: string[], env: Record<string, string>): Promise<T> {
  const run = await spawnTimed(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'bench', 'startup-probe.ts'), ...args], env);
  const line = run.stdout.split('\n').find((l) => l.startsWith(RESULT_MARKER))!;
  return JSON.parse(line.slice(RESULT_MARKER.length)) as T;
}

const QUESTION = 'When could the Putin-Trump meeting take place, according to the Kremlin?';

function spawnTimed(command: string, args: string[], env: Record<string, string> = {}): Promise<{ ms: number; stdout: string }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: PROJECT_ROOT, env: { ...process.env, LOG_LEVEL: 'silent', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`${command} ${args.join(' ')} exited with ${code}: ${stderr.slice(-1000)}`));
      else resolve({ ms: performance.now() - started, stdout });
    });
  });
}

export const coldStart: Benchmark = {
  name: 'cold-start',
  title: 'Cold start',
  run: async (context) => {
    const seed = await seedIndex(context);
    const runs = context.full ? 7 : 3;
    const dir = modelDir();
    const env: Record<string, string> = dir === undefined ? {} : { MODEL_DIR: dir };
    const samples = { node: [] as number[], tsx: [] as number[], ask: [] as number[], answerMs: [] as number[], compiledAsk: [] as number[], compiledIndex: [] as number[] };
    const dirs = ['--index', seed.indexDir, '--corpus', seed.corpusDir];
    // `npm run ask` / `npm run index` without npm: the launcher checks dist/ and runs the compiled command.
    const compiled = (command: string, args: string[]) => spawnTimed(process.execPath, [path.join(PROJECT_ROOT, 'scripts', 'run-compiled.mjs'), command, ...args], env);
    const compiledProblem = await compiled('status', dirs).then(
      () => undefined,
      (error: Error) => error.message.split('\n').find((line) => line.includes('error:')) ?? error.message,
    );
    if (compiledProblem) context.log(`cold start: compiled commands left out (${compiledProblem})`);
    context.log(`cold start: ${runs} × (node, node + tsx, tsx scripts/ask.ts${compiledProblem ? '' : ', compiled ask, compiled no-change index'})`);
    for (let i = 0; i < runs; i++) {
      samples.node.push((await spawnTimed(process.execPath, ['-e', '0'])).ms);
      samples.tsx.push((await spawnTimed(process.execPath, ['--import', 'tsx', '-e', '0'])).ms);
      const ask = await spawnTimed(TSX_BIN, [ASK_SCRIPT, QUESTION, '--json', '--no-build', ...dirs], env);
      samples.ask.push(ask.ms);
      const answer = JSON.parse(ask.stdout) as { answered: boolean; timings: { totalMs: number } };
      if (!answer.answered) throw new Error('The cold-start question was not answered.');
      samples.answerMs.push(answer.timings.totalMs);
      if (compiledProblem) continue;
      const compiledAsk = await compiled('ask', [QUESTION, '--json', '--no-build', ...dirs]);
      if (!(JSON.parse(compiledAsk.stdout) as { answered: boolean }).answered) throw new Error('The compiled cold-start question was not answered.');
      samples.compiledAsk.push(compiledAsk.ms);
      samples.compiledIndex.push((await compiled('index', ['--corpus', seed.corpusDir, '--out', seed.indexDir])).ms);
    }
    const probes: StartupSteps[] = [];
    for (let i = 0; i < runs; i++) {
      probes.push(await probe<StartupSteps>(['startup', seed.indexDir, QUESTION], env));
    }
    // Loading the model the way the code did before (transformers.js creates the session) and now, alternately.
    const loads: Record<'transformers' | 'verbatim', ModelLoad[]> = { transformers: [], verbatim: [] };
    for (let i = 0; i < runs + 2; i++) {
      for (const way of i % 2 === 0 ? (['transformers', 'verbatim'] as const) : (['verbatim', 'transformers'] as const)) {
        loads[way].push(await probe<ModelLoad>(['model-load', way], env));
      }
    }
    const modelLoad = Object.fromEntries(
      (['transformers', 'verbatim'] as const).map((way) => [way, { ms: Math.round(median(loads[way].map((l) => l.ms))), rssMB: Math.round(median(loads[way].map((l) => l.rssMB))) }]),
    ) as Record<'transformers' | 'verbatim', ModelLoad>;
    const steps = Object.keys(probes[0]!).map((step) => ({ step, ms: Math.round(median(probes.map((p) => p[step]!))) }));
    const data = {
      runs,
      medianMs: {
        node: Math.round(median(samples.node)),
        nodeWithTsx: Math.round(median(samples.tsx)),
        askToAnswer: Math.round(median(samples.ask)),
        firstAnswerInProcess: Math.round(median(samples.answerMs) * 10) / 10,
        compiledAskToAnswer: compiledProblem ? null : Math.round(median(samples.compiledAsk)),
        compiledNoChangeIndex: compiledProblem ? null : Math.round(median(samples.compiledIndex)),
      },
      compiledProblem: compiledProblem ?? null,
      samples,
      steps,
      modelLoad,
    };
    const markdown = [
      table(
        ['process', `median of ${runs} (s)`],
        [
          ['`node -e 0`', fmt(data.medianMs.node / 1000, 2)],
          ['`node --import tsx -e 0`', fmt(data.medianMs.nodeWithTsx / 1000, 2)],
          ['`tsx scripts/ask.ts "…" --json` on the seed index, to exit', fmt(data.medianMs.askToAnswer / 1000, 2)],
          ['of which answering the first (cold) question, as ask reports it', fmt(data.medianMs.firstAnswerInProcess / 1000, 3)],
          ...(data.medianMs.compiledAskToAnswer === null || data.medianMs.compiledNoChangeIndex === null
            ? [['compiled commands', `left out: ${compiledProblem ?? ''}`]]
            : [
                ['`npm run ask -- "…" --json` compiled (`node scripts/run-compiled.mjs ask`), to exit', fmt(data.medianMs.compiledAskToAnswer / 1000, 2)],
                ['`npm run index` compiled, nothing to do, to exit', fmt(data.medianMs.compiledNoChangeIndex / 1000, 2)],
              ]),
        ],
      ),
      '',
      `Where the time goes (bench/startup-probe.ts, the same steps one by one in a fresh process, median of ${runs}):`,
      '',
      table(
        ['step', 'ms'],
        steps.map((s) => [s.step, String(s.ms)]),
      ),
      '',
      `Loading the model (int8) and embedding one text in a fresh process, median of ${runs + 2}, alternating:`,
      '',
      table(
        ['how', 'ms', 'RSS after, MB'],
        [
          ['transformers.js AutoModel.from_pretrained (before: it reads the file into a buffer and creates the session)', String(modelLoad.transformers.ms), String(modelLoad.transformers.rssMB)],
          ['LocalEmbeddings.load (now: the session reads the file itself, with options)', String(modelLoad.verbatim.ms), String(modelLoad.verbatim.rssMB)],
        ],
      ),
    ].join('\n');
    return {
      name: 'cold-start',
      title: 'Cold start',
      data,
      markdown,
      targets: [],
    };
  },
};
