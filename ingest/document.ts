/**
 * The document model every reader produces and every layout recogniser reads. Readers only report what
 * the source says (text, table cells with their spans, headings the source styled); meaning is found later.
 */

export type DocFormat = 'txt' | 'md' | 'csv' | 'html' | 'docx' | 'xlsx' | 'xls' | 'pdf' | 'feishu';

/** Where a block or row came from: a line number always (1-based, in reading order), plus a page or cell ref. */
export interface Prov {
  /** 1-based line in the text file; for other formats the running line of `docLines`, stable per file. */
  line: number;
  page?: number;
  /** Human-readable location: "表2 第7行", "Sheet1!B7", "第3页". */
  ref?: string;
}

export interface Cell {
  /** Cleaned text (spaces inside kept as the source has them; newlines inside a cell become "\n"). */
  text: string;
  r: number;
  c: number;
  rowSpan: number;
  colSpan: number;
}

export interface TableBlock {
  kind: 'table';
  rows: number;
  cols: number;
  /** Anchor cells only; a merged cell appears once, at its top-left slot, with its spans. */
  cells: Cell[];
  /** The source's own header hint (Word tblHeader, HTML th, Feishu header_row): header rows at the top. */
  headerRows?: number;
  caption?: string;
  /** Provenance of each row, same length as `rows`. */
  rowProv: Prov[];
  prov: Prov;
  /** Sheet name for spreadsheets. */
  sheet?: string;
}

export interface TextBlock {
  kind: 'heading' | 'para';
  text: string;
  /** Heading level where the source styled it (Word outline level, Markdown #, HTML h1–h6). */
  level?: number;
  /** A rendered auto-number the text itself does not carry (Word numbering.xml): "第一条", "（一）". */
  marker?: string;
  prov: Prov;
}

export type Block = TableBlock | TextBlock;

export interface DocModel {
  file: string;
  format: DocFormat;
  title?: string;
  body: Block[];
  /** Notes for the operator: "按 GB18030 读取", "第 3 页没有文字层（可能是扫描件）". */
  warnings: string[];
}

/** One line as the layout recognisers walk it: a paragraph, or a table row with its cells. */
export interface DocLine {
  /** The line's text; for a table row, its cells joined by tabs. */
  text: string;
  /** Table rows only: one entry per grid column; a slot covered by a merge above or to the left is "". */
  cells?: string[];
  /** Table rows only: true for slots covered by a vertical merge from the row above. */
  merged?: boolean[];
  /** Table rows only: which table of the document (0-based) and which row of it. */
  table?: { index: number; row: number; headerRows?: number };
  heading?: number;
  prov: Prov;
}

/** Dense grid of a table: each slot holds its anchor cell's text at the anchor and "" where covered. */
export function tableGrid(t: TableBlock): { text: string[][]; covered: boolean[][]; vertical: boolean[][] } {
  const text = Array.from({ length: t.rows }, () => Array<string>(t.cols).fill(''));
  const covered = Array.from({ length: t.rows }, () => Array<boolean>(t.cols).fill(false));
  const vertical = Array.from({ length: t.rows }, () => Array<boolean>(t.cols).fill(false));
  for (const cell of t.cells) {
    if (cell.r >= t.rows || cell.c >= t.cols) continue;
    text[cell.r]![cell.c] = cell.text;
    for (let r = cell.r; r < Math.min(t.rows, cell.r + cell.rowSpan); r++) {
      for (let c = cell.c; c < Math.min(t.cols, cell.c + cell.colSpan); c++) {
        if (r === cell.r && c === cell.c) continue;
        covered[r]![c] = true;
        if (r > cell.r) vertical[r]![c] = true;
      }
    }
  }
  return { text, covered, vertical };
}

/** The document as lines in reading order: what the line-based layout recognisers consume. */
export function docLines(doc: DocModel): DocLine[] {
  const out: DocLine[] = [];
  let tableIndex = 0;
  for (const block of doc.body) {
    if (block.kind === 'table') {
      const grid = tableGrid(block);
      for (let r = 0; r < block.rows; r++) {
        const cells = grid.text[r]!.map((c) => c.replace(/\n+/g, ' '));
        out.push({
          text: cells.join('\t'),
          cells,
          merged: grid.vertical[r],
          table: { index: tableIndex, row: r, headerRows: block.headerRows },
          prov: block.rowProv[r] ?? block.prov,
        });
      }
      tableIndex++;
    } else {
      const text = block.marker ? `${block.marker}${/[、．.]$/.test(block.marker) ? '' : ' '}${block.text}` : block.text;
      out.push({ text, heading: block.kind === 'heading' ? (block.level ?? 1) : undefined, prov: block.prov });
    }
  }
  return out;
}
