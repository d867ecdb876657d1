/**
 * Things several benchmarks use, made once per run (in the run's scratch directory) and shared:
 * the seed index, the synthetic large indexes, the "serve" measurements on them, question sets.
 */
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { chunkArticle } from '../../src/chunking/chunk.js';
import { splitSentences } from '../../src/chunking/sentences.js';
import { loadCorpus } from '../../src/corpus/load.js';
import { LocalEmbeddings } from '../../src/embedding/embedder.js';
import type { BuildArgs, BuildResult, ServeArgs, ServeResult } from '../workers.js';
import { runWorker, type WorkerOutput } from './child.js';
import { generateCorpus, writeCorpus } from './corpus-gen.js';
import { DEV_QUESTIONS, modelOptions, SEED_CORPUS_DIR } from './env.js';
import { cachedEmbeddings, loadPool, squadData } from './pool.js';
import { Rng } from './prng.js';
import type { BenchContext } from './types.js';

const memo = new Map<string, Promise<unknown>>();
function once<T>(key: string, make: () => Promise<T>): Promise<T> {
  let pending = memo.get(key) as Promise<T> | undefined;
  if (!pending) {
    pending = make();
    memo.set(key, pending);
  }
  return pending;
}

export interface DevQuestion {
  q: string;
  source: string | null;
  expect: string[];
}

export async function devQuestions(): Promise<DevQuestion[]> {
  return JSON.parse(await readFile(DEV_QUESTIONS, 'utf8')) as DevQuestion[];
}

/** A fixed sample of SQuAD questions (seeded), as plain strings. */
export async function squadQuestions(count: number, seed = 11): Promise<string[]> {
  const all = (await squadData()).questions;
  return new Rng(seed).shuffle(all).slice(0, count).map((q) => q.question);
}

export interface BuiltIndex {
  corpusDir: string;
  indexDir: string;
  build: WorkerOutput<BuildResult>;
}

/** A copy of the seed corpus, indexed (int8) in a child process. */
export function seedIndex(context: BenchContext): Promise<BuiltIndex> {
  return once(`seed|${context.scratch}`, async () => {
    const root = path.join(context.scratch, 'seed');
    const corpusDir = path.join(root, 'corpus');
    const indexDir = path.join(root, 'index');
    await mkdir(root, { recursive: true });
    await cp(SEED_CORPUS_DIR, corpusDir, { recursive: true });
    context.log('building the seed index');
    const build = await runWorker<BuildResult>('build', { corpusDir, indexDir } satisfies BuildArgs);
    return { corpusDir, indexDir, build };
  });
}

/** Real embeddings (int8) of every pool sentence, computed once and cached on disk. */
export function poolVectors(context: BenchContext): Promise<Float32Array> {
  return once('pool-vectors', async () => {
    const embeddings = await LocalEmbeddings.load(modelOptions(true));
    return cachedEmbeddings('pool', (await loadPool()).sentences, embeddings, context.log);
  });
}

export const SYNTHETIC_SEED = 2024;

/**
 * An index of about `targetChunks` chunks: generated articles (real text, really chunked) with
 * synthetic vectors (lib/synthetic.ts), built in a child process.
 */
export function syntheticIndex(context: BenchContext, targetChunks: number): Promise<BuiltIndex & { articles: number }> {
  return once(`synthetic-${targetChunks}|${context.scratch}`, async () => {
    await poolVectors(context);
    const perArticle = await chunksPerArticle(context);
    const articles = Math.ceil((targetChunks / perArticle) * 1.01);
    const root = path.join(context.scratch, `synthetic-${targetChunks}`);
    const corpusDir = path.join(root, 'corpus');
    const indexDir = path.join(root, 'index');
    context.log(`building a synthetic index of ~${targetChunks} chunks (${articles} generated articles, synthetic vectors)`);
    const build = await runWorker<BuildResult>('build', {
      corpusDir,
      indexDir,
      synthetic: { seed: SYNTHETIC_SEED, articles },
    } satisfies BuildArgs);
    context.log(`  ${build.result.counts.chunks} chunks, ${build.result.counts.sentences} sentences in ${(build.wallMs / 1000).toFixed(0)} s`);
    return { corpusDir, indexDir, build, articles };
  });
}

/** Chunks per generated article, from a pilot of the first 60 articles of the synthetic corpus. */
function chunksPerArticle(context: BenchContext): Promise<number> {
  return once(`pilot|${context.scratch}`, async () => {
    const embeddings = await LocalEmbeddings.load(modelOptions(true));
    const dir = path.join(context.scratch, 'pilot');
    await writeCorpus(dir, generateCorpus(await loadPool(), { articles: 60, seed: SYNTHETIC_SEED }));
    const corpus = await loadCorpus(dir);
    let chunks = 0;
    for (const article of corpus.articles) chunks += chunkArticle(article, splitSentences(article), embeddings).length;
    return chunks / corpus.articles.length;
  });
}

/** The serve worker (model + index loaded, warm questions answered) on one index, once per run. */
export function served(context: BenchContext, name: string, index: BuiltIndex, questions: string[], rounds: number): Promise<WorkerOutput<ServeResult>> {
  return once(`serve-${name}|${context.scratch}`, async () => {
    context.log(`answering ${questions.length} questions × ${rounds} rounds on the ${name} index`);
    return runWorker<ServeResult>('serve', { indexDir: index.indexDir, questions, rounds } satisfies ServeArgs);
  });
}

export interface SquadCorpus {
  corpusDir: string;
  /** A questions file in the form of dev-questions.json (source: article id; expect: the gold answers). */
  questionsFile: string;
  questions: DevQuestion[];
}

/** The first `articles` SQuAD articles as plain-text files (title, then the paragraphs), and a seeded sample of their questions. */
export function squadCorpus(context: BenchContext, articles: number, questions: number): Promise<SquadCorpus> {
  return once(`squad-${articles}-${questions}|${context.scratch}`, async () => {
    const squad = await squadData();
    const root = path.join(context.scratch, `squad-${articles}`);
    const corpusDir = path.join(root, 'corpus');
    await mkdir(corpusDir, { recursive: true });
    const id = (i: number) => `squad_${String(i).padStart(2, '0')}`;
    for (let a = 0; a < articles; a++) {
      const paragraphs = squad.paragraphs.filter((p) => p.article === a).map((p) => p.context);
      await writeFile(path.join(corpusDir, `${id(a)}.txt`), `${squad.titles[a]}\n\n${paragraphs.join('\n\n')}\n`);
    }
    const sample = new Rng(3)
      .shuffle(squad.questions.filter((q) => q.article < articles))
      .slice(0, questions)
      .map((q) => ({ q: q.question, source: id(q.article), expect: [...new Set(q.answers)] }));
    const questionsFile = path.join(root, 'questions.json');
    await writeFile(questionsFile, JSON.stringify(sample));
    return { corpusDir, questionsFile, questions: sample };
  });
}
