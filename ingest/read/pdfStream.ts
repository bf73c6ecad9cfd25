/** Unruled ("stream") tables: columns from x-gaps that no line's text crosses, when several lines agree. */
import { type Line, type Run, joinPieces, lineText, runRight } from './pdfRuns.js';

export interface StreamTable {
  /** Index of the first and one past the last line of `lines` the table takes. */
  start: number;
  end: number;
  cols: number;
  xs: number[];
  rows: string[][];
}

/** Pieces of a line separated by wide gaps (wider than about one character). */
function segments(line: Line): { a: number; b: number; runs: Run[] }[] {
  const out: { a: number; b: number; runs: Run[] }[] = [];
  for (const r of line.runs) {
    const last = out[out.length - 1];
    if (last && r.x - last.b < 1.2 * r.size) {
      last.runs.push(r);
      last.b = Math.max(last.b, runRight(r));
    } else out.push({ a: r.x, b: runRight(r), runs: [r] });
  }
  return out;
}

const MIN_ROWS = 3;

export function findStreamTables(lines: Line[]): StreamTable[] {
  const segs = lines.map(segments);
  const tables: StreamTable[] = [];
  let i = 0;
  while (i < lines.length) {
    if (segs[i]!.length < 2) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < lines.length && segs[j]!.length >= 2 && lines[j - 1]!.y - lines[j]!.y <= 2.5 * lines[j]!.size) j++;
    const table = j - i >= MIN_ROWS ? columnsOf(lines, segs, i, j) : null;
    if (table) {
      // Wrapped cell text: a following one-piece line close below that sits inside one non-first column.
      let end = j;
      while (end < lines.length && segs[end]!.length === 1 && lines[end - 1]!.y - lines[end]!.y <= 1.6 * lines[end]!.size) {
        const s = segs[end]![0]!;
        const col = columnOf(table.xs, s.a, s.b);
        if (col <= 0) break;
        const row = table.rows[table.rows.length - 1]!;
        row[col] = joinPieces(row[col]!, lineText(s.runs));
        end++;
      }
      tables.push({ ...table, start: i, end });
      i = end;
    } else i = j;
  }
  return tables;
}

function columnOf(xs: number[], a: number, b: number): number {
  for (let c = 0; c + 1 < xs.length; c++) if (a >= xs[c]! - 1 && b <= xs[c + 1]! + 1) return c;
  return -1;
}

function columnsOf(lines: Line[], segs: ReturnType<typeof segments>[], i: number, j: number): Omit<StreamTable, 'start' | 'end'> | null {
  const spans = segs.slice(i, j).flat().map((s) => [s.a, s.b] as [number, number]).sort((p, q) => p[0] - q[0]);
  const size = Math.min(...lines.slice(i, j).map((l) => l.size));
  const covered: [number, number][] = [];
  for (const [a, b] of spans) {
    const last = covered[covered.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else covered.push([a, b]);
  }
  const gaps: number[] = [];
  for (let k = 1; k < covered.length; k++) if (covered[k]![0] - covered[k - 1]![1] >= size) gaps.push((covered[k]![0] + covered[k - 1]![1]) / 2);
  if (gaps.length === 0) return null;
  const xs = [covered[0]![0], ...gaps, covered[covered.length - 1]![1]];
  const cols = xs.length - 1;
  const rows: string[][] = [];
  let multi = 0;
  for (let k = i; k < j; k++) {
    const row = Array<string>(cols).fill('');
    const used = new Set<number>();
    for (const s of segs[k]!) {
      const mid = (s.a + s.b) / 2;
      let c = 0;
      while (c + 1 < cols && mid > xs[c + 1]!) c++;
      row[c] = row[c] ? `${row[c]} ${lineText(s.runs)}` : lineText(s.runs);
      used.add(c);
    }
    if (used.size >= 2) multi++;
    rows.push(row);
  }
  if (multi * 3 < (j - i) * 2) return null;
  return { cols, xs, rows };
}
