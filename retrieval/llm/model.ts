import { ChatOpenAI } from '@langchain/openai';
import type { LlmSettings } from './settings.js';

/**
 * The chat model for any OpenAI-compatible endpoint (DeepSeek, DashScope, GLM, Moonshot, Ollama, vLLM).
 * No retries inside: a failed call falls back to the deterministic answer at once.
 */
export function chatModel(s: Pick<LlmSettings, 'baseURL' | 'model' | 'apiKey' | 'timeoutMs'>, o: { fetch?: typeof fetch } = {}): ChatOpenAI {
  return new ChatOpenAI({
    model: s.model,
    apiKey: s.apiKey,
    temperature: 0,
    maxRetries: 0,
    timeout: s.timeoutMs,
    streamUsage: false,
    configuration: { baseURL: s.baseURL, ...(o.fetch ? { fetch: o.fetch } : {}) },
  });
}

export interface ProbeState {
  /** unknown: not checked yet; ok: the endpoint answered; down: it did not (detail says why). */
  status: 'unknown' | 'ok' | 'down';
  detail: string | null;
  checkedAt: number | null;
}

/**
 * Whether the model's endpoint answers: GET {base}/models, which OpenAI-compatible servers serve cheaply
 * (no tokens spent). Cached; a check runs in the background and never holds up the caller.
 */
export class ModelProbe {
  private state: ProbeState = { status: 'unknown', detail: null, checkedAt: null };
  private running: Promise<ProbeState> | null = null;

  constructor(
    private readonly s: Pick<LlmSettings, 'baseURL' | 'apiKey' | 'model'>,
    private readonly o: { now?: () => number; fetch?: typeof fetch; timeoutMs?: number; ttlMs?: number } = {},
  ) {}

  /** The last result; starts a new check when it is older than the cache time. */
  current(): ProbeState {
    const now = (this.o.now ?? Date.now)();
    if (this.state.checkedAt === null || now - this.state.checkedAt > (this.o.ttlMs ?? 60_000)) void this.check();
    return this.state;
  }

  check(): Promise<ProbeState> {
    this.running ??= this.run().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async run(): Promise<ProbeState> {
    const now = this.o.now ?? Date.now;
    let next: ProbeState;
    try {
      const res = await (this.o.fetch ?? fetch)(`${this.s.baseURL}/models`, {
        headers: { authorization: `Bearer ${this.s.apiKey}` },
        signal: AbortSignal.timeout(this.o.timeoutMs ?? 5000),
      });
      await res.body?.cancel();
      // 404: a server without /models (some gateways) still answered; 401/403: the key is wrong.
      next =
        res.ok || res.status === 404 || res.status === 405
          ? { status: 'ok', detail: null, checkedAt: now() }
          : { status: 'down', detail: res.status === 401 || res.status === 403 ? `HTTP ${res.status}（LLM_API_KEY 无效？）` : `HTTP ${res.status}`, checkedAt: now() };
    } catch (e) {
      next = { status: 'down', detail: String((e as Error)?.message ?? e), checkedAt: now() };
    }
    this.state = next;
    return next;
  }
}
