/**
 * Table grids shared by every reader: HTML-style row layout (rowspan/colspan), and settling a set of
 * anchor cells into a clean grid where each slot is covered exactly once.
 */
import type { Cell, TableBlock } from '../document.js';

/** A cell as a source row lists it: text plus the spans it asks for. */
export interface SourceCell {
  text: string;
  rowSpan?: number;
  colSpan?: number;
}

/** Spans past this are source errors (HTML caps colspan at 1000, rowspan at 65534). */
const MAX_SPAN = 1000;

function span(n: number | undefined): number {
  return Number.isFinite(n) && n! >= 1 ? Math.min(Math.floor(n!), MAX_SPAN) : 1;
}

/**
 * Lays rows out the way the HTML table model does: each row fills from the left, skipping slots taken by
 * rowspans from rows above; a rowspan of 0 runs to the end of the table. Spans are clamped to the table.
 */
export function layoutRows(rows: SourceCell[][]): { rows: number; cols: number; cells: Cell[] } {
  const taken: boolean[][] = [];
  const isTaken = (r: number, c: number) => taken[r]?.[c] === true;
  const take = (r: number, c: number) => {
    (taken[r] ??= [])[c] = true;
  };
  const cells: Cell[] = [];
  const nRows = rows.length;
  rows.forEach((row, r) => {
    let c = 0;
    for (const src of row) {
      while (isTaken(r, c)) c++;
      let colSpan = span(src.colSpan);
      // A colspan running into a slot held by a rowspan from above is cut there (HTML "table model error").
      for (let k = 1; k < colSpan; k++) {
        if (isTaken(r, c + k)) {
          colSpan = k;
          break;
        }
      }
      const rowSpan = src.rowSpan === 0 ? nRows - r : Math.min(span(src.rowSpan), nRows - r);
      for (let rr = r; rr < r + rowSpan; rr++) for (let cc = c; cc < c + colSpan; cc++) take(rr, cc);
      cells.push({ text: src.text, r, c, rowSpan, colSpan });
      c += colSpan;
    }
  });
  // Columns that only a wide colspan reaches (<td colspan="9"> in a 4-column table) are not real columns.
  const cols = Math.max(0, ...cells.map((cell) => cell.c + 1));
  return settleCells(cells, nRows, cols);
}

/**
 * Makes a grid out of anchor cells that may overlap or leave holes (overlapping spreadsheet merges,
 * broken Word vMerge chains): cells are taken in reading order; a cell whose anchor slot is already covered
 * is dropped (its text joins the covering cell's when that cell has none); a span that would overlap is cut
 * to the largest rectangle that fits; every uncovered slot gets an empty 1×1 cell.
 */
export function settleCells(cells: Cell[], rows?: number, cols?: number): { rows: number; cols: number; cells: Cell[] } {
  const nRows = rows ?? Math.max(0, ...cells.map((c) => c.r + 1));
  const nCols = cols ?? Math.max(0, ...cells.map((c) => c.c + 1));
  const owner: (Cell | undefined)[][] = Array.from({ length: nRows }, () => Array<Cell | undefined>(nCols).fill(undefined));
  const sorted = [...cells].sort((a, b) => a.r - b.r || a.c - b.c);
  const out: Cell[] = [];
  for (const cell of sorted) {
    if (cell.r < 0 || cell.c < 0 || cell.r >= nRows || cell.c >= nCols) continue;
    const holder = owner[cell.r]![cell.c];
    if (holder) {
      if (!holder.text && cell.text) holder.text = cell.text.replace(/\t/g, ' ');
      continue;
    }
    let colSpan = Math.min(span(cell.colSpan), nCols - cell.c);
    for (let k = 1; k < colSpan; k++) {
      if (owner[cell.r]![cell.c + k]) {
        colSpan = k;
        break;
      }
    }
    let rowSpan = Math.min(span(cell.rowSpan), nRows - cell.r);
    for (let rr = cell.r + 1; rr < cell.r + rowSpan; rr++) {
      if (owner[rr]!.slice(cell.c, cell.c + colSpan).some(Boolean)) {
        rowSpan = rr - cell.r;
        break;
      }
    }
    // A tab inside a cell would shift the columns of the tab-joined DocLine.
    const placed: Cell = { text: cell.text.replace(/\t/g, ' '), r: cell.r, c: cell.c, rowSpan, colSpan };
    for (let rr = cell.r; rr < cell.r + rowSpan; rr++) for (let cc = cell.c; cc < cell.c + colSpan; cc++) owner[rr]![cc] = placed;
    out.push(placed);
  }
  for (let r = 0; r < nRows; r++) {
    for (let c = 0; c < nCols; c++) {
      if (!owner[r]![c]) {
        const hole: Cell = { text: '', r, c, rowSpan: 1, colSpan: 1 };
        owner[r]![c] = hole;
        out.push(hole);
      }
    }
  }
  out.sort((a, b) => a.r - b.r || a.c - b.c);
  return { rows: nRows, cols: nCols, cells: out };
}

/** What is wrong with a table's grid: slots covered twice or never, spans outside the grid. Empty when sound. */
export function gridProblems(t: Pick<TableBlock, 'rows' | 'cols' | 'cells'>): string[] {
  const problems: string[] = [];
  const count = Array.from({ length: t.rows }, () => Array<number>(t.cols).fill(0));
  for (const cell of t.cells) {
    if (cell.rowSpan < 1 || cell.colSpan < 1) problems.push(`cell ${cell.r},${cell.c} has span ${cell.rowSpan}×${cell.colSpan}`);
    if (cell.r < 0 || cell.c < 0 || cell.r + cell.rowSpan > t.rows || cell.c + cell.colSpan > t.cols) {
      problems.push(`cell ${cell.r},${cell.c} (${cell.rowSpan}×${cell.colSpan}) leaves the ${t.rows}×${t.cols} grid`);
      continue;
    }
    for (let r = cell.r; r < cell.r + cell.rowSpan; r++) for (let c = cell.c; c < cell.c + cell.colSpan; c++) count[r]![c]!++;
  }
  count.forEach((row, r) =>
    row.forEach((n, c) => {
      if (n !== 1) problems.push(`slot ${r},${c} covered ${n} times`);
    }),
  );
  return problems;
}
