/**
 * Converts the shipped text manuals (seeds/manuals/*.txt) into .docx and .xlsx under
 * test/fixtures/converted/, so the same content can be read through every reader.
 *   npx tsx test/support/convertManuals.ts
 * .docx: each run of consecutive TAB lines is one Word table (one row per line, cells = split('\t')); other
 * lines are paragraphs, Markdown `#` lines as Word headings. .xlsx: one sheet; each TAB line a row, every
 * other non-blank line a single-cell row.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as XLSX from '@e965/xlsx';
import { Document, HeadingLevel, Packer, Paragraph, Table, TableCell, TableRow } from 'docx';

const root = fileURLToPath(new URL('../../', import.meta.url));
const manuals = join(root, 'seeds/manuals');
const outDir = join(root, 'test/fixtures/converted');
mkdirSync(outDir, { recursive: true });

const HEADINGS = [HeadingLevel.HEADING_1, HeadingLevel.HEADING_2, HeadingLevel.HEADING_3, HeadingLevel.HEADING_4, HeadingLevel.HEADING_5, HeadingLevel.HEADING_6];

/** The manual as runs: tables (rows of cells) and paragraph lines, blank lines dropped. */
export function manualRuns(text: string): ({ table: string[][] } | { line: string })[] {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  const runs: ({ table: string[][] } | { line: string })[] = [];
  for (const line of lines) {
    if (line.includes('\t')) {
      const last = runs[runs.length - 1];
      if (last && 'table' in last) last.table.push(line.split('\t'));
      else runs.push({ table: [line.split('\t')] });
    } else if (line.trim()) runs.push({ line });
  }
  return runs;
}

function paragraph(line: string): Paragraph {
  const h = /^(#{1,6})\s+(.*)$/.exec(line);
  if (h) return new Paragraph({ text: h[2]!, heading: HEADINGS[h[1]!.length - 1] });
  return new Paragraph(line);
}

async function toDocx(text: string): Promise<Uint8Array> {
  const children: (Paragraph | Table)[] = [];
  for (const run of manualRuns(text)) {
    if ('line' in run) children.push(paragraph(run.line));
    else {
      children.push(
        new Table({
          rows: run.table.map((cells) => new TableRow({ children: cells.map((c) => new TableCell({ children: [new Paragraph(c)] })) })),
        }),
      );
      // Word needs a paragraph between two tables, or it joins them.
      children.push(new Paragraph(''));
    }
  }
  return new Uint8Array(await Packer.toBuffer(new Document({ sections: [{ children }] })));
}

function toXlsx(text: string, sheetName: string): Uint8Array {
  const rows: string[][] = [];
  for (const run of manualRuns(text)) {
    if ('line' in run) rows.push([run.line]);
    else rows.push(...run.table);
  }
  const wb = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet(rows), sheetName);
  return new Uint8Array(XLSX.write(wb, { type: 'array', bookType: 'xlsx' }) as ArrayBuffer);
}

for (const file of readdirSync(manuals).filter((f) => f.endsWith('.txt')).sort()) {
  const text = readFileSync(join(manuals, file), 'utf8');
  const name = basename(file, '.txt');
  writeFileSync(join(outDir, `${name}.docx`), await toDocx(text));
  writeFileSync(join(outDir, `${name}.xlsx`), toXlsx(text, '清单'));
  console.log(name);
}
