import { describe, expect, it } from 'vitest';
import { MAX_SENTENCE_CHARS, splitSentences } from '../../src/chunking/sentences.js';
import type { Article } from '../../src/corpus/types.js';
import { articleOf, seed, seedArticles } from './helpers.js';

/** The sentence texts of a one-paragraph article. */
function sentencesOf(paragraph: string): string[] {
  return textsOf(articleOf('t', [['paragraph', paragraph]]));
}

function textsOf(article: Article): string[] {
  return splitSentences(article).map((sentence) => article.text.slice(sentence.start, sentence.end));
}

describe('splitSentences: hard cases', () => {
  it('keeps "Former U.S. President Donald Trump" together', () => {
    expect(sentencesOf('Former U.S. President Donald Trump met Putin. He left.')).toEqual([
      'Former U.S. President Donald Trump met Putin.',
      'He left.',
    ]);
  });

  it('keeps "Mr. Smith" together', () => {
    expect(sentencesOf('Mr. Smith went to Washington. He stayed.')).toEqual(['Mr. Smith went to Washington.', 'He stayed.']);
  });

  it('keeps "Dr. Jones" together', () => {
    expect(sentencesOf('Dr. Jones stayed.')).toEqual(['Dr. Jones stayed.']);
  });

  it('keeps "at 5 p.m. on Monday" together', () => {
    expect(sentencesOf('The talks start at 5 p.m. on Monday in Moscow.')).toEqual(['The talks start at 5 p.m. on Monday in Moscow.']);
  });

  it('keeps "5 p.m. Monday" together but splits "9 a.m. The"', () => {
    expect(sentencesOf('They meet at 5 p.m. Monday. It was 9 a.m. The sun rose.')).toEqual([
      'They meet at 5 p.m. Monday.',
      'It was 9 a.m.',
      'The sun rose.',
    ]);
  });

  it('keeps "John F. Kennedy" together', () => {
    expect(sentencesOf('John F. Kennedy was president.')).toEqual(['John F. Kennedy was president.']);
  });

  it('keeps "e.g. this" and "e.g. Geneva" together', () => {
    expect(sentencesOf('Pick a venue, e.g. this one, or e.g. Geneva.')).toEqual(['Pick a venue, e.g. this one, or e.g. Geneva.']);
  });

  it('keeps "i.e." and "vs." together', () => {
    expect(sentencesOf('The rematch, i.e. Trump vs. Biden, was close.')).toEqual(['The rematch, i.e. Trump vs. Biden, was close.']);
  });

  it('keeps "No. 5" together', () => {
    expect(sentencesOf('He ranked No. 5 in the list.')).toEqual(['He ranked No. 5 in the list.']);
  });

  it('keeps "3.5 percent" together', () => {
    expect(sentencesOf('Growth was 3.5 percent last year. Prices rose 2.5%.')).toEqual([
      'Growth was 3.5 percent last year.',
      'Prices rose 2.5%.',
    ]);
  });

  it('keeps "Wait... what?" together', () => {
    expect(sentencesOf('Wait... what? He left.')).toEqual(['Wait... what?', 'He left.']);
  });

  it('keeps a question inside quotes with its attribution', () => {
    expect(sentencesOf('“Why?” he asked. “Because,” she said.')).toEqual(['“Why?” he asked.', '“Because,” she said.']);
  });

  it('ends a sentence after a closing quote', () => {
    expect(sentencesOf('He said “Stop.” Then he left.')).toEqual(['He said “Stop.”', 'Then he left.']);
  });

  it('splits real breaks', () => {
    expect(sentencesOf('He left. She stayed.')).toEqual(['He left.', 'She stayed.']);
  });

  it('splits "in the U.S. The next day" (a sentence opener after U.S.)', () => {
    expect(sentencesOf('It happened in the U.S. The next day they left.')).toEqual([
      'It happened in the U.S.',
      'The next day they left.',
    ]);
  });

  it('keeps "the U.S. Secretary of State" but splits "the U.S. Russia"', () => {
    expect(sentencesOf('He met the U.S. Secretary of State. He returned to the U.S. Russia objected.')).toEqual([
      'He met the U.S. Secretary of State.',
      'He returned to the U.S.',
      'Russia objected.',
    ]);
  });

  it('reads a line break inside a block as a space', () => {
    expect(sentencesOf('Talks were held with\nRussian officials in Moscow. They ended.')).toEqual([
      'Talks were held with\nRussian officials in Moscow.',
      'They ended.',
    ]);
  });
});

