/**
 * Embedding throughput of the indexing pipeline (LocalEmbeddings.embedMany, tokenization
 * included) against the limit: raw onnxruntime-node on the same model file and the same token
 * batches (tokenized beforehand), with the best session options — in one process, alternating
 * batch by batch, so both see the same load on a shared machine.
 *
 * Session *options* are compared one per process instead: sessions with onnxruntime's default
 * threads pin them to the same cores, and in one process they disturb each other (threads keep
 * spinning after a call), which made the default session look 10% slower than it is. So for those,
 * each variant runs in a fresh process, variants alternate, and ratios are taken between
 * neighbouring runs. Also: the naive transformers.js pipeline, a process confined to one CPU,
 * batch sizes, and length-sorted vs unsorted batching on the texts an index build embeds.
 */
import os from 'node:os';
import path from 'node:path';
import { pipeline } from '@xenova/transformers';
import { chunkArticle } from '../src/chunking/chunk.js';
import { splitSentences } from '../src/chunking/sentences.js';
import { embeddingInput } from '../src/chunking/types.js';
import { loadCorpus } from '../src/corpus/load.js';
import { LocalEmbeddings } from '../src/embedding/embedder.js';
import { intraOpThreads, loadModel } from '../src/embedding/model.js';
import { runWorker } from './lib/child.js';
import { generateCorpus, writeCorpus } from './lib/corpus-gen.js';
import { modelDir, modelOptions } from './lib/env.js';
import { loadPool, squadData } from './lib/pool.js';
import { Rng } from './lib/prng.js';
import {
  BEST_SESSION_OPTIONS,
  createSession,
  embedderModelFile,
  loadTokenizer,
  prepareBatch,
  runBatch,
  sortedBatches,
  tokenize,
  type PreparedBatch,
  type SessionOptions,
} from './lib/raw-onnx.js';
import { groupSums, interleaveUnits, median, ratios, round } from './lib/stats.js';
import { fmt, pct, table } from './lib/table.js';
import type { BenchContext, Benchmark } from './lib/types.js';

export type Variant = 'raw-best' | 'raw-default' | 'raw-1-thread' | 'raw-basic' | 'raw-parallel' | 'embedMany' | 'pipeline';

const RAW_OPTIONS: Partial<Record<Variant, SessionOptions>> = {
  'raw-best': BEST_SESSION_OPTIONS,
  'raw-default': {},
  'raw-1-thread': { ...BEST_SESSION_OPTIONS, intraOpNumThreads: 1 },
  'raw-basic': { ...BEST_SESSION_OPTIONS, graphOptimizationLevel: 'basic' },
  'raw-parallel': { ...BEST_SESSION_OPTIONS, executionMode: 'parallel', interOpNumThreads: 2 },
};

const LABELS: Record<Variant, string> = {
  'raw-best': 'raw onnxruntime, best options (2 intra-op threads, graph all, sequential)',
  'raw-default': 'raw onnxruntime, default options (the session transformers.js creates; used before)',
  'raw-1-thread': 'raw onnxruntime, 1 intra-op thread',
  'raw-basic': 'raw onnxruntime, graph optimization basic',
  'raw-parallel': 'raw onnxruntime, parallel execution (2 inter-op threads)',
  embedMany: 'LocalEmbeddings.embedMany (shipped)',
  pipeline: 'transformers.js pipeline, batches of 8 (naive)',
};

const BATCH = 8;

/** ~200-token chunks: the first SQuAD paragraphs of 180–230 word pieces. */
async function uniformTexts(count: number, countTokens: (text: string) => number): Promise<string[]> {
  const texts: string[] = [];
  for (const p of (await squadData()).paragraphs) {
    const n = countTokens(p.context);
    if (n >= 180 && n <= 230) texts.push(p.context);
    if (texts.length >= count) break;
  }
  return texts;
}

export interface ThroughputArgs {
  variant: Variant;
  quantized: boolean;
  texts: number;
  rounds: number;
}

export interface ThroughputResult {
  chunksPerSecond: number;
  meanTokens: number;
  threads: number;
}

