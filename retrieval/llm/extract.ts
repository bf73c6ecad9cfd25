import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { DutyRecord } from '../../ingest/record.js';
import { unitLevel } from '../../ingest/units.js';
import type { LlmEvent } from './answerer.js';
import { type After, LlmTimeout, realAfter, structured, withDeadline } from './call.js';
import { checkText, digits, evidenceOf, type GuardViolation } from './guard.js';
import { loadPrompt } from './prompts.js';

/** One record as the extract prompt returns it (prompts/extract.md). */
export interface Extracted {
  unit?: string;
  post?: string;
  item: string;
  duties: string[];
  lead?: string[];
  assistants?: string[];
  timeLimit?: string;
  steps?: string[];
  codes?: string[];
}

/** What the model said about one section, kept so that re-ingesting does not ask again. */
export type CachedExtraction = { outcome: 'accepted'; records: Extracted[] } | { outcome: 'none' } | { outcome: 'rejected'; violation: GuardViolation };

export interface ExtractionCache {
  get(key: string): CachedExtraction | undefined;
  set(key: string, value: CachedExtraction): void;
}

export interface ExtractOptions {
  model: BaseChatModel;
  /** The model's name: part of the cache key, and named on every record it extracted. */
  modelName: string;
  timeoutMs: number;
  cache: ExtractionCache;
  after?: After;
  now?: () => number;
  onEvent?: (e: LlmEvent) => void;
  log?: { warn(msg: string, fields?: Record<string, unknown>): void };
  /** Sections sent at most per ingest (the rest stay passages). */
  maxSections?: number;
}

export interface ExtractReport {
  sections: number;
  asked: number;
  cached: number;
  accepted: number;
  rejected: number;
  failed: number;
  records: number;
  /** Sections holding instructions to a model ("忽略以上指令…"): kept as passages, never sent. */
  suspicious: number;
}

/** Text that talks to a model rather than about the work: such a section is not sent for extraction. */
const INSTRUCTION = /忽略(?:以上|上述|之前|前面|先前|所有|全部)|(?:无视|不要理会)(?:以上|上述|之前)|ignore\s+(?:all\s+|the\s+)?(?:previous|above|prior)|system\s*prompt|你现在(?:是|扮演)|请扮演|提示词/i;

const squeeze = (s: string) => digits(s.replace(/[\s\u3000]+/g, ''));

/** Share of the text's character pairs found in the source: a duty copied out, not written anew. */
function copied(text: string, source: string): number {
  const t = squeeze(text).replace(/[，。；、,.;:：]/g, '');
  if (t.length < 2) return source.includes(t) ? 1 : 0;
  let hit = 0;
  for (let i = 0; i + 2 <= t.length; i++) if (source.includes(t.slice(i, i + 2))) hit++;
  return hit / (t.length - 1);
}

/**
 * Every field of the model's records must be in the section's text: names, post, unit, time limit and
 * codes verbatim, duties and steps copied (most of their character pairs), and nothing in them naming a
 * person, code or limit the text does not. Returns the first field that is not, or null.
 */
export function checkExtraction(records: Extracted[], sourceText: string, persons: readonly string[] = []): GuardViolation | null {
  const source = squeeze(sourceText);
  const evidence = evidenceOf([sourceText]);
  const verbatim = (kind: GuardViolation['kind'], v: string | undefined): GuardViolation | null => (v && !source.includes(squeeze(v)) ? { kind, span: v } : null);
  for (const r of records) {
    const bad =
      verbatim('unit', r.unit) ??
      verbatim('post', r.post) ??
      verbatim('timeLimit', r.timeLimit) ??
      [...(r.lead ?? []), ...(r.assistants ?? [])].map((n) => verbatim('person', n)).find(Boolean) ??
      (r.codes ?? []).map((c) => verbatim('code', c)).find(Boolean) ??
      null;
    if (bad) return bad;
    for (const t of [r.item, ...r.duties, ...(r.steps ?? [])]) {
      if (copied(t, source) < 0.8) return { kind: 'text', span: t };
      const v = checkText(t, evidence, persons);
      if (v) return v;
    }
  }
  return null;
}

async function sha256(text: string): Promise<string> {
  const bytes = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x.trim() !== '').map((x) => x.trim()) : []);
const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

