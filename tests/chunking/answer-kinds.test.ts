import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  ANSWER_KIND_NAMES,
  AnswerKind,
  answerKinds,
  hasKind,
  kindNames,
  kindsOf,
  tagSentences,
} from '../../src/chunking/answer-kinds.js';
import { splitSentences } from '../../src/chunking/sentences.js';
import type { Sentence } from '../../src/chunking/types.js';
import { PROJECT_ROOT } from '../support/env.js';
import { seedArticles } from './helpers.js';

/** Every sentence of the seed corpus (one paragraph per line, as the corpus loader reads .txt files). */
const SEED_SENTENCES: string[] = [...seedArticles().values()].flatMap((article) =>
  splitSentences(article).map((sentence) => article.text.slice(sentence.start, sentence.end)),
);

/** The seed corpus sentence containing `fragment` (fails if the corpus has none). */
function seedSentence(fragment: string): string {
  const sentence = SEED_SENTENCES.find((candidate) => candidate.includes(fragment));
  if (sentence === undefined) throw new Error(`No seed sentence contains "${fragment}".`);
  return sentence;
}

function namesOf(text: string): string[] {
  return kindNames(answerKinds(text));
}

describe('the AnswerKind bit set', () => {
  it('has one distinct bit per kind and names them in bit order', () => {
    const bits = ANSWER_KIND_NAMES.map((name) => AnswerKind[name]);
    expect(new Set(bits).size).toBe(bits.length);
    for (const bit of bits) expect(bit & (bit - 1)).toBe(0);
    expect(kindNames(AnswerKind.DATE | AnswerKind.NUMBER)).toEqual(['NUMBER', 'DATE']);
    expect(kindNames(0)).toEqual([]);
    expect(hasKind(AnswerKind.DATE | AnswerKind.NAME, AnswerKind.NAME)).toBe(true);
    expect(hasKind(AnswerKind.DATE, AnswerKind.NAME | AnswerKind.PERSON)).toBe(false);
  });
});

