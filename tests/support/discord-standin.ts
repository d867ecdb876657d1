/**
 * A Discord stand-in for end-to-end tests: an HTTP + WebSocket server on 127.0.0.1 that the real discord.js
 * `Client` logs in to (`rest: { api: standin.apiUrl }`). It serves the REST routes the bot uses and a
 * gateway, records every request, injects slash commands / autocomplete / buttons / messages, enforces
 * Discord's payload limits (answering 400 like Discord), and can inject 429s, 5xx and dropped connections.
 *
 * ```ts
 * const standin = await startDiscordStandin();
 * const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: standin.apiUrl } });
 * await client.login('test-token');
 * const { id } = standin.sendSlashCommand({ name: 'ask', options: { question: 'Who won?' } });
 * const edit = await standin.waitForRequest((r) => r.method === 'PATCH' && r.path.endsWith('/messages/@original'));
 * await client.destroy();
 * await standin.close();
 * ```
 *
 * Destroy the client before closing the stand-in, or discord.js keeps trying to reconnect.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIApplicationCommand, APIChannel, APIMessage, APIThreadChannel, APIUser } from 'discord.js';
import { buildGuildFixture, guildCreatePayload, type FixtureUsers, type GuildFixture, type GuildFixtureOptions } from './discord/fixtures.js';
import { Gateway, PRIVILEGED_INTENTS, shardOf, type GatewayEvent } from './discord/gateway.js';
import {
  Fault,
  compileMatcher,
  flattenHeaders,
  parseAuth,
  parseBody,
  readBody,
  type FaultHandle,
  type FaultSpec,
  type RecordedRequest,
  type RequestMatcher,
} from './discord/http.js';
import {
  Injector,
  type AutocompleteInput,
  type ButtonInput,
  type InjectedInteraction,
  type InjectedMessage,
  type MessageInput,
  type SlashCommandInput,
} from './discord/inject.js';
import { RestRoutes, type RestResult } from './discord/rest.js';
import { StandinState, type InteractionRecord } from './discord/state.js';
import { isRecord, type FormIssue } from './discord/validate.js';
import { WaitableLog } from './discord/wait.js';

export type { GatewayEvent } from './discord/gateway.js';
export { shardOf } from './discord/gateway.js';
export { guildIdOnShard } from './discord/snowflake.js';
export type { FaultHandle, FaultSpec, RecordedFile, RecordedRequest, RequestMatcher } from './discord/http.js';
export type { InteractionRecord } from './discord/state.js';
export type { FormIssue } from './discord/validate.js';
export type { FixtureUsers, GuildFixture, GuildFixtureOptions } from './discord/fixtures.js';
export type {
  AutocompleteInput,
  ButtonInput,
  InjectedInteraction,
  InjectedMessage,
  InteractionActor,
  MessageInput,
  OptionValue,
  SlashCommandInput,
} from './discord/inject.js';

/** How long the `waitFor…` helpers wait by default. */
export const DEFAULT_WAIT_MS = 5_000;

/** Stand-in settings; all optional. */
export interface DiscordStandinOptions {
  /** The bot token. When set, REST answers 401 and the gateway closes 4004 for any other token; otherwise any token works. */
  token?: string;
  /** Application id; a fresh snowflake by default. */
  applicationId?: string;
  /** The bot user's id; the application id by default (as for every modern Discord app). */
  botUserId?: string;
  /** The bot user's username; "verbatim" by default. */
  botUsername?: string;
  /** `heartbeat_interval` sent in HELLO, in ms (default 2500). */
  heartbeatIntervalMs?: number;
  /** The guilds the bot is in; one default guild when omitted. */
  guilds?: GuildFixtureOptions[];
  /** Privileged intents enabled for the application (bitfield); default all three. Asking for others closes 4014. */
  privilegedIntents?: number;
  /**
   * An initial interaction response arriving this many ms or more after the dispatch gets 404 10062
   * "Unknown interaction", as Discord's 3-second rule (default 3000; 0 makes every response late; null = never).
   */
  interactionAckDeadlineMs?: number | null;
  /** Echo the bot's own messages back as MESSAGE_CREATE / MESSAGE_UPDATE, as Discord does (default true). */
  echoOwnMessages?: boolean;
  /**
   * The shard count GET /gateway/bot recommends (default 1). Whatever it says, a client may IDENTIFY with any
   * `shard: [id, count]`; each session gets the guilds of its shard (see {@link guildIdOnShard}).
   */
  shards?: number;
  /** `session_start_limit.max_concurrency` of GET /gateway/bot (default 1: one IDENTIFY per 5 s). */
  maxConcurrency?: number;
}

