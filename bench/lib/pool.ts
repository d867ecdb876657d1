/**
 * The sentence pool the generated corpora are made of (the seed articles' and SQuAD's sentences),
 * and real embeddings of texts, cached on disk per model variant under bench/results/cache.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { LocalEmbeddings } from '../../src/embedding/embedder.js';
import { buildPool, paragraphsOfText, type SentencePool, type SourceParagraph } from './corpus-gen.js';
import { CACHE_DIR, SEED_CORPUS_DIR } from './env.js';
import { loadSquad, splitPlainSentences, type Squad } from './squad.js';

let squad: Promise<Squad> | undefined;
export function squadData(): Promise<Squad> {
  squad ??= loadSquad();
  return squad;
}

/** Seed articles first (file order), then SQuAD's paragraphs (file order). */
export async function loadPool(): Promise<SentencePool> {
  const paragraphs: SourceParagraph[] = [];
  for (const name of (await readdir(SEED_CORPUS_DIR)).filter((n) => n.endsWith('.txt')).sort()) {
    const text = await readFile(path.join(SEED_CORPUS_DIR, name), 'utf8');
    const title = text.split('\n').find((line) => line.trim().split(' ').length >= 4)?.trim() ?? name;
    paragraphs.push(...paragraphsOfText(title, text));
  }
  for (const p of (await squadData()).paragraphs) paragraphs.push({ topic: p.title, sentences: splitPlainSentences(p.context) });
  return buildPool(paragraphs);
}

/**
 * Real embeddings of `texts` (a flat n×dims matrix), from the cache when the same texts were
 * embedded by the same model variant before; otherwise embedded now and cached.
 */
export async function cachedEmbeddings(
  name: string,
  texts: readonly string[],
  embeddings: LocalEmbeddings,
  log: (line: string) => void = () => {},
): Promise<Float32Array> {
  const key = createHash('sha256')
    .update(`${embeddings.modelId}|${embeddings.quantized}|${embeddings.maxTokens}\n`)
    .update(texts.join('\n'))
    .digest('hex')
    .slice(0, 16);
  const file = path.join(CACHE_DIR, `${name}-${embeddings.quantized ? 'int8' : 'fp32'}-${key}.f32`);
  const dims = embeddings.dimensions;
  try {
    const bytes = await readFile(file);
    if (bytes.byteLength === texts.length * dims * 4) return new Float32Array(Uint8Array.prototype.slice.call(bytes).buffer);
  } catch {
    // not cached yet
  }
  log(`embedding ${texts.length} texts for ${name} (cached for later runs in ${path.relative(process.cwd(), file)})`);
  const started = performance.now();
  let lastReport = started;
  const vectors = await embeddings.embedMany(texts, ({ done, total }) => {
    if (performance.now() - lastReport > 15_000) {
      lastReport = performance.now();
      log(`  ${done}/${total}`);
    }
  });
  const out = new Float32Array(texts.length * dims);
  vectors.forEach((v, i) => out.set(v, i * dims));
  log(`  done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  await mkdir(CACHE_DIR, { recursive: true });
  await writeFile(`${file}.tmp`, new Uint8Array(out.buffer));
  await rename(`${file}.tmp`, file);
  return out;
}
