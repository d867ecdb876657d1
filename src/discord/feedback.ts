/**
 * 👍/👎 votes on answers, kept in the database's feedback log (see src/storage/feedback-lines.ts for
 * the fields of a vote and of a detail, and feedback-log.ts): `user` is a keyed hash (HMAC-SHA256) of
 * the voter's Discord id, `sources` the ids of the answer's sources and `quotes` each quote's article,
 * offsets and text (enough to make an evaluation item of it later: see `npm run eval -- --from-feedback`).
 * No raw ids are stored, and since Discord ids can be enumerated the hash is keyed: with FEEDBACK_SALT,
 * or else with a random key made once and kept beside the database (`<DATABASE_FILE>.salt`, readable by
 * its owner only), so the database alone does not tell who voted. Keep the key with the database: a
 * new key makes earlier voters look new. (A key older versions kept beside the JSONL file is taken over.)
 *
 * After a 👎 the voter may say what was wrong — which quote, or that the answer should have declined
 * (a detail). One vote per person per answer: a second vote is acknowledged but not written (likewise
 * the same detail twice); the database decides, so this holds across restarts and across the bot's
 * processes. The answer a vote is about is remembered in memory when it is sent; for a vote on an
 * answer sent before a restart, its question, sources and quotes are read back from the answer
 * message's embed (and the vote is marked `recovered`).
 *
 * On the first start with a JSONL feedback file of an older version (FEEDBACK_FILE), its lines are
 * imported into the database (src/storage/feedback-import.ts) and the file is left as it was.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponent, type APIEmbed } from 'discord.js';
import type { Answer, MoreQuotes } from '../answer/types.js';
import type { Logger } from '../core/logger.js';
import type { Database } from '../storage/database.js';
import { importFeedbackFile } from '../storage/feedback-import.js';
import type { FeedbackDetailRecord, FeedbackQuote, FeedbackRecord } from '../storage/feedback-lines.js';
import { FeedbackLog } from '../storage/feedback-log.js';
import { feedbackId, type FeedbackDetail, type Vote } from './custom-ids.js';
import { NOT_IN_CORPUS_TITLE } from './render/answer.js';
import { unescapeText } from './render/sanitize.js';

export { isDetailLine, type FeedbackDetailRecord, type FeedbackLine, type FeedbackQuote, type FeedbackRecord } from '../storage/feedback-lines.js';

/** What a vote is about. */
export interface AnsweredQuestion {
  question: string;
  sources: string[];
  answered?: boolean;
  quotes?: FeedbackQuote[];
  /** The answer's further quotes, for its "Show more" button (in memory only; never written to the file). */
  more?: MoreQuotes;
}

/** What the store keeps of an answer it is about to send. */
export type RememberedAnswer = Pick<Answer, 'question' | 'sources'> & Partial<Pick<Answer, 'answered' | 'quotes' | 'more'>>;

/** How many answers are remembered in memory for their votes. */
const REMEMBERED_ANSWERS = 5000;

/** A directory the store makes for the key. */
const DIR_MODE = 0o700;

export interface FeedbackStoreOptions {
  /** The key for hashing voters; undefined: the one kept beside the database (made if missing). */
  salt?: string | undefined;
  /** The JSONL feedback file of older versions, imported on open when there is one. */
  legacyFile?: string | undefined;
}

export class FeedbackStore {
  private readonly answers = new Map<string, AnsweredQuestion>();
  readonly log: FeedbackLog;

  private constructor(
    db: Database,
    private readonly salt: string,
  ) {
    this.log = new FeedbackLog(db);
  }

  /**
   * Opens the store over the database, importing `legacyFile` if it has not been (one log line says
   * so). Voters' ids are hashed with `salt`, or when it is undefined with the key in `<database>.salt`.
   */
  static async open(db: Database, logger: Logger, options: FeedbackStoreOptions = {}): Promise<FeedbackStore> {
    const salt = options.salt ?? (await saltBeside(db.name, options.legacyFile, logger));
    if (options.legacyFile !== undefined) {
      const imported = await importFeedbackFile(db, options.legacyFile);
      const fields = { file: options.legacyFile, database: db.name, lines: imported.lines, added: imported.added, unreadable: imported.unreadable };
      if (imported.status === 'imported') {
        logger.info(
          fields,
          `imported the feedback file ${options.legacyFile} into the database (${imported.added} new line(s) of ${imported.lines}${imported.unreadable > 0 ? `, ${imported.unreadable} unreadable left out` : ''}); the file is kept as it was and no longer written to`,
        );
      } else if (imported.status === 'done-before') logger.debug(fields, 'feedback file already imported into the database');
    }
    return new FeedbackStore(db, salt);
  }

