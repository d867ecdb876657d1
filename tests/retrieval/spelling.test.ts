import { beforeAll, describe, expect, it } from 'vitest';
import { loadCorpus } from '../../src/corpus/load.js';
import { LexicalIndex } from '../../src/index/lexical-index.js';
import { Vocabulary } from '../../src/index/vocabulary.js';
import { correctQuestion, matchCase, maxEditsFor } from '../../src/retrieval/spelling.js';
import { SEED_CORPUS_DIR } from '../support/env.js';

/** The seed corpus's vocabulary, as the index build makes it (titles and texts of the articles). */
let seed: Vocabulary;
let lexical: LexicalIndex;

beforeAll(async () => {
  const corpus = await loadCorpus(SEED_CORPUS_DIR);
  seed = Vocabulary.build(corpus.articles.flatMap((a) => [a.title, a.text]));
  lexical = LexicalIndex.build(
    corpus.articles.flatMap((a) => a.text.split('\n\n').map((text) => ({ title: a.title, heading: '', text }))),
  );
});

describe('correctQuestion on the seed corpus', () => {
  it('corrects a misspelt question to the words the corpus uses', () => {
    const result = correctQuestion('Were is the Putin Trum meeting planed to happen in Septembr?', seed);
    // "planed" is an English word (of "to plane"): a misspelling that is a word is not guessed at.
    expect(result.text).toBe('Were is the Putin Trump meeting planed to happen in September?');
    expect(result.corrections).toEqual([
      { from: 'Trum', to: 'Trump' },
      { from: 'Septembr', to: 'September' },
    ]);
    // …but its nearest known word is offered to the lexical search.
    expect(result.expansions).toEqual([{ from: 'planed', to: 'planned' }]);
    const withoutDictionary = correctQuestion('Were is the Putin Trum meeting planed to happen in Septembr?', seed, { isWord: () => false });
    expect(withoutDictionary.text).toBe('Were is the Putin Trump meeting planned to happen in September?');
  });

  it('then finds what the correctly spelt question finds', () => {
    const misspelt = 'Kremlim comment on the Witkof visit and the Levda poll';
    const correct = 'Kremlin comment on the Witkoff visit and the Levada poll';
    expect(correctQuestion(misspelt, seed).text).toBe(correct);
    expect(lexical.query(correctQuestion(misspelt, seed).text, 10)).toEqual(lexical.query(correct, 10));
    expect(lexical.query(misspelt, 10)).not.toEqual(lexical.query(correct, 10));
  });

  it('leaves known words and names alone, returning the question as it was', () => {
    for (const question of [
      'Where is the meeting planned to happen in September?',
      'What did Witkoff and Dmitriev say about Pompeo and the Levada Center?',
      'Were they there?', // "were": a stop word, not a misspelling of "where"
    ]) {
      const result = correctQuestion(question, seed);
      expect(result.corrections, question).toEqual([]);
      expect(result.text).toBe(question);
    }
  });

  it('leaves short words, numbers and words with digits alone', () => {
    expect(seed.has('tru')).toBe(false);
    expect(correctQuestion('Tru Trum2 G20x 20255 Septembr', seed)).toEqual({
      text: 'Tru Trum2 G20x 20255 September',
      corrections: [{ from: 'Septembr', to: 'September' }],
      expansions: [],
    });
  });

  it('keeps the casing, possessives and the words around, and lists a corrected word once', () => {
    expect(correctQuestion("TRUM's SEPTEMBR plans", seed).text).toBe("TRUMP's SEPTEMBER plans");
    expect(correctQuestion('septembr, SEPTEMBR and Putin-Trum’s', seed)).toEqual({
      text: 'september, SEPTEMBER and Putin-Trump’s',
      corrections: [
        { from: 'septembr', to: 'september' },
        { from: 'Trum', to: 'Trump' },
      ],
      expansions: [],
    });
    expect(correctQuestion('Trum and trum and Trum', seed)).toEqual({
      text: 'Trump and trump and Trump',
      corrections: [{ from: 'Trum', to: 'Trump' }],
      expansions: [],
    });
  });

  it('leaves a word with no known word near enough as it is', () => {
    expect(correctQuestion('Xylophones at Zanzibar', seed)).toEqual({ text: 'Xylophones at Zanzibar', corrections: [], expansions: [] });
  });

  it('leaves English words the corpus does not use alone, and words whose index term it holds', () => {
    expect(seed.has('comments')).toBe(false);
    expect(seed.has('pole')).toBe(false);
    // Both are English words: changing them would change the question.
    expect(correctQuestion('Kremlin comments on the pole', seed).corrections).toEqual([]);
    for (const question of ['What did he post?', 'What did Trump promise?', 'When did he become minister?']) {
      const result = correctQuestion(question, seed);
      expect(result.text, question).toBe(question);
      expect(result.corrections, question).toEqual([]);
    }
    // Without the dictionary, a word whose stemmed term the index holds is still left alone.
    const noDictionary = { isWord: () => false };
    expect(correctQuestion('Kremlin comments on the pole', seed, noDictionary).corrections).toEqual([
      { from: 'comments', to: 'comment' },
      { from: 'pole', to: 'poll' },
    ]);
    expect(correctQuestion('Kremlin comments', seed, { ...noDictionary, hasTerm: (term) => term === 'comment' }).corrections).toEqual([]);
  });
});

