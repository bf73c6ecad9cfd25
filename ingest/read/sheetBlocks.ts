/**
 * One spreadsheet sheet as blocks, from its non-empty cells and merged ranges: shared by the Excel reader
 * and the Feishu Sheets reader. Title rows above the table (one cell alone in its row) become text blocks.
 */
import type { Block, Cell } from '../document.js';
import { settleCells } from './grid.js';
import { tableBlock } from './model.js';

/** A merged range, 0-based and inclusive at both ends. */
export interface Rect {
  r0: number;
  c0: number;
  r1: number;
  c1: number;
}

export interface SheetCellText {
  r: number;
  c: number;
  text: string;
}

/** Excel-style column letters: 0 → A, 25 → Z, 26 → AA. */
export function columnLetters(c: number): string {
  let s = '';
  for (let n = c + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

/** The rows and columns that hold text, from the cells themselves (a stored dimension may be wrong). */
function usedRange(texts: Iterable<SheetCellText>): Rect | null {
  let range: Rect | null = null;
  for (const { r, c } of texts) {
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

/**
 * The blocks of one sheet named `name`: leading title rows as headings (merged across) or paragraphs, then
 * one table; rows are referred to as `name!第7行` (1-based sheet rows), title cells as `name!A1`.
 * `texts` holds only cells with text (trailing spaces already trimmed).
 */
export function sheetBlocks(name: string, cellTexts: SheetCellText[], mergedRanges: Rect[]): Block[] {
  const texts = new Map<string, SheetCellText>();
  for (const t of cellTexts) if (t.text.trim()) texts.set(`${t.r},${t.c}`, t);
  const range = usedRange(texts.values());
  if (!range) return [];
  const merges: Rect[] = [];
  for (const m of mergedRanges) {
    const rect = { r0: m.r0, c0: m.c0, r1: Math.min(m.r1, range.r1), c1: Math.min(m.c1, range.c1) };
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
    const ref = `${name}!${columnLetters(cell.c + range.c0)}${cell.r + range.r0 + 1}`;
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
