import { readFileSync, readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type DocModel, type TableBlock, docLines, tableGrid } from '../ingest/document.js';
import { readPdf } from '../ingest/read/pdf.js';
import { unifyIdeographs } from '../ingest/read/pdfRuns.js';
import { ManualParseError } from '../ingest/record.js';
import { SPLIT_ROW_TEXT } from './support/makePdfFixtures.js';

const root = resolve(import.meta.dirname, '..');
const fixture = (name: string): string => join(root, 'test', 'fixtures', 'pdf', name);
const load = (path: string): Promise<DocModel> => readPdf(basename(path), new Uint8Array(readFileSync(path)));
const squeeze = (s: string): string => s.replace(/\s+/g, '');

function tables(doc: DocModel): TableBlock[] {
  return doc.body.filter((b): b is TableBlock => b.kind === 'table');
}

function expectWellFormed(t: TableBlock): void {
  const seen = Array.from({ length: t.rows }, () => Array<number>(t.cols).fill(0));
  for (const c of t.cells) {
    expect(c.r + c.rowSpan).toBeLessThanOrEqual(t.rows);
    expect(c.c + c.colSpan).toBeLessThanOrEqual(t.cols);
    for (let r = c.r; r < c.r + c.rowSpan; r++) for (let k = c.c; k < c.c + c.colSpan; k++) seen[r]![k]!++;
  }
  expect(seen.flat().every((n) => n === 1)).toBe(true);
  expect(t.rowProv).toHaveLength(t.rows);
}

describe('readPdf: ruled table printed by Chromium', () => {
  let doc: DocModel;
  beforeAll(async () => {
    doc = await load(fixture('bordered-table.pdf'));
  });

  it('finds one table with a two-row header, row and column spans', () => {
    const [t] = tables(doc);
    expect(tables(doc)).toHaveLength(1);
    expectWellFormed(t!);
    expect([t!.rows, t!.cols]).toEqual([5, 6]);
    // Chromium tags <th> cells as TH: the two header rows are the source's own hint.
    expect(t!.headerRows).toBe(2);
    const at = (r: number, c: number) => t!.cells.find((x) => x.r === r && x.c === c);
    expect(at(0, 0)).toMatchObject({ text: '序号', rowSpan: 2, colSpan: 1 });
    expect(at(0, 3)).toMatchObject({ text: '负责人', rowSpan: 1, colSpan: 2 });
    expect(at(1, 3)?.text).toBe('牵头');
    expect(at(1, 4)?.text).toBe('配合');
    expect(at(2, 1)).toMatchObject({ text: '办公室主任', rowSpan: 2 });
    expect(at(3, 1)).toBeUndefined();
    expect(at(3, 2)?.text).toBe('会议组织与重要活动保障，包括会务筹备、材料准备、会场布置和会后督办落实等各项工作');
    expect(at(3, 4)).toMatchObject({ text: '', rowSpan: 1 });
    expect(at(4, 2)).toMatchObject({ text: '档案收集、整理、归档和查阅利用', colSpan: 3 });
  });

  it('turns Kangxi radicals back into ideographs', () => {
    const text = docLines(doc).map((l) => l.text).join('\n');
    expect(text).toContain('工作事项');
    expect(text).toContain('公文审核');
    expect(text).toContain('3个工作日');
    expect(text).not.toMatch(/[\u2e80-\u2fdf]/u);
  });

  it('keeps the text around the table in reading order, with lines and pages', () => {
    const lines = docLines(doc);
    expect(lines[0]!.text).toBe('一、岗位职责清单');
    expect(lines[1]!.cells?.[0]).toBe('序号');
    expect(lines[lines.length - 1]!.text).toBe('说明：本表自印发之日起施行。');
    expect(lines.map((l) => l.prov.line)).toEqual(lines.map((_, i) => i + 1));
    expect(lines.every((l) => l.prov.page === 1)).toBe(true);
    expect(lines[3]!.merged).toEqual([false, false, false, false, false, false]);
    expect(lines[4]!.merged).toEqual([false, true, false, false, false, false]);
  });
});

