import * as lark from '@larksuiteoapi/node-sdk';
import type { Readable } from 'node:stream';
import { type FeishuApi, FeishuError, type FeishuUser, readLimited, type SendRequest, TooLargeError } from '../feishu/api.js';
import type { Logger } from '../log.js';
import { LeanHttp } from './leanHttp.js';

export interface LarkApiOptions {
  appId: string;
  appSecret: string;
  /** https://open.feishu.cn, https://open.larksuite.com, or any base URL (a local stub). */
  domain: string;
  logger: Logger;
  /** Longest wait for one call (default 10 s); a hung call becomes a retryable FeishuError. */
  timeoutMs?: number;
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

/** The lean HTTP clients in use, so that a one-shot command can close their kept-alive sockets. */
const opened = new Set<LeanHttp>();

/** Drops the kept-alive connections to Feishu, so a one-shot command can end. */
export function closeKeepAlive(): void {
  for (const h of opened) h.close();
  opened.clear();
}

/** True where the environment routes outgoing HTTP through a proxy. */
export function viaProxy(env: Record<string, string | undefined>): boolean {
  return ['HTTPS_PROXY', 'HTTP_PROXY', 'ALL_PROXY'].some((k) => !!(env[k] || env[k.toLowerCase()]));
}

/** FeishuApi through the official SDK. */
export class LarkApi implements FeishuApi {
  readonly client: lark.Client;
  private readonly timeoutMs: number;

  constructor(o: LarkApiOptions) {
    this.timeoutMs = o.timeoutMs ?? 10_000;
    // Kept-alive sockets over Node's http (axios, the SDK's default, costs about 1 ms of CPU per call and opens
    // a connection per call). Its own timeout ends the socket; the race in call() also bounds the token fetch.
    // Its response interceptor returns the body, as the SDK's httpInstance must.
    // Behind a proxy (HTTPS_PROXY and the like) the SDK's axios is kept: it honours those variables, the lean client does not.
    const http = viaProxy(process.env) ? null : new LeanHttp({ timeoutMs: this.timeoutMs }, lark.defaultHttpInstance as unknown as ConstructorParameters<typeof LeanHttp>[1]);
    if (http) opened.add(http);
    this.client = new lark.Client({
      ...(http ? { httpInstance: http } : {}),
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

  async downloadResource(messageId: string, fileKey: string, o: { maxBytes?: number } = {}): Promise<Uint8Array> {
    const maxBytes = o.maxBytes ?? 100 * 1024 * 1024;
    type Download = { code?: number; msg?: string; getReadableStream: () => Readable; headers?: Record<string, unknown> };
    let res: Download;
    try {
      res = await this.call(() => this.client.im.messageResource.get({ path: { message_id: messageId, file_key: fileKey }, params: { type: 'file' } }) as Promise<Download>);
    } catch (e) {
      throw await streamedError(e);
    }
    const stream = res.getReadableStream();
    const declared = Number(res.headers?.['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      stream.destroy();
      throw new TooLargeError(maxBytes);
    }
    return readLimited(stream, maxBytes, () => stream.destroy());
  }

  // --- CardKit card entities (streaming answers).
  async createCard(card: unknown): Promise<{ cardId: string }> {
    const res = await this.call(() => this.client.cardkit.v1.card.create({ data: { type: 'card_json', data: JSON.stringify(card) } }));
    const cardId = res.data?.card_id;
    if (!cardId) throw new FeishuError('创建卡片实体未返回 card_id', res.code ?? null, 200, false, null);
    return { cardId };
  }

  async streamCardText(cardId: string, elementId: string, content: string, sequence: number): Promise<void> {
    await this.call(() =>
      this.client.cardkit.v1.cardElement.content({ path: { card_id: cardId, element_id: elementId }, data: { content, sequence, uuid: `c_${cardId}_${sequence}` } }),
    );
  }

  async finishCard(cardId: string, summary: string, sequence: number): Promise<void> {
    const settings = JSON.stringify({ config: { streaming_mode: false, summary: { content: summary } } });
    await this.call(() => this.client.cardkit.v1.card.settings({ path: { card_id: cardId }, data: { settings, sequence, uuid: `s_${cardId}_${sequence}` } }));
  }

  private call<T extends { code?: number; msg?: string }>(fn: () => Promise<T>): Promise<T> {
    return sdkCall(fn, this.timeoutMs);
  }
}

/** A download's error body arrives as a stream (responseType "stream"): read its JSON for Feishu's code. */
async function streamedError(e: unknown): Promise<FeishuError> {
  const data = (e as { response?: { data?: unknown } })?.response?.data as Readable | undefined;
  if (data && typeof (data as { on?: unknown }).on === 'function' && typeof data.read === 'function') {
    try {
      const bytes = await readLimited(data, 64 * 1024);
      (e as { response: { data: unknown } }).response.data = JSON.parse(new TextDecoder().decode(bytes));
    } catch {
      (e as { response: { data: unknown } }).response.data = {};
    }
  }
  return FeishuError.from(e);
}

/** One SDK call with a time limit. HTTP errors are thrown by the SDK; `code ≠ 0` with HTTP 200 is returned, so both become FeishuError. */
export async function sdkCall<T extends { code?: number; msg?: string }>(fn: () => Promise<T>, timeoutMs: number): Promise<T> {
  let res: T;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    res = await Promise.race([
      fn(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(FeishuError.timeout(timeoutMs)), timeoutMs);
        timer.unref?.();
      }),
    ]);
  } catch (e) {
    throw FeishuError.from(e);
  } finally {
    clearTimeout(timer);
  }
  if (res && typeof res.code === 'number' && res.code !== 0) throw FeishuError.fromBody(res);
  return res;
}
