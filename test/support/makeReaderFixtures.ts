/**
 * Writes the reader fixtures under test/fixtures/read/ (committed: CI has no network).
 *   npx tsx test/support/makeReaderFixtures.ts
 * Word files come from the `docx` package, then a few XML edits make the cases writers never produce
 * (bare <w:vMerge/>, gridBefore); spreadsheets from SheetJS with edited sheet XML (wrong <dimension>,
 * overlapping merges); GBK text from iconv-lite.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as XLSX from '@e965/xlsx';
import {
  AlignmentType,
  Document,
  HeadingLevel,
  LevelFormat,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  Tab,
  TextRun,
  VerticalMergeType,
} from 'docx';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import iconv from 'iconv-lite';

const dir = new URL('../fixtures/read/', import.meta.url);
mkdirSync(dir, { recursive: true });
const out = (name: string, data: Uint8Array | string) => writeFileSync(new URL(name, dir), data);

/** Rewrites one part of a zip (docx/xlsx) through `edit`. */
export function editZip(bytes: Uint8Array, part: string, edit: (xml: string) => string): Uint8Array {
  const files = unzipSync(bytes);
  const xml = files[part];
  if (!xml) throw new Error(`no ${part}`);
  files[part] = strToU8(edit(strFromU8(xml)));
  return zipSync(files);
}

const cell = (text: string, opts: { columnSpan?: number; rowSpan?: number; verticalMerge?: 'restart' | 'continue' } = {}) =>
  new TableCell({
    children: text.split('\n').map((line) => new Paragraph(line)),
    columnSpan: opts.columnSpan,
    verticalMerge: opts.verticalMerge === 'restart' ? VerticalMergeType.RESTART : opts.verticalMerge === 'continue' ? VerticalMergeType.CONTINUE : undefined,
  });

