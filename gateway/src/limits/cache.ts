/**
 * Analysed documents, least recently used first out, found by their text or
 * by their automatic-persisted-query hash. A hash is remembered only after the
 * text it came with has been hashed and matched: otherwise a client could
 * send a cheap text under the hash of an expensive one, and have later
 * hash-only requests for the expensive one priced as the cheap one.
 */
import { createHash } from 'node:crypto';
import type { OperationDefinitionNode } from 'graphql';
import { LRUCache } from 'lru-cache';
import type { DocumentShape, OperationShape } from './analyse.js';
import type { CostPlan } from './plan.js';

export interface AnalysedOperation {
  shape: OperationShape;
  /** Built on the first request that passes the structural limits. */
  plan: CostPlan | null;
}

export interface AnalysedDocument {
  shape: DocumentShape;
  operations: Map<OperationDefinitionNode, AnalysedOperation>;
}

export interface DocumentCacheOptions {
  /** Documents kept. */
  maxDocuments: number;
  /** Characters of document text kept, so a stream of large distinct documents cannot hold the heap. */
  maxTextLength: number;
}

export const DEFAULT_CACHE_OPTIONS: DocumentCacheOptions = { maxDocuments: 2_000, maxTextLength: 32 * 1024 * 1024 };

export class DocumentCache {
  private readonly byText: LRUCache<string, AnalysedDocument>;
  private readonly byHash: LRUCache<string, AnalysedDocument>;

  constructor(options: DocumentCacheOptions = DEFAULT_CACHE_OPTIONS) {
    this.byText = new LRUCache({ max: options.maxDocuments, maxSize: options.maxTextLength, sizeCalculation: (_v, text) => text.length + 1 });
    this.byHash = new LRUCache({ max: options.maxDocuments });
  }

  byQuery(query: string): AnalysedDocument | undefined {
    return this.byText.get(query);
  }

  byPersistedHash(hash: string): AnalysedDocument | undefined {
    return this.byHash.get(hash);
  }

  add(query: string, document: AnalysedDocument): void {
    this.byText.set(query, document);
  }

  /** Remembers `hash` for the document of `query` when it is that text's SHA-256 (hex, as Apollo's APQ). */
  rememberHash(hash: string, query: string, document: AnalysedDocument): void {
    if (this.byHash.get(hash) === document) return;
    if (createHash('sha256').update(query).digest('hex') === hash) this.byHash.set(hash, document);
  }
}
