/**
 * Builds the committed PDF fixtures: `npx tsx test/support/makePdfFixtures.ts [hand] [chromium] [manuals]`.
 * Chromium-printed ones need Debian's `chromium` and a CJK font (fonts-noto-cjk, whose shared glyphs make
 * Chromium write Kangxi radicals); they differ byte-wise on every run (dates, ids), so regenerate only on purpose.
 * The hand-written ones (`hand`) need nothing and come out the same every time.
 * Outputs: test/fixtures/pdf/*.pdf and test/fixtures/converted/<manual>.pdf (from seeds/manuals/*.txt).
 */
import { printHtmlToPdf } from './chromium.js';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..', '..');
const pdfDir = join(root, 'test', 'fixtures', 'pdf');
const convertedDir = join(root, 'test', 'fixtures', 'converted');

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const STYLE = `
@page { size: A4; margin: 15mm; }
body { font-family: "Noto Sans CJK SC", "Noto Serif CJK SC", sans-serif; font-size: 10.5pt; margin: 0; }
table { border-collapse: collapse; width: 100%; margin: 6pt 0; }
td, th { border: 0.75pt solid #000; padding: 2pt 3pt; vertical-align: middle; overflow-wrap: anywhere; font-weight: normal; }
th { text-align: center; }
p { margin: 3pt 0; line-height: 1.5; }
`;

function page(body: string, extraStyle = ''): string {
  return `<!doctype html><html><head><meta charset="utf-8"><style>${STYLE}${extraStyle}</style></head><body>${body}</body></html>`;
}

