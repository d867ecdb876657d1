/**
 * Index build wall time and peak RSS (each build in its own process: buildIndex from
 * src/index/build.ts, VmHWM, the peak RSS of the process), for the seed corpus and a generated corpus
 * (2,000 articles with --full, 100 by default): a full build, then an incremental build with no
 * change, then one after 1% of the articles were edited (one sentence each). The generated corpus's
 * full build is made of both kinds of vectors that embed from scratch, sentences-only then separate,
 * in one process with one model (their ratio is what machine load changes least); the incremental
 * builds continue from the separate index.
 */
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runWorker, type WorkerOutput } from './lib/child.js';
import { editArticles, generateCorpus, renderArticle, writeCorpus } from './lib/corpus-gen.js';
import { SEED_CORPUS_DIR } from './lib/env.js';
import { loadPool } from './lib/pool.js';
import { fmt, pct, table } from './lib/table.js';
import type { BenchContext, Benchmark } from './lib/types.js';
import type { BuildArgs, BuildEachArgs, BuildResult } from './workers.js';

export const GENERATED_SEED = 42;

interface Case {
  corpus: string;
  kind: string;
  run: WorkerOutput<BuildResult>;
}

export const indexBuild: Benchmark = {
  name: 'index-build',
  title: 'Index build',
  run: async (context) => {
    const cases: Case[] = [];
    cases.push(...(await seedCases(context)));
    const articles = context.full ? 2000 : 100;
    cases.push(...(await generatedCases(context, articles)));
    const rows = cases.map(({ corpus, kind, run }) => {
      const r = run.result;
      const embeddedTexts = r.embedded.chunks + r.embedded.sentences;
      return [
        corpus,
        kind,
        `${r.counts.articles} / ${r.counts.chunks} / ${r.counts.sentences}`,
        `${r.embedded.chunks} / ${r.embedded.sentences}`,
        fmt(r.buildMs / 1000, 2),
        `${fmt(r.phases.prepareMs / 1000, 1)} / ${fmt(r.phases.embedMs / 1000, 1)} / ${fmt(r.phases.writeMs / 1000, 1)}`,
        embeddedTexts > 0 && r.phases.embedMs > 0 ? fmt(embeddedTexts / (r.phases.embedMs / 1000), 0) : '–',
        kind === 'full, sentences-only' ? 'with the full build' : fmt(run.wallMs / 1000, 1),
        fmt(r.peakRssMB, 0),
      ];
    });
    const full = cases.find((c) => c.corpus.startsWith('generated') && c.kind === 'full')!;
    const sentencesOnly = cases.find((c) => c.corpus.startsWith('generated') && c.kind === 'full, sentences-only')!;
    const embedMs = (c: Case) => c.run.result.phases.embedMs;
    const edited = cases.find((c) => c.corpus.startsWith('generated') && c.kind.startsWith('1%'))!;
    const reuse = 1 - (edited.run.result.embedded.chunks + edited.run.result.embedded.sentences) / (full.run.result.counts.chunks + full.run.result.counts.sentences);
    const markdown = [
      table(
        ['corpus', 'build', 'articles / chunks / sentences', 'embedded chunks / sentences', 'buildIndex s', 'read+chunk / embed / write s', 'texts embedded/s', 'process wall s', 'peak RSS MB'],
        rows,
      ),
      '',
      `"buildIndex s" is the call itself; "process wall" adds Node start, imports and loading the model (${fmt(cases[0]!.run.result.modelLoadMs / 1000, 1)} s). ` +
        `After a 1% edit the content-hash cache reused ${pct(reuse, 1)} of the vectors; the incremental build took ${pct(edited.run.result.buildMs / full.run.result.buildMs, 1)} of the full build's time. ` +
        `A build of 1,024 texts or more embeds in EMBED_WORKERS worker processes, as \`npm run index\` does (the generated full build: ${full.run.result.embedWorkers === 0 ? 'in its own process' : `${full.run.result.embedWorkers} workers`}); "peak RSS" adds the workers' to the build process's. ` +
        `Sentences-only vectors (INDEX_VECTORS=sentences-only, built first in the same process as the separate full build): buildIndex ` +
        `×${fmt(full.run.result.buildMs / sentencesOnly.run.result.buildMs, 2)} faster, embedding ×${fmt(embedMs(full) / Math.max(1, embedMs(sentencesOnly)), 2)} faster ` +
        `(${fmt(sentencesOnly.run.result.buildMs / 1000, 1)} s against ${fmt(full.run.result.buildMs / 1000, 1)} s).`,
    ].join('\n');
    return {
      name: 'index-build',
      title: 'Index build',
      data: cases.map(({ corpus, kind, run }) => ({ corpus, kind, wallMs: Math.round(run.wallMs), ...run.result })),
      markdown,
      targets: [],
    };
  },
};

