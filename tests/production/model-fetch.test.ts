/**
 * Model provisioning: `npm run model:fetch` and the model cache (MODEL_CACHE_DIR) every command reads when
 * MODEL_DIR is not set, filled from the hub (MODEL_HUB_URL). The hub is a local stand-in serving the files
 * of MODEL_DIR (tests/support/model-hub-standin.ts): the real one is never reached. Covered: a fetch makes
 * a copy identical to the source, a second one downloads nothing, a download cut short or stalled leaves
 * no file behind and fails in one line, an unreachable hub or a missing file too; a command with an empty
 * cache downloads the model on first use and embeds as with MODEL_DIR.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBaseConfig } from '../../src/core/config.js';
import { ConfigError, ModelError } from '../../src/core/errors.js';
import { LocalEmbeddings } from '../../src/embedding/embedder.js';
import { fetchModelFiles, modelFileNames, modelFileUrl } from '../../src/embedding/model-files.js';
import { MODEL_DIR, PROJECT_ROOT } from '../support/env.js';
import { startModelHubStandin, type ModelHubStandin } from '../support/model-hub-standin.js';

const run = promisify(execFile);
const MODEL_ID = 'Xenova/all-MiniLM-L6-v2';
const FILES = modelFileNames(true);

let hub: ModelHubStandin;
let root: string;

beforeAll(async () => {
  hub = await startModelHubStandin(MODEL_DIR);
  root = await mkdtemp(path.join(os.tmpdir(), 'verbatim-model-fetch-'));
});

afterAll(async () => {
  await hub?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

async function sha256(file: string): Promise<string> {
  return createHash('sha256').update(await readFile(file)).digest('hex');
}

/** Every file under `dir`, relative to it. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name))).sort();
}

/** A fresh cache directory. */
async function cacheDir(name: string): Promise<string> {
  return path.join(root, name);
}

