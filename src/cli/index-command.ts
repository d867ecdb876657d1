/**
 * `npm run index [-- --full] [--corpus DIR] [--out DIR]`: builds or updates the index and
 * prints what changed.
 */
import { Command } from 'commander';
import { cliConfig } from './cli-library.js';
import { LocalEmbeddings } from '../embedding/embedder.js';
import { buildIndex, type BuildSummary } from '../index/build.js';
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

  const progress = buildProgressReporter();
  process.stderr.write(`Loading the embedding model ${forTerminal(config.modelId)}${config.modelDir ? ` from ${forTerminal(config.modelDir)}` : ''}\n`);
  const embeddings = await LocalEmbeddings.load({ modelId: config.modelId, modelDir: config.modelDir, quantized: config.quantized });
  try {
    const summary = await buildIndex({ corpusDir, indexDir, embeddings, full: flags.full ?? false, onProgress: progress.onProgress });
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
