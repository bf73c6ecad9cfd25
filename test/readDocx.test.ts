/** The Word reader on hand-written XML: the cases Word and WPS write but the `docx` package does not. */
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { type TableBlock, docLines } from '../ingest/document.js';
import { gridProblems } from '../ingest/read/grid.js';
import { readDocument } from '../ingest/read/index.js';

const W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"';
const MC = 'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"';

function docx(body: string, styles = '', numbering = ''): Uint8Array {
  const files: Record<string, Uint8Array> = {
    '[Content_Types].xml': strToU8('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'),
    'word/document.xml': strToU8(`<?xml version="1.0" encoding="UTF-8"?><w:document ${W} ${MC}><w:body>${body}<w:sectPr/></w:body></w:document>`),
  };
  if (styles) files['word/styles.xml'] = strToU8(`<?xml version="1.0"?><w:styles ${W}>${styles}</w:styles>`);
  if (numbering) files['word/numbering.xml'] = strToU8(`<?xml version="1.0"?><w:numbering ${W}>${numbering}</w:numbering>`);
  return zipSync(files);
}

const p = (text: string, pPr = '') => `<w:p>${pPr ? `<w:pPr>${pPr}</w:pPr>` : ''}<w:r><w:t xml:space="preserve">${text}</w:t></w:r></w:p>`;
const tc = (text: string, tcPr = '') => `<w:tc>${tcPr ? `<w:tcPr>${tcPr}</w:tcPr>` : ''}${p(text)}</w:tc>`;
const lvl = (ilvl: number, fmt: string, text: string, extra = '') =>
  `<w:lvl w:ilvl="${ilvl}"><w:start w:val="1"/><w:numFmt w:val="${fmt}"/><w:lvlText w:val="${text}"/>${extra}</w:lvl>`;

async function read(bytes: Uint8Array) {
  const doc = await readDocument('t.docx', bytes);
  return { doc, lines: docLines(doc), tables: doc.body.filter((b): b is TableBlock => b.kind === 'table') };
}

describe('docx headings', () => {
  it('takes levels from WPS/Word style names, numeric style ids and outline levels', async () => {
    const styles = `
      <w:style w:type="paragraph" w:styleId="1"><w:name w:val="heading 1"/></w:style>
      <w:style w:type="paragraph" w:styleId="Heading2CN"><w:name w:val="标题 2"/></w:style>
      <w:style w:type="paragraph" w:styleId="Mine"><w:name w:val="我的标题"/><w:basedOn w:val="Outline3"/></w:style>
      <w:style w:type="paragraph" w:styleId="Outline3"><w:name w:val="Outline3"/><w:pPr><w:outlineLvl w:val="2"/></w:pPr></w:style>`;
    const body = [
      p('第一章 总则', '<w:pStyle w:val="1"/>'),
      p('第一节 范围', '<w:pStyle w:val="Heading2CN"/>'),
      p('继承大纲级别', '<w:pStyle w:val="Mine"/>'),
      p('段落自带大纲级别', '<w:outlineLvl w:val="3"/>'),
      p('正文文本级别', '<w:pStyle w:val="1"/><w:outlineLvl w:val="9"/>'),
      p('普通段落'),
    ].join('');
    const { lines } = await read(docx(body, styles));
    expect(lines.map((l) => [l.text, l.heading])).toEqual([
      ['第一章 总则', 1],
      ['第一节 范围', 2],
      ['继承大纲级别', 3],
      ['段落自带大纲级别', 4],
      ['正文文本级别', undefined],
      ['普通段落', undefined],
    ]);
  });
});

