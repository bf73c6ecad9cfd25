/**
 * Spreadsheets (.xlsx, legacy .xls) through SheetJS: one table per non-empty sheet, merges as spans, cell
 * text as Excel formats it. Title rows above the table (one cell alone in its row) become text blocks.
 */
import * as XLSX from '@e965/xlsx';
import { zipSync } from 'fflate';
import type { Block, DocModel, TextBlock } from '../document.js';
import { ManualParseError } from '../record.js';
import { numberLines } from './model.js';
import { type SheetCellText, sheetBlocks } from './sheetBlocks.js';
import { readZip } from './zip.js';

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

function readSheet(name: string, sheet: XLSX.WorkSheet): Block[] {
  const texts: SheetCellText[] = [];
  for (const key of Object.keys(sheet)) {
    if (key.startsWith('!')) continue;
    const text = cellText(sheet[key] as XLSX.CellObject);
    if (!text.trim()) continue;
    const { r, c } = XLSX.utils.decode_cell(key);
    texts.push({ r, c, text });
  }
  const merges = ((sheet['!merges'] ?? []) as XLSX.Range[]).map((m) => ({ r0: m.s.r, c0: m.s.c, r1: m.e.r, c1: m.e.c }));
  return sheetBlocks(name, texts, merges);
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
