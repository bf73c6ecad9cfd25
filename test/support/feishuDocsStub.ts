/**
 * The Docs / Wiki / Sheets / contact-batch endpoints of the local Feishu stub, answering with the documented
 * response shapes: paged docx blocks (has_more / page_token), wiki nodes, the v3 sheet list with merges,
 * v2 values (rich-text cells), and the documented error bodies for missing permission, missing scope and
 * unknown tokens. Mounted by `FeishuStub` as `stub.docs`.
 */
import type { FeishuBlock } from '../../ingest/read/feishuDocx.js';
import type { SheetCell } from '../../ingest/read/feishuSheet.js';
import type { SheetInfo, WikiNode } from '../../bot/feishu/docsApi.js';

export interface StubDocx {
  title: string;
  revision: number;
  blocks: FeishuBlock[];
}

export interface StubSpreadsheet {
  title: string;
  revision: number;
  sheets: SheetInfo[];
  /** Cell values by sheet_id, from A1. */
  values: Record<string, SheetCell[][]>;
}

export interface StubReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

const ok = (data: unknown): StubReply => ({ status: 200, body: { code: 0, msg: 'success', data } });

/** Error bodies as the API pages list them (HTTP status, code, msg). */
export const DOCS_ERRORS = {
  docxForbidden: { status: 403, body: { code: 1770032, msg: 'forbidden' } },
  docxNotFound: { status: 404, body: { code: 1770002, msg: 'not found' } },
  sheetForbidden: { status: 400, body: { code: 1310213, msg: 'Permission Fail' } },
  sheetNotFound: { status: 400, body: { code: 1310214, msg: 'SpreadSheet Not Found' } },
  wikiForbidden: { status: 400, body: { code: 131006, msg: 'permission denied: node permission denied' } },
  wikiNotFound: { status: 400, body: { code: 131005, msg: 'not found: node not found' } },
  rateLimited: { status: 429, body: { code: 99991400, msg: 'request trigger frequency limit' }, headers: { 'x-ogw-ratelimit-reset': '1' } },
} satisfies Record<string, StubReply>;

/** Feishu's answer when the app lacks a scope (code 99991672). */
export function scopeDenied(scopes: string[]): StubReply {
  return {
    status: 400,
    body: {
      code: 99991672,
      msg: `Access denied. One of the following scopes is required: [${scopes.join(', ')}].`,
      error: { permission_violations: scopes.map((s) => ({ type: 'action_scope_required', subject: s })) },
    },
  };
}

function colIndex(letters: string): number {
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
}

