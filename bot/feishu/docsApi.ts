/**
 * What reading a manual kept in Feishu needs from the open platform: docx blocks, wiki nodes, spreadsheet
 * sheets and values. Separate from `FeishuApi` (messages); implemented over the SDK (`bot/node/larkDocsApi.ts`)
 * and over fetch (`fetchDocsApi.ts`). Shapes are the documented response bodies' `data`.
 */
import type { FeishuBlock } from '../../ingest/read/feishuDocx.js';
import type { SheetCell, SheetMerge } from '../../ingest/read/feishuSheet.js';
import { FeishuError } from './api.js';

/** `wiki/v2/spaces/get_node` → data.node (the fields the reader uses). */
export interface WikiNode {
  node_token?: string;
  obj_token: string;
  /** docx | doc | sheet | bitable | mindnote | file | slides */
  obj_type: string;
  title?: string;
  obj_edit_time?: string;
}

/** `sheets/v3/spreadsheets/:token/sheets/query` → data.sheets[]. */
export interface SheetInfo {
  sheet_id: string;
  title: string;
  index?: number;
  hidden?: boolean;
  /** sheet | bitable | #UNSUPPORTED_TYPE */
  resource_type?: string;
  grid_properties?: { frozen_row_count?: number; frozen_column_count?: number; row_count?: number; column_count?: number };
  /** 0-based, end indices inclusive; absent when the sheet has no merged cells. */
  merges?: SheetMerge[];
}

/** `sheets/v2/spreadsheets/:token/values/:range` → data.valueRange (+ data.revision). */
export interface SheetValues {
  /** The range read, e.g. "Q7PlXT!A1:B2"; empty when the range holds no data. */
  range: string;
  values: SheetCell[][];
  revision: number | null;
}

export interface FeishuDocsApi {
  /** `GET /open-apis/docx/v1/documents/:id` → title and revision_id. */
  docxDocument(documentId: string): Promise<{ title: string; revisionId: number | null }>;
  /** `GET /open-apis/docx/v1/documents/:id/blocks`, every page (page_size 500, page_token until !has_more). */
  docxBlocks(documentId: string): Promise<FeishuBlock[]>;
  /** `GET /open-apis/wiki/v2/spaces/get_node?token=…&obj_type=wiki`. */
  wikiNode(token: string): Promise<WikiNode>;
  /** `GET /open-apis/sheets/v3/spreadsheets/:token` → spreadsheet.title. */
  spreadsheet(token: string): Promise<{ title: string }>;
  /** `GET /open-apis/sheets/v3/spreadsheets/:token/sheets/query`. */
  sheets(token: string): Promise<SheetInfo[]>;
  /** `GET /open-apis/sheets/v2/spreadsheets/:token/values/:range` (formatted values, dates as shown). */
  sheetValues(token: string, range: string): Promise<SheetValues>;
  /**
   * Names for open_ids (`GET /open-apis/contact/v3/users/batch`, ≤ 50 per call); ids it cannot name are
   * left out. Mentions in a docx carry only the open_id.
   */
  userNames(openIds: string[]): Promise<Map<string, string>>;
}

/** Why a Feishu document could not be read, in words an admin can act on. */
export class FeishuDocsError extends Error {
  constructor(
    message: string,
    readonly kind: 'bad_link' | 'permission' | 'scope' | 'not_found' | 'unsupported' | 'rate_limited' | 'failed',
    readonly code: number | null = null,
  ) {
    super(message);
    this.name = 'FeishuDocsError';
  }
}

/** Query values for reading cells as the sheet shows them (formulas computed, dates formatted). */
export const VALUE_QUERY = 'valueRenderOption=FormattedValue&dateTimeRenderOption=FormattedString&user_id_type=open_id';

/** The scopes each kind of object needs (any one of each list, per the API pages). */
export const SCOPES = {
  docx: ['docx:document:readonly', 'docx:document'],
  wiki: ['wiki:wiki:readonly', 'wiki:node:read', 'wiki:wiki'],
  sheets: ['sheets:spreadsheet:readonly', 'sheets:spreadsheet', 'drive:drive:readonly', 'drive:drive'],
} as const;

const PERMISSION_CODES = new Set([
  1770032, // docx: forbidden (HTTP 403)
  1310213, // sheets: Permission Fail
  131006, // wiki: permission denied
  91403, // drive: forbidden
]);
const NOT_FOUND_CODES = new Set([1770002, 1770003, 1310214, 1310249, 131005]);
/** Feishu's "app lacks a scope": `Access denied. One of the following scopes is required: [a, b]`. */
const SCOPE_CODE = 99991672;

/**
 * A Feishu failure as the admin should read it. `what` names the object ("文档"/"知识库页面"/"电子表格"),
 * `scopes` the scopes its API accepts.
 */
export function docsError(e: unknown, what: string, scopes: readonly string[]): FeishuDocsError {
  if (e instanceof FeishuDocsError) return e;
  const f = FeishuError.from(e);
  const code = f.code;
  if (code === SCOPE_CODE || /scopes? is required/i.test(f.message)) {
    const listed = /\[([^\]]+)\]/.exec(f.message)?.[1]?.trim().split(/\s*,\s*/);
    return new FeishuDocsError(
      `机器人应用缺少读取${what}的权限（${(listed?.length ? listed : scopes).join(' 或 ')}，开通任一项即可）：请把文档分享给机器人或授予应用权限——先在飞书开放平台“权限管理”中为应用开通并发布新版本，再在${what}右上角“…”→“更多”→“添加文档应用”中添加本应用`,
      'scope',
      code,
    );
  }
  if ((code !== null && PERMISSION_CODES.has(code)) || f.status === 403) {
    return new FeishuDocsError(
      `机器人没有这份${what}的阅读权限：请把文档分享给机器人或授予应用权限（在${what}右上角“…”→“更多”→“添加文档应用”中添加本应用；知识库可把应用加为知识空间成员），应用需开通 ${scopes[0]} 权限`,
      'permission',
      code,
    );
  }
  if ((code !== null && NOT_FOUND_CODES.has(code)) || f.status === 404) {
    return new FeishuDocsError(`找不到这份${what}（可能已删除，或链接不完整），请在飞书中打开文档后重新复制链接`, 'not_found', code);
  }
  if (f.retryable && (f.status === 429 || code === 99991400)) {
    return new FeishuDocsError(`飞书接口调用过于频繁，读取${what}失败，请稍后再试`, 'rate_limited', code);
  }
  return new FeishuDocsError(`读取${what}失败（飞书返回：${f.message}${code !== null ? `，错误码 ${code}` : ''}），请稍后再试`, 'failed', code);
}

export interface RetryOptions {
  /** Attempts in all, first included (default 4). */
  attempts?: number;
  /** Waits between attempts; injectable so tests never sleep on wall time. */
  sleep?: (ms: number) => Promise<void>;
}

export const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `call`, retrying Feishu's "too fast" and server errors with exponential backoff (0.5 s, 1 s, 2 s …,
 * or what `x-ogw-ratelimit-reset` says, at most 10 s a wait), a bounded number of times.
 */
export async function withRetry<T>(call: () => Promise<T>, o: RetryOptions = {}): Promise<T> {
  const attempts = Math.max(1, o.attempts ?? 4);
  const sleep = o.sleep ?? realSleep;
  for (let n = 1; ; n++) {
    try {
      return await call();
    } catch (e) {
      const f = FeishuError.from(e);
      if (n >= attempts || !f.retryable || f.timedOut) throw f;
      await sleep(Math.min(10_000, f.retryAfterMs ?? 500 * 2 ** (n - 1)));
    }
  }
}
