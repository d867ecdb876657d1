/**
 * What a refusal says. When the engine declines is the reader's call (see reader/reader.ts): a
 * question is declined when no candidate sentence is likely enough to answer it; the threshold
 * is calibrated with the reader by `npm run fit:reader` and can be overridden with
 * REFUSAL_THRESHOLD.
 */
import type { RefusalReason } from './types.js';

export const REFUSAL_MESSAGES: Record<RefusalReason, string> = {
  empty: 'Ask a question about the articles, for example: "What did the Kremlin say about a meeting?"',
  'no-words': 'That question has no words to search for. Ask it in words, for example: "Who met Putin in Moscow?"',
  'too-vague':
    'That question does not say what to look for. Ask about something specific in the articles: a person, a place, an event or a claim, for example "Who said what about whom, and when?" These are some of the articles:',
  'not-in-corpus': 'The articles do not answer that. These are the nearest sources:',
};
