/**
 * The model's files on disk, and downloading the missing ones.
 *
 * A model directory has the transformers.js layout — `<dir>/<model id>/config.json`, `tokenizer.json`,
 * `tokenizer_config.json`, `onnx/model_quantized.onnx` and/or `onnx/model.onnx` — whether it is MODEL_DIR
 * (given, never downloaded into by the commands) or MODEL_CACHE_DIR (filled from the hub on first use or
 * by `npm run model:fetch`). Files come from `<hub>/<model id>/resolve/main/<file>`, the Hugging Face
 * hub's address scheme, so MODEL_HUB_URL can name a mirror.
 *
 * A download is written to a `.part` file beside its target and renamed into place once complete
 * (length checked against Content-Length, JSON parsed, flushed to disk): a file present in the
 * directory is whole, an interrupted download leaves nothing behind, and two processes fetching at
 * once both end with the same complete file.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, statSync } from 'node:fs';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ModelError } from '../core/errors.js';

/** The files every model needs besides its ONNX file(s): read by transformers.js's AutoConfig and AutoTokenizer. */
export const CONFIG_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json'] as const;

/** How long a download may go without receiving a byte before it is given up. */
const IDLE_TIMEOUT_MS = 60_000;

/** The ONNX file for a quantization: the int8 `onnx/model_quantized.onnx` or the fp32 `onnx/model.onnx`. */
export function onnxFileName(quantized: boolean): string {
  return quantized ? 'onnx/model_quantized.onnx' : 'onnx/model.onnx';
}

/** The files the embedder reads: the config and tokenizer files and the ONNX file of the quantization ('both': both ONNX files). */
export function modelFileNames(quantized: boolean | 'both'): string[] {
  const onnx = quantized === 'both' ? [onnxFileName(true), onnxFileName(false)] : [onnxFileName(quantized)];
  return [...CONFIG_FILES, ...onnx];
}

/** The address of one of a model's files on the hub (or a mirror with the hub's layout). */
export function modelFileUrl(hubUrl: string, modelId: string, file: string, revision = 'main'): string {
  const base = hubUrl.endsWith('/') ? hubUrl : `${hubUrl}/`;
  const model = modelId.split('/').map(encodeURIComponent).join('/');
  return new URL(`${model}/resolve/${encodeURIComponent(revision)}/${file}`, base).href;
}

/** Whether `file` of the model is in `dir` (a non-empty regular file). */
export function hasModelFile(dir: string, modelId: string, file: string): boolean {
  const full = path.join(dir, modelId, file);
  try {
    const stats = statSync(full);
    return stats.isFile() && stats.size > 0;
  } catch {
    return false;
  }
}

export type FetchEvent =
  | { kind: 'present'; file: string }
  | { kind: 'start'; file: string; url: string; bytes: number | undefined }
  | { kind: 'progress'; file: string; done: number; bytes: number | undefined }
  | { kind: 'done'; file: string; bytes: number };

export interface FetchModelOptions {
  modelId: string;
  /** The model directory to fill (`<dir>/<model id>/…`). */
  dir: string;
  hubUrl: string;
  /** The files to have (see `modelFileNames`). */
  files: readonly string[];
  onEvent?: (event: FetchEvent) => void;
  /** Give a download up after this long without data (default 60 s). */
  idleTimeoutMs?: number;
}

export interface FetchModelResult {
  /** The model's own directory, `<dir>/<model id>`. */
  modelPath: string;
  downloaded: string[];
  present: string[];
  /** Bytes downloaded. */
  bytes: number;
}

/** Downloads the files of the model that `dir` lacks, one at a time; the ones it has are left alone. */
export async function fetchModelFiles(options: FetchModelOptions): Promise<FetchModelResult> {
  const modelPath = path.join(options.dir, options.modelId);
  const result: FetchModelResult = { modelPath, downloaded: [], present: [], bytes: 0 };
  for (const file of options.files) {
    if (hasModelFile(options.dir, options.modelId, file)) {
      result.present.push(file);
      options.onEvent?.({ kind: 'present', file });
      continue;
    }
    result.bytes += await downloadFile(options, file, path.join(modelPath, file));
    result.downloaded.push(file);
  }
  return result;
}

const OFFLINE_HINT =
  'Check the network, or MODEL_HUB_URL if you use a mirror. Without internet: copy a model directory made by npm run model:fetch ' +
  'on another machine and set MODEL_DIR to it (README, "Offline use").';