/** A 127.0.0.1 port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function caught(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable('it should have failed'),
    (error: unknown) => error,
  );
}

describe('the hub address', () => {
  it('follows the hub scheme, with or without a trailing slash or a path prefix', () => {
    expect(modelFileUrl('https://huggingface.co', MODEL_ID, 'onnx/model.onnx')).toBe('https://huggingface.co/Xenova/all-MiniLM-L6-v2/resolve/main/onnx/model.onnx');
    expect(modelFileUrl('http://127.0.0.1:8080/', MODEL_ID, 'config.json')).toBe('http://127.0.0.1:8080/Xenova/all-MiniLM-L6-v2/resolve/main/config.json');
    expect(modelFileUrl('https://mirror.example/hf', MODEL_ID, 'config.json')).toBe('https://mirror.example/hf/Xenova/all-MiniLM-L6-v2/resolve/main/config.json');
  });

  it('is configured by MODEL_HUB_URL, the cache by MODEL_CACHE_DIR (default data/models)', () => {
    const config = loadBaseConfig({ MODEL_HUB_URL: hub.url, MODEL_CACHE_DIR: 'models' }, '/srv/verbatim');
    expect(config).toMatchObject({ modelHubUrl: hub.url, modelCacheDir: '/srv/verbatim/models' });
    expect(loadBaseConfig({}, '/srv/verbatim').modelCacheDir).toBe('/srv/verbatim/data/models');
    expect(() => loadBaseConfig({ MODEL_HUB_URL: 'ftp://mirror' })).toThrow(ConfigError);
    expect(() => loadBaseConfig({ MODEL_HUB_URL: 'ftp://mirror' })).toThrow(/MODEL_HUB_URL must be an http\(s\) URL/);
  });
});

describe('fetchModelFiles', () => {
  it('downloads every file the embedder needs, identical to the source, and nothing on a second run', async () => {
    const dir = await cacheDir('complete');
    const before = hub.requests.length;
    const events: string[] = [];
    const first = await fetchModelFiles({ modelId: MODEL_ID, dir, hubUrl: hub.url, files: FILES, onEvent: (e) => events.push(`${e.kind}:${e.file}`) });
    expect(first.downloaded).toEqual(FILES);
    expect(first.present).toEqual([]);
    expect(hub.requests.slice(before)).toEqual(FILES.map((f) => `/${MODEL_ID}/resolve/main/${f}`));
    expect(await filesUnder(dir)).toEqual(FILES.map((f) => path.join(MODEL_ID, f)).sort());
    for (const file of FILES) expect(await sha256(path.join(dir, MODEL_ID, file)), file).toBe(await sha256(path.join(MODEL_DIR, MODEL_ID, file)));
    expect(events).toContain('done:onnx/model_quantized.onnx');
    expect(events.filter((e) => e.startsWith('progress:onnx/')).length).toBeGreaterThan(1);

    const again = hub.requests.length;
    const second = await fetchModelFiles({ modelId: MODEL_ID, dir, hubUrl: hub.url, files: FILES });
    expect(second).toMatchObject({ downloaded: [], present: FILES, bytes: 0 });
    expect(hub.requests.length).toBe(again);
  });

  it('a download cut short leaves no file (nor a .part) and fails in one line; the next run fetches only what is missing', async () => {
    const dir = await cacheDir('truncated');
    hub.truncate('onnx/model_quantized.onnx');
    try {
      const error = await caught(fetchModelFiles({ modelId: MODEL_ID, dir, hubUrl: hub.url, files: FILES }));
      expect(error).toBeInstanceOf(ModelError);
      const message = (error as ModelError).message;
      expect(message).toMatch(/^The download of onnx\/model_quantized\.onnx of Xenova\/all-MiniLM-L6-v2 from http:\/\/127\.0\.0\.1:\d+ stopped after \d+ of \d+ bytes/);
      expect(message).not.toContain('\n');
      expect((error as ModelError).hint).toContain('npm run model:fetch');
      expect(await filesUnder(dir)).toEqual(['config.json', 'tokenizer.json', 'tokenizer_config.json'].map((f) => path.join(MODEL_ID, f)));
    } finally {
      hub.heal();
    }
    const before = hub.requests.length;
    const retry = await fetchModelFiles({ modelId: MODEL_ID, dir, hubUrl: hub.url, files: FILES });
    expect(retry.downloaded).toEqual(['onnx/model_quantized.onnx']);
    expect(hub.requests.length - before).toBe(1);
    expect(await sha256(path.join(dir, MODEL_ID, 'onnx/model_quantized.onnx'))).toBe(await sha256(path.join(MODEL_DIR, MODEL_ID, 'onnx/model_quantized.onnx')));
  });

  it('a stalled download is given up after the idle timeout, leaving nothing', async () => {
    const dir = await cacheDir('stalled');
    hub.stall('tokenizer.json');
    try {
      const error = await caught(fetchModelFiles({ modelId: MODEL_ID, dir, hubUrl: hub.url, files: ['tokenizer.json'], idleTimeoutMs: 300 }));
      expect(error).toBeInstanceOf(ModelError);
      expect((error as ModelError).message).toMatch(/stopped after \d+ of \d+ bytes \(no data for 0 s\)/);
      expect(await filesUnder(dir)).toEqual([]);
    } finally {
      hub.heal();
    }
  });

  it('a file the hub does not have, or an unreachable hub, is one line with a hint', async () => {
    const dir = await cacheDir('errors');
    const missing = await caught(fetchModelFiles({ modelId: 'Xenova/no-such-model', dir, hubUrl: hub.url, files: FILES }));
    expect(missing).toBeInstanceOf(ModelError);
    expect((missing as ModelError).message).toMatch(/Xenova\/no-such-model\/resolve\/main\/config\.json failed: the server answered 404/);
    expect((missing as ModelError).hint).toContain('MODEL_ID');

    hub.fail('config.json', 503);
    try {
      const busy = await caught(fetchModelFiles({ modelId: MODEL_ID, dir, hubUrl: hub.url, files: FILES }));
      expect((busy as ModelError).message).toContain('the server answered 503');
    } finally {
      hub.heal();
    }

    const unreachable = `http://127.0.0.1:${await closedPort()}`;
    const down = await caught(fetchModelFiles({ modelId: MODEL_ID, dir, hubUrl: unreachable, files: FILES }));
    expect(down).toBeInstanceOf(ModelError);
    expect((down as ModelError).message).toMatch(new RegExp(`^Could not download config\\.json of Xenova/all-MiniLM-L6-v2 from ${unreachable}: .*ECONNREFUSED`));
    expect((down as ModelError).hint).toContain('MODEL_DIR');
    expect(await filesUnder(dir)).toEqual([]);
  });
});

describe('the model cache', () => {
  it('is filled from the hub on first use when MODEL_DIR is not set, and embeds as the model in MODEL_DIR does', async () => {
    const dir = await cacheDir('first-use');
    const before = hub.requests.length;
    const fromCache = await LocalEmbeddings.load({ modelId: MODEL_ID, modelDir: undefined, cacheDir: dir, hubUrl: hub.url, quantized: true });
    expect(hub.requests.length - before).toBe(FILES.length);
    expect(await filesUnder(dir)).toEqual(FILES.map((f) => path.join(MODEL_ID, f)).sort());
    const fromDir = await LocalEmbeddings.load({ modelId: MODEL_ID, modelDir: MODEL_DIR, quantized: true });
    const text = 'The Kremlin confirmed that preparations for direct talks have progressed.';
    expect(Array.from(await fromCache.embedOne(text))).toEqual(Array.from(await fromDir.embedOne(text)));
  });

  it('with MODEL_DIR set, a missing file is named and nothing is downloaded', async () => {
    const before = hub.requests.length;
    const error = await caught(LocalEmbeddings.load({ modelId: MODEL_ID, modelDir: path.join(root, 'complete-but-fp32'), cacheDir: root, hubUrl: hub.url, quantized: false }));
    expect(error).toBeInstanceOf(ModelError);
    expect((error as ModelError).message).toContain('does not exist');
    expect(hub.requests.length).toBe(before);
  });
});

describe('npm run model:fetch', () => {
  const tsx = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx');
  const script = path.join(PROJECT_ROOT, 'scripts', 'model-fetch.ts');

  async function modelFetch(env: Record<string, string>, args: string[] = []): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const { stdout, stderr } = await run(tsx, [script, ...args], { cwd: root, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 30_000 });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failure = error as { code?: number; stdout?: string; stderr?: string };
      return { code: failure.code ?? -1, stdout: failure.stdout ?? '', stderr: failure.stderr ?? '' };
    }
  }

  it('fills MODEL_CACHE_DIR with a line per file, then finds it complete; a dead hub is one error line', async () => {
    const dir = await cacheDir('cli');
    const env = { MODEL_CACHE_DIR: dir, MODEL_HUB_URL: hub.url };
    const first = await modelFetch(env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^The model is ready in .*cli\/Xenova\/all-MiniLM-L6-v2: 4 downloaded \([\d.]+ MB\), 0 already there\.\n$/);
    expect(first.stderr).toContain('onnx/model_quantized.onnx: downloading');

    const before = hub.requests.length;
    const second = await modelFetch(env);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('all 4 files were already there; nothing downloaded');
    expect(hub.requests.length).toBe(before);

    // --both adds the fp32 file and only it.
    const both = await modelFetch(env, ['--both']);
    expect(both.stdout).toContain('1 downloaded');
    expect(hub.requests.slice(before)).toEqual([`/${MODEL_ID}/resolve/main/onnx/model.onnx`]);

    const dead = await modelFetch({ MODEL_CACHE_DIR: await cacheDir('cli-dead'), MODEL_HUB_URL: `http://127.0.0.1:${await closedPort()}` });
    expect(dead.code).toBe(1);
    const errorLines = dead.stderr.split('\n').filter((line) => line.startsWith('error: '));
    expect(errorLines).toHaveLength(1);
    expect(errorLines[0]).toContain('Could not download config.json');
    expect(dead.stderr).toContain('  → ');
    expect(dead.stderr).not.toContain('    at ');
  });

  it('with MODEL_DIR set, checks that directory and downloads nothing into it when it is complete', async () => {
    const before = hub.requests.length;
    const result = await modelFetch({ MODEL_DIR, MODEL_HUB_URL: hub.url });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('nothing downloaded');
    expect(hub.requests.length).toBe(before);
  });
});
