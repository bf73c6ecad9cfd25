import type { CorpusLoad } from '../../ingest/parseManual.js';
import type { DutyRecord } from '../../ingest/record.js';

/** What happened to one source of the manuals in a new version. */
export interface SourceChange {
  name: string;
  /** `added`: new; `replaced`: takes the place of `replaces`; `kept`: unchanged from the base version. */
  action: 'added' | 'replaced' | 'kept';
  /** The source it replaces, and why (the same file name, or the same units). */
  replaces?: { name: string; why: string } | null;
  records: number;
  warnings: string[];
  error: string | null;
  /** A linked Feishu document's address. */
  url?: string | null;
}

/** One row of a change list: what it is and where it was read. */
export interface ReportItem {
  unit: string;
  post: string;
  item: string;
  /** "文件 第 12 行（Sheet1!B7）". */
  where: string;
}

export interface ReportChange extends ReportItem {
  /** "牵头人 甲 → 乙", "流程图编号 1-2 → 1-3" … */
  changes: string[];
  /** A person changed (lead or assistants): called out on its own. */
  people: boolean;
}

/** What an admin sees before switching a version on: per unit and post, and against the version in use. */
export interface VersionReport {
  records: number;
  /** Records of the version it was compared with (the active one when it was made). */
  before: number;
  sources: SourceChange[];
  /** Sources of the base version no longer there. */
  removedSources: string[];
  units: { unit: string; records: number; posts: { post: string; records: number }[] }[];
  added: ReportItem[];
  removed: ReportItem[];
  changed: ReportChange[];
  /** Parse warnings, each with its file (and line or cell where the reader gave one). */
  warnings: string[];
  errors: string[];
  /** Why this version must not be switched on; null where it may. */
  refused: string | null;
}

/** A reading of manuals as a report needs it: a parse, or what an index built from the same files holds. */
export type Reading = Pick<CorpusLoad, 'manuals' | 'errors' | 'skipped'> & { records: Iterable<DutyRecord> };

const keyOf = (r: DutyRecord) => `${r.unit}\u0000${r.post}\u0000${r.item}`;

export function whereOf(r: DutyRecord): string {
  return `${r.source.file} 第 ${r.source.line} 行${r.source.ref ? `（${r.source.ref}）` : ''}`;
}

const itemOf = (r: DutyRecord): ReportItem => ({ unit: r.unit, post: r.post, item: r.item, where: whereOf(r) });

const names = (list: string[]) => (list.length ? list.join('、') : '（无）');
const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** The differences of two readings of one item, in words; people first. */
function differences(a: DutyRecord, b: DutyRecord): { changes: string[]; people: boolean } {
  const changes: string[] = [];
  let people = false;
  if (!sameList(a.lead, b.lead)) {
    changes.push(`牵头人 ${names(a.lead)} → ${names(b.lead)}`);
    people = true;
  }
  if (!sameList(a.assistants, b.assistants)) {
    changes.push(`辅助人员 ${names(a.assistants)} → ${names(b.assistants)}`);
    people = true;
  }
  if ((a.department ?? '') !== (b.department ?? '')) changes.push(`科室 ${a.department ?? '（无）'} → ${b.department ?? '（无）'}`);
  const codes = (r: DutyRecord) => r.flow?.codes ?? [];
  if (!sameList(codes(a), codes(b))) changes.push(`流程图编号 ${names(codes(a))} → ${names(codes(b))}`);
  else if (!sameList(a.flow?.steps ?? [], b.flow?.steps ?? [])) changes.push('办理步骤有修改');
  if ((a.timeLimit ?? '') !== (b.timeLimit ?? '')) changes.push(`时限 ${a.timeLimit ?? '（无）'} → ${b.timeLimit ?? '（无）'}`);
  if (!sameList(a.duties, b.duties)) changes.push('职责内容有修改');
  if (!sameList(a.responsibilities, b.responsibilities)) changes.push('责任内容有修改');
  return { changes, people };
}

