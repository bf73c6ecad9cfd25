import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CFB } from '@e965/xlsx';
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { type DocLine, type DocModel, type TableBlock, docLines, tableGrid } from '../ingest/document.js';
import { decodeText } from '../ingest/read/decode.js';
import { gridProblems, layoutRows, settleCells } from '../ingest/read/grid.js';
import { SUPPORTED_EXTENSIONS, readDocument, readers, registerReader, unsupportedReason } from '../ingest/read/index.js';
import { chineseCounting, formatNumber } from '../ingest/read/numbering.js';
import { ManualParseError } from '../ingest/record.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const fixture = (name: string) => new Uint8Array(readFileSync(join(root, 'test/fixtures/read', name)));
const read = (name: string) => readDocument(name, fixture(name));
const tables = (doc: DocModel) => doc.body.filter((b): b is TableBlock => b.kind === 'table');
const rows = (doc: DocModel) => docLines(doc).filter((l) => l.table);
const texts = (doc: DocModel) => docLines(doc).map((l) => l.text);
const anchor = (t: TableBlock, r: number, c: number) => t.cells.find((x) => x.r === r && x.c === c);

async function failure(file: string, bytes: Uint8Array): Promise<ManualParseError> {
  try {
    await readDocument(file, bytes);
  } catch (err) {
    expect(err).toBeInstanceOf(ManualParseError);
    return err as ManualParseError;
  }
  throw new Error(`${file} was read`);
}

describe('grid', () => {
  it('lays out rowspan and colspan like the HTML table model', () => {
    const g = layoutRows([
      [{ text: 'a', rowSpan: 2 }, { text: 'b', colSpan: 2 }],
      [{ text: 'c' }, { text: 'd' }],
      [{ text: 'e' }, { text: 'f' }, { text: 'g' }],
    ]);
    expect(g.rows).toBe(3);
    expect(g.cols).toBe(3);
    expect(g.cells.map((c) => [c.text, c.r, c.c, c.rowSpan, c.colSpan])).toEqual([
      ['a', 0, 0, 2, 1],
      ['b', 0, 1, 1, 2],
      ['c', 1, 1, 1, 1],
      ['d', 1, 2, 1, 1],
      ['e', 2, 0, 1, 1],
      ['f', 2, 1, 1, 1],
      ['g', 2, 2, 1, 1],
    ]);
    expect(gridProblems(g)).toEqual([]);
  });

  it('clamps spans: past the last row, rowspan=0, a colspan wider than the table, a colspan into a rowspan', () => {
    const g = layoutRows([
      [{ text: 'a', rowSpan: 9 }, { text: 'b' }, { text: 'c', rowSpan: 0 }],
      [{ text: 'd', colSpan: 5 }],
      [{ text: 'e' }],
    ]);
    expect(gridProblems(g)).toEqual([]);
    expect(g.cols).toBe(3);
    expect(anchor(g as TableBlock, 0, 0)!.rowSpan).toBe(3);
    expect(anchor(g as TableBlock, 0, 2)!.rowSpan).toBe(3);
    // "d" starts at column 1 and cannot run into column 2, held by "c".
    expect(anchor(g as TableBlock, 1, 1)).toMatchObject({ text: 'd', colSpan: 1 });
  });

  it('settles overlapping anchors: the first in reading order wins, holes become empty cells', () => {
    const g = settleCells(
      [
        { text: 'x', r: 0, c: 0, rowSpan: 2, colSpan: 2 },
        { text: 'y', r: 1, c: 1, rowSpan: 2, colSpan: 1 },
        { text: 'z', r: 0, c: 2, rowSpan: 3, colSpan: 1 },
        { text: 'w', r: 2, c: 0, rowSpan: 1, colSpan: 3 },
      ],
      3,
      3,
    );
    expect(gridProblems(g)).toEqual([]);
    expect(g.cells.find((c) => c.text === 'y')).toBeUndefined();
    expect(anchor(g as TableBlock, 2, 0)).toMatchObject({ text: 'w', colSpan: 2 });
  });

  it('reports broken grids', () => {
    expect(gridProblems({ rows: 1, cols: 2, cells: [{ text: '', r: 0, c: 0, rowSpan: 1, colSpan: 3 }] })).not.toEqual([]);
    expect(gridProblems({ rows: 1, cols: 2, cells: [{ text: '', r: 0, c: 0, rowSpan: 1, colSpan: 1 }] })).toEqual(['slot 0,1 covered 0 times']);
  });

  it('holds for every table of every fixture', async () => {
    const names = readdirSync(join(root, 'test/fixtures/read'));
    let count = 0;
    for (const name of names) {
      for (const t of tables(await read(name))) {
        expect(gridProblems(t), name).toEqual([]);
        expect(t.rowProv).toHaveLength(t.rows);
        count++;
      }
    }
    expect(count).toBeGreaterThan(10);
  });
});

