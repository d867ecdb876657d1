/**
 * One pino logger for the process. Secrets are redacted by key, and any string that
 * equals a registered secret (the Discord token) is masked wherever it appears.
 */
import { pino, type Logger, type LoggerOptions, type DestinationStream } from 'pino';

export type { Logger };

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

export function createLogger(
  options: { level?: LoggerOptions['level']; name?: string } = {},
  destination?: DestinationStream,
): Logger {
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
  return destination ? pino(base, destination) : pino(base, pino.destination(2));
}
