import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import * as lark from '@larksuiteoapi/node-sdk';
import type { Logger } from '../log.js';

export interface SendRequest {
  chatId: string;
  /** Reply to this message; otherwise post to `chatId`. */
  replyTo: string | null;
  msgType: 'interactive' | 'text';
  content: string;
  /** Feishu sends one message per uuid within an hour, so a retry never duplicates. */
  uuid: string;
}

export interface FeishuUser {
  key: string;
  openId: string | null;
}

/** What the bot needs from the Feishu open platform. */
export interface FeishuApi {
  botInfo(): Promise<{ openId: string; name: string }>;
  send(req: SendRequest): Promise<{ messageId: string }>;
  /** open_ids for emails or mobiles (`contact/v3/users/batch_get_id`); null where unknown. */
  userIds(by: 'email' | 'mobile', keys: string[]): Promise<FeishuUser[]>;
}

/** Codes Feishu uses for "too fast" or "try again". */
const RETRYABLE_CODES = new Set([230020, 99991400, 11232, 11233, 99991663, 230054]);

/** A failed Feishu call, with what a retry policy needs to know. */
export class FeishuError extends Error {
  constructor(
    message: string,
    readonly code: number | null,
    readonly status: number | null,
    readonly retryable: boolean,
    /** From `x-ogw-ratelimit-reset` (seconds), where Feishu says how long to wait. */
    readonly retryAfterMs: number | null,
  ) {
    super(message);
    this.name = 'FeishuError';
  }

  static from(e: unknown): FeishuError {
    if (e instanceof FeishuError) return e;
    const err = e as {
      message?: string;
      response?: { status?: number; data?: { code?: number; msg?: string }; headers?: Record<string, unknown> };
    };
    const status = err.response?.status ?? null;
    const code = typeof err.response?.data?.code === 'number' ? err.response.data.code : null;
    const reset = Number(err.response?.headers?.['x-ogw-ratelimit-reset']);
    const retryable =
      status === null || status >= 500 || status === 429 || (code !== null && RETRYABLE_CODES.has(code));
    const msg = err.response?.data?.msg ?? err.message ?? String(e);
    return new FeishuError(msg, code, status, retryable, Number.isFinite(reset) && reset > 0 ? reset * 1000 : null);
  }

  static fromBody(body: { code?: number; msg?: string }): FeishuError {
    const code = body.code ?? null;
    return new FeishuError(body.msg ?? 'unknown', code, 200, code !== null && RETRYABLE_CODES.has(code), null);
  }
}

export interface LarkApiOptions {
  appId: string;
  appSecret: string;
  /** https://open.feishu.cn, https://open.larksuite.com, or any base URL (a local stub). */
  domain: string;
  logger: Logger;
}

/** The SDK's logger interface, fed into ours; the SDK's debug chatter is dropped. */
export function sdkLogger(log: Logger) {
  const text = (args: unknown[]) => args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
  return {
    error: (...a: unknown[]) => log.warn('feishu sdk', { detail: text(a) }),
    warn: (...a: unknown[]) => log.warn('feishu sdk', { detail: text(a) }),
    info: () => {},
    debug: () => {},
    trace: () => {},
  };
}

let keepAlive = false;
/** Reuses connections to Feishu (the SDK's axios opens a new one, with a new TLS handshake, per call). */
function useKeepAlive(): void {
  if (keepAlive) return;
  keepAlive = true;
  lark.defaultHttpInstance.defaults.httpAgent = new HttpAgent({ keepAlive: true });
  lark.defaultHttpInstance.defaults.httpsAgent = new HttpsAgent({ keepAlive: true });
}

/** FeishuApi through the official SDK. */
export class LarkApi implements FeishuApi {
  readonly client: lark.Client;

  constructor(o: LarkApiOptions) {
    useKeepAlive();
    this.client = new lark.Client({
      appId: o.appId,
      appSecret: o.appSecret,
      domain: o.domain.replace(/\/+$/, ''),
      logger: sdkLogger(o.logger),
      cache: new lark.DefaultCache(),
    });
  }

  async botInfo(): Promise<{ openId: string; name: string }> {
    const res = await this.call(() =>
      this.client.request<{ code?: number; msg?: string; bot?: { open_id?: string; app_name?: string } }>({
        method: 'GET',
        url: '/open-apis/bot/v3/info',
      }),
    );
    if (!res.bot?.open_id) throw new FeishuError('bot/v3/info 未返回 open_id', res.code ?? null, 200, true, null);
    return { openId: res.bot.open_id, name: res.bot.app_name ?? '' };
  }

  async send(req: SendRequest): Promise<{ messageId: string }> {
    const data = { msg_type: req.msgType, content: req.content, uuid: req.uuid };
    const res = await this.call(() =>
      req.replyTo
        ? this.client.im.message.reply({ path: { message_id: req.replyTo }, data })
        : this.client.im.message.create({ params: { receive_id_type: 'chat_id' }, data: { ...data, receive_id: req.chatId } }),
    );
    const messageId = res.data?.message_id;
    if (!messageId) throw new FeishuError('发送成功但未返回 message_id', res.code ?? null, 200, false, null);
    return { messageId };
  }

  async userIds(by: 'email' | 'mobile', keys: string[]): Promise<FeishuUser[]> {
    const out: FeishuUser[] = [];
    for (let i = 0; i < keys.length; i += 50) {
      const chunk = keys.slice(i, i + 50);
      const res = await this.call(() =>
        this.client.contact.user.batchGetId({
          params: { user_id_type: 'open_id' },
          data: by === 'email' ? { emails: chunk } : { mobiles: chunk },
        }),
      );
      const list = res.data?.user_list ?? [];
      for (const key of chunk) {
        const hit = list.find((u) => (by === 'email' ? u.email : u.mobile) === key);
        out.push({ key, openId: hit?.user_id ?? null });
      }
    }
    return out;
  }

  /** HTTP errors are thrown by the SDK; `code ≠ 0` with HTTP 200 is returned, so both become FeishuError. */
  private async call<T extends { code?: number; msg?: string }>(fn: () => Promise<T>): Promise<T> {
    let res: T;
    try {
      res = await fn();
    } catch (e) {
      throw FeishuError.from(e);
    }
    if (res && typeof res.code === 'number' && res.code !== 0) throw FeishuError.fromBody(res);
    return res;
  }
}