describe('docx', () => {
  it('reads a two-row header, gridSpan, vMerge, gridBefore and tblHeader', async () => {
    const doc = await read('tables.docx');
    const [t, nested] = tables(doc);
    expect(t).toMatchObject({ rows: 5, cols: 5, headerRows: 2 });
    expect(anchor(t!, 0, 0)).toMatchObject({ text: '序号', rowSpan: 2, colSpan: 1 });
    expect(anchor(t!, 0, 2)).toMatchObject({ text: '负责人', rowSpan: 1, colSpan: 2 });
    expect(anchor(t!, 0, 4)).toMatchObject({ text: '备注', rowSpan: 2 });
    expect(anchor(t!, 2, 1)).toMatchObject({ text: '业务岗1：测绘管理岗', rowSpan: 2 });
    const lines = rows(doc);
    expect(lines[1]!.cells).toEqual(['', '', '牵头负责人', '辅助人员', '']);
    expect(lines[1]!.merged).toEqual([true, true, false, false, true]);
    expect(lines[3]!.cells).toEqual(['2', '', '王五', '赵六', '见下表']);
    // gridBefore=1: the row starts in the second grid column; a w:tab inside a cell is a space; w:br a newline.
    expect(lines[4]!.cells).toEqual(['', '综合岗 甲', '孙七 兼', '周八', '']);
    expect(anchor(t!, 4, 1)!.text).toBe('综合岗\n甲');
    expect(lines[4]!.prov).toMatchObject({ ref: '表1 第5行' });
    // The nested table follows its parent, and its text is not in the outer cell.
    expect(nested).toMatchObject({ rows: 2, cols: 2 });
    expect(rows(doc).slice(5).map((l) => l.text)).toEqual(['内表甲\t内表乙', '内表丙\t内表丁']);
    expect(texts(doc)[texts(doc).indexOf('内表丙\t内表丁') + 1]).toBe('表后说明');
  });

  it('reads a bare <w:vMerge/> as "continue", like val="continue"', async () => {
    const a = await read('tables.docx');
    const b = await read('tables-bare-vmerge.docx');
    expect(readFileSync(join(root, 'test/fixtures/read/tables-bare-vmerge.docx')).includes('<w:vMerge/>')).toBe(false); // zipped
    expect(tables(b)).toEqual(tables(a));
  });

  it('renders Word auto-numbering into markers and honours numFmt none', async () => {
    const doc = await read('tables.docx');
    const marked = doc.body.flatMap((b) => (b.kind === 'table' ? [] : [`${b.marker ?? ''}|${b.text}`]));
    expect(marked).toEqual([
      '|岗位职责清单',
      '|总则',
      '第一条|为明确岗位职责，制定本清单。',
      '（一）|岗位设置合理。',
      '（二）|职责边界清晰。',
      '1.|具体要求如下。',
      '第二条|本清单由办公室负责解释。',
      '（一）|解释口径统一。',
      '|不显示编号的段落',
      '甲、|天干编号',
      '乙、|天干编号二',
      '|保留的文字（修订插入）',
      '|岗位\t职责',
      '|表后说明',
    ]);
    expect(texts(doc).slice(2, 4)).toEqual(['第一条 为明确岗位职责，制定本清单。', '（一） 岗位设置合理。']);
    expect(texts(doc)).toContain('甲、天干编号');
  });

  it('takes headings from styles and the title from the Title style; drops deleted text', async () => {
    const doc = await read('tables.docx');
    expect(doc.title).toBe('岗位职责清单');
    expect(docLines(doc).slice(0, 2).map((l) => l.heading)).toEqual([1, 1]);
    expect(texts(doc).join('\n')).not.toContain('已删除');
    expect(texts(doc).join('\n')).not.toContain('DELETED');
    expect(docLines(doc).map((l) => l.prov.line)).toEqual(docLines(doc).map((_, i) => i + 1));
  });

  it('numbers like Word', () => {
    expect([1, 10, 11, 20, 21, 99, 100, 105, 110, 1000, 1001].map((n) => chineseCounting(n))).toEqual([
      '一', '十', '十一', '二十', '二十一', '九十九', '一百', '一百零五', '一百一十', '一千', '一千零一',
    ]);
    expect(formatNumber(3, 'ideographTraditional')).toBe('丙');
    expect(formatNumber(2, 'decimalEnclosedCircle')).toBe('②');
    expect(formatNumber(28, 'upperLetter')).toBe('BB');
    expect(formatNumber(14, 'lowerRoman')).toBe('xiv');
    expect(formatNumber(12, 'chineseLegalSimplified')).toBe('壹拾贰');
    expect(formatNumber(1, 'none')).toBeNull();
  });
});

