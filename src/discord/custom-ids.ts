/**
 * Custom ids of the bot's buttons. Each encodes everything its handler needs (Discord keeps them on the
 * message, so they survive restarts): the sources page a ◀/▶ button leads to, the answer a 👍/👎 is about.
 * Custom ids are at most 100 characters.
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