describe('docx numbering', () => {
  const numbering = `
    <w:abstractNum w:abstractNumId="0">
      ${lvl(0, 'chineseCountingThousand', '%1、')}
      ${lvl(1, 'decimal', '%1.%2', '<w:isLgl/>')}
      ${lvl(2, 'decimalEnclosedCircle', '%3')}
    </w:abstractNum>
    <w:abstractNum w:abstractNumId="1">${lvl(0, 'none', '')}</w:abstractNum>
    <w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
    <w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>
    <w:num w:numId="3"><w:abstractNumId w:val="0"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="5"/></w:lvlOverride></w:num>`;
  const num = (id: number, ilvl = 0) => `<w:numPr><w:ilvl w:val="${ilvl}"/><w:numId w:val="${id}"/></w:numPr>`;

  it('renders levels, isLgl, restarts deeper levels, follows styles, honours none and startOverride', async () => {
    const styles = `
      <w:style w:type="paragraph" w:styleId="Art"><w:name w:val="条款"/><w:pPr>${num(1)}</w:pPr></w:style>
      <w:style w:type="paragraph" w:styleId="ArtChild"><w:name w:val="条款子"/><w:basedOn w:val="Art"/></w:style>
      <w:style w:type="paragraph" w:styleId="H1"><w:name w:val="heading 1"/><w:pPr>${num(2)}</w:pPr></w:style>`;
    const body = [
      p('甲', `<w:pStyle w:val="Art"/>`),
      p('甲一', num(1, 1)),
      p('圈一', num(1, 2)),
      p('圈二', num(1, 2)),
      p('甲二', num(1, 1)),
      p('圈一again', num(1, 2)),
      p('乙', `<w:pStyle w:val="ArtChild"/>`),
      p('乙一', num(1, 1)),
      p('无编号标题', `<w:pStyle w:val="H1"/>`),
      p('取消编号', `<w:pStyle w:val="Art"/>${num(0)}`),
      p('重新起号', num(3)),
      p('重新起号二', num(3)),
    ].join('');
    const { doc, lines } = await read(docx(body, styles, numbering));
    expect(doc.body.map((b) => (b.kind === 'table' ? '' : `${b.marker ?? '-'} ${b.text}`))).toEqual([
      '一、 甲',
      '1.1 甲一',
      '① 圈一',
      '② 圈二',
      '1.2 甲二',
      '① 圈一again',
      '二、 乙',
      '2.1 乙一',
      '- 无编号标题',
      '- 取消编号',
      '五、 重新起号',
      '六、 重新起号二',
    ]);
    expect(lines[0]!.text).toBe('一、甲');
    expect(lines[1]!.text).toBe('1.1 甲一');
    expect(lines[8]!.heading).toBe(1);
  });
});

describe('docx tables and text', () => {
  it('reads hMerge, a vMerge continue with nothing above, and rows shorter than the grid', async () => {
    const tbl = `<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/></w:tblGrid>
      <w:tr>${tc('横向合并', '<w:hMerge w:val="restart"/>')}${tc('', '<w:hMerge/>')}${tc('丙')}</w:tr>
      <w:tr>${tc('孤立续接', '<w:vMerge/>')}${tc('乙')}</w:tr>
      <w:tr><w:trPr><w:gridBefore w:val="2"/></w:trPr>${tc('末')}</w:tr>
    </w:tbl>`;
    const { tables, lines } = await read(docx(tbl));
    const [t] = tables;
    expect(gridProblems(t!)).toEqual([]);
    expect(t!.cells.find((c) => c.r === 0 && c.c === 0)).toMatchObject({ text: '横向合并', colSpan: 2 });
    expect(lines.map((l) => l.cells)).toEqual([
      ['横向合并', '', '丙'],
      ['孤立续接', '乙', ''],
      ['', '', '末'],
    ]);
  });

  it('reads text boxes once, content controls and insertions; skips field codes and deletions', async () => {
    const box = `<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><w:txbxContent>${p('红头标题')}</w:txbxContent></w:drawing></mc:Choice>
      <mc:Fallback><w:pict><w:txbxContent>${p('红头标题')}</w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>`;
    const field = `<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>第3页</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>`;
    const sdt = `<w:sdt><w:sdtPr/><w:sdtContent>${p('控件里的段落')}</w:sdtContent></w:sdt>`;
    const tracked = `<w:p><w:r><w:t>保留</w:t></w:r><w:del><w:r><w:delText>删掉</w:delText></w:r></w:del><w:ins><w:r><w:t>插入</w:t></w:r></w:ins></w:p>`;
    const breaks = `<w:p><w:r><w:t>第一行</w:t><w:br/><w:t>第二行</w:t></w:r></w:p>`;
    const { lines } = await read(docx(box + field + sdt + tracked + breaks));
    expect(lines.map((l) => l.text)).toEqual(['红头标题', '第3页', '控件里的段落', '保留插入', '第一行', '第二行']);
  });
});