/** A 4xx the stand-in answered (payload limit, unknown route, double acknowledgement…): things a test usually wants none of. */
export interface Violation {
  /** The request's `seq`. */
  seq: number;
  method: string;
  path: string;
  status: number;
  /** Discord's JSON error code (50035 invalid form body, 50006 empty message, 10062 unknown interaction, 40060 already acknowledged, 0 not found…). */
  code: number;
  message: string;
  issues: FormIssue[];
}

/** Starts a stand-in on 127.0.0.1 on a free port. */
export async function startDiscordStandin(options: DiscordStandinOptions = {}): Promise<DiscordStandin> {
  const standin = new DiscordStandin(options);
  await standin.listen();
  return standin;
}

/** The stand-in server. Make one with {@link startDiscordStandin}. */
export class DiscordStandin {
  private readonly state: StandinState;
  private readonly server: Server;
  private gatewayInstance: Gateway | null = null;
  private injectorInstance: Injector | null = null;
  private routes: RestRoutes | null = null;
  private readonly requestLog = new WaitableLog<RecordedRequest>('REST request');
  private readonly violationList: Violation[] = [];
  private readonly faults: Fault[] = [];
  private seq = 0;
  private closed = false;
  private portNumber = 0;

  /** Prefer {@link startDiscordStandin}. */
  constructor(private readonly options: DiscordStandinOptions = {}) {
    this.state = new StandinState({
      applicationId: options.applicationId,
      botUserId: options.botUserId,
      botUsername: options.botUsername,
      privilegedIntents: options.privilegedIntents ?? PRIVILEGED_INTENTS,
    });
    for (const guildOptions of options.guilds ?? [{}]) {
      this.state.addGuild(buildGuildFixture(this.state.ids, this.state.bot, this.state.users, guildOptions));
    }
    this.server = createServer((req, res) => {
      this.onRequest(req, res).catch(() => res.destroy());
    });
    this.server.on('upgrade', (req: IncomingMessage, socket, head: Buffer) => {
      if (this.gatewayInstance) this.gatewayInstance.handleUpgrade(req, socket, head);
      else socket.destroy();
    });
  }

