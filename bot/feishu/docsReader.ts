/**
 * Reads a manual kept in Feishu, given its link: a cloud document (/docx/), a wiki page (/wiki/, resolved
 * to the document or sheet it holds) or a spreadsheet (/sheets/, `?sheet=ID` for one sheet), into the
 * document model the recognisers read. Every failure is a FeishuDocsError saying what to do.
 */
import type { Block, DocModel } from '../../ingest/document.js';
import { type FeishuBlock, feishuDocxToModel } from '../../ingest/read/feishuDocx.js';
import { type FeishuSheetData, feishuSheetBlocks, feishuSheetsToModel } from '../../ingest/read/feishuSheet.js';
import { columnLetters } from '../../ingest/read/sheetBlocks.js';
import { type FeishuDocsApi, FeishuDocsError, SCOPES, type SheetInfo, docsError } from './docsApi.js';

export interface FeishuLink {
  kind: 'docx' | 'wiki' | 'sheet';
  token: string;
  /** `?sheet=ID`: read only this sheet of a spreadsheet. */
  sheetId?: string;
  url: string;
}

export interface FeishuManual {
  /** The document's or spreadsheet's title. */
  name: string;
  doc: DocModel;
  /** What changes when the source changes: the docx revision_id, the spreadsheet revision. */
  revision: string | null;
  url: string;
}

const HOSTS = /(^|\.)(feishu\.cn|larksuite\.com)$/i;
const EXAMPLE = 'https://xxx.feishu.cn/docx/…、/wiki/… 或 /sheets/…';

/** Kinds of Feishu objects the reader does not take, by URL path segment or wiki obj_type, with what to do. */
const UNSUPPORTED: Record<string, string> = {
  doc: '这是旧版飞书文档，暂不能直接读取：请在飞书中把它升级为新版文档后重新发送链接，或导出为 .docx 后发送文件',
  docs: '这是旧版飞书文档，暂不能直接读取：请在飞书中把它升级为新版文档后重新发送链接，或导出为 .docx 后发送文件',
  bitable: '这是多维表格，暂不能直接读取：请导出为 .xlsx 后发送文件，或把数据复制到电子表格后发送其链接',
  base: '这是多维表格，暂不能直接读取：请导出为 .xlsx 后发送文件，或把数据复制到电子表格后发送其链接',
  mindnote: '这是思维笔记，无法读取成清单：请把内容整理成文档或表格（.docx/.xlsx）后发送',
  mindnotes: '这是思维笔记，无法读取成清单：请把内容整理成文档或表格（.docx/.xlsx）后发送',
  file: '这是上传到云空间的文件：请下载后直接把文件（.docx/.xlsx/.pdf 等）发送给机器人',
  slides: '这是幻灯片，暂不支持：请把其中的清单另存为 Word/Excel 后发送',
};

/** The kind and token of a Feishu document link; throws FeishuDocsError (kind bad_link/unsupported) otherwise. */
export function parseFeishuLink(input: string): FeishuLink {
  const raw = input.trim().replace(/^<|>$/g, '').replace(/[，。；、）)\]」》]+$/u, '');
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new FeishuDocsError(`“${raw.slice(0, 80)}”不是一个链接：请发送飞书云文档的完整链接，如 ${EXAMPLE}`, 'bad_link');
  }
  if ((u.protocol !== 'https:' && u.protocol !== 'http:') || !HOSTS.test(u.hostname)) {
    throw new FeishuDocsError(`只能读取飞书（feishu.cn / larksuite.com）的云文档链接，如 ${EXAMPLE}；其他网站的文件请下载后发送`, 'bad_link');
  }
  const parts = u.pathname.split('/').filter(Boolean);
  const at = parts.findIndex((p) => /^(docx|wiki|sheets|doc|docs|base|bitable|mindnote|mindnotes|file|slides)$/i.test(p));
  const kind = at >= 0 ? parts[at]!.toLowerCase() : '';
  const token = at >= 0 ? parts[at + 1] : undefined;
  if (UNSUPPORTED[kind]) throw new FeishuDocsError(UNSUPPORTED[kind]!, 'unsupported');
  if (!kind || !token || !/^[A-Za-z0-9_-]{6,}$/.test(token)) {
    throw new FeishuDocsError(`看不出这是哪篇飞书文档：请在飞书中打开文档，复制地址栏的链接（${EXAMPLE}）后发送`, 'bad_link');
  }
  const sheetId = u.searchParams.get('sheet')?.trim() || undefined;
  return { kind: kind === 'sheets' ? 'sheet' : (kind as 'docx' | 'wiki'), token, ...(sheetId ? { sheetId } : {}), url: u.toString() };
}

