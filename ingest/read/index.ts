/**
 * Picks a reader for a file by its bytes first (zip parts, OLE, %PDF-, BOMs) and its name second, and says
 * in Chinese what to do with the files no reader takes.
 */
import { createRequire } from 'node:module';
import type { DocFormat, DocModel } from '../document.js';
import { ManualParseError } from '../record.js';
import { readText } from './text.js';
import { zipNames } from './zip.js';

// The format libraries (SheetJS, cheerio, pdf.js …) load only when a file of their kind is read: a bot whose
// index is current never loads them, which keeps its memory down.
const require = createRequire(import.meta.url);
const cfb = () => (require('@e965/xlsx') as typeof import('@e965/xlsx')).CFB;

export type Reader = (file: string, bytes: Uint8Array) => DocModel | Promise<DocModel>;

/** Readers by format. pdf.js is loaded only when a PDF is read. */
export const readers: Partial<Record<DocFormat, Reader>> = {
  txt: (file, bytes) => readText(file, bytes, 'txt'),
  md: (file, bytes) => readText(file, bytes, 'md'),
  csv: async (file, bytes) => (await import('./csv.js')).readCsv(file, bytes),
  html: async (file, bytes) => (await import('./html.js')).readHtml(file, bytes),
  docx: async (file, bytes) => (await import('./docx.js')).readDocx(file, bytes),
  xlsx: async (file, bytes) => (await import('./xlsx.js')).readSpreadsheet(file, bytes, 'xlsx'),
  xls: async (file, bytes) => (await import('./xlsx.js')).readSpreadsheet(file, bytes, 'xls'),
  pdf: async (file, bytes) => (await import('./pdf.js')).readPdf(file, bytes),
};

export function registerReader(format: DocFormat, reader: Reader): void {
  readers[format] = reader;
}

export const SUPPORTED_EXTENSIONS = ['.txt', '.md', '.csv', '.tsv', '.html', '.htm', '.docx', '.xlsx', '.xls', '.pdf'] as const;

const BY_EXTENSION: Record<string, DocFormat> = {
  '.txt': 'txt',
  '.text': 'txt',
  '.md': 'md',
  '.markdown': 'md',
  '.csv': 'csv',
  '.tsv': 'csv',
  '.html': 'html',
  '.htm': 'html',
  '.xhtml': 'html',
  '.docx': 'docx',
  '.docm': 'docx',
  '.xlsx': 'xlsx',
  '.xlsm': 'xlsx',
  '.xls': 'xls',
  '.pdf': 'pdf',
};

const REFUSED_EXTENSIONS: Record<string, string> = {
  '.doc': '.doc 是旧版 Word 格式，请在 Word/WPS 中打开后另存为 .docx 再上传',
  '.wps': '.wps 是 WPS 文字的旧格式，请在 WPS 中打开后另存为 .docx 再上传',
  '.wpt': '.wpt 是 WPS 模板，请在 WPS 中打开后另存为 .docx 再上传',
  '.dot': '.dot 是 Word 模板，请另存为 .docx 再上传',
  '.dotx': '.dotx 是 Word 模板，请另存为 .docx 再上传',
  '.rtf': '.rtf 格式暂不支持，请在 Word/WPS 中另存为 .docx 再上传',
  '.odt': '.odt 格式暂不支持，请另存为 .docx 再上传',
  '.et': '.et 是 WPS 表格格式，请在 WPS 中另存为 .xlsx 再上传',
  '.ett': '.ett 是 WPS 表格模板，请在 WPS 中另存为 .xlsx 再上传',
  '.ods': '.ods 格式暂不支持，请另存为 .xlsx 再上传',
  '.xlsb': '.xlsb 是二进制 Excel 格式，请在 Excel 中另存为 .xlsx 再上传',
  '.numbers': 'Numbers 表格请导出为 .xlsx 再上传',
  '.pages': 'Pages 文稿请导出为 .docx 或 PDF 再上传',
  '.ofd': '.ofd 版式文件暂不能读取，请用 OFD 阅读器导出为 PDF，或提供原始的 Word/Excel 文件',
  '.ceb': '.ceb 版式文件暂不能读取，请导出为 PDF，或提供原始的 Word/Excel 文件',
  '.ppt': '演示文稿（.ppt）暂不支持，请把其中的清单另存为 Word/Excel 或 PDF 再上传',
  '.pptx': '演示文稿（.pptx）暂不支持，请把其中的清单另存为 Word/Excel 或 PDF 再上传',
  '.dps': 'WPS 演示文稿暂不支持，请把其中的清单另存为 Word/Excel 或 PDF 再上传',
  '.zip': '压缩包不能直接读取，请解压后逐个上传其中的文档',
  '.rar': '压缩包不能直接读取，请解压后逐个上传其中的文档',
  '.7z': '压缩包不能直接读取，请解压后逐个上传其中的文档',
  '.gz': '压缩包不能直接读取，请解压后逐个上传其中的文档',
  '.tar': '压缩包不能直接读取，请解压后逐个上传其中的文档',
};

