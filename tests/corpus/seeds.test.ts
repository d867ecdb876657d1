/** The corpus stage on the five real scraped pages in corpus/. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../../src/core/hash.js';
import { loadCorpus } from '../../src/corpus/load.js';
import type { Article, LoadedCorpus } from '../../src/corpus/types.js';
import { SEED_CORPUS_DIR } from '../support/env.js';
import { blockTexts, expectBlocksCoverText, expectBlocksVerbatim, textsOfKind } from './contract.js';

const IDS = [
  '000_ba3a1d287da7a63e',
  '001_d0fa2f8654ce3dfa',
  '002_bb33988446a060da',
  '003_e2b99da125ba86af',
  '004_dc90a5985b6e19d6',
] as const;

let corpus: LoadedCorpus;

beforeAll(async () => {
  corpus = await loadCorpus(SEED_CORPUS_DIR);
});

function article(id: (typeof IDS)[number]): Article {
  const found = corpus.articles.find((a) => a.id === id);
  if (!found) throw new Error(`article ${id} was not loaded`);
  return found;
}

function source(id: string): string {
  return readFileSync(path.join(SEED_CORPUS_DIR, `${id}.txt`), 'utf8');
}

function occurrences(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

describe('the seed corpus', () => {
  it('loads all five articles, sorted by id, without warnings', () => {
    expect(corpus.articles.map((a) => a.id)).toEqual(IDS);
    expect(corpus.warnings).toEqual([]);
  });

  it.each(IDS)('%s: path, content hash, and blocks that cover the text', (id) => {
    const a = article(id);
    expect(a.path).toBe(`${id}.txt`);
    expect(a.contentHash).toBe(sha256(readFileSync(path.join(SEED_CORPUS_DIR, `${id}.txt`))));
    expectBlocksCoverText(a);
  });

  it.each(IDS)('%s: every block is verbatim source text', (id) => {
    expectBlocksVerbatim(article(id), source(id));
  });
});

describe('000: section label, repeated title, newsletter sign-up', () => {
  const title = 'Kremlin Expresses Cautious Optimism Following Putin’s Meeting with Trump’s Special Envoy';

  it('takes the headline as the title, not the section label, and keeps it once as the first heading', () => {
    const a = article('000_ba3a1d287da7a63e');
    expect(a.title).toBe(title);
    expect(blockTexts(a)[0]).toEqual({ kind: 'heading', text: title });
    expect(occurrences(a.text, title)).toBe(1);
    expect(a.text).not.toContain('The Middle East');
    expect(a.source).toBeUndefined();
    expect(a.author).toBeUndefined();
  });

  it('drops the newsletter sign-up, "Related posts" and "Leave a Comment"', () => {
    const { text } = article('000_ba3a1d287da7a63e');
    for (const gone of ['LET’S KEEP IN TOUCH!', 'We’d love to keep you updated', 'We don’t spam!', 'privacy policy', 'Related posts', 'Leave a Comment']) {
      expect(text).not.toContain(gone);
    }
  });

  it('keeps the headings, items and body sentences', () => {
    const a = article('000_ba3a1d287da7a63e');
    expect(textsOfKind(a, 'heading')).toEqual([
      title,
      'Introduction',
      'Key Highlights of the Meeting',
      'Kremlin’s Perspective',
      'Potential Implications',
      'Conclusion',
    ]);
    const items = textsOfKind(a, 'item');
    expect(items).toHaveLength(6);
    expect(items[0]).toBe('Diplomatic Dialogue: The meeting focused on fostering dialogue and exploring avenues for cooperation on global issues.');
    expect(items[5]).toBe('Economic Opportunities: Strengthened economic ties could lead to increased trade and investment, benefiting both nations.');
    expect(a.text).toContain(
      'The recent meeting between Russian President Vladimir Putin and a special envoy from former U.S. President Donald Trump has sparked a wave of cautious optimism within the Kremlin.',
    );
    expect(a.text.endsWith('offering a glimmer of hope for improved diplomatic and economic ties.')).toBe(true);
  });
});

describe('001: by-line with a view counter', () => {
  it('takes the author from the by-line and drops the by-line', () => {
    const a = article('001_d0fa2f8654ce3dfa');
    expect(a.title).toBe('Putin Open To Meeting Trump, Kremlin Says');
    expect(a.author).toBe('Jhon Lennon');
    expect(a.source).toBeUndefined();
    expect(a.text).not.toContain('Jhon Lennon');
    expect(a.text).not.toContain('42 views');
  });

  it('keeps every section and its sentences', () => {
    const a = article('001_d0fa2f8654ce3dfa');
    expect(textsOfKind(a, 'heading')).toEqual([
      'Putin Open To Meeting Trump, Kremlin Says',
      'Why a Putin-Trump Meeting Matters',
      'Understanding the Kremlin\'s Stance',
      'The Trump Factor',
      'Potential Implications for Global Diplomacy',
      'What Comes Next?',
    ]);
    expect(textsOfKind(a, 'paragraph')).toHaveLength(6);
    expect(textsOfKind(a, 'paragraph')[0]?.startsWith('Hey guys, big news coming out of the Kremlin today!')).toBe(true);
    expect(a.text).toContain('The possibility of a tête-à-tête between Putin and Trump, even if just theoretical for now,');
    expect(a.text).toContain("It's a calculated move in the complex game of international relations.");
    expect(a.text.endsWith("We'll be keeping a close eye on how this story develops. Stay tuned, guys!")).toBe(true);
  });
});

describe('002: link lists, table rows, image-caption teasers', () => {
  it('takes the first line as the title', () => {
    const a = article('002_bb33988446a060da');
    expect(a.title).toBe('Putin Envoys Meet Trump Aides: A Deep Dive Into The Dynamics Of Modern Diplomacy');
    expect(blockTexts(a)[0]?.kind).toBe('heading');
    expect(a.source).toBeUndefined();
    expect(a.author).toBeUndefined();
  });

  it('drops "Read also:" with its link titles, "Table of Contents" and the teaser carousel', () => {
    const a = article('002_bb33988446a060da');
    for (const gone of [
      'Read also',
      'Pining For Kim Trailblazer',
      'Table of Contents',
      'Idfpr License Lookup',
      'In pictures Trump meets with Putin',
      'Putin offers to provide Congress',
    ]) {
      expect(a.text).not.toContain(gone);
    }
    expect(blockTexts(a).map((b) => b.text)).not.toContain('Details');
  });

  it('keeps the table rows verbatim, as rows', () => {
    expect(textsOfKind(article('002_bb33988446a060da'), 'row')).toEqual([
      'NameRoleCountry',
      'Vladimir PutinPresident of RussiaRussia',
      'Donald TrumpFormer President of the U.S.U.S.',
      'Sergey LavrovMinister of Foreign AffairsRussia',
      'Mike PompeoFormer Secretary of StateU.S.',
    ]);
  });

  it('keeps the items, including the paragraph listed under "Read also:"', () => {
    expect(textsOfKind(article('002_bb33988446a060da'), 'item')).toEqual([
      'Arms Control: Both nations want to avoid a new arms race, so they might negotiate treaties to limit nuclear weapons.',
      'Trade Agreements: Economic sanctions can hurt both sides, so finding ways to ease restrictions is often on the agenda.',
      'Regional Conflicts: From Ukraine to Syria, there are plenty of hotspots where Russian and American interests intersect.',
      'And let’s not forget about domestic politics. In both countries, there are powerful voices calling for a tough stance against the other side. This can put pressure on negotiators to take a hard line, even if they’d rather find common ground. It’s like trying to negotiate a peace treaty while your boss is yelling at you to be more aggressive.',
    ]);
  });

  it('keeps the body sentences from first to last', () => {
    const a = article('002_bb33988446a060da');
    expect(textsOfKind(a, 'paragraph')[0]?.startsWith('When Putin envoys meet Trump aides, the world holds its breath.')).toBe(true);
    expect(a.text).toContain('A Gallup poll found that only 20% of Americans have a favorable view of Russia');
    expect(a.text).toContain('Sources: Where to Learn More\n\nFor those who want to dive deeper into this topic, here are some reliable sources:');
    expect(a.text.endsWith('Thanks for reading, and don’t forget to leave a comment below with your thoughts!')).toBe(true);
  });
});

describe('003: lead paragraph before the headline, outlet named in the text', () => {
  it('takes the second line as the title and NDTV as the source', () => {
    const a = article('003_e2b99da125ba86af');
    expect(a.title).toBe('Kremlin Indicates Potential for High-Level Dialogue Between Putin and Trump in Beijing');
    expect(a.source).toBe('NDTV');
    expect(a.author).toBeUndefined();
    expect(blockTexts(a).slice(0, 2).map((b) => b.kind)).toEqual(['paragraph', 'heading']);
  });

  it('keeps the lead, the items and the last sentence', () => {
    const a = article('003_e2b99da125ba86af');
    expect(a.text.startsWith('The Kremlin has indicated a willingness to facilitate talks between Russian President Vladimir Putin')).toBe(true);
    expect(a.text).toContain('NDTV reports that the possibility of such a meeting underscores ongoing efforts');
    const items = textsOfKind(a, 'item');
    expect(items).toHaveLength(13);
    expect(items[0]).toBe('The shared interest in addressing regional security concerns in Asia.');
    expect(items).toContain('China’s Rising Influence: As the host nation, China’s role in facilitating dialogue highlights its ambitions to assert leadership in global governance, possibly using the summit to showcase a cooperative stance.');
    expect(textsOfKind(a, 'paragraph')).toContain('Key factors shaping this possibility include:');
    expect(a.text.endsWith('what implications it may hold for international relations moving forward.')).toBe(true);
  });
});

describe('004: wire dateline', () => {
  it('takes the first line as the title and MENAFN as the source', () => {
    const a = article('004_dc90a5985b6e19d6');
    expect(a.title).toBe('Russian envoy says Trump-Putin meeting may be ground-breaking');
    expect(a.source).toBe('MENAFN');
    expect(blockTexts(a)[0]).toEqual({ kind: 'heading', text: a.title });
  });

  it('keeps every paragraph verbatim, curly quotes and dashes included', () => {
    const a = article('004_dc90a5985b6e19d6');
    const paragraphs = textsOfKind(a, 'paragraph');
    expect(paragraphs).toHaveLength(7);
    expect(paragraphs[0]?.startsWith('(MENAFN) The anticipated meeting between Russian President Vladimir Putin')).toBe(true);
    expect(a.text).toContain('he wrote, “This can be a historic meeting,” accompanied by a dove emoji. “Dialogue will prevail.”');
    expect(a.text).toContain('Trump—who has described himself as a “president of peace”—has pursued');
    expect(paragraphs[6]?.endsWith('to stop or potentially reverse Russian gains on the battlefield.')).toBe(true);
  });
});