  /** Binds the server; {@link startDiscordStandin} calls this. */
  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    this.portNumber = (this.server.address() as AddressInfo).port;
    this.state.baseUrl = `http://127.0.0.1:${this.portNumber}`;
    this.gatewayInstance = new Gateway(
      {
        heartbeatIntervalMs: this.options.heartbeatIntervalMs ?? 2_500,
        token: this.options.token,
        privilegedIntents: this.options.privilegedIntents ?? PRIVILEGED_INTENTS,
        url: this.gatewayUrl,
      },
      {
        readyData: (sessionId, resumeGatewayUrl, shard) => ({
          v: 10,
          user: this.state.bot,
          guilds: this.guildsOfShard(shard).map((g) => ({ id: g.id, unavailable: true as const })),
          session_id: sessionId,
          resume_gateway_url: resumeGatewayUrl,
          shard,
          application: { id: this.state.applicationId, flags: this.state.applicationFlags, flags_new: String(this.state.applicationFlags) },
        }),
        guildCreates: (shard) => this.guildsOfShard(shard).filter((g) => !g.unavailable).map(guildCreatePayload),
      },
    );
    this.injectorInstance = new Injector(this.state, this.gatewayInstance);
    this.routes = new RestRoutes(this.state, this.gatewayInstance, {
      token: this.options.token,
      interactionAckDeadlineMs: this.options.interactionAckDeadlineMs === undefined ? 3_000 : this.options.interactionAckDeadlineMs,
      echoOwnMessages: this.options.echoOwnMessages ?? true,
      gatewayUrl: this.gatewayUrl,
      shards: this.options.shards ?? 1,
      maxConcurrency: this.options.maxConcurrency ?? 1,
    });
  }

  // ---- addresses and fixtures ---------------------------------------------------------------------------

  /** The port the stand-in listens on. */
  get port(): number {
    return this.portNumber;
  }

  /** The REST base for discord.js: `new Client({ rest: { api: standin.apiUrl } })` (also DISCORD_API_URL). */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.portNumber}/api`;
  }

  /** The gateway URL GET /gateway/bot returns. */
  get gatewayUrl(): string {
    return `ws://127.0.0.1:${this.portNumber}`;
  }

  /** The application id. */
  get applicationId(): string {
    return this.state.applicationId;
  }

  /** The bot's user. */
  get botUser(): APIUser {
    return this.state.bot;
  }

  /** The fixture users: `owner`, `moderator`, `tester`. */
  get users(): FixtureUsers {
    return this.state.users;
  }

  /** The guilds the bot is in. */
  get guilds(): readonly GuildFixture[] {
    return this.state.guilds;
  }

  /** The guilds a session of shard `[id, count]` is given. */
  guildsOfShard([id, count]: readonly [number, number]): GuildFixture[] {
    return this.state.guilds.filter((g) => shardOf(g.id, count) === id);
  }

  /** The first (default) guild. */
  get guild(): GuildFixture {
    const guild = this.state.guilds[0];
    if (!guild) throw new Error('The stand-in has no guild');
    return guild;
  }

  /** A channel or thread the stand-in knows. */
  channel(id: string): APIChannel | undefined {
    return this.state.channels.get(id);
  }

  /** A new user, a member of every guild unless `joinGuilds` is false. */
  createUser(username: string, options: { joinGuilds?: boolean; roles?: string[] } = {}): APIUser {
    return this.state.createUser(username, options);
  }

  // ---- records ------------------------------------------------------------------------------------------

  /** Every REST request answered so far (in order of answering). */
  get requests(): readonly RecordedRequest[] {
    return this.requestLog.items;
  }

  /** Every 4xx the stand-in answered itself (not injected faults). */
  get violations(): readonly Violation[] {
    return this.violationList;
  }

  /** Everything that happened on the gateway. */
  get gatewayEvents(): readonly GatewayEvent[] {
    return this.gateway.events.items;
  }

  /** The IDENTIFY payloads received (token, intents, properties…). */
  get identifies(): Extract<GatewayEvent, { kind: 'identify' }>[] {
    return this.gatewayEvents.filter((e): e is Extract<GatewayEvent, { kind: 'identify' }> => e.kind === 'identify');
  }

  /** A stored message (sent by the bot or injected). */
  message(id: string): APIMessage | undefined {
    return this.state.messages.get(id);
  }

  /** Messages in a channel, oldest first (ephemeral ones included). */
  messagesIn(channelId: string): APIMessage[] {
    return [...this.state.messages.values()].filter((m) => m.channel_id === channelId);
  }

  /** Reactions the bot has on a message (decoded emoji). */
  reactionsOn(messageId: string): readonly string[] {
    return this.state.reactions.get(messageId) ?? [];
  }

  /** An injected interaction's live record. */
  interaction(id: string): InteractionRecord | undefined {
    return this.state.interactions.get(id);
  }

  /** Registered commands: global, or for a guild. */
  commands(guildId?: string): readonly APIApplicationCommand[] {
    return guildId === undefined ? this.state.globalCommands : (this.state.guildCommands.get(guildId) ?? []);
  }

  // ---- waiting ------------------------------------------------------------------------------------------

  /**
   * Resolves with the first answered request matching `match` — among those already in {@link requests}
   * from index `after` (default 0; pass `standin.requests.length` taken before acting to ignore older ones)
   * or those to come. Faulted requests match too (see `fault`). Rejects after `timeoutMs` (default 5 s).
   */
  waitForRequest(match: RequestMatcher, options: number | { timeoutMs?: number; after?: number } = {}): Promise<RecordedRequest> {
    const { timeoutMs = DEFAULT_WAIT_MS, after = 0 } = typeof options === 'number' ? { timeoutMs: options } : options;
    const test = compileMatcher(match);
    return this.requestLog.waitFor(test, timeoutMs, typeof match === 'function' ? 'a matching request' : JSON.stringify({ ...match, path: String(match.path) }), after);
  }

  /** Resolves with the first gateway event (past or future) matching `predicate`. */
  waitForGatewayEvent(predicate: (event: GatewayEvent) => boolean, timeoutMs = DEFAULT_WAIT_MS, what = 'a matching gateway event'): Promise<GatewayEvent> {
    return this.gateway.events.waitFor(predicate, timeoutMs, what);
  }

  /** Resolves with the `n`-th IDENTIFY (1-based, counting from the start). */
  async waitForIdentify(n = 1, timeoutMs = DEFAULT_WAIT_MS): Promise<Extract<GatewayEvent, { kind: 'identify' }>> {
    return (await this.nth('identify', n, timeoutMs)) as Extract<GatewayEvent, { kind: 'identify' }>;
  }

  /** Resolves when the `n`-th READY has been sent (1-based). */
  async waitForReady(n = 1, timeoutMs = DEFAULT_WAIT_MS): Promise<Extract<GatewayEvent, { kind: 'ready' }>> {
    return (await this.nth('ready', n, timeoutMs)) as Extract<GatewayEvent, { kind: 'ready' }>;
  }

  /** Resolves when the `n`-th successful RESUME has been answered with RESUMED (1-based). */
  async waitForResume(n = 1, timeoutMs = DEFAULT_WAIT_MS): Promise<Extract<GatewayEvent, { kind: 'resumed' }>> {
    return (await this.nth('resumed', n, timeoutMs)) as Extract<GatewayEvent, { kind: 'resumed' }>;
  }

  private nth(kind: GatewayEvent['kind'], n: number, timeoutMs: number): Promise<GatewayEvent> {
    let seen = 0;
    return this.gateway.events.waitFor((e) => e.kind === kind && ++seen === n, timeoutMs, `${kind} #${n}`);
  }

  // ---- gateway control ----------------------------------------------------------------------------------

  /**
   * Drops the bot's gateway connection (of shard `shard`, default 0): close code 4000 by default (the client
   * resumes), or `terminate` for an abrupt 1006.
   */
  dropConnection(options: { code?: number; terminate?: boolean; shard?: number } = {}): Promise<void> {
    return this.gateway.dropConnection(options);
  }

  /** Sends op 7 RECONNECT: the client should reconnect and resume. */
  sendReconnect(shard = 0): void {
    this.gateway.sendReconnect(shard);
  }

  /** Sends op 9 INVALID_SESSION; with `resumable` false the session is gone and the client must identify again. */
  invalidateSession(resumable: boolean, shard = 0): void {
    this.gateway.invalidateSession(resumable, shard);
  }

  /**
   * Closes every IDENTIFY from now on with a gateway close code (e.g. 4014 "Disallowed intent(s)", 4013
   * "Invalid intent(s)") whatever intents the client asks for; `null` identifies normally again.
   */
  refuseIdentify(code: number | null, reason?: string): void {
    this.gateway.refuseIdentify(code, reason);
  }

  /** Stops (or restarts) acknowledging heartbeats, to simulate a zombie connection. */
  setHeartbeatAcks(enabled: boolean): void {
    this.gateway.setHeartbeatAcks(enabled);
  }

  /**
   * Dispatches any gateway event, to the shard of `guildId` (default: shard 0, as for DMs);
   * `requiredIntents` (any of the bits) gate it like Discord.
   */
  dispatch(t: string, d: unknown, requiredIntents = 0, guildId: string | null = null): 'delivered' | 'queued' | 'filtered' {
    return this.gateway.dispatch(t, d, requiredIntents, guildId);
  }

  // ---- faults -------------------------------------------------------------------------------------------

  /** Makes the next `times` requests matching `spec.match` fail (429 / 5xx), stall or reset. */
  injectFault(spec: FaultSpec): FaultHandle {
    const fault = new Fault(spec);
    this.faults.push(fault);
    return fault;
  }

  /** Cancels every injected fault. */
  clearFaults(): void {
    for (const fault of this.faults) fault.cancel();
    this.faults.length = 0;
  }

  // ---- injection ----------------------------------------------------------------------------------------

  /** Injects a slash command (INTERACTION_CREATE, type 2). */
  sendSlashCommand(input: SlashCommandInput): InjectedInteraction {
    return this.injector.sendSlashCommand(input);
  }

  /** Injects an autocomplete request (INTERACTION_CREATE, type 4) with `input.focused` focused. */
  sendAutocomplete(input: AutocompleteInput): InjectedInteraction {
    return this.injector.sendAutocomplete(input);
  }

  /** Injects a button click (INTERACTION_CREATE, type 3) on a message. */
  sendButton(input: ButtonInput): InjectedInteraction {
    return this.injector.sendButton(input);
  }

  /** Injects a user message (MESSAGE_CREATE), gated by the bot's intents like Discord (content needs MessageContent unless the bot is mentioned or it is a DM). */
  sendMessage(input: MessageInput): InjectedMessage {
    return this.injector.sendMessage(input);
  }

  /** Creates a thread under a text channel (default: the first guild's) and dispatches THREAD_CREATE, as when a user starts one. */
  createThread(input: { name: string; parentId?: string; owner?: APIUser | string }): APIThreadChannel {
    return this.injector.createThread(input);
  }

  /** Adds a guild the bot has just joined and dispatches its GUILD_CREATE. */
  addGuild(options: GuildFixtureOptions = {}): GuildFixture {
    return this.injector.addGuild(options);
  }

  /** Closes the gateway and the HTTP server (destroy the discord.js client first). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.clearFaults();
    this.requestLog.close('the stand-in was closed');
    await this.gatewayInstance?.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- internals ----------------------------------------------------------------------------------------

  private get gateway(): Gateway {
    if (!this.gatewayInstance) throw new Error('The stand-in is not listening yet');
    return this.gatewayInstance;
  }

  private get injector(): Injector {
    if (!this.injectorInstance) throw new Error('The stand-in is not listening yet');
    return this.injectorInstance;
  }


  // ---- internals: HTTP ----------------------------------------------------------------------------------

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.state.baseUrl || 'http://127.0.0.1');
    const match = /^\/api(?:\/v(\d+))?(\/.*)?$/.exec(url.pathname);
    const raw = await readBody(req);
    if (this.closed) {
      res.destroy();
      return;
    }
    const parsed = await parseBody(raw, req.headers['content-type']);
    const record: RecordedRequest = {
      seq: ++this.seq,
      time: Date.now(),
      method: (req.method ?? 'GET').toUpperCase(),
      path: decodePath(match?.[2] ?? url.pathname),
      url: `${url.pathname}${url.search}`,
      query: Object.fromEntries(url.searchParams.entries()),
      headers: flattenHeaders(req),
      auth: parseAuth(req.headers.authorization),
      body: parsed.body,
      files: parsed.files,
      response: null,
      fault: null,
      issues: [],
    };

    const fault = this.faults.find((f) => f.remaining > 0 && f.test(record));
    if (fault) {
      fault.remaining--;
      fault.hits++;
      const { delayMs, resetConnection, status } = fault.spec;
      if (delayMs !== undefined && delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs).unref());
      if (resetConnection) {
        record.fault = 'reset';
        req.socket.destroy();
        record.response = { status: 0, body: undefined, headers: {} };
        this.requestLog.push(record);
        return;
      }
      if (status !== undefined) {
        record.fault = status === 429 ? 'rate-limit' : status >= 500 ? 'server-error' : 'client-error';
        const result = status === 429 ? rateLimitResult(fault.spec, record) : status >= 500 ? serverErrorResult(status) : clientErrorResult(status, fault.spec);
        this.respond(res, record, result);
        return;
      }
    }

    let result: RestResult;
    if (!match) result = { status: 404, body: { message: '404: Not Found', code: 0 } };
    else if (match[1] !== '10') result = { status: 400, body: { message: 'Invalid API version provided', code: 50041 } };
    else if (parsed.error) result = { status: 400, body: { message: parsed.error, code: 50109 } };
    else {
      try {
        result = this.routes ? this.routes.handle(record) : { status: 503, body: { message: 'Not ready', code: 0 } };
      } catch (error) {
        result = { status: 500, body: { message: `Stand-in error: ${error instanceof Error ? error.stack : String(error)}`, code: 0 } };
      }
    }
    if (result.status >= 400 && result.status < 500) {
      const body = isRecord(result.body) ? result.body : {};
      this.violationList.push({
        seq: record.seq,
        method: record.method,
        path: record.path,
        status: result.status,
        code: typeof body.code === 'number' ? body.code : 0,
        message: typeof body.message === 'string' ? body.message : '',
        issues: result.issues ?? [],
      });
    }
    record.issues = result.issues ?? [];
    this.respond(res, record, result);
  }

  private respond(res: ServerResponse, record: RecordedRequest, result: RestResult): void {
    const headers: Record<string, string> = { ...(result.headers ?? {}) };
    const hasBody = result.status !== 204 && result.body !== undefined;
    if (hasBody) headers['content-type'] = 'application/json';
    record.response = { status: result.status, body: result.body, headers };
    this.requestLog.push(record);
    res.writeHead(result.status, headers);
    res.end(hasBody ? JSON.stringify(result.body) : undefined);
  }
}

/** Decodes each path segment (`%40original` → `@original`, emoji), keeping the slashes. */
function decodePath(path: string): string {
  return path
    .split('/')
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        return segment;
      }
    })
    .join('/');
}

