import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { DutyRecord } from '../../ingest/record.js';
import type { Answer } from '../answer.js';
import type { AskContext, Answerer } from '../askService.js';
import type { DutyEngine } from '../engine.js';
import type { Intent } from '../query.js';
import { type After, LlmTimeout, messagesFor, realAfter, structured, withDeadline } from './call.js';
import { checkText, evidenceOf, type GuardViolation, peopleOf, recordText } from './guard.js';
import { loadPrompt } from './prompts.js';
import type { LlmSettings } from './settings.js';

export type LlmStage = 'assist' | 'compose' | 'extract';

/**
 * One model call and what came of it. accepted: used; none: the model found no answer (the engine's
 * stands); rejected: the guard dropped it (span says why); timeout/error/skipped: the deterministic answer went out.
 */
export interface LlmEvent {
  stage: LlmStage;
  outcome: 'accepted' | 'none' | 'rejected' | 'timeout' | 'error' | 'skipped';
  ms: number;
  question?: string;
  violation?: GuardViolation;
  detail?: string;
}

export interface LlmLog {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
}

export interface LlmAnswererOptions {
  /** The engine, or a getter for the one in use now (a new manual version may be switched in). */
  engine: DutyEngine | (() => DutyEngine);
  model: BaseChatModel;
  settings: Pick<LlmSettings, 'mode' | 'model' | 'timeoutMs'>;
  after?: After;
  now?: () => number;
  log?: LlmLog;
  /** After a failure the model is left alone this long (a circuit breaker), so an outage does not slow every answer. */
  retryAfterMs?: number;
  /** Rows offered to the model. */
  candidates?: number;
  /** Every call's outcome, for eval and bench. */
  onEvent?: (e: LlmEvent) => void;
}

const INTENTS: readonly Intent[] = ['duty', 'flow', 'timeLimit', 'leadership'];

/** What the model is shown of a row: enough to tell rows apart, nothing it could not repeat. */
function offered(r: DutyRecord): string {
  return JSON.stringify({
    id: r.id,
    unit: [r.unit, r.department].filter(Boolean).join(' '),
    post: r.post,
    item: r.item,
    duties: r.duties.join('；').slice(0, 200),
    people: r.kind === 'passage' ? [] : [...r.lead, ...r.assistants],
  });
}

/** A row with everything the answer card shows, for composing. */
function cited(r: DutyRecord): string {
  return JSON.stringify({
    unit: [r.unit, r.department].filter(Boolean).join(' '),
    post: r.post,
    item: r.item,
    duties: r.duties.join('；').slice(0, 400),
    lead: r.kind === 'passage' ? [] : r.lead,
    assistants: r.kind === 'passage' ? [] : r.assistants,
    timeLimit: r.timeLimit,
    flowCodes: r.flow?.codes ?? [],
    steps: r.flow?.steps ?? [],
  });
}

/** Where the text may be cut for showing: after a clause's punctuation. */
const CLAUSE_END = /[。！？；;，,、\n]/g;

/**
 * Answers through an inner answerer (the engine, or the remote-embedding one), then, where the engine is
 * not sure (plausible, not found), lets the model pick among the top rows. The model's words never reach
 * the asker unchecked: picks must be offered ids, and composed text passes the guard (guard.ts).
 */
export class LlmAnswerer implements Answerer {
  private down = false;
  private quietUntil = 0;

  constructor(
    private readonly inner: Answerer,
    private readonly o: LlmAnswererOptions,
  ) {}

  private engine(): DutyEngine {
    const e = this.o.engine;
    return typeof e === 'function' ? e() : e;
  }

  get mode(): LlmSettings['mode'] {
    return this.o.settings.mode;
  }

  async ask(question: string, ctx?: AskContext): Promise<Answer> {
    const base = await this.inner.ask(question, ctx);
    if (base.band === 'sure' || base.intent === 'person' || !question.trim()) return base;
    return this.assist(question, base, ctx);
  }

  private now(): number {
    return (this.o.now ?? Date.now)();
  }

  private emit(e: LlmEvent): void {
    this.o.onEvent?.(e);
    if (e.outcome === 'rejected') this.o.log?.warn('大模型输出未通过核对，已改用手册原文', { stage: e.stage, kind: e.violation?.kind, span: e.violation?.span, question: e.question });
  }

  private officeCache: string[] | null = null;

  /** Every unit, department and post the manuals name (a post also by its name after "：" ), longest first. */
  private offices(): string[] {
    if (this.officeCache) return this.officeCache;
    const set = new Set<string>();
    for (const r of this.engine().allRecords()) {
      for (const v of [r.unit, r.department ?? '', r.post, r.post.split(/[:：]/).pop() ?? '']) if (v.trim()) set.add(v.replace(/\s+/g, ''));
    }
    this.officeCache = [...set].sort((a, b) => b.length - a.length);
    return this.officeCache;
  }

  /** False while the breaker is open after a failure: callers then skip the model's part altogether. */
  ready(): boolean {
    return this.available();
  }

  /** False while the breaker is open after a failure. */
  private available(): boolean {
    return !(this.down && this.now() < this.quietUntil);
  }

  private failed(e: unknown): void {
    if (!this.down) {
      this.down = true;
      this.o.log?.warn('大模型不可用，暂用手册原文作答', { model: this.o.settings.model, error: String((e as Error)?.message ?? e) });
    }
    this.quietUntil = this.now() + (this.o.retryAfterMs ?? 30_000);
  }

  private recovered(): void {
    if (this.down) {
      this.down = false;
      this.o.log?.info('大模型已恢复', { model: this.o.settings.model });
    }
  }

