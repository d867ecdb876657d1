/**
 * `npm run feedback:export [-- --out FILE] [--force] [--database FILE]`: writes the bot's feedback log
 * (votes and the details added to them, oldest first) as JSON lines — the form older versions appended
 * to FEEDBACK_FILE, field for field (see src/storage/feedback-lines.ts) — to stdout or FILE (made
 * owner-only: it holds the text of private questions; not over an existing file unless --force).
 * Reads the database read-only: safe while the bot runs.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Command } from 'commander';
import { loadStorageConfig } from '../core/config.js';
import { InputError } from '../core/errors.js';
import { openDatabase } from '../storage/database.js';
import { exportLines, FeedbackLog } from '../storage/feedback-log.js';

export async function feedbackExportCommand(argv: readonly string[]): Promise<number> {
  const program = new Command('feedback:export')
    .description('Write the bot\'s feedback log (votes and details) as JSON lines.')
    .option('--out <file>', 'write here (default: stdout)')
    .option('--force', 'with --out: replace an existing file')
    .option('--database <file>', 'the database (default: DATABASE_FILE or data/verbatim.db)')
    .exitOverride();
  program.parse(argv, { from: 'user' });
  const flags = program.opts<{ out?: string; force?: boolean; database?: string }>();
  const databaseFile = flags.database === undefined ? loadStorageConfig().databaseFile : path.resolve(flags.database);

  const db = openDatabase(databaseFile, { readonly: true });
  let text: string;
  let votes = 0;
  let details = 0;
  try {
    const lines: string[] = [];
    for (const line of exportLines(new FeedbackLog(db))) {
      lines.push(line);
      if ((JSON.parse(line) as { vote?: unknown }).vote === undefined) details++;
      else votes++;
    }
    text = lines.join('');
  } finally {
    db.close();
  }
  if (flags.out === undefined) process.stdout.write(text);
  else {
    try {
      await writeFile(path.resolve(flags.out), text, { encoding: 'utf8', mode: 0o600, flag: flags.force === true ? 'w' : 'wx' });
    } catch (error) {
      const exists = (error as NodeJS.ErrnoException).code === 'EEXIST';
      throw new InputError(exists ? `${flags.out} already exists; not replacing it.` : `Cannot write ${flags.out}: ${(error as Error).message}`, {
        hint: exists ? 'Give another --out, or add --force to replace it.' : 'Check that its directory exists and is writable.',
      });
    }
  }
  process.stderr.write(`Exported ${votes + details} line(s) (${votes} vote(s), ${details} detail(s)) from ${databaseFile}${flags.out === undefined ? '' : ` to ${flags.out}`}\n`);
  return 0;
}