describe('answerKinds on seed corpus sentences', () => {
  it('finds a date in "as early as next week"', () => {
    const sentence = seedSentence('as early as next week');
    expect(sentence).toBe('The meeting could take place as early as next week, though exact timing remains unconfirmed.');
    expect(namesOf(sentence)).toEqual(['DATE']);
    expect(kindsOf(sentence).values.get(AnswerKind.DATE)).toEqual(['next week']);
  });

  it('finds weekdays, months, years and durations with a number as dates', () => {
    expect(kindsOf(seedSentence('The Kremlin confirmed on Thursday')).values.get(AnswerKind.DATE)).toEqual(['Thursday']);
    expect(kindsOf(seedSentence('Since taking office in January')).values.get(AnswerKind.DATE)).toEqual(['January']);
    expect(kindsOf(seedSentence('annexation of Crimea in 2014')).values.get(AnswerKind.DATE)).toEqual(['2014']);
    expect(kindsOf(seedSentence('resolved within 24 hours')).values.get(AnswerKind.DATE)).toEqual(['24 hours']);
    // A duration without a number is no date.
    expect(hasKind(answerKinds(seedSentence('tensions that have persisted in recent years')), AnswerKind.DATE)).toBe(false);
  });

  it('finds percentages, numbers and ordinals', () => {
    const poll = kindsOf(seedSentence('only 20% of Americans'));
    expect(poll.values.get(AnswerKind.PERCENT)).toEqual(['20%', '30%']);
    expect(hasKind(poll.kinds, AnswerKind.NUMBER)).toBe(false);
    const meetings = kindsOf(seedSentence('over 50 high-level diplomatic meetings'));
    expect(meetings.values.get(AnswerKind.NUMBER)).toEqual(['50']);
    expect(meetings.values.get(AnswerKind.DATE)).toEqual(['past decade']);
    const boxers = kindsOf(seedSentence('two heavyweight boxers'));
    expect(boxers.values.get(AnswerKind.NUMBER)).toEqual(['two']);
    expect(boxers.values.get(AnswerKind.ORDINAL)).toEqual(['first']);
    // "one" as a pronoun is no number.
    expect(hasKind(answerKinds(seedSentence('even a tentative one, is significant')), AnswerKind.NUMBER)).toBe(false);
  });

  it('finds quantities: a number with a counted noun', () => {
    expect(kindsOf(seedSentence('impact millions of lives')).values.get(AnswerKind.QUANTITY)).toEqual(['millions of lives']);
    expect(kindsOf(seedSentence('about two people shaking hands')).values.get(AnswerKind.QUANTITY)).toEqual(['two people']);
  });

  it('finds names, and people and places where the text says so', () => {
    const witkoff = kindsOf(seedSentence('US special envoy Steve Witkoff met with Putin in Moscow'));
    expect(kindNames(witkoff.kinds)).toEqual(['DATE', 'NAME', 'PERSON', 'PLACE']);
    expect(witkoff.values.get(AnswerKind.NAME)).toEqual(['US', 'Steve Witkoff', 'Putin', 'Moscow', 'Trump']);
    expect(witkoff.values.get(AnswerKind.PERSON)).toEqual(['Steve Witkoff']);
    expect(witkoff.values.get(AnswerKind.PLACE)).toEqual(['Moscow']);
    expect(witkoff.values.get(AnswerKind.DATE)).toEqual(['Wednesday']);

    const beijing = kindsOf(seedSentence('during the upcoming international summit in Beijing this September'));
    expect(beijing.values.get(AnswerKind.PERSON)).toEqual(['Vladimir Putin', 'Donald Trump']);
    expect(beijing.values.get(AnswerKind.PLACE)).toEqual(['Beijing']);
    expect(beijing.values.get(AnswerKind.DATE)).toEqual(['this September']);

    const dmitriev = kindsOf(seedSentence('Kirill Dmitriev, a close economic adviser to Putin'));
    expect(dmitriev.values.get(AnswerKind.PERSON)).toEqual(['Kirill Dmitriev']);
    expect(dmitriev.values.get(AnswerKind.NAME)).toContain('Putin');

    expect(kindsOf(seedSentence('relationship between Russia and the United States')).values.get(AnswerKind.NAME)).toContain('United States');
  });

  it('does not take a capitalised first word alone for a name', () => {
    expect(namesOf(seedSentence('Officials highlighted the importance'))).toEqual([]);
    expect(hasKind(answerKinds(seedSentence('Putin has repeatedly said that his preference')), AnswerKind.NAME)).toBe(false);
    // …but a possessive makes it one.
    expect(kindsOf(seedSentence('Russia’s proposed terms')).values.get(AnswerKind.NAME)).toEqual(['Russia', 'Western', 'Moscow']);
  });

  it('finds quotations and reasons', () => {
    const quoted = kindsOf(seedSentence('“This can be a historic meeting,”'));
    expect(quoted.values.get(AnswerKind.QUOTE)).toEqual(['This can be a historic meeting,']);
    expect(hasKind(answerKinds(seedSentence('simple \'yes\' or \'no\' answer')), AnswerKind.QUOTE)).toBe(false);
    expect(hasKind(answerKinds(seedSentence('shape global politics for years to come')), AnswerKind.REASON)).toBe(false);
  });

  it('leaves a sentence with none of these kinds at 0', () => {
    expect(answerKinds(seedSentence('This ambiguity can be a powerful diplomatic weapon.'))).toBe(0);
    expect(answerKinds('')).toBe(0);
    expect(answerKinds('😎 — …')).toBe(0);
  });

  it('tags a good share of the corpus, and answerKinds agrees with kindsOf', () => {
    let tagged = 0;
    for (const sentence of SEED_SENTENCES) {
      const kinds = answerKinds(sentence);
      expect(kindsOf(sentence).kinds).toBe(kinds);
      if (kinds !== 0) tagged++;
    }
    expect(SEED_SENTENCES.length).toBeGreaterThan(200);
    expect(tagged / SEED_SENTENCES.length).toBeGreaterThan(0.4);
    expect(tagged / SEED_SENTENCES.length).toBeLessThan(0.9);
  });
});