/** Calls the API, turning its failure into the admin-facing message for `what`. */
async function step<T>(what: string, scopes: readonly string[], call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    throw docsError(e, what, scopes);
  }
}

/** Rows read per call: at most this many cells, at most this many rows (the response is capped at 10 MB). */
const CELLS_PER_READ = 20_000;
const ROWS_PER_READ = 1000;
const MAX_ROWS = 50_000;
const MAX_COLS = 200;

/** One sheet's values, read in row chunks within the sheet's grid. */
async function readSheetData(api: FeishuDocsApi, token: string, info: SheetInfo, warnings: string[]): Promise<{ data: FeishuSheetData; revision: number | null }> {
  const gridRows = info.grid_properties?.row_count ?? ROWS_PER_READ;
  const gridCols = info.grid_properties?.column_count ?? 26;
  const cols = Math.max(1, Math.min(gridCols, MAX_COLS));
  const rows = Math.max(0, Math.min(gridRows, MAX_ROWS));
  if (gridCols > MAX_COLS) warnings.push(`工作表“${info.title}”有 ${gridCols} 列，只读取了前 ${MAX_COLS} 列`);
  if (gridRows > MAX_ROWS) warnings.push(`工作表“${info.title}”有 ${gridRows} 行，只读取了前 ${MAX_ROWS} 行`);
  const perRead = Math.max(1, Math.min(ROWS_PER_READ, Math.floor(CELLS_PER_READ / cols)));
  const values: FeishuSheetData['values'] = [];
  let revision: number | null = null;
  for (let r0 = 0; r0 < rows; r0 += perRead) {
    const r1 = Math.min(rows, r0 + perRead) - 1;
    const range = `${info.sheet_id}!A${r0 + 1}:${columnLetters(cols - 1)}${r1 + 1}`;
    const res = await step('电子表格', SCOPES.sheets, () => api.sheetValues(token, range));
    // The range read may start later than asked (leading empty rows); place rows where they are.
    const start = /![A-Z]+(\d+)/.exec(res.range)?.[1];
    const offset = start ? Number(start) - 1 : r0;
    res.values.forEach((row, i) => (values[offset + i] = row ?? []));
    if (res.revision !== null) revision = Math.max(revision ?? 0, res.revision);
  }
  for (let r = 0; r < values.length; r++) values[r] ??= [];
  return { data: { title: info.title, values, merges: info.merges ?? [] }, revision };
}

async function readSpreadsheet(api: FeishuDocsApi, token: string, sheetId: string | undefined, url: string, titleHint?: string): Promise<FeishuManual> {
  const meta = titleHint ? { title: titleHint } : await step('电子表格', SCOPES.sheets, () => api.spreadsheet(token));
  const all = await step('电子表格', SCOPES.sheets, () => api.sheets(token));
  const warnings: string[] = [];
  let chosen = [...all].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
  if (sheetId) {
    chosen = chosen.filter((s) => s.sheet_id === sheetId);
    if (!chosen.length) throw new FeishuDocsError(`链接指定的工作表（sheet=${sheetId}）在这个电子表格中不存在，请重新复制链接`, 'not_found');
  } else {
    for (const s of chosen.filter((s) => s.hidden)) warnings.push(`工作表“${s.title}”已隐藏，未读取`);
    chosen = chosen.filter((s) => !s.hidden);
  }
  for (const s of chosen.filter((s) => s.resource_type && s.resource_type !== 'sheet')) warnings.push(`工作表“${s.title}”不是普通表格（${s.resource_type}），未读取`);
  chosen = chosen.filter((s) => !s.resource_type || s.resource_type === 'sheet');
  const data: FeishuSheetData[] = [];
  let revision: number | null = null;
  for (const info of chosen) {
    const read = await readSheetData(api, token, info, warnings);
    data.push(read.data);
    if (read.revision !== null) revision = Math.max(revision ?? 0, read.revision);
  }
  const name = meta.title.trim() || '飞书电子表格';
  return { name, doc: feishuSheetsToModel(name, data, warnings), revision: revision === null ? null : String(revision), url };
}

