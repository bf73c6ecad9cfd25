import type { Block, Cell, DocModel, Prov, TableBlock } from './document.js';

function table(rows: { cells: string[]; prov: Prov }[]): TableBlock {
  const cols = Math.max(...rows.map((r) => r.cells.length));
  const cells: Cell[] = [];
  rows.forEach((row, r) => row.cells.forEach((text, c) => cells.push({ text, r, c, rowSpan: 1, colSpan: 1 })));
  return { kind: 'table', rows: rows.length, cols, cells, rowProv: rows.map((r) => r.prov), prov: rows[0]!.prov };
}

const PIPE_ROW = /^\s*\|.*\|\s*$/;
const PIPE_RULE = /^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$/;

function pipeCells(line: string): string[] {
  return line.trim().replace(/^\|/, '').replace(/\|$/, '').split('|').map((c) => c.trim());
}

/**
 * Text as a document: runs of tab-separated lines and Markdown pipe tables are tables, `#` lines headings,
 * every other line a paragraph. Tab rows keep their cells exactly, so `docLines` gives back each line.
 */
export function plainTextDoc(file: string, text: string, format: 'txt' | 'md' = 'txt'): DocModel {
  const lines = text.replace(/^\uFEFF/, '').split('\n').map((l) => l.replace(/\r$/, ''));
  const body: Block[] = [];
  let run: { cells: string[]; prov: Prov }[] = [];
  const flush = () => {
    if (run.length > 0) body.push(table(run));
    run = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const prov = { line: i + 1 };
    if (PIPE_ROW.test(line) && PIPE_RULE.test(lines[i + 1] ?? '')) {
      flush();
      const rows = [{ cells: pipeCells(line), prov }];
      let j = i + 2;
      while (j < lines.length && PIPE_ROW.test(lines[j]!)) {
        rows.push({ cells: pipeCells(lines[j]!), prov: { line: j + 1 } });
        j++;
      }
      body.push(table(rows));
      i = j - 1;
      continue;
    }
    if (line.includes('\t')) {
      run.push({ cells: line.split('\t'), prov });
      continue;
    }
    flush();
    if (!line.trim()) continue;
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) body.push({ kind: 'heading', level: heading[1]!.length, text: heading[2]!.trim(), prov });
    else body.push({ kind: 'para', text: line, prov });
  }
  flush();
  return { file, format, body, warnings: [] };
}
