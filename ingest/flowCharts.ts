import type { DutyRecord } from './record.js';
import { FLOW_CODE, stepsFromResponsibilities } from './text.js';

/** One chart of a manual's chart section: the image is gone, its code (if printed) and title remain. */
export interface ChartEntry {
  code: string | null;
  title: string;
  line: number;
}

const TITLE_LINE = /^#{0,4}\s*(.{2,60}?(?:流程图|办理流程|工作流程|workflows?\s*图))\s*$/i;

/** Title of a chart-section line, or null. Repairs "出纳管理 workflows 图" to "出纳管理流程图". */
export function chartTitle(line: string): string | null {
  if (line.includes('\t')) return null;
  const m = TITLE_LINE.exec(line.trim());
  if (!m) return null;
  return m[1]!.replace(/\s*workflows?\s*图$/i, '流程图').replace(/\s+/g, '').trim();
}

export function chartCode(line: string): string | null {
  const t = line.trim();
  return FLOW_CODE.test(t) ? t : null;
}

/** The chart section: each code line names the chart whose title follows it. */
export function collectCharts(lines: string[], fromIndex: number, toIndex: number, lineNumbers?: number[]): ChartEntry[] {
  const charts: ChartEntry[] = [];
  let pendingCode: string | null = null;
  for (let i = fromIndex; i < toIndex; i++) {
    const line = lines[i] ?? '';
    const code = chartCode(line);
    if (code) {
      pendingCode = code;
      continue;
    }
    const title = chartTitle(line);
    if (title) {
      charts.push({ code: pendingCode, title, line: lineNumbers?.[i] ?? i + 1 });
      pendingCode = null;
    }
  }
  return charts;
}

function bigrams(text: string): string[] {
  const t = text.replace(/[^\u4e00-\u9fa5A-Za-z0-9]/g, '');
  const out: string[] = [];
  for (let i = 0; i + 1 < t.length; i++) out.push(t.slice(i, i + 2));
  return out;
}

/** Distinct bigrams per text: chart titles and duty lines come back for every row and chart of a manual, and across manuals. */
const gramSets = new Map<string, Set<string>>();
function gramSet(text: string): Set<string> {
  let set = gramSets.get(text);
  if (!set) {
    if (gramSets.size >= 50_000) gramSets.clear();
    gramSets.set(text, (set = new Set(bigrams(text))));
  }
  return set;
}

function dice(a: string, b: string): number {
  const x = gramSet(a);
  const y = gramSet(b);
  if (x.size === 0 || y.size === 0) return 0;
  let common = 0;
  for (const g of x) if (y.has(g)) common++;
  return (2 * common) / (x.size + y.size);
}

function containment(a: string, text: string): number {
  const x = gramSet(a);
  if (x.size === 0) return 0;
  let found = 0;
  for (const g of x) if (text.includes(g)) found++;
  return found / x.size;
}

// Words every chart title carries; they say nothing about which row it charts.
const GENERIC_TITLE = /(?:工作)?(?:办理流程图?|工作流程图?|流程图|审批流程|管理流程|流程)$/;
export const titleCore = (title: string) => title.replace(/\s+/g, '').replace(GENERIC_TITLE, '');
const itemCore = (item: string) => item.replace(/^[一二三四五六七八九十]+、/, '').replace(/^负责/, '').replace(/工作$/, '');
const bodyOf = (r: DutyRecord) => [r.item, ...r.duties, ...r.responsibilities].join(' ').replace(/\s+/g, '');

/**
 * How well a chart title names a row: bigram Dice against the item, or against the best single duty,
 * or the share of the title's bigrams found anywhere in the row's text (a chart often names what one
 * duty line says: "林木采伐与运输、林地使用监管" under "森林资源管理和保护").
 */
export function titleSimilarity(title: string, r: DutyRecord): number {
  const core = titleCore(title);
  const item = dice(core, itemCore(r.item));
  const duty = Math.max(0, ...r.duties.map((d) => dice(core, d)));
  const covered = containment(core, bodyOf(r));
  return Math.max(item, duty, covered >= 0.6 ? covered * 0.8 : 0);
}

/** Accept a title match at this similarity: the level where an item and a chart name the same work. */
const MATCH = 0.5;

/**
 * Attaches chart titles to the rows' flow codes. A chart whose printed code is a row code takes it;
 * a chart with a code no row has is matched to a coded row by title. A chart with no code is matched by
 * title similarity to a row between the rows of its coded neighbours in the chart section (charts follow
 * the table's order), coded or not; failing that, it takes the next untitled row code in document order
 * when the row's text bears its title out. A row with no code that a chart matches gets the title alone.
 */