/** The open_ids @-mentioned in the blocks. */
function mentionedUsers(blocks: FeishuBlock[]): string[] {
  const ids = new Set<string>();
  for (const b of blocks) {
    for (const value of Object.values(b)) {
      const elements = (value as { elements?: { mention_user?: { user_id?: string } }[] } | null)?.elements;
      if (!Array.isArray(elements)) continue;
      for (const el of elements) if (el?.mention_user?.user_id) ids.add(el.mention_user.user_id);
    }
  }
  return [...ids];
}

async function readDocx(api: FeishuDocsApi, documentId: string, url: string): Promise<FeishuManual> {
  const meta = await step('文档', SCOPES.docx, () => api.docxDocument(documentId));
  const blocks = await step('文档', SCOPES.docx, () => api.docxBlocks(documentId));
  const mentioned = mentionedUsers(blocks);
  let names = new Map<string, string>();
  if (mentioned.length) {
    // Names need a contacts scope the bot may not have; without them the converter warns and reads blanks.
    names = await api.userNames(mentioned).catch(() => new Map<string, string>());
  }
  // Sheets embedded in the document: read through the Sheets API where the bot may; otherwise the converter warns.
  const embeddedSheets = new Map<string, Block[]>();
  for (const b of blocks) {
    if (b.block_type !== 30) continue;
    const sheetToken = (b.sheet as { token?: string } | undefined)?.token ?? '';
    const cut = sheetToken.lastIndexOf('_');
    if (cut <= 0 || embeddedSheets.has(sheetToken)) continue;
    const [spreadsheet, sheetId] = [sheetToken.slice(0, cut), sheetToken.slice(cut + 1)];
    try {
      const info = (await api.sheets(spreadsheet)).find((s) => s.sheet_id === sheetId);
      if (info) embeddedSheets.set(sheetToken, feishuSheetBlocks((await readSheetData(api, spreadsheet, info, [])).data));
    } catch {
      // Left out; the converter names it in a warning.
    }
  }
  const name = meta.title.trim() || '飞书文档';
  const doc = feishuDocxToModel(name, blocks, { title: meta.title, userName: (id) => names.get(id), embeddedSheets });
  return { name, doc, revision: meta.revisionId === null ? null : String(meta.revisionId), url };
}

/** Reads the document, wiki page or spreadsheet a Feishu link points to. */
export async function readFeishuLink(api: FeishuDocsApi, url: string): Promise<FeishuManual> {
  const link = parseFeishuLink(url);
  if (link.kind === 'docx') return readDocx(api, link.token, link.url);
  if (link.kind === 'sheet') return readSpreadsheet(api, link.token, link.sheetId, link.url);
  const node = await step('知识库页面', SCOPES.wiki, () => api.wikiNode(link.token));
  const type = node.obj_type.toLowerCase();
  if (type === 'docx') return readDocx(api, node.obj_token, link.url);
  if (type === 'sheet') return readSpreadsheet(api, node.obj_token, link.sheetId, link.url, node.title || undefined);
  throw new FeishuDocsError(
    `知识库页面“${node.title ?? ''}”中${UNSUPPORTED[type] ? UNSUPPORTED[type]!.replace(/^这是/, '是') : `的内容类型（${node.obj_type}）暂不能读取，请导出为 .docx/.xlsx 后发送文件`}`,
    'unsupported',
  );
}