/** One variant, alone in this process: warm up, then `rounds` passes over the texts in batches of 8. */
export async function throughputWorker(args: ThroughputArgs): Promise<ThroughputResult> {
  const { modelId } = modelOptions(args.quantized);
  const dir = modelDir();
  let pass: () => Promise<void>;
  let tokens: number[][];
  if (args.variant === 'embedMany') {
    const embeddings = await LocalEmbeddings.load({ ...modelOptions(args.quantized), batchSize: BATCH });
    const texts = await uniformTexts(args.texts, (t) => embeddings.countTokens(t));
    const tokenizer = await loadTokenizer(modelId, dir);
    tokens = texts.map((t) => tokenize(tokenizer, t, embeddings.maxTokens));
    pass = async () => void (await embeddings.embedMany(texts));
  } else if (args.variant === 'pipeline') {
    const tokenizer = await loadTokenizer(modelId, dir);
    const texts = await uniformTexts(args.texts, (t) => tokenizer.encode(t).length);
    tokens = texts.map((t) => tokenize(tokenizer, t, 256));
    const naive = await pipeline('feature-extraction', modelId, { quantized: args.quantized });
    pass = async () => {
      for (let i = 0; i < texts.length; i += BATCH) await naive(texts.slice(i, i + BATCH), { pooling: 'mean', normalize: true });
    };
  } else {
    const tokenizer = await loadTokenizer(modelId, dir);
    const texts = await uniformTexts(args.texts, (t) => tokenizer.encode(t).length);
    tokens = texts.map((t) => tokenize(tokenizer, t, 256));
    const session = await createSession(embedderModelFile(modelId, args.quantized, dir), RAW_OPTIONS[args.variant]!);
    // The same batches embedMany runs: sorted by length, cut every 8.
    const batches = sortedBatches(tokens.map((t) => t.length), BATCH).map((b) => prepareBatch(b.map((i) => tokens[i]!)));
    pass = async () => {
      for (const batch of batches) await runBatch(session, batch);
    };
  }
  await pass();
  const rates: number[] = [];
  for (let r = 0; r < args.rounds; r++) {
    const started = performance.now();
    await pass();
    rates.push(tokens.length / ((performance.now() - started) / 1000));
  }
  return {
    chunksPerSecond: round(median(rates), 2),
    meanTokens: round(tokens.reduce((a, t) => a + t.length, 0) / tokens.length, 1),
    threads: RAW_OPTIONS[args.variant]?.intraOpNumThreads ?? (args.variant === 'embedMany' ? intraOpThreads() : 0),
  };
}

interface ProcessComparison {
  quantized: boolean;
  /** Intra-op threads of the embedMany runs (LocalEmbeddings' choice). */
  threads: number;
  texts: number;
  meanTokens: number;
  repetitions: number;
  /** Per variant: chunks/s of each repetition (each a fresh process). */
  runs: Partial<Record<Variant, number[]>>;
  medianChunksPerSecond: Partial<Record<Variant, number>>;
  /** Per variant: median over repetitions of variant / raw-best (neighbouring processes). */
  vsBest: Partial<Record<Variant, number>>;
}

async function compareProcesses(context: BenchContext, quantized: boolean, variants: Variant[], texts: number, repetitions: number, prefix: string[] = []): Promise<ProcessComparison> {
  const runs: Partial<Record<Variant, number[]>> = {};
  let meanTokens = 0;
  let threads = 0;
  for (let rep = 0; rep < repetitions; rep++) {
    for (let i = 0; i < variants.length; i++) {
      const variant = variants[(i + rep) % variants.length]!;
      const args: ThroughputArgs = { variant, quantized, texts, rounds: 2 };
      const result = (await runWorker<ThroughputResult>('throughput', args, {}, prefix)).result;
      (runs[variant] ??= []).push(result.chunksPerSecond);
      meanTokens = result.meanTokens;
      if (variant === 'embedMany') threads = result.threads;
    }
  }
  const best = runs['raw-best'] ?? runs[variants[0]!]!;
  return {
    quantized,
    threads,
    texts,
    meanTokens,
    repetitions,
    runs,
    medianChunksPerSecond: Object.fromEntries(variants.map((v) => [v, round(median(runs[v]!), 2)])),
    vsBest: Object.fromEntries(variants.map((v) => [v, round(median(ratios(runs[v]!, best)), 4)])),
  };
}

