import { describe, expect, it } from 'vitest';
import { kindsOf } from '../../src/chunking/answer-kinds.js';
import { splitSentences } from '../../src/chunking/sentences.js';
import { historyFreeTagger } from '../../src/chunking/tagger.js';
import { seedArticles } from './helpers.js';

/** wink-nlp's tokens of `text`. */
function tokensOf(text: string): string[] {
  return historyFreeTagger().readDoc(text).tokens().out();
}

/** Everything the answer kinds are made of: tokens, part-of-speech tags, entity types. */
function taggingOf(text: string): string {
  const nlp = historyFreeTagger();
  const doc = nlp.readDoc(text);
  return JSON.stringify([doc.tokens().out(), doc.tokens().out(nlp.its.pos), doc.entities().out(nlp.its.type)]);
}

function kindsJson(text: string): string {
  const { kinds, values } = kindsOf(text);
  return JSON.stringify([kinds, [...values]]);
}

// Vitest runs each test file in a fresh worker, so the first tagging here is a fresh process's.
describe('the tagger', () => {
  it('tags a text the same way after reading a text that taught wink-nlp one of its words', () => {
    const sentence = 'It was carried on CBS’s second audio channel and on CBS\'s second audio program for over-the-air viewers (by law).';
    const fresh = tokensOf(sentence);
    expect(fresh).toContain("'s");
    // Plain wink-nlp learns "CBS's" here (before a comma) and from then on keeps it whole in the sentence above.
    tokensOf("The rights went to CBS's, and others.");
    expect(tokensOf(sentence)).toEqual(fresh);
    expect(taggingOf(sentence)).toBe(taggingOf(sentence));
  });

  it('gives every seed sentence the same tags and answer kinds in either order', () => {
    const sentences = [...seedArticles().values()].flatMap((article) =>
      splitSentences(article).map((s) => article.text.slice(s.start, s.end)),
    );
    const forward = sentences.map((s) => taggingOf(s) + kindsJson(s));
    const backward = [...sentences].reverse().map((s) => taggingOf(s) + kindsJson(s)).reverse();
    expect(backward).toEqual(forward);
  });
});
