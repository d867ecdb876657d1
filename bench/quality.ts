/**
 * int8 vs fp32 retrieval and answer quality, through the project's own evaluation command
 * (`tsx scripts/eval.ts FILE --json` with MODEL_QUANTIZED=true / false, each building its own
 * index): on the seed corpus with ../shared/eval/dev-questions.json, and with --full also on 16
 * SQuAD articles with 300 of their questions. Plus how close the two variants' vectors are.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import type { EvalReport } from '../src/cli/eval-metrics.js';
import { LocalEmbeddings } from '../src/embedding/embedder.js';
import { DEV_QUESTIONS, modelDir, modelOptions, PROJECT_ROOT, SEED_CORPUS_DIR, TSX_BIN } from './lib/env.js';
import { squadCorpus } from './lib/fixtures.js';
import { loadPool } from './lib/pool.js';
import { Rng } from './lib/prng.js';
import { mean, round } from './lib/stats.js';
import { fmt, table } from './lib/table.js';
import type { BenchContext, Benchmark } from './lib/types.js';

type Reports = Record<'dense' | 'lexical' | 'hybrid', EvalReport>;

function runEval(context: BenchContext, questionsFile: string, corpusDir: string, quantized: boolean, name: string): Promise<Reports> {
  const indexDir = path.join(context.scratch, `eval-${name}-${quantized ? 'int8' : 'fp32'}`);
  const dir = modelDir();
  return new Promise((resolve, reject) => {
    const child = spawn(TSX_BIN, [path.join(PROJECT_ROOT, 'scripts', 'eval.ts'), questionsFile, '--json', '--index', indexDir, '--corpus', corpusDir], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, LOG_LEVEL: 'silent', MODEL_QUANTIZED: String(quantized), ...(dir === undefined ? {} : { MODEL_DIR: dir }) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`eval exited with ${code}: ${stderr.slice(-2000)}`));
      else resolve(JSON.parse(stdout) as Reports);
    });
  });
}

/** Cosine of int8 and fp32 vectors of the same texts (a fixed sample of pool sentences). */
async function agreement(): Promise<{ texts: number; mean: number; min: number }> {
  const sentences = new Rng(17).shuffle((await loadPool()).sentences).slice(0, 200);
  const int8 = await (await LocalEmbeddings.load(modelOptions(true))).embedMany(sentences);
  const fp32 = await (await LocalEmbeddings.load(modelOptions(false))).embedMany(sentences);
  const cos = int8.map((a, i) => a.reduce((s, x, d) => s + x * fp32[i]![d]!, 0));
  return { texts: sentences.length, mean: round(mean(cos), 4), min: round(Math.min(...cos), 4) };
}

export const quality: Benchmark = {
  name: 'quality',
  title: 'int8 vs fp32 quality',
  run: async (context) => {
    const sets: { name: string; file: string; corpus: string }[] = [{ name: 'seed, dev questions', file: DEV_QUESTIONS, corpus: SEED_CORPUS_DIR }];
    if (context.full) {
      const squad = await squadCorpus(context, 16, 300);
      sets.push({ name: 'SQuAD 16 articles, 300 questions', file: squad.questionsFile, corpus: squad.corpusDir });
    }
    const results: { set: string; variant: string; reports: Reports }[] = [];
    for (const set of sets) {
      for (const quantized of [true, false]) {
        context.log(`npm run eval on ${set.name}, MODEL_QUANTIZED=${quantized}`);
        results.push({ set: set.name, variant: quantized ? 'int8' : 'fp32', reports: await runEval(context, set.file, set.corpus, quantized, set.name.replace(/\W+/g, '-')) });
      }
    }
    const cos = await agreement();
    const share = (n: number, of: number) => (of === 0 ? '–' : `${n}/${of}`);
    const markdown = [
      table(
        ['questions', 'model', 'first source right', 'expected phrase quoted', 'correct refusals', 'false answers', 'recall@5', 'MRR', 'latency p50 / p95 ms'],
        results.map(({ set, variant, reports }) => {
          const r = reports.hybrid;
          return [
            set,
            variant,
            share(r.firstSourceCorrect, r.answerable),
            share(r.phraseInQuote, r.answerable),
            share(r.correctRefusals, r.outOfCorpus),
            share(r.falseAnswers, r.outOfCorpus),
            fmt(r.recallAtK, 3),
            fmt(r.mrr, 3),
            `${fmt(r.latencyMs.p50, 1)} / ${fmt(r.latencyMs.p95, 1)}`,
          ];
        }),
      ),
      '',
      `Hybrid retrieval (the shipped mode), \`npm run eval -- FILE\` with MODEL_QUANTIZED=true / false. int8 and fp32 vectors of ${cos.texts} sentences: cosine mean ${fmt(cos.mean, 4)}, min ${fmt(cos.min, 4)}.`,
    ].join('\n');
    return { name: 'quality', title: 'int8 vs fp32 quality', data: { results, agreement: cos }, markdown, targets: [] };
  },
};