describe('xlsx / xls', () => {
  it('turns the merged title row into a heading and merges into spans, despite a wrong <dimension>', async () => {
    const doc = await read('merged.xlsx');
    expect(doc.body[0]).toMatchObject({ kind: 'heading', text: '岗位职责清单（示例）', prov: { ref: '岗责!A1' } });
    expect(doc.title).toBe('岗位职责清单（示例）');
    const [t, notes] = tables(doc);
    expect(t).toMatchObject({ rows: 5, cols: 5, sheet: '岗责' });
    expect(anchor(t!, 0, 0)).toMatchObject({ text: '序号', rowSpan: 2 });
    expect(anchor(t!, 0, 2)).toMatchObject({ text: '负责人', colSpan: 2 });
    expect(anchor(t!, 2, 1)).toMatchObject({ text: '业务岗1：测绘管理岗', rowSpan: 2 });
    const lines = rows(doc);
    expect(lines[0]!.prov).toEqual({ line: 2, ref: '岗责!第2行' });
    expect(lines[3]!.cells).toEqual(['2', '', '王五', '赵六', '2024-01-01']);
    expect(lines[3]!.merged).toEqual([false, true, false, false, false]);
    // The empty sheet gives nothing; a one-column sheet is a table, not titles.
    expect(notes).toMatchObject({ sheet: 'Sheet3', rows: 2, cols: 1 });
    expect(docLines(doc).map((l) => l.prov.line)).toEqual(docLines(doc).map((_, i) => i + 1));
  });

  it('keeps every merge of a file with overlapping merges without losing text', async () => {
    const doc = await read('overlapping.xlsx');
    const [t] = tables(doc);
    expect(gridProblems(t!)).toEqual([]);
    const all = docLines(doc).map((l) => l.text).join('\n');
    for (const name of ['张三', '李四', '王五', '赵六', '孙七', '周八', '业务岗1：测绘管理岗']) expect(all).toContain(name);
  });

  it('reads legacy .xls (BIFF8) the same as .xlsx', async () => {
    const xls = await read('merged.xls');
    const xlsx = await read('merged.xlsx');
    expect(xls.format).toBe('xls');
    expect(texts(xls)).toEqual(texts(xlsx));
  });
});