function printPdf(html: string, out: string): void {
  const dir = mkdtempSync(join(tmpdir(), 'pdffix-'));
  try {
    const file = join(dir, 'in.html');
    writeFileSync(file, html);
    printHtmlToPdf(file, out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A bordered duty table: title, two-row header (负责人 spans two columns), a rowspan, a wrapped cell. */
function borderedTable(): string {
  return page(`
<p>一、岗位职责清单</p>
<table>
<thead>
<tr><th rowspan="2">序号</th><th rowspan="2">岗位</th><th rowspan="2">工作事项</th><th colspan="2">负责人</th><th rowspan="2">时限</th></tr>
<tr><th>牵头</th><th>配合</th></tr>
</thead>
<tbody>
<tr><td>1</td><td rowspan="2">办公室主任</td><td>公文审核</td><td>张三</td><td>李四</td><td>3个工作日</td></tr>
<tr><td>2</td><td>会议组织与重要活动保障，包括会务筹备、材料准备、会场布置和会后督办落实等各项工作</td><td>王五</td><td></td><td>5个工作日</td></tr>
<tr><td>3</td><td>档案管理员</td><td colspan="3">档案收集、整理、归档和查阅利用</td><td>即时</td></tr>
</tbody>
</table>
<p>说明：本表自印发之日起施行。</p>`);
}

/** A long table with a repeated <thead>: Chromium repeats it on the next page. */
function twoPageTable(): string {
  const rows: string[] = [];
  for (let i = 1; i <= 45; i++) {
    rows.push(`<tr><td>${i}</td><td>业务岗${i}</td><td>第${i}项工作事项的办理和督促落实</td><td>${(i % 5) + 1}个工作日</td></tr>`);
  }
  return page(`
<p>二、业务岗位工作事项表</p>
<table>
<thead><tr><th>序号</th><th>岗位名称</th><th>工作事项</th><th>办理时限</th></tr></thead>
<tbody>${rows.join('\n')}</tbody>
</table>
<p>以上事项按月汇总。</p>`);
}

/** Prose over three pages with numbered headings, a running header and page numbers at the foot. */
function prose(): string {
  const pageStyle = `
.pg { height: 262mm; position: relative; break-after: page; }
.pg:last-child { break-after: auto; }
.hd { position: absolute; top: 0; left: 0; right: 0; text-align: center; font-size: 9pt; }
.ft { position: absolute; bottom: 0; left: 0; right: 0; text-align: center; font-size: 9pt; }
.bd { padding-top: 12mm; }
p { text-indent: 2em; }
p.h { text-indent: 0; }`;
  const long =
    '各科室要按照职责分工，认真落实各项工作任务，加强协调配合，确保工作有序推进。对工作中发现的问题，要及时研究解决，重大事项及时向局领导报告，并做好相关材料的收集整理和归档工作。';
  const pages = [
    `<p class="h" style="font-size: 16pt; text-align: center">工作规程</p><p class="h">一、总体要求</p><p>${long}</p><p class="h">（一）工作目标</p><p>${long}</p><p class="h">1.明确岗位职责</p><p>每个岗位都要有清晰的职责描述。</p><p class="h">2.规范工作流程</p><p>${long}</p>`,
    `<p class="h">（二）主要任务</p><p>${long}</p><p>${long}</p><p class="h">二、保障措施</p><p>${long}</p>`,
    `<p class="h">（一）加强组织领导</p><p>${long}</p><p class="h">（二）强化督促检查</p><p>对落实不力的，予以通报。</p>`,
  ];
  const foots = ['- 1 -', '第 2 页 共 3 页', '- 3 -'];
  return page(
    pages
      .map((b, i) => `<div class="pg"><div class="hd">某某局内部工作规程</div><div class="bd">${b}</div><div class="ft">${foots[i]}</div></div>`)
      .join(''),
    pageStyle,
  );
}

/** An unruled table over three pages, its header repeated at the top of each. */
function streamPages(): string {
  const rows: string[] = [];
  for (let i = 1; i <= 100; i++) {
    rows.push(`<tr><td>${i}</td><td>窗口岗${i}</td><td>第${i}项业务受理</td><td>${(i % 3) + 1}个工作日</td></tr>`);
  }
  const cell = 'style="border: none; padding: 2pt 36pt 2pt 0; text-align: left"';
  return page(`
<p>五、窗口业务清单</p>
<table style="width: auto; border-collapse: separate; border-spacing: 0">
<thead><tr>${['序号', '岗位名称', '工作事项', '办理时限'].map((h) => `<th ${cell}>${h}</th>`).join('')}</tr></thead>
<tbody>${rows.join('\n').replace(/<td>/g, `<td ${cell}>`)}</tbody>
</table>`);
}

/** The text of the long cell in `split-row.pdf`. */
export const SPLIT_ROW_TEXT = Array.from({ length: 150 }, (_, i) => `第${i + 1}条：按规定办理相关审批事项并及时归档。`).join('');

/** A row too tall for one page: Chromium breaks it, and the reader must join its two halves. */
function splitRow(): string {
  return page(`
<p>四、长事项表</p>
<table>
<tr><th>序号</th><th>事项</th><th>时限</th></tr>
<tr><td>1</td><td>${SPLIT_ROW_TEXT}</td><td>按件办理</td></tr>
<tr><td>2</td><td>年度总结</td><td>12月底前</td></tr>
</table>`);
}

/** Each cell boxed on its own (border-collapse: separate): every inner border is a pair of lines. */
function separateBorders(): string {
  return page(`
<table style="border-collapse: separate; border-spacing: 3pt">
<tr><td>岗位</td><td>职责</td><td>时限</td></tr>
<tr><td>科员</td><td>文件收发登记</td><td>1个工作日</td></tr>
<tr><td>科长</td><td colspan="2">审核签发</td></tr>
</table>`);
}

/** A table without any ruling lines: only the x-gaps between its columns tell them apart. */
function streamTable(): string {
  const rows = [
    ['序号', '岗位名称', '工作事项', '办理时限'],
    ['1', '综合岗', '文件收发与登记', '1个工作日'],
    ['2', '财务岗', '经费报销审核', '3个工作日'],
    ['3', '档案岗', '档案整理归档', '5个工作日'],
    ['4', '信息岗', '网站信息发布', '即时'],
  ];
  return page(`
<p>三、窗口岗位一览</p>
<table style="width: auto; border-collapse: separate; border-spacing: 0">
${rows.map((r) => `<tr>${r.map((c) => `<td style="border: none; padding: 2pt 36pt 2pt 0">${c}</td>`).join('')}</tr>`).join('\n')}
</table>
<p>以上岗位实行AB角工作制。</p>`);
}

/** One of the shipped manuals: each run of tab lines is one bordered table, other lines paragraphs. */
export function manualHtml(text: string): string {
  const lines = text.split(/\r?\n/);
  const parts: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.includes('\t')) {
      const run: string[][] = [];
      while (i < lines.length && lines[i]!.includes('\t')) run.push(lines[i++]!.split('\t'));
      const cols = Math.max(...run.map((r) => r.length));
      parts.push(
        `<table>${run.map((r) => `<tr>${Array.from({ length: cols }, (_, c) => `<td>${esc(r[c] ?? '')}</td>`).join('')}</tr>`).join('\n')}</table>`,
      );
      continue;
    }
    if (line.trim()) parts.push(`<p>${esc(line)}</p>`);
    i++;
  }
  return page(parts.join('\n'), 'td { vertical-align: top; font-size: 9pt; }');
}

// ---- hand-written PDFs ----

function buildPdf(objects: string[], trailerExtra = ''): Uint8Array {
  let out = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R ${trailerExtra}>>\nstartxref\n${xref}\n%%EOF\n`;
  return new Uint8Array(Buffer.from(out, 'latin1'));
}

function stream(content: string): string {
  return `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`;
}

const ucs2Hex = (s: string): string =>
  [...s].map((ch) => ch.codePointAt(0)!.toString(16).padStart(4, '0')).join('').toUpperCase();

/**
 * Pages of text in the non-embedded `STSong-Light` with the predefined CMap `UniGB-UCS2-H`, the layout of
 * WPS/Acrobat files whose 宋体 was not embedded. An empty page gets only a filled rectangle (a "scan").
 */
export function stSongPdf(pages: (string[] | RawPage)[], opts: { encrypt?: boolean } = {}): Uint8Array {
  // 1 catalog, 2 pages, 3 font, 4 descendant, 5 descriptor, then page+content pairs
  const objects: string[] = [];
  const kids = pages.map((_, i) => `${6 + i * 2} 0 R`).join(' ');
  objects.push('<< /Type /Catalog /Pages 2 0 R >>');
  objects.push(`<< /Type /Pages /Kids [${kids}] /Count ${pages.length} >>`);
  objects.push('<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [4 0 R] >>');
  objects.push(
    '<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /FontDescriptor 5 0 R /DW 1000 >>',
  );
  objects.push(
    '<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>',
  );
  pages.forEach((lines, i) => {
    const contentRef = 7 + i * 2;
    const raw = Array.isArray(lines) ? null : lines;
    objects.push(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] ${raw?.rotate ? `/Rotate ${raw.rotate} ` : ''}/Resources << /Font << /F1 3 0 R >> >> /Contents ${contentRef} 0 R >>`,
    );
    const texts = raw ? [] : (lines as string[]);
    const content = raw
      ? raw.content
      : texts.length
        ? texts.map((l, j) => `BT /F1 14 Tf 72 ${760 - j * 28} Td <${ucs2Hex(l)}> Tj ET`).join('\n')
        : '0.6 g 60 80 475 680 re f';
    objects.push(stream(content));
  });
  if (opts.encrypt) {
    // A standard security handler whose user password is not empty: readers must ask for a password.
    const o = 'A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E8F90';
    const u = '0F1E2D3C4B5A69788796A5B4C3D2E1F00F1E2D3C4B5A69788796A5B4C3D2E1F0';
    objects.push(`<< /Filter /Standard /V 1 /R 2 /O <${o}> /U <${u}> /P -44 >>`);
    return buildPdf(objects, `/Encrypt ${objects.length} 0 R /ID [<0123456789ABCDEF0123456789ABCDEF> <0123456789ABCDEF0123456789ABCDEF>] `);
  }
  return buildPdf(objects);
}

