import type { DutyRecord, Scope } from '../ingest/record.js';
import type { Intent } from './query.js';

const title = (item: string) => item.replace(/^[一二三四五六七八九十百]+[、.．]\s*/, '').replace(/[。；;，,\s]+$/, '');
const short = (item: string) => [...title(item)].length <= 14;

/** The level word that makes a re-asked question land in the same manual. */
const LEVEL: Partial<Record<Scope, string>> = { city: '市局', district: '区里', subdistrict: '街道' };

/** A question that asks for one row: used for alternatives ("是不是想问…") and examples. */
export function questionFor(r: DutyRecord, intent: Intent, o: { level?: boolean } = {}): string {
  const t = title(r.item);
  const level = o.level ? (LEVEL[r.scope] ?? '') : '';
  if (r.kind === 'passage') return `${level}${t}是怎么规定的`;
  // Rows that are a post or a body's share of the work: ask who holds it, naming where.
  if (r.kind === 'centre-post') return `${r.unit}${t}是谁`;
  if (r.kind === 'taskforce-duty' || r.kind === 'taskforce-role') return `${r.unit}${t}是什么`;
  if (intent === 'flow' && r.flow) return `${level}${t}的流程`;
  if (intent === 'timeLimit' && r.timeLimit) return `${level}${t}的办理时限`;
  if (r.lead.length === 0) return `${level}${t}由哪个岗位负责`;
  return `${level}谁负责${t}`;
}

/**
 * Example questions from the loaded records: a common item with people and a chart, a flow with its
 * steps, a leader's 分管, a time limit, and a duty whose manual names no person. Each candidate is
 * kept only if `check` (the engine itself) answers it with confidence.
 */
export function pickExamples(records: readonly DutyRecord[], check: (q: string) => boolean, max = 4): string[] {
  const items = records.filter((r) => r.kind === 'item' && short(r.item));
  const kinds: (() => string[])[] = [
    () => items.filter((r) => r.lead.length > 0 && r.flow?.codes.length).map((r) => `谁负责${title(r.item)}`),
    () => items.filter((r) => (r.flow?.steps.length ?? 0) >= 3).map((r) => `${title(r.item)}的流程`),
    () => items.filter((r) => r.lead.length === 0).map((r) => `${LEVEL[r.scope] ?? ''}${title(r.item)}由哪个岗位负责`),
    () => records.filter((r) => r.oversees.length > 0).flatMap((r) => r.oversees.map((o) => `谁分管${o}`)),
    () => items.filter((r) => r.timeLimit && /\d/.test(r.timeLimit)).map((r) => `${title(r.item)}的办理时限`),
  ];
  const out: string[] = [];
  for (const kind of kinds) {
    if (out.length >= max) break;
    // Middle of the list first: the first rows of a manual are often its leaders' general work.
    const list = kind();
    const order = list.map((_, i) => i).sort((a, b) => Math.abs(a - list.length / 2) - Math.abs(b - list.length / 2));
    for (const i of order.slice(0, 12)) {
      const q = list[i]!;
      if (!out.includes(q) && check(q)) {
        out.push(q);
        break;
      }
    }
  }
  return out;
}
