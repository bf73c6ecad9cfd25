import type { Answer } from './answer.js';
import type { Embedder } from './embeddings/types.js';
import { toFloat32 } from './embeddings/types.js';
import type { DutyEngine } from './engine.js';

/** Who is asking, as far as answering needs to know. */
export interface AskContext {
  /** The asker's units (from the chat's binding or the roster); absent or empty: no default unit. */
  units?: readonly string[];
}

/** Answers a question, possibly after an asynchronous step (embedding the topic remotely). */
export interface Answerer {
  ask(question: string, ctx?: AskContext): Promise<Answer>;
}

/** The engine as is: local embedders are synchronous. */
export function engineAnswerer(engine: DutyEngine): Answerer {
  return { ask: async (question, ctx) => engine.ask(question, { units: ctx?.units }) };
}

export interface RemoteAnswererOptions {
  /** Embeds the question's topic in the index's vector space (a remote model or transformers.js). */
  embedder: Embedder;
  timeoutMs: number;
  /** Resolves after ms; injectable so tests need not wait. */
  after?: (ms: number) => Promise<void>;
  /** Told once when the embedder starts failing, and once when it is back. */
  log?: (event: 'down' | 'up', detail: string) => void;
  /** Recently embedded topics kept (questions repeat). */
  cacheSize?: number;
  /** After a failure the embedder is left alone this long, so an outage does not slow every answer. */
  retryAfterMs?: number;
  /** Milliseconds since the epoch; injectable for tests. */
  now?: () => number;
}

const realAfter = (ms: number) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    (t as { unref?: () => void }).unref?.();
  });

/**
 * Embeds each question's topic with the index's asynchronous embedder, with a time limit, then asks the
 * engine with that vector. When the embedder fails or is too slow the question is answered without the
 * vector signal (full-text and field matching only): the answer is late by at most the time limit, and
 * for the next retryAfterMs the embedder is not asked at all.
 */
export class RemoteAnswerer implements Answerer {
  private readonly cache = new Map<string, Float32Array>();
  private down = false;
  private quietUntil = 0;

  constructor(
    private readonly engine: DutyEngine,
    private readonly o: RemoteAnswererOptions,
  ) {}

  async ask(question: string, ctx?: AskContext): Promise<Answer> {
    const units = ctx?.units;
    const q = this.engine.parse(question, { units });
    const topic = q.topic || q.question;
    if (!topic) return this.engine.ask(question, { units });
    const vector = await this.embed(topic);
    return vector ? this.engine.ask(question, { vector, units }) : this.engine.ask(question, { units });
  }

  private async embed(topic: string): Promise<Float32Array | null> {
    const hit = this.cache.get(topic);
    if (hit) {
      this.cache.delete(topic);
      this.cache.set(topic, hit);
      return hit;
    }
    const now = this.o.now ?? Date.now;
    if (this.down && now() < this.quietUntil) return null;
    const timeout = Symbol('timeout');
    try {
      const raw = await Promise.race([this.o.embedder.embedQuery(topic), (this.o.after ?? realAfter)(this.o.timeoutMs).then(() => timeout)]);
      if (raw === timeout) throw new Error(`no reply within ${this.o.timeoutMs} ms`);
      const vector = toFloat32(raw as number[]);
      if (this.down) {
        this.down = false;
        this.o.log?.('up', this.o.embedder.id);
      }
      this.cache.set(topic, vector);
      if (this.cache.size > (this.o.cacheSize ?? 256)) this.cache.delete(this.cache.keys().next().value!);
      return vector;
    } catch (e) {
      if (!this.down) {
        this.down = true;
        this.o.log?.('down', `${this.o.embedder.id}: ${(e as Error)?.message ?? e}`);
      }
      this.quietUntil = now() + (this.o.retryAfterMs ?? 30_000);
      return null;
    }
  }
}
