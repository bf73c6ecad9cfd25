import { isNameLike } from '../people.js';
import type { Detail, DutyRecord, Flow, RecordKind, Scope, Source } from '../record.js';
import { unitLevel } from '../units.js';

/** What a recogniser knows about where it stands in a document: its unit, section and heading. */
export interface DocContext {
  file: string;
  /** The unit the document (or the current part of it) is about; the title when none is named. */
  unit: string;
  scope: Scope;
  parentUnit: string | null;
  department: string | null;
  /** The nearest heading above, as printed. */
  heading: string | null;
}

export interface RecordDraft {
  kind?: RecordKind;
  unit?: string;
  department?: string | null;
  post: string;
  item: string;
  duties?: string[];
  responsibilities?: string[];
  flow?: Flow | null;
  timeLimit?: string | null;
  lead?: string[];
  assistants?: string[];
  peopleInherited?: boolean;
  oversees?: string[];
  details?: Detail[];
  source: Source;
}

/** A record from a draft, the context filling in what the draft leaves out. */
export function makeRecord(ctx: DocContext, d: RecordDraft): DutyRecord {
  // "综合管理岗（张三）": a post cell naming its holder, where the row names no one else.
  const holder = (d.lead ?? []).length === 0 && (d.assistants ?? []).length === 0 ? postHolder(d.post) : null;
  if (holder) d = { ...d, post: holder.post, lead: holder.names, assistants: holder.backups };
  const unit = d.unit ?? ctx.unit;
  const sameUnit = unit === ctx.unit;
  return {
    id: `${ctx.file}#${d.source.line}`,
    unit,
    department: d.department !== undefined ? d.department : ctx.department,
    scope: sameUnit ? ctx.scope : inheritLevel(unit, ctx),
    parentUnit: sameUnit ? ctx.parentUnit : ctx.unit,
    kind: d.kind ?? 'item',
    post: d.post,
    postNo: null,
    item: d.item,
    duties: d.duties ?? [],
    responsibilities: d.responsibilities ?? [],
    flow: d.flow ?? null,
    timeLimit: d.timeLimit ?? null,
    lead: d.lead ?? [],
    assistants: d.assistants ?? [],
    peopleInherited: d.peopleInherited ?? false,
    oversees: d.oversees ?? [],
    ...(d.details && d.details.length > 0 ? { details: d.details } : {}),
    source: d.source,
  };
}

/** Not a name in brackets after a post: a grade, a note ("正科级", "兼", "含窗口"). */
const NOT_HOLDER = /[级职类型制项名个人数含兼共]|^(?:暂缺|空缺|待定|[一二三四五六七八九十]+)$/;

/**
 * The post and its holders where a post cell names them in brackets: "综合管理岗（张三）", "审核岗（张三、李四）",
 * "受理岗（张三，B角李四）". Null where the brackets hold anything but names.
 */
export function postHolder(post: string): { post: string; names: string[]; backups: string[] } | null {
  const m = /^(.{2,30}?(?:岗位?|员|师))[（(]([^（）()]{2,30})[）)]$/.exec(post.trim());
  if (!m) return null;
  const parts = m[2]!.split(/[、，,；;]/).map((p) => p.trim());
  const names: string[] = [];
  const backups: string[] = [];
  for (const part of parts) {
    const backup = /^(?:B角|AB角|备岗|备份)[:：]?\s*/.exec(part);
    const name = backup ? part.slice(backup[0].length) : part;
    if (NOT_HOLDER.test(name) || !isNameLike(name)) return null;
    (backup ? backups : names).push(name.replace(/[\s\u3000]/g, ''));
  }
  return names.length > 0 ? { post: m[1]!, names, backups } : null;
}

/** A sub-unit's level: its own name's where it says one, else its parent's. */
function inheritLevel(unit: string, ctx: DocContext): Scope {
  const own = unitLevel(unit);
  return own === 'unit' ? ctx.scope : own;
}

/** A short title for a record from a sentence: its first clause, at most `max` characters. */
export function shortTitle(text: string, max = 30): string {
  const t = text
    .replace(/^\s*(?:第[一二三四五六七八九十百零〇\d]+条|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]|\d{1,2}[.、．]|[①-⑳])\s*/, '')
    .trim();
  let first = t.split(/[。；;：:]/)[0]!.trim();
  if ([...first].length > 20 && /[，,]/.test(first)) first = first.split(/[，,]/)[0]!.trim();
  const chars = [...(first || t)];
  return chars.length > max ? `${chars.slice(0, max).join('')}…` : chars.join('');
}
