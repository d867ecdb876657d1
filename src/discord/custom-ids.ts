/**
 * Custom ids of the bot's buttons. Each encodes everything its handler needs (Discord keeps them on the
 * message, so they survive restarts): the sources page a ◀/▶ button leads to, the answer a 👍/👎 is about,
 * the quote a "this quote was wrong" button after a 👎 names. Custom ids are at most 100 characters.
 */

/** A vote on an answer. */
export type Vote = 'up' | 'down';

const SOURCES_PREFIX = 'sources';
const FEEDBACK_PREFIX = 'feedback';

/** The ◀ (`prev`) or ▶ (`next`) button of a sources page, leading to `page` (1-based). */
export function sourcesPageId(page: number, direction: 'prev' | 'next'): string {
  return `${SOURCES_PREFIX}:${direction}:${page}`;
}

/** The page a sources button leads to, or undefined when the id is not one. */
export function parseSourcesPageId(customId: string): number | undefined {
  const match = /^sources:(?:prev|next):(-?\d{1,9})$/.exec(customId);
  return match ? Number(match[1]) : undefined;
}

/** A 👍/👎 button under the answer `answerId`. */
export function feedbackId(vote: Vote, answerId: string): string {
  return `${FEEDBACK_PREFIX}:${vote}:${answerId}`;
}

/** The vote and answer of a feedback button, or undefined when the id is not one. */
export function parseFeedbackId(customId: string): { vote: Vote; answerId: string } | undefined {
  const match = /^feedback:(up|down):([A-Za-z0-9_-]{1,64})$/.exec(customId);
  if (!match) return undefined;
  return { vote: match[1] as Vote, answerId: match[2] as string };
}

/**
 * What a 👎 voter can add: which quote was wrong (`quote`, 1-based in the order the answer shows them), or
 * that the answer should have declined.
 */
export type FeedbackDetail = { kind: 'wrong-quote'; quote: number } | { kind: 'should-decline' };

/** The most quotes a 👎 voter can choose among (Discord allows 5 rows of 5 buttons; one row is for "should have declined"). */
export const MAX_QUOTE_CHOICES = 20;

/** A button after a 👎 on `answerId` that adds `detail` to the vote. */
export function feedbackDetailId(answerId: string, detail: FeedbackDetail): string {
  return detail.kind === 'wrong-quote' ? `${FEEDBACK_PREFIX}:quote:${answerId}:${detail.quote}` : `${FEEDBACK_PREFIX}:decline:${answerId}`;
}

/** The answer and detail of a quote-choice button, or undefined when the id is not one. */
export function parseFeedbackDetailId(customId: string): { answerId: string; detail: FeedbackDetail } | undefined {
  const quote = /^feedback:quote:([A-Za-z0-9_-]{1,64}):(\d{1,2})$/.exec(customId);
  if (quote) {
    const n = Number(quote[2]);
    if (n < 1 || n > MAX_QUOTE_CHOICES) return undefined;
    return { answerId: quote[1] as string, detail: { kind: 'wrong-quote', quote: n } };
  }
  const decline = /^feedback:decline:([A-Za-z0-9_-]{1,64})$/.exec(customId);
  return decline ? { answerId: decline[1] as string, detail: { kind: 'should-decline' } } : undefined;
}

const MORE_PREFIX = 'more';

/** The "Show more" button under the answer `answerId` (its further quotes: see Answer.more). */
export function showMoreId(answerId: string): string {
  return `${MORE_PREFIX}:${answerId}`;
}

/** The answer of a "Show more" button, or undefined when the id is not one. */
export function parseShowMoreId(customId: string): string | undefined {
  const match = /^more:([A-Za-z0-9_-]{1,64})$/.exec(customId);
  return match ? match[1] : undefined;
}
