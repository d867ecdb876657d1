/**
 * `npm start`'s entry point (scripts/start.ts, a child process) with HEALTH_PORT=0: the listener starts
 * before the model loads and logs its address; /healthz answers at once, /readyz is 503 with a reason
 * until the bot is online and 200 after; /metrics counts a question; SIGTERM exits 0. Logs are JSON
 * when piped, pretty with LOG_FORMAT=pretty. Needs the model (MODEL_DIR or ../shared/models).
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { startDiscordStandin } from '../support/discord-standin.js';
import { MODEL_DIR } from '../support/env.js';
import { openTestLibrary, TOKEN, waitForEdit, type TestCorpus } from './helpers/harness.js';
import { spawnBot, within } from './helpers/process.js';

let corpus: TestCorpus;

beforeAll(async () => {
  corpus = await openTestLibrary();
});

afterAll(async () => {
  await corpus?.cleanup();
});

async function get(url: string): Promise<{ status: number; body: string }> {
  const response = await fetch(url);
  return { status: response.status, body: await response.text() };
}

describe('npm start with HEALTH_PORT', () => {
  it('answers /healthz while loading, /readyz 503 then 200, counts a question, and stops cleanly', async () => {
    const standin = await startDiscordStandin({ token: TOKEN, heartbeatIntervalMs: 1_000 });
    onTestFinished(() => standin.close());
    const proc = spawnBot({
      DISCORD_TOKEN: TOKEN,
      DISCORD_API_URL: standin.apiUrl,
      CORPUS_DIR: corpus.corpusDir,
      INDEX_DIR: corpus.indexDir,
      MODEL_DIR,
      FEEDBACK_FILE: path.join(corpus.root, 'feedback.jsonl'),
      DATABASE_FILE: path.join(corpus.root, 'verbatim.db'),
      LOG_LEVEL: 'info',
      HEALTH_PORT: '0',
    });
    onTestFinished(() => proc.kill());

    const line = await proc.waitForLine(/"msg":"health and metrics on /, 30_000);
    const { url } = JSON.parse(line) as { url: string };
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    // The listener comes up before the model loads: alive, not ready, and says why.
    expect(proc.output).not.toContain('model and index loaded');
    expect((await get(`${url}/healthz`)).status).toBe(200);
    const early = await get(`${url}/readyz`);
    expect(early.status).toBe(503);
    expect(JSON.parse(early.body)).toMatchObject({ status: 'not ready', reason: expect.any(String) as string });

    await proc.waitForLine(/"msg":"ready: /, 60_000);
    const ready = await get(`${url}/readyz`);
    expect(ready.status, ready.body).toBe(200);

    const asked = standin.sendSlashCommand({ name: 'ask', options: { question: 'Who was Mike Pompeo?' }, user: standin.createUser('asker') });
    await waitForEdit(standin, asked);
    // The bot counts the question just after Discord has answered its edit: scrape until it shows.
    let metrics = await get(`${url}/metrics`);
    for (let tries = 0; tries < 200 && !metrics.body.includes('verbatim_questions_total{outcome="answered",via="slash"} 1'); tries++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      metrics = await get(`${url}/metrics`);
    }
    expect(metrics.body).toMatch(/^verbatim_questions_total\{outcome="answered",via="slash"\} 1$/m);
    expect(metrics.body).toMatch(/^verbatim_index_info\{generation="gen-[^"]+"\} 1$/m);
    expect(metrics.body).toMatch(/^process_cpu_seconds_total \d/m);

    // Piped, the log is JSON lines throughout.
    const logLines = proc.output.split('\n').filter((l) => l.trim().length > 0);
    for (const l of logLines) expect(() => JSON.parse(l) as unknown, l).not.toThrow();

    expect(proc.child.kill('SIGTERM')).toBe(true);
    expect(await within(proc.exited, 30_000, 'the bot to exit')).toEqual({ code: 0, signal: null });
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });

  it('with LOG_FORMAT=pretty, writes readable lines (no JSON) from the entry point', async () => {
    const standin = await startDiscordStandin({ token: TOKEN });
    onTestFinished(() => standin.close());
    // A model directory that does not exist: it fails right after the first log lines, without loading anything.
    const proc = spawnBot({
      DISCORD_TOKEN: TOKEN,
      DISCORD_API_URL: standin.apiUrl,
      CORPUS_DIR: corpus.corpusDir,
      INDEX_DIR: corpus.indexDir,
      MODEL_DIR: path.join(corpus.root, 'no-model'),
      MODEL_CACHE_DIR: path.join(corpus.root, 'no-cache'),
      MODEL_HUB_URL: `${standin.apiUrl}/no-hub`,
      LOG_FORMAT: 'pretty',
      HEALTH_PORT: '0',
    });
    onTestFinished(() => proc.kill());
    await within(proc.exited, 60_000, 'the bot to exit');
    expect(proc.output).toMatch(/^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\] INFO \(verbatim\): health and metrics on http:\/\/127\.0\.0\.1:\d+ /m);
    expect(proc.output).toMatch(/^\[[^\]]+\] INFO \(verbatim\): loading the model and the index /m);
    expect(proc.output).not.toContain('{"level"');
    expect(proc.output).not.toContain(TOKEN);
  });
});
