/**
 * The feedback log's records, as JSON lines — the form of the JSONL file older versions appended to
 * (FEEDBACK_FILE), of `npm run feedback:export`, and of what `npm run eval -- --from-feedback` reads —
 * and their rows in the database's `feedback` table.
 *
 * A vote: `{"time", "answerId", "vote", "user", "question", "sources", "answered", "quotes", "recovered"}`
 * where `user` is a keyed hash of the voter's Discord id; a detail added to a 👎 (no `vote`):
 * `{"time", "answerId", "user", "detail": "wrong-quote", "quote": 2}` or `{…, "detail": "should-decline"}`.
 * Lines of older versions lack `answered`, `quotes` and details; fields this version does not know are
 * kept in the row's `extra` and written back by the export, so a line round-trips.
 */

export type VoteDirection = 'up' | 'down';
export type FeedbackDetailKind = 'wrong-quote' | 'should-decline';

/** A vote line. */
export interface FeedbackRecord {
  time: string;
  answerId: string;
  vote: VoteDirection;
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

/** A quote as the feedback log keeps it. */
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
  detail: FeedbackDetailKind;
  /** For `wrong-quote`: which quote, 1-based in the order shown (`quotes[quote - 1]` of the vote). */
  quote?: number;
}

/** Any line of the feedback log. */
export type FeedbackLine = FeedbackRecord | FeedbackDetailRecord;

/** Whether a line of the feedback log is a detail added to a vote (it has no `vote`). */
export function isDetailLine(line: FeedbackLine): line is FeedbackDetailRecord {
  return (line as Partial<FeedbackDetailRecord>).detail !== undefined && (line as Partial<FeedbackRecord>).vote === undefined;
}

/** A row of the `feedback` table. */
export interface FeedbackRow {
  kind: 'vote' | 'detail';
  time: string | null;
  answer_id: string;
  user: string;
  vote: string | null;
  question: string | null;
  sources: string | null;
  answered: number | null;
  quotes: string | null;
  recovered: number | null;
  detail: string | null;
  quote: number | null;
  extra: string | null;
}

/** The columns of a row, in the order lines are written; `json`: stored as JSON text. */
const FIELDS: readonly { key: string; column: keyof FeedbackRow; type: 'string' | 'boolean' | 'integer' | 'json' }[] = [
  { key: 'time', column: 'time', type: 'string' },
  { key: 'answerId', column: 'answer_id', type: 'string' },
  { key: 'vote', column: 'vote', type: 'string' },
  { key: 'user', column: 'user', type: 'string' },
  { key: 'question', column: 'question', type: 'string' },
  { key: 'sources', column: 'sources', type: 'json' },
  { key: 'answered', column: 'answered', type: 'boolean' },
  { key: 'quotes', column: 'quotes', type: 'json' },
  { key: 'recovered', column: 'recovered', type: 'boolean' },
  { key: 'detail', column: 'detail', type: 'string' },
  { key: 'quote', column: 'quote', type: 'integer' },
];

/**
 * The row for a parsed line, or undefined when it is not a feedback line (not an object, or without a
 * string `answerId` and `user`). A field of an unexpected type goes to `extra` with the unknown ones.
 */
export function rowOfLine(line: unknown): FeedbackRow | undefined {
  if (typeof line !== 'object' || line === null || Array.isArray(line)) return undefined;
  const record = line as Record<string, unknown>;
  if (typeof record.answerId !== 'string' || typeof record.user !== 'string') return undefined;
  const isDetail = record.vote === undefined && typeof record.detail === 'string';
  const row: FeedbackRow = {
    kind: isDetail ? 'detail' : 'vote',
    time: null,
    answer_id: record.answerId,
    user: record.user,
    vote: null,
    question: null,
    sources: null,
    answered: null,
    quotes: null,
    recovered: null,
    detail: null,
    quote: null,
    extra: null,
  };
  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    const field = FIELDS.find((f) => f.key === key);
    if (!field) {
      extra[key] = value;
      continue;
    }
    const stored = toColumn(field.type, value);
    if (stored === undefined) extra[key] = value;
    else (row as unknown as Record<string, unknown>)[field.column] = stored;
  }
  if (Object.keys(extra).length > 0) row.extra = JSON.stringify(extra);
  return row;
}

function toColumn(type: 'string' | 'boolean' | 'integer' | 'json', value: unknown): string | number | undefined {
  switch (type) {
    case 'string':
      return typeof value === 'string' ? value : undefined;
    case 'boolean':
      return typeof value === 'boolean' ? (value ? 1 : 0) : undefined;
    case 'integer':
      return typeof value === 'number' && Number.isSafeInteger(value) ? value : undefined;
    case 'json':
      return value === undefined ? undefined : JSON.stringify(value);
  }
}

/** The line a row was made from (fields in the order the bot writes them, then those kept in `extra`). */
export function lineOfRow(row: FeedbackRow): FeedbackLine {
  const line: Record<string, unknown> = {};
  for (const field of FIELDS) {
    const value = row[field.column];
    if (value === null) continue;
    if (field.type === 'boolean') line[field.key] = value === 1;
    else if (field.type === 'json') line[field.key] = JSON.parse(value as string) as unknown;
    else line[field.key] = value;
  }
  if (row.extra !== null) Object.assign(line, JSON.parse(row.extra) as Record<string, unknown>);
  return line as unknown as FeedbackLine;
}
