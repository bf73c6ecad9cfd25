// Builds the binary and GBK-encoded documents of test/fixtures/foreign/ from the data in
// test/fixtures/foreign-src/. The outputs are committed, so CI never needs to run this
// (it needs Chromium for the PDFs and iconv-lite or python3 for GBK).
// Run: npx tsx test/support/makeForeignFixtures.ts
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as XLSX from '@e965/xlsx';
import { printHtmlToPdf } from './chromium.js';
import {
  AlignmentType,
  BorderStyle,
  Document,
  HeadingLevel,
  LevelFormat,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  VerticalAlign,
  WidthType,
} from 'docx';

const root = join(import.meta.dirname, '..', 'fixtures');
const srcDir = join(root, 'foreign-src');
const outDir = join(root, 'foreign');

const readJson = <T>(name: string): T => JSON.parse(readFileSync(join(srcDir, name), 'utf8')) as T;

type Cell = string | null;

/** Rows where `null` in one of `columns` continues the cell above; returns the run length per start cell. */
function verticalRuns(rows: Cell[][], columns: number[]): Map<string, number> {
  const runs = new Map<string, number>();
  for (const c of columns) {
    let start = -1;
    for (const [r, row] of rows.entries()) {
      if (row[c] === null && start >= 0) runs.set(`${start}:${c}`, (runs.get(`${start}:${c}`) ?? 1) + 1);
      else start = r;
    }
  }
  return runs;
}

// ---------- xlsx ----------

interface SheetSpec {
  file: string;
  sheet: string;
  title: string;
  header: Cell[][];
  headerMerges: [number, number, number, number][];
  mergeColumnsDown: number[];
  rows: Cell[][];
  footer?: string;
}

function buildXlsx(spec: SheetSpec): void {
  const [top, second] = spec.header;
  if (!top) throw new Error(`${spec.file}: no header`);
  const width = top.length;
  const aoa: string[][] = [[spec.title, ...Array<string>(width - 1).fill('')]];
  for (const h of spec.header) aoa.push(h.map((v) => v ?? ''));
  const bodyStart = aoa.length;
  for (const r of spec.rows) aoa.push(r.map((v) => v ?? ''));
  if (spec.footer) aoa.push([spec.footer, ...Array<string>(width - 1).fill('')]);

  const merges: XLSX.Range[] = [{ s: { r: 0, c: 0 }, e: { r: 0, c: width - 1 } }];
  // Two header rows: a header cell with nothing below it spans both rows.
  if (second) {
    top.forEach((v, c) => {
      if (v !== null && second[c] === null) merges.push({ s: { r: 1, c }, e: { r: 2, c } });
    });
  }
  for (const [r1, c1, r2, c2] of spec.headerMerges) merges.push({ s: { r: r1, c: c1 }, e: { r: r2, c: c2 } });
  for (const [key, len] of verticalRuns(spec.rows, spec.mergeColumnsDown)) {
    const [r = 0, c = 0] = key.split(':').map(Number);
    merges.push({ s: { r: bodyStart + r, c }, e: { r: bodyStart + r + len - 1, c } });
  }
  if (spec.footer) merges.push({ s: { r: aoa.length - 1, c: 0 }, e: { r: aoa.length - 1, c: width - 1 } });

  const ws = XLSX.utils.aoa_to_sheet(aoa);
  ws['!merges'] = merges;
  ws['!cols'] = top.map((_, c) => ({ wch: c === 0 ? 6 : 18 }));
  const wb = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(wb, ws, spec.sheet);
  writeFileSync(join(outDir, spec.file), XLSX.write(wb, { type: 'buffer', bookType: 'xlsx' }) as Buffer);
}

// ---------- docx ----------

const thin = { style: BorderStyle.SINGLE, size: 4, color: '000000' };
const borders = { top: thin, bottom: thin, left: thin, right: thin };
const font = { ascii: 'Times New Roman', eastAsia: '仿宋_GB2312', hAnsi: 'Times New Roman' };

const para = (text: string, opts: { bold?: boolean; size?: number; center?: boolean } = {}) =>
  new Paragraph({
    alignment: opts.center ? AlignmentType.CENTER : AlignmentType.LEFT,
    children: [new TextRun({ text, bold: opts.bold, size: opts.size ?? 21, font })],
  });

/** A table cell's text: line breaks become separate paragraphs, as Word users type them. */
const cellParas = (text: string, bold = false) => text.split('\n').map((t) => para(t, { bold, size: 18 }));

interface DutyTableSpec {
  file: string;
  title: string;
  subtitle: string;
  intro: string;
  header: string[];
  widths: number[];
  mergeColumnsDown: number[];
  sections: { heading: string; rows: Cell[][] }[];
  footer: string;
}

