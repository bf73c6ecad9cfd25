import type { Clock } from '../clock.js';
import { type FeishuApi, FeishuError, type FeishuUser, readLimited, type SendRequest, TooLargeError } from './api.js';

interface Body {
  code?: number;
  msg?: string;
  data?: Record<string, unknown>;
  tenant_access_token?: string;
  expire?: number;
  bot?: { open_id?: string; app_name?: string };
}

/**
 * FeishuApi over plain fetch, for runtimes where the SDK (axios over node:http) does not run, such as
 * Cloudflare Workers. Same endpoints and error handling as the SDK path.
 */
export class FetchFeishuApi implements FeishuApi {
  private token: { value: string; until: number } | null = null;

  constructor(
    private readonly o: { appId: string; appSecret: string; domain: string; clock: Clock; fetch?: typeof fetch; timeoutMs?: number },
  ) {}

  protected async request(method: 'GET' | 'POST' | 'PUT' | 'PATCH', path: string, body?: unknown, auth = true): Promise<Body> {
    const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
    if (auth) headers.authorization = `Bearer ${await this.tenantToken()}`;
    let res: Response;
    const timeoutMs = this.o.timeoutMs ?? 10_000;
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      res = await (this.o.fetch ?? fetch)(`${this.o.domain.replace(/\/+$/, '')}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
      });
    } catch (e) {
      if (signal.aborted) throw FeishuError.timeout(timeoutMs);
      throw new FeishuError(String((e as Error).message ?? e), null, null, true, null);
    }
    let json: Body = {};
    try {
      json = (await res.json()) as Body;
    } catch {
      // A body cut off by the timeout counts as no answer.
      if (signal.aborted) throw FeishuError.timeout(timeoutMs);
      json = {};
    }
    if (!res.ok) {
      const reset = Number(res.headers.get('x-ogw-ratelimit-reset'));
      throw FeishuError.from({
        message: `HTTP ${res.status}`,
        response: { status: res.status, data: json, headers: { 'x-ogw-ratelimit-reset': Number.isFinite(reset) ? reset : undefined } },
      });
    }
    if (typeof json.code === 'number' && json.code !== 0) throw FeishuError.fromBody(json);
    return json;
  }

  private async tenantToken(): Promise<string> {
    const now = this.o.clock.now();
    if (this.token && now < this.token.until) return this.token.value;
    const res = await this.request('POST', '/open-apis/auth/v3/tenant_access_token/internal', { app_id: this.o.appId, app_secret: this.o.appSecret }, false);
    if (!res.tenant_access_token) throw new FeishuError('未取得 tenant_access_token', res.code ?? null, 200, true, null);
    // Renew three minutes early, as the SDK does.
    this.token = { value: res.tenant_access_token, until: now + Math.max(60, (res.expire ?? 7200) - 180) * 1000 };
    return this.token.value;
  }

  async botInfo(): Promise<{ openId: string; name: string }> {
    const res = await this.request('GET', '/open-apis/bot/v3/info');
    if (!res.bot?.open_id) throw new FeishuError('bot/v3/info 未返回 open_id', res.code ?? null, 200, true, null);
    return { openId: res.bot.open_id, name: res.bot.app_name ?? '' };
  }

  async send(req: SendRequest): Promise<{ messageId: string }> {
    const data = { msg_type: req.msgType, content: req.content, uuid: req.uuid };
    const res = req.replyTo
      ? await this.request('POST', `/open-apis/im/v1/messages/${encodeURIComponent(req.replyTo)}/reply`, data)
      : await this.request('POST', '/open-apis/im/v1/messages?receive_id_type=chat_id', { ...data, receive_id: req.chatId });
    const messageId = res.data?.message_id;
    if (typeof messageId !== 'string') throw new FeishuError('发送成功但未返回 message_id', res.code ?? null, 200, false, null);
    return { messageId };
  }

  async userIds(by: 'email' | 'mobile', keys: string[]): Promise<FeishuUser[]> {
    const out: FeishuUser[] = [];
    for (let i = 0; i < keys.length; i += 50) {
      const chunk = keys.slice(i, i + 50);
      const res = await this.request('POST', '/open-apis/contact/v3/users/batch_get_id?user_id_type=open_id', by === 'email' ? { emails: chunk } : { mobiles: chunk });
      const list = (res.data?.user_list ?? []) as { user_id?: string; email?: string; mobile?: string }[];
      for (const key of chunk) out.push({ key, openId: list.find((u) => (by === 'email' ? u.email : u.mobile) === key)?.user_id ?? null });
    }
    return out;
  }

  async downloadResource(messageId: string, fileKey: string, o: { maxBytes?: number } = {}): Promise<Uint8Array> {
    const maxBytes = o.maxBytes ?? 100 * 1024 * 1024;
    const timeoutMs = this.o.timeoutMs ?? 10_000;
    const signal = AbortSignal.timeout(timeoutMs * 6);
    const path = `/open-apis/im/v1/messages/${encodeURIComponent(messageId)}/resources/${encodeURIComponent(fileKey)}?type=file`;
    let res: Response;
    try {
      res = await (this.o.fetch ?? fetch)(`${this.o.domain.replace(/\/+$/, '')}${path}`, { headers: { authorization: `Bearer ${await this.tenantToken()}` }, signal });
    } catch (e) {
      if (signal.aborted) throw FeishuError.timeout(timeoutMs * 6);
      throw new FeishuError(String((e as Error).message ?? e), null, null, true, null);
    }
    if (!res.ok || (res.headers.get('content-type') ?? '').includes('application/json')) {
      const json = (await res.json().catch(() => ({}))) as Body;
      if (!res.ok) throw FeishuError.from({ message: `HTTP ${res.status}`, response: { status: res.status, data: json, headers: {} } });
      throw FeishuError.fromBody(json);
    }
    if (Number(res.headers.get('content-length')) > maxBytes) {
      await res.body?.cancel();
      throw new TooLargeError(maxBytes);
    }
    if (!res.body) return new Uint8Array(0);
    const reader = res.body.getReader();
    const chunks = {
      async *[Symbol.asyncIterator]() {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return;
          yield value;
        }
      },
    };
    return readLimited(chunks, maxBytes, () => void reader.cancel());
  }

  // --- CardKit card entities (streaming answers).
  async createCard(card: unknown): Promise<{ cardId: string }> {
    const res = await this.request('POST', '/open-apis/cardkit/v1/cards', { type: 'card_json', data: JSON.stringify(card) });
    const cardId = res.data?.card_id;
    if (typeof cardId !== 'string') throw new FeishuError('创建卡片实体未返回 card_id', res.code ?? null, 200, false, null);
    return { cardId };
  }

  async streamCardText(cardId: string, elementId: string, content: string, sequence: number): Promise<void> {
    const path = `/open-apis/cardkit/v1/cards/${encodeURIComponent(cardId)}/elements/${encodeURIComponent(elementId)}/content`;
    await this.request('PUT', path, { content, sequence, uuid: `c_${cardId}_${sequence}` });
  }

  async finishCard(cardId: string, summary: string, sequence: number): Promise<void> {
    const settings = JSON.stringify({ config: { streaming_mode: false, summary: { content: summary } } });
    await this.request('PATCH', `/open-apis/cardkit/v1/cards/${encodeURIComponent(cardId)}/settings`, { settings, sequence, uuid: `s_${cardId}_${sequence}` });
  }
}