interface RawPage {
  content: string;
  rotate?: number;
}

/**
 * A landscape table the way some exporters write it: a portrait MediaBox turned by /Rotate 90, the content
 * drawn turned back, borders as stroked lines and one stroked rectangle, the last row's cell spanning two columns.
 */
export function landscapeTablePage(): RawPage {
  const text = (x: number, y: number, s: string) => `BT /F1 12 Tf ${x} ${y} Td <${ucs2Hex(s)}> Tj ET`;
  const [x0, x1, x2, x3] = [72, 172, 372, 572];
  const [y0, y1, y2, y3] = [480, 450, 420, 390];
  const xs = [x0, x1, x2, x3];
  const ys = [y0, y1, y2, y3];
  const lines = [
    '0.8 w',
    `${x0} ${y3} ${x3 - x0} ${y0 - y3} re S`,
    ...[y1, y2].map((y) => `${x0} ${y} m ${x3} ${y} l S`),
    `${x1} ${y3} m ${x1} ${y0} l S`,
    `${x2} ${y2} m ${x2} ${y0} l S`,
  ];
  const cells = [
    ['岗位', '职责', '时限'],
    ['科员', '文件收发登记', '1个工作日'],
    ['科长', '审核签发', ''],
  ];
  const texts = cells.flatMap((row, r) => row.map((c, k) => (c ? text(xs[k]! + 6, ys[r + 1]! + 9, c) : '')).filter(Boolean));
  return {
    rotate: 90,
    content: ['q 0 1 -1 0 595 0 cm', text(72, 520, '二、窗口岗位'), ...lines, ...texts, 'Q'].join('\n'),
  };
}

