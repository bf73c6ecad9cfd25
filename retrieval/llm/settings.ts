/** What the optional language model does: nothing, pick records where the engine is unsure, or also phrase the answer. */
export type LlmMode = 'off' | 'assist' | 'compose';

/** The bureau's chat model, from LLM_* (parsed by bot/config.ts); null in Config when LLM_MODE is off. */
export interface LlmSettings {
  mode: Exclude<LlmMode, 'off'>;
  /** An OpenAI-compatible base URL, ending before /chat/completions (e.g. http://127.0.0.1:11434/v1). */
  baseURL: string;
  model: string;
  /** Any string when the server needs none. */
  apiKey: string;
  /** Longest wait for the model per question; after it the deterministic answer goes out. */
  timeoutMs: number;
  /** LLM_INGEST=1: sections no parser structured are sent to the model at ingest. */
  ingest: boolean;
}

export const DEFAULT_LLM_TIMEOUT_MS = 8000;

/** "assist，deepseek-chat @ https://api.deepseek.com/v1" for the startup line. */
export const describeLlm = (s: LlmSettings): string => `${s.mode}，${s.model} @ ${s.baseURL}`;
