/**
 * The feedback log in the database: votes and the details added to them, in the order written. One
 * vote per voter and answer, and one of each detail, hold across restarts and across processes: the
 * check and the insert are one statement, and SQLite runs one writer at a time.
 */
import type { Database } from './database.js';
import { lineOfRow, type FeedbackDetailRecord, type FeedbackLine, type FeedbackRecord, type FeedbackRow, type VoteDirection } from './feedback-lines.js';

interface VoteParams {
  time: string;
  answerId: string;
  vote: string;
  user: string;
  question: string;
  sources: string;
  answered: number | null;
  quotes: string | null;
  recovered: number | null;
}

interface DetailParams {
  time: string;
  answerId: string;
  user: string;
  detail: string;
  quote: number | null;
}

const ROW_COLUMNS = 'kind, time, answer_id, user, vote, question, sources, answered, quotes, recovered, detail, quote, extra';

export class FeedbackLog {
  private readonly insertVote;
  private readonly insertDetail;
  private readonly selectVote;
  private readonly countVotes;
  private readonly selectAll;

  constructor(readonly db: Database) {
    this.insertVote = db.prepare<[VoteParams]>(
      `INSERT INTO feedback (kind, time, answer_id, vote, user, question, sources, answered, quotes, recovered)
       SELECT 'vote', @time, @answerId, @vote, @user, @question, @sources, @answered, @quotes, @recovered
       WHERE NOT EXISTS (SELECT 1 FROM feedback WHERE answer_id = @answerId AND user = @user AND kind = 'vote')`,
    );
    this.insertDetail = db.prepare<[DetailParams]>(
      `INSERT INTO feedback (kind, time, answer_id, user, detail, quote)
       SELECT 'detail', @time, @answerId, @user, @detail, @quote
       WHERE NOT EXISTS (SELECT 1 FROM feedback WHERE answer_id = @answerId AND user = @user AND kind = 'detail' AND detail = @detail AND quote IS @quote)`,
    );
    this.selectVote = db.prepare<[string, string], { vote: string | null }>(
      "SELECT vote FROM feedback WHERE answer_id = ? AND user = ? AND kind = 'vote' ORDER BY seq LIMIT 1",
    );
    this.countVotes = db.prepare<[], { n: number }>("SELECT count(DISTINCT answer_id || ':' || user) AS n FROM feedback WHERE kind = 'vote'");
    this.selectAll = db.prepare<[], FeedbackRow>(`SELECT ${ROW_COLUMNS} FROM feedback ORDER BY seq`);
  }

  /** Writes a vote unless this voter has one on this answer already; false when they had. */
  addVote(record: FeedbackRecord): boolean {
    const params: VoteParams = {
      time: record.time,
      answerId: record.answerId,
      vote: record.vote,
      user: record.user,
      question: record.question,
      sources: JSON.stringify(record.sources),
      answered: record.answered === undefined ? null : record.answered ? 1 : 0,
      quotes: record.quotes === undefined ? null : JSON.stringify(record.quotes),
      recovered: record.recovered === true ? 1 : null,
    };
    return this.insertVote.run(params).changes > 0;
  }

  /** Writes a detail unless the same one is there already; false when it was. */
  addDetail(record: FeedbackDetailRecord): boolean {
    const params: DetailParams = { time: record.time, answerId: record.answerId, user: record.user, detail: record.detail, quote: record.quote ?? null };
    return this.insertDetail.run(params).changes > 0;
  }

  /**
   * The voter's vote on an answer: its direction, `null` for a vote line without one (older versions),
   * or undefined when they have not voted.
   */
  voteOf(answerId: string, user: string): VoteDirection | null | undefined {
    const row = this.selectVote.get(answerId, user);
    if (!row) return undefined;
    return row.vote === 'up' || row.vote === 'down' ? row.vote : null;
  }

  /** How many voters have voted on how many answers (each voter and answer once). */
  get votes(): number {
    return this.countVotes.get()?.n ?? 0;
  }

  /** Every line, oldest first, as the JSONL file had them (see feedback-lines.ts). */
  *lines(): Generator<FeedbackLine> {
    for (const row of this.selectAll.iterate()) yield lineOfRow(row);
  }
}

/** The log as JSON lines (each ending in a newline), as `npm run feedback:export` writes it. */
export function* exportLines(log: FeedbackLog): Generator<string> {
  for (const line of log.lines()) yield `${JSON.stringify(line)}\n`;
}
