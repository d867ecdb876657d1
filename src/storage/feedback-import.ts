/**
 * Moves the JSONL feedback file of older versions (FEEDBACK_FILE) into the database, without loss:
 * every vote and detail line becomes a row (fields this version does not know are kept, see
 * feedback-lines.ts), in the file's order. The file itself is left as it was (the bot no longer writes
 * to it); the database remembers its SHA-256, so it is read only once.
 *
 * Safe to interrupt and to run again, and from several processes at once: the whole file goes in one
 * IMMEDIATE transaction (all or nothing; a second process waits for it and then finds the file done),
 * and each row carries its line's number and SHA-256 (`origin`, unique), so a file that grew after it
 * was imported adds only its new lines.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Database } from './database.js';
import { rowOfLine } from './feedback-lines.js';

export interface FeedbackImport {
  /** 'imported': lines were read now; 'done-before': this very file was imported earlier; 'no-file'. */
  status: 'imported' | 'done-before' | 'no-file';
  /** Non-empty lines in the file. */
  lines: number;
  /** Rows added now (lines already in the database from an earlier import are not added again). */
  added: number;
  /** Lines that are not feedback lines (not JSON, or without answerId/user): left out, as older versions did. */
  unreadable: number;
}

/** Imports `file` into the database (see the module comment). */
export async function importFeedbackFile(db: Database, file: string): Promise<FeedbackImport> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'no-file', lines: 0, added: 0, unreadable: 0 };
    throw error;
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const seen = db.prepare<[string], { lines: number }>('SELECT lines FROM feedback_imports WHERE sha256 = ?');
  const before = seen.get(sha256);
  if (before) return { status: 'done-before', lines: before.lines, added: 0, unreadable: 0 };

  const insert = db.prepare(
    `INSERT OR IGNORE INTO feedback (kind, time, answer_id, user, vote, question, sources, answered, quotes, recovered, detail, quote, extra, origin)
     VALUES (@kind, @time, @answer_id, @user, @vote, @question, @sources, @answered, @quotes, @recovered, @detail, @quote, @extra, @origin)`,
  );
  const record = db.prepare('INSERT OR IGNORE INTO feedback_imports (sha256, file, lines, added, unreadable, imported_at) VALUES (?, ?, ?, ?, ?, ?)');
  const text = bytes.toString('utf8');
  return db.transaction((): FeedbackImport => {
    // Another process may have imported it while this one read the file.
    const done = seen.get(sha256);
    if (done) return { status: 'done-before', lines: done.lines, added: 0, unreadable: 0 };
    let lines = 0;
    let added = 0;
    let unreadable = 0;
    for (const [index, line] of text.split('\n').entries()) {
      if (line.trim().length === 0) continue;
      lines++;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        unreadable++;
        continue;
      }
      const row = rowOfLine(parsed);
      if (!row) {
        unreadable++;
        continue;
      }
      const origin = `${index + 1}:${createHash('sha256').update(line).digest('hex')}`;
      added += insert.run({ ...row, origin }).changes;
    }
    record.run(sha256, file, lines, added, unreadable, new Date().toISOString());
    return { status: 'imported', lines, added, unreadable };
  }).immediate();
}
