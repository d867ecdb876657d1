/** The file index generation a Library answers from, for tests that read it directly (its articles' text, its files). */
import type { Library } from '../../src/answer/library.js';
import { FileIndexStore } from '../../src/index/file-store.js';
import type { IndexSnapshot } from '../../src/index/snapshot.js';

export function snapshotOf(library: Pick<Library, 'store'>): IndexSnapshot {
  const { store } = library;
  if (!(store instanceof FileIndexStore)) throw new Error(`The library answers from a ${store.kind} store, not the file index.`);
  return store.snapshot;
}
