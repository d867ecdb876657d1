/**
 * Why the bot could not come online, as one clear line and a distinct exit code, instead of
 * discord.js's `TokenInvalid`, @discordjs/ws's "Used disallowed intents" or undici's `ECONNREFUSED` with
 * a stack trace.
 *
 * `checkDiscord` asks Discord for the gateway (GET /gateway/bot, the request discord.js makes first
 * when it logs in) before the model is loaded, so that a bad token or an unreachable API is reported
 * at once rather than after the model has loaded; `startupFailure` maps the same failures when they
 * come from `client.login` itself.
 *
 * Exit codes (sysexits.h): see EXIT_CODES.
 */
import { ConfigError, VerbatimError } from '../core/errors.js';

/** Discord's REST base when DISCORD_API_URL is not set (as discord.js). */
export const DISCORD_API_DEFAULT = 'https://discord.com/api';

/** How long the check waits for Discord. */
const CHECK_TIMEOUT_MS = 15_000;

/** The process's exit codes. */
export const EXIT_CODES = {
  /** Stopped on a signal after running (or finished a command). */
  ok: 0,
  /** Anything else that went wrong (the message says what). */
  failure: 1,
  /** Configuration missing or invalid (e.g. DISCORD_TOKEN not set). */
  config: 2,
  /** Discord cannot be reached (refused, unknown host, timed out): EX_UNAVAILABLE. */
  discordUnreachable: 69,
  /** The gateway refused the intents as invalid (close code 4013), a bug in the intent list: EX_SOFTWARE. */
  invalidIntents: 70,
  /** The gateway refused a privileged intent not enabled for the application (close code 4014): EX_NOPERM. */
  disallowedIntents: 77,
  /** Discord rejected DISCORD_TOKEN (401): EX_CONFIG. */
  tokenRejected: 78,
} as const;

/** The bot could not come online; `exitCode` is one of EXIT_CODES. */
export class DiscordStartupError extends VerbatimError {
  constructor(
    code: 'DISCORD_TOKEN' | 'DISCORD_UNREACHABLE' | 'DISCORD_INTENTS' | 'DISCORD_GATEWAY',
    message: string,
    readonly exitCode: number,
    cause?: unknown,
  ) {
    super(code, message, cause === undefined ? {} : { cause });
  }
}

/** The API base as shown to a person: no user name, password, query or fragment. */
export function displayUrl(apiUrl: string | undefined): string {
  try {
    const url = new URL(apiUrl ?? DISCORD_API_DEFAULT);
    url.username = '';
    url.password = '';
    url.search = '';
    url.hash = '';
    return url.toString().replace(/\/$/, '');
  } catch {
    return '(an invalid DISCORD_API_URL)';
  }
}

export function tokenRejected(cause?: unknown): DiscordStartupError {
  return new DiscordStartupError(
    'DISCORD_TOKEN',
    'DISCORD_TOKEN was rejected by Discord (401 Unauthorized): copy the bot token again from the Developer Portal (Bot → Reset Token) into DISCORD_TOKEN.',
    EXIT_CODES.tokenRejected,
    cause,
  );
}

export function unreachable(apiUrl: string | undefined, reason: string, cause?: unknown): DiscordStartupError {
  return new DiscordStartupError(
    'DISCORD_UNREACHABLE',
    `Cannot reach Discord at ${displayUrl(apiUrl)} (${reason}): check the network, any proxy or firewall, and DISCORD_API_URL.`,
    EXIT_CODES.discordUnreachable,
    cause,
  );
}

/** Privileged intents and what the Developer Portal calls their switches (Bot → Privileged Gateway Intents). */
const PRIVILEGED_INTENT_NAMES: readonly [bigint, string][] = [
  [1n << 1n, 'Server Members Intent'],
  [1n << 8n, 'Presence Intent'],
  [1n << 15n, 'Message Content Intent'],
];

/** The Developer Portal names of the privileged intents in `intents` (a bitfield). */
export function privilegedIntentNames(intents: bigint | number): string[] {
  const bits = BigInt(intents);
  return PRIVILEGED_INTENT_NAMES.filter(([bit]) => (bits & bit) !== 0n).map(([, name]) => name);
}

/** Close code 4014: the bot asked for a privileged intent the application does not have switched on. */
export function disallowedIntents(intents: bigint | number | undefined, cause?: unknown): DiscordStartupError {
  const names = intents === undefined ? [] : privilegedIntentNames(intents);
  const what =
    names.length > 0
      ? `switch on ${names.join(' and ')} in the Developer Portal (your application → Bot → Privileged Gateway Intents), or stop asking for it${
          names.includes('Message Content Intent') ? ' (unset THREAD_FOLLOW_UPS=all, which asks for Message Content)' : ''
        }`
      : 'switch on the privileged intents the bot asks for in the Developer Portal (your application → Bot → Privileged Gateway Intents)';
  return new DiscordStartupError(
    'DISCORD_INTENTS',
    `Discord refused the bot's gateway intents (close code 4014, disallowed intents): ${what}.`,
    EXIT_CODES.disallowedIntents,
    cause,
  );
}

/** Close code 4013: intents Discord does not know, a bug in the bot's intent list. */
export function invalidIntents(intents: bigint | number | undefined, cause?: unknown): DiscordStartupError {
  const shown = intents === undefined ? '' : ` (${String(intents)})`;
  return new DiscordStartupError(
    'DISCORD_INTENTS',
    `Discord rejected the bot's gateway intents as invalid${shown} (close code 4013): the intent list in src/discord/client.ts is wrong; check it against Discord's documented intents.`,
    EXIT_CODES.invalidIntents,
    cause,
  );
}

