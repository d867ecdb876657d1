/**
 * End-to-end harness for the bot: the real VerbatimBot (real discord.js Client) logged in to the
 * Discord stand-in, over a real Library built from a private copy of the seed corpus.
 *
 * `openTestLibrary()` builds the index once (call it in `beforeAll`); `startBot()` starts a stand-in
 * and a bot over it (several bots may share one library). `TestLibrary` wraps the real Library so a
 * test can make `ask` fail once, hold answers or a rebuild at a gate, and count calls.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { APIEmbed, APIMessage } from 'discord.js';
import { expect } from 'vitest';
import { Library, type ArticleSummary } from '../../../src/answer/library.js';
import type { AskOptions } from '../../../src/answer/engine.js';
import type { Answer } from '../../../src/answer/types.js';
import type { DiscordConfig } from '../../../src/core/config.js';
import { createLogger, type Logger } from '../../../src/core/logger.js';
import { VerbatimBot } from '../../../src/discord/bot.js';
import type { AnswerLibrary } from '../../../src/discord/context.js';
import { deployCommands } from '../../../src/discord/deploy-commands.js';
import type { BuildSummary } from '../../../src/index/build.js';
import { startDiscordStandin, type DiscordStandin, type DiscordStandinOptions, type InjectedInteraction, type RecordedRequest } from '../../support/discord-standin.js';
import { MODEL_OPTIONS, seedWorkspace, type SeedWorkspace } from '../../support/seed-index.js';

export const TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.test-token.verbatim-e2e-secret';
export const WAIT_MS = 30_000;

/** A way to pause something until the test lets it go. */
export class Gate {
  private release: (() => void) | undefined;
  readonly opened: Promise<void>;
  constructor() {
    this.opened = new Promise((resolve) => (this.release = resolve));
  }
  open(): void {
    this.release?.();
  }
}

/** The real Library behind hooks that tests control. */
export class TestLibrary implements AnswerLibrary {
  askCalls = 0;
  /** The options of the last `ask` (undefined when it had none). */
  lastAskOptions: AskOptions | undefined;
  /** When each `ask` was called (Unix ms). */
  readonly askTimes: number[] = [];
  rebuildCalls = 0;
  /** Errors the next `ask` calls throw, in order. */
  readonly askFailures: Error[] = [];
  /** When set, `ask` waits for it after answering (the question stays in flight). */
  askGate: Gate | undefined;
  /** When set, `rebuild` waits for it after the real rebuild has started (the rebuild stays in progress). */
  rebuildGate: Gate | undefined;
  private rebuildsRunning = 0;

  constructor(readonly real: Library) {}

  async ask(question: string, options?: AskOptions): Promise<Answer> {
    this.askCalls++;
    this.lastAskOptions = options;
    this.askTimes.push(Date.now());
    const failure = this.askFailures.shift();
    if (failure) throw failure;
    const answer = await this.real.ask(question, options);
    if (this.askGate) await this.askGate.opened;
    return answer;
  }

  articles(): ArticleSummary[] {
    return this.real.articles();
  }

  article(id: string): Promise<(ArticleSummary & { text: string }) | undefined> {
    return this.real.article(id);
  }

  get isRebuilding(): boolean {
    return this.rebuildsRunning > 0 || this.real.isRebuilding;
  }

  async rebuild(options?: Parameters<Library['rebuild']>[0]): Promise<BuildSummary> {
    this.rebuildCalls++;
    this.rebuildsRunning++;
    try {
      const running = this.real.rebuild(options);
      if (this.rebuildGate) await this.rebuildGate.opened;
      return await running;
    } finally {
      this.rebuildsRunning--;
    }
  }
}

/** A workspace with a built index, opened as a Library. */
export interface TestCorpus extends SeedWorkspace {
  library: Library;
}

/**
 * Copies the seed corpus to a temp dir, lets `prepare` add or change files, and builds and opens the
 * index there (with the model from MODEL_DIR).
 */
export async function openTestLibrary(prepare?: (corpusDir: string) => Promise<void>): Promise<TestCorpus> {
  const workspace = await seedWorkspace();
  if (prepare) await prepare(workspace.corpusDir);
  const library = await Library.open({
    config: { ...MODEL_OPTIONS, corpusDir: workspace.corpusDir, indexDir: workspace.indexDir },
    buildIfMissing: true,
  });
  return { ...workspace, library };
}

/** Adds an article file to a corpus directory. */
export function addArticle(corpusDir: string, file: string, text: string): Promise<void> {
  return writeFile(path.join(corpusDir, file), text, 'utf8');
}

/** Everything the bot logged, as parsed pino lines (and the raw text). */
export class LogCapture {
  readonly raw: string[] = [];
  write(line: string): void {
    this.raw.push(line);
  }
  get lines(): Record<string, unknown>[] {
    return this.raw.map((line) => JSON.parse(line) as Record<string, unknown>);
  }
  messages(): string[] {
    return this.lines.map((line) => String(line.msg ?? ''));
  }
}

export interface RunningBot {
  standin: DiscordStandin;
  bot: VerbatimBot;
  library: TestLibrary;
  logs: LogCapture;
  logger: Logger;
  config: DiscordConfig;
  /** Stops the bot and the stand-in. */
  close(): Promise<void>;
}

