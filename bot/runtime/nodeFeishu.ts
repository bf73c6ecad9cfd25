import type { FeishuApi } from '../feishu/api.js';
import { LarkApi, type LarkApiOptions } from '../node/larkApi.js';
import { LarkDocsApi } from '../node/larkDocsApi.js';

/** The Lark SDK's clients, in a module of their own so a bot without Feishu never loads the SDK. */
export function larkApi(o: LarkApiOptions): LarkApi {
  return new LarkApi(o);
}

/** Linked Feishu documents read with the bot's own SDK client, where the API is the SDK's. */
export function docsApi(api: FeishuApi): LarkDocsApi | null {
  return api instanceof LarkApi ? new LarkDocsApi(api.client) : null;
}