export const embeddingThroughput: Benchmark = {
  name: 'embedding-throughput',
  title: 'Embedding throughput',
  run: async (context) => {
    const int8Variants: Variant[] = context.full
      ? ['raw-best', 'embedMany', 'raw-default', 'raw-1-thread', 'raw-basic', 'raw-parallel', 'pipeline']
      : ['raw-best', 'embedMany', 'raw-default', 'raw-1-thread', 'pipeline'];
    const fp32Variants: Variant[] = context.full ? ['raw-best', 'embedMany', 'raw-default', 'pipeline'] : ['raw-best', 'embedMany', 'raw-default'];
    const texts = context.full ? 96 : 48;
    const reps = context.full ? 6 : 3;
    context.log(`embedding throughput, one process per run: int8 ${int8Variants.length} variants × ${reps}, fp32 ${fp32Variants.length} × ${reps - 1} (${texts} chunks × 2 passes each)`);
    const limit8 = await sameProcess(context, true);
    const limit32 = await sameProcess(context, false);
    const int8 = await compareProcesses(context, true, int8Variants, texts, reps);
    const fp32 = await compareProcesses(context, false, fp32Variants, context.full ? texts : 32, reps - 1);
    const confined = await affinity(context);
    const workload = await indexWorkload(context);
    const all = [...new Set([...int8Variants, ...fp32Variants])];
    const markdown = [
      `**Against the limit**, in one process, batch by batch (${limit8.batches} batches of ${BATCH} ~${Math.round(limit8.meanTokens)}-token chunks — SQuAD paragraphs of 180–230 word pieces — × ${limit8.rounds} rounds; ` +
        'every variant runs each batch in turn; ratios are medians over batches):',
      '',
      table(
        ['', 'int8 chunks/s', 'fp32 chunks/s'],
        (['raw, best options', 'raw, LocalEmbeddings session', 'embedMany'] as const).map((v) => [
          v === 'embedMany' ? 'LocalEmbeddings.embedMany (tokenizing, batching, pooling included)' : v === 'raw, best options' ? 'raw onnxruntime session, best options, on the prepared token batches' : 'raw: the session LocalEmbeddings created, on the same batches',
          fmt(limit8.chunksPerSecond[v]!),
          fmt(limit32.chunksPerSecond[v]!),
        ]),
      ),
      '',
      `embedMany / raw best: **${pct(limit8.vsBest, 1)}** int8, **${pct(limit32.vsBest, 1)}** fp32. The pipeline's own cost over its session: ${pct(limit8.overOwnSession - 1, 1)} (int8), ${pct(limit32.overOwnSession - 1, 1)} (fp32); ` +
        `tokenizing alone is ${pct(limit8.tokenizeShare, 1)} of embedMany's time. One question (embedOne, 60 SQuAD questions, int8): ${fmt(limit8.questionMs!.embedOne, 2)} ms median, its session alone ${fmt(limit8.questionMs!.session, 2)} ms.`,
      '',
      `**Session options**, one process per run: ${texts} chunks per pass, batches of ${BATCH} sorted by length; ` +
        `each run a fresh process with one session (warm-up pass, then the median of 2 passes); variants alternate, ${int8.repetitions} runs each (fp32: ${fp32.repetitions} runs of ${fp32.texts} chunks). ` +
        '"vs raw best": median ratio to the raw best-options run next to it. Separate processes are fair to every kind of session but noisier on a shared machine (load drifts between runs).',
      '',
      table(
        ['variant', 'int8 chunks/s', 'int8 vs raw best', 'fp32 chunks/s', 'fp32 vs raw best'],
        all.map((v) => [LABELS[v], fmt(int8.medianChunksPerSecond[v] ?? Number.NaN), pct(int8.vsBest[v] ?? Number.NaN, 1), fmt(fp32.medianChunksPerSecond[v] ?? Number.NaN), pct(fp32.vsBest[v] ?? Number.NaN, 1)]),
      ),
      '',
      confined.length > 0
        ? [
            `A process confined to one CPU (\`taskset -c N\`; int8): LocalEmbeddings runs ${confined[0]!.threads} intra-op thread (one per CPU it may use); the default session ` +
              "has onnxruntime's one thread per physical core of the machine, each pinned to a core whatever the process's affinity — onto the one allowed CPU, or outside the allowed set.",
            '',
            table(
              ['confined to', 'LocalEmbeddings chunks/s', 'default session chunks/s', 'LocalEmbeddings / default'],
              confined.map((c) => [`CPU ${c.cpu}`, fmt(c.embedMany), fmt(c.rawDefault), `${fmt(c.ratio, 2)}×`]),
            ),
          ].join('\n')
        : 'Confined to one CPU: not measured (no `taskset` here).',
      '',
      `Index-build workload (int8, one process, one session): the ${workload.texts} texts a build of ${workload.articles} generated articles embeds ` +
        `(${workload.chunks} chunks, ${workload.sentences} sentences; ${workload.meanTokens.toFixed(0)} word pieces on average), ` +
        `in slices of ${workload.slice} texts (one embedMany call each), ${workload.rounds} rounds, alternating slice by slice:`,
      '',
      table(
        ['variant', 'texts/s', 'real tokens/s', 'padding', 'vs raw, batch 16 sorted'],
        workload.rows.map((r) => [r.variant, fmt(r.textsPerSecond), fmt(r.tokensPerSecond, 0), pct(r.padding, 1), pct(r.vsRaw16, 1)]),
      ),
    ].join('\n');
    return {
      name: 'embedding-throughput',
      title: 'Embedding throughput',
      data: { limit: { int8: limit8, fp32: limit32 }, processes: { int8, fp32 }, confined, workload },
      markdown,
      targets: [
        {
          name: 'embedMany vs raw onnxruntime, best options (int8, shipped)',
          goal: '≥ 95%',
          value: `${pct(limit8.vsBest, 1)} (${fmt(limit8.chunksPerSecond.embedMany!)} vs ${fmt(limit8.chunksPerSecond['raw, best options']!)} chunks/s)`,
          met: limit8.vsBest >= 0.95,
        },
      ],
    };
  },
};

