/** Which embedder builds the index's vectors, from EMBEDDINGS_* (parsed by bot/config.ts). */
export type EmbeddingsSettings =
  | { provider: 'local' }
  | {
      provider: 'openai';
      /** An OpenAI-compatible base URL, ending before /embeddings (e.g. http://127.0.0.1:11434/v1). */
      baseURL: string;
      model: string;
      /** Any string when the server needs none. */
      apiKey: string;
      /** Requested vector length (text-embedding-v3, embedding-3 accept it); null for the model's own. */
      dimensions: number | null;
      /** Per request, for documents at ingest and for each question. */
      timeoutMs: number;
    }
  | {
      provider: 'transformers';
      /** A local model folder (config.json, tokenizer, onnx/model.onnx); nothing is downloaded. */
      modelDir: string;
      timeoutMs: number;
    };

export const DEFAULT_EMBEDDINGS_TIMEOUT_MS = 5000;