/**
 * What an unrecoverable gateway close code means, as a startup error (4004 a rejected token, 4013 and
 * 4014 intents), or a generic one naming the code.
 */
export function gatewayClosed(code: number, intents?: bigint | number): DiscordStartupError {
  if (code === 4004) return tokenRejected();
  if (code === 4013) return invalidIntents(intents);
  if (code === 4014) return disallowedIntents(intents);
  return new DiscordStartupError(
    'DISCORD_GATEWAY',
    `Discord closed the gateway connection with code ${code} and discord.js will not reconnect: see https://discord.com/developers/docs/topics/opcodes-and-status-codes#gateway-gateway-close-event-codes.`,
    EXIT_CODES.failure,
  );
}

/** Error codes of a failed connection (Node's and undici's). */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EPIPE',
  'CERT_HAS_EXPIRED',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);

/** The error and everything it wraps (`cause` chains and AggregateError's `errors`), breadth first. */
function errorChain(error: unknown): unknown[] {
  const seen = new Set<unknown>();
  const queue = [error];
  const out: unknown[] = [];
  while (queue.length > 0 && out.length < 20) {
    const next = queue.shift();
    if (next === undefined || next === null || seen.has(next)) continue;
    seen.add(next);
    out.push(next);
    if (typeof next === 'object') {
      const { cause, errors } = next as { cause?: unknown; errors?: unknown };
      if (cause !== undefined) queue.push(cause);
      if (Array.isArray(errors)) queue.push(...(errors as unknown[]));
    }
  }
  return out;
}

function field(error: unknown, name: 'code' | 'name' | 'status'): unknown {
  return typeof error === 'object' && error !== null ? (error as Record<string, unknown>)[name] : undefined;
}

/**
 * The startup failure `error` stands for — a rejected token, an unreachable Discord, intents the
 * gateway refused (`intents`: the ones the client asked for, to name them) — or undefined
 * when it is something else (which is reported as it is).
 */
export function startupFailure(error: unknown, apiUrl: string | undefined, intents?: bigint | number): DiscordStartupError | undefined {
  if (error instanceof DiscordStartupError) return error;
  const chain = errorChain(error);
  // @discordjs/ws rejects the login with these plain Errors on gateway close codes 4014 and 4013.
  if (chain.some((e) => e instanceof Error && e.message === 'Used disallowed intents')) return disallowedIntents(intents, error);
  if (chain.some((e) => e instanceof Error && e.message === 'Used invalid intents')) return invalidIntents(intents, error);
  // discord.js: DiscordjsError code TokenInvalid (a 401 on /gateway/bot, or gateway close 4004); REST: status 401.
  if (chain.some((e) => field(e, 'code') === 'TokenInvalid' || field(e, 'status') === 401)) return tokenRejected(error);
  for (const e of chain) {
    const code = field(e, 'code');
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return unreachable(apiUrl, code, error);
    const name = field(e, 'name');
    if (name === 'ConnectTimeoutError' || name === 'TimeoutError' || name === 'AbortError') return unreachable(apiUrl, 'timed out', error);
  }
  if (chain.some((e) => e instanceof TypeError && e.message === 'fetch failed')) return unreachable(apiUrl, 'fetch failed', error);
  return undefined;
}

/** What GET /gateway/bot says about sharding. */
export interface GatewayBotInfo {
  /** The shard count Discord recommends for the bot. */
  shards: number;
  /** How many shards may identify in the same 5 seconds (`session_start_limit.max_concurrency`). */
  maxConcurrency: number;
}

/**
 * Asks Discord for the gateway with the token (GET <api>/v10/gateway/bot). Throws a DiscordStartupError
 * when the token is rejected or Discord cannot be reached; anything else (a 429, a 5xx) is left for
 * discord.js, which retries, to deal with. Resolves with what Discord says about sharding, when it
 * answered with it.
 */
export async function checkDiscord(token: string, apiUrl: string | undefined, timeoutMs: number = CHECK_TIMEOUT_MS): Promise<GatewayBotInfo | undefined> {
  const base = (apiUrl ?? DISCORD_API_DEFAULT).replace(/\/+$/, '');
  let parsed: URL | undefined;
  try {
    parsed = new URL(base);
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined || !/^https?:$/.test(parsed.protocol)) throw new ConfigError('DISCORD_API_URL must be an http(s) URL.');
  if (parsed.username !== '' || parsed.password !== '') {
    throw new ConfigError('DISCORD_API_URL must not hold a user name or password (they cannot be sent this way).');
  }
  let response: Response;
  try {
    response = await fetch(`${base}/v10/gateway/bot`, {
      headers: { Authorization: `Bot ${token}`, 'User-Agent': 'DiscordBot (https://github.com/verbatim, 0.1.0)' },
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw startupFailure(error, apiUrl) ?? unreachable(apiUrl, 'the request failed', error);
  }
  if (response.status === 401 || !response.ok) {
    await response.body?.cancel().catch(() => undefined);
    if (response.status === 401) throw tokenRejected();
    return undefined;
  }
  const body = (await response.json().catch(() => undefined)) as { shards?: unknown; session_start_limit?: { max_concurrency?: unknown } } | undefined;
  const shards = body?.shards;
  const maxConcurrency = body?.session_start_limit?.max_concurrency;
  if (typeof shards !== 'number' || !Number.isInteger(shards) || shards < 1) return undefined;
  return { shards, maxConcurrency: typeof maxConcurrency === 'number' && Number.isInteger(maxConcurrency) && maxConcurrency >= 1 ? maxConcurrency : 1 };
}
