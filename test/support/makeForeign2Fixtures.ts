// Builds test/fixtures/foreign2/ (a second set of invented bureaus' documents, never tuned on)
// from the sources in test/fixtures/foreign2-src/. Outputs are committed; CI never runs this
// (it needs Chromium for the PDFs and iconv-lite or python3 for GBK).
// Run: npx tsx test/support/makeForeign2Fixtures.ts
import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import * as XLSX from '@e965/xlsx';
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
import { printHtmlToPdf } from './chromium.js';

const root = join(import.meta.dirname, '..', 'fixtures');
const srcDir = join(root, 'foreign2-src');
const outDir = join(root, 'foreign2');
const readJson = <T>(name: string): T => JSON.parse(readFileSync(join(srcDir, name), 'utf8')) as T;

type Cell = string | null;

const thin = { style: BorderStyle.SINGLE, size: 4, color: '000000' };
const borders = { top: thin, bottom: thin, left: thin, right: thin };
const font = { ascii: 'Times New Roman', eastAsia: '仿宋_GB2312', hAnsi: 'Times New Roman' };
const para = (text: string, opts: { bold?: boolean; size?: number; center?: boolean } = {}) =>
  new Paragraph({
    alignment: opts.center ? AlignmentType.CENTER : AlignmentType.LEFT,
    children: [new TextRun({ text, bold: opts.bold, size: opts.size ?? 21, font })],
  });
const cellParas = (text: string, bold = false) => text.split('\n').map((t) => para(t, { bold, size: 18 }));
const cell = (text: string, width: number, opts: { bold?: boolean; span?: number } = {}) =>
  new TableCell({
    borders,
    columnSpan: opts.span,
    width: { size: width, type: WidthType.PERCENTAGE },
    verticalAlign: VerticalAlign.CENTER,
    children: cellParas(text, opts.bold),
  });

/** Word auto-numbering "1." / "1、": the numbers are in numbering.xml, not in the text runs. */
const decimalList = (reference: string, text: string) => ({
  reference,
  levels: [{ level: 0, format: LevelFormat.DECIMAL, text, alignment: AlignmentType.LEFT }],
});

// ---------- g01: units as nested headings, duties as auto-numbered lists ----------

interface UnitsSpec {
  file: string;
  title: string;
  intro: string;
  parts: { heading: string; units: { heading: string; leaders: string; duties: string[] }[] }[];
  footer: string;
}

async function buildUnitsDocx(spec: UnitsSpec): Promise<void> {
  const children: Paragraph[] = [para(spec.title, { bold: true, size: 36, center: true }), para(spec.intro)];
  let instance = 0;
  for (const part of spec.parts) {
    children.push(new Paragraph({ heading: HeadingLevel.HEADING_1, children: [new TextRun({ text: part.heading, bold: true, size: 28, font })] }));
    for (const unit of part.units) {
      instance++;
      children.push(new Paragraph({ heading: HeadingLevel.HEADING_2, children: [new TextRun({ text: unit.heading, bold: true, size: 24, font })] }));
      children.push(para(unit.leaders));
      children.push(para('主要职责：'));
      for (const d of unit.duties) {
        children.push(new Paragraph({ numbering: { reference: 'duties', level: 0, instance }, children: [new TextRun({ text: d, size: 21, font })] }));
      }
    }
  }
  children.push(para(spec.footer));
  const doc = new Document({ numbering: { config: [decimalList('duties', '%1.')] }, sections: [{ children }] });
  writeFileSync(join(outDir, spec.file), await Packer.toBuffer(doc));
}

// ---------- g08: one table, groups as full-width rows, a second table, a numbered list ----------

interface GroupsSpec {
  file: string;
  title: string;
  intro: string[];
  header: string[];
  widths: number[];
  groups: { title: string; rows: string[][] }[];
  dutyTitle: string;
  dutyHeader: string[];
  dutyRows: string[][];
  rules: string[];
  footer: string;
}

