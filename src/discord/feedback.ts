/**
 * 👍/👎 votes on answers, kept in an append-only JSONL file (FEEDBACK_FILE), one vote per line:
 * `{"time", "answerId", "vote", "user", "question", "sources", "answered", "quotes"}` where `user` is a
 * keyed hash (HMAC-SHA256) of the voter's Discord id, `sources` the ids of the answer's sources and
 * `quotes` each quote's article, offsets and text (enough to make an evaluation item of it later: see
 * `npm run eval -- --from-feedback`). No raw ids are stored, and since Discord ids can be enumerated
 * the hash is keyed: with FEEDBACK_SALT, or else with a random key made once and kept beside the file
 * (`<file>.salt`, readable by its owner only), so the file alone does not tell who voted. Keep the key
 * with the file: a new key makes earlier voters look new.
 *
 * After a 👎 the voter may say what was wrong — which quote, or that the answer should have declined.
 * That is another line, which refers to the vote by its `answerId` and `user` and has no `vote`:
 * `{"time", "answerId", "user", "detail": "wrong-quote", "quote": 2}` (the second quote shown) or
 * `{"time", "answerId", "user", "detail": "should-decline"}`. The file is never rewritten; lines of
 * older versions (without `answered`, `quotes` or details) still read.
 *
 * One vote per person per answer: a second vote is acknowledged but not written (likewise the same
 * detail twice). The file is read at start, so this holds across restarts. The answer a vote is about
 * is remembered in memory when it is sent; for a vote on an answer sent before a restart, its question,
 * sources and quotes are read back from the answer message's embed (and the line is marked `recovered`).
 */
import { createHmac, randomBytes } from 'node:crypto';
import { appendFile, chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponent, type APIEmbed } from 'discord.js';
import type { Answer, MoreQuotes } from '../answer/types.js';
import type { Logger } from '../core/logger.js';
import { feedbackId, type FeedbackDetail, type Vote } from './custom-ids.js';
import { NOT_IN_CORPUS_TITLE } from './render/answer.js';
import { unescapeText } from './render/sanitize.js';

/** One line of the feedback file. */
export interface FeedbackRecord {
  time: string;
  answerId: string;
  vote: Vote;
  /** HMAC-SHA256 (hex) of the voter's user id, keyed with the store's salt. */
  user: string;
  question: string;
  /** Ids of the answer's sources, in [n] order. */
  sources: string[];
  /** Whether the answer quoted the articles (false: it declined). Absent in lines of older versions. */
  answered?: boolean;
  /** The answer's quotes in the order shown. Absent in lines of older versions. */
  quotes?: FeedbackQuote[];
  /** True when the question and sources were read back from the message after a restart. */
  recovered?: boolean;
}

/** A quote as the feedback file keeps it. */
export interface FeedbackQuote {
  /** The [n] of its source. */
  source: number;
  articleId: string;
  /** Offsets into the article's cleaned text (absent when read back from a message after a restart). */
  start?: number;
  end?: number;
  text: string;
}

/** A line adding what was wrong to a 👎 (the vote with the same `answerId` and `user`). */
export interface FeedbackDetailRecord {
  time: string;
  answerId: string;
  user: string;
  detail: FeedbackDetail['kind'];
  /** For `wrong-quote`: which quote, 1-based in the order shown (`quotes[quote - 1]` of the vote). */
  quote?: number;
}

/** Any line of the feedback file. */
export type FeedbackLine = FeedbackRecord | FeedbackDetailRecord;

/** Whether a line of the feedback file is a detail added to a vote (it has no `vote`). */
export function isDetailLine(line: FeedbackLine): line is FeedbackDetailRecord {
  return (line as Partial<FeedbackDetailRecord>).detail !== undefined && (line as Partial<FeedbackRecord>).vote === undefined;
}

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

/**
 * How many votes (answer and hashed voter) are remembered to turn a second vote away. Vote buttons stay
 * on their messages for good, so the set is bounded by count, the oldest forgotten first: a second
 * vote on an answer whose first vote is older than the last this-many votes is recorded again (the
 * file keeps both; count one per answerId and user when reading it).
 */
export const REMEMBERED_VOTES = 50_000;

/** The feedback file holds the text of private questions: owner-only, like its salt. */
const FILE_MODE = 0o600;
/** A directory the store makes for it. */
const DIR_MODE = 0o700;

export class FeedbackStore {
  /** Votes remembered, oldest first (see REMEMBERED_VOTES), with which way each went. */
  private readonly voted = new Map<string, Vote | undefined>();
  /** Details added to votes, oldest first (bounded like the votes). */
  private readonly details = new Set<string>();
  private readonly answers = new Map<string, AnsweredQuestion>();
  private writing: Promise<void> = Promise.resolve();

  private constructor(
    readonly file: string,
    private readonly salt: string,
    private readonly logger: Logger,
  ) {}