export const ST_SONG_LINES = ['一、岗位职责', '负责本科室耕地保护日常工作，按时报送统计数据。'];

function main(): void {
  mkdirSync(pdfDir, { recursive: true });
  mkdirSync(convertedDir, { recursive: true });
  const only = process.argv.slice(2);
  const want = (name: string): boolean => only.length === 0 || only.includes(name);

  if (want('hand')) {
    writeFileSync(join(pdfDir, 'stsong-cmap.pdf'), stSongPdf([ST_SONG_LINES]));
    writeFileSync(join(pdfDir, 'scanned.pdf'), stSongPdf([[]]));
    writeFileSync(join(pdfDir, 'mixed-scan.pdf'), stSongPdf([ST_SONG_LINES, []]));
    writeFileSync(join(pdfDir, 'landscape-rotated.pdf'), stSongPdf([landscapeTablePage()]));
    writeFileSync(join(pdfDir, 'encrypted.pdf'), stSongPdf([ST_SONG_LINES], { encrypt: true }));
  }
  if (want('chromium')) {
    printPdf(borderedTable(), join(pdfDir, 'bordered-table.pdf'));
    printPdf(twoPageTable(), join(pdfDir, 'two-page-table.pdf'));
    printPdf(prose(), join(pdfDir, 'prose.pdf'));
    printPdf(streamTable(), join(pdfDir, 'stream-table.pdf'));
    printPdf(separateBorders(), join(pdfDir, 'separate-borders.pdf'));
    printPdf(splitRow(), join(pdfDir, 'split-row.pdf'));
    printPdf(streamPages(), join(pdfDir, 'stream-pages.pdf'));
  }
  if (want('manuals')) {
    const manuals = join(root, 'seeds', 'manuals');
    for (const f of readdirSync(manuals).filter((n) => n.endsWith('.txt')).sort()) {
      const html = manualHtml(readFileSync(join(manuals, f), 'utf8'));
      printPdf(html, join(convertedDir, `${basename(f, '.txt')}.pdf`));
    }
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) main();
