/** The PostgreSQL store's small pieces that need no server: DATABASE_URL's schema, schema names, vectors as text. */
import { describe, expect, it } from 'vitest';
import { IndexError } from '../../src/core/errors.js';
import { Names, parseDatabaseUrl, redact } from '../../src/index/postgres/database.js';
import { parseVector, vectorLiteral } from '../../src/index/postgres/vector-text.js';

describe('DATABASE_URL', () => {
  it('takes the schema out of ?schema= (default verbatim) and leaves the rest to pg', () => {
    expect(parseDatabaseUrl('postgres://u:p@db:5432/verbatim')).toEqual({ url: 'postgres://u:p@db:5432/verbatim', schema: 'verbatim' });
    expect(parseDatabaseUrl('postgresql://db/v?sslmode=require&schema=news_2')).toEqual({ url: 'postgresql://db/v?sslmode=require', schema: 'news_2' });
  });

  it('refuses what is not a postgres URL, and schema names that are not plain, with a hint', () => {
    expect(() => parseDatabaseUrl('mysql://db/v')).toThrow(IndexError);
    expect(() => parseDatabaseUrl('not a url')).toThrow(/DATABASE_URL is not a URL/);
    for (const bad of ['Verbatim', 'a-b', 'x"; DROP TABLE y; --', '', '1abc']) expect(() => new Names(bad)).toThrow(/not a plain lower-case PostgreSQL name/);
    expect(new Names('news_2').t('chunk')).toBe('"news_2"."chunk"');
  });

  it('never shows the password', () => {
    expect(redact('postgres://verbatim:s3cret@db:5432/v?schema=x')).not.toContain('s3cret');
  });

  it('gives each schema its own publish lock key', () => {
    expect(new Names('a').lockKey).not.toBe(new Names('b').lockKey);
    expect(Number.isInteger(new Names('a').lockKey)).toBe(true);
  });
});

describe('vectors as pgvector text', () => {
  it('round-trips float32 values exactly', () => {
    const vector = Float32Array.from({ length: 384 }, (_, i) => Math.fround(Math.sin(i) / 7));
    const text = vectorLiteral(vector);
    expect(text.startsWith('[') && text.endsWith(']')).toBe(true);
    expect(parseVector(text, 384)).toEqual(vector);
  });

  it('refuses a vector of the wrong size', () => {
    expect(() => parseVector('[1,2,3]', 384)).toThrow(/3 values; 384 expected/);
    expect(() => parseVector('[]', 2)).toThrow(/0 values/);
  });
});