async function makeDocx(): Promise<void> {
  // Table 1: two header rows (tblHeader), vMerge restart/continue, gridSpan, a nested table, a tab and a break.
  const nested = new Table({
    rows: [new TableRow({ children: [cell('内表甲'), cell('内表乙')] }), new TableRow({ children: [cell('内表丙'), cell('内表丁')] })],
  });
  const duties = new Table({
    rows: [
      new TableRow({
        tableHeader: true,
        children: [cell('序号', { verticalMerge: 'restart' }), cell('岗位名称', { verticalMerge: 'restart' }), cell('负责人', { columnSpan: 2 }), cell('备注', { verticalMerge: 'restart' })],
      }),
      new TableRow({
        tableHeader: true,
        children: [cell('', { verticalMerge: 'continue' }), cell('', { verticalMerge: 'continue' }), cell('牵头负责人'), cell('辅助人员'), cell('', { verticalMerge: 'continue' })],
      }),
      new TableRow({
        children: [cell('1'), cell('业务岗1：测绘管理岗', { verticalMerge: 'restart' }), cell('张三'), cell('李四'), cell('')],
      }),
      new TableRow({
        children: [
          cell('2'),
          cell('', { verticalMerge: 'continue' }),
          cell('王五'),
          cell('赵六'),
          new TableCell({ children: [new Paragraph('见下表'), nested] }),
        ],
      }),
      new TableRow({
        children: [
          cell('GRIDBEFORE-MARK'),
          new TableCell({ children: [new Paragraph({ children: [new TextRun('综合岗'), new TextRun({ text: '甲', break: 1 })] })] }),
          new TableCell({ children: [new Paragraph({ children: [new TextRun('孙七'), new TextRun({ children: [new Tab(), '兼']})] })] }),
          cell('周八'),
          cell(''),
        ],
      }),
    ],
  });
  const doc = new Document({
    numbering: {
      config: [
        {
          reference: 'articles',
          levels: [
            { level: 0, format: LevelFormat.CHINESE_COUNTING, text: '第%1条', alignment: AlignmentType.LEFT },
            { level: 1, format: LevelFormat.CHINESE_COUNTING, text: '（%2）', alignment: AlignmentType.LEFT },
            { level: 2, format: LevelFormat.DECIMAL, text: '%3.', alignment: AlignmentType.LEFT },
          ],
        },
        { reference: 'silent', levels: [{ level: 0, format: LevelFormat.NONE, text: '', alignment: AlignmentType.LEFT }] },
        { reference: 'stems', levels: [{ level: 0, format: LevelFormat.IDEOGRAPH_TRADITIONAL, text: '%1、', alignment: AlignmentType.LEFT }] },
      ],
    },
    sections: [
      {
        children: [
          new Paragraph({ text: '岗位职责清单', heading: HeadingLevel.TITLE }),
          new Paragraph({ text: '总则', heading: HeadingLevel.HEADING_1 }),
          new Paragraph({ text: '为明确岗位职责，制定本清单。', numbering: { reference: 'articles', level: 0 } }),
          new Paragraph({ text: '岗位设置合理。', numbering: { reference: 'articles', level: 1 } }),
          new Paragraph({ text: '职责边界清晰。', numbering: { reference: 'articles', level: 1 } }),
          new Paragraph({ text: '具体要求如下。', numbering: { reference: 'articles', level: 2 } }),
          new Paragraph({ text: '本清单由办公室负责解释。', numbering: { reference: 'articles', level: 0 } }),
          new Paragraph({ text: '解释口径统一。', numbering: { reference: 'articles', level: 1 } }),
          new Paragraph({ text: '不显示编号的段落', numbering: { reference: 'silent', level: 0 } }),
          new Paragraph({ text: '天干编号', numbering: { reference: 'stems', level: 0 } }),
          new Paragraph({ text: '天干编号二', numbering: { reference: 'stems', level: 0 } }),
          new Paragraph({ children: [new TextRun('保留的文字'), new TextRun('DELETED-MARK')] }),
          new Paragraph({ children: [new TextRun('岗位'), new TextRun({ children: [new Tab(), '职责'] })] }),
          duties,
          new Paragraph('表后说明'),
        ],
      },
    ],
  });
  const written = new Uint8Array(await Packer.toBuffer(doc));
  const edited = editZip(written, 'word/document.xml', (xml) => {
    // The row holding GRIDBEFORE-MARK: drop its first cell and start it at grid column 1 instead.
    const rows = xml.split('<w:tr>');
    const i = rows.findIndex((r) => r.includes('GRIDBEFORE-MARK'));
    if (i < 0) throw new Error('no marker row');
    let row = rows[i]!;
    const firstCell = /<w:tc>[\s\S]*?<\/w:tc>/.exec(row)!;
    row = row.replace(firstCell[0], '');
    row = row.includes('<w:trPr>') ? row.replace('<w:trPr>', '<w:trPr><w:gridBefore w:val="1"/>') : `<w:trPr><w:gridBefore w:val="1"/></w:trPr>${row}`;
    rows[i] = row;
    xml = rows.join('<w:tr>');
    // Tracked changes: a deletion (must vanish) and an insertion (must stay).
    xml = xml.replace(/<w:r>((?:(?!<w:r>)[\s\S])*?)<w:t xml:space="preserve">DELETED-MARK<\/w:t><\/w:r>/, '<w:del w:id="91" w:author="x"><w:r>$1<w:delText>已删除</w:delText></w:r></w:del><w:ins w:id="92" w:author="x"><w:r><w:t>（修订插入）</w:t></w:r></w:ins>');
    return xml;
  });
  out('tables.docx', edited);
  // The same file with Word's other spelling of "continue": a bare <w:vMerge/>.
  out('tables-bare-vmerge.docx', editZip(edited, 'word/document.xml', (xml) => xml.replace(/<w:vMerge w:val="continue"\/>/g, '<w:vMerge/>')));
}

