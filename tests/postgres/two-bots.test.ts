/**
 * Two bot replicas on one PostgreSQL index, as a deployment runs them: `npm start`'s entry point
 * (scripts/start.ts) twice, with INDEX_STORE=postgres and the same DATABASE_URL (the test run's PGlite
 * server, a schema of this file's), each with its own INDEX_DIR and its own Discord stand-in.
 *
 * - Both start at once on an empty database: only one builds and publishes the index (the publish lock),
 *   the other waits for it, and both answer from it.
 * - A /reindex that fails in one of them (the corpus gone) is reported to the maintainer; the live generation stays,
 *   both keep answering from it, and the publish lock is free again (the next test's build takes it).
 * - A new article and `npm run index` (scripts/index.ts, run from the builder's INDEX_DIR so the build is
 *   incremental) publish a new generation; both bots switch to it without a restart — on PGlite by their
 *   poll (INDEX_POLL_SECONDS; a notification reaches only the connection that sent it there), on a server
 *   by LISTEN/NOTIFY — and answer the new question with the new article's sentence.
 *
 * Needs the model (MODEL_DIR or ../shared/models).
 */
import { execFile } from 'node:child_process';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import pg from 'pg';
import { Names } from '../../src/index/postgres/database.js';
import { bodyOf, firstEmbed, TOKEN, waitForEdit } from '../discord/helpers/harness.js';
import { spawnBot, type BotProcess } from '../discord/helpers/process.js';
import { startDiscordStandin, type DiscordStandin } from '../support/discord-standin.js';
import { MODEL_DIR, PROJECT_ROOT } from '../support/env.js';
import { freshSchema } from '../support/pglite-url.js';
import { seedWorkspace, type SeedWorkspace } from '../support/seed-index.js';

const run = promisify(execFile);
const TSX = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx');
/** Two processes loading the model, one of them building the seed index, on a busy 2-core machine. */
const START_MS = 150_000;
const ANSWER_MS = 30_000;
/** The poll is every second here: a switch shows within a few; the bound is for a loaded machine. */
const SWITCH_MS = 30_000;

const NEW_SENTENCE = 'The lighthouse keepers of Tórshavn voted on Thursday to restore the old brass foghorn at Nólsoy.';
const NEW_ARTICLE = ['Foghorn Returns to Nólsoy', '', NEW_SENTENCE, '', 'The horn had been silent since 1988, when an electric signal replaced it.', ''].join('\n');
const NEW_QUESTION = 'What did the lighthouse keepers of Tórshavn vote to restore?';

interface Replica {
  name: string;
  indexDir: string;
  standin: DiscordStandin;
  bot: BotProcess;
}

let workspace: SeedWorkspace;
let databaseUrl: string;
let url: string;
let names: Names;
let replicas: Replica[] = [];

function botEnv(replica: Omit<Replica, 'bot'>): Record<string, string> {
  return {
    DISCORD_TOKEN: TOKEN,
    DISCORD_API_URL: replica.standin.apiUrl,
    CORPUS_DIR: workspace.corpusDir,
    INDEX_DIR: replica.indexDir,
    INDEX_STORE: 'postgres',
    DATABASE_URL: databaseUrl,
    INDEX_POLL_SECONDS: '1',
    MODEL_DIR,
    FEEDBACK_FILE: path.join(workspace.root, `${replica.name}-feedback.jsonl`),
    DATABASE_FILE: path.join(workspace.root, `${replica.name}.db`),
    COOLDOWN_SECONDS: '0',
    LOG_FORMAT: 'json',
    LOG_LEVEL: 'info',
  };
}

