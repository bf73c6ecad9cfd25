/**
 * A Feishu spreadsheet → DocModel, from the sheet list (`sheets/v3/…/sheets/query`: titles and merges) and
 * the cell values (`sheets/v2/…/values/:range`), read the same way as an Excel workbook: one table per
 * sheet, merges as spans, title rows as headings, rows referred to as `Sheet1!第7行`. Pure: no I/O.
 */
import type { Block, DocModel, TextBlock } from '../document.js';
import { numberLines } from './model.js';
import { type Rect, type SheetCellText, sheetBlocks } from './sheetBlocks.js';

/** A rich-text segment of a cell: `{type:'text'|'mention'|'url'|…, text, link?, segmentStyle?}`. */
export interface SheetSegment {
  type?: string;
  text?: string;
  link?: string;
  [key: string]: unknown;
}

/** A cell as `valueRange.values` holds it: plain value, one segment object, or a list of segments. */
export type SheetCell = string | number | boolean | null | undefined | SheetSegment | SheetSegment[];

/** A merged range as the v3 sheet list gives it: 0-based, end indices inclusive. */
export interface SheetMerge {
  start_row_index: number;
  end_row_index: number;
  start_column_index: number;
  end_column_index: number;
}

export interface FeishuSheetData {
  title: string;
  /** Rows from the sheet's first row (A1), each from column A. */
  values: SheetCell[][];
  merges?: SheetMerge[];
}

function segmentText(seg: SheetSegment): string {
  if (typeof seg.text !== 'string') return '';
  // A mention's text is the person or document as shown, with the "@" the sheet draws in front.
  return seg.type === 'mention' ? seg.text.replace(/^@/, '') : seg.text;
}

/** A cell's text as shown: segments joined, numbers and booleans as printed, images and empty cells "". */
export function sheetCellText(cell: SheetCell): string {
  let text: string;
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'string') text = cell;
  else if (typeof cell === 'number') text = Number.isFinite(cell) ? String(cell) : '';
  else if (typeof cell === 'boolean') text = cell ? 'TRUE' : 'FALSE';
  else if (Array.isArray(cell)) text = cell.map((s) => (s && typeof s === 'object' ? segmentText(s) : s == null ? '' : String(s))).join('');
  else if (typeof cell === 'object') text = segmentText(cell);
  else text = '';
  return text.replace(/\r\n?/g, '\n').replace(/\s+$/, '');
}

/** The blocks of one sheet. */
export function feishuSheetBlocks(sheet: FeishuSheetData): Block[] {
  const texts: SheetCellText[] = [];
  sheet.values.forEach((row, r) =>
    (row ?? []).forEach((cell, c) => {
      const text = sheetCellText(cell);
      if (text.trim()) texts.push({ r, c, text });
    }),
  );
  const merges: Rect[] = (sheet.merges ?? []).map((m) => ({
    r0: m.start_row_index,
    c0: m.start_column_index,
    r1: m.end_row_index,
    c1: m.end_column_index,
  }));
  return sheetBlocks(sheet.title, texts, merges);
}

/** The spreadsheet as a DocModel; `file` names it in records and references. */
export function feishuSheetsToModel(file: string, sheets: FeishuSheetData[], warnings: string[] = []): DocModel {
  const body: Block[] = [];
  for (const sheet of sheets) body.push(...feishuSheetBlocks(sheet));
  if (body.length === 0) warnings.push('表格中没有读到任何文字');
  const title = body.find((b): b is TextBlock => b.kind === 'heading')?.text;
  return { file, format: 'feishu', title: title || undefined, body: numberLines(body), warnings };
}
