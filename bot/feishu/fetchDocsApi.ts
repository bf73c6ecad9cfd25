/**
 * FeishuDocsApi over plain fetch (Cloudflare Workers and other runtimes without the SDK), sharing the tenant
 * token and error handling of `FetchFeishuApi`.
 */
import type { FeishuBlock } from '../../ingest/read/feishuDocx.js';
import type { Clock } from '../clock.js';
import { FeishuError } from './api.js';
import { type FeishuDocsApi, type RetryOptions, type SheetInfo, type SheetValues, VALUE_QUERY, type WikiNode, withRetry } from './docsApi.js';
import { FetchFeishuApi } from './fetchApi.js';

const enc = encodeURIComponent;

export class FetchDocsApi extends FetchFeishuApi implements FeishuDocsApi {
  constructor(
    o: { appId: string; appSecret: string; domain: string; clock: Clock; fetch?: typeof fetch; timeoutMs?: number },
    private readonly retry: RetryOptions = {},
  ) {
    super(o);
  }

  private async get(path: string): Promise<Record<string, unknown>> {
    const res = await withRetry(() => this.request('GET', path), this.retry);
    return res.data ?? {};
  }

  async docxDocument(documentId: string): Promise<{ title: string; revisionId: number | null }> {
    const data = await this.get(`/open-apis/docx/v1/documents/${enc(documentId)}`);
    const doc = (data.document ?? {}) as { title?: string; revision_id?: number };
    return { title: doc.title ?? '', revisionId: typeof doc.revision_id === 'number' ? doc.revision_id : null };
  }

  async docxBlocks(documentId: string): Promise<FeishuBlock[]> {
    const out: FeishuBlock[] = [];
    let pageToken = '';
    for (let page = 0; page < 10_000; page++) {
      const q = `page_size=500&document_revision_id=-1${pageToken ? `&page_token=${enc(pageToken)}` : ''}`;
      const data = await this.get(`/open-apis/docx/v1/documents/${enc(documentId)}/blocks?${q}`);
      out.push(...((data.items ?? []) as FeishuBlock[]));
      const next = typeof data.page_token === 'string' ? data.page_token : '';
      if (!data.has_more || !next || next === pageToken) break;
      pageToken = next;
    }
    return out;
  }

  async wikiNode(token: string): Promise<WikiNode> {
    const data = await this.get(`/open-apis/wiki/v2/spaces/get_node?token=${enc(token)}&obj_type=wiki`);
    const node = data.node as WikiNode | undefined;
    if (!node?.obj_token) throw new FeishuError('get_node 未返回 obj_token', null, 200, false, null);
    return node;
  }

  async spreadsheet(token: string): Promise<{ title: string }> {
    const data = await this.get(`/open-apis/sheets/v3/spreadsheets/${enc(token)}`);
    return { title: (data.spreadsheet as { title?: string } | undefined)?.title ?? '' };
  }

  async sheets(token: string): Promise<SheetInfo[]> {
    const data = await this.get(`/open-apis/sheets/v3/spreadsheets/${enc(token)}/sheets/query`);
    return (data.sheets ?? []) as SheetInfo[];
  }

  async sheetValues(token: string, range: string): Promise<SheetValues> {
    const data = await this.get(`/open-apis/sheets/v2/spreadsheets/${enc(token)}/values/${enc(range)}?${VALUE_QUERY}`);
    const vr = (data.valueRange ?? {}) as { range?: string; values?: SheetValues['values']; revision?: number };
    const revision = typeof data.revision === 'number' ? data.revision : typeof vr.revision === 'number' ? vr.revision : null;
    return { range: vr.range ?? '', values: vr.values ?? [], revision };
  }

  async userNames(openIds: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const ids = [...new Set(openIds)];
    for (let i = 0; i < ids.length; i += 50) {
      const q = ids.slice(i, i + 50).map((id) => `user_ids=${enc(id)}`).join('&');
      const data = await this.get(`/open-apis/contact/v3/users/batch?${q}&user_id_type=open_id`);
      for (const u of (data.items ?? []) as { open_id?: string; name?: string }[]) if (u.open_id && u.name) out.set(u.open_id, u.name);
    }
    return out;
  }
}