  /** Voters and answers with a vote. */
  get size(): number {
    return this.log.votes;
  }

  /** Remembers an answer about to be sent and returns the id its buttons carry. */
  remember(answer: RememberedAnswer): string {
    const answerId = randomBytes(9).toString('base64url');
    const about: AnsweredQuestion = { question: answer.question, sources: answer.sources.map((s) => s.id) };
    if (answer.answered !== undefined) about.answered = answer.answered;
    if (answer.quotes !== undefined) {
      about.quotes = answer.quotes.map((q) => ({ source: q.source, articleId: q.articleId, start: q.start, end: q.end, text: q.text }));
    }
    if (answer.more !== undefined && answer.more.quotes.length > 0) about.more = answer.more;
    this.keep(answerId, about);
    return answerId;
  }

  private keep(answerId: string, about: AnsweredQuestion): void {
    this.answers.set(answerId, about);
    if (this.answers.size > REMEMBERED_ANSWERS) {
      const oldest = this.answers.keys().next().value;
      if (oldest !== undefined) this.answers.delete(oldest);
    }
  }

  /** Whether this user has voted on this answer. */
  hasVoted(answerId: string, userId: string): boolean {
    return this.log.voteOf(answerId, this.hashUser(userId)) !== undefined;
  }

  /** Which way this user voted on this answer, if they did. */
  voteOf(answerId: string, userId: string): Vote | undefined {
    return this.log.voteOf(answerId, this.hashUser(userId)) ?? undefined;
  }

  /** The answer remembered under `answerId` (sent since the start), if any. */
  answerOf(answerId: string): AnsweredQuestion | undefined {
    return this.answers.get(answerId);
  }

  /**
   * Records a vote, once per user and answer. `fallback` gives the answer's question and sources when
   * the answer is not remembered (it was sent before a restart). Resolves 'duplicate' without writing
   * when the user already voted on this answer.
   */
  async record(
    answerId: string,
    userId: string,
    vote: Vote,
    fallback: () => AnsweredQuestion | undefined,
  ): Promise<'recorded' | 'duplicate'> {
    const user = this.hashUser(userId);
    if (this.log.voteOf(answerId, user) !== undefined) return 'duplicate';
    const known = this.answers.get(answerId);
    const about = known ?? fallback() ?? { question: '', sources: [] };
    const record: FeedbackRecord = { time: new Date().toISOString(), answerId, vote, user, question: about.question, sources: about.sources };
    if (about.answered !== undefined) record.answered = about.answered;
    if (about.quotes !== undefined) record.quotes = about.quotes;
    if (!known) record.recovered = true;
    if (!this.log.addVote(record)) return 'duplicate';
    if (!known && about.quotes !== undefined) this.keep(answerId, about);
    return 'recorded';
  }

  /**
   * Adds what was wrong to this user's 👎 on this answer. Resolves 'no-vote' (writing nothing) when the
   * user has no 👎 on it, or names a quote the answer did not have, and 'duplicate' when they already
   * said the same.
   */
  async recordDetail(answerId: string, userId: string, detail: FeedbackDetail): Promise<'recorded' | 'duplicate' | 'no-vote'> {
    const user = this.hashUser(userId);
    if (this.log.voteOf(answerId, user) !== 'down') return 'no-vote';
    const quotes = this.answers.get(answerId)?.quotes;
    if (detail.kind === 'wrong-quote' && quotes !== undefined && detail.quote > quotes.length) return 'no-vote';
    const record: FeedbackDetailRecord = { time: new Date().toISOString(), answerId, user, detail: detail.kind };
    if (detail.kind === 'wrong-quote') record.quote = detail.quote;
    return this.log.addDetail(record) ? 'recorded' : 'duplicate';
  }

  /** Waits for writes in progress (there are none: every write is done when it returns). */
  async flush(): Promise<void> {}