/**
 * A 429 like Discord's. `retry-after` carries the exact (fractional) seconds so tests stay fast; Discord
 * rounds the header up to whole seconds and gives the exact value in the body.
 */
function rateLimitResult(spec: FaultSpec, request: RecordedRequest): RestResult {
  const retryAfter = spec.retryAfterSeconds ?? 0.05;
  const global = spec.global ?? false;
  // One bucket per route template, as Discord hashes them.
  const route = `${request.method} ${request.path.replace(/\d{17,20}/g, ':id').replace(/\/(interactions|webhooks)\/:id\/[^/]+/, '/$1/:id/:token')}`;
  const bucket = createHash('sha1').update(route).digest('hex').slice(0, 32);
  const headers: Record<string, string> = {
    'retry-after': String(retryAfter),
    'x-ratelimit-limit': '5',
    'x-ratelimit-remaining': '0',
    'x-ratelimit-reset': String(Date.now() / 1000 + retryAfter),
    'x-ratelimit-reset-after': String(retryAfter),
    'x-ratelimit-bucket': bucket,
    'x-ratelimit-scope': spec.scope ?? (global ? 'global' : 'user'),
  };
  if (global) headers['x-ratelimit-global'] = 'true';
  return { status: 429, headers, body: { message: 'You are being rate limited.', retry_after: retryAfter, global, code: 0 } };
}

/** A 4xx refusal like Discord's, e.g. 403 `{ "message": "Missing Permissions", "code": 50013 }`. */
function clientErrorResult(status: number, spec: FaultSpec): RestResult {
  const known: Record<number, string> = { 50001: 'Missing Access', 50013: 'Missing Permissions', 160002: 'Cannot reply without permission to read message history' };
  const code = spec.code ?? 0;
  return { status, body: { message: spec.message ?? known[code] ?? `${status}: Client Error`, code } };
}

function serverErrorResult(status: number): RestResult {
  const text: Record<number, string> = { 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout' };
  return { status, body: { message: `${status}: ${text[status] ?? 'Server Error'}`, code: 0 } };
}

