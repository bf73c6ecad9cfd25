// Builds test/fixtures/foreign3/ (a third set of invented bureaus' documents, written before any
// fix was made for them) from the sources in test/fixtures/foreign3-src/. Outputs are committed;
// CI never runs this (it needs Chromium for the PDFs).
// Run: npx tsx test/support/makeForeign3Fixtures.ts
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as XLSX from '@e965/xlsx';
import {
  AlignmentType,
  BorderStyle,
  Document,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  VerticalAlign,
  WidthType,
} from 'docx';
import { printHtmlToPdf } from './chromium.js';

const root = join(import.meta.dirname, '..', 'fixtures');
const srcDir = join(root, 'foreign3-src');
const outDir = join(root, 'foreign3');
const readJson = <T>(name: string): T => JSON.parse(readFileSync(join(srcDir, name), 'utf8')) as T;
const src = (name: string) => join(srcDir, name);
const out = (name: string) => join(outDir, name);

// ---------- xlsx: sheets given as rows plus A1-style merges ----------

interface SheetsSpec {
  file: string;
  sheets: { name: string; cols: number[]; rows: string[][]; merges: string[] }[];
}

function buildXlsx(spec: SheetsSpec): void {
  const wb = XLSX.utils.book_new();
  for (const s of spec.sheets) {
    const ws = XLSX.utils.aoa_to_sheet(s.rows);
    ws['!merges'] = s.merges.map((m) => XLSX.utils.decode_range(m));
    ws['!cols'] = s.cols.map((wch) => ({ wch }));
    XLSX.utils.book_append_sheet(wb, ws, s.name);
  }
  writeFileSync(out(spec.file), XLSX.write(wb, { type: 'buffer', bookType: 'xlsx' }) as Buffer);
}

// ---------- docx: paragraphs and tables whose cells are [text, bold?, columnSpan?] ----------

type CellSpec = [string, boolean?, number?];
type Block =
  | { p: string; bold?: boolean; size?: number; center?: boolean; right?: boolean; color?: string; pageBreak?: boolean }
  | { table: CellSpec[][] };

const thin = { style: BorderStyle.SINGLE, size: 4, color: '000000' };
const borders = { top: thin, bottom: thin, left: thin, right: thin };
const font = { ascii: 'Times New Roman', eastAsia: '仿宋_GB2312', hAnsi: 'Times New Roman' };

function buildBlock(b: Block): Paragraph | Table {
  if ('table' in b) {
    const width = Math.max(...b.table.map((r) => r.reduce((n, c) => n + (c[2] ?? 1), 0)));
    return new Table({
      width: { size: 100, type: WidthType.PERCENTAGE },
      rows: b.table.map(
        (r, i) =>
          new TableRow({
            tableHeader: i === 0 && r.every((c) => c[1] === true),
            children: r.map(
              ([text, bold, span]) =>
                new TableCell({
                  borders,
                  columnSpan: span,
                  width: { size: Math.round((100 * (span ?? 1)) / width), type: WidthType.PERCENTAGE },
                  verticalAlign: VerticalAlign.CENTER,
                  children: text.split('\n').map((t) => new Paragraph({ children: [new TextRun({ text: t, bold, size: 20, font })] })),
                }),
            ),
          }),
      ),
    });
  }
  return new Paragraph({
    pageBreakBefore: b.pageBreak,
    alignment: b.center ? AlignmentType.CENTER : b.right ? AlignmentType.RIGHT : AlignmentType.LEFT,
    children: [new TextRun({ text: b.p, bold: b.bold, size: b.size ?? 24, color: b.color, font })],
  });
}

async function buildDocx(spec: { file: string; blocks: Block[] }): Promise<void> {
  const doc = new Document({ sections: [{ children: spec.blocks.map(buildBlock) }] });
  writeFileSync(out(spec.file), await Packer.toBuffer(doc));
}

buildXlsx(readJson<SheetsSpec>('h01_lucen_quanze.json'));
await buildDocx(readJson('h02_tangpu_yishiyibiao.json'));
buildXlsx(readJson<SheetsSpec>('h03_fengqi_gangze.json'));
printHtmlToPdf(src('h04_weichuan_shuomingshu.html'), out('h04_苇川县自然资源局岗位说明书.pdf'));
copyFileSync(src('h05_tangpu_liucheng.txt'), out('h05_棠浦县不动产登记中心主要业务办理流程.txt'));
copyFileSync(src('h06_tangpu_lingdao.html'), out('h06_棠浦县自然资源局领导分工.html'));
await buildDocx(readJson('h07_lucen_tongzhi.json'));
printHtmlToPdf(src('h08_lucen_budongchan.html'), out('h08_鹭岑市不动产登记中心岗位履职清单.pdf'));
// UTF-8 with a byte-order mark and CRLF, as Excel's "CSV UTF-8" export writes, but ";"-separated
writeFileSync(out('h09_苇川县自然资源执法监察大队2025年工作任务分工.csv'), '\uFEFF' + readFileSync(src('h09_weichuan_zhifa.csv'), 'utf8').replace(/\n/g, '\r\n'));
copyFileSync(src('h10_liaotang_fengong.md'), out('h10_棠浦县蓼塘镇自然资源所工作职责及人员分工.md'));
console.log('foreign3 fixtures written to', outDir);
