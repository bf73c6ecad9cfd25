import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FeishuDocsStub } from './feishuDocsStub.js';

export interface StubMessage {
  kind: 'reply' | 'create';
  /** The message replied to (reply) or the chat (create). */
  target: string;
  msgType: string;
  content: Record<string, unknown>;
  uuid: string | null;
  messageId: string;
  /** performance.now() when the stub received it. */
  receivedAt: number;
}

interface Scripted {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/**
 * A local stand-in for open.feishu.cn on 127.0.0.1, for the real SDK: token, bot info, reply, create,
 * patch, batch_get_id; failures can be scripted per call.
 */
export class FeishuStub {
  readonly messages: StubMessage[] = [];
  readonly calls: { method: string; path: string; auth: string | undefined }[] = [];
  readonly users = new Map<string, string>();
  /** Docs / Wiki / Sheets endpoints (`feishuDocsStub.ts`). */
  readonly docs = new FeishuDocsStub();
  /** Files users sent in messages, by file_key, served by the message-resource API. */
  readonly files = new Map<string, Uint8Array>();
  botOpenId = 'ou_bot_gzt';
  private readonly script: Scripted[] = [];
  private readonly byUuid = new Map<string, string>();
  private seq = 0;
  private server: Server | null = null;
  url = '';
  onMessage: ((m: StubMessage) => void) | null = null;
  /** While true, bot/v3/info answers 500. */
  botInfoDown = false;
  /** While true, every send answers 503 (an outage). */
  sendsDown = false;
  /** Sends still to be held without an answer (a hung Feishu), and the responses being held. */
  private hangs = 0;
  private readonly held: ServerResponse[] = [];

  /** The next `n` sends get no answer until `releaseHung` or `stop`. */
  hangSends(n: number): void {
    this.hangs += n;
  }

  /** Ends the held requests with a 502, as a proxy giving up would. */
  releaseHung(): void {
    for (const res of this.held.splice(0)) if (!res.writableEnded) res.writeHead(502).end('{}');
  }

  hungCount(): number {
    return this.held.length;
  }

  /** The next send calls answer with these responses instead of succeeding. */
  failSends(...responses: Scripted[]): void {
    this.script.push(...responses);
  }

