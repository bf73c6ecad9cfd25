import { engineAnswerer } from '../../retrieval/askService.js';
import type { DutyEngine } from '../../retrieval/engine.js';
import { LlmAnswerer } from '../../retrieval/llm/answerer.js';
import { chatModel } from '../../retrieval/llm/model.js';
import { OpenAIStub, offeredIds } from '../../test/support/openaiStub.js';
import { percentile } from './percentile.js';

export interface LlmBench {
  /** Questions the engine was unsure of: the ones assist mode sends to the model. */
  unsure: number;
  coldMs: number;
  engineP50: number;
  assistP50: number;
  assistP95: number;
  /** Added by assist mode per unsure question (p50 of assist minus engine alone). */
  overheadP50: number;
  /** Sure questions through the LlmAnswerer: no model call, the wrapper's own cost. */
  sureP50: number;
}


/** Assist mode's cost against a local OpenAI-compatible stub that answers at once: LangChain, HTTP and JSON only. */
export async function benchLlm(engine: DutyEngine, questions: string[], rounds = 5): Promise<LlmBench> {
  const stub = await new OpenAIStub().start();
  stub.respond = (req) => ({ tool: { ids: offeredIds(req).slice(0, 1), intent: 'duty' } });
  try {
    const model = chatModel({ baseURL: stub.url, model: 'stub-model', apiKey: 'none', timeoutMs: 8000 });
    const llm = new LlmAnswerer(engineAnswerer(engine), { engine, model, settings: { mode: 'assist', model: 'stub-model', timeoutMs: 8000 } });
    const unsure = questions.filter((q) => engine.ask(q).band !== 'sure' && engine.shortlist(q).length > 0);
    const sure = questions.filter((q) => engine.ask(q).band === 'sure');
    let t = performance.now();
    if (unsure[0]) await llm.ask(unsure[0]);
    const coldMs = performance.now() - t;
    const eng: number[] = [];
    const assist: number[] = [];
    const sureTimes: number[] = [];
    for (let r = 0; r < rounds; r++) {
      for (const q of unsure) {
        t = performance.now();
        engine.ask(q);
        eng.push(performance.now() - t);
        t = performance.now();
        await llm.ask(q);
        assist.push(performance.now() - t);
      }
      for (const q of sure.slice(0, 50)) {
        t = performance.now();
        await llm.ask(q);
        sureTimes.push(performance.now() - t);
      }
    }
    return {
      unsure: unsure.length,
      coldMs,
      engineP50: percentile(eng, 50),
      assistP50: percentile(assist, 50),
      assistP95: percentile(assist, 95),
      overheadP50: percentile(assist, 50) - percentile(eng, 50),
      sureP50: percentile(sureTimes, 50),
    };
  } finally {
    await stub.stop();
  }
}