const IMAGE_REASON = '图片/扫描件无法读取文字，请提供文字版（Word、Excel 或可复制文字的 PDF）';
for (const ext of ['.png', '.jpg', '.jpeg', '.gif', '.bmp', '.tif', '.tiff', '.webp', '.heic', '.heif']) REFUSED_EXTENSIONS[ext] = IMAGE_REASON;

export function extensionOf(file: string): string {
  const m = /\.[^./\\]+$/.exec(file);
  return m ? m[0].toLowerCase() : '';
}

function startsWith(bytes: Uint8Array, sig: number[], at = 0): boolean {
  return sig.every((b, i) => bytes[at + i] === b);
}

type Sniffed = { format: DocFormat } | { refuse: string } | null;

/** What the bytes say the file is: a format, a refusal, or null when they do not say (plain text). */
function sniff(file: string, bytes: Uint8Array): Sniffed {
  const ext = extensionOf(file);
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) || startsWith(bytes, [0x50, 0x4b, 0x05, 0x06])) {
    const names = zipNames(bytes);
    if (!names) {
      if (ext === '.docx' || ext === '.xlsx') return { format: ext === '.docx' ? 'docx' : 'xlsx' };
      return { refuse: '文件是压缩包格式但已损坏，无法解开；请重新保存或重新下载后再上传' };
    }
    const has = (n: string) => names.includes(n);
    if (has('word/document.xml')) return { format: 'docx' };
    if (has('xl/workbook.xml') || has('xl/workbook.bin')) {
      if (has('xl/workbook.bin')) return { refuse: REFUSED_EXTENSIONS['.xlsb']! };
      return { format: 'xlsx' };
    }
    if (has('OFD.xml') || names.some((n) => /^ofd\.xml$/i.test(n))) return { refuse: REFUSED_EXTENSIONS['.ofd']! };
    if (names.some((n) => n.startsWith('ppt/'))) return { refuse: REFUSED_EXTENSIONS['.pptx']! };
    if (has('mimetype') && has('content.xml')) {
      return { refuse: 'OpenDocument 文件（.odt/.ods）暂不支持，请另存为 .docx 或 .xlsx 再上传' };
    }
    if (ext === '.docx') return { refuse: '文件名是 .docx，但里面没有 Word 正文（word/document.xml），请在 Word/WPS 中重新另存为 .docx' };
    if (ext === '.xlsx') return { refuse: '文件名是 .xlsx，但里面没有工作簿（xl/workbook.xml），请在 Excel/WPS 中重新另存为 .xlsx' };
    return { refuse: REFUSED_EXTENSIONS['.zip']! };
  }
  if (startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) {
    let entries: string[] = [];
    try {
      entries = cfb().read(bytes, { type: 'array' }).FullPaths.map((p: string) => p.replace(/\/$/, '').split('/').pop() ?? '');
    } catch {
      return { refuse: '文件是旧版 Office 格式但已损坏，无法读取；请在 Office/WPS 中打开后另存为 .docx 或 .xlsx' };
    }
    const has = (n: string) => entries.some((e) => e.toLowerCase() === n.toLowerCase());
    if (has('EncryptionInfo') || has('EncryptedPackage')) return { refuse: '文件有密码保护，请在 Office/WPS 中取消密码后另存为 .docx 或 .xlsx 再上传' };
    if (has('WordDocument')) return { refuse: REFUSED_EXTENSIONS[ext === '.wps' ? '.wps' : '.doc']! };
    if (has('PowerPoint Document')) return { refuse: REFUSED_EXTENSIONS['.ppt']! };
    if (ext === '.et' || ext === '.ett') return { refuse: REFUSED_EXTENSIONS[ext]! };
    if (has('Workbook') || has('Book')) return { format: 'xls' };
    return { refuse: '文件是旧版 Office 格式（.doc/.xls/.wps/.et），无法识别其内容；请另存为 .docx 或 .xlsx 再上传' };
  }
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 1024));
  if (head.includes('%PDF-')) return { format: 'pdf' };
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47]) || startsWith(bytes, [0xff, 0xd8, 0xff]) || head.startsWith('GIF8') || head.startsWith('BM')) {
    return { refuse: IMAGE_REASON };
  }
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a]) || (head.startsWith('RIFF') && head.slice(8, 12) === 'WEBP')) {
    return { refuse: IMAGE_REASON };
  }
  if (head.startsWith('Rar!') || startsWith(bytes, [0x37, 0x7a, 0xbc, 0xaf]) || startsWith(bytes, [0x1f, 0x8b])) return { refuse: REFUSED_EXTENSIONS['.zip']! };
  if (head.startsWith('{\\rtf')) return { refuse: REFUSED_EXTENSIONS['.rtf']! };
  return null;
}