describe('readPdf: a table continued on the next page', () => {
  let doc: DocModel;
  beforeAll(async () => {
    doc = await load(fixture('two-page-table.pdf'));
  });

  it('stitches both pages into one table and drops the repeated header', () => {
    expect(tables(doc)).toHaveLength(1);
    const t = tables(doc)[0]!;
    expectWellFormed(t);
    expect([t.rows, t.cols, t.headerRows]).toEqual([46, 4, 1]);
    const grid = tableGrid(t).text;
    expect(grid[0]).toEqual(['序号', '岗位名称', '工作事项', '办理时限']);
    expect(grid.slice(1).map((r) => r[0])).toEqual(Array.from({ length: 45 }, (_, i) => String(i + 1)));
    expect(grid[45]).toEqual(['45', '业务岗45', '第45项工作事项的办理和督促落实', '1个工作日']);
    const pages = t.rowProv.map((p) => p.page);
    expect(pages[0]).toBe(1);
    expect(pages[45]).toBe(2);
    expect(pages).toEqual([...pages].sort((a, b) => a! - b!));
    expect(t.rowProv[45]!.ref).toBe('第2页 表1 第46行');
  });

  it('keeps the closing paragraph after the table', () => {
    const lines = docLines(doc);
    expect(lines[lines.length - 1]).toMatchObject({ text: '以上事项按月汇总。', prov: { page: 2, line: 48 } });
  });
});

describe('readPdf: a row broken over a page break', () => {
  it('joins the two halves of the row into one', async () => {
    const doc = await load(fixture('split-row.pdf'));
    const t = tables(doc)[0]!;
    expect(tables(doc)).toHaveLength(1);
    expectWellFormed(t);
    const grid = tableGrid(t).text;
    expect(grid.map((r) => r[0])).toEqual(['序号', '1', '2']);
    expect(squeeze(grid[1]![1]!)).toBe(SPLIT_ROW_TEXT);
    expect(grid[1]![2]).toBe('按件办理');
    expect(grid[2]).toEqual(['2', '年度总结', '12月底前']);
    expect(t.rowProv.map((p) => p.page)).toEqual([1, 1, 2]);
  });
});

describe('readPdf: prose with numbered headings and page furniture', () => {
  let doc: DocModel;
  beforeAll(async () => {
    doc = await load(fixture('prose.pdf'));
  });

  it('splits paragraphs and keeps numbered headings as their own lines, in order', () => {
    const texts = docLines(doc).map((l) => l.text);
    const markers = texts.filter((t) => /^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+\.)/.test(t));
    expect(markers).toEqual([
      '一、总体要求',
      '（一）工作目标',
      '1.明确岗位职责',
      '2.规范工作流程',
      '（二）主要任务',
      '二、保障措施',
      '（一）加强组织领导',
      '（二）强化督促检查',
    ]);
    expect(texts).toContain('每个岗位都要有清晰的职责描述。');
    const long = texts.filter((t) => t.startsWith('各科室要按照职责分工'));
    expect(long).toHaveLength(7);
    for (const t of long) expect(t).toMatch(/^各科室要按照职责分工，.*归档工作。$/);
  });

  it('drops page numbers and the running header, and reports pages', () => {
    const texts = docLines(doc).map((l) => l.text);
    expect(texts.some((t) => /^-\s*\d+\s*-$|页|内部工作规程/.test(t))).toBe(false);
    const pageOf = (t: string) => docLines(doc).find((l) => l.text === t)?.prov.page;
    expect(pageOf('（二）主要任务')).toBe(2);
    expect(pageOf('（二）强化督促检查')).toBe(3);
  });

  it('reads the larger-set title as a heading', () => {
    expect(doc.title).toBe('工作规程');
    expect(doc.body[0]).toMatchObject({ kind: 'heading', text: '工作规程', level: 1 });
    expect(doc.body.filter((b) => b.kind === 'heading')).toHaveLength(1);
  });
});

describe('readPdf: cells boxed one by one (border-spacing)', () => {
  it('takes each pair of close lines for one border', async () => {
    const doc = await load(fixture('separate-borders.pdf'));
    const t = tables(doc)[0]!;
    expectWellFormed(t);
    expect(tableGrid(t).text).toEqual([
      ['岗位', '职责', '时限'],
      ['科员', '文件收发登记', '1个工作日'],
      ['科长', '审核签发', ''],
    ]);
    expect(t.cells.find((c) => c.r === 2 && c.c === 1)?.colSpan).toBe(2);
    // All <td>: no header hint without TH tags.
    expect(t.headerRows).toBeUndefined();
  });
});

