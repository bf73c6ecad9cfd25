/** FeishuDocsApi through the official SDK: its generated methods where it has them, `client.request` for Sheets v2. */
import type * as lark from '@larksuiteoapi/node-sdk';
import type { FeishuBlock } from '../../ingest/read/feishuDocx.js';
import { FeishuError } from '../feishu/api.js';
import { type FeishuDocsApi, type RetryOptions, type SheetInfo, type SheetValues, VALUE_QUERY, type WikiNode, withRetry } from '../feishu/docsApi.js';
import { sdkCall } from './larkApi.js';

const enc = encodeURIComponent;

export class LarkDocsApi implements FeishuDocsApi {
  private readonly timeoutMs: number;

  /** `client`: the bot's SDK client (`LarkApi.client`), which holds the tenant token. */
  constructor(
    private readonly client: lark.Client,
    private readonly retry: RetryOptions & { timeoutMs?: number } = {},
  ) {
    this.timeoutMs = retry.timeoutMs ?? 15_000;
  }

  /** HTTP errors are thrown by the SDK, `code ≠ 0` with HTTP 200 is returned: both become FeishuError; retried when Feishu says so. */
  private call<T extends { code?: number; msg?: string }>(fn: () => Promise<T>): Promise<T> {
    return withRetry(() => sdkCall(fn, this.timeoutMs), this.retry);
  }

  async docxDocument(documentId: string): Promise<{ title: string; revisionId: number | null }> {
    const res = await this.call(() => this.client.docx.v1.document.get({ path: { document_id: documentId } }));
    const doc = res.data?.document;
    return { title: doc?.title ?? '', revisionId: typeof doc?.revision_id === 'number' ? doc.revision_id : null };
  }

  async docxBlocks(documentId: string): Promise<FeishuBlock[]> {
    const out: FeishuBlock[] = [];
    let pageToken: string | undefined;
    for (let page = 0; page < 10_000; page++) {
      const res = await this.call(() =>
        this.client.docx.v1.documentBlock.list({
          path: { document_id: documentId },
          params: { page_size: 500, document_revision_id: -1, ...(pageToken ? { page_token: pageToken } : {}) },
        }),
      );
      out.push(...((res.data?.items ?? []) as unknown as FeishuBlock[]));
      const next = res.data?.page_token;
      if (!res.data?.has_more || !next || next === pageToken) break;
      pageToken = next;
    }
    return out;
  }

  async wikiNode(token: string): Promise<WikiNode> {
    const res = await this.call(() => this.client.wiki.v2.space.getNode({ params: { token, obj_type: 'wiki' } }));
    const node = res.data?.node;
    if (!node?.obj_token || !node.obj_type) throw new FeishuError('get_node 未返回 obj_token', null, 200, false, null);
    return { node_token: node.node_token, obj_token: node.obj_token, obj_type: node.obj_type, title: node.title, obj_edit_time: node.obj_edit_time };
  }

  async spreadsheet(token: string): Promise<{ title: string }> {
    const res = await this.call(() => this.client.sheets.v3.spreadsheet.get({ path: { spreadsheet_token: token } }));
    return { title: res.data?.spreadsheet?.title ?? '' };
  }

  async sheets(token: string): Promise<SheetInfo[]> {
    const res = await this.call(() => this.client.sheets.v3.spreadsheetSheet.query({ path: { spreadsheet_token: token } }));
    return (res.data?.sheets ?? []) as SheetInfo[];
  }

  async sheetValues(token: string, range: string): Promise<SheetValues> {
    // The SDK has no method for the v2 values endpoint.
    const res = await this.call(() =>
      this.client.request<{
        code?: number;
        msg?: string;
        data?: { revision?: number; valueRange?: { range?: string; values?: SheetValues['values']; revision?: number } };
      }>({ method: 'GET', url: `/open-apis/sheets/v2/spreadsheets/${enc(token)}/values/${enc(range)}?${VALUE_QUERY}` }),
    );
    const vr = res.data?.valueRange ?? {};
    const revision = typeof res.data?.revision === 'number' ? res.data.revision : typeof vr.revision === 'number' ? vr.revision : null;
    return { range: vr.range ?? '', values: vr.values ?? [], revision };
  }

  async userNames(openIds: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const ids = [...new Set(openIds)];
    for (let i = 0; i < ids.length; i += 50) {
      const res = await this.call(() => this.client.contact.v3.user.batch({ params: { user_ids: ids.slice(i, i + 50), user_id_type: 'open_id' } }));
      for (const u of res.data?.items ?? []) if (u.open_id && u.name) out.set(u.open_id, u.name);
    }
    return out;
  }
}