describe('splitSentences: blocks', () => {
  const article = articleOf('b', [
    ['paragraph', 'Lead sentence. Second one.'],
    ['heading', 'Key  Highlights'],
    ['item', '  • Dialogue: talks went well. Both sides agreed.'],
    ['item', '- Security: threats were discussed.'],
    ['row', 'Vladimir Putin | President'],
    ['heading', 'Conclusion'],
    ['paragraph', '😎'],
    ['paragraph', 'The end.'],
  ]);
  const sentences = splitSentences(article);

  it('splits items into sentences, strips bullets, skips headings and text without letters or digits', () => {
    expect(textsOf(article)).toEqual([
      'Lead sentence.',
      'Second one.',
      'Dialogue: talks went well.',
      'Both sides agreed.',
      'Security: threats were discussed.',
      'Vladimir Putin | President',
      'The end.',
    ]);
  });

  it('gives every sentence the heading above it, on one line', () => {
    expect(sentences.map((sentence) => sentence.heading)).toEqual([
      undefined,
      undefined,
      'Key Highlights',
      'Key Highlights',
      'Key Highlights',
      'Key Highlights',
      'Conclusion',
    ]);
  });

  it('numbers sentences in order', () => {
    expect(sentences.map((sentence) => sentence.index)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('never lets a sentence cross a block boundary', () => {
    const joined = articleOf('j', [
      ['paragraph', 'A sentence without an end'],
      ['paragraph', 'continues here.'],
    ]);
    expect(textsOf(joined)).toEqual(['A sentence without an end', 'continues here.']);
  });

  it('keeps a hyphen that is not a bullet', () => {
    expect(sentencesOf('-5 degrees were forecast.')).toEqual(['-5 degrees were forecast.']);
  });
});

describe('splitSentences: overlong sentences', () => {
  const clause = (n: number): string => `clause number ${n} lists several talking points for the summit agenda`;

  it(`cuts a sentence of more than ${MAX_SENTENCE_CHARS} characters at semicolons, re-packing the pieces`, () => {
    const clauses = Array.from({ length: 10 }, (_, n) => clause(n));
    const sentence = `${clauses.join('; ')}.`;
    expect(sentence.length).toBeGreaterThan(MAX_SENTENCE_CHARS);
    const pieces = sentencesOf(sentence);
    expect(pieces).toEqual([`${clauses.slice(0, 5).join('; ')};`, `${clauses.slice(5).join('; ')}.`]);
    expect(pieces.every((piece) => piece.length <= MAX_SENTENCE_CHARS)).toBe(true);
  });

  it('prefers line breaks to semicolons', () => {
    const first = Array.from({ length: 4 }, (_, n) => clause(n)).join('; ');
    const second = Array.from({ length: 4 }, (_, n) => clause(n + 4)).join('; ');
    expect(sentencesOf(`${first}\n${second}`)).toEqual([first, second]);
  });

  it('cuts at a colon followed by a space when there is nothing stronger', () => {
    const first = Array.from({ length: 4 }, (_, n) => clause(n)).join(', ');
    const second = Array.from({ length: 4 }, (_, n) => clause(n + 4)).join(', ');
    expect(sentencesOf(`${first}: ${second}`)).toEqual([`${first}:`, second]);
  });

  it('leaves an overlong sentence without separators whole', () => {
    const sentence = Array.from({ length: 10 }, (_, n) => clause(n)).join(', ');
    expect(sentencesOf(sentence)).toEqual([sentence]);
  });
});

describe('splitSentences: seed corpus', () => {
  const articles = seedArticles();

  it('finds the five seed articles', () => {
    expect(articles.size).toBe(5);
  });

  for (const article of articles.values()) {
    it(`${article.id}: every sentence is a trimmed, non-empty slice within one block`, () => {
      const sentences = splitSentences(article);
      expect(sentences.length).toBeGreaterThan(0);
      let previousEnd = 0;
      sentences.forEach((sentence, index) => {
        const text = article.text.slice(sentence.start, sentence.end);
        expect(sentence.index).toBe(index);
        expect(sentence.start).toBeGreaterThanOrEqual(previousEnd);
        expect(text).not.toBe('');
        expect(text).toBe(text.trim());
        expect(text).not.toMatch(/^[•●▪]/u);
        const block = article.blocks.find((b) => b.start <= sentence.start && sentence.end <= b.end);
        expect(block, `sentence ${index} lies within one block`).toBeDefined();
        previousEnd = sentence.end;
      });
    });
  }

  it('003: keeps the Kremlin sentence with "former U.S. President" whole', () => {
    expect(textsOf(seed(articles, '003'))).toContain(
      'The Kremlin has indicated a willingness to facilitate talks between Russian President Vladimir Putin and former U.S. President Donald Trump during the upcoming international summit in Beijing this September.',
    );
  });

  it('004: keeps the Dmitriev quote sentences whole', () => {
    const texts = textsOf(seed(articles, '004'));
    expect(texts).toContain(
      'Kirill Dmitriev, a close economic adviser to Putin and a key figure in efforts to improve US-Russia relations, described the planned summit as potentially historic.',
    );
    expect(texts).toContain('Sharing an update on X, he wrote, “This can be a historic meeting,” accompanied by a dove emoji.');
    expect(texts).toContain('“Dialogue will prevail.”');
    expect(texts).toContain(
      'Since taking office in January, Trump—who has described himself as a “president of peace”—has pursued a strategy centered on economic and military pressure to manage global conflicts.',
    );
    expect(texts).toHaveLength(16);
  });

  it('000: strips bullets and keeps "between the U.S. and Russia" whole', () => {
    const texts = textsOf(seed(articles, '000'));
    expect(texts).toContain('Diplomatic Dialogue: The meeting focused on fostering dialogue and exploring avenues for cooperation on global issues.');
    expect(texts).toContain('Global Stability: Enhanced cooperation between the U.S. and Russia may contribute to greater global stability and security.');
    expect(texts).toContain('We don’t spam!');
    expect(texts).toHaveLength(26);
  });

  it('001: keeps "a former U.S. President who" whole', () => {
    expect(textsOf(seed(articles, '001'))).toContain(
      'Vladimir Putin, the long-standing leader of Russia, and Donald Trump, a former U.S. President who still wields significant influence in American politics.',
    );
  });

  it('002: keeps a flattened table row whole', () => {
    expect(textsOf(seed(articles, '002'))).toContain('Donald TrumpFormer President of the U.S.U.S.');
  });
});