async function buildGroupsDocx(spec: GroupsSpec): Promise<void> {
  const w = (i: number) => spec.widths[i] ?? 10;
  const rows = [new TableRow({ tableHeader: true, children: spec.header.map((h, i) => cell(h, w(i), { bold: true })) })];
  for (const g of spec.groups) {
    rows.push(new TableRow({ children: [cell(g.title, 100, { bold: true, span: spec.header.length })] }));
    for (const r of g.rows) rows.push(new TableRow({ cantSplit: true, children: r.map((v, i) => cell(v, w(i))) }));
  }
  const duty = [
    new TableRow({ tableHeader: true, children: spec.dutyHeader.map((h) => cell(h, 33, { bold: true })) }),
    ...spec.dutyRows.map((r) => new TableRow({ children: r.map((v) => cell(v, 33)) })),
  ];
  const children: (Paragraph | Table)[] = [
    para(spec.title, { bold: true, size: 32, center: true }),
    ...spec.intro.map((t) => para(t)),
    new Table({ rows, width: { size: 100, type: WidthType.PERCENTAGE } }),
    para(''),
    para(spec.dutyTitle, { bold: true, size: 24 }),
    new Table({ rows: duty, width: { size: 60, type: WidthType.PERCENTAGE } }),
    para(''),
    para('工作要求', { bold: true, size: 24 }),
    ...spec.rules.map((t) => new Paragraph({ numbering: { reference: 'rules', level: 0 }, children: [new TextRun({ text: t, size: 21, font })] })),
    para(spec.footer),
  ];
  const doc = new Document({
    numbering: { config: [decimalList('rules', '%1、')] },
    sections: [{ properties: { page: { size: { orientation: 'landscape', width: 16838, height: 11906 } } }, children }],
  });
  writeFileSync(join(outDir, spec.file), await Packer.toBuffer(doc));
}

// ---------- g02: a rules sheet, then one sheet per department with a two-level header ----------

interface AbSpec {
  file: string;
  about: string[];
  header: Cell[][];
  sheets: { name: string; title: string; rows: Cell[][] }[];
}

function buildAbXlsx(spec: AbSpec): void {
  const wb = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet(spec.about.map((l) => [l])), '说明');
  const [top = [], second = []] = spec.header;
  const width = top.length;
  for (const s of spec.sheets) {
    const aoa: string[][] = [[s.title, ...Array<string>(width - 1).fill('')], ...spec.header.map((h) => h.map((v) => v ?? ''))];
    const merges: XLSX.Range[] = [{ s: { r: 0, c: 0 }, e: { r: 0, c: width - 1 } }];
    top.forEach((v, c) => {
      if (v !== null && second[c] === null) merges.push({ s: { r: 1, c }, e: { r: 2, c } });
      if (v !== null && top[c + 1] === null) merges.push({ s: { r: 1, c }, e: { r: 1, c: c + 1 } });
    });
    const bodyStart = aoa.length;
    s.rows.forEach((row, r) => {
      aoa.push(row.map((v) => v ?? ''));
      // a null continues the cell above: merge it down
      row.forEach((v, c) => {
        if (v !== null) return;
        let start = r;
        while (start > 0 && s.rows[start]?.[c] === null) start--;
        const existing = merges.find((m) => m.s.c === c && m.s.r === bodyStart + start);
        if (existing) existing.e.r = bodyStart + r;
        else merges.push({ s: { r: bodyStart + start, c }, e: { r: bodyStart + r, c } });
      });
    });
    const ws = XLSX.utils.aoa_to_sheet(aoa);
    ws['!merges'] = merges;
    ws['!cols'] = top.map((_, c) => ({ wch: c === 0 ? 6 : 16 }));
    XLSX.utils.book_append_sheet(wb, ws, s.name);
  }
  writeFileSync(join(outDir, spec.file), XLSX.write(wb, { type: 'buffer', bookType: 'xlsx' }) as Buffer);
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

const src = (name: string) => join(srcDir, name);
const out = (name: string) => join(outDir, name);

await buildUnitsDocx(readJson<UnitsSpec>('g01_yuechuan_neishe.json'));
buildAbXlsx(readJson<AbSpec>('g02_lanzhou_ab.json'));
printHtmlToPdf(src('g03_songxi_banshi.html'), out('g03_松溪县不动产登记中心办事指南.pdf'));
copyFileSync(src('g04_songxi_xuke.html'), out('g04_松溪县自然资源局行政许可事项审批流程及责任人一览表.html'));
writeFileSync(out('g05_松溪县自然资源局2025年重点工作任务责任分工方案.txt'), toGbk(readFileSync(src('g05_songxi_fengong.txt'), 'utf8').replace(/\n/g, '\r\n')));
copyFileSync(src('g06_lanzhou_bianyan.md'), out('g06_澜州市国土空间规划编研中心岗位职责说明书.md'));
copyFileSync(src('g07_guiling_yigang.tsv'), out('g07_桂岭镇自然资源所一岗双责责任清单.tsv'));
await buildGroupsDocx(readJson<GroupsSpec>('g08_lanzhou_zhifa.json'));
printHtmlToPdf(src('g09_yuechuan_cehui.html'), out('g09_岳川省测绘地理信息院公共服务事项清单.pdf'));
copyFileSync(src('g10_songxi_fengong.html'), out('g10_松溪县自然资源局领导班子成员工作分工.html'));
console.log('foreign2 fixtures written to', outDir);
