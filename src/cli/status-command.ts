/**
 * `npm run status`: which index generation is live (its name, when and how fast it was built, its
 * format version), the model it was built with, its counts, the corpus directory and whether the
 * index is up to date with it, and the previous generation (the rollback point). `--json` prints
 * the same as one object. Needs no model: the manifests say what the index holds, and
 * `checkUpToDate` (src/index/build.ts) compares the corpus with the live one by content hashes and
 * verifies every index file against its checksum — the check `npm run index` makes before it loads
 * the model.
 */
import path from 'node:path';
import { Command } from 'commander';
import type { BaseConfig } from '../core/config.js';
import { describeError, IndexError } from '../core/errors.js';
import { loadCorpus } from '../corpus/load.js';
import type { LoadedCorpus } from '../corpus/types.js';
import { checkUpToDate } from '../index/build.js';
import { currentGeneration, previousGeneration } from '../index/layout.js';
import { FORMAT_VERSION, manifestSentenceVectors, modelMismatch, readManifest, type Manifest, type SentenceVectorKind } from '../index/manifest.js';
import { cliConfig } from './cli-library.js';
import { forTerminal, terminalSafeJson } from './terminal-text.js';

/** One generation, as status describes it. */
export interface GenerationStatus {
  generation: string;
  dir: string;
  builtAt: string;
  buildMs: number;
  formatVersion: number;
  model: { id: string; quantized: boolean; dimensions: number };
  /** How its chunk and sentence vectors were made (SentenceVectorKind). */
  vectors: SentenceVectorKind;
  counts: Manifest['counts'];
}

/** How the corpus stands against the live generation. */
export interface CorpusStatus {
  dir: string;
  /** Every article as indexed, same model and settings, every index file matching its checksum. */
  upToDate: boolean;
  /** Articles the corpus holds now (absent when it cannot be read). */
  articles?: number;
  /** Since the live generation was built (content hash or file changed), by article id. */
  added: string[];
  changed: string[];
  removed: string[];
  /** Why it is not up to date, when it is not, for a person. */
  reason?: string;
  /** Files of the corpus skipped or read with a problem. */
  warnings: number;
}

export interface IndexStatus {
  indexDir: string;
  live: GenerationStatus;
  previous: GenerationStatus | null;
  /** The model the commands are configured to use (MODEL_ID, MODEL_QUANTIZED, MODEL_DIR). */
  configuredModel: { id: string; quantized: boolean; dir: string | null };
  corpus: CorpusStatus;
}

export async function statusCommand(argv: readonly string[]): Promise<number> {
  const program = new Command('status')
    .description('Show the live index generation, its model and counts, and whether it is up to date with the corpus.')
    .option('--json', 'print the status as one JSON object')
    .option('--index <dir>', 'the index directory (default: INDEX_DIR or data/index)')
    .option('--corpus <dir>', 'the corpus directory (default: CORPUS_DIR or corpus)')
    .exitOverride();
  program.parse(argv, { from: 'user' });
  const flags = program.opts<{ json?: boolean; index?: string; corpus?: string }>();
  const config = await cliConfig(flags);
  const status = await indexStatus(config);
  process.stdout.write(flags.json ? terminalSafeJson(status) + '\n' : formatStatus(status));
  return 0;
}

/** The status of `config.indexDir` against `config.corpusDir`; an IndexError (with a hint) when there is no index. */
export async function indexStatus(config: Pick<BaseConfig, 'indexDir' | 'corpusDir' | 'modelId' | 'quantized' | 'modelDir' | 'indexVectors'>): Promise<IndexStatus> {
  const liveDir = await currentGeneration(config.indexDir);
  if (liveDir === undefined) {
    throw new IndexError(`No index has been built in ${config.indexDir} yet.`, { hint: 'Build it from the corpus with: npm run index', path: config.indexDir });
  }
  const liveManifest = await readManifest(liveDir);
  const live = generationStatus(liveDir, liveManifest);
  const previousDir = await previousGeneration(config.indexDir);
  const previousManifest = previousDir === undefined ? undefined : await readManifest(previousDir).catch(() => undefined);
  return {
    indexDir: config.indexDir,
    live,
    previous: previousDir === undefined || previousManifest === undefined ? null : generationStatus(previousDir, previousManifest),
    configuredModel: { id: config.modelId, quantized: config.quantized, dir: config.modelDir ?? null },
    corpus: await corpusStatus(config, liveManifest),
  };
}

function generationStatus(dir: string, manifest: Manifest): GenerationStatus {
  return {
    generation: path.basename(dir),
    dir,
    builtAt: manifest.builtAt,
    buildMs: manifest.buildMs,
    formatVersion: manifest.formatVersion,
    model: { id: manifest.model.id, quantized: manifest.model.quantized, dimensions: manifest.model.dimensions },
    vectors: manifestSentenceVectors(manifest),
    counts: manifest.counts,
  };
}