function colLetters(c: number): string {
  let s = '';
  for (let n = c + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

function plain(cell: SheetCell): SheetCell {
  if (Array.isArray(cell)) return cell.map((s) => s.text ?? '').join('');
  if (cell && typeof cell === 'object') return cell.text ?? '';
  return cell;
}

export class FeishuDocsStub {
  readonly docx = new Map<string, StubDocx>();
  readonly wiki = new Map<string, WikiNode>();
  readonly spreadsheets = new Map<string, StubSpreadsheet>();
  /** open_id → name for contact/v3/users/batch. */
  readonly users = new Map<string, string>();
  /** Tokens (docx id, wiki node, spreadsheet) the app was not given access to. */
  readonly denied = new Set<string>();
  /** API families whose scope the app lacks. */
  readonly missingScopes = new Set<'docx' | 'wiki' | 'sheets' | 'contact'>();
  /** Largest page of blocks the stub returns (Feishu: 500), to exercise paging. */
  blockPageSize = 500;
  /** Requests served, with their query strings. */
  readonly calls: { path: string; query: Record<string, string | string[]> }[] = [];
  private readonly script: { prefix: string; reply: StubReply }[] = [];

  /** The next requests whose path starts with `prefix` get these replies instead (one each). */
  failNext(prefix: string, ...replies: StubReply[]): void {
    for (const reply of replies) this.script.push({ prefix, reply });
  }

  callsTo(prefix: string): number {
    return this.calls.filter((c) => c.path.startsWith(prefix)).length;
  }

  /** The reply for a Docs/Wiki/Sheets/contact request, or null when the path is not one of them. */
  handle(method: string, url: URL): StubReply | null {
    const path = url.pathname;
    const family = path.startsWith('/open-apis/docx/')
      ? 'docx'
      : path.startsWith('/open-apis/wiki/')
        ? 'wiki'
        : path.startsWith('/open-apis/sheets/')
          ? 'sheets'
          : path === '/open-apis/contact/v3/users/batch'
            ? 'contact'
            : null;
    if (!family || method !== 'GET') return null;
    const query: Record<string, string | string[]> = {};
    for (const key of new Set(url.searchParams.keys())) {
      const all = url.searchParams.getAll(key);
      query[key] = all.length > 1 ? all : all[0]!;
    }
    this.calls.push({ path, query });
    const scripted = this.script.findIndex((s) => path.startsWith(s.prefix));
    if (scripted >= 0) return this.script.splice(scripted, 1)[0]!.reply;
    if (this.missingScopes.has(family)) {
      return scopeDenied(
        family === 'docx'
          ? ['docx:document', 'docx:document:readonly']
          : family === 'wiki'
            ? ['wiki:node:read', 'wiki:wiki', 'wiki:wiki:readonly']
            : family === 'sheets'
              ? ['drive:drive', 'drive:drive:readonly', 'sheets:spreadsheet', 'sheets:spreadsheet:readonly']
              : ['contact:contact.base:readonly'],
      );
    }
    if (family === 'docx') return this.docxRoute(path, url.searchParams);
    if (family === 'wiki') return this.wikiRoute(path, url.searchParams);
    if (family === 'sheets') return this.sheetsRoute(path, url.searchParams);
    return this.contactRoute(url.searchParams);
  }

  private docxRoute(path: string, q: URLSearchParams): StubReply {
    const m = /^\/open-apis\/docx\/v1\/documents\/([^/]+)(\/blocks)?$/.exec(path);
    if (!m) return { status: 404, body: { code: 404, msg: `stub has no GET ${path}` } };
    const id = decodeURIComponent(m[1]!);
    if (this.denied.has(id)) return DOCS_ERRORS.docxForbidden;
    const doc = this.docx.get(id);
    if (!doc) return DOCS_ERRORS.docxNotFound;
    if (!m[2]) return ok({ document: { document_id: id, revision_id: doc.revision, title: doc.title } });
    const size = Math.min(this.blockPageSize, Math.max(1, Number(q.get('page_size') ?? 500)), 500);
    const token = q.get('page_token');
    const start = token ? Number(Buffer.from(token, 'base64url').toString().replace(/^blocks:/, '')) : 0;
    if (!Number.isInteger(start) || start < 0 || start > doc.blocks.length) return { status: 400, body: { code: 1770022, msg: 'invalid page token' } };
    const items = doc.blocks.slice(start, start + size);
    const more = start + size < doc.blocks.length;
    return ok({ items, has_more: more, ...(more ? { page_token: Buffer.from(`blocks:${start + size}`).toString('base64url') } : {}) });
  }

  private wikiRoute(path: string, q: URLSearchParams): StubReply {
    if (path !== '/open-apis/wiki/v2/spaces/get_node') return { status: 404, body: { code: 404, msg: `stub has no GET ${path}` } };
    const token = q.get('token') ?? '';
    if (this.denied.has(token)) return DOCS_ERRORS.wikiForbidden;
    const node = this.wiki.get(token);
    if (!node) return DOCS_ERRORS.wikiNotFound;
    return ok({ node: { space_id: '7034502641455497244', node_token: token, node_type: 'origin', has_child: false, ...node } });
  }

  private sheetsRoute(path: string, q: URLSearchParams): StubReply {
    const m = /^\/open-apis\/sheets\/(v2|v3)\/spreadsheets\/([^/]+)(?:\/(sheets\/query|values\/([^/]+)))?$/.exec(path);
    if (!m) return { status: 404, body: { code: 404, msg: `stub has no GET ${path}` } };
    const token = decodeURIComponent(m[2]!);
    if (this.denied.has(token)) return DOCS_ERRORS.sheetForbidden;
    const book = this.spreadsheets.get(token);
    if (!book) return DOCS_ERRORS.sheetNotFound;
    if (m[1] === 'v3' && !m[3]) return ok({ spreadsheet: { title: book.title, token, url: `https://sample.feishu.cn/sheets/${token}` } });
    if (m[1] === 'v3' && m[3] === 'sheets/query') return ok({ sheets: book.sheets });
    if (m[1] !== 'v2' || !m[4]) return { status: 404, body: { code: 404, msg: `stub has no GET ${path}` } };
    const range = decodeURIComponent(m[4]);
    const r = /^([^!]+)!([A-Z]+)(\d+):([A-Z]+)(\d+)$/.exec(range);
    if (!r) return { status: 400, body: { code: 90202, msg: 'wrong range' } };
    const data = book.values[r[1]!];
    if (!data) return { status: 400, body: { code: 90215, msg: 'sheetId not found' } };
    const [c0, r0, c1, r1] = [colIndex(r[2]!), Number(r[3]) - 1, colIndex(r[4]!), Number(r[5]) - 1];
    const lastRow = Math.min(r1, data.length - 1);
    const toString = q.get('valueRenderOption') === 'ToString';
    const values: SheetCell[][] = [];
    for (let row = r0; row <= lastRow; row++) {
      const src = data[row] ?? [];
      values.push(Array.from({ length: c1 - c0 + 1 }, (_, i) => (toString ? plain(src[c0 + i] ?? null) : (src[c0 + i] ?? null))));
    }
    const valueRange = {
      majorDimension: 'ROWS',
      range: values.length ? `${r[1]}!${colLetters(c0)}${r0 + 1}:${colLetters(c1)}${lastRow + 1}` : '',
      revision: book.revision,
      values,
    };
    return ok({ revision: book.revision, spreadsheetToken: token, valueRange });
  }

  private contactRoute(q: URLSearchParams): StubReply {
    const ids = q.getAll('user_ids');
    const items = ids.filter((id) => this.users.has(id)).map((id) => ({ open_id: id, name: this.users.get(id) }));
    return ok({ items });
  }
}
