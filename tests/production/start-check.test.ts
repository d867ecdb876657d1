/**
 * `npm start` runs the compiled bot; its `prestart` (scripts/check-build.mjs) says in one line, with a hint,
 * when dist/ is missing or older than the sources, and lets a tree without sources (an image) through.
 * `prepare` (scripts/build-on-install.mjs, run by npm install / npm ci) compiles only when it can: without
 * TypeScript (a production install) or without sources (a container's dependency layer) it does nothing and
 * succeeds. Needs no model.
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../support/env.js';

const exec = promisify(execFile);

let root: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'verbatim-start-check-'));
});

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

/** A project tree with the two scripts and package.json, plus `files` (path → content). */
async function tree(name: string, files: Record<string, string> = {}): Promise<string> {
  const dir = path.join(root, name);
  await mkdir(path.join(dir, 'scripts'), { recursive: true });
  for (const file of ['package.json', 'scripts/check-build.mjs', 'scripts/build-freshness.mjs', 'scripts/run-compiled.mjs', 'scripts/build-on-install.mjs']) await copyFile(path.join(PROJECT_ROOT, file), path.join(dir, file));
  for (const [file, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), content);
  }
  return dir;
}

async function node(cwd: string, script: string, args: string[] = []): Promise<{ code: number; stderr: string }> {
  try {
    const { stderr } = await exec(process.execPath, [script, ...args], { cwd, env: { PATH: process.env.PATH ?? '' } });
    return { code: 0, stderr };
  } catch (error) {
    const failure = error as { code?: number; stderr?: string };
    return { code: typeof failure.code === 'number' ? failure.code : -1, stderr: failure.stderr ?? '' };
  }
}

async function age(dir: string, file: string, secondsAgo: number): Promise<void> {
  const when = new Date(Date.now() - secondsAgo * 1000);
  await utimes(path.join(dir, file), when, when);
}