describe('correctQuestion rules', () => {
  const vocabulary = Vocabulary.fromCounts([
    ['september', 1],
    ['kremlin', 1],
    ['card', 5],
    ['cart', 5],
    ['care', 9],
    ['carts', 2],
  ]);

  it('allows 1 edit in words of 4–5 letters and 2 in longer ones', () => {
    // (These made-up words are checked against this vocabulary alone, not against English.)
    expect([0, 3, 4, 5, 6, 7, 12].map(maxEditsFor)).toEqual([0, 0, 1, 1, 2, 2, 2]);
    expect(correctQuestion('kremln', vocabulary).text).toBe('kremlin'); // 6 letters, 1 edit
    expect(correctQuestion('septmbr', vocabulary).text).toBe('september'); // 7 letters, 2 edits
    expect(correctQuestion('sptmbr', vocabulary).text).toBe('sptmbr'); // 3 edits
    expect(correctQuestion('kreml', vocabulary).text).toBe('kreml'); // 5 letters, 2 edits
    expect(correctQuestion('cars', vocabulary, { isWord: () => false }).text).toBe('care'); // 4 letters, 1 edit
    expect(correctQuestion('cars', vocabulary).text).toBe('cars'); // …but "cars" is an English word
    expect(correctQuestion('caxxts', vocabulary).text).toBe('carts'); // 6 letters, 2 edits
  });

  it('breaks ties by frequency, then alphabetically', () => {
    expect(correctQuestion('carx', vocabulary).text).toBe('care');
    const even = Vocabulary.fromCounts([['cart', 5], ['card', 5]]);
    expect(correctQuestion('carx', even).text).toBe('card');
    expect(correctQuestion('carx', Vocabulary.fromCounts([['card', 5], ['cart', 6]])).text).toBe('cart');
  });

  it('changes nothing with an empty vocabulary', () => {
    const question = 'Were is the Putin Trum meeting planed?';
    const result = correctQuestion(question, Vocabulary.build([]));
    expect(result).toEqual({ text: question, corrections: [], expansions: [] });
    expect(result.text).toBe(question);
  });

  it('copies the casing: lower case, Capitalised, ALL CAPS', () => {
    expect(matchCase('trum', 'trump')).toBe('trump');
    expect(matchCase('Trum', 'trump')).toBe('Trump');
    expect(matchCase('TRUM', 'trump')).toBe('TRUMP');
    expect(matchCase('tRUM', 'trump')).toBe('trump');
    expect(matchCase('Élysé', 'élysée')).toBe('Élysée');
  });
});