/**
 * In one process, batch by batch: embedMany against a separate raw session with the best options
 * (the limit, on the same token batches) and against the session LocalEmbeddings itself runs
 * (loadModel returns that very one): the pipeline's own cost. Both sessions have explicit,
 * unpinned threads, so they do not get in each other's way (see the file comment).
 */
async function sameProcess(context: BenchContext, quantized: boolean) {
  const options = modelOptions(quantized);
  const embeddings = await LocalEmbeddings.load({ ...options, batchSize: BATCH });
  const session = await (await loadModel(options)).session();
  const best = await createSession(embedderModelFile(options.modelId, quantized, modelDir()), BEST_SESSION_OPTIONS);
  const tokenizer = await loadTokenizer(options.modelId, modelDir());
  const texts = await uniformTexts(context.full ? 96 : quantized ? 48 : 32, (t) => embeddings.countTokens(t));
  const tokens = texts.map((t) => tokenize(tokenizer, t, embeddings.maxTokens));
  const batches = sortedBatches(tokens.map((t) => t.length), BATCH);
  const prepared = batches.map((b) => prepareBatch(b.map((i) => tokens[i]!)));
  const batchTexts = batches.map((b) => b.map((i) => texts[i]!));
  await embeddings.embedMany(batchTexts[0]!);
  await runBatch(best, prepared[0]!);
  const rounds = context.full ? 12 : 8;
  const variants = ['raw, best options', 'raw, LocalEmbeddings session', 'embedMany'] as const;
  context.log(`embedding throughput (${quantized ? 'int8' : 'fp32'}), one process: ${variants.length} variants × ${batches.length} batches × ${rounds} rounds`);
  const ms = await interleaveUnits(rounds, batches.length, variants, async (variant, unit) => {
    if (variant === 'embedMany') await embeddings.embedMany(batchTexts[unit]!);
    else await runBatch(variant === 'raw, best options' ? best : session, prepared[unit]!);
  });
  const tokenizeMs: number[] = [];
  for (let r = 0; r < 3; r++) {
    const started = performance.now();
    for (const t of texts) embeddings.countTokens(t);
    tokenizeMs.push(performance.now() - started);
  }
  let questionMs: { embedOne: number; session: number } | undefined;
  if (quantized) {
    const questions = (await squadData()).questions.filter((_, i) => i % 97 === 0).slice(0, 60).map((q) => q.question);
    const preparedQuestions = questions.map((q) => prepareBatch([tokenize(tokenizer, q, embeddings.maxTokens)]));
    const qms = await interleaveUnits(3, questions.length, ['session', 'embedOne'] as const, async (variant, unit) => {
      if (variant === 'session') await runBatch(session, preparedQuestions[unit]!);
      else await embeddings.embedOne(questions[unit]!);
    });
    questionMs = { embedOne: round(median(qms.embedOne), 2), session: round(median(qms.session), 2) };
  }
  const rate = (v: (typeof variants)[number]) => round(median(groupSums(ms[v], batches.length).map((t) => texts.length / (t / 1000))), 2);
  return {
    quantized,
    texts: texts.length,
    meanTokens: round(tokens.reduce((a, t) => a + t.length, 0) / tokens.length, 1),
    batches: batches.length,
    rounds,
    chunksPerSecond: Object.fromEntries(variants.map((v) => [v, rate(v)])),
    /** Median over batches of raw-best time / embedMany time. */
    vsBest: round(median(ratios(ms['raw, best options'], ms.embedMany)), 4),
    /** Median over batches of embedMany time / its own session's time (≥ 1: the pipeline's overhead). */
    overOwnSession: round(median(ratios(ms.embedMany, ms['raw, LocalEmbeddings session'])), 4),
    tokenizeShare: round(median(tokenizeMs) / median(groupSums(ms.embedMany, batches.length)), 4),
    ...(questionMs ? { questionMs } : {}),
  };
}

