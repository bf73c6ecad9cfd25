import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { HumanMessage, SystemMessage } from '@langchain/core/messages';
import { type PromptTemplate, renderPrompt } from './prompts.js';

/** Resolves after ms; injectable so that tests need not wait on the wall clock. */
export type After = (ms: number) => Promise<void>;

export const realAfter: After = (ms) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    (t as { unref?: () => void }).unref?.();
  });

export class LlmTimeout extends Error {
  constructor(ms: number) {
    super(`大模型 ${ms} ms 内未答完`);
    this.name = 'LlmTimeout';
  }
}

/** Runs `work` with an abort signal; after `ms` the work is aborted and LlmTimeout thrown. */
export async function withDeadline<T>(ms: number, after: After, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ctl = new AbortController();
  const timeout = Symbol('timeout');
  const timer = after(ms).then(() => timeout);
  const run = work(ctl.signal);
  // The losing promise must not raise an unhandled rejection once the signal aborts it.
  run.catch(() => {});
  const won = await Promise.race([run, timer]);
  if (won === timeout) {
    ctl.abort();
    throw new LlmTimeout(ms);
  }
  return won as T;
}

export function messagesFor(p: PromptTemplate, values: Record<string, string>) {
  const { system, user } = renderPrompt(p, values);
  return [new SystemMessage(system), new HumanMessage(user)];
}

/**
 * Structured output through tool calling (`withStructuredOutput`, method functionCalling): the one way
 * every OpenAI-compatible server here supports (DeepSeek, Qwen, GLM, Ollama, vLLM with tools).
 * A reply without the tool call, or with arguments that are not JSON, throws.
 */
export async function structured(model: BaseChatModel, p: PromptTemplate, values: Record<string, string>, signal: AbortSignal): Promise<Record<string, unknown>> {
  if (!p.output) throw new Error(`提示词 ${p.name} 没有输出格式`);
  const name = String(p.output.title ?? p.name);
  const runnable = model.withStructuredOutput(p.output, { method: 'functionCalling', name });
  const out = (await runnable.invoke(messagesFor(p, values), { signal })) as unknown;
  if (!out || typeof out !== 'object' || Array.isArray(out)) throw new Error('大模型未按格式返回（没有工具调用或参数不是 JSON 对象）');
  return out as Record<string, unknown>;
}
