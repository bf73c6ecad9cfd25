/** CSV / TSV / semicolon-separated text: decoded like plain text, parsed by csv-parse (quoted commas and newlines). */
import { parse } from 'csv-parse/sync';
import type { DocModel } from '../document.js';
import { ManualParseError } from '../record.js';
import { decodeText } from './decode.js';
import { settleCells } from './grid.js';

const DELIMITERS = [',', '\t', ';', '|'] as const;

/** Counts of a delimiter per line outside quotes, over the first lines. */
function counts(text: string, d: string): number[] {
  const out: number[] = [];
  let n = 0;
  let quoted = false;
  for (let i = 0; i < text.length && out.length < 10; i++) {
    const ch = text[i];
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === d) n++;
    else if (!quoted && ch === '\n') {
      if (n > 0 || out.length > 0) out.push(n);
      n = 0;
    }
  }
  if (n > 0 && out.length < 10) out.push(n);
  return out;
}

/** The delimiter that splits the most lines into the same number of fields. */
export function sniffDelimiter(text: string, preferred = ','): string {
  let best = { d: preferred, lines: 0, fields: 0 };
  for (const d of [preferred, ...DELIMITERS.filter((x) => x !== preferred)]) {
    const tally = new Map<number, number>();
    for (const n of counts(text, d)) if (n > 0) tally.set(n, (tally.get(n) ?? 0) + 1);
    for (const [fields, lines] of tally) {
      if (lines > best.lines || (lines === best.lines && fields > best.fields)) best = { d, lines, fields };
    }
  }
  return best.d;
}

export function readCsv(file: string, bytes: Uint8Array): DocModel {
  const decoded = decodeText(bytes);
  const delimiter = sniffDelimiter(decoded.text, /\.tsv$/i.test(file) ? '\t' : ',');
  let parsed: { record: string[]; info: { lines: number } }[];
  try {
    parsed = parse(decoded.text, { delimiter, info: true, relax_column_count: true, relax_quotes: true, skip_empty_lines: true }) as unknown as typeof parsed;
  } catch (err) {
    throw new ManualParseError(file, `CSV 格式有误（${(err as Error).message}），请用 Excel/WPS 打开后另存为 .xlsx 或 UTF-8 的 .csv`);
  }
  const records = parsed.filter((p) => p.record.some((c) => c.trim() !== ''));
  const rows = records.map((p) => p.record);
  const cols = Math.max(0, ...rows.map((r) => r.length));
  const grid = settleCells(
    rows.flatMap((row, r) => row.map((text, c) => ({ text: text.replace(/\r\n?/g, '\n'), r, c, rowSpan: 1, colSpan: 1 }))),
    rows.length,
    cols,
  );
  const rowProv = records.map((p) => {
    const inner = p.record.reduce((n, cell) => n + (cell.match(/\n/g)?.length ?? 0), 0);
    const line = p.info.lines - inner;
    return { line, ref: `第${line}行` };
  });
  const warnings = [...decoded.warnings];
  if (delimiter !== ',' && !(delimiter === '\t' && /\.tsv$/i.test(file))) warnings.push(`分隔符按「${delimiter === '\t' ? 'TAB' : delimiter}」读取`);
  return {
    file,
    format: 'csv',
    body: rows.length ? [{ kind: 'table', rows: grid.rows, cols: grid.cols, cells: grid.cells, rowProv, prov: { ...rowProv[0]! } }] : [],
    warnings,
  };
}
