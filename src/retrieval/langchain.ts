/**
 * Verbatim's index as LangChain.js parts, for people who compose it with LangChain chains: a
 * read-only `VectorStore` over an opened snapshot's chunks (dense search only, as LangChain's
 * stores do) and a `BaseRetriever` running Verbatim's hybrid passage search. Documents carry the
 * chunk's text as `pageContent` and its article id, title, path, url and offsets as metadata.
 *
 * Only this module imports `@langchain/core/vectorstores` and `@langchain/core/retrievers`: the
 * engine opens and searches an index without LangChain (the imports cost ~0.5 s at start).
 */
import { Document, type DocumentInterface } from '@langchain/core/documents';
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import { BaseRetriever, type BaseRetrieverInput } from '@langchain/core/retrievers';
import { VectorStore } from '@langchain/core/vectorstores';
import { IndexError } from '../core/errors.js';
import type { LocalEmbeddings } from '../embedding/embedder.js';
import type { ChunkMetadata, IndexSnapshot } from '../index/snapshot.js';
import { FileIndexStore } from '../index/file-store.js';
import { DEFAULT_PASSAGE_SEARCH, searchPassages, type PassageSearchOptions } from './passage-search.js';

/** Chunk `label` of a snapshot as a LangChain Document. */
export function chunkDocument(snapshot: IndexSnapshot, label: number): Document<ChunkMetadata> {
  const { text, ...rest } = snapshot.chunk(label);
  const article = snapshot.article(rest.articleId)!;
  const metadata: ChunkMetadata = { ...rest, title: article.title, path: article.path };
  if (article.url !== undefined) metadata.url = article.url;
  return new Document({ pageContent: text, metadata, id: rest.id });
}

/** Keeps the documents it passes (the filter form of this store). */
export type ChunkFilter = (document: DocumentInterface<ChunkMetadata>) => boolean;

/** A snapshot's chunks as a LangChain VectorStore (read-only: `npm run index` builds the index). */
export class VerbatimVectorStore extends VectorStore {
  declare FilterType: ChunkFilter;

  constructor(
    readonly snapshot: IndexSnapshot,
    embeddings: EmbeddingsInterface,
  ) {
    super(embeddings, {});
  }

  _vectorstoreType(): string {
    return 'verbatim';
  }

  /** The k chunks nearest to a query vector, with their cosine similarity, best first. */
  async similaritySearchVectorWithScore(query: number[], k: number, filter?: ChunkFilter): Promise<[Document<ChunkMetadata>, number][]> {
    const documents = new Map<number, Document<ChunkMetadata>>();
    const documentOf = (label: number) => {
      let document = documents.get(label);
      if (document === undefined) documents.set(label, (document = chunkDocument(this.snapshot, label)));
      return document;
    };
    const keep = filter === undefined ? undefined : (label: number) => filter(documentOf(label));
    return this.snapshot.hnsw.searchLabels(query, k, keep).map(({ label, score }) => [documentOf(label), score]);
  }

  addVectors(_vectors: number[][], _documents: DocumentInterface[]): Promise<string[]> {
    return Promise.reject(readOnly());
  }

  addDocuments(_documents: DocumentInterface[]): Promise<string[]> {
    return Promise.reject(readOnly());
  }
}

function readOnly(): IndexError {
  return new IndexError('A Verbatim index is read-only through LangChain.', { hint: 'Add articles to the corpus and run: npm run index' });
}

export interface VerbatimRetrieverInput extends BaseRetrieverInput {
  snapshot: IndexSnapshot;
  embeddings: LocalEmbeddings;
  search?: Partial<PassageSearchOptions>;
}

export type PassageMetadata = ChunkMetadata & { score: number; dense: number; lexical: number };

/**
 * The hybrid passage search as a LangChain retriever: `await retriever.invoke("question")` gives
 * the best passages as Documents (metadata: the chunk's, and the fused, dense and lexical scores).
 */
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
    const hits = await searchPassages(new FileIndexStore(this.snapshot), query, vector, this.search);
    return hits.map((hit) => {
      const { pageContent, metadata, id } = chunkDocument(this.snapshot, hit.label);
      return new Document<PassageMetadata>({ pageContent, metadata: { ...metadata, score: hit.score, dense: hit.dense, lexical: hit.lexical }, id });
    });
  }
}
