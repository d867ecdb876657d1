/**
 * One pino logger for the process. Secrets are redacted by key, and any string that
 * equals a registered secret (the Discord token) is masked wherever it appears.
 *
 * Two formats (LOG_FORMAT): `json`, one pino JSON object per line (for log collectors), and `pretty`,
 * readable lines for a person at a terminal (pino-pretty, run in-process as a stream — not a worker
 * transport — so that it works the same from a compiled `dist/` start). `auto`, the default, is pretty
 * when the log's destination (stderr) is a terminal and NODE_ENV is not `production`, JSON otherwise.
 * Secrets are masked in the JSON line before either format writes it.
 */
import pinoPretty from 'pino-pretty';
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/** LOG_FORMAT: what was asked for. */
export type LogFormat = 'auto' | 'pretty' | 'json';

const secrets = new Set<string>();

/** Registers a value that must never appear in log output. */
export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 8) secrets.add(value);
}

export function maskSecrets(text: string): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join('[redacted]');
  return out;
}

/**
 * The format `auto` stands for: JSON in production (NODE_ENV=production) or when the log does not go
 * to a terminal (piped, a file, a container's log driver, systemd's journal), pretty otherwise.
 */
export function resolveLogFormat(
  format: LogFormat,
  where: { isTTY: boolean; nodeEnv: string | undefined } = { isTTY: process.stderr.isTTY === true, nodeEnv: process.env.NODE_ENV },
): 'pretty' | 'json' {
  if (format !== 'auto') return format;
  return where.isTTY && where.nodeEnv !== 'production' ? 'pretty' : 'json';
}

export interface CreateLoggerOptions {
  level?: LoggerOptions['level'];
  name?: string;
  /**
   * `json` or `pretty`, or `auto` (see resolveLogFormat; decided on stderr). Default: `json` when a
   * destination is given (tests capture JSON lines), `auto` otherwise.
   */
  format?: LogFormat;
  /** Colours in the pretty format; default: when writing to a terminal that supports them. */
  colorize?: boolean;
}

export function createLogger(options: CreateLoggerOptions = {}, destination?: DestinationStream): Logger {
  const base: LoggerOptions = {
    level: options.level ?? 'info',
    redact: {
      paths: ['token', '*.token', 'config.token', 'headers.authorization', '*.headers.authorization', 'DISCORD_TOKEN'],
      censor: '[redacted]',
    },
    hooks: {
      streamWrite: (line: string) => (secrets.size > 0 ? maskSecrets(line) : line),
    },
  };
  if (options.name !== undefined) base.name = options.name;
  const format = destination ? (options.format === 'auto' ? 'json' : (options.format ?? 'json')) : resolveLogFormat(options.format ?? 'auto');
  if (format === 'pretty') {
    const toTerminal = destination === undefined && process.stderr.isTTY === true;
    const pretty = pinoPretty({
      destination: destination ?? 2,
      // Synchronous, so nothing is lost when the process exits right after a line.
      sync: true,
      colorize: options.colorize ?? (toTerminal && pinoPretty.isColorSupported),
      translateTime: 'SYS:yyyy-mm-dd HH:MM:ss.l',
      ignore: 'pid,hostname',
      singleLine: true,
      errorLikeObjectKeys: ['err', 'error'],
    });
    return pino(base, pretty);
  }
  return destination ? pino(base, destination) : pino(base, pino.destination(2));
}
