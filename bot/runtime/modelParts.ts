import type { Answerer } from '../../retrieval/askService.js';
import type { DutyEngine } from '../../retrieval/engine.js';
import { LlmAnswerer, type LlmEvent } from '../../retrieval/llm/answerer.js';
import type { After } from '../../retrieval/llm/call.js';
import { chatModel, ModelProbe } from '../../retrieval/llm/model.js';
import type { LlmSettings } from '../../retrieval/llm/settings.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';

export interface ModelPartOptions {
  after?: After;
  onEvent?: (e: LlmEvent) => void;
  fetch?: typeof fetch;
}

/** The bureau's model around the answerer (LLM_MODE assist/compose), and its reachability for /healthz; for Node and Workers alike. */
export function withModel(s: LlmSettings, inner: Answerer, engine: DutyEngine | (() => DutyEngine), clock: Clock, log: Logger, o: ModelPartOptions = {}) {
  const answerer = new LlmAnswerer(inner, { engine, model: chatModel(s, { fetch: o.fetch }), settings: s, after: o.after, now: () => clock.now(), log, onEvent: o.onEvent });
  const probe = new ModelProbe(s, { fetch: o.fetch });
  return {
    answerer,
    writer: s.mode === 'compose' ? answerer : undefined,
    probe,
    status: () => {
      const p = probe.current();
      return { mode: s.mode, model: s.model, reachable: p.status, ...(p.detail ? { detail: p.detail } : {}) };
    },
  };
}

