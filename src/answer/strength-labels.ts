/**
 * The words both front ends (terminal and Discord) use for an answer's strength, for the passages
 * shown with a refusal, for spelling corrections and for where else a source's story ran ("also
 * in …"), so that people read the same thing in each.
 * Plain text: each front end escapes and styles it.
 */
import type { AlsoInRef, AnswerStrength, SpellingCorrection } from './types.js';

/** How directly the quotes answer, as a short label shown above them. */
export const STRENGTH_LABELS: Record<AnswerStrength, string> = {
  direct: 'Direct answer',
  likely: 'Likely answer',
  partial: 'Partial — may not answer the question',
};

/** The heading above a refusal's nearest passages. */
export const NEAREST_PASSAGES_HEADING = 'Closest passages (they do not answer your question)';

/** The heading above the sources listed with a refusal that shows nearest passages. */
export const NEAREST_SOURCES_HEADING = 'Nearest sources';

/** The heading above the articles listed with a too-vague refusal. */
export const CORPUS_COVERS_HEADING = 'The articles cover';

/**
 * A refusal message without its closing sentence when that sentence introduces a list ("These are
 * the nearest sources:"), for when something other than the list follows the message, or nothing
 * does. A message of one sentence is left as it is.
 */
export function withoutListLead(message: string): string {
  const match = /^([\s\S]*[.!?]["'”’»)\]]*)\s+[^.!?]+:\s*$/.exec(message);
  return match?.[1] ?? message;
}

/** A message that ends by introducing what follows (a list), like "These are the nearest sources:" or "These are some of the articles:". */
export function introducesList(message: string): boolean {
  return /:\s*$/.test(message);
}

/** "trum → trump, putn → putin". */
export function spellingList(corrections: readonly SpellingCorrection[]): string {
  return corrections.map((c) => `${c.from} → ${c.to}`).join(', ');
}

/**
 * The question as searched: each corrected word replaced, as a whole word and whatever its case, by
 * its correction (capitalised when the word was). A word the question does not hold as written
 * (the engine may have normalised it) is left as it is; the spelling list still names it.
 */
export function searchedQuestion(question: string, corrections: readonly SpellingCorrection[]): string {
  let out = question;
  for (const { from, to } of corrections) {
    if (from.length === 0) continue;
    const escaped = from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const word = new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, 'giu');
    out = out.replace(word, (found) => (isCapitalised(found) && !isCapitalised(to) ? capitalise(to) : to));
  }
  return out;
}

function isCapitalised(word: string): boolean {
  const first = word.charAt(0);
  return first !== first.toLowerCase() && first === first.toUpperCase();
}

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** How many articles an "also in" line names before it counts the rest ("and 2 more"). */
export const ALSO_IN_NAMED = 3;

/**
 * "also in Reuters, AP News and 2 more": where else a source's story ran, each article named by its
 * outlet (its title when it has none; an outlet named twice is named once), at most `named` of them.
 * Undefined when there are none.
 */
export function alsoInLine(refs: readonly AlsoInRef[] | undefined, named: number = ALSO_IN_NAMED): string | undefined {
  const names: string[] = [];
  for (const ref of refs ?? []) {
    const name = (ref.outlet?.trim() || ref.title.trim() || ref.id).replace(/\s+/g, ' ');
    if (!names.includes(name)) names.push(name);
  }
  if (names.length === 0) return undefined;
  const shown = names.slice(0, Math.max(1, named));
  const rest = names.length - shown.length;
  return `also in ${shown.join(', ')}${rest > 0 ? ` and ${rest} more` : ''}`;
}
