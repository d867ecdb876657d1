/**
 * End to end: the bot under stress. The real discord.js client logged in to the Discord stand-in, over a
 * real Library built from the seed corpus (and, for shutdown, the real `scripts/start.ts` in a child
 * process):
 *
 * 1. a /reindex while questions keep arriving: none is lost or fails, and each answer cites the index
 *    generation that was live when its question reached the library (old before the swap, new after);
 * 2. Discord faults: a dropped gateway (resumed, the missed /ask replayed), 5xx on the answer edit
 *    (retried; a persistent failure is logged and the user told), a 429 (its retry-after honoured);
 * 3. abuse: 200 /ask from 20 users at once: exactly one acknowledgement each, none late, none twice;
 * 4. SIGTERM while an answer is in flight: the answer is still delivered and the process exits 0.
 */
import { appendFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { InteractionResponseType, MessageFlags, type APIEmbed, type APIUser } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { Library, RebuildOptions } from '../../src/answer/library.js';
import type { Answer } from '../../src/answer/types.js';
import { BUSY_MESSAGE, ERROR_MESSAGE, STOPPING_MESSAGE } from '../../src/discord/render/notices.js';
import { buildIndex, type BuildSummary } from '../../src/index/build.js';
import type { InjectedInteraction, RecordedRequest } from '../support/discord-standin.js';
import { startDiscordStandin } from '../support/discord-standin.js';
import { MODEL_DIR } from '../support/env.js';
import { seedWorkspace, type SeedWorkspace } from '../support/seed-index.js';
import { expectVerbatimAnswer, sourcesOf } from './helpers/embeds.js';
import {
  addArticle,
  ask,
  bodyOf,
  callbackData,
  firstEmbed,
  freshUser,
  Gate,
  openTestLibrary,
  originalPath,
  startBot,
  TestLibrary,
  TOKEN,
  until,
  waitForCallback,
  waitForEdit,
  WAIT_MS,
  type RunningBot,
  type TestCorpus,
} from './helpers/harness.js';
import { spawnBot, within, type BotProcess } from './helpers/process.js';

const QUESTIONS = [
  'Who was Mike Pompeo?',
  'How did Trump describe the talks Witkoff held with Putin?',
  'Where do Russian and American interests collide in regional conflicts?',
  'Since when has the relationship between Russia and the U.S. been rocky?',
];

/** The generation a Library is serving now. */
function generationOf(library: Library): string {
  return library.store.generation.id;
}

/** The index generation an answer embed names in its footer. */
function footerGeneration(embed: APIEmbed): string {
  const match = /index (gen-\S+)/.exec(embed.footer?.text ?? '');
  expect(match, `footer without a generation: ${embed.footer?.text}`).not.toBeNull();
  return match![1]!;
}

/** Requests for an interaction: its callbacks, edits of @original, and follow-ups. */
function requestsFor(running: RunningBot, one: InjectedInteraction): { callbacks: RecordedRequest[]; edits: RecordedRequest[]; followups: RecordedRequest[] } {
  const { standin } = running;
  const callbackPath = `/interactions/${one.id}/${one.token}/callback`;
  const webhook = `/webhooks/${standin.applicationId}/${one.token}`;
  return {
    callbacks: standin.requests.filter((r) => r.method === 'POST' && r.path === callbackPath),
    edits: standin.requests.filter((r) => r.method === 'PATCH' && r.path === originalPath(standin, one)),
    followups: standin.requests.filter((r) => r.method === 'POST' && r.path === webhook),
  };
}

/** Waits for an interaction's deferral (failing at once if it got anything else) and then its edited-in answer. */
async function deferredThenEdited(running: RunningBot, one: InjectedInteraction): Promise<RecordedRequest> {
  const callback = await waitForCallback(running.standin, one);
  expect(bodyOf(callback).type, `callback of ${one.id}: ${JSON.stringify(callback.body)}`).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
  expect(callback.response?.status, `callback of ${one.id} answered ${JSON.stringify(callback.response?.body)}`).toBeLessThan(300);
  const edit = await waitForEdit(running.standin, one);
  expect(edit.response?.status).toBe(200);
  return edit;
}

/** The real Library behind TestLibrary's hooks, also recording which generation each question was answered from. */
class GenerationLibrary extends TestLibrary {
  /** One entry per `ask`, in call order: the generation live at the call, whether a rebuild ran, what the answer cites. */
  readonly calls: { question: string; live: string; rebuilding: boolean; cited: string | undefined }[] = [];

  override async ask(question: string): Promise<Answer> {
    // TestLibrary calls the real Library synchronously, so `live` is the index this question gets.
    const call = { question, live: generationOf(this.real), rebuilding: this.real.isRebuilding, cited: undefined as string | undefined };
    this.calls.push(call);
    const answer = await super.ask(question);
    call.cited = answer.index.generation;
    return answer;
  }

  /** When set, the rebuild waits for it after building and before swapping the new index in. */
  beforeSwap: (() => Promise<void>) | undefined;

  override rebuild(options: RebuildOptions = {}): Promise<BuildSummary> {
    return super.rebuild(this.beforeSwap ? { ...options, beforeSwap: this.beforeSwap } : options);
  }
}

/**
 * A new article of 60 distinct sentences. The rebuild embeds it in a child process, so the bot keeps
 * acknowledging questions meanwhile (on the main thread this blocked the event loop for about 2 s).
 */
function ferryArticle(): string {
  const lines = ['Ferry Traffic to Vardø', ''];
  for (let i = 1; i <= 60; i++) {
    lines.push(
      `On day ${i} of the winter timetable, ferry number ${i} of the Tromsø harbour authority carried ${100 + i * 7} passengers and ${i * 3} cars to the island of Vardø.`,
    );
  }
  return lines.join('\n');
}

// ---- 2–4 share one seed workspace, which they only read ---------------------------------------------------

let shared: TestCorpus;
let sharedLibrary: TestLibrary;

beforeAll(async () => {
  shared = await openTestLibrary();
  sharedLibrary = new TestLibrary(shared.library);
});

afterAll(async () => {
  await shared?.cleanup();
});

// ---- 1. re-indexing while serving ------------------------------------------------------------------------

describe('re-indexing while questions keep arriving', () => {
  let corpus: TestCorpus;
  let library: GenerationLibrary;
  let running: RunningBot;

  beforeAll(async () => {
    corpus = await openTestLibrary();
    library = new GenerationLibrary(corpus.library);
    running = await startBot(library, path.join(corpus.root, 'feedback.jsonl'), {
      config: () => ({ cooldownSeconds: 0, maxQueuedQuestions: 1_000 }),
    });
  });

  afterAll(async () => {
    await running?.close();
    await corpus?.cleanup();
  });

  it('switches to the new index with no answer lost or failed, each citing the generation live when it was asked', async () => {
    const { standin } = running;
    const MAX_QUESTIONS = 400;
    const PUMP_MS = 45_000;
    const AFTER_REPORT = 10;
    const DURING = 5;
    const firstCall = library.calls.length; // the warm-up question is not part of the test
    const oldGeneration = generationOf(corpus.library);

    // Questions from distinct users every ~50 ms, until told to stop (bounded in count and time).
    const injected: InjectedInteraction[] = [];
    const milestones: { n: number; resolve: () => void }[] = [];
    const reached = (n: number): Promise<void> =>
      injected.length >= n ? Promise.resolve() : new Promise((resolve) => milestones.push({ n, resolve }));
    let stop = false;
    const pumpDeadline = Date.now() + PUMP_MS;
    const pump = (async () => {
      for (let i = 0; i < MAX_QUESTIONS && !stop && Date.now() < pumpDeadline; i++) {
        injected.push(
          standin.sendSlashCommand({
            name: 'ask',
            options: { question: `${QUESTIONS[i % QUESTIONS.length]} (${i})` },
            user: standin.createUser(`steady${i}`),
          }),
        );
        for (const m of milestones.filter((m) => injected.length >= m.n)) m.resolve();
        await sleep(50);
      }
    })();
    onTestFinished(async () => {
      stop = true;
      await pump;
    });
    const pumpStopped = pump.then(() => {
      throw new Error(`the question loop stopped (after ${injected.length} questions) before the test was done`);
    });
    const whilePumping = <T>(promise: Promise<T>): Promise<T> => Promise.race([promise, pumpStopped]);

    // Some questions are answered from the old index first.
    await whilePumping(reached(5));
    await deferredThenEdited(running, injected[4]!);

    // A corpus edit (one article changed, one added), then /reindex by a maintainer.
    const edited = corpus.library.articles().find((a) => a.id.startsWith('004'))!;
    await appendFile(path.join(corpus.corpusDir, edited.path), '\n\nThe Kremlin later said the summit venue would be announced by the envoy in Reykjavik on Friday.\n');
    await addArticle(corpus.corpusDir, '950_ferries.txt', ferryArticle());
    // The rebuild is held once the new index is built, before it is swapped in, until a few more
    // questions have been answered meanwhile (the build itself runs in a child process).
    const release = new Gate();
    let building!: () => void;
    const buildHeld = new Promise<void>((resolve) => (building = resolve));
    library.beforeSwap = async () => {
      building();
      await release.opened;
    };
    onTestFinished(() => release.open());

    const beforeReindex = injected.length;
    const reindex = standin.sendSlashCommand({ name: 'reindex', user: standin.users.moderator });
    expect(bodyOf(await whilePumping(waitForCallback(standin, reindex))).type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
    await whilePumping(within(buildHeld, WAIT_MS, 'the rebuild to finish building'));
    const duringFrom = injected.length;
    await whilePumping(reached(duringFrom + DURING));
    await deferredThenEdited(running, injected[duringFrom + DURING - 1]!);
    expect(library.isRebuilding).toBe(true);
    release.open();
    const report = firstEmbed(bodyOf(await whilePumping(waitForEdit(standin, reindex, 60_000))));
    const afterReport = injected.length;
    expect(report.title).toBe('Index rebuilt');
    expect(report.description).toContain('1 changed · 1 added · 0 removed · 4 unchanged');
    const newGeneration = generationOf(corpus.library);
    expect(newGeneration).not.toBe(oldGeneration);

    // Keep asking for a while on the new index, then stop.
    await whilePumping(reached(afterReport + AFTER_REPORT));
    stop = true;
    await pump;

    // Every question was deferred and then answered, exactly once each.
    const cited = await Promise.all(
      injected.map(async (one) => footerGeneration(firstEmbed(bodyOf(await deferredThenEdited(running, one))))),
    );
    for (const one of injected) {
      const { callbacks, edits, followups } = requestsFor(running, one);
      expect([callbacks.length, edits.length, followups.length]).toEqual([1, 1, 0]);
      expect(one.record.lateCallbacks).toBe(0);
    }

    // Each answer cites the generation that was live when its question reached the library…
    const calls = library.calls.slice(firstCall);
    expect(calls).toHaveLength(injected.length);
    const byQuestion = new Map(calls.map((call) => [call.question, call]));
    injected.forEach((one, i) => {
      const question = `${QUESTIONS[i % QUESTIONS.length]} (${i})`;
      const call = byQuestion.get(question);
      expect(call, question).toBeDefined();
      expect(call!.cited).toBe(call!.live);
      expect(cited[i], question).toBe(call!.live);
    });
    // …which was the old one, and then (once, for good) the new one.
    const sequence = calls.map((call) => call.live);
    expect(new Set(sequence)).toEqual(new Set([oldGeneration, newGeneration]));
    const switchAt = sequence.indexOf(newGeneration);
    expect(sequence.slice(0, switchAt).every((g) => g === oldGeneration)).toBe(true);
    expect(sequence.slice(switchAt).every((g) => g === newGeneration)).toBe(true);
    // Questions were answered from the old index while the rebuild ran.
    expect(calls.filter((call) => call.rebuilding && call.live === oldGeneration).length).toBeGreaterThanOrEqual(DURING);
    expect(cited.slice(duringFrom, duringFrom + DURING).every((g) => g === oldGeneration)).toBe(true);
    // Those asked before /reindex cite the old index; those after its report, the new one.
    expect(cited.slice(0, beforeReindex).every((g) => g === oldGeneration)).toBe(true);
    expect(cited.slice(afterReport)).toHaveLength(injected.length - afterReport);
    expect(cited.slice(afterReport).every((g) => g === newGeneration)).toBe(true);
    expect(injected.length - afterReport).toBeGreaterThanOrEqual(AFTER_REPORT);

    // The new article is answerable.
    const { embed } = await ask(running, 'How many passengers did ferry number 12 carry to Vardø?');
    expect(footerGeneration(embed)).toBe(newGeneration);
    expect(sourcesOf(embed).map((s) => s.file)).toContain('950_ferries.txt');
    await expectVerbatimAnswer(embed, library);

    expect(running.logs.messages()).not.toContain('interaction handler failed');
    expect(standin.violations).toEqual([]);
  }, 90_000);
});

// ---- 2. Discord faults ---------------------------------------------------------------------------------

describe('Discord faults', () => {
  let running: RunningBot;

  beforeAll(async () => {
    running = await startBot(sharedLibrary, path.join(shared.root, 'feedback-faults.jsonl'));
  });

  afterAll(async () => {
    await running?.close();
  });

  it('resumes after the gateway drops, answers the /ask Discord replays on resume and the next one', async () => {
    const { standin } = running;
    const identifies = standin.identifies.length;
    await standin.dropConnection();
    const whileDown = standin.sendSlashCommand({ name: 'ask', options: { question: 'Who was Mike Pompeo?' }, user: freshUser(running) });
    expect(whileDown.delivery).toBe('queued');

    const resumed = await standin.waitForResume(1, WAIT_MS);
    expect(resumed.replayed).toBeGreaterThanOrEqual(1);
    expect(standin.identifies).toHaveLength(identifies); // resumed, not a new session

    expect(bodyOf(await waitForCallback(standin, whileDown)).type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
    await expectVerbatimAnswer(firstEmbed(bodyOf(await waitForEdit(standin, whileDown))), sharedLibrary);
    expect(whileDown.record.lateCallbacks).toBe(0);

    const after = await ask(running, 'How did Trump describe the talks Witkoff held with Putin?', { user: freshUser(running) });
    await expectVerbatimAnswer(after.embed, sharedLibrary);
    await until(() => running.logs.messages().includes('gateway resumed'), 'the resume to be logged');
    expect(standin.violations).toEqual([]);
  });

  it('resumes after an abrupt disconnect (no close frame) too', async () => {
    const { standin } = running;
    const resumes = standin.gatewayEvents.filter((e) => e.kind === 'resumed').length;
    await standin.dropConnection({ terminate: true });
    const whileDown = standin.sendSlashCommand({ name: 'ask', options: { question: 'Who was Mike Pompeo?' }, user: freshUser(running) });
    expect(whileDown.delivery).toBe('queued');
    await standin.waitForResume(resumes + 1, WAIT_MS);
    await expectVerbatimAnswer(firstEmbed(bodyOf(await deferredThenEdited(running, whileDown))), sharedLibrary);
    expect(whileDown.record.lateCallbacks).toBe(0);
  });

  it('retries a 5xx on the answer edit, and the answer lands', async () => {
    const { standin } = running;
    const injected = standin.sendSlashCommand({ name: 'ask', options: { question: 'Who was Mike Pompeo?' }, user: freshUser(running) });
    const edit = { method: 'PATCH', path: originalPath(standin, injected) };
    const failing = standin.injectFault({ match: edit, status: 503, times: 2 });
    const delivered = await standin.waitForRequest((r) => r.method === 'PATCH' && r.path === edit.path && r.response?.status === 200, WAIT_MS);
    expect(failing.hits).toBe(2);
    const attempts = requestsFor(running, injected).edits;
    expect(attempts.map((r) => r.response?.status)).toEqual([503, 503, 200]);
    await expectVerbatimAnswer(firstEmbed(bodyOf(delivered)), sharedLibrary);
  });

  it('logs an edit that keeps failing with 5xx, tells the user, and answers their next question at once', async () => {
    const { standin } = running;
    const user = freshUser(running);
    const injected = standin.sendSlashCommand({ name: 'ask', options: { question: 'Who was Mike Pompeo?' }, user });
    const path = originalPath(standin, injected);
    const failing = standin.injectFault({ match: { method: 'PATCH', path }, status: 502, times: 5 });
    const notice = await standin.waitForRequest((r) => r.method === 'PATCH' && r.path === path && r.response?.status === 200, WAIT_MS);
    expect(failing.hits).toBe(5);

    // discord.js tried the answer 4 times (1 + its 3 retries), then gave up; the handler logged it with
    // the status and replaced the "thinking…" message with the error notice (after one more 502).
    const attempts = requestsFor(running, injected).edits;
    const answerAttempts = attempts.filter((r) => Array.isArray(bodyOf(r).embeds));
    expect(answerAttempts.map((r) => r.response?.status)).toEqual([502, 502, 502, 502]);
    expect(bodyOf(notice).content).toBe(ERROR_MESSAGE);
    const logged = running.logs.lines.find((line) => line.msg === 'interaction handler failed' && line.command === 'ask' && line.user === user.id);
    expect(logged, 'the failure is logged').toBeDefined();
    expect(JSON.stringify(logged!.err)).toContain('502');
    expect(running.logs.raw.join('\n')).not.toContain(TOKEN);

    // The same user asks again within the 10 s cooldown: the failed answer gave it back.
    const next = await ask(running, 'Who was Mike Pompeo?', { user });
    await expectVerbatimAnswer(next.embed, sharedLibrary);
  });

  it('logs when even the error notice cannot be delivered, and keeps answering', async () => {
    const { standin } = running;
    const user = freshUser(running);
    const injected = standin.sendSlashCommand({ name: 'ask', options: { question: 'Who was Mike Pompeo?' }, user });
    const path = originalPath(standin, injected);
    const failing = standin.injectFault({ match: { method: 'PATCH', path }, status: 500, times: 1_000 });
    onTestFinished(() => failing.cancel());
    await waitForCallback(standin, injected);
    await until(() => running.logs.messages().includes('could not tell the user that handling failed'), 'the undeliverable notice to be logged');
    // 4 attempts for the answer, 4 for the notice; nothing else is sent for this interaction.
    const attempts = requestsFor(running, injected);
    expect(attempts.edits.map((r) => r.response?.status)).toEqual(Array(8).fill(500));
    expect(attempts.followups).toEqual([]);
    expect(running.logs.lines.some((line) => line.msg === 'interaction handler failed' && line.user === user.id)).toBe(true);
    failing.cancel();

    const next = await ask(running, 'Who was Mike Pompeo?', { user: freshUser(running) });
    await expectVerbatimAnswer(next.embed, sharedLibrary);
  });

  it('waits for the retry-after of a 429 on the edit before trying again', async () => {
    const { standin } = running;
    const injected = standin.sendSlashCommand({ name: 'ask', options: { question: 'Who was Mike Pompeo?' }, user: freshUser(running) });
    const path = originalPath(standin, injected);
    const limited = standin.injectFault({ match: { method: 'PATCH', path }, status: 429, retryAfterSeconds: 1 });
    const delivered = await standin.waitForRequest((r) => r.method === 'PATCH' && r.path === path && r.response?.status === 200, WAIT_MS);
    expect(limited.hits).toBe(1);
    const attempts = requestsFor(running, injected).edits;
    expect(attempts.map((r) => r.response?.status)).toEqual([429, 200]);
    const waited = attempts[1]!.time - attempts[0]!.time;
    expect(waited).toBeGreaterThanOrEqual(1_000);
    expect(waited).toBeLessThan(10_000);
    await expectVerbatimAnswer(firstEmbed(bodyOf(delivered)), sharedLibrary);
    expect(standin.violations).toEqual([]);
  });
});

// ---- 3. abuse ------------------------------------------------------------------------------------------

describe('a burst of questions', () => {
  let running: RunningBot;

  beforeAll(async () => {
    // The defaults: 10 s cooldown, 2 answered at once, 20 waiting.
    running = await startBot(sharedLibrary, path.join(shared.root, 'feedback-burst.jsonl'));
    expect(running.config).toMatchObject({ cooldownSeconds: 10, maxConcurrentQuestions: 2, maxQueuedQuestions: 20 });
  });

  afterAll(async () => {
    await running?.close();
  });

  it('acknowledges each of 200 /ask from 20 users exactly once, in time, and answers a fresh user after', async () => {
    const { standin } = running;
    const USERS = 20;
    const EACH = 10;
    const users = Array.from({ length: USERS }, (_, u) => standin.createUser(`burst${u}`));
    // All at once: round after round, each of the 20 users asks again.
    const burst: { user: APIUser; one: InjectedInteraction }[] = [];
    for (let round = 0; round < EACH; round++) {
      for (const user of users) {
        burst.push({ user, one: standin.sendSlashCommand({ name: 'ask', options: { question: QUESTIONS[round % QUESTIONS.length]! }, user }) });
      }
    }
    expect(burst.every((b) => b.one.delivery === 'delivered')).toBe(true);

    const outcomes = await Promise.all(
      burst.map(async ({ user, one }) => {
        const callback = await waitForCallback(standin, one);
        const type = bodyOf(callback).type;
        if (type === InteractionResponseType.DeferredChannelMessageWithSource) {
          const edit = await waitForEdit(standin, one);
          expect(edit.response?.status).toBe(200);
          await expectVerbatimAnswer(firstEmbed(bodyOf(edit)), sharedLibrary);
          return { user: user.id, kind: 'answer' as const };
        }
        expect(type).toBe(InteractionResponseType.ChannelMessageWithSource);
        expect(callbackData(callback).flags).toBe(MessageFlags.Ephemeral);
        const content = String(callbackData(callback).content);
        if (content === BUSY_MESSAGE) return { user: user.id, kind: 'busy' as const };
        expect(content).toMatch(/^Slow down a little — you can ask again in \d+s\.$/);
        return { user: user.id, kind: 'cooldown' as const };
      }),
    );

    // Exactly one acknowledgement per interaction (a callback, plus the answer edit after a deferral), none late.
    for (const { one } of burst) {
      const { callbacks, edits, followups } = requestsFor(running, one);
      expect(callbacks).toHaveLength(1);
      expect(callbacks[0]!.response?.status).toBeLessThan(300);
      expect(edits.length).toBe(bodyOf(callbacks[0]!).type === InteractionResponseType.DeferredChannelMessageWithSource ? 1 : 0);
      expect(followups).toEqual([]);
      expect(one.record.lateCallbacks).toBe(0);
    }
    expect(standin.violations.filter((v) => v.code === 10062 || v.code === 40060)).toEqual([]);
    expect(standin.violations).toEqual([]);

    // Counted: every user's first question fits in the 2 + 20 places, so each user gets exactly one
    // answer and is told to slow down nine times; nobody is turned away as busy.
    const count = (kind: string): number => outcomes.filter((o) => o.kind === kind).length;
    expect(count('answer') + count('cooldown') + count('busy')).toBe(USERS * EACH);
    expect({ answer: count('answer'), cooldown: count('cooldown'), busy: count('busy') }).toEqual({ answer: USERS, cooldown: USERS * (EACH - 1), busy: 0 });
    for (const user of users) expect(outcomes.filter((o) => o.user === user.id && o.kind === 'answer')).toHaveLength(1);

    // Straight after, a new user is answered.
    const fresh = await ask(running, 'Since when has the relationship between Russia and the U.S. been rocky?', { user: freshUser(running) });
    await expectVerbatimAnswer(fresh.embed, sharedLibrary);
    expect(running.logs.messages()).not.toContain('interaction handler failed');
  }, 90_000);
});

// ---- 4. shutdown of the real process -------------------------------------------------------------------

describe('SIGTERM to `npm start`', () => {
  let workspace: SeedWorkspace;
  let bot: BotProcess | undefined;

  beforeAll(async () => {
    // A workspace of its own whose index is built before the process starts.
    workspace = await seedWorkspace();
    await buildIndex({ corpusDir: workspace.corpusDir, indexDir: workspace.indexDir, embeddings: shared.library.embeddings });
  });

  afterAll(async () => {
    bot?.kill();
    await workspace?.cleanup();
  });

  it('finishes the answer in flight, turns new questions away, exits 0 and never prints the token', async () => {
    const standin = await startDiscordStandin({ token: TOKEN, heartbeatIntervalMs: 1_000 });
    onTestFinished(() => standin.close());
    bot = spawnBot({
      DISCORD_TOKEN: TOKEN,
      DISCORD_API_URL: standin.apiUrl,
      CORPUS_DIR: workspace.corpusDir,
      INDEX_DIR: workspace.indexDir,
      MODEL_DIR,
      FEEDBACK_FILE: path.join(workspace.root, 'feedback.jsonl'),
      DATABASE_FILE: path.join(workspace.root, 'verbatim.db'),
      LOG_LEVEL: 'info',
    });
    const proc = bot;
    onTestFinished(() => proc.kill());

    await standin.waitForIdentify(1, 60_000);
    await standin.waitForReady(1, 5_000);
    await proc.waitForLine(/"msg":"ready: /, 10_000);

    // The stand-in holds the answer edit for 2 s before answering it, so the answer is certainly still in
    // flight when SIGTERM arrives (sent as soon as the deferral is seen).
    const inFlight = standin.sendSlashCommand({ name: 'ask', options: { question: 'How did Trump describe the talks Witkoff held with Putin?' }, user: standin.createUser('asker') });
    standin.injectFault({ match: { method: 'PATCH', path: originalPath(standin, inFlight) }, delayMs: 2_000 });
    expect(bodyOf(await waitForCallback(standin, inFlight)).type).toBe(InteractionResponseType.DeferredChannelMessageWithSource);
    const signalled = Date.now();
    expect(proc.child.kill('SIGTERM')).toBe(true);

    // It stops taking questions at once…
    const stoppingLine = await proc.waitForLine(/"msg":"stopping: finishing answers in progress"/, 10_000);
    expect(JSON.parse(stoppingLine)).toMatchObject({ inFlight: 1 });
    const late = standin.sendSlashCommand({ name: 'ask', options: { question: 'Who was Mike Pompeo?' }, user: standin.createUser('late') });
    const lateCallback = await waitForCallback(standin, late);
    expect(callbackData(lateCallback)).toMatchObject({ content: STOPPING_MESSAGE, flags: MessageFlags.Ephemeral });

    // …the answer in flight is still edited in, and then it closes the gateway and exits 0.
    const edit = await waitForEdit(standin, inFlight, 20_000);
    expect(edit.response?.status).toBe(200);
    await expectVerbatimAnswer(firstEmbed(bodyOf(edit)), sharedLibrary);
    const exit = await within(proc.exited, 25_000, 'the bot process to exit');
    expect(exit).toEqual({ code: 0, signal: null });
    expect(Date.now() - signalled).toBeLessThan(25_000);
    const close = await standin.waitForGatewayEvent((e) => e.kind === 'close', 1_000, 'the gateway to close');
    expect(close.time).toBeGreaterThanOrEqual(edit.time);

    const lines = proc.output.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
    const order = (msg: string): number => lines.findIndex((line) => line.msg === msg);
    expect(order('SIGTERM: stopping')).toBeGreaterThanOrEqual(0);
    expect(order('SIGTERM: stopping')).toBeLessThan(order('answered /ask'));
    expect(order('answered /ask')).toBeLessThan(order('stopped'));
    expect(proc.output).not.toContain(TOKEN);
    expect(standin.violations).toEqual([]);
  }, 90_000);
});
