/**
 * Typed errors. Every message says what went wrong and what the user can do about it;
 * callers at the edges (CLI, Discord) print `message` without a stack trace.
 */
export class VerbatimError extends Error {
  /** A short, stable code for tooling and tests. */
  readonly code: string;
  /** What the user can do to fix it, when there is something to do. */
  readonly hint: string | undefined;

  constructor(code: string, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.hint = options.hint;
  }

  /** The message and the hint, as shown to a person. */
  describe(): string {
    return this.hint ? `${this.message}\n  → ${this.hint}` : this.message;
  }
}

/** Bad or missing configuration (environment variables, .env, flags). */
export class ConfigError extends VerbatimError {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super('CONFIG', message, options);
  }
}

/** The corpus directory or one of its files cannot be used. */
export class CorpusError extends VerbatimError {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super('CORPUS', message, options);
  }
}

/** The embedding model cannot be loaded or run. */
export class ModelError extends VerbatimError {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super('MODEL', message, options);
  }
}

/** The persisted index is missing, damaged, or was written by another model or format version. */
export class IndexError extends VerbatimError {
  /** The file or directory at fault. */
  readonly path: string | undefined;

  constructor(message: string, options: { hint?: string; cause?: unknown; path?: string } = {}) {
    super('INDEX', message, options);
    this.path = options.path;
  }
}

/** A question that cannot be answered as asked (empty, too long after cleaning, …). */
export class InputError extends VerbatimError {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super('INPUT', message, options);
  }
}

/** The bot's database (settings, feedback) cannot be opened, migrated or written. */
export class DatabaseError extends VerbatimError {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super('DATABASE', message, options);
  }
}

/** Turns anything thrown into a one-paragraph message for a person. */
export function describeError(error: unknown): string {
  if (error instanceof VerbatimError) return error.describe();
  if (error instanceof Error) return error.message;
  return String(error);
}