  sendCalls(): number {
    return this.calls.filter((c) => c.path.startsWith('/open-apis/im/v1/messages')).length;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.releaseHung();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://stub');
    this.calls.push({ method: req.method ?? '', path: url.pathname, auth: req.headers.authorization });
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    let body: Record<string, unknown> = {};
    try {
      body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    } catch {
      body = {};
    }
    const path = url.pathname;
    if (path === '/open-apis/auth/v3/tenant_access_token/internal') {
      return send(200, { code: 0, msg: 'ok', tenant_access_token: 't-stub-token', expire: 7200 });
    }
    if (req.headers.authorization !== 'Bearer t-stub-token') return send(401, { code: 99991663, msg: 'invalid token' });
    if (path === '/open-apis/bot/v3/info') {
      if (this.botInfoDown) return send(500, { code: 500, msg: 'down' });
      return send(200, { code: 0, msg: 'ok', bot: { open_id: this.botOpenId, app_name: '岗责通', activate_status: 2 } });
    }
    const reply = path.match(/^\/open-apis\/im\/v1\/messages\/([^/]+)\/reply$/);
    if ((reply && req.method === 'POST') || (path === '/open-apis/im/v1/messages' && req.method === 'POST')) {
      if (this.hangs > 0) {
        this.hangs--;
        this.held.push(res);
        return;
      }
      if (this.sendsDown) return send(503, { code: 503, msg: 'service unavailable' });
      const scripted = this.script.shift();
      if (scripted) return send(scripted.status, scripted.body, scripted.headers);
      const uuid = typeof body.uuid === 'string' ? body.uuid : null;
      // Feishu: the same uuid succeeds at most once within an hour.
      if (uuid && this.byUuid.has(uuid)) return send(200, { code: 0, msg: 'success', data: { message_id: this.byUuid.get(uuid) } });
      const messageId = `om_stub_${++this.seq}`;
      if (uuid) this.byUuid.set(uuid, messageId);
      this.messages.push({
        kind: reply ? 'reply' : 'create',
        target: reply ? reply[1]! : String(body.receive_id),
        msgType: String(body.msg_type),
        content: JSON.parse(String(body.content)) as Record<string, unknown>,
        uuid,
        messageId,
        receivedAt: performance.now(),
      });
      this.onMessage?.(this.messages[this.messages.length - 1]!);
      return send(200, { code: 0, msg: 'success', data: { message_id: messageId, msg_type: body.msg_type } });
    }
    const resource = path.match(/^\/open-apis\/im\/v1\/messages\/([^/]+)\/resources\/([^/]+)$/);
    if (resource && req.method === 'GET') {
      const bytes = this.files.get(decodeURIComponent(resource[2]!));
      if (url.searchParams.get('type') !== 'file' && url.searchParams.get('type') !== 'image') return send(400, { code: 234001, msg: 'Invalid request param.' });
      if (!bytes) return send(400, { code: 234003, msg: 'File not in msg.' });
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(bytes.byteLength) });
      res.end(Buffer.from(bytes));
      return;
    }
    const carded = this.cardkitRoute(req.method ?? '', path, body);
    if (carded) return send(carded.status, carded.body);
    if (path.startsWith('/open-apis/im/v1/messages/') && req.method === 'PATCH') return send(200, { code: 0, msg: 'success', data: {} });
    if (path === '/open-apis/contact/v3/users/batch_get_id') {
      const keys = [...((body.emails as string[]) ?? []), ...((body.mobiles as string[]) ?? [])];
      const list = keys.map((k) =>
        this.users.has(k) ? { user_id: this.users.get(k), [k.includes('@') ? 'email' : 'mobile']: k } : { [k.includes('@') ? 'email' : 'mobile']: k },
      );
      return send(200, { code: 0, msg: 'success', data: { user_list: list } });
    }
    const docs = this.docs.handle(req.method ?? 'GET', url);
    if (docs) return send(docs.status, docs.body, docs.headers);
    return send(404, { code: 404, msg: `stub has no ${req.method} ${path}` });
  }

  // --- CardKit card entities (streaming answers): create, element content, settings.
  readonly cards = new Map<string, StubCard>();
  /** The next `n` CardKit calls fail with HTTP 500. */
  cardkitFailures = 0;
  private cardSeq = 0;

  /** The card a sent message shows: the message's own JSON, or the entity it references, as it is now. */
  shownCard(m: StubMessage): Record<string, unknown> {
    const ref = m.content as { type?: string; data?: { card_id?: string } };
    if (ref.type === 'card' && ref.data?.card_id) return this.cards.get(ref.data.card_id)?.card ?? {};
    return m.content;
  }

  private cardkitRoute(method: string, path: string, body: Record<string, unknown>): { status: number; body: unknown } | null {
    if (!path.startsWith('/open-apis/cardkit/v1/cards')) return null;
    if (this.cardkitFailures > 0) {
      this.cardkitFailures--;
      return { status: 500, body: { code: 500, msg: 'cardkit down' } };
    }
    if (method === 'POST' && path === '/open-apis/cardkit/v1/cards') {
      const cardId = `card_stub_${++this.cardSeq}`;
      this.cards.set(cardId, { card: JSON.parse(String(body.data)) as Record<string, unknown>, updates: [], settings: [], lastSequence: 0 });
      return { status: 200, body: { code: 0, msg: 'success', data: { card_id: cardId } } };
    }
    const m = path.match(/^\/open-apis\/cardkit\/v1\/cards\/([^/]+)(\/settings|\/elements\/([^/]+)\/content)$/);
    const entry = m ? this.cards.get(m[1]!) : undefined;
    if (!m || !entry) return { status: 400, body: { code: 300309, msg: 'card not found' } };
    const sequence = Number(body.sequence);
    // Feishu rejects a sequence that does not increase (per card).
    if (!(sequence > entry.lastSequence)) return { status: 400, body: { code: 300317, msg: 'sequence number compare failed' } };
    entry.lastSequence = sequence;
    if (m[2] === '/settings' && method === 'PATCH') {
      const settings = JSON.parse(String(body.settings)) as { config?: Record<string, unknown> };
      entry.settings.push({ settings, sequence });
      entry.card.config = { ...(entry.card.config as Record<string, unknown>), ...settings.config };
      return { status: 200, body: { code: 0, msg: 'success', data: {} } };
    }
    if (method === 'PUT' && m[3]) {
      const config = entry.card.config as { streaming_mode?: boolean };
      if (!config?.streaming_mode) return { status: 400, body: { code: 300311, msg: 'card is not in streaming mode' } };
      const elementId = decodeURIComponent(m[3]);
      const el = findElement(entry.card, elementId);
      if (!el) return { status: 400, body: { code: 300312, msg: 'element not found' } };
      el.content = String(body.content);
      entry.updates.push({ elementId, content: String(body.content), sequence });
      return { status: 200, body: { code: 0, msg: 'success', data: {} } };
    }
    return { status: 404, body: { code: 404, msg: `stub has no ${method} ${path}` } };
  }
}

export interface StubCard {
  card: Record<string, unknown>;
  updates: { elementId: string; content: string; sequence: number }[];
  settings: { settings: unknown; sequence: number }[];
  lastSequence: number;
}

function findElement(v: unknown, id: string): Record<string, unknown> | null {
  if (Array.isArray(v)) {
    for (const x of v) {
      const hit = findElement(x, id);
      if (hit) return hit;
    }
  } else if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (o.element_id === id) return o;
    for (const x of Object.values(o)) {
      const hit = findElement(x, id);
      if (hit) return hit;
    }
  }
  return null;
}
