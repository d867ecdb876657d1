/**
 * `npm run index [-- --full] [--corpus DIR] [--out DIR]`: builds or updates the index and
 * prints what changed.
 */
import { Command } from 'commander';
import { cliConfig } from './cli-library.js';
import { buildIndex, checkUpToDate, type BuildOptions, type BuildSummary } from '../index/build.js';
import { buildProgressReporter } from './progress.js';
import { forTerminal } from './terminal-text.js';

export async function indexCommand(argv: readonly string[]): Promise<number> {
  const program = new Command('index')
    .description('Build or update the search index of the corpus (incremental unless --full).')
    .option('--corpus <dir>', 'the corpus directory (default: CORPUS_DIR or corpus)')
    .option('--out <dir>', 'the index directory (default: INDEX_DIR or data/index)')
    .option('--full', 'rebuild from scratch, re-embedding everything')
    .exitOverride();
  program.parse(argv, { from: 'user' });
  const flags = program.opts<{ corpus?: string; out?: string; full?: boolean }>();

  const config = await cliConfig({ corpus: flags.corpus, index: flags.out });
  const { corpusDir, indexDir } = config;

  const full = flags.full ?? false;
  const progress = buildProgressReporter();
  // An unchanged corpus is told without loading the model (most of this command's time otherwise).
  const { summary: upToDate, corpus } = await checkUpToDate({ corpusDir, indexDir, full, model: config, onProgress: progress.onProgress });
  if (upToDate) {
    progress.stop();
    process.stdout.write(formatSummary(upToDate, indexDir));
    return 0;
  }
  process.stderr.write(`Loading the embedding model ${forTerminal(config.modelId)}${config.modelDir ? ` from ${forTerminal(config.modelDir)}` : ''}\n`);
  // Imported here: transformers.js and onnxruntime take a while to load, and an unchanged corpus needs neither.
  const { LocalEmbeddings } = await import('../embedding/embedder.js');
  const embeddings = await LocalEmbeddings.load({ modelId: config.modelId, modelDir: config.modelDir, quantized: config.quantized });
  try {
    const options: BuildOptions = { corpusDir, indexDir, embeddings, full, onProgress: progress.onProgress };
    if (corpus) options.corpus = corpus;
    const summary = await buildIndex(options);
    process.stdout.write(formatSummary(summary, indexDir));
  } finally {
    progress.stop();
  }
  return 0;
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
    `  time:     ${(summary.ms / 1000).toFixed(1)} s`,
  );
  return lines.join('\n') + '\n';
}