function readRecords(out: Record<string, unknown>): Extracted[] {
  const list = Array.isArray(out.records) ? out.records : null;
  if (!list) throw new Error('大模型未按格式返回（缺少 records 数组）');
  return list
    .filter((r): r is Record<string, unknown> => !!r && typeof r === 'object')
    .map((r) => ({
      unit: text(r.unit),
      post: text(r.post),
      item: text(r.item) ?? '',
      duties: strings(r.duties),
      lead: strings(r.lead),
      assistants: strings(r.assistants),
      timeLimit: text(r.timeLimit),
      steps: strings(r.steps),
      codes: strings(r.codes),
    }))
    .filter((r) => r.item && r.duties.length > 0);
}

/** A checked extraction as records beside its passage, marked as the model's in source and details. */
function toRecords(passage: DutyRecord, list: Extracted[], modelName: string): DutyRecord[] {
  return list.map((e, i) => {
    const unit = e.unit ?? passage.unit;
    return {
      ...passage,
      id: `${passage.id}~llm${i + 1}`,
      kind: 'item',
      unit,
      scope: e.unit ? unitLevel(unit) : passage.scope,
      post: e.post ?? '',
      postNo: null,
      item: e.item,
      duties: e.duties,
      responsibilities: [],
      flow: (e.steps?.length ?? 0) + (e.codes?.length ?? 0) > 0 ? { codes: e.codes ?? [], titles: [], steps: e.steps ?? [], subflows: [] } : null,
      timeLimit: e.timeLimit ?? null,
      lead: e.lead ?? [],
      assistants: (e.assistants ?? []).filter((n) => !(e.lead ?? []).includes(n)),
      peopleInherited: false,
      oversees: [],
      details: [...(passage.details ?? []), { label: '读取方式', text: `由大模型（${modelName}）从原文摘录，已逐项核对原文` }],
      source: { ...passage.source, ref: [passage.source.ref, '大模型摘录'].filter(Boolean).join('，') },
    };
  });
}

/**
 * Sends the passages (sections no parser structured) to the model and adds the records it extracts,
 * each checked against the section's own text; the passages themselves stay. Cached by section hash.
 */
export async function extractFromPassages(records: DutyRecord[], o: ExtractOptions): Promise<{ records: DutyRecord[]; report: ExtractReport }> {
  const report: ExtractReport = { sections: 0, asked: 0, cached: 0, accepted: 0, rejected: 0, failed: 0, records: 0, suspicious: 0 };
  const persons = [...new Set(records.flatMap((r) => (r.kind === 'passage' ? [] : [...r.lead, ...r.assistants])))];
  const prompt = loadPrompt('extract');
  const out: DutyRecord[] = [];
  const now = o.now ?? Date.now;
  for (const r of records) {
    out.push(r);
    if (r.kind !== 'passage') continue;
    const body = r.duties.join('\n');
    if (body.replace(/\s+/g, '').length < 20) continue;
    report.sections++;
    if (INSTRUCTION.test(body)) {
      report.suspicious++;
      o.log?.warn('段落含有对大模型的指令，未送模型摘录，保留原文段落', { section: r.id, span: INSTRUCTION.exec(body)![0] });
      continue;
    }
    const key = await sha256(`${o.modelName}\u0000${prompt.system}\u0000${prompt.user}\u0000${body}`);
    let result = o.cache.get(key);
    if (result) report.cached++;
    else {
      if (report.asked >= (o.maxSections ?? 200)) continue;
      report.asked++;
      const started = now();
      try {
        const raw = await withDeadline(o.timeoutMs, o.after ?? realAfter, (signal) =>
          structured(o.model, prompt, { unit: r.unit, heading: r.item, text: body }, signal),
        );
        const list = readRecords(raw);
        const violation = checkExtraction(list, body, persons);
        result = violation ? { outcome: 'rejected', violation } : list.length > 0 ? { outcome: 'accepted', records: list } : { outcome: 'none' };
        o.cache.set(key, result);
        o.onEvent?.({ stage: 'extract', outcome: result.outcome, ms: now() - started, question: r.id, ...(violation ? { violation } : {}) });
      } catch (e) {
        report.failed++;
        o.onEvent?.({ stage: 'extract', outcome: e instanceof LlmTimeout ? 'timeout' : 'error', ms: now() - started, question: r.id, detail: String((e as Error)?.message ?? e) });
        continue;
      }
    }
    if (result.outcome === 'rejected') {
      report.rejected++;
      o.log?.warn('大模型摘录未通过原文核对，已保留原文段落', { section: r.id, kind: result.violation.kind, span: result.violation.span });
    } else if (result.outcome === 'accepted') {
      report.accepted++;
      const added = toRecords(r, result.records, o.modelName);
      report.records += added.length;
      out.push(...added);
    }
  }
  return { records: out, report };
}