describe('answerKinds on other text', () => {
  it('finds the number in "168 lives" (and the quantity)', () => {
    const found = kindsOf('The 1995 bombing in Oklahoma City claimed 168 lives.');
    expect(kindNames(found.kinds)).toEqual(['NUMBER', 'DATE', 'QUANTITY', 'NAME', 'PLACE']);
    expect(found.values.get(AnswerKind.NUMBER)).toEqual(['168']);
    expect(found.values.get(AnswerKind.QUANTITY)).toEqual(['168 lives']);
    expect(found.values.get(AnswerKind.DATE)).toEqual(['1995']);
    expect(found.values.get(AnswerKind.PLACE)).toEqual(['Oklahoma City']);
  });

  it('finds money, percentages, units and reasons', () => {
    const found = kindsOf('Prices rose 12 percent because of the drought, costing $5 billion, and 1,200 MW were lost 30 km away.');
    expect(found.values.get(AnswerKind.PERCENT)).toEqual(['12 percent']);
    expect(found.values.get(AnswerKind.MONEY)).toEqual(['$5 billion']);
    expect(found.values.get(AnswerKind.QUANTITY)).toEqual(['1,200 MW', '30 km']);
    expect(found.values.get(AnswerKind.REASON)).toEqual(['because of']);
    expect(hasKind(found.kinds, AnswerKind.NAME)).toBe(false);
  });

  it('takes a speaker after a speech verb for a person, but not "the Kremlin"', () => {
    expect(kindsOf('"We will not back down," said Zelensky.').values.get(AnswerKind.PERSON)).toEqual(['Zelensky']);
    expect(hasKind(answerKinds('On Monday the Kremlin said talks were useful.'), AnswerKind.PERSON)).toBe(false);
  });
});

describe('kindsOf a question', () => {
  it('gives the names a question already holds', () => {
    const question = kindsOf('When did Putin meet Witkoff?');
    expect(question.kinds).toBe(AnswerKind.NAME);
    expect(question.values.get(AnswerKind.NAME)).toEqual(['Putin', 'Witkoff']);
  });

  it('gives the numbers and dates a question already holds', () => {
    const question = kindsOf('How many people died in Oklahoma City in 1995?');
    expect(question.values.get(AnswerKind.DATE)).toEqual(['1995']);
    expect(question.values.get(AnswerKind.NAME)).toEqual(['Oklahoma City']);
    expect(question.values.has(AnswerKind.NUMBER)).toBe(false);
  });
});

describe('tagSentences', () => {
  it('sets kinds on every sentence in place', () => {
    const text = 'The meeting is next week. It went well. Putin met Witkoff in Moscow.';
    const untagged: Sentence[] = [
      { start: 0, end: 25, index: 0 },
      { start: 26, end: 39, index: 1 },
      { start: 40, end: 68, index: 2 },
    ];
    const sentences = tagSentences(text, untagged);
    expect(sentences).toBe(untagged);
    expect(sentences.map((s) => s.kinds)).toEqual([AnswerKind.DATE, 0, AnswerKind.NAME | AnswerKind.PLACE]);
  });
});

describe('loading the model', () => {
  it('loads wink-nlp on the first tagging, not on import', () => {
    const script = [
      "import { createRequire } from 'node:module';",
      "const loaded = () => Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes('wink-eng-lite-web-model'));",
      "const { answerKinds } = await import('./src/chunking/answer-kinds.ts');",
      'const before = loaded();',
      "const kinds = answerKinds('Putin met Witkoff in Moscow.');",
      'console.log(JSON.stringify({ before, after: loaded(), kinds }));',
    ].join('\n');
    const output = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: PROJECT_ROOT, encoding: 'utf8' });
    expect(JSON.parse(output)).toEqual({ before: false, after: true, kinds: AnswerKind.NAME | AnswerKind.PLACE });
  });
});
