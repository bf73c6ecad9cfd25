/** Small builders shared by the readers: table blocks and running line numbers. */
import type { Block, Cell, Prov, TableBlock } from '../document.js';

/** A table block from a settled grid; `rowRef(r)` names each row ("表2 第7行", "Sheet1!第7行"). */
export function tableBlock(
  grid: { rows: number; cols: number; cells: Cell[] },
  rowRef: (r: number) => string,
  extra: Partial<Pick<TableBlock, 'headerRows' | 'caption' | 'sheet'>> = {},
): TableBlock {
  const rowProv: Prov[] = Array.from({ length: grid.rows }, (_, r) => ({ line: 0, ref: rowRef(r) }));
  const block: TableBlock = { kind: 'table', rows: grid.rows, cols: grid.cols, cells: grid.cells, rowProv, prov: { line: 0, ref: rowRef(0) } };
  if (extra.headerRows) block.headerRows = extra.headerRows;
  if (extra.caption) block.caption = extra.caption;
  if (extra.sheet !== undefined) block.sheet = extra.sheet;
  return block;
}

/**
 * Gives every paragraph and table row its running line (1-based, the order `docLines` walks), for formats
 * without source lines of their own.
 */
export function numberLines(body: Block[]): Block[] {
  let line = 0;
  for (const block of body) {
    if (block.kind === 'table') {
      block.rowProv.forEach((p) => (p.line = ++line));
      block.prov.line = block.rowProv[0]?.line ?? line;
    } else {
      block.prov.line = ++line;
    }
  }
  return body;
}

/** Splits text on newlines into lines worth keeping (blank ones dropped). */
export function nonBlankLines(text: string): string[] {
  return text.split(/\r?\n/).filter((l) => l.trim() !== '');
}
