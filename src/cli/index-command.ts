/**
 * `npm run index [-- --full] [--corpus DIR] [--out DIR] [--vectors KIND]`: builds or updates the
 * index and prints what changed. The kind of vectors (SentenceVectorKind) is --vectors, else
 * INDEX_VECTORS, else the existing index's (separate for a new one). With INDEX_STORE=postgres the file index is built as ever (incrementally,
 * in INDEX_DIR) and then published into DATABASE_URL (only content not there yet is inserted) and
 * made live there; the publish lock is taken before the build. An index already built (a file
 * index being moved into PostgreSQL) is published as it is.
 */
import { Command, Option } from 'commander';
import type { BaseConfig } from '../core/config.js';
import { IndexError } from '../core/errors.js';
import { cliConfig } from './cli-library.js';
import { buildIndex, checkUpToDate, type BuildOptions, type BuildProgress, type BuildSummary } from '../index/build.js';
import { currentGeneration } from '../index/layout.js';
import { SENTENCE_VECTOR_KINDS, type SentenceVectorKind } from '../index/manifest.js';
import { buildProgressReporter } from './progress.js';
import { forTerminal } from './terminal-text.js';

export async function indexCommand(argv: readonly string[]): Promise<number> {
  const program = new Command('index')
    .description('Build or update the search index of the corpus (incremental unless --full).')
    .option('--corpus <dir>', 'the corpus directory (default: CORPUS_DIR or corpus)')
    .option('--out <dir>', 'the index directory (default: INDEX_DIR or data/index)')
    .option('--full', 'rebuild from scratch, re-embedding everything')
    .addOption(
      new Option('--vectors <kind>', 'how chunk and sentence vectors are made (default: INDEX_VECTORS, else the kind the index has, else separate)').choices(
        SENTENCE_VECTOR_KINDS,
      ),
    )
    .exitOverride();
  program.parse(argv, { from: 'user' });
  const flags = program.opts<{ corpus?: string; out?: string; full?: boolean; vectors?: SentenceVectorKind }>();

  const loaded = await cliConfig({ corpus: flags.corpus, index: flags.out });
  const config: BaseConfig = flags.vectors === undefined ? loaded : { ...loaded, indexVectors: flags.vectors };
  const { indexDir } = config;

  const full = flags.full ?? false;
  if (config.indexStore === 'postgres' && config.databaseUrl !== undefined) {
    // Imported here: a file-store build never loads the PostgreSQL client.
    const { PostgresPublisher, formatPublishSummary } = await import('../index/postgres/publisher.js');
    const publisher = await PostgresPublisher.open(config.databaseUrl);
    try {
      await buildFileIndex(config, full);
      const generationDir = await currentGeneration(indexDir);
      if (generationDir === undefined) throw new IndexError(`No index was built in ${indexDir}.`, { hint: 'Run npm run index again.' });
      process.stderr.write(`Publishing to PostgreSQL ${forTerminal(publisher.location)}\n`);
      process.stdout.write(formatPublishSummary(await publisher.publish(generationDir), forTerminal(publisher.location)));
    } finally {
      await publisher.close();
    }
    return 0;
  }
  await buildFileIndex(config, full);
  return 0;
}

/** Builds or updates the file index and prints what changed. */
async function buildFileIndex(config: BaseConfig, full: boolean): Promise<void> {
  const { corpusDir, indexDir } = config;
  const progress = buildProgressReporter();
  // An unchanged corpus is told without loading the model (most of this command's time otherwise).
  const sentenceVectors = config.indexVectors;
  const kind: Pick<BuildOptions, 'sentenceVectors'> = sentenceVectors === undefined ? {} : { sentenceVectors };
  const { summary: upToDate, corpus } = await checkUpToDate({ corpusDir, indexDir, full, model: config, onProgress: progress.onProgress, ...kind });
  if (upToDate) {
    progress.stop();
    process.stdout.write(formatSummary(upToDate, indexDir));
    return;
  }
  process.stderr.write(`Loading the embedding model ${forTerminal(config.modelId)}${config.modelDir ? ` from ${forTerminal(config.modelDir)}` : ''}\n`);
  // Imported here: transformers.js and onnxruntime take a while to load, and an unchanged corpus needs neither.
  const { LocalEmbeddings } = await import('../embedding/embedder.js');
  const { POOL_MIN_TEXTS, PooledEmbeddings, resolveEmbedWorkers } = await import('../embedding/embedding-pool.js');
  const model = { modelId: config.modelId, modelDir: config.modelDir, quantized: config.quantized };
  // EMBED_WORKERS: a large build embeds in child processes (each its own model session), a small one here.
  const workers = resolveEmbedWorkers(config.embedWorkers);
  // This process needs the tokenizer; its own onnxruntime session only if it embeds (a small build, or no workers).
  const embeddings = new PooledEmbeddings(await LocalEmbeddings.load(model, 'on first use'), { model, workers });
  const onProgress = (event: BuildProgress) => {
    if (event.phase === 'plan' && workers > 0 && event.toEmbed >= POOL_MIN_TEXTS) {
      process.stderr.write(`Starting ${workers} embedding worker processes (EMBED_WORKERS=${config.embedWorkers}; 0 embeds in this process)\n`);
    }
    progress.onProgress(event);
  };
  try {
    const options: BuildOptions = { corpusDir, indexDir, embeddings, full, onProgress, ...kind };
    if (corpus) options.corpus = corpus;
    const summary = await buildIndex(options);
    process.stdout.write(formatSummary(summary, indexDir));
  } finally {
    progress.stop();
    await embeddings.close();
  }
}

/** What a build did, for a terminal (file names and warnings from the corpus with control characters escaped). */
export function formatSummary(summary: BuildSummary, indexDir: string): string {
  const lines: string[] = [];
  for (const warning of summary.warnings) lines.push(`warning: ${forTerminal(warning.path)}: ${forTerminal(warning.message)}`);
  if (summary.fullReason) lines.push(`Full rebuild: ${forTerminal(summary.fullReason)}.`);
  const dir = forTerminal(indexDir);
  lines.push(
    summary.written ? `Index written to ${dir}` : `The index in ${dir} is up to date; nothing to do.`,
    `  articles: ${summary.added.length} added, ${summary.changed.length} changed, ${summary.removed.length} removed, ${summary.unchanged.length} unchanged`,
    `  index:    ${summary.counts.articles} articles, ${summary.counts.chunks} chunks, ${summary.counts.sentences} sentences`,
    `  embedded: ${summary.embedded.chunks} chunks, ${summary.embedded.sentences} sentences`,
    ...(summary.sentenceVectors === undefined ? [] : [`  vectors:  ${summary.sentenceVectors}`]),
    `  time:     ${(summary.ms / 1000).toFixed(1)} s`,
  );
  return lines.join('\n') + '\n';
}
