import type { DutyRecord, Scope } from '../ingest/record.js';
import type { Intent } from './query.js';

/** Words for help texts and examples, taken from the loaded records so they fit whichever bureau runs the bot. */
export interface CorpusExamples {
  /** A person the manuals name as lead on several rows. */
  person: string;
  /** A post with several items, as printed. */
  post: string;
  /** Its short form ("测量审核岗" rather than "综合岗3：测量审核岗"). */
  postShort: string;
  /** A unit, the one with most records. */
  unit: string;
  /** A section of a unit, where the manuals have any. */
  department: string | null;
  /** A work item with a named lead. */
  item: string;
  /** A work item whose time limit is counted in days. */
  limitItem: string | null;
  /** A work item with flow steps. */
  flowItem: string | null;
}

const cache = new WeakMap<readonly DutyRecord[], CorpusExamples>();

const bare = (item: string) => item.replace(/^[一二三四五六七八九十]+[、.．]\s*/, '').replace(/工作$/, '');

function mostCommon(values: string[]): string | null {
  const counts = new Map<string, number>();
  for (const v of values) if (v) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: string | null = null;
  for (const [v, n] of counts) if (best === null || n > counts.get(best)!) best = v;
  return best;
}

/** Examples chosen deterministically from the records: the most frequent person, post and unit. */
export function corpusExamples(records: readonly DutyRecord[]): CorpusExamples {
  const hit = cache.get(records);
  if (hit) return hit;
  const structured = records.filter((r) => r.kind !== 'passage');
  const person = mostCommon(structured.flatMap((r) => r.lead)) ?? '';
  const post = mostCommon(structured.filter((r) => r.post && !r.post.startsWith('（')).map((r) => r.post)) ?? '';
  const shortItem = (r: DutyRecord) => [...bare(r.item)].length <= 14;
  const named = structured.find((r) => r.lead.length > 0 && r.kind === 'item' && shortItem(r)) ?? structured.find((r) => shortItem(r));
  const limited = structured.find((r) => r.timeLimit && /\d+\s*个?工作日/.test(r.timeLimit) && shortItem(r));
  const flowed = structured.find((r) => r.flow && r.flow.steps.length >= 3 && shortItem(r));
  const out: CorpusExamples = {
    person,
    post,
    postShort: post.replace(/^[^：:]*[：:]/, '') || post,
    unit: mostCommon(records.map((r) => r.unit)) ?? '',
    department: mostCommon(records.map((r) => r.department ?? '')) || null,
    item: named ? bare(named.item) : '',
    limitItem: limited ? bare(limited.item) : null,
    flowItem: flowed ? bare(flowed.item) : null,
  };
  cache.set(records, out);
  return out;
}

/** Fills `{person}`, `{post}`, `{unit}`, `{item}`, `{limitItem}`, `{flowItem}` in a help text. */
export function fillExamples(text: string, ex: CorpusExamples): string {
  return text.replace(/\{(person|post|postShort|unit|department|item|limitItem|flowItem)\}/g, (_m, key: keyof CorpusExamples) => {
    const v = ex[key];
    return v || (key === 'person' ? '姓名' : key === 'unit' ? '单位名称' : '工作事项');
  });
}


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