describe('text, markdown, csv, encodings', () => {
  it('decodes BOMs, strict UTF-8 and GB18030', () => {
    expect(decodeText(new Uint8Array([0xef, 0xbb, 0xbf, 0xe5, 0xb2, 0x97]))).toMatchObject({ text: '岗', encoding: 'utf-8', warnings: [] });
    expect(decodeText(new Uint8Array([0xff, 0xfe, 0x97, 0x5c]))).toMatchObject({ text: '岗', encoding: 'utf-16le' });
    expect(decodeText(new Uint8Array([0xfe, 0xff, 0x5c, 0x97]))).toMatchObject({ text: '岗', encoding: 'utf-16be' });
    const gbk = decodeText(new Uint8Array([0xb8, 0xda, 0xce, 0xbb])); // 岗位
    expect(gbk).toMatchObject({ text: '岗位', encoding: 'gb18030' });
    expect(gbk.warnings[0]).toContain('GB18030');
    // UTF-16LE without a BOM is told by the zero bytes of its ASCII (digits, tabs, newlines).
    expect(decodeText(new Uint8Array(Buffer.from('序号\t岗位\r\n1\t综合岗\r\n', 'utf16le')))).toMatchObject({ text: '序号\t岗位\r\n1\t综合岗\r\n', encoding: 'utf-16le' });
  });

  it('reads GBK text and CSV with a warning', async () => {
    const txt = await read('gbk.txt');
    expect(txt.warnings).toEqual(['文件是 GBK/GB18030 编码，已按 GB18030 读取']);
    expect(docLines(txt).map((l) => [l.prov.line, l.text])).toEqual([
      [1, '岗位职责清单'],
      [3, '序号\t岗位名称\t工作事项'],
      [4, '1\t综合岗\t公文审核'],
      [5, '2\t业务岗\t测绘管理'],
      [7, '以上为示例。'],
    ]);
    const csv = await read('gbk.csv');
    expect(rows(csv)[1]!.cells).toEqual(['1', '综合岗', '公文审核,印章管理']);
    expect(csv.warnings[0]).toContain('GB18030');
  });

  it('reads Excel "Unicode text" (UTF-16LE, tabs) as a table', async () => {
    const doc = await read('unicode-text.txt');
    expect(tables(doc)).toHaveLength(1);
    expect(rows(doc).map((l) => l.cells)).toEqual([
      ['序号', '岗位名称', '工作事项'],
      ['1', '综合岗', '公文审核'],
      ['2', '业务岗', '测绘管理'],
    ]);
  });

  it('keeps TAB cells exactly and pads short rows', async () => {
    const doc = await readDocument('a.txt', strToU8('标题\n a \tb\t\nc\n\nx\ty\tz\n'));
    expect(doc.body.map((b) => b.kind)).toEqual(['para', 'table', 'para', 'table']);
    const [t] = tables(doc);
    expect(rows(doc)[0]!.cells).toEqual([' a ', 'b', '']);
    expect(t!.rowProv.map((p) => p.line)).toEqual([2]);
  });

  it('reads Markdown pipe tables, headings and space-aligned columns with their source lines', async () => {
    const doc = await read('tables.md');
    expect(docLines(doc).map((l) => [l.prov.line, l.heading ?? 0, l.text])).toEqual([
      [1, 1, '# 岗位职责清单'],
      [3, 2, '## 一、综合科'],
      [5, 0, '序号\t岗位名称\t工作事项'],
      [7, 0, '1\t综合岗\t公文审核'],
      [8, 0, '2\t业务岗\t测绘管理 | 地籍管理'],
      [10, 0, '说明文字。'],
      [12, 0, '岗位\t职责\t时限'],
      [13, 0, '综合岗\t公文审核\t3个工作日'],
      [14, 0, '业务岗\t测绘管理\t5个工作日'],
    ]);
    expect(tables(doc)[0]!.headerRows).toBe(1);
  });

  it('reads pipe tables without outer pipes', async () => {
    const doc = await readDocument('a.md', strToU8('岗位 | 职责\n--- | ---\n综合岗 | 公文审核\n\n正文 a|b\n'));
    expect(docLines(doc).map((l) => [l.prov.line, l.text])).toEqual([
      [1, '岗位\t职责'],
      [3, '综合岗\t公文审核'],
      [5, '正文 a|b'],
    ]);
  });

  it('does not make tables of two aligned lines, or of lines whose columns do not line up', async () => {
    const two = await readDocument('a.txt', strToU8('组  长：某某  办公室主任  电话\n成  员：某某  科长  电话\n'));
    expect(tables(two)).toHaveLength(0);
    const ragged = await readDocument('a.txt', strToU8('甲乙  丙  丁\n甲  乙乙乙乙  丙丙\n甲乙丙丁  乙  丙\n'));
    expect(tables(ragged)).toHaveLength(0);
  });

  it('reads CSV with quoted commas, newlines and quotes, keeping source lines', async () => {
    const doc = await read('quoted.csv');
    expect(rows(doc).map((l) => [l.prov.line, l.cells])).toEqual([
      [1, ['序号', '岗位名称', '岗位职责', '时限']],
      [2, ['1', '综合岗', '负责公文审核,印章管理', '3个工作日']],
      [3, ['2', '业务岗', '第一行职责 第二行职责', '']],
      [6, ['3', '带"引号"的岗', '测绘管理', '5个工作日']],
    ]);
    expect(anchor(tables(doc)[0]!, 2, 2)!.text).toBe('第一行职责\n第二行职责');
  });

  it('sniffs semicolons and tabs as CSV delimiters', async () => {
    const semi = await read('semicolon.csv');
    expect(rows(semi).map((l) => l.cells)).toEqual([
      ['序号', '岗位名称', '工作事项'],
      ['1', '综合岗', '公文审核'],
      ['2', '业务岗', '测绘;管理'],
    ]);
    const tsv = await readDocument('a.tsv', strToU8('a\tb,c\n1\t2,3\n'));
    expect(rows(tsv).map((l) => l.cells)).toEqual([
      ['a', 'b,c'],
      ['1', '2,3'],
    ]);
  });
});