  /**
   * Opens the store, reading the votes already in `file` (a missing file is an empty one). Voters' ids
   * are hashed with `salt`, or when it is undefined with the key in `<file>.salt` (made if missing).
   */
  static async open(file: string, logger: Logger, salt?: string): Promise<FeedbackStore> {
    const store = new FeedbackStore(file, salt ?? (await saltBeside(file, logger)), logger);
    let text = '';
    let exists = false;
    try {
      text = await readFile(file, 'utf8');
      exists = true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    let bad = 0;
    for (const line of text.split('\n')) {
      if (line.trim().length === 0) continue;
      try {
        const record = JSON.parse(line) as Partial<FeedbackRecord & FeedbackDetailRecord>;
        if (typeof record.answerId !== 'string' || typeof record.user !== 'string') bad++;
        else if (record.vote === undefined && typeof record.detail === 'string') {
          store.rememberDetail(detailKey(voteKey(record.answerId, record.user), record.detail, record.quote));
        } else store.rememberVote(voteKey(record.answerId, record.user), record.vote === 'up' || record.vote === 'down' ? record.vote : undefined);
      } catch {
        bad++;
      }
    }
    if (bad > 0) logger.warn({ file, lines: bad }, 'feedback file has lines that could not be read; they were skipped');
    if (exists) await ownerOnly(file, logger);
    return store;
  }

  /** Votes read or recorded so far. */
  get size(): number {
    return this.voted.size;
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
    return this.voted.has(voteKey(answerId, this.hashUser(userId)));
  }

  /** Which way this user voted on this answer, if the store remembers a vote of theirs. */
  voteOf(answerId: string, userId: string): Vote | undefined {
    return this.voted.get(voteKey(answerId, this.hashUser(userId)));
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
    const key = voteKey(answerId, user);
    if (this.voted.has(key)) return 'duplicate';
    this.rememberVote(key, vote);
    const known = this.answers.get(answerId);
    const about = known ?? fallback() ?? { question: '', sources: [] };
    const record: FeedbackRecord = { time: new Date().toISOString(), answerId, vote, user, question: about.question, sources: about.sources };
    if (about.answered !== undefined) record.answered = about.answered;
    if (about.quotes !== undefined) record.quotes = about.quotes;
    if (!known) record.recovered = true;
    if (!known && about.quotes !== undefined) this.keep(answerId, about);
    try {
      await this.append(`${JSON.stringify(record)}\n`);
    } catch (error) {
      this.voted.delete(key);
      throw error;
    }
    return 'recorded';
  }

  /**
   * Adds what was wrong to this user's 👎 on this answer. Resolves 'no-vote' (writing nothing) when the
   * user has no 👎 on it that the store remembers, or names a quote the answer did not have, and
   * 'duplicate' when they already said the same.
   */
  async recordDetail(answerId: string, userId: string, detail: FeedbackDetail): Promise<'recorded' | 'duplicate' | 'no-vote'> {
    const user = this.hashUser(userId);
    const vote = voteKey(answerId, user);
    if (this.voted.get(vote) !== 'down') return 'no-vote';
    const quotes = this.answers.get(answerId)?.quotes;
    if (detail.kind === 'wrong-quote' && quotes !== undefined && detail.quote > quotes.length) return 'no-vote';
    const key = detailKey(vote, detail.kind, detail.kind === 'wrong-quote' ? detail.quote : undefined);
    if (this.details.has(key)) return 'duplicate';
    this.rememberDetail(key);
    const record: FeedbackDetailRecord = { time: new Date().toISOString(), answerId, user, detail: detail.kind };
    if (detail.kind === 'wrong-quote') record.quote = detail.quote;
    try {
      await this.append(`${JSON.stringify(record)}\n`);
    } catch (error) {
      this.details.delete(key);
      throw error;
    }
    return 'recorded';
  }

  private rememberVote(key: string, vote?: Vote): void {
    this.voted.delete(key);
    this.voted.set(key, vote);
    if (this.voted.size > REMEMBERED_VOTES) {
      const oldest = this.voted.keys().next().value;
      if (oldest !== undefined) this.voted.delete(oldest);
    }
  }

  private rememberDetail(key: string): void {
    this.details.add(key);
    if (this.details.size > REMEMBERED_VOTES) {
      const oldest = this.details.values().next().value;
      if (oldest !== undefined) this.details.delete(oldest);
    }
  }

  /** Waits for writes in progress. */
  async flush(): Promise<void> {
    await this.writing;
  }

  /** The voter's id as stored: HMAC-SHA256 (hex) keyed with the salt. */
  hashUser(userId: string): string {
    return createHmac('sha256', this.salt).update(userId).digest('hex');
  }

  private append(line: string): Promise<void> {
    const write = this.writing.then(async () => {
      await mkdir(path.dirname(this.file), { recursive: true, mode: DIR_MODE });
      // The mode applies when the file is made; an existing file was made owner-only when opened.
      await appendFile(this.file, line, { encoding: 'utf8', mode: FILE_MODE });
    });
    // Keep the chain going after a failure; the caller sees this write's error.
    this.writing = write.catch((error: unknown) => this.logger.error({ err: error, file: this.file }, 'could not write feedback'));
    return write;
  }
}

/** The key in `<file>.salt`, made (random, owner-only) when there is none yet. */
async function saltBeside(file: string, logger: Logger): Promise<string> {
  const saltFile = `${file}.salt`;
  try {
    return (await readFile(saltFile, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(path.dirname(saltFile), { recursive: true, mode: DIR_MODE });
  const salt = randomBytes(32).toString('hex');
  try {
    await writeFile(saltFile, `${salt}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another process made it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return (await readFile(saltFile, 'utf8')).trim();
    throw error;
  }
  logger.info({ file: saltFile }, 'made a key for hashing voters in the feedback file; keep it with the file');
  return salt;
}

/** Makes an existing feedback file owner-only (older versions made it world-readable). */
async function ownerOnly(file: string, logger: Logger): Promise<void> {
  try {
    const mode = (await stat(file)).mode & 0o777;
    if ((mode & 0o077) === 0) return;
    await chmod(file, FILE_MODE);
    logger.info({ file, was: mode.toString(8) }, 'made the feedback file readable by its owner only (it holds private questions)');
  } catch (error) {
    logger.warn({ err: error, file }, 'could not make the feedback file owner-only');
  }
}

function voteKey(answerId: string, userHash: string): string {
  return `${answerId}:${userHash}`;
}

function detailKey(voteKey: string, detail: string, quote: number | undefined): string {
  return `${voteKey}:${detail}:${quote ?? ''}`;
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