export interface StartBotOptions {
  standin?: DiscordStandinOptions;
  /** Discord settings, given the stand-in (for its ids). */
  config?: (standin: DiscordStandin) => Partial<DiscordConfig>;
  /** Register the commands with a bulk PUT first (default true). */
  deploy?: boolean;
}

/** The bot's Discord configuration for a stand-in: its token, application, guild and REST URL, the defaults, then `overrides`. */
export function testDiscordConfig(standin: DiscordStandin, overrides: Partial<DiscordConfig> & Pick<DiscordConfig, 'feedbackFile'>): DiscordConfig {
  return {
    // The database beside the (old-style) feedback file: the same file name ends in .db.
    databaseFile: overrides.feedbackFile.replace(/\.jsonl$/, '') + '.db',
    token: TOKEN,
    clientId: standin.applicationId,
    guildId: standin.guild.id,
    apiUrl: standin.apiUrl,
    askPublicDefault: false,
    mentionReplyMode: 'reply',
    maintainerRoleIds: [],
    maintainerUserIds: [],
    guildAllowlist: [],
    cooldownSeconds: 10,
    maxConcurrentQuestions: 2,
    maxQueuedQuestions: 20,
    ...overrides,
  };
}

/** Starts a stand-in and the bot over `library`, with its commands registered in the stand-in's guild. */
export async function startBot(library: TestLibrary, feedbackFile: string, options: StartBotOptions = {}): Promise<RunningBot> {
  const standin = await startDiscordStandin({ token: TOKEN, heartbeatIntervalMs: 1_000, ...options.standin });
  const logs = new LogCapture();
  const logger = createLogger({ level: 'debug', name: 'verbatim-test' }, logs);
  const config = testDiscordConfig(standin, { feedbackFile, ...options.config?.(standin) });
  if (options.deploy !== false) await deployCommands(config);
  const bot = await VerbatimBot.create({ config, library, logger });
  await bot.start();
  return {
    standin,
    bot,
    library,
    logs,
    logger,
    config,
    close: async () => {
      await bot.stop(5_000);
      await standin.close();
    },
  };
}

/** The path of an interaction's original response message, as discord.js edits it. */
export function originalPath(standin: DiscordStandin, injected: InjectedInteraction): string {
  return `/webhooks/${standin.applicationId}/${injected.token}/messages/@original`;
}

/** The initial callback request of an interaction. */
export function waitForCallback(standin: DiscordStandin, injected: InjectedInteraction, timeoutMs = WAIT_MS): Promise<RecordedRequest> {
  return standin.waitForRequest({ method: 'POST', path: `/interactions/${injected.id}/${injected.token}/callback` }, timeoutMs);
}

/** The edit of an interaction's original response (the answer after a deferral). */
export function waitForEdit(standin: DiscordStandin, injected: InjectedInteraction, timeoutMs = WAIT_MS): Promise<RecordedRequest> {
  return standin.waitForRequest({ method: 'PATCH', path: originalPath(standin, injected) }, timeoutMs);
}

/** A recorded request's JSON body as an object. */
export function bodyOf(request: RecordedRequest): Record<string, unknown> {
  expect(request.body).toBeTypeOf('object');
  return request.body as Record<string, unknown>;
}

/** The `data` of an interaction callback body. */
export function callbackData(request: RecordedRequest): Record<string, unknown> {
  const data = bodyOf(request).data;
  return (data ?? {}) as Record<string, unknown>;
}

/** The first embed of a message body. */
export function firstEmbed(body: Record<string, unknown> | APIMessage | undefined): APIEmbed {
  const embeds = (body as { embeds?: APIEmbed[] } | undefined)?.embeds;
  expect(embeds?.length).toBeGreaterThan(0);
  return embeds![0]!;
}

/** Sends `/ask` and waits for the deferral and the edited answer. */
export async function ask(
  running: RunningBot,
  question: string,
  actor: Omit<Parameters<DiscordStandin['sendSlashCommand']>[0], 'name' | 'options'> & { public?: boolean } = {},
): Promise<{ injected: InjectedInteraction; callback: RecordedRequest; edit: RecordedRequest; embed: APIEmbed }> {
  const { public: isPublic, ...where } = actor;
  const injected = running.standin.sendSlashCommand({
    name: 'ask',
    options: isPublic === undefined ? { question } : { question, public: isPublic },
    user: where.user ?? running.standin.createUser(`asker${Math.random().toString(36).slice(2, 8)}`),
    ...where,
  });
  const callback = await waitForCallback(running.standin, injected);
  const edit = await waitForEdit(running.standin, injected);
  return { injected, callback, edit, embed: firstEmbed(bodyOf(edit)) };
}

/** A fresh user (so cooldowns from other tests do not apply). */
export function freshUser(running: RunningBot, name = 'user'): ReturnType<DiscordStandin['createUser']> {
  return running.standin.createUser(`${name}${Math.random().toString(36).slice(2, 8)}`);
}

/** Resolves once `predicate` holds (polled), or rejects after `timeoutMs`. */
export async function until(predicate: () => boolean, what: string, timeoutMs = WAIT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