describe('html', () => {
  it('decodes gb2312 by its meta tag and reads headings, paragraphs, lists and tables', async () => {
    const doc = await read('gb2312.html');
    expect(doc.title).toBe('岗位职责清单');
    expect(texts(doc)).toEqual([
      '岗位职责清单',
      '内设机构名称：综合科',
      '序号\t岗位名称\t负责人\t',
      '\t\t牵头负责人\t辅助人员',
      '1\t业务岗1\t张三\t李四',
      '2\t\t王五 （兼）\t赵六',
      '合计两项\t\t\t',
      '工作要求',
      '1.按时办结',
      '2.规范留痕',
      '注意事项',
      '正文加粗文字',
      '第二行',
    ]);
    const [t] = tables(doc);
    expect(t).toMatchObject({ rows: 5, cols: 4, headerRows: 2, caption: '表一 岗位职责' });
    expect(anchor(t!, 3, 2)!.text).toBe('王五\n（兼）');
    expect(anchor(t!, 4, 0)).toMatchObject({ colSpan: 4 });
    expect(docLines(doc)[0]!.heading).toBe(1);
  });

  it('emits a nested table after its parent, without its text in the parent cell', async () => {
    const page =
      '<table><tr><td>甲</td><td>乙<table><tr><td>内一</td><td>内二</td></tr></table></td></tr><tr><td rowspan="0">丙</td><td>丁</td></tr><tr><td>戊</td></tr></table><p>后</p>';
    const doc = await readDocument('n.html', strToU8(page));
    expect(texts(doc)).toEqual(['甲\t乙', '丙\t丁', '\t戊', '内一\t内二', '后']);
    expect(anchor(tables(doc)[0]!, 1, 0)).toMatchObject({ rowSpan: 2 });
  });

  it('reads pages without a charset declaration as UTF-8, else GB18030', async () => {
    const page = '<html><body><p>岗位职责</p><table><tr><td>综合岗</td></tr></table></body></html>';
    expect(texts(await readDocument('a.html', strToU8(page)))).toEqual(['岗位职责', '综合岗']);
    const gbkBytes = fixture('gb2312.html');
    const undeclared = new TextDecoder('latin1').decode(gbkBytes).replace(/<meta[^>]*>/i, '');
    const bytes = Uint8Array.from(undeclared, (ch) => ch.charCodeAt(0));
    expect(texts(await readDocument('b.html', bytes))[0]).toBe('岗位职责清单');
  });
});