function describeCause(error: unknown): string {
  const cause = (error as { cause?: unknown }).cause;
  const inner = cause instanceof Error ? cause : error instanceof Error ? error : undefined;
  const code = (inner as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string') return inner?.message.includes(code) ? inner.message : `${code} ${inner?.message ?? ''}`.trim();
  return inner?.message ?? String(error);
}

function httpFailure(url: string, status: number, statusText: string, modelId: string): ModelError {
  const hint =
    status === 404
      ? `Check MODEL_ID (${modelId}): the model must have ONNX files in transformers.js's layout, as the Xenova/ models do; check MODEL_QUANTIZED too.`
      : status === 401 || status === 403
        ? 'The model is private or gated on the hub; use a public model, or download it yourself and point MODEL_DIR at it.'
        : `The hub could not serve it right now; try again later. ${OFFLINE_HINT}`;
  return new ModelError(`Downloading ${url} failed: the server answered ${status}${statusText ? ` ${statusText}` : ''}.`, { hint });
}

function writeFailure(target: string, error: unknown): ModelError {
  const code = (error as { code?: unknown }).code;
  return new ModelError(`Could not write the model file ${target}: ${describeCause(error)}.`, {
    hint:
      code === 'ENOSPC'
        ? 'The disk is full: free some room (a model takes up to about 100 MB per ONNX file) and run it again.'
        : 'Set MODEL_CACHE_DIR to a directory this user can write to (or MODEL_DIR to a model directory that has every file).',
    cause: error,
  });
}

/** Downloads one file to `target` through a `.part` file; returns its size. */
async function downloadFile(options: FetchModelOptions, file: string, target: string): Promise<number> {
  const url = modelFileUrl(options.hubUrl, options.modelId, file);
  try {
    await mkdir(path.dirname(target), { recursive: true });
  } catch (error) {
    throw writeFailure(target, error);
  }
  const part = `${target}.${process.pid}-${randomBytes(4).toString('hex')}.part`;
  const idleMs = options.idleTimeoutMs ?? IDLE_TIMEOUT_MS;
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const arm = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(new Error(`no data for ${Math.round(idleMs / 1000)} s`)), idleMs);
  };

  let done = 0;
  let expected: number | undefined;
  arm();
  try {
    let response: Response;
    try {
      response = await fetch(url, { signal: controller.signal, redirect: 'follow' });
    } catch (error) {
      throw new ModelError(`Could not download ${file} of ${options.modelId} from ${options.hubUrl}: ${describeCause(controller.signal.reason ?? error)}.`, {
        hint: OFFLINE_HINT,
        cause: error,
      });
    }
    if (!response.ok || !response.body) {
      await response.body?.cancel().catch(() => undefined);
      throw httpFailure(url, response.status, response.statusText, options.modelId);
    }
    // Content-Length counts the bytes on the wire: only comparable when they are not compressed.
    const length = Number.parseInt(response.headers.get('content-length') ?? '', 10);
    expected = Number.isFinite(length) && !response.headers.get('content-encoding') ? length : undefined;
    options.onEvent?.({ kind: 'start', file, url, bytes: expected });

    const out = createWriteStream(part, { flags: 'wx' });
    try {
      await once(out, 'open');
    } catch (error) {
      throw writeFailure(target, error);
    }
    const onEvent = options.onEvent;
    try {
      await pipeline(
        response.body,
        async function* (source: AsyncIterable<Uint8Array>) {
          for await (const chunk of source) {
            arm();
            done += chunk.byteLength;
            onEvent?.({ kind: 'progress', file, done, bytes: expected });
            yield chunk;
          }
        },
        out,
      );
    } catch (error) {
      if ((error as { code?: unknown }).code === 'ENOSPC' || (error as { syscall?: unknown }).syscall === 'write') throw writeFailure(target, error);
      throw incomplete(options, file, done, expected, controller.signal.reason ?? error);
    }
    if (expected !== undefined && done !== expected) throw incomplete(options, file, done, expected, 'the connection closed early');
    if (file.endsWith('.json')) {
      try {
        JSON.parse(await readFile(part, 'utf8'));
      } catch {
        throw new ModelError(`${url} did not send JSON (is MODEL_HUB_URL the hub or a mirror of it?).`, { hint: OFFLINE_HINT });
      }
    }
    try {
      const handle = await open(part, 'r+');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(part, target);
    } catch (error) {
      throw writeFailure(target, error);
    }
    options.onEvent?.({ kind: 'done', file, bytes: done });
    return done;
  } catch (error) {
    await rm(part, { force: true }).catch(() => undefined);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

function incomplete(options: FetchModelOptions, file: string, done: number, expected: number | undefined, reason: unknown): ModelError {
  const of = expected === undefined ? '' : ` of ${expected}`;
  return new ModelError(
    `The download of ${file} of ${options.modelId} from ${options.hubUrl} stopped after ${done}${of} bytes (${typeof reason === 'string' ? reason : describeCause(reason)}); nothing of it was kept.`,
    { hint: `Run it again (npm run model:fetch): the files already downloaded are kept. ${OFFLINE_HINT}`, cause: reason },
  );
}

/** Whether `dir` has every one of `files` for the model. */
export function missingModelFiles(dir: string, modelId: string, files: readonly string[]): string[] {
  return files.filter((file) => !hasModelFile(dir, modelId, file));
}

