/**
 * Spreadsheets (.xlsx, legacy .xls) through SheetJS: one table per non-empty sheet, merges as spans, cell
 * text as Excel formats it. Title rows above the table (one cell alone in its row) become text blocks.
 */
import * as XLSX from '@e965/xlsx';
import { zipSync } from 'fflate';
import type { Block, Cell, DocModel, TextBlock } from '../document.js';
import { ManualParseError } from '../record.js';
import { settleCells } from './grid.js';
import { numberLines, tableBlock } from './model.js';
import { readZip } from './zip.js';

interface Rect {
  r0: number;
  c0: number;
  r1: number;
  c1: number;
}

function cellText(cell: XLSX.CellObject | undefined): string {
  if (!cell || cell.t === 'z') return '';
  let text: string;
  try {
    text = cell.w ?? XLSX.utils.format_cell(cell);
  } catch {
    text = cell.v === undefined || cell.v === null ? '' : String(cell.v);
  }
  return text.replace(/\r\n?/g, '\n').replace(/\s+$/, '');
}

/** The rows and columns that hold text, from the cells themselves (a stored `!ref` may be wrong). */
function usedRange(texts: Map<string, { r: number; c: number; text: string }>): Rect | null {
  let range: Rect | null = null;
  for (const { r, c } of texts.values()) {
    if (!range) range = { r0: r, c0: c, r1: r, c1: c };
    else {
      range.r0 = Math.min(range.r0, r);
      range.c0 = Math.min(range.c0, c);
      range.r1 = Math.max(range.r1, r);
      range.c1 = Math.max(range.c1, c);
    }
  }
  return range;
}

function readSheet(name: string, sheet: XLSX.WorkSheet): Block[] {
  const texts = new Map<string, { r: number; c: number; text: string }>();
  for (const key of Object.keys(sheet)) {
    if (key.startsWith('!')) continue;
    const text = cellText(sheet[key] as XLSX.CellObject);
    if (!text.trim()) continue;
    const { r, c } = XLSX.utils.decode_cell(key);
    texts.set(`${r},${c}`, { r, c, text });
  }
  const range = usedRange(texts);
  if (!range) return [];
  const merges: Rect[] = [];
  for (const m of (sheet['!merges'] ?? []) as XLSX.Range[]) {
    const rect = { r0: m.s.r, c0: m.s.c, r1: Math.min(m.e.r, range.r1), c1: Math.min(m.e.c, range.c1) };
    // A merge starting outside the used range holds no text; the part inside is plain empty slots.
    if (rect.r0 < range.r0 || rect.c0 < range.c0 || rect.r0 > range.r1 || rect.c0 > range.c1) continue;
    if (rect.r1 > rect.r0 || rect.c1 > rect.c0) merges.push(rect);
  }
  const anchors: Cell[] = merges.map((m) => ({
    text: texts.get(`${m.r0},${m.c0}`)?.text ?? '',
    r: m.r0,
    c: m.c0,
    rowSpan: m.r1 - m.r0 + 1,
    colSpan: m.c1 - m.c0 + 1,
  }));
  // Every text cell too: one covered by a kept merge is dropped when settling, while one under a merge that
  // loses to an overlapping merge keeps its text.
  for (const t of texts.values()) anchors.push({ text: t.text, r: t.r, c: t.c, rowSpan: 1, colSpan: 1 });
  const rows = range.r1 - range.r0 + 1;
  const cols = range.c1 - range.c0 + 1;
  const settled = settleCells(
    anchors.map((a) => ({ ...a, r: a.r - range.r0, c: a.c - range.c0 })),
    rows,
    cols,
  );

  // Title rows (docling #3727): leading rows whose only text is one cell, merged across or alone, above a table.
  const blocks: Block[] = [];
  let top = 0;
  while (top < rows) {
    const own = settled.cells.filter((cell) => cell.r === top && cell.text.trim());
    if (own.length === 0) {
      top++;
      continue;
    }
    if (own.length !== 1 || cols === 1) break;
    const cell = own[0]!;
    const ref = `${name}!${XLSX.utils.encode_cell({ r: cell.r + range.r0, c: cell.c + range.c0 })}`;
    const text = cell.text.replace(/\n+/g, ' ');
    blocks.push(cell.colSpan > 1 ? { kind: 'heading', text, level: 1, prov: { line: 0, ref } } : { kind: 'para', text, prov: { line: 0, ref } });
    top += cell.rowSpan;
  }
  // No table below them: the sheet is a column of lines, kept whole as a table so positions stay.
  if (top >= rows) {
    top = 0;
    blocks.length = 0;
  }
  const body = settleCells(
    settled.cells.filter((cell) => cell.r >= top).map((cell) => ({ ...cell, r: cell.r - top })),
    rows - top,
    cols,
  );
  blocks.push(tableBlock(body, (r) => `${name}!第${r + top + range.r0 + 1}行`, { sheet: name }));
  return blocks;
}

export function readSpreadsheet(file: string, bytes: Uint8Array, format: 'xlsx' | 'xls'): DocModel {
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) {
    // Inflate with fflate first (caps, clear errors) and give SheetJS a stored zip: SheetJS's own inflate
    // can loop forever on damaged deflate data.
    const { parts } = readZip(file, bytes, () => true, 'Excel 文件');
    bytes = zipSync(Object.fromEntries(parts), { level: 0 });
  }
  let wb: XLSX.WorkBook;
  try {
    wb = XLSX.read(bytes, { type: 'array', cellFormula: false, cellHTML: false, cellStyles: false, cellDates: false });
  } catch (err) {
    const msg = (err as Error).message;
    if (/password|encrypt/i.test(msg)) throw new ManualParseError(file, '表格文件有密码保护，请在 Excel/WPS 中取消密码后另存为 .xlsx 再上传');
    throw new ManualParseError(file, `表格文件无法读取（${msg.slice(0, 80)}），请在 Excel/WPS 中打开后另存为 .xlsx 再上传`);
  }
  const body: Block[] = [];
  const warnings: string[] = [];
  for (const name of wb.SheetNames) {
    const sheet = wb.Sheets[name];
    if (!sheet) continue;
    body.push(...readSheet(name, sheet));
  }
  if (body.length === 0) warnings.push('表格中没有读到任何文字');
  const title = body.find((b): b is TextBlock => b.kind === 'heading')?.text;
  return { file, format, title: title || undefined, body: numberLines(body), warnings };
}