/** Records by unit + post + item; a passage (unstructured text) has no such key and is only counted. */
function byKey(records: readonly DutyRecord[]): Map<string, DutyRecord> {
  const out = new Map<string, DutyRecord>();
  for (const r of records) if (r.kind !== 'passage' && !out.has(keyOf(r))) out.set(keyOf(r), r);
  return out;
}

/** Records per unit, and per post within it, in reading order. */
export function unitsOf(records: Iterable<DutyRecord>): VersionReport['units'] {
  const units = new Map<string, Map<string, number>>();
  for (const r of records) countUnit(units, r);
  return unitList(units);
}

function countUnit(units: Map<string, Map<string, number>>, r: DutyRecord): void {
  const posts = units.get(r.unit) ?? new Map<string, number>();
  units.set(r.unit, posts);
  const post = r.kind === 'passage' ? '（未分岗位的段落）' : r.post || '（未写岗位）';
  posts.set(post, (posts.get(post) ?? 0) + 1);
}

function unitList(units: Map<string, Map<string, number>>): VersionReport['units'] {
  return [...units].map(([unit, posts]) => ({
    unit,
    records: [...posts.values()].reduce((a, b) => a + b, 0),
    posts: [...posts].map(([post, records]) => ({ post, records })),
  }));
}

/**
 * The report of a new reading against the records in use: new, changed and removed items keyed by unit,
 * post and item; people changes called out; warnings and errors with where they are.
 */
export function buildReport(o: {
  before: readonly DutyRecord[];
  /** The new reading; its records are gone through once, so a stream from an index is never held whole. */
  after: Reading;
  sources: Omit<SourceChange, 'records' | 'warnings' | 'error'>[];
  removedSources: string[];
  refused: string | null;
}): VersionReport {
  const old = byKey(o.before);
  const seen = new Set<string>();
  const units = new Map<string, Map<string, number>>();
  let count = 0;
  const added: ReportItem[] = [];
  const changed: ReportChange[] = [];
  for (const r of o.after.records) {
    count++;
    countUnit(units, r);
    if (r.kind === 'passage') continue;
    const k = keyOf(r);
    if (seen.has(k)) continue;
    seen.add(k);
    const was = old.get(k);
    if (!was) {
      added.push(itemOf(r));
      continue;
    }
    const d = differences(was, r);
    if (d.changes.length > 0) changed.push({ ...itemOf(r), ...d });
  }
  const removed = [...old].filter(([k]) => !seen.has(k)).map(([, r]) => itemOf(r));
  const manual = new Map(o.after.manuals.map((m) => [m.file, m]));
  const failed = new Map(o.after.errors.map((e) => [e.file, e.reason]));
  const sources: SourceChange[] = o.sources.map((s) => ({
    ...s,
    records: manual.get(s.name)?.records ?? 0,
    warnings: manual.get(s.name)?.warnings ?? [],
    error: failed.get(s.name) ?? null,
  }));
  // Warnings of the sources this version adds or replaces; the kept ones were seen before.
  const fresh = new Set(sources.filter((s) => s.action !== 'kept').map((s) => s.name));
  const warnings = o.after.manuals.filter((m) => fresh.has(m.file)).flatMap((m) => m.warnings.map((w) => `${m.file}：${w}`));
  const errors = [...o.after.errors.map((e) => `${e.file}：${e.reason}`), ...(o.after.skipped ?? []).map((s) => `${s.file}：${s.reason}`)];
  return {
    records: count,
    before: o.before.length,
    sources,
    removedSources: o.removedSources,
    units: unitList(units),
    added,
    removed,
    // People first: that is what an admin checks.
    changed: [...changed.filter((c) => c.people), ...changed.filter((c) => !c.people)],
    warnings,
    errors,
    refused: o.refused,
  };
}

/** True when the report shows nothing new against the version in use. */
export function unchanged(r: VersionReport): boolean {
  return r.added.length === 0 && r.removed.length === 0 && r.changed.length === 0 && r.records === r.before;
}
