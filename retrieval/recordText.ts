import { matchForm } from '../ingest/normalise.js';
import type { DutyRecord } from '../ingest/record.js';

/**
 * Folds the variants the manuals mix for matching: width and spacing ("（境）"/"(境)", "：", spaces), and the
 * noise of copied text (traditional characters, pinyin glosses, radicals, stray "?").
 */
export function fold(text: string): string {
  return matchForm(text)
    .replace(/（/g, '(')
    .replace(/）/g, ')')
    .replace(/：/g, ':')
    .replace(/\s+/g, '')
    .toLowerCase();
}

/** The post without its numbered label: "综合岗2：档案管理岗" → "档案管理岗". */
export function postName(post: string): string {
  return post.replace(/^[^：:]{1,10}?\d+\s*[:：]/, '');
}

/** The texts of a record that matching reads, strongest first. */
export interface RecordTexts {
  /** The work item and its chart titles: what the row is about. */
  title: string;
  /** Post name, sub-flow names, what a leader oversees. */
  label: string;
  /** Everything, unit and department included. */
  full: string;
  /** Each field on its own, for field-weighted matching. */
  fields: Record<FieldName, string>;
}

export type FieldName = 'item' | 'titles' | 'post' | 'duties' | 'responsibilities' | 'steps' | 'unit' | 'oversees';


/** Texts already computed for a record object (ingest embeds and indexes the same records). */
const computed = new WeakMap<DutyRecord, RecordTexts>();

export function recordTexts(r: DutyRecord): RecordTexts {
  let t = computed.get(r);
  if (!t) computed.set(r, (t = textsOf(r)));
  return t;
}

/** Folded texts while `withFoldCache` runs (an index build: manuals made from one template repeat whole cells). */
let foldCache: Map<string, string> | null = null;
let foldCacheChars = 0;

/** Runs `fn` with each distinct text `recordTexts` folds folded once; the cache is dropped afterwards. */
export function withFoldCache<T>(fn: () => T): T {
  const outer = foldCache;
  foldCache ??= new Map();
  try {
    return fn();
  } finally {
    if (!outer) {
      foldCache = null;
      foldCacheChars = 0;
    }
  }
}

function foldOnce(text: string): string {
  if (!foldCache) return fold(text);
  let out = foldCache.get(text);
  if (out === undefined) {
    out = fold(text);
    // Bounded: past a few million characters it starts over.
    if (foldCacheChars > 4_000_000) {
      foldCache.clear();
      foldCacheChars = 0;
    }
    foldCache.set(text, out);
    foldCacheChars += text.length + out.length;
  }
  return out;
}

function textsOf(r: DutyRecord): RecordTexts {
  const fold = foldOnce;
  const title = fold([r.item.replace(/^[一二三四五六七八九十]+、/, ''), ...(r.flow?.titles ?? [])].join(' | '));
  const label = fold([postName(r.post), ...(r.flow?.subflows.map((s) => s.name) ?? []), ...r.oversees].join(' | '));
  const full = fold(
    [
      title,
      label,
      r.unit,
      r.department ?? '',
      ...r.duties,
      ...r.responsibilities,
      ...(r.details ?? []).map((d) => `${d.label}:${d.text}`),
      ...(r.flow?.steps ?? []),
      ...(r.flow?.subflows.flatMap((s) => s.steps) ?? []),
      r.timeLimit ?? '',
    ].join(' | '),
  );
  const fields: Record<FieldName, string> = {
    item: fold(r.item.replace(/^[一二三四五六七八九十百]+[、.．]/, '')),
    titles: fold([...(r.flow?.titles ?? []), ...(r.flow?.subflows.map((s) => s.name) ?? [])].join(' | ')),
    post: fold(postName(r.post)),
    duties: fold([...r.duties, ...(r.details ?? []).map((d) => `${d.label}:${d.text}`)].join(' | ')),
    responsibilities: fold(r.responsibilities.join(' | ')),
    steps: fold([...(r.flow?.steps ?? []), ...(r.flow?.subflows.flatMap((s) => s.steps) ?? [])].join(' | ')),
    unit: fold([r.unit, r.department ?? ''].join(' | ')),
    oversees: fold(r.oversees.join(' | ')),
  };
  return { title, label, full, fields };
}

/** The text embedded and full-text indexed for a record: item and titles first, then the body. */
export function indexText(r: DutyRecord): { key: string; body: string } {
  const t = recordTexts(r);
  return { key: `${t.title} ${t.label}`, body: t.full };
}
