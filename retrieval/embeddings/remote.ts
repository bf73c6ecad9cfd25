import { OpenAIEmbeddings } from '@langchain/openai';
import type { Embedder } from './types.js';

export interface RemoteEmbedderOptions {
  baseURL: string;
  model: string;
  apiKey: string;
  dimensions?: number | null;
  /** Per question; document batches at ingest may take up to max(timeoutMs, 60 s) each (a CPU-only server is slow). */
  timeoutMs: number;
  /** Texts per request at ingest. */
  batchSize?: number;
  /** Retries of a failed document batch at ingest (with back-off); questions are never retried. */
  documentRetries?: number;
}

/**
 * Any OpenAI-compatible /v1/embeddings endpoint (bge-m3 on Ollama, Xinference or TEI; DashScope
 * text-embedding-v3; Zhipu embedding-3) through LangChain's OpenAIEmbeddings.
 */
export class RemoteEmbedder implements Embedder {
  readonly id: string;
  private readonly documents: OpenAIEmbeddings;
  private readonly queries: OpenAIEmbeddings;
  private dims: number;

  constructor(readonly o: RemoteEmbedderOptions) {
    const base = {
      model: o.model,
      apiKey: o.apiKey || 'none',
      configuration: { baseURL: o.baseURL },
      // Float arrays are what every compatible server supports; base64 is not universal.
      encodingFormat: 'float' as const,
      ...(o.dimensions ? { dimensions: o.dimensions } : {}),
    };
    this.documents = new OpenAIEmbeddings({
      ...base,
      timeout: Math.max(o.timeoutMs, 60_000),
      batchSize: o.batchSize ?? 32,
      maxRetries: o.documentRetries ?? 3,
      maxConcurrency: 2,
    });
    this.queries = new OpenAIEmbeddings({ ...base, timeout: o.timeoutMs, maxRetries: 0 });
    this.dims = o.dimensions ?? 0;
    this.id = `openai:${o.baseURL.replace(/\/+$/, '')}:${o.model}:${o.dimensions ?? 'default'}`;
  }

  get dimensions(): number {
    return this.dims;
  }

  async embedDocuments(texts: string[]): Promise<number[][]> {
    const out = await this.documents.embedDocuments(texts);
    this.check(out);
    return out;
  }

  async embedQuery(text: string): Promise<number[]> {
    const out = await this.queries.embedQuery(text);
    this.check([out]);
    return out;
  }

  private check(vectors: number[][]): void {
    for (const v of vectors) {
      if (!Array.isArray(v) || v.length === 0) throw new Error(`向量服务返回了空向量（${this.o.model}） / empty embedding from ${this.o.baseURL}`);
      if (this.dims === 0) this.dims = v.length;
      else if (v.length !== this.dims) {
        throw new Error(`向量维度不一致：期望 ${this.dims}，收到 ${v.length} / embedding length ${v.length}, expected ${this.dims}`);
      }
    }
  }
}
