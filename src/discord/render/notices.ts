/** The short messages people see when the bot does not answer: busy, cooldown, errors, refusals. */

/** When every answering slot and queue place is taken. */
export const BUSY_MESSAGE = 'I’m busy answering other questions right now — please try again in a moment.';

/** While the bot is shutting down. */
export const STOPPING_MESSAGE = 'I’m restarting — please ask again in a minute.';

/** Shown when a handler failed; the details are in the log. */
export const ERROR_MESSAGE = 'Something went wrong answering that; it has been logged.';

/** For an unknown `/source` id. */
export function unknownArticleMessage(id: string): string {
  const shown = id.length > 80 ? `${id.slice(0, 80)}…` : id;
  return `No such article: \`${shown.replace(/`/g, 'ˋ')}\`. See \`/sources\` for the list of article ids.`;
}

/** For someone asking again before their cooldown has passed. */
export function cooldownMessage(seconds: number): string {
  const n = Math.max(1, Math.ceil(seconds));
  return `Slow down a little — you can ask again in ${n}s.`;
}
