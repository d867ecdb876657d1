/**
 * `npm run model:fetch [-- --both] [--dir DIR]`: puts the embedding model where every command reads it —
 * MODEL_DIR when it is set, else the model cache MODEL_CACHE_DIR (default data/models) — downloading
 * from MODEL_HUB_URL only the files that are not there yet. Run it once before going offline, when
 * building a container image, or to make a model directory to copy to another machine (`--dir`).
 * Progress: a bar per file on a terminal, a line per file otherwise.
 */
import path from 'node:path';
import cliProgress from 'cli-progress';
import { Command } from 'commander';
import { loadBaseConfig, loadDotenv } from '../core/config.js';
import { fetchModelFiles, modelFileNames, type FetchEvent } from '../embedding/model-files.js';
import { forTerminal } from './terminal-text.js';

function megabytes(bytes: number): string {
  return bytes < 1_000_000 ? `${Math.max(1, Math.round(bytes / 1000))} kB` : `${(bytes / 1_000_000).toFixed(1)} MB`;
}

/** Reports a fetch's events on `stream`: a byte bar per file on a terminal, plain lines otherwise. */
export function fetchProgressReporter(stream: NodeJS.WriteStream = process.stderr): { onEvent: (event: FetchEvent) => void; stop: () => void } {
  const tty = stream.isTTY === true;
  let bar: cliProgress.SingleBar | undefined;
  const stop = (): void => {
    bar?.stop();
    bar = undefined;
  };
  const onEvent = (event: FetchEvent): void => {
    switch (event.kind) {
      case 'present':
        stream.write(`  ${event.file}: already present\n`);
        break;
      case 'start':
        if (tty && event.bytes !== undefined) {
          bar = new cliProgress.SingleBar(
            { stream, format: `  ${event.file} [{bar}] {percentage}% | {size} | {eta_formatted} left`, hideCursor: true },
            cliProgress.Presets.shades_classic,
          );
          bar.start(event.bytes, 0, { size: `0 of ${megabytes(event.bytes)}` });
        } else {
          stream.write(`  ${event.file}: downloading${event.bytes === undefined ? '' : ` (${megabytes(event.bytes)})`}\n`);
        }
        break;
      case 'progress':
        bar?.update(event.done, { size: `${megabytes(event.done)} of ${megabytes(event.bytes ?? event.done)}` });
        break;
      case 'done':
        if (bar) stop();
        else stream.write(`  ${event.file}: ${megabytes(event.bytes)} downloaded\n`);
        break;
    }
  };
  return { onEvent, stop };
}

export async function modelFetchCommand(argv: readonly string[]): Promise<number> {
  const program = new Command('model:fetch')
    .description('Download the embedding model (MODEL_ID) into MODEL_DIR or the model cache, skipping the files already there.')
    .option('--both', 'fetch both ONNX files (int8 and fp32), so that MODEL_QUANTIZED can change without a download')
    .option('--dir <dir>', 'the model directory to fill (default: MODEL_DIR if set, else MODEL_CACHE_DIR or data/models)')
    .exitOverride();
  program.parse(argv, { from: 'user' });
  const flags = program.opts<{ both?: boolean; dir?: string }>();

  await loadDotenv();
  const config = loadBaseConfig();
  const dir = flags.dir ? path.resolve(flags.dir) : (config.modelDir ?? config.modelCacheDir);
  const files = modelFileNames(flags.both ? 'both' : config.quantized);

  process.stderr.write(`Model ${forTerminal(config.modelId)} → ${forTerminal(dir)} (from ${forTerminal(config.modelHubUrl)})\n`);
  const progress = fetchProgressReporter();
  let result;
  try {
    result = await fetchModelFiles({ modelId: config.modelId, dir, hubUrl: config.modelHubUrl, files, onEvent: progress.onEvent });
  } finally {
    progress.stop();
  }
  const modelPath = forTerminal(result.modelPath);
  process.stdout.write(
    result.downloaded.length === 0
      ? `The model is ready in ${modelPath}: all ${result.present.length} files were already there; nothing downloaded.\n`
      : `The model is ready in ${modelPath}: ${result.downloaded.length} downloaded (${megabytes(result.bytes)}), ${result.present.length} already there.\n`,
  );
  if (flags.dir && path.resolve(flags.dir) !== (config.modelDir ?? config.modelCacheDir)) {
    process.stdout.write(`To use it: MODEL_DIR=${forTerminal(dir)} (or copy it to another machine and point MODEL_DIR there).\n`);
  }
  return 0;
}