async function corpusStatus(config: Pick<BaseConfig, 'indexDir' | 'corpusDir' | 'modelId' | 'quantized' | 'indexVectors'>, manifest: Manifest): Promise<CorpusStatus> {
  const base = { dir: config.corpusDir, added: [], changed: [], removed: [] };
  let check: { summary?: { warnings: unknown[] }; corpus?: LoadedCorpus };
  const wanted = config.indexVectors;
  try {
    check = await checkUpToDate({ corpusDir: config.corpusDir, indexDir: config.indexDir, model: config, ...(wanted === undefined ? {} : { sentenceVectors: wanted }) });
  } catch (error) {
    return { ...base, upToDate: false, reason: `the corpus cannot be read: ${describeError(error).split('\n')[0]}`, warnings: 0 };
  }
  if (check.summary) return { ...base, upToDate: true, articles: manifest.counts.articles, warnings: check.summary.warnings.length };

  const mismatch = modelMismatch(manifest, { id: config.modelId, quantized: config.quantized });
  // Without a corpus, checkUpToDate stopped before reading one: the model or the index settings differ.
  const corpus = check.corpus ?? (await loadCorpus(config.corpusDir).catch(() => undefined));
  const changes = corpus === undefined ? { added: [], changed: [], removed: [] } : articleChanges(corpus, manifest);
  const total = changes.added.length + changes.changed.length + changes.removed.length;
  let reason: string;
  if (mismatch !== undefined) reason = `the next build starts from scratch: ${mismatch} (MODEL_ID / MODEL_QUANTIZED)`;
  else if (wanted !== undefined && wanted !== manifestSentenceVectors(manifest)) reason = `the next build makes ${wanted} vectors (INDEX_VECTORS), the index holds ${manifestSentenceVectors(manifest)}`;
  else if (total > 0) reason = `${changes.added.length} added, ${changes.changed.length} changed, ${changes.removed.length} removed since it was built`;
  else if (check.corpus === undefined) reason = 'the index was built with other chunking or HNSW settings';
  else reason = 'the index must be re-read or repaired (a damaged file, or an older pipeline version)';
  return {
    ...base,
    ...changes,
    upToDate: false,
    ...(corpus === undefined ? {} : { articles: corpus.articles.length }),
    reason,
    warnings: corpus?.warnings.length ?? 0,
  };
}

/** Articles added, changed (content hash or file) and removed since `manifest` was written. */
function articleChanges(corpus: LoadedCorpus, manifest: Manifest): { added: string[]; changed: string[]; removed: string[] } {
  const added: string[] = [];
  const changed: string[] = [];
  const now = new Set<string>();
  for (const article of corpus.articles) {
    now.add(article.id);
    const indexed = manifest.articles[article.id];
    if (indexed === undefined) added.push(article.id);
    else if (indexed.contentHash !== article.contentHash || indexed.path !== article.path) changed.push(article.id);
  }
  return { added, changed, removed: Object.keys(manifest.articles).filter((id) => !now.has(id)) };
}

/** The status for a terminal: one fact per line, everything from the file system escaped. */
export function formatStatus(status: IndexStatus): string {
  const { live, previous, corpus } = status;
  const model = (m: { id: string; quantized: boolean }) => `${forTerminal(m.id)} (${m.quantized ? 'int8, quantized' : 'fp32'})`;
  const lines = [
    `index:     ${forTerminal(status.indexDir)}`,
    `live:      ${forTerminal(live.generation)}, built ${forTerminal(live.builtAt)} in ${(live.buildMs / 1000).toFixed(1)} s, format ${live.formatVersion}${live.formatVersion === FORMAT_VERSION ? '' : ` (this version reads ${FORMAT_VERSION})`}`,
    `model:     ${model(live.model)}, ${live.model.dimensions} dimensions`,
    `vectors:   ${live.vectors}${live.vectors === 'sentences-only' ? ' (chunk vectors: means of the sentence vectors)' : ''}`,
    `counts:    ${live.counts.articles} articles, ${live.counts.chunks} chunks, ${live.counts.sentences} sentences`,
    `corpus:    ${forTerminal(corpus.dir)}${corpus.articles === undefined ? '' : ` (${corpus.articles} articles${corpus.warnings > 0 ? `, ${corpus.warnings} files skipped or read with a warning` : ''})`}`,
    corpus.upToDate
      ? '           up to date: every article as indexed, every index file matching its checksum'
      : `           not up to date: ${forTerminal(corpus.reason ?? 'unknown')} — npm run index updates it`,
    `previous:  ${previous === null ? 'none' : `${forTerminal(previous.generation)}, built ${forTerminal(previous.builtAt)} (${previous.counts.articles} articles); the rollback point`}`,
  ];
  const configured = status.configuredModel;
  if (configured.id !== live.model.id || configured.quantized !== live.model.quantized) {
    lines.push(`configured model: ${model(configured)}`);
  }
  return lines.join('\n') + '\n';
}