describe('dispatch and refusals', () => {
  const ole = (stream: string) => {
    const cfb = CFB.utils.cfb_new();
    CFB.utils.cfb_add(cfb, `/${stream}`, new Uint8Array(64));
    return new Uint8Array(CFB.write(cfb, { type: 'array' }) as ArrayBuffer);
  };

  it('lists what it reads', () => {
    expect(SUPPORTED_EXTENSIONS).toEqual(expect.arrayContaining(['.txt', '.md', '.csv', '.html', '.docx', '.xlsx', '.xls', '.pdf']));
  });

  it('refuses legacy Word/WPS files by their bytes, whatever the name', async () => {
    expect(unsupportedReason('清单.doc', ole('WordDocument'))).toContain('另存为 .docx');
    expect(unsupportedReason('清单.wps', ole('WordDocument'))).toContain('WPS');
    expect(unsupportedReason('清单.xls', ole('WordDocument'))).toContain('.doc 是旧版 Word 格式');
    expect(unsupportedReason('清单.et', ole('Workbook'))).toContain('.xlsx');
    expect(unsupportedReason('清单.xlsx', ole('EncryptionInfo'))).toContain('密码');
    expect((await failure('清单.doc', ole('WordDocument'))).reason).toBe('.doc 是旧版 Word 格式，请在 Word/WPS 中打开后另存为 .docx 再上传');
  });

  it('says what to do with OFD, images, archives, presentations and empty files', () => {
    const ofd = zipSync({ 'OFD.xml': strToU8('<ofd:OFD/>') });
    expect(unsupportedReason('公文.ofd', ofd)).toContain('PDF');
    expect(unsupportedReason('公文.bin', ofd)).toContain('PDF');
    expect(unsupportedReason('扫描.png', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(
      '图片/扫描件无法读取文字，请提供文字版（Word、Excel 或可复制文字的 PDF）',
    );
    expect(unsupportedReason('扫描.txt', new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]))).toContain('图片');
    expect(unsupportedReason('全部.zip', zipSync({ 'a.txt': strToU8('x') }))).toContain('解压');
    expect(unsupportedReason('汇报.pptx', zipSync({ 'ppt/presentation.xml': strToU8('<p/>') }))).toContain('演示文稿');
    expect(unsupportedReason('空.txt', new Uint8Array())).toContain('空');
    expect(unsupportedReason('x.dat', new Uint8Array([1, 2, 3, 0, 5, 6, 7, 8, 9, 10, 11, 12]))).toContain('无法识别');
    expect(unsupportedReason('a.txt', strToU8('岗位职责'))).toBeNull();
  });

  it('picks the reader by bytes before the name', async () => {
    const docx = fixture('tables.docx');
    expect((await readDocument('改了扩展名.xlsx', docx)).format).toBe('docx');
    expect((await readDocument('无扩展名', fixture('merged.xlsx'))).format).toBe('xlsx');
    expect((await readDocument('page', strToU8('<!DOCTYPE html><html><body><p>正文</p></body></html>'))).format).toBe('html');
  });

  it('routes PDFs to the registered reader, with a clear error while none is', async () => {
    const pdf = strToU8('%PDF-1.4\n%âãÏÓ\n');
    const saved = readers.pdf;
    try {
      delete readers.pdf;
      expect((await failure('清单.pdf', pdf)).reason).toContain('PDF 读取器未启用');
      registerReader('pdf', (file) => ({ file, format: 'pdf', body: [], warnings: ['stub'] }));
      expect((await readDocument('清单.pdf', pdf)).warnings).toEqual(['stub']);
    } finally {
      if (saved) readers.pdf = saved;
      else delete readers.pdf;
    }
  });

  it('fails with a ManualParseError saying what to do on corrupted files', async () => {
    const docx = fixture('tables.docx');
    const truncated = await failure('清单.docx', docx.subarray(0, docx.length - 200));
    expect(truncated.reason).toMatch(/损坏|不完整/);
    expect(truncated.reason).toMatch(/重新/);
    const xlsx = fixture('merged.xlsx');
    expect((await failure('清单.xlsx', xlsx.subarray(0, 3000))).reason).toMatch(/损坏|无法/);
    const noBody = zipSync({ 'word/document.xml': strToU8('<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>') });
    expect((await failure('空.docx', noBody)).reason).toContain('正文');
    const badXml = zipSync({ 'word/document.xml': strToU8('<w:document><w:body><w:p></w:body>') });
    expect((await failure('坏.docx', badXml)).reason).toContain('document.xml');
    expect((await failure('假.docx', strToU8('这不是 Word 文件'))).reason).toContain('.docx');
  });
});

