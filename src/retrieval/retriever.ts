/**
 * The hybrid passage search as a LangChain retriever, so Verbatim's index composes with any
 * LangChain.js chain: `await retriever.invoke("question")` gives the best passages as Documents
 * (pageContent: the chunk text; metadata: article id, title, path, url, offsets, scores).
 */
import { Document } from '@langchain/core/documents';
import { BaseRetriever, type BaseRetrieverInput } from '@langchain/core/retrievers';
import type { LocalEmbeddings } from '../embedding/embedder.js';
import type { ChunkMetadata, IndexSnapshot } from '../index/snapshot.js';
import { DEFAULT_PASSAGE_SEARCH, searchPassages, type PassageSearchOptions } from './passage-search.js';

export interface VerbatimRetrieverInput extends BaseRetrieverInput {
  snapshot: IndexSnapshot;
  embeddings: LocalEmbeddings;
  search?: Partial<PassageSearchOptions>;
}

export type PassageMetadata = ChunkMetadata & { score: number; dense: number; lexical: number };

export class VerbatimRetriever extends BaseRetriever<PassageMetadata> {
  override lc_namespace = ['verbatim', 'retrievers'];
  private readonly snapshot: IndexSnapshot;
  private readonly embeddings: LocalEmbeddings;
  private readonly search: PassageSearchOptions;

  constructor(input: VerbatimRetrieverInput) {
    super(input);
    this.snapshot = input.snapshot;
    this.embeddings = input.embeddings;
    this.search = { ...DEFAULT_PASSAGE_SEARCH, ...input.search };
  }

  static override lc_name(): string {
    return 'VerbatimRetriever';
  }

  override async _getRelevantDocuments(query: string): Promise<Document<PassageMetadata>[]> {
    const vector = await this.embeddings.embedOne(query);
    return searchPassages(this.snapshot, query, vector, this.search).map((hit) => {
      const stored = this.snapshot.store.document(hit.label)!;
      const metadata = { ...(stored.metadata as ChunkMetadata), score: hit.score, dense: hit.dense, lexical: hit.lexical };
      return new Document<PassageMetadata>({ pageContent: hit.chunk.text, metadata, id: hit.chunk.id });
    });
  }
}
