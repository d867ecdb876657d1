/**
 * What the commands share: configuration from .env and the environment with --corpus/--index
 * flags on top, and a Library opened with a visible build when there is no index yet. The Library
 * (and with it transformers.js and onnxruntime, ~0.4 s to import) is imported only when one is
 * opened: `index`, `sources` and `status` need the configuration alone.
 */
import path from 'node:path';
import type { EngineOptions } from '../answer/engine.js';
import type { Library } from '../answer/library.js';
import { loadBaseConfig, loadDotenv, type BaseConfig } from '../core/config.js';
import { buildProgressReporter } from './progress.js';

export interface DirectoryFlags {
  corpus?: string | undefined;
  index?: string | undefined;
}

export async function cliConfig(flags: DirectoryFlags): Promise<BaseConfig> {
  await loadDotenv();
  const config = loadBaseConfig();
  return {
    ...config,
    corpusDir: flags.corpus ? path.resolve(flags.corpus) : config.corpusDir,
    indexDir: flags.index ? path.resolve(flags.index) : config.indexDir,
  };
}

/** Opens the Library; with `buildIfMissing`, a missing index is built first, saying so, with progress. */
export async function openCliLibrary(
  config: BaseConfig,
  options: { engine?: Partial<EngineOptions>; buildIfMissing: boolean },
): Promise<Library> {
  const { Library } = await import('../answer/library.js');
  const progress = buildProgressReporter();
  try {
    return await Library.open({
      config,
      ...(options.engine ? { engine: options.engine } : {}),
      buildIfMissing: options.buildIfMissing,
      onBuildProgress: (event) => {
        if (event.phase === 'scan') process.stderr.write('No index yet: building it first.\n');
        progress.onProgress(event);
      },
    });
  } finally {
    progress.stop();
  }
}