async function seedCases(context: BenchContext): Promise<Case[]> {
  const root = path.join(context.scratch, 'build-seed');
  const corpusDir = path.join(root, 'corpus');
  const indexDir = path.join(root, 'index');
  await mkdir(root, { recursive: true });
  await cp(SEED_CORPUS_DIR, corpusDir, { recursive: true });
  const build = (args: Partial<BuildArgs> = {}) => runWorker<BuildResult>('build', { corpusDir, indexDir, ...args } satisfies BuildArgs);
  context.log('seed corpus: full build, no-change build, one article edited');
  const out: Case[] = [{ corpus: 'seed (5 articles)', kind: 'full', run: await build({ full: true }) }];
  out.push({ corpus: 'seed (5 articles)', kind: 'incremental, no change', run: await build() });
  const file = path.join(corpusDir, '004_dc90a5985b6e19d6.txt');
  const text = await readFile(file, 'utf8');
  await writeFile(file, text.replace('The meeting could take place', 'The meeting might take place'));
  out.push({ corpus: 'seed (5 articles)', kind: '1 article edited (20%)', run: await build() });
  return out;
}

async function generatedCases(context: BenchContext, count: number): Promise<Case[]> {
  const root = path.join(context.scratch, `build-generated-${count}`);
  const corpusDir = path.join(root, 'corpus');
  const indexDir = path.join(root, 'index');
  const pool = await loadPool();
  const articles = generateCorpus(pool, { articles: count, seed: GENERATED_SEED });
  await writeCorpus(corpusDir, articles);
  const label = `generated (${count} articles)`;
  const build = (args: Partial<BuildArgs> = {}) => runWorker<BuildResult>('build', { corpusDir, indexDir, ...args } satisfies BuildArgs);
  context.log(`${label}: full builds, sentences-only then separate, in one process (real embeddings)`);
  const both = await runWorker<BuildResult[]>('build-each', {
    corpusDir,
    full: true,
    builds: [
      { indexDir: path.join(root, 'index-sentences-only'), sentenceVectors: 'sentences-only' },
      { indexDir, sentenceVectors: 'separate' },
    ],
  } satisfies BuildEachArgs);
  // One process for both: its wall time is theirs together, shown on the first.
  const out: Case[] = [
    { corpus: label, kind: 'full', run: { ...both, result: both.result[1]! } },
    { corpus: label, kind: 'full, sentences-only', run: { ...both, result: both.result[0]! } },
  ];
  context.log(`  ${out[0]!.run.result.counts.chunks} chunks, ${out[0]!.run.result.counts.sentences} sentences in ${fmt(out[0]!.run.result.buildMs / 1000, 0)} s; incremental builds`);
  out.push({ corpus: label, kind: 'incremental, no change', run: await build() });
  const edit = editArticles(pool, articles, 0.01, GENERATED_SEED + 1);
  for (const article of edit.articles.filter((a) => edit.edited.includes(a.id))) {
    await writeFile(path.join(corpusDir, article.fileName), renderArticle(article));
  }
  out.push({ corpus: label, kind: `1% edited (${edit.edited.length} article${edit.edited.length === 1 ? '' : 's'})`, run: await build() });
  return out;
}