beforeAll(async () => {
  let schema: string;
  [workspace, { url, schema }] = await Promise.all([seedWorkspace(), freshSchema('two_bots')]);
  names = new Names(schema);
  const parsed = new URL(url);
  parsed.searchParams.set('schema', schema);
  databaseUrl = parsed.toString();
  // Both replicas start together, on a database with no index yet.
  replicas = await Promise.all(
    ['a', 'b'].map(async (name) => {
      const indexDir = path.join(workspace.root, `index-${name}`);
      await mkdir(indexDir, { recursive: true });
      const standin = await startDiscordStandin({ token: TOKEN, heartbeatIntervalMs: 1_000 });
      const partial = { name, indexDir, standin };
      return { ...partial, bot: spawnBot(botEnv(partial)) };
    }),
  );
  await Promise.all(replicas.map((replica) => replica.bot.waitForLine(/"msg":"ready: /, START_MS)));
}, START_MS + 30_000);

afterAll(async () => {
  for (const replica of replicas) replica.bot.kill();
  await Promise.all(replicas.map((replica) => replica.standin.close()));
  await workspace?.cleanup();
});

/** A public /ask to one replica; resolves with the answer embed's description. */
async function ask(replica: Replica, question: string): Promise<string> {
  const { standin } = replica;
  const injected = standin.sendSlashCommand({ name: 'ask', options: { question, public: true }, user: standin.createUser(`asker${Math.random().toString(36).slice(2, 8)}`) });
  return firstEmbed(bodyOf(await waitForEdit(standin, injected, ANSWER_MS))).description ?? '';
}

async function query<R extends pg.QueryResultRow>(sql: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(sql)).rows;
  } finally {
    await client.end();
  }
}

it('starting together on an empty database, only one replica builds and publishes; the other waits for it, and both answer from it', async () => {
  const builders = replicas.filter((replica) => replica.bot.output.includes('no index yet: building it from the corpus first'));
  expect(builders.map((replica) => replica.name), replicas.map((replica) => replica.bot.output).join('\n----\n')).toHaveLength(1);
  const generations = await query<{ id: string }>(`SELECT id FROM ${names.t('generation')}`);
  expect(generations).toHaveLength(1);
  expect(await liveGeneration()).toBe(generations[0]!.id);

  const answers = await Promise.all(replicas.map((replica) => ask(replica, 'Who was Mike Pompeo?')));
  for (const answer of answers) expect(answer).toContain('Pompeo');
});

/** The replica that built the index at start (the other one waited for it). */
function builder(): Replica {
  return replicas.find((replica) => replica.bot.output.includes('no index yet: building it from the corpus first')) ?? replicas[0]!;
}

async function liveGeneration(): Promise<string | undefined> {
  return (await query<{ generation_id: string }>(`SELECT generation_id FROM ${names.t('live')}`))[0]?.generation_id;
}

it('a /reindex that fails in one replica is reported, and both keep answering from the live generation', async () => {
  const live = await liveGeneration();
  const other = replicas.find((replica) => replica !== builder())!;
  const away = `${workspace.corpusDir}.away`;
  await rename(workspace.corpusDir, away);
  try {
    const { standin } = other;
    const command = standin.sendSlashCommand({ name: 'reindex', user: standin.users.moderator });
    const reply = bodyOf(await waitForEdit(standin, command, ANSWER_MS));
    expect(reply.content).toMatch(/^The reindex failed and the current index was kept: The corpus directory .* does not exist/);
  } finally {
    await rename(away, workspace.corpusDir);
  }
  expect(await liveGeneration()).toBe(live);
  expect(await query(`SELECT holder FROM ${names.t('publish_lock')}`)).toEqual([]);
  const answers = await Promise.all(replicas.map((replica) => ask(replica, 'Who was Mike Pompeo?')));
  for (const answer of answers) expect(answer).toContain('Pompeo');
});

it('a re-index publishes a new generation, and both replicas switch to it without a restart and quote the new article', async () => {
  await writeFile(path.join(workspace.corpusDir, '900_foghorn.txt'), NEW_ARTICLE, 'utf8');
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', MODEL_DIR, CORPUS_DIR: workspace.corpusDir, INDEX_DIR: builder().indexDir, INDEX_STORE: 'postgres', DATABASE_URL: databaseUrl };
  const { stdout } = await run(TSX, [path.join(PROJECT_ROOT, 'scripts', 'index.ts')], { cwd: workspace.root, env, timeout: 120_000 });
  expect(stdout).toMatch(/1 added, 0 changed, 0 removed, 5 unchanged/);
  expect(stdout).toMatch(/1 articles inserted .*, 5 already there/);
  const generation = /Published generation (gen-\S+) to PostgreSQL/.exec(stdout)?.[1];
  expect(generation, stdout).toBeDefined();

  // Neither bot was restarted: the same processes, each logging the switch.
  await Promise.all(replicas.map((replica) => replica.bot.waitForLine(new RegExp(`"msg":"now answering from generation ${generation!}"`), SWITCH_MS)));
  for (const replica of replicas) expect(replica.bot.hasExited).toBe(false);

  const answers = await Promise.all(replicas.map((replica) => ask(replica, NEW_QUESTION)));
  for (const answer of answers) expect(answer).toContain('restore the old brass foghorn');
});
