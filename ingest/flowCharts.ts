import type { DutyRecord } from './record.js';
import { FLOW_CODE } from './text.js';

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

function dice(a: string, b: string): number {
  const x = bigrams(a);
  const y = new Set(bigrams(b));
  if (x.length === 0 || y.size === 0) return 0;
  const common = new Set(x.filter((g) => y.has(g))).size;
  return (2 * common) / (new Set(x).size + y.size);
}

function containment(a: string, text: string): number {
  const x = [...new Set(bigrams(a))];
  return x.length === 0 ? 0 : x.filter((g) => text.includes(g)).length / x.length;
}

const titleCore = (title: string) => title.replace(/(?:工作)?(?:流程图|办理流程|工作流程)$/, '');
const itemCore = (item: string) => item.replace(/^[一二三四五六七八九十]+、/, '').replace(/工作$/, '');

/**
 * Attaches chart titles to the rows' flow codes. A chart whose printed code is a row code takes it;
 * a chart with no code, or a code no row has, is matched to a row by title; failing that, a chart with no
 * code takes the next untitled row code in document order when the row's text bears its title out.
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
  let pointer = 0;
  let seenCoded = false;

  for (const chart of charts) {
    if (chart.code && owners.has(chart.code)) {
      if (!titles.has(chart.code)) titles.set(chart.code, chart.title);
      pointer = order.indexOf(chart.code) + 1;
      seenCoded = true;
      continue;
    }
    const core = titleCore(chart.title);
    let best: { code: string; score: number } | null = null;
    for (const [code, r] of owners) {
      if (titles.has(code)) continue;
      const score = dice(core, itemCore(r.item));
      if (score >= 0.5 && (!best || score > best.score)) best = { code, score };
    }
    if (best) {
      titles.set(best.code, chart.title);
      if (chart.code) warnings.push(`流程图“${chart.code} ${chart.title}”（第${chart.line}行）的编号不在表中，按标题对应到 ${best.code}`);
      continue;
    }
    if (!chart.code) {
      const next = order.slice(pointer).find((c) => !titles.has(c));
      const owner = next ? owners.get(next) : undefined;
      const body = owner ? [owner.item, ...owner.duties, ...owner.responsibilities].join(' ') : '';
      if (next && (!seenCoded || containment(core, body) >= 0.5)) {
        titles.set(next, chart.title);
        pointer = order.indexOf(next) + 1;
        continue;
      }
    }
    warnings.push(`流程图“${chart.code ? chart.code + ' ' : ''}${chart.title}”（第${chart.line}行）没有对应的表格行`);
  }

  for (const r of records) {
    if (r.flow) r.flow.titles = r.flow.codes.map((c) => titles.get(c) ?? '').filter(Boolean);
  }
}