  private async assist(question: string, base: Answer, ctx?: AskContext): Promise<Answer> {
    // Offered rows and the rebuilt answer come from where the engine would answer: the asker's units.
    const scope = ctx?.units && ctx.units.length > 0 ? { units: ctx.units } : {};
    const started = this.now();
    const engine = this.engine();
    const rows = engine.shortlist(question, this.o.candidates ?? 8, scope);
    const first = base.answers[0] ? (engine.record(base.answers[0]!.id) ?? undefined) : undefined;
    if (first && !rows.some((r) => r.id === first.id)) rows.unshift(first);
    // Nothing to choose from: not found stays not found, without asking.
    if (rows.length === 0) return base;
    if (!this.available()) {
      this.emit({ stage: 'assist', outcome: 'skipped', ms: 0, question, detail: '熔断中' });
      return base;
    }
    try {
      const out = await withDeadline(this.o.settings.timeoutMs, this.o.after ?? realAfter, (signal) =>
        structured(this.o.model, loadPrompt('assist'), { question, candidates: rows.map(offered).join('\n') }, signal),
      );
      this.recovered();
      const ms = this.now() - started;
      const ids = Array.isArray(out.ids) ? out.ids.filter((x): x is string => typeof x === 'string') : [];
      const said = typeof out.intent === 'string' ? out.intent : '';
      const allowed = new Set(rows.map((r) => r.id));
      const stray = ids.find((id) => !allowed.has(id));
      if (stray !== undefined) {
        this.emit({ stage: 'assist', outcome: 'rejected', ms, question, violation: { kind: 'code', span: stray }, detail: '选了候选以外的记录' });
        return base;
      }
      if (said === 'none' || ids.length === 0) {
        this.emit({ stage: 'assist', outcome: 'none', ms, question });
        return base;
      }
      const intent = (INTENTS as readonly string[]).includes(said) ? (said as Intent) : base.intent;
      const picked = engine.answerWith(question, [...new Set(ids)].slice(0, 3), intent, scope);
      if (!picked) return base;
      this.emit({ stage: 'assist', outcome: 'accepted', ms, question });
      return { ...picked, pickedBy: this.o.settings.model };
    } catch (e) {
      this.failed(e);
      this.emit({ stage: 'assist', outcome: e instanceof LlmTimeout ? 'timeout' : 'error', ms: this.now() - started, question, detail: String((e as Error)?.message ?? e) });
      return base;
    }
  }

  /**
   * A short answer in Chinese from the answer's rows only, streamed clause by clause to `show` once each
   * clause has passed the guard. Null (and nothing more shown) when the model fails, is too slow, says
   * nothing, or states a fact the rows do not back: the deterministic answer stands.
   */
  async compose(
    answer: Answer,
    show: (text: string) => Promise<void> | void = () => {},
    o: { startedAt?: number } = {},
  ): Promise<{ text: string | null; event: LlmEvent }> {
    const started = this.now();
    // Where the asker still waits for the whole reply, the question's one budget is shared with assist.
    const budget = this.o.settings.timeoutMs - (o.startedAt === undefined ? 0 : Math.max(0, started - o.startedAt));
    const question = answer.question;
    const done = (e: Omit<LlmEvent, 'stage' | 'ms' | 'question'>, text: string | null) => {
      const event: LlmEvent = { stage: 'compose', ms: this.now() - started, question, ...e };
      this.emit(event);
      return { text, event };
    };
    if (!answer.found || answer.answers.length === 0 || answer.intent === 'person') return done({ outcome: 'skipped', detail: '无可依据的记录' }, null);
    if (!this.available()) return done({ outcome: 'skipped', detail: '熔断中' }, null);
    if (budget <= 0) return done({ outcome: 'timeout', detail: '时限已用完' }, null);
    const rows = answer.answers.map((a) => this.engine().record(a.id)).filter((r): r is DutyRecord => r !== null);
    const evidence = evidenceOf(rows.map(recordText), peopleOf(rows));
    const persons = this.engine().lexicon.persons;
    const offices = this.offices();
    let shown = '';
    let violation: GuardViolation | null = null;
    try {
      const full = await withDeadline(budget, this.o.after ?? realAfter, async (signal) => {
        let text = '';
        const stream = await this.o.model.stream(messagesFor(loadPrompt('compose'), { question, records: rows.map(cited).join('\n') }), { signal });
        for await (const chunk of stream) {
          text += typeof chunk.content === 'string' ? chunk.content : '';
          // Only whole clauses are checked and shown: a name cut in two cannot slip through half by half.
          let cut = -1;
          for (const m of text.matchAll(CLAUSE_END)) cut = m.index! + 1;
          if (cut > shown.length) {
            const next = text.slice(0, cut);
            violation = checkText(next, evidence, persons, offices);
            if (violation) return null;
            shown = next;
            await show(shown.trim());
          }
        }
        return text;
      });
      this.recovered();
      if (violation) return done({ outcome: 'rejected', violation }, null);
      const text = (full ?? '').trim();
      if (!text) return done({ outcome: 'error', detail: '大模型返回空内容' }, null);
      violation = checkText(text, evidence, persons, offices);
      if (violation) return done({ outcome: 'rejected', violation }, null);
      if (text !== shown.trim()) await show(text);
      return done({ outcome: 'accepted' }, text);
    } catch (e) {
      this.failed(e);
      return done({ outcome: e instanceof LlmTimeout ? 'timeout' : 'error', detail: String((e as Error)?.message ?? e) }, null);
    }
  }
}