describe('readPdf: unruled table', () => {
  it('builds columns from x-gaps that several lines agree on', async () => {
    const doc = await load(fixture('stream-table.pdf'));
    const lines = docLines(doc);
    expect(lines[0]!.text).toBe('三、窗口岗位一览');
    expect(lines.filter((l) => l.cells).map((l) => l.cells)).toEqual([
      ['序号', '岗位名称', '工作事项', '办理时限'],
      ['1', '综合岗', '文件收发与登记', '1个工作日'],
      ['2', '财务岗', '经费报销审核', '3个工作日'],
      ['3', '档案岗', '档案整理归档', '5个工作日'],
      ['4', '信息岗', '网站信息发布', '即时'],
    ]);
    expect(lines[lines.length - 1]!.text).toBe('以上岗位实行AB角工作制。');
  });
});

describe('readPdf: unruled table over three pages', () => {
  it('keeps the repeated header out of the page furniture, stitches the pages and drops the repeats', async () => {
    const doc = await load(fixture('stream-pages.pdf'));
    expect(tables(doc)).toHaveLength(1);
    const t = tables(doc)[0]!;
    expect([t.rows, t.cols, t.headerRows]).toEqual([101, 4, 1]);
    const grid = tableGrid(t).text;
    expect(grid[0]).toEqual(['序号', '岗位名称', '工作事项', '办理时限']);
    expect(grid.slice(1).map((r) => r[0])).toEqual(Array.from({ length: 100 }, (_, i) => String(i + 1)));
    expect(grid[100]).toEqual(['100', '窗口岗100', '第100项业务受理', '2个工作日']);
    expect(new Set(t.rowProv.map((p) => p.page))).toEqual(new Set([1, 2, 3]));
  });
});

describe('readPdf: non-embedded Chinese font, scans, broken files', () => {
  it('reads STSong-Light through the predefined UniGB-UCS2-H CMap', async () => {
    const doc = await load(fixture('stsong-cmap.pdf'));
    expect(docLines(doc).map((l) => l.text)).toEqual(['一、岗位职责', '负责本科室耕地保护日常工作，按时报送统计数据。']);
    expect(doc.warnings).toEqual([]);
  });

  it('reads a landscape page turned by /Rotate, with stroked borders and a column span', async () => {
    const doc = await load(fixture('landscape-rotated.pdf'));
    const lines = docLines(doc);
    expect(lines[0]!.text).toBe('二、窗口岗位');
    expect(lines.slice(1).map((l) => l.cells)).toEqual([
      ['岗位', '职责', '时限'],
      ['科员', '文件收发登记', '1个工作日'],
      ['科长', '审核签发', ''],
    ]);
    const t = tables(doc)[0]!;
    expectWellFormed(t);
    expect(t.cells.find((c) => c.r === 2 && c.c === 1)).toMatchObject({ text: '审核签发', colSpan: 2 });
  });

  it('warns about a page without a text layer', async () => {
    const doc = await load(fixture('mixed-scan.pdf'));
    expect(doc.warnings).toEqual(['第2页没有文字层（可能是扫描件），无法读取']);
    expect(docLines(doc)).toHaveLength(2);
  });

  it('refuses a PDF with no text at all, saying what to provide instead', async () => {
    const err = await load(fixture('scanned.pdf')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ManualParseError);
    expect((err as ManualParseError).reason).toMatch(/扫描件/);
    expect((err as ManualParseError).reason).toMatch(/Word\/Excel/);
  });

  it('explains an encrypted PDF', async () => {
    const err = await load(fixture('encrypted.pdf')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ManualParseError);
    expect((err as ManualParseError).reason).toMatch(/加密/);
  });

  it('explains bytes that are not a PDF, and never crashes on a truncated one', async () => {
    const err = await readPdf('x.pdf', new TextEncoder().encode('这不是 PDF 文件')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ManualParseError);
    expect((err as ManualParseError).reason).toMatch(/不是有效的 PDF/);
    const bytes = new Uint8Array(readFileSync(fixture('bordered-table.pdf')));
    for (const cut of [0.1, 0.5, 0.9]) {
      const result = await readPdf('cut.pdf', bytes.slice(0, Math.floor(bytes.length * cut))).catch((e: unknown) => e);
      if (result instanceof Error) expect(result).toBeInstanceOf(ManualParseError);
      else expect((result as DocModel).format).toBe('pdf');
    }
    expect(bytes.byteLength).toBeGreaterThan(1000);
  });

  it('unifies Kangxi and supplement radicals only, leaving full-width punctuation alone', () => {
    expect(unifyIdeographs('⼯作⽇，第⼀⻚（共3⻚）：\uF9B2')).toBe('工作日，第一页（共3页）：零');
    // ⼾ normalises to 戶, but a Simplified Chinese font draws it as 户.
    expect(unifyIdeographs('门⼾网站')).toBe('门户网站');
  });
});

