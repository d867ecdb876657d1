/**
 * The kind of answer a question asks for, read from its wh-word, and whether a sentence holds
 * something of that kind beyond what the question already says: "When …?" wants a time
 * ("next week", "on Thursday", "in 2014"), "How many …?" a number, "Who …?" a name, "Why …?"
 * a reason. A light, general signal for ranking sentences, not a filter.
 */
export type AnswerType = 'time' | 'number' | 'person' | 'place' | 'reason' | 'other';

const PLACE_NOUNS =
  'city|town|village|country|county|state|province|region|area|district|continent|island|river|lake|sea|ocean|mountain|location|place|street|building|nation';
const PERSON_NOUNS =
  'person|people|man|woman|king|queen|emperor|president|leader|scientist|mathematician|physicist|chemist|author|writer|poet|artist|composer|architect|philosopher|player|general|pope|bishop|ruler';

const QUESTION_PATTERNS: [RegExp, AnswerType][] = [
  [/\b(?:when|(?:what|which) (?:year|day|month|date|time|century|decade|era|period|season)|how long ago|since when)\b/iu, 'time'],
  [
    /\bhow (?:many|much|old|far|long|large|big|high|tall|wide|deep|heavy|fast|often)\b|\bwhat (?:percentage|percent|share|number|proportion|amount|population)\b|\b(?:number|percentage|proportion|population|amount) of\b/iu,
    'number',
  ],
  [new RegExp(`\\b(?:who|whom|whose)\\b|\\b(?:what|which) (?:\\w+ )?(?:${PERSON_NOUNS})\\b`, 'iu'), 'person'],
  [new RegExp(`\\bwhere\\b|\\b(?:what|which) (?:\\w+ )?(?:${PLACE_NOUNS})\\b`, 'iu'), 'place'],
  [/\bwhy\b|\bwhat (?:is|was) the reason\b/iu, 'reason'],
];

const MONTHS = 'January|February|March|April|May|June|July|August|September|October|November|December';
const DAYS = 'Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday';
const TIME =
  new RegExp(
    `\\b(?:${MONTHS}|${DAYS}|yesterday|today|tomorrow|tonight|(?:next|last|this|coming|previous) (?:week|month|year|decade|century|spring|summer|autumn|fall|winter|weekend)|\\d{1,2}(?:st|nd|rd|th)? century|(?:1[0-9]|20)\\d{2}s?|\\d+ (?:days?|weeks?|months?|years?|hours?) (?:ago|later|earlier)|era|decades?|since|until|ago|early as|soon|recently|currently)\\b`,
    'iu',
  );
const NUMBER = /\b\d[\d,.]*\b|%|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|thousand|million|billion|dozens?)\b/iu;
const REASON = /\b(?:because|since|due to|owing to|so that|in order to|as a result|therefore|thus|lead(?:s)? to|cause[sd]?|reason|help(?:s)?|can (?:\w+ )?(?:cut|reduce|prevent|avoid|help)|allows?|enables?)\b/iu;
const PLACE_WORDS = /\b(?:in|at|from|to|near) (?:the )?\p{Lu}\p{L}+/u;
const NAME = /\p{Lu}\p{Ll}+(?:\s+(?:\p{Lu}\.\s*)?\p{Lu}\p{Ll}+)+/gu;

export function answerType(question: string): AnswerType {
  for (const [pattern, type] of QUESTION_PATTERNS) if (pattern.test(question)) return type;
  return 'other';
}

/** 1 when the sentence holds an answer of the wanted type not already in the question, else 0. */
export function answerTypeMatch(type: AnswerType, sentence: string, question: string): number {
  switch (type) {
    case 'time':
      return TIME.test(sentence) ? 1 : 0;
    case 'number':
      return NUMBER.test(sentence) ? 1 : 0;
    case 'reason':
      return REASON.test(sentence) ? 1 : 0;
    case 'place':
      return PLACE_WORDS.test(sentence) ? 1 : 0;
    case 'person': {
      const asked = question.toLowerCase();
      return [...sentence.matchAll(NAME)].some((m) => !asked.includes(m[0].toLowerCase())) ? 1 : 0;
    }
    case 'other':
      return 0;
  }
}