function textFormat(file: string, bytes: Uint8Array): DocFormat {
  const byExt = BY_EXTENSION[extensionOf(file)];
  if (byExt === 'txt' || byExt === 'md' || byExt === 'csv' || byExt === 'html') return byExt;
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 512)).toLowerCase();
  if (/<!doctype html|<html[\s>]/.test(head)) return 'html';
  return 'txt';
}

/** A Chinese sentence saying why this file cannot be read and what to do, or null when a reader takes it. */
export function unsupportedReason(file: string, bytes: Uint8Array): string | null {
  if (bytes.length === 0) return '文件是空的，请检查后重新上传';
  const sniffed = sniff(file, bytes);
  if (sniffed && 'refuse' in sniffed) return sniffed.refuse;
  if (sniffed && 'format' in sniffed) return null;
  const ext = extensionOf(file);
  if (REFUSED_EXTENSIONS[ext]) return REFUSED_EXTENSIONS[ext]!;
  const byExt = BY_EXTENSION[ext];
  if (byExt === 'docx' || byExt === 'xlsx' || byExt === 'xls' || byExt === 'pdf') {
    return `文件名是 ${ext}，但内容不是 ${ext} 格式（可能已损坏或改过扩展名），请重新导出后再上传`;
  }
  if (!looksLikeText(bytes)) {
    if (byExt) return `文件名是 ${ext}，但内容含有二进制数据，不是文本文件；请确认上传的文件是否正确`;
    return `无法识别的文件类型${ext ? `（${ext}）` : ''}，请上传 ${SUPPORTED_EXTENSIONS.join('、')} 格式的文件`;
  }
  return null;
}

/** Text files have no control bytes other than tab/newlines, except in UTF-16. */
function looksLikeText(bytes: Uint8Array): boolean {
  if (startsWith(bytes, [0xff, 0xfe]) || startsWith(bytes, [0xfe, 0xff])) return true;
  const n = Math.min(bytes.length, 4096);
  let control = 0;
  let zero = 0;
  for (let i = 0; i < n; i++) {
    const b = bytes[i]!;
    if (b === 0) zero++;
    else if (b < 0x20 && b !== 9 && b !== 10 && b !== 13 && b !== 12 && b !== 27) control++;
  }
  // UTF-16 without a BOM has zeros in every other byte; binary has zeros and control bytes scattered.
  if (zero > 0 && zero < n / 4) return false;
  return control <= Math.max(4, n / 50);
}

/** The format a file will be read as; throws ManualParseError when it cannot be read. */
export function detectFormat(file: string, bytes: Uint8Array): DocFormat {
  const reason = unsupportedReason(file, bytes);
  if (reason) throw new ManualParseError(file, reason);
  const sniffed = sniff(file, bytes);
  if (sniffed && 'format' in sniffed) return sniffed.format;
  return textFormat(file, bytes);
}

export async function readDocument(file: string, bytes: Uint8Array): Promise<DocModel> {
  const format = detectFormat(file, bytes);
  const reader = readers[format];
  if (!reader) {
    throw new ManualParseError(file, `${format.toUpperCase()} 读取器未启用，暂时不能读取这个文件；请先提供 Word（.docx）或 Excel（.xlsx）版本`);
  }
  try {
    return await reader(file, bytes);
  } catch (err) {
    if (err instanceof ManualParseError) throw err;
    // A reader library tripping over a damaged file: say so instead of crashing the ingest.
    const what = FORMAT_NAMES[format];
    throw new ManualParseError(file, `${what}无法读取（${String((err as Error)?.message ?? err).slice(0, 80)}），文件可能已损坏；请重新保存或导出后再上传`);
  }
}

const FORMAT_NAMES: Record<DocFormat, string> = {
  txt: '文本文件',
  md: 'Markdown 文件',
  csv: 'CSV 文件',
  html: '网页文件',
  docx: 'Word 文件',
  xlsx: 'Excel 文件',
  xls: 'Excel 文件',
  pdf: 'PDF 文件',
  feishu: '飞书文档',
};
