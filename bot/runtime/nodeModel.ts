import type { Answerer } from '../../retrieval/askService.js';
import type { DutyEngine } from '../../retrieval/engine.js';
import { LlmAnswerer } from '../../retrieval/llm/answerer.js';
import { chatModel, ModelProbe } from '../../retrieval/llm/model.js';
import type { LlmSettings } from '../../retrieval/llm/settings.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import type { NodeBotOptions } from './nodeBot.js';

/** The bureau's model around the answerer (LLM_MODE assist/compose), and its reachability for /healthz. */
export function withModel(s: LlmSettings, inner: Answerer, engine: DutyEngine, clock: Clock, log: Logger, o: NodeBotOptions['llm'] = {}) {
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

