/**
 * wink-nlp with its lite English model, made to tag a text the same way whatever it tagged
 * before in the process.
 *
 * wink-nlp adds every out-of-vocabulary word it meets to a process-wide lexicon, and its
 * tokenizer asks that lexicon whether a piece of text is a known word before splitting it: once
 * "CBS's," has been read somewhere, "CBS's second channel" becomes one token instead of "CBS" +
 * "'s", and the tags after it move. Answer kinds would then depend on which articles a build
 * read first and which questions a bot was asked before — two processes could answer the same
 * question from the same index differently. (Seen on SQuAD: 8 of 10,602 sentences tagged
 * differently the second time.)
 *
 * The fix keeps wink-nlp's own code and lexicon and changes only what its tokenizer is told: a
 * word learned while reading an earlier text counts as unknown to the tokenizer's two questions
 * ("is this in the lexicon?"), exactly as in a fresh process; words learned within the current
 * text stay known, as they would be there. Tags, entities and the lexicon itself are untouched,
 * so nothing grows beyond what wink-nlp keeps anyway. The hook is wink-nlp's per-document
 * wrapper (`src/dd-wrapper.js`, loaded through Node's module cache before wink-nlp itself),
 * which is why the wink-nlp version is pinned; tests/chunking/tagger.test.ts fails if an
 * upgrade changes what this relies on.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import type winkNLP from 'wink-nlp';
import type { Model, WinkMethods } from 'wink-nlp';

/** The slice of wink-nlp's per-document wrapper the tokenizer asks. */
interface DocumentWrapper {
  _addTokenIfInCache(text: string, precedingSpaces: number, nbsp: unknown): number;
  isLexeme(text: string): unknown;
}

type WrapperFactory = (data: unknown) => DocumentWrapper;

/** wink-nlp's core model as its `core()` returns it: the lexicon lives in `features.lexeme`. */
interface CoreModel {
  features: { lexeme: { hash: Record<string, number>; list: string[]; intrinsicSize: number } };
}

let tagger: WinkMethods | undefined;

/** The tagger (pipe: part-of-speech tags and entities), loaded on first use (the model takes ~0.2–0.4 s). */
export function historyFreeTagger(): WinkMethods {
  if (tagger !== undefined) return tagger;
  const require = createRequire(import.meta.url);
  const winkPath = require.resolve('wink-nlp');
  if (require.cache[winkPath] !== undefined) {
    throw new Error('wink-nlp was loaded before src/chunking/tagger.ts could hook its tokenizer; load it only through historyFreeTagger().');
  }
  const lexicon: CoreModel['features']['lexeme'] = { hash: Object.create(null) as Record<string, number>, list: [], intrinsicSize: 0 };

  // Swap wink-nlp's document wrapper for one that hides earlier texts' words from the tokenizer.
  const wrapperPath = path.join(path.dirname(winkPath), 'dd-wrapper.js');
  const original = require(wrapperPath) as WrapperFactory;
  const cached = require.cache[wrapperPath];
  if (cached === undefined || typeof original !== 'function') throw new Error(`wink-nlp's ${wrapperPath} is not what src/chunking/tagger.ts expects.`);
  const hooked: WrapperFactory = (data) => {
    const wrapper = original(data);
    const firstOfThisText = lexicon.list.length;
    const learnedBefore = (text: string): boolean => {
      const index = lexicon.hash[text];
      return index !== undefined && index >= lexicon.intrinsicSize && index < firstOfThisText;
    };
    const addIfKnown = wrapper._addTokenIfInCache;
    const isLexeme = wrapper.isLexeme;
    // 0 is wink-nlp's "not added" (UNK), null its "not a lexeme".
    wrapper._addTokenIfInCache = (text, precedingSpaces, nbsp) => (learnedBefore(text) ? 0 : addIfKnown(text, precedingSpaces, nbsp));
    wrapper.isLexeme = (text) => (learnedBefore(text) ? null : isLexeme(text));
    return wrapper;
  };
  cached.exports = hooked;

  const create = require('wink-nlp') as typeof winkNLP;
  const model = require('wink-eng-lite-web-model') as Model & { core(): CoreModel };
  const watched = {
    ...model,
    core(): CoreModel {
      const core = model.core();
      const { hash, list, intrinsicSize } = core.features.lexeme;
      if (typeof intrinsicSize !== 'number' || !Array.isArray(list) || typeof hash !== 'object') {
        throw new Error('wink-eng-lite-web-model has no lexicon where src/chunking/tagger.ts expects it.');
      }
      Object.assign(lexicon, { hash, list, intrinsicSize });
      return core;
    },
  };
  tagger = create(watched, ['pos', 'ner']);
  if (lexicon.intrinsicSize === 0) throw new Error('wink-nlp did not load its lexicon through the model’s core().');
  return tagger;
}