function makeXlsx(): void {
  const aoa = [
    ['岗位职责清单（示例）', null, null, null, null],
    ['序号', '岗位名称', '负责人', null, '备注'],
    [null, null, '牵头负责人', '辅助人员', null],
    [1, '业务岗1：测绘管理岗', '张三', '李四', null],
    [2, null, '王五', '赵六', '日期'],
    [3, '综合岗', '孙七', '周八', null],
  ];
  const ws = XLSX.utils.aoa_to_sheet(aoa);
  ws['E5'] = { t: 'n', v: 45292, z: 'yyyy-mm-dd' };
  ws['!merges'] = [
    XLSX.utils.decode_range('A1:E1'),
    XLSX.utils.decode_range('A2:A3'),
    XLSX.utils.decode_range('B2:B3'),
    XLSX.utils.decode_range('C2:D2'),
    XLSX.utils.decode_range('E2:E3'),
    XLSX.utils.decode_range('B4:B5'),
  ];
  const wb = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(wb, ws, '岗责');
  XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet([]), '空表');
  const notes = XLSX.utils.aoa_to_sheet([['说明'], ['第二张表只有一列']]);
  XLSX.utils.book_append_sheet(wb, notes, 'Sheet3');
  const bytes = new Uint8Array(XLSX.write(wb, { type: 'array', bookType: 'xlsx' }) as ArrayBuffer);
  // WPS stores a wrong <dimension> (A1:A1); the reader must compute the used range from the cells.
  const wrongDimension = editZip(bytes, 'xl/worksheets/sheet1.xml', (xml) => xml.replace(/<dimension ref="[^"]*"\/>/, '<dimension ref="A1:A1"/>'));
  out('merged.xlsx', wrongDimension);
  // Overlapping merges (B4:C5 overlaps B4:B5 and nothing else may): exceljs throws on these.
  out(
    'overlapping.xlsx',
    editZip(wrongDimension, 'xl/worksheets/sheet1.xml', (xml) =>
      xml.replace(/<mergeCells count="(\d+)">/, (_, n: string) => `<mergeCells count="${Number(n) + 1}">`).replace('</mergeCells>', '<mergeCell ref="B4:C5"/></mergeCells>'),
    ),
  );
  // Legacy BIFF8 .xls from the same sheet.
  out('merged.xls', new Uint8Array(XLSX.write(wb, { type: 'array', bookType: 'biff8' }) as ArrayBuffer));
}

function makeText(): void {
  const gbkText = ['岗位职责清单', '', '序号\t岗位名称\t工作事项', '1\t综合岗\t公文审核', '2\t业务岗\t测绘管理', '', '以上为示例。'].join('\r\n') + '\r\n';
  out('gbk.txt', iconv.encode(gbkText, 'gbk'));
  out('gbk.csv', iconv.encode('序号,岗位名称,工作事项\r\n1,综合岗,"公文审核,印章管理"\r\n2,业务岗,测绘管理\r\n', 'gbk'));
  // Excel's "Unicode text": UTF-16LE with a BOM, tab-separated.
  const unicodeText = '序号\t岗位名称\t工作事项\r\n1\t综合岗\t公文审核\r\n2\t业务岗\t测绘管理\r\n';
  out('unicode-text.txt', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(unicodeText, 'utf16le')]));
  out(
    'quoted.csv',
    '\uFEFF序号,岗位名称,岗位职责,时限\n1,综合岗,"负责公文审核,印章管理",3个工作日\n2,业务岗,"第一行职责\n第二行职责",\n\n3,"带""引号""的岗",测绘管理,5个工作日\n',
  );
  out('semicolon.csv', '序号;岗位名称;工作事项\n1;综合岗;公文审核\n2;业务岗;"测绘;管理"\n');
  out(
    'tables.md',
    [
      '# 岗位职责清单',
      '',
      '## 一、综合科',
      '',
      '| 序号 | 岗位名称 | 工作事项 |',
      '|---|:---:|---|',
      '| 1 | 综合岗 | 公文审核 |',
      '| 2 | 业务岗 | 测绘管理 \\| 地籍管理 |',
      '',
      '说明文字。',
      '',
      '岗位      职责          时限',
      '综合岗    公文审核      3个工作日',
      '业务岗    测绘管理      5个工作日',
      '',
    ].join('\n'),
  );
  const html = `<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"><title>岗位职责清单</title></head>
<body>
<h1>岗位职责清单</h1>
<p>内设机构名称：综合科</p>
<table border="1">
<caption>表一 岗位职责</caption>
<thead>
<tr><th rowspan="2">序号</th><th rowspan="2">岗位名称</th><th colspan="2">负责人</th></tr>
<tr><th>牵头负责人</th><th>辅助人员</th></tr>
</thead>
<tbody>
<tr><td>1</td><td rowspan="2">业务岗1</td><td>张三</td><td>李四</td></tr>
<tr><td>2</td><td>王五<br>（兼）</td><td>赵六</td></tr>
<tr><td colspan="9">合计两项</td></tr>
</tbody>
</table>
<h2>工作要求</h2>
<ol><li>按时办结</li><li>规范留痕</li></ol>
<ul><li>注意事项</li></ul>
<div>正文<b>加粗</b>文字<br>第二行</div>
<script>var ignored = "不应读取";</script>
</body></html>
`;
  out('gb2312.html', iconv.encode(html, 'gb2312'));
}

await makeDocx();
makeXlsx();
makeText();
console.log('fixtures written to', dir.pathname);
