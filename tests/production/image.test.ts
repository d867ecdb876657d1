/**
 * The container image's steps, without a container engine (none runs here), in a clean directory:
 *
 * - the build context: the project's files (git's tracked and unignored ones) less what .dockerignore leaves out;
 * - `build`: every dependency, `npm run build` (tsc) → dist/;
 * - `deps`: the production dependencies — `npm ci --omit=dev` from the lockfile, done here as `npm prune
 *   --omit=dev` on a hard-linked copy of the project's installed tree (the same lockfile, so the same
 *   packages, and no registry: a real `npm ci` would download ~450 MB and compile hnswlib-node, minutes);
 * - `runtime`: only node_modules, dist/, package.json, the lockfile, the start check and the corpus, as the
 *   Dockerfile's COPY lines take them; the model baked in by the compiled `model:fetch` (from a local hub
 *   stand-in); the Dockerfile's own ENV (its /app and /data mapped to temporary directories), CMD and
 *   HEALTHCHECK, parsed from the Dockerfile and run.
 *
 * Then the image's CMD starts the bot against the Discord stand-in, with the hub unreachable: the first start
 * builds the index into the data directory, /readyz turns 200, the HEALTHCHECK passes, SIGTERM stops it with
 * exit code 0 (and the HEALTHCHECK then fails); `npm start` starts it again from the same data directory
 * without rebuilding the index (a new image keeps the volume's index) and stops on SIGTERM to its process
 * group. (SIGTERM to npm alone would leave the bot running: npm's shell does not pass it on, hence
 * `node dist/scripts/start.js` as the image's CMD and in the systemd unit.)
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rename, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDiscordStandin, type DiscordStandin } from '../support/discord-standin.js';
import { MODEL_DIR, PROJECT_ROOT } from '../support/env.js';
import { startModelHubStandin, type ModelHubStandin } from '../support/model-hub-standin.js';

const exec = promisify(execFile);
const TOKEN = 'MTAxNjY1.image-test-token.abcdefghijklmnop';
const MODEL_ID = 'Xenova/all-MiniLM-L6-v2';

// ---------------------------------------------------------------------------------------------------
// The Dockerfile, read as the image build reads it (only what this test needs: stages, ENV, CMD, HEALTHCHECK).

interface Instruction {
  keyword: string;
  args: string;
}

/** The Dockerfile's instructions, continuation lines joined and comments dropped. */
function parseDockerfile(text: string): Instruction[] {
  const logical: string[] = [];
  let current = '';
  for (const line of text.split('\n')) {
    if (current === '' && /^\s*#/.test(line)) continue;
    if (/\\\s*$/.test(line)) current += line.replace(/\\\s*$/, ' ');
    else {
      current += line;
      if (current.trim() !== '') logical.push(current.trim());
      current = '';
    }
  }
  return logical.map((line) => {
    const [keyword = '', ...rest] = line.split(/\s+/);
    return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
  });
}

/** The instructions of the stage named `name` (`FROM … AS name`). */
function stage(instructions: Instruction[], name: string): Instruction[] {
  const start = instructions.findIndex((i) => i.keyword === 'FROM' && new RegExp(`\\sAS\\s+${name}$`, 'i').test(i.args));
  expect(start, `stage ${name}`).toBeGreaterThanOrEqual(0);
  const end = instructions.findIndex((i, n) => n > start && i.keyword === 'FROM');
  return instructions.slice(start, end === -1 ? undefined : end);
}

/** The stage's ENV, `${ARG}` references replaced by the ARG defaults. */
function stageEnv(instructions: Instruction[]): Record<string, string> {
  const args: Record<string, string> = {};
  const env: Record<string, string> = {};
  for (const { keyword, args: text } of instructions) {
    if (keyword === 'ARG') {
      const [name = '', value = ''] = text.split('=');
      args[name] = value;
    }
    if (keyword === 'ENV') {
      for (const pair of text.split(/\s+/).filter(Boolean)) {
        const [name = '', value = ''] = pair.split(/=(.*)/s);
        env[name] = value.replace(/\$\{(\w+)\}/g, (_, arg: string) => args[arg] ?? '');
      }
    }
  }
  return env;
}

/** An exec-form command (`["node", …]`) of the stage's last `keyword` instruction. */
function execForm(instructions: Instruction[], keyword: string): string[] {
  const found = instructions.filter((i) => i.keyword === keyword).at(-1);
  expect(found, keyword).toBeDefined();
  const json = keyword === 'HEALTHCHECK' ? found!.args.slice(found!.args.indexOf('CMD ') + 4) : found!.args;
  return JSON.parse(json) as string[];
}

/** Whether .dockerignore leaves `file` (relative, `/` separators) out of the build context (the patterns this project uses). */
function ignoredBy(patterns: string[], file: string): boolean {
  return patterns.some((pattern) => {
    if (pattern.startsWith('**/')) return file.split('/').includes(pattern.slice(3));
    if (pattern.startsWith('*.')) return file.endsWith(pattern.slice(1));
    return file === pattern || file.startsWith(`${pattern}/`);
  });
}

// ---------------------------------------------------------------------------------------------------
// Running the bot.

interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function startProcess(command: string, args: string[], cwd: string, env: Record<string, string>): Running {
  // Its own process group: `npm start` runs node as a child, and cleaning up must reach both.
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  const t0 = Date.now();
  child.stdout?.on('data', (chunk: Buffer) => (output += `[${Date.now() - t0}] ` + chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += `[${Date.now() - t0}] ` + chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** Polls `url` until it answers 200; fails with the process's output if it exits or the time runs out. */
async function waitFor200(url: string, running: Running, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void running.exited.then(() => (exited = true));
  for (;;) {
    const status = await fetch(url, { signal: AbortSignal.timeout(3_000) }).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return;
    if (exited) throw new Error(`The bot exited before ${url} answered 200. Output:\n${running.output()}`);
    if (Date.now() > deadline) throw new Error(`${url} did not answer 200 within ${timeoutMs} ms (last: ${status}). Output:\n${running.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function run(command: string, args: string[], options: { cwd: string; env?: Record<string, string> }): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(command, args, { cwd: options.cwd, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...options.env }, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failure.code === 'number' ? failure.code : -1, stdout: failure.stdout ?? '', stderr: failure.stderr ?? '' };
  }
}

// ---------------------------------------------------------------------------------------------------

let work: string;
let app: string;
let data: string;
let hub: ModelHubStandin;
let runtimeStage: Instruction[];
let steps: { context: number; build: { code: number; stdout: string; stderr: string }; prune: { code: number; stderr: string }; fetch: { code: number; stdout: string; stderr: string } };
const running: Running[] = [];

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'verbatim-image-'));
  const context = path.join(work, 'context');
  app = path.join(work, 'app');
  data = path.join(work, 'data');
  runtimeStage = stage(parseDockerfile(await readFile(path.join(PROJECT_ROOT, 'Dockerfile'), 'utf8')), 'runtime');

  // The build context.
  const patterns = (await readFile(path.join(PROJECT_ROOT, '.dockerignore'), 'utf8'))
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const listed = (await exec('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: PROJECT_ROOT, maxBuffer: 64 * 1024 * 1024 })).stdout.split('\0');
  const files = listed.filter((file) => file !== '' && !ignoredBy(patterns, file) && existsSync(path.join(PROJECT_ROOT, file)));
  for (const file of files) {
    await mkdir(path.dirname(path.join(context, file)), { recursive: true });
    await copyFile(path.join(PROJECT_ROOT, file), path.join(context, file));
  }

  // `build`: every dependency (the project's installed tree, hard-linked; its hidden lockfile dropped so
  // that npm never writes through a link into the project's own), then npm run build.
  const installed = [path.join(PROJECT_ROOT, 'node_modules'), path.join(context, 'node_modules')];
  // Hard links need one filesystem; a temporary directory elsewhere (a tmpfs /tmp) gets a real copy, slower.
  await exec('cp', ['-al', ...installed]).catch(async () => {
    await rm(installed[1]!, { recursive: true, force: true });
    await exec('cp', ['-a', ...installed]);
  });
  await rm(path.join(context, 'node_modules', '.package-lock.json'), { force: true });
  const build = await run(process.execPath, [path.join(context, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: context });

  // `deps`: the production dependencies only.
  const prune = await run('npm', ['prune', '--omit=dev', '--offline', '--no-audit', '--no-fund'], { cwd: context });

  // `runtime`: what the Dockerfile copies.
  await mkdir(path.join(app, 'scripts'), { recursive: true });
  await mkdir(data, { recursive: true });
  await rename(path.join(context, 'node_modules'), path.join(app, 'node_modules'));
  await rename(path.join(context, 'dist'), path.join(app, 'dist'));
  // The runtime stage's own COPY lines (those not from another stage), the corpus apart (moved below).
  const copied = runtimeStage
    .filter((i) => i.keyword === 'COPY' && !i.args.startsWith('--from'))
    .flatMap((i) => i.args.split(/\s+/).slice(0, -1))
    .filter((file) => file !== 'corpus');
  expect(copied).toEqual(expect.arrayContaining(['package.json', 'scripts/check-build.mjs', 'scripts/run-compiled.mjs']));
  for (const file of copied) await copyFile(path.join(context, file), path.join(app, file));
  await rename(path.join(context, 'corpus'), path.join(app, 'corpus'));

  // `model-fetch`: the compiled model:fetch into /app/models, from the hub stand-in.
  hub = await startModelHubStandin(MODEL_DIR);
  const fetched = await run(process.execPath, ['dist/scripts/model-fetch.js'], { cwd: app, env: { MODEL_CACHE_DIR: path.join(app, 'models'), MODEL_HUB_URL: hub.url } });
  steps = { context: files.length, build, prune, fetch: fetched };
}, 240_000);

afterAll(async () => {
  for (const one of running) {
    if (one.child.exitCode === null && one.child.pid !== undefined) {
      try {
        process.kill(-one.child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }
  await hub?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

/** The runtime stage's ENV with /app and /data mapped to this test's directories. */
function imageEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(stageEnv(runtimeStage))) env[name] = value.replace(/^\/app(?=\/|$)/, app).replace(/^\/data(?=\/|$)/, data);
  return env;
}

describe('the image build, step by step', () => {
  it('builds from a context without node_modules, dist, data, .env or tests, and compiles', () => {
    expect(steps.context).toBeGreaterThan(50);
    expect(steps.build.code, `tsc: ${steps.build.stdout}${steps.build.stderr}`).toBe(0);
    expect(existsSync(path.join(app, 'dist', 'scripts', 'start.js'))).toBe(true);
    expect(existsSync(path.join(app, 'dist', 'scripts', 'model-fetch.js'))).toBe(true);
    expect(existsSync(path.join(app, 'dist', 'src', 'index', 'build-child.js'))).toBe(true);
  });

  it('keeps only the production dependencies, native addons included', async () => {
    expect(steps.prune.code, steps.prune.stderr).toBe(0);
    for (const dev of ['typescript', 'tsx', 'vitest', 'eslint']) expect(existsSync(path.join(app, 'node_modules', dev)), dev).toBe(false);
    for (const runtime of ['discord.js', '@xenova/transformers', 'onnxruntime-node', 'prom-client', 'better-sqlite3']) expect(existsSync(path.join(app, 'node_modules', runtime)), runtime).toBe(true);
    const addon = await readdir(path.join(app, 'node_modules', 'hnswlib-node', 'build', 'Release'));
    expect(addon.some((f) => f.endsWith('.node'))).toBe(true);
    const sqlite = await readdir(path.join(app, 'node_modules', 'better-sqlite3', 'build', 'Release'));
    expect(sqlite).toContain('better_sqlite3.node');
  });

  it('bakes the model in with the compiled model:fetch', async () => {
    expect(steps.fetch.code, steps.fetch.stderr).toBe(0);
    expect(steps.fetch.stdout).toContain('4 downloaded');
    const files = await readdir(path.join(app, 'models', MODEL_ID), { recursive: true });
    expect(files.sort()).toEqual(['config.json', 'onnx', 'onnx/model_quantized.onnx', 'tokenizer.json', 'tokenizer_config.json']);
  });

  it('runs as the unprivileged node user with the data on a volume and a health check', () => {
    const keywords = (k: string) => runtimeStage.filter((i) => i.keyword === k).map((i) => i.args);
    expect(keywords('USER')).toEqual(['node']);
    expect(keywords('VOLUME')).toEqual(['/data']);
    expect(stageEnv(runtimeStage)).toMatchObject({ INDEX_DIR: '/data/index', DATABASE_FILE: '/data/verbatim.db', FEEDBACK_FILE: '/data/feedback.jsonl', MODEL_CACHE_DIR: '/app/models', NODE_ENV: 'production' });
    expect(execForm(runtimeStage, 'HEALTHCHECK').join(' ')).toContain('/readyz');
    // Nothing in the runtime stage runs npm ci or a compiler: it only copies results.
    expect(runtimeStage.filter((i) => i.keyword === 'RUN').map((i) => i.args)).toEqual(['mkdir -p /data && chown node:node /data']);
  });
});

describe('the compiled bot in the production tree', () => {
  let standin: DiscordStandin;
  let healthPort: number;
  let env: Record<string, string>;

  beforeAll(async () => {
    standin = await startDiscordStandin({ token: TOKEN });
    healthPort = await freePort();
    // The hub is unreachable now: the bot must run from the baked-in model.
    await hub.close();
    env = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      ...imageEnv(),
      HEALTH_PORT: String(healthPort),
      MODEL_HUB_URL: `http://127.0.0.1:${await freePort()}`,
      DISCORD_TOKEN: TOKEN,
      DISCORD_API_URL: standin.apiUrl,
      LOG_LEVEL: 'info',
    };
  });

  afterAll(async () => {
    await standin?.close();
  });

  it("the image's CMD becomes ready (the first start builds the index into the data volume), passes the HEALTHCHECK, exits 0 on SIGTERM", async () => {
    const [command = '', ...args] = execForm(runtimeStage, 'CMD');
    expect([command, ...args]).toEqual(['node', 'dist/scripts/start.js']);
    const bot = startProcess(process.execPath, args, app, env);
    running.push(bot);
    await waitFor200(`http://127.0.0.1:${healthPort}/readyz`, bot, 150_000);
    expect(bot.output()).toContain('no index yet');
    expect((await fetch(`http://127.0.0.1:${healthPort}/healthz`)).status).toBe(200);
    expect(await (await fetch(`http://127.0.0.1:${healthPort}/metrics`)).text()).toContain('verbatim_questions_total');

    const [check = '', ...checkArgs] = execForm(runtimeStage, 'HEALTHCHECK');
    expect(check).toBe('node');
    const healthy = await run(process.execPath, checkArgs, { cwd: app, env: { HEALTH_PORT: String(healthPort) } });
    expect(healthy.code, healthy.stderr).toBe(0);

    bot.child.kill('SIGTERM');
    expect(await bot.exited, bot.output()).toBe(0);
    expect(bot.output()).not.toContain(TOKEN);
    expect(existsSync(path.join(data, 'index', 'CURRENT'))).toBe(true);

    // Nothing answers now: the HEALTHCHECK fails.
    const down = await run(process.execPath, checkArgs, { cwd: app, env: { HEALTH_PORT: String(healthPort) } });
    expect(down.code).toBe(1);
  }, 180_000);

  it('npm start starts it again from the same data volume without rebuilding the index, and stops on SIGTERM to its process group', async () => {
    const bot = startProcess('npm', ['start'], app, env);
    running.push(bot);
    await waitFor200(`http://127.0.0.1:${healthPort}/readyz`, bot, 90_000);
    expect(bot.output()).toContain('node dist/scripts/start.js');
    expect(bot.output()).not.toContain('no index yet');
    // As systemd (KillMode=control-group) or Ctrl-C signal it: npm and the bot both get the signal.
    process.kill(-bot.child.pid!, 'SIGTERM');
    await bot.exited;
    expect(bot.output()).toMatch(/"msg":"stopped"/);
    expect(await fetch(`http://127.0.0.1:${healthPort}/healthz`).then(() => 'up', () => 'down')).toBe('down');
  }, 120_000);

  it('npm run status and npm run sources run the compiled commands there (no tsx, no TypeScript)', async () => {
    const status = await run('npm', ['run', '--silent', 'status', '--', '--json'], { cwd: app, env });
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ corpus: { upToDate: true } });
    const sources = await run('npm', ['run', '--silent', 'sources'], { cwd: app, env });
    expect(sources.code, sources.stderr).toBe(0);
    expect(sources.stdout).toMatch(/\d+ articles · npm run sources -- ID shows one/);
  }, 60_000);
});

describe('npm ci in the production tree', () => {
  it('runs prepare, which finds no TypeScript there and does not try to compile', async () => {
    await copyFile(path.join(PROJECT_ROOT, 'scripts', 'build-on-install.mjs'), path.join(app, 'scripts', 'build-on-install.mjs'));
    await copyFile(path.join(PROJECT_ROOT, 'tsconfig.build.json'), path.join(app, 'tsconfig.build.json'));
    await mkdir(path.join(app, 'src'), { recursive: true });
    const prepare = await run(process.execPath, ['scripts/build-on-install.mjs'], { cwd: app });
    expect(prepare.code, prepare.stderr).toBe(0);
    expect(prepare.stderr).toContain('TypeScript is not installed');
  });
});
