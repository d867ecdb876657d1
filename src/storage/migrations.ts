/**
 * The database schema, as the list of steps that build it: migration n takes a database from schema
 * version n - 1 to n (see database.ts). Never change a released step; add one.
 */
export interface Migration {
  /** What the step does, for people reading this file. */
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    name: 'per-server settings',
    sql: `
      -- A server's own settings; NULL: the global default (the environment's value) applies.
      CREATE TABLE guild_settings (
        guild_id TEXT PRIMARY KEY,
        reply_mode TEXT CHECK (reply_mode IN ('reply', 'thread')),
        public_default INTEGER CHECK (public_default IN (0, 1)),
        cooldown_seconds REAL CHECK (cooldown_seconds >= 0 AND cooldown_seconds <= 3600),
        updated_at TEXT NOT NULL,
        updated_by TEXT
      ) STRICT;
      -- The channels a server answers mentions in; none listed: every channel.
      CREATE TABLE guild_mention_channels (
        guild_id TEXT NOT NULL,
        channel_id TEXT NOT NULL,
        PRIMARY KEY (guild_id, channel_id)
      ) STRICT, WITHOUT ROWID;
    `,
  },
  {
    name: 'feedback log',
    sql: `
      -- Every vote and every detail added to a 👎, in the order written (see src/storage/feedback-lines.ts).
      CREATE TABLE feedback (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL CHECK (kind IN ('vote', 'detail')),
        time TEXT,
        answer_id TEXT NOT NULL,
        user TEXT NOT NULL,
        vote TEXT,
        question TEXT,
        sources TEXT,
        answered INTEGER,
        quotes TEXT,
        recovered INTEGER,
        detail TEXT,
        quote INTEGER,
        -- Fields of an imported line that this version does not know (a JSON object), kept for the export.
        extra TEXT,
        -- For a line imported from a JSONL file: its line number and SHA-256, so an import is never doubled.
        origin TEXT UNIQUE
      ) STRICT;
      CREATE INDEX feedback_by_answer ON feedback (answer_id, user, kind);
      -- JSONL feedback files imported, by their SHA-256 (a file seen again is not read again).
      CREATE TABLE feedback_imports (
        sha256 TEXT PRIMARY KEY,
        file TEXT NOT NULL,
        lines INTEGER NOT NULL,
        added INTEGER NOT NULL,
        unreadable INTEGER NOT NULL,
        imported_at TEXT NOT NULL
      ) STRICT;
    `,
  },
];