export function alignCharts(records: DutyRecord[], charts: ChartEntry[], warnings: string[]): void {
  const owners = new Map<string, DutyRecord>();
  const order: string[] = [];
  for (const r of records) {
    for (const code of r.flow?.codes ?? []) {
      if (!owners.has(code)) {
        owners.set(code, r);
        order.push(code);
      }
    }
  }
  const titles = new Map<string, string>();
  const uncodedTitles = new Map<DutyRecord, string[]>();
  let pointer = 0;
  let seenCoded = false;
  // Index in `records` of the row the last placed chart went to: uncoded charts come after it.
  let lastRow = -1;
  const rowIndex = (r: DutyRecord) => records.indexOf(r);
  const nextCodedRow = (from: number) => {
    for (let j = from + 1; j < charts.length; j++) {
      const code = charts[j]!.code;
      if (code && owners.has(code)) return rowIndex(owners.get(code)!);
    }
    return records.length - 1;
  };
  const matched = (chart: ChartEntry, how: string, where: string) =>
    warnings.push(`流程图“${chart.code ? chart.code + ' ' : ''}${chart.title}”（第${chart.line}行）没有编号，${how}对应到“${where}”`);

  charts.forEach((chart, k) => {
    if (chart.code && owners.has(chart.code)) {
      if (!titles.has(chart.code)) titles.set(chart.code, chart.title);
      pointer = order.indexOf(chart.code) + 1;
      lastRow = rowIndex(owners.get(chart.code)!);
      seenCoded = true;
      return;
    }
    const core = titleCore(chart.title);
    if (chart.code) {
      let best: { code: string; score: number } | null = null;
      for (const [code, r] of owners) {
        if (titles.has(code)) continue;
        const score = dice(core, itemCore(r.item));
        if (score >= MATCH && (!best || score > best.score)) best = { code, score };
      }
      if (best) {
        titles.set(best.code, chart.title);
        warnings.push(`流程图“${chart.code} ${chart.title}”（第${chart.line}行）的编号不在表中，按标题对应到 ${best.code}`);
      } else {
        warnings.push(`流程图“${chart.code} ${chart.title}”（第${chart.line}行）没有对应的表格行`);
      }
      return;
    }
    const upTo = nextCodedRow(k);
    let best: { r: DutyRecord; code: string | null; score: number } | null = null;
    records.forEach((r, i) => {
      if (i < lastRow || i > upTo || r.kind === 'passage') return;
      const code = r.flow?.codes.find((c) => owners.get(c) === r && !titles.has(c)) ?? null;
      if (!code && ((r.flow?.codes.length ?? 0) > 0 || uncodedTitles.has(r))) return;
      const score = titleSimilarity(chart.title, r);
      if (score >= MATCH && (!best || score > best.score)) best = { r, code, score };
    });
    if (best) {
      const { r, code } = best as { r: DutyRecord; code: string | null };
      if (code) {
        titles.set(code, chart.title);
        pointer = Math.max(pointer, order.indexOf(code) + 1);
      } else {
        uncodedTitles.set(r, [chart.title]);
        matched(chart, '按标题', r.item);
      }
      lastRow = rowIndex(r);
      return;
    }
    const next = order.slice(pointer).find((c) => !titles.has(c));
    const owner = next ? owners.get(next) : undefined;
    if (next && owner && (!seenCoded || containment(core, bodyOf(owner)) >= 0.5)) {
      titles.set(next, chart.title);
      pointer = order.indexOf(next) + 1;
      lastRow = rowIndex(owner);
      return;
    }
    warnings.push(`流程图“${chart.title}”（第${chart.line}行）没有对应的表格行`);
  });

  for (const r of records) {
    if (r.flow) r.flow.titles = r.flow.codes.map((c) => titles.get(c) ?? '').filter(Boolean);
    const own = uncodedTitles.get(r);
    if (own) {
      if (r.flow) r.flow.titles = own;
      else r.flow = { codes: [], titles: own, steps: stepsFromResponsibilities(r.responsibilities), subflows: [] };
    }
  }
}

/** Chart codes with their titles ("3-2-1 档案借阅审批流程图"); titles alone where the row has no code. */
export function chartLabels(flow: { codes: readonly string[]; titles: readonly string[] }): string[] {
  if (flow.codes.length === 0) return [...flow.titles];
  return flow.codes.map((c, i) => (flow.titles[i] ? `${c} ${flow.titles[i]}` : c));
}