async function buildDutyTableDocx(spec: DutyTableSpec): Promise<void> {
  const children: (Paragraph | Table)[] = [
    para(spec.title, { bold: true, size: 36, center: true }),
    para(spec.subtitle, { center: true }),
    para(spec.intro),
  ];
  const headerRow = () =>
    new TableRow({
      tableHeader: true,
      cantSplit: true,
      children: spec.header.map(
        (h, i) =>
          new TableCell({
            borders,
            width: { size: spec.widths[i] ?? 10, type: WidthType.PERCENTAGE },
            verticalAlign: VerticalAlign.CENTER,
            children: cellParas(h, true),
          }),
      ),
    });
  for (const section of spec.sections) {
    children.push(para(section.heading, { bold: true, size: 24 }));
    const runs = verticalRuns(section.rows, spec.mergeColumnsDown);
    const rows = [headerRow()];
    section.rows.forEach((row, r) => {
      const cells: TableCell[] = [];
      row.forEach((v, c) => {
        if (v === null) return; // covered by the rowSpan cell above
        cells.push(
          new TableCell({
            borders,
            rowSpan: runs.get(`${r}:${c}`),
            width: { size: spec.widths[c] ?? 10, type: WidthType.PERCENTAGE },
            verticalAlign: VerticalAlign.CENTER,
            children: cellParas(v),
          }),
        );
      });
      rows.push(new TableRow({ cantSplit: true, children: cells }));
    });
    children.push(new Table({ rows, width: { size: 100, type: WidthType.PERCENTAGE } }));
    children.push(para(''));
  }
  children.push(para(spec.footer));
  const doc = new Document({
    sections: [{ properties: { page: { size: { orientation: 'landscape', width: 16838, height: 11906 } } }, children }],
  });
  writeFileSync(join(outDir, spec.file), await Packer.toBuffer(doc));
}

interface ProseSpec {
  file: string;
  title: string;
  source: string;
  sections: { heading: string; items?: string[]; paragraph?: string }[];
}

/** Headings "一、…" and items "（一）…" come from Word auto-numbering, not from the text. */
async function buildNumberedProseDocx(spec: ProseSpec): Promise<void> {
  const children: Paragraph[] = [para(spec.title, { bold: true, size: 32, center: true }), para(spec.source, { center: true })];
  for (const s of spec.sections) {
    children.push(
      new Paragraph({
        heading: HeadingLevel.HEADING_2,
        numbering: { reference: 'duty-list', level: 0 },
        children: [new TextRun({ text: s.heading, bold: true, size: 24, font })],
      }),
    );
    for (const item of s.items ?? []) {
      children.push(
        new Paragraph({ numbering: { reference: 'duty-list', level: 1 }, children: [new TextRun({ text: item, size: 21, font })] }),
      );
    }
    if (s.paragraph) children.push(new Paragraph({ indent: { firstLine: 420 }, children: [new TextRun({ text: s.paragraph, size: 21, font })] }));
  }
  const doc = new Document({
    numbering: {
      config: [
        {
          reference: 'duty-list',
          levels: [
            { level: 0, format: LevelFormat.CHINESE_COUNTING, text: '%1、', alignment: AlignmentType.LEFT },
            {
              level: 1,
              format: LevelFormat.CHINESE_COUNTING,
              text: '（%2）',
              alignment: AlignmentType.LEFT,
              style: { paragraph: { indent: { left: 420, hanging: 0, firstLine: 420 } } },
            },
          ],
        },
      ],
    },
    sections: [{ children }],
  });
  writeFileSync(join(outDir, spec.file), await Packer.toBuffer(doc));
}

// ---------- GBK ----------

function toGbk(text: string): Buffer {
  let iconv: { encode(s: string, enc: string): Buffer; decode(b: Buffer, enc: string): string } | undefined;
  try {
    iconv = createRequire(import.meta.url)('iconv-lite');
  } catch {
    iconv = undefined;
  }
  const buf = iconv
    ? iconv.encode(text, 'gbk')
    : execFileSync('python3', ['-c', "import sys; sys.stdout.buffer.write(sys.stdin.read().encode('gbk'))"], { input: text });
  if (iconv && iconv.decode(buf, 'gbk') !== text) throw new Error('text has characters GBK cannot encode');
  return buf;
}

/** CRLF between records as Excel writes them; line breaks inside quoted cells stay LF. */
function csvCrlf(text: string): string {
  let out = '';
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    out += ch === '\n' && !quoted ? '\r\n' : ch;
  }
  return out;
}

// ---------- pdf ----------

function printPdf(srcHtml: string, outPdf: string): void {
  printHtmlToPdf(join(srcDir, srcHtml), join(outDir, outPdf));
}

buildXlsx(readJson<SheetSpec>('f01_qinghe_quanze.json'));
buildXlsx(readJson<SheetSpec>('f08_linchuan_liucheng.json'));
await buildDutyTableDocx(readJson<DutyTableSpec>('f02_linchuan_lvzhi.json'));
await buildNumberedProseDocx(readJson<ProseSpec>('f04_tongxi_budongchan.json'));
writeFileSync(join(outDir, 'f03_白石县自然资源局政务服务事项承诺时限一览表.html'), toGbk(readFileSync(join(srcDir, 'f03_baishi_chengnuo.html'), 'utf8').replace(/\n/g, '\r\n')));
writeFileSync(join(outDir, 'f11_青禾市国土空间规划科履职清单.csv'), toGbk(csvCrlf(readFileSync(join(srcDir, 'f11_qinghe_guihuake.csv'), 'utf8'))));
printPdf('f06_qinghe_zhifa.html', 'f06_青禾市自然资源执法监督办法.pdf');
printPdf('f07_yunling_linzhang.html', 'f07_云岭镇林长制工作领导小组调整通知.pdf');
console.log('foreign fixtures written to', outDir);
