/**
 * When to decline. The confidence of an answer is the score of its best sentence; below the
 * threshold the corpus is taken not to answer the question. The default was calibrated on the
 * evaluation questions (see README, "Evaluation"); REFUSAL_THRESHOLD overrides it.
 */
import type { RefusalReason } from './types.js';

export const DEFAULT_REFUSAL_THRESHOLD = 0.45;

export const REFUSAL_MESSAGES: Record<RefusalReason, string> = {
  empty: 'Ask a question about the articles, for example: "What did the Kremlin say about a meeting?"',
  'no-words': 'That question has no words to search for. Ask it in words, for example: "Who met Putin in Moscow?"',
  'not-in-corpus': 'The articles do not answer that. These are the nearest sources:',
};
