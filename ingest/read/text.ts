/**
 * Plain text and Markdown. One DocLine per kept source line, with its 1-based line number and its raw text:
 * the line-based parsers read these files exactly as before. Tables: runs of TAB lines (cells are exactly
 * `split('\t')`), Markdown pipe tables, and, rarely, columns aligned with runs of spaces.
 */
import type { Block, DocModel, Prov, TableBlock } from '../document.js';
import { decodeText } from './decode.js';
import { settleCells } from './grid.js';

const HEADING = /^(#{1,6})[ \t]+\S/;
/** GFM: the delimiter row under the header, e.g. `|---|:---:|` or `--- | ---`. */
const PIPE_SEPARATOR = /^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/;
const SPACE_RUN = /[ \u3000]{2,}/;
const MIN_ALIGNED_LINES = 3;
const MIN_ALIGNED_COLS = 3;

export function isBlankLine(line: string): boolean {
  return !line.includes('\t') && line.trim() === '';
}

/** Source lines with the trailing \r removed, as the parsers have always split them. */
export function sourceLines(text: string): string[] {
  return text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

function rowsTable(rows: string[][], provs: Prov[]): TableBlock {
  const cols = Math.max(1, ...rows.map((r) => r.length));
  const cells = rows.flatMap((row, r) => row.map((text, c) => ({ text, r, c, rowSpan: 1, colSpan: 1 })));
  const grid = settleCells(cells, rows.length, cols);
  return { kind: 'table', rows: grid.rows, cols: grid.cols, cells: grid.cells, rowProv: provs, prov: { ...provs[0]! } };
}

function splitPipeRow(line: string): string[] {
  let s = line.trim();
  if (s.startsWith('|')) s = s.slice(1);
  if (s.endsWith('|') && !s.endsWith('\\|')) s = s.slice(0, -1);
  return s.split(/(?<!\\)\|/).map((c) => c.trim().replace(/\\\|/g, '|'));
}

/** Display width: CJK and full-width forms take two columns in a monospaced editor. */
function width(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u1100-\u115F\u2E80-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6\u{20000}-\u{3FFFD}]/u.test(ch) ? 2 : 1;
  return w;
}

/** Cells of a space-aligned line with each cell's starting display column. */
function spaceColumns(line: string): { cells: string[]; starts: number[] } | null {
  const cells: string[] = [];
  const starts: number[] = [];
  const re = new RegExp(SPACE_RUN.source, 'g');
  const lead = line.length - line.trimStart().length;
  const body = line.slice(lead);
  let last = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(body))) {
    if (m.index > last) {
      cells.push(body.slice(last, m.index));
      starts.push(width(line.slice(0, lead + last)));
    }
    last = m.index + m[0].length;
  }
  const rest = body.slice(last).trimEnd();
  if (rest) {
    cells.push(rest);
    starts.push(width(line.slice(0, lead + last)));
  }
  return cells.length >= MIN_ALIGNED_COLS ? { cells, starts } : null;
}

function aligned(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((s, i) => Math.abs(s - b[i]!) <= 1);
}

export function readTextLines(text: string): Block[] {
  const lines = sourceLines(text);
  const body: Block[] = [];
  const prov = (i: number): Prov => ({ line: i + 1 });
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (isBlankLine(line)) {
      i++;
      continue;
    }
    if (line.includes('\t')) {
      const rows: string[][] = [];
      const provs: Prov[] = [];
      while (i < lines.length && lines[i]!.includes('\t')) {
        rows.push(lines[i]!.split('\t'));
        provs.push(prov(i));
        i++;
      }
      body.push(rowsTable(rows, provs));
      continue;
    }
    const next = lines[i + 1];
    if (line.includes('|') && next !== undefined && next.includes('|') && next.includes('-') && PIPE_SEPARATOR.test(next)) {
      const rows = [splitPipeRow(line)];
      const provs = [prov(i)];
      i += 2;
      while (i < lines.length && lines[i]!.includes('|') && !isBlankLine(lines[i]!) && !lines[i]!.includes('\t')) {
        rows.push(splitPipeRow(lines[i]!));
        provs.push(prov(i));
        i++;
      }
      const table = rowsTable(rows, provs);
      table.headerRows = 1;
      body.push(table);
      continue;
    }
    const first = spaceColumns(line);
    if (first) {
      let j = i + 1;
      const run = [first];
      while (j < lines.length && !lines[j]!.includes('\t')) {
        const next = spaceColumns(lines[j]!);
        if (!next || !aligned(next.starts, first.starts)) break;
        run.push(next);
        j++;
      }
      if (run.length >= MIN_ALIGNED_LINES) {
        body.push(rowsTable(run.map((r) => r.cells), run.map((_, k) => prov(i + k))));
        i = j;
        continue;
      }
    }
    // Headings keep their raw line (with the #s) so the text parsers read the same line as always.
    const heading = HEADING.exec(line);
    if (heading) body.push({ kind: 'heading', text: line, level: heading[1]!.length, prov: prov(i) });
    else body.push({ kind: 'para', text: line, prov: prov(i) });
    i++;
  }
  return body;
}

export function readText(file: string, bytes: Uint8Array, format: 'txt' | 'md'): DocModel {
  const decoded = decodeText(bytes);
  return { file, format, body: readTextLines(decoded.text), warnings: decoded.warnings };
}
