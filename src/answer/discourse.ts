/**
 * Discourse cues between adjacent sentences: a sentence that announces what follows ("There were
 * several reasons:", "The talks covered the following points:") is a lead-in whose answer is the
 * next sentence; a sentence that opens by pointing back ("He…", "This…", "These measures…") leans
 * on the one before it.
 */

const COUNT = '(?:several|many|various|a number of|a few|two|three|four|five)(?: main| major| key)?';
const KINDS = '(?:reasons|ways|factors|causes|steps|types|kinds|points|measures|issues|areas|options|approaches|changes)';
/** Ends with a colon, says "as follows" or ends on "the following", opens with "There were several …", or ends soon after "three reasons". */
const LEAD_IN = new RegExp(
  `:\\s*$|\\bas follows\\b|\\bthe following(?: \\w+)?\\W*$|^(?:there (?:are|were|is|was|have been)|here are) ${COUNT}\\b|\\b${COUNT} ${KINDS}(?:\\W+\\w+){0,4}\\W*$`,
  'iu',
);
/** A word one of LEAD_IN's forms needs (or "there"/"here" opening it): tested first, it rules out most sentences ~5× faster than LEAD_IN. */
const LEAD_IN_WORDS = new RegExp(`follow|^(?:there|here) |${KINDS}`, 'iu');
const BACK_REFERENCE = /^["“'‘(\s]*(?:he|she|it|they|this|these|that|those|his|her|its|their|such|the latter|the former)\b/iu;

/** Whether a sentence announces that the next one(s) carry what it is about. */
export function isLeadIn(sentence: string): boolean {
  const text = sentence.trimEnd();
  return text.endsWith(':') || (LEAD_IN_WORDS.test(text) && LEAD_IN.test(text));
}

/** Whether a sentence opens by referring to something said before it. */
export function refersBack(sentence: string): boolean {
  return BACK_REFERENCE.test(sentence);
}