describe('readPdf: the shipped manuals printed to PDF', () => {
  const manuals = readdirSync(join(root, 'seeds', 'manuals'))
    .filter((f) => f.endsWith('.txt'))
    .sort();
  const results = new Map<string, { doc: DocModel; ms: number; cpuMs: number }>();
  beforeAll(async () => {
    for (const f of manuals) {
      const path = join(root, 'test', 'fixtures', 'converted', `${basename(f, '.txt')}.pdf`);
      const bytes = new Uint8Array(readFileSync(path));
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      const doc = await readPdf(basename(path), bytes);
      const cpu = process.cpuUsage(cpu0);
      results.set(f, { doc, ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000 });
    }
  }, 120_000);

  it('gives the text files’ table rows, in order, cell for cell', () => {
    let total = 0;
    let exact = 0;
    const report: string[] = [];
    for (const f of manuals) {
      const want = readFileSync(join(root, 'seeds', 'manuals', f), 'utf8')
        .split(/\r?\n/)
        .filter((l) => l.includes('\t'))
        .map((l) => l.split('\t').map(squeeze));
      const got = docLines(results.get(f)!.doc)
        .filter((l) => l.cells)
        .map((l) => l.cells!.map(squeeze));
      const key = (row: string[]) => row.join('\t').replace(/\t+$/, '');
      const matched = lcs(want.map(key), got.map(key));
      expect(got.length, f).toBe(want.length);
      total += want.length;
      exact += matched;
      report.push(`${f}: ${matched}/${want.length} rows exact, ${got.length} read, ${results.get(f)!.ms.toFixed(0)} ms`);
    }
    console.log(`PDF manuals: ${exact}/${total} rows exact\n${report.join('\n')}`);
    expect(exact).toBe(total);
  });

  it('gives the other lines as paragraphs of their own, in order', () => {
    for (const f of manuals) {
      const want = readFileSync(join(root, 'seeds', 'manuals', f), 'utf8')
        .split(/\r?\n/)
        .filter((l) => !l.includes('\t') && l.trim())
        .map(squeeze);
      const got = docLines(results.get(f)!.doc)
        .filter((l) => !l.cells)
        .map((l) => squeeze(l.text));
      expect(got, f).toEqual(want);
    }
  });

  it('keeps every table well formed and every row on a page', () => {
    for (const { doc } of results.values()) {
      for (const t of tables(doc)) {
        expectWellFormed(t);
        expect(t.rowProv.every((p) => typeof p.page === 'number' && p.page >= 1)).toBe(true);
      }
      expect(doc.warnings).toEqual([]);
    }
  });

  it('reads a 20-page table document in well under two seconds', () => {
    // The largest manual (parsed after a smaller one warmed pdf.js up). CPU time, not wall time: the machine
    // running the tests may be shared.
    const big = [...results.values()].sort((a, b) => b.cpuMs - a.cpuMs)[0]!;
    const [largest] = [...results.entries()].sort((a, b) => pagesOf(b[1].doc) - pagesOf(a[1].doc));
    const { doc, cpuMs, ms } = largest![1];
    console.log(`${pagesOf(doc)} pages in ${cpuMs.toFixed(0)} ms CPU, ${ms.toFixed(0)} ms wall (slowest file: ${big.cpuMs.toFixed(0)} ms CPU)`);
    expect(pagesOf(doc)).toBeGreaterThanOrEqual(20);
    expect(cpuMs).toBeLessThan(4000);
  });
});

function pagesOf(doc: DocModel): number {
  return Math.max(...docLines(doc).map((l) => l.prov.page ?? 0));
}

function lcs(a: string[], b: string[]): number {
  const dp = Array.from({ length: a.length + 1 }, () => Array<number>(b.length + 1).fill(0));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      dp[i]![j] = a[i - 1] === b[j - 1] ? dp[i - 1]![j - 1]! + 1 : Math.max(dp[i - 1]![j]!, dp[i]![j - 1]!);
    }
  }
  return dp[a.length]![b.length]!;
}
