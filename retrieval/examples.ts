import type { DutyRecord } from '../ingest/record.js';

/** Words for help texts and examples, taken from the loaded records so they fit whichever bureau runs the bot. */
export interface CorpusExamples {
  /** A person the manuals name as lead on several rows. */
  person: string;
  /** A post with several items, as printed. */
  post: string;
  /** Its short form ("测量审核岗" rather than "业务岗3：测量审核岗"). */
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