describe('shipped manuals', () => {
  const dir = join(root, 'seeds/manuals');
  const names = readdirSync(dir).filter((f) => f.endsWith('.txt')).sort();
  const sourceLines = (name: string) => readFileSync(join(dir, name), 'utf8').split('\n').map((l) => l.replace(/\r$/, ''));
  const isBlank = (l: string) => !l.includes('\t') && l.trim() === '';
  const trimmedRow = (cells: string[]) => {
    const out = cells.map((c) => c.trim());
    while (out.length && out[out.length - 1] === '') out.pop();
    return out;
  };

  it('has five manuals', () => expect(names).toHaveLength(5));

  it.each(names)('%s: docLines give back every non-blank source line with its line number', async (name) => {
    const doc = await readDocument(name, new Uint8Array(readFileSync(join(dir, name))));
    const lines = sourceLines(name);
    const expected = lines.map((text, i) => ({ text, line: i + 1 })).filter((l) => !isBlank(l.text));
    expect(docLines(doc).map((l) => ({ text: l.text, line: l.prov.line }))).toEqual(expected);
  });

  it.each(names)('%s: the converted .docx has the same table rows as the text', async (name) => {
    const base = name.replace(/\.txt$/, '');
    const doc = await readDocument(`${base}.docx`, new Uint8Array(readFileSync(join(root, 'test/fixtures/converted', `${base}.docx`))));
    const expected = sourceLines(name).filter((l) => l.includes('\t')).map((l) => trimmedRow(l.split('\t')));
    expect(rows(doc).map((l) => trimmedRow(l.cells!))).toEqual(expected);
    for (const t of tables(doc)) expect(gridProblems(t)).toEqual([]);
  });

  it.each(names)('%s: the converted .xlsx has the same rows as the text', async (name) => {
    const base = name.replace(/\.txt$/, '');
    const doc = await readDocument(`${base}.xlsx`, new Uint8Array(readFileSync(join(root, 'test/fixtures/converted', `${base}.xlsx`))));
    // The sheet holds every non-blank line as a row: TAB lines split into cells, other lines in column A.
    const all = sourceLines(name)
      .filter((l) => !isBlank(l))
      .map((l) => ({ tab: l.includes('\t'), cells: trimmedRow(l.includes('\t') ? l.split('\t') : [l]) }));
    const lines = docLines(doc);
    const titles = lines.findIndex((l: DocLine) => l.table);
    expect(titles).toBeGreaterThanOrEqual(0);
    // Leading one-cell rows are read as titles before the table.
    expect(lines.slice(0, titles).map((l) => l.text.trim())).toEqual(all.slice(0, titles).map((r) => r.cells[0]));
    const tableRows = lines.slice(titles).map((l) => trimmedRow(l.cells!));
    expect(tableRows).toEqual(all.slice(titles).map((r) => r.cells));
    // So the TAB lines come back in order.
    const tabRows = all.filter((r) => r.tab).map((r) => r.cells);
    expect(tableRows.filter((_, i) => all[titles + i]!.tab)).toEqual(tabRows);
    expect(tabRows.length).toBeGreaterThan(0);
  });
});

describe('tableGrid', () => {
  it('marks covered slots and vertical merges', async () => {
    const [t] = tables(await read('tables.docx'));
    const g = tableGrid(t!);
    expect(g.covered[0]![3]).toBe(true);
    expect(g.vertical[0]![3]).toBe(false);
    expect(g.vertical[1]![0]).toBe(true);
  });
});

describe('damaged files', () => {
  // A deterministic byte generator, so a failure reproduces.
  const lcg = (seed: number) => () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);

  it.each(['tables.docx', 'merged.xlsx', 'merged.xls', 'gb2312.html', 'quoted.csv', 'gbk.txt'])(
    '%s: truncated or with flipped bytes gives a document or a ManualParseError, never a crash',
    async (name) => {
      const bytes = fixture(name);
      const rand = lcg(bytes.length);
      const variants: Uint8Array[] = [];
      for (const frac of [0.1, 0.5, 0.9, 0.99]) variants.push(bytes.subarray(0, Math.floor(bytes.length * frac)));
      for (let k = 0; k < 8; k++) {
        const copy = new Uint8Array(bytes);
        for (let j = 0; j < 4; j++) copy[Math.floor(rand() * copy.length)] = Math.floor(rand() * 256);
        variants.push(copy);
      }
      let failures = 0;
      for (const v of variants) {
        try {
          const doc = await readDocument(name, v);
          for (const t of tables(doc)) expect(gridProblems(t)).toEqual([]);
        } catch (err) {
          expect(err).toBeInstanceOf(ManualParseError);
          expect((err as ManualParseError).reason).toMatch(/[\u4e00-\u9fff]/);
          failures++;
        }
      }
      if (name.endsWith('.docx') || name.endsWith('.xlsx')) expect(failures).toBeGreaterThan(0);
    },
  );
});