/** embedMany vs the default session, each in its own process confined to one CPU (first and last), when taskset exists. */
async function affinity(context: BenchContext) {
  const out: { cpu: number; threads: number; embedMany: number; rawDefault: number; ratio: number }[] = [];
  if (process.platform !== 'linux' || os.cpus().length < 2) return out;
  for (const cpu of [os.cpus().length - 1, 0]) {
    context.log(`embedding throughput confined to CPU ${cpu} (taskset -c ${cpu})`);
    try {
      const prefix = ['taskset', '-c', String(cpu)];
      const result = await compareProcesses(context, true, ['raw-default', 'embedMany'], 32, context.full ? 3 : 1, prefix);
      out.push({ cpu, threads: result.threads, embedMany: result.medianChunksPerSecond.embedMany!, rawDefault: result.medianChunksPerSecond['raw-default']!, ratio: result.vsBest.embedMany! });
    } catch (error) {
      context.log(`  skipped: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  return out;
}

interface WorkloadRow {
  variant: string;
  textsPerSecond: number;
  tokensPerSecond: number;
  padding: number;
  vsRaw16: number;
}

/** The texts a build of a few generated articles embeds: every chunk and every sentence, in slices. */
async function indexWorkload(context: BenchContext) {
  const options = modelOptions(true);
  const embeddings = await LocalEmbeddings.load(options);
  const session = await (await loadModel(options)).session();
  const tokenizer = await loadTokenizer(options.modelId, modelDir());
  const dir = path.join(context.scratch, 'throughput-corpus');
  await writeCorpus(dir, generateCorpus(await loadPool(), { articles: context.full ? 24 : 10, seed: 7 }));
  const corpus = await loadCorpus(dir);
  const chunkTexts: string[] = [];
  const sentenceTexts: string[] = [];
  for (const article of corpus.articles) {
    const sentences = splitSentences(article);
    chunkTexts.push(...chunkArticle(article, sentences, embeddings).map((c) => embeddingInput(c)));
    sentenceTexts.push(...sentences.map((s) => article.text.slice(s.start, s.end)));
  }
  // The texts in a random (seeded) order, in slices of about 300 (each one embedMany call, sorted
  // within the call as a build sorts all it embeds): large enough that neighbours in length order
  // have nearly the same length, as in a real build.
  const texts = new Rng(5).shuffle([...chunkTexts, ...sentenceTexts]);
  const slice = Math.floor(texts.length / Math.max(1, Math.round(texts.length / 300)));
  const slices: string[][] = [];
  for (let i = 0; i + slice <= texts.length; i += slice) slices.push(texts.slice(i, i + slice));
  const sliceTokens = slices.map((s) => s.map((t) => tokenize(tokenizer, t, embeddings.maxTokens)));
  const realTokens = sliceTokens.flat().reduce((a, t) => a + t.length, 0);
  const measuredTexts = slices.length * slice;
  // Every LocalEmbeddings below shares the one session (the model cache ignores the batch size).
  const embedders = new Map<number, LocalEmbeddings>();
  for (const size of [8, 16, 32]) embedders.set(size, await LocalEmbeddings.load({ ...options, batchSize: size }));

  const plans = new Map<string, { batches: PreparedBatch[][]; padding: number }>();
  const plan = (size: number, sorted: boolean) => {
    const key = `${size}|${sorted}`;
    if (!plans.has(key)) {
      const batches = sliceTokens.map((tokens) => sortedBatches(tokens.map((t) => t.length), size, sorted).map((b) => prepareBatch(b.map((i) => tokens[i]!))));
      const padded = batches.flat().reduce((a, b) => a + b.rows * b.tokens, 0);
      plans.set(key, { batches, padding: 1 - realTokens / padded });
    }
    return plans.get(key)!;
  };
  const variants = [
    'embedMany, batch 8, length-sorted',
    'embedMany, batch 16, length-sorted (shipped)',
    'embedMany, batch 32, length-sorted',
    'embedMany, batch 16, unsorted',
    'raw, batch 16, length-sorted',
    ...(context.full ? ['embedMany, batch 8, unsorted', 'embedMany, batch 32, unsorted', 'raw, batch 8, length-sorted', 'raw, batch 32, length-sorted', 'raw, batch 16, unsorted'] : []),
  ];
  const parse = (variant: string) => {
    const m = /^(embedMany|raw), batch (\d+), (length-sorted|unsorted)/.exec(variant)!;
    return { raw: m[1] === 'raw', size: Number(m[2]), sorted: m[3] === 'length-sorted' };
  };
  for (const v of variants) plan(parse(v).size, parse(v).sorted);
  for (const batch of plan(16, true).batches[0]!.slice(0, 2)) await runBatch(session, batch);
  await embeddings.embedMany(slices[0]!.slice(0, 32));
  for (const size of [8, 32]) await embedders.get(size)!.embedMany(slices[0]!.slice(0, size * 2));

  const rounds = context.full ? 6 : 4;
  context.log(`index workload: ${variants.length} variants × ${slices.length} slices of ${slice} texts × ${rounds} rounds`);
  const ms = await interleaveUnits(rounds, slices.length, variants, async (variant, unit) => {
    const { raw, size, sorted } = parse(variant);
    if (raw) {
      for (const batch of plan(size, sorted).batches[unit]!) await runBatch(session, batch);
    } else if (sorted) {
      await embedders.get(size)!.embedMany(slices[unit]!);
    } else {
      // Unsorted batching: each call pads only within its own batch of consecutive texts.
      for (let i = 0; i < slices[unit]!.length; i += size) await embedders.get(size)!.embedMany(slices[unit]!.slice(i, i + size));
    }
  });
  const reference = ms['raw, batch 16, length-sorted']!;
  const rows: WorkloadRow[] = variants.map((variant) => {
    const { size, sorted } = parse(variant);
    const tps = median(groupSums(ms[variant]!, slices.length).map((t) => measuredTexts / (t / 1000)));
    return {
      variant,
      textsPerSecond: round(tps, 1),
      tokensPerSecond: round((tps * realTokens) / measuredTexts, 0),
      padding: round(plan(size, sorted).padding, 4),
      vsRaw16: round(median(ratios(reference, ms[variant]!)), 4),
    };
  });
  return {
    articles: corpus.articles.length,
    texts: measuredTexts,
    chunks: chunkTexts.length,
    sentences: sentenceTexts.length,
    meanTokens: realTokens / measuredTexts,
    slice,
    rounds,
    rows,
  };
}