describe('the start check (prestart)', () => {
  it('says in one line that dist/ is missing, with the fix', async () => {
    const dir = await tree('missing', { 'src/a.ts': 'export {};\n' });
    const { code, stderr } = await node(dir, 'scripts/check-build.mjs');
    expect(code).toBe(1);
    expect(stderr).toBe(
      'error: dist/scripts/start.js is missing: the bot has not been compiled\n' +
        '  → run npm run build (npm run dev runs the bot from the sources, without compiling)\n',
    );
  });

  it('says which source is newer than the build, and passes once the build is newer', async () => {
    const dir = await tree('stale', { 'src/core/a.ts': 'export {};\n', 'scripts/start.ts': '\n', 'dist/scripts/start.js': '\n' });
    await age(dir, 'dist/scripts/start.js', 60);
    await age(dir, 'scripts/start.ts', 120);
    const stale = await node(dir, 'scripts/check-build.mjs');
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain(`error: dist/ is older than the sources (${path.join('src', 'core', 'a.ts')} changed since the last build)`);

    await age(dir, 'src/core/a.ts', 90);
    expect(await node(dir, 'scripts/check-build.mjs')).toEqual({ code: 0, stderr: '' });
  });

  it('lets a compiled tree without sources through (an image)', async () => {
    const dir = await tree('image', { 'dist/scripts/start.js': '\n' });
    expect(await node(dir, 'scripts/check-build.mjs')).toEqual({ code: 0, stderr: '' });
  });

  it('is what npm start runs first, and npm start runs the compiled entry', async () => {
    const dir = await tree('npm', { 'dist/scripts/start.js': "console.log('compiled bot here');\n" });
    const { stdout } = await exec('npm', ['start', '--silent'], { cwd: dir, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' } });
    expect(stdout).toBe('compiled bot here\n');
  });
});

describe('the compiled commands (npm run index, ask, sources, status, model:fetch)', () => {
  /** A compiled command that prints what it was given and how it runs, and exits with the code it is told. */
  const probe =
    "console.log(JSON.stringify({ args: process.argv.slice(2), entry: process.argv[1], loaders: process.execArgv }));\n" +
    "process.exitCode = Number(process.argv.at(-1)) || 0;\n";

  it('npm run <command> runs dist/scripts/<command>.js without a TypeScript loader, with its arguments and exit code', async () => {
    const dir = await tree('commands', { 'src/a.ts': 'export {};\n', 'dist/scripts/index.js': probe, 'dist/scripts/ask.js': probe });
    await age(dir, 'src/a.ts', 60);
    const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
    const index = await exec('npm', ['run', '--silent', 'index', '--', '--full', '--out', 'x y'], { cwd: dir, env });
    expect(JSON.parse(index.stdout)).toEqual({ args: ['--full', '--out', 'x y'], entry: path.join(dir, 'dist', 'scripts', 'index.js'), loaders: [] });
    const failed = await exec('npm', ['run', '--silent', 'ask', '--', 'question', '3'], { cwd: dir, env }).catch((error: { code: number; stdout: string }) => error);
    expect('code' in failed ? failed.code : 0).toBe(3);
    expect(JSON.parse(failed.stdout).args).toEqual(['question', '3']);
  });

  it('says in one line that a command is not compiled or older than the sources, with both ways out', async () => {
    const dir = await tree('commands-stale', { 'src/core/a.ts': 'export {};\n', 'dist/scripts/status.js': probe });
    const missing = await node(dir, 'scripts/run-compiled.mjs', ['index']);
    expect(missing).toEqual({
      code: 1,
      stderr:
        'error: dist/scripts/index.js is missing: the project has not been compiled\n' +
        '  → run npm run build (npx tsx scripts/index.ts runs the command from the sources, without compiling)\n',
    });
    await age(dir, 'dist/scripts/status.js', 60);
    const stale = await node(dir, 'scripts/run-compiled.mjs', ['status']);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain(`error: dist/ is older than the sources (${path.join('src', 'core', 'a.ts')} changed since the last build)`);
    expect(await node(dir, 'scripts/run-compiled.mjs', ['../../etc/passwd'])).toMatchObject({ code: 2 });
  });

  it('runs a compiled tree without sources (an image)', async () => {
    const dir = await tree('commands-image', { 'dist/scripts/sources.js': "console.error('compiled sources here');\n" });
    expect(await node(dir, 'scripts/run-compiled.mjs', ['sources'])).toEqual({ code: 0, stderr: 'compiled sources here\n' });
  });
});

describe('the install-time build (prepare)', () => {
  it('does nothing, successfully, without sources (a container dependency layer)', async () => {
    const dir = await tree('deps-layer');
    expect(await node(dir, 'scripts/build-on-install.mjs')).toEqual({ code: 0, stderr: '' });
  });

  it('compiles the sources into dist/ when TypeScript is installed', async () => {
    const dir = await tree('development', {
      'src/a.ts': 'export const a: number = 1;\n',
      'tsconfig.build.json': JSON.stringify({ compilerOptions: { module: 'NodeNext', target: 'ES2022', outDir: 'dist', rootDir: '.', types: [] }, include: ['src'] }),
    });
    await symlink(path.join(PROJECT_ROOT, 'node_modules'), path.join(dir, 'node_modules'));
    const { code, stderr } = await node(dir, 'scripts/build-on-install.mjs');
    expect(code, stderr).toBe(0);
    expect(stderr).toBe('verbatim: compiling to dist/ (npm run build)\n');
    expect(await readFile(path.join(dir, 'dist', 'src', 'a.js'), 'utf8')).toContain('export const a = 1;');
  });

  it('does nothing, successfully, without TypeScript (a production install), and says so', async () => {
    const dir = await tree('production', { 'src/a.ts': 'export const a = 1;\n', 'tsconfig.build.json': '{}\n' });
    const { code, stderr } = await node(dir, 'scripts/build-on-install.mjs');
    expect(code).toBe(0);
    expect(stderr).toBe('verbatim: TypeScript is not installed (a production install): not compiling; npm start runs dist/ as it is.\n');
  });
});