  /** The voter's id as stored: HMAC-SHA256 (hex) keyed with the salt. */
  hashUser(userId: string): string {
    return createHmac('sha256', this.salt).update(userId).digest('hex');
  }
}

/**
 * The key in `<database>.salt`, made (random, owner-only) when there is none yet — or, the first time,
 * taken over from `<legacyFile>.salt`, the key older versions kept beside the JSONL file, so that
 * imported votes and new ones hash a voter alike.
 */
async function saltBeside(databaseFile: string, legacyFile: string | undefined, logger: Logger): Promise<string> {
  const saltFile = `${databaseFile}.salt`;
  const existing = await readKey(saltFile);
  if (existing !== undefined) return existing;
  const legacy = legacyFile === undefined ? undefined : await readKey(`${legacyFile}.salt`);
  await mkdir(path.dirname(saltFile), { recursive: true, mode: DIR_MODE });
  const salt = legacy ?? randomBytes(32).toString('hex');
  try {
    await writeFile(saltFile, `${salt}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another process made it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return (await readFile(saltFile, 'utf8')).trim();
    throw error;
  }
  if (legacy !== undefined) logger.info({ file: saltFile, from: `${legacyFile}.salt` }, 'took over the key for hashing voters from beside the old feedback file; keep it with the database');
  else logger.info({ file: saltFile }, 'made a key for hashing voters in the feedback log; keep it with the database');
  return salt;
}

async function readKey(file: string): Promise<string | undefined> {
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** The 👍/👎 row under an answer. */
export function feedbackButtons(answerId: string): APIActionRowComponent<APIButtonComponent> {
  return {
    type: ComponentType.ActionRow,
    components: [
      { type: ComponentType.Button, style: ButtonStyle.Secondary, custom_id: feedbackId('up', answerId), emoji: { name: '👍' } },
      { type: ComponentType.Button, style: ButtonStyle.Secondary, custom_id: feedbackId('down', answerId), emoji: { name: '👎' } },
    ],
  };
}

/**
 * Reads an answer's question and source ids back from its rendered embed (see render/answer.ts):
 * the title is the question (or, for a refusal, the "You asked:" line), and each source field's
 * value starts with its file in a code span, whose name without extension is the article id.
 */
export function answerFromEmbed(embed: APIEmbed | undefined): AnsweredQuestion | undefined {
  if (!embed) return undefined;
  let question = '';
  if (embed.title !== undefined && embed.title !== NOT_IN_CORPUS_TITLE) question = embed.title;
  else {
    const asked = /^\*\*You asked:\*\* (.*)$/m.exec(embed.description ?? '');
    if (asked?.[1] !== undefined) question = asked[1];
  }
  const sources: string[] = [];
  for (const field of embed.fields ?? []) {
    const file = /^`([^`]+)`/.exec(field.value)?.[1];
    if (file !== undefined) sources.push(path.posix.basename(file).replace(/\.[^.]+$/, ''));
  }
  return { question: unescapeText(question).replace(/ …$/, ''), sources };
}

/**
 * An answer read back from its embed after a restart: `answerFromEmbed` and, for an answer (not a
 * refusal), its quotes from the block quotes of the description, each ending in its [n] (or a
 * linked [n]). A quote that was cut to fit loses its ellipsis; its offsets are not known.
 */
export function recoveredAnswer(embed: APIEmbed | undefined): AnsweredQuestion | undefined {
  const about = answerFromEmbed(embed);
  if (!about || !embed) return about;
  const answered = embed.title !== undefined && embed.title !== NOT_IN_CORPUS_TITLE;
  const quotes: FeedbackQuote[] = [];
  if (answered) {
    for (const block of (embed.description ?? '').split('\n\n')) {
      const lines = block.split('\n');
      if (!lines.every((line) => line.startsWith('> '))) continue;
      const body = lines.map((line) => line.slice(2)).join('\n');
      const mark = /\s\[(\d+)\]$|\s\[\[(\d+)\]\]\(<[^>]*>\)$/.exec(body);
      if (!mark) continue;
      const n = Number(mark[1] ?? mark[2]);
      const text = unescapeText(body.slice(0, mark.index)).replace(/\s*…$/, '');
      const articleId = about.sources[n - 1];
      if (articleId !== undefined && text.length > 0) quotes.push({ source: n, articleId, text });
    }
  }
  return { ...about, answered, quotes };
}
