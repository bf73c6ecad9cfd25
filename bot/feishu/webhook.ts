import { decryptEvent, safeEqual, signEvent } from './crypto.js';
import { parseJson } from '../input.js';

export interface WebhookSecrets {
  encryptKey: string | null;
  verificationToken: string | null;
  /** How far the signed request timestamp may be from our clock, either way; default 5 minutes. */
  replayWindowMs?: number;
}

export const DEFAULT_REPLAY_WINDOW_MS = 5 * 60_000;

/**
 * Events older than this (by the event's own create_time) are refused whatever the request says.
 * Feishu re-pushes for about 7.1 h (15 s, 5 min, 1 h, 6 h), so 12 h lets every genuine retry in;
 * the de-dup store keeps event ids longer than this (see DEDUP_KEEP_MS), so nothing accepted can
 * be accepted twice.
 */
export const MAX_EVENT_AGE_MS = 12 * 3600_000;

export type WebhookResult =
  | { kind: 'event'; body: Record<string, unknown> }
  | { kind: 'challenge'; challenge: string }
  | { kind: 'rejected'; status: 400 | 401; error: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Seconds, milliseconds or microseconds since the epoch (Feishu uses all three) → milliseconds. */
function epochMs(v: unknown): number | null {
  const n = typeof v === 'string' && /^\d{1,20}$/.test(v.trim()) ? Number(v) : typeof v === 'number' ? v : NaN;
  if (!Number.isFinite(n) || n <= 0) return null;
  return n >= 1e14 ? n / 1000 : n >= 1e11 ? n : n * 1000;
}

/**
 * Replay rule. The request timestamp is signed together with a per-request nonce, so each HTTP
 * delivery — a re-push included — is signed afresh; it must lie within the window of our clock.
 * A captured delivery can then be replayed only within the window, where the event id is still
 * remembered (kept 48 h) and the replay is a no-op. Independently, an event whose own create_time is
 * older than MAX_EVENT_AGE_MS is refused, so even where the request is not signed (token only) an
 * old captured event (a 绑定 from last week) cannot come back after its id has been forgotten.
 */
function staleness(body: Record<string, unknown>, requestTs: string | undefined, now: number, windowMs: number): string | null {
  if (requestTs !== undefined) {
    const at = epochMs(requestTs);
    if (at === null) return '请求时间戳无效';
    if (Math.abs(now - at) > windowMs) return `请求时间戳与服务器时间相差超过 ${Math.round(windowMs / 1000)} 秒（可能是重放的旧请求，或服务器时钟不准）`;
  }
  const head = isObject(body.header) ? body.header : null;
  const created = epochMs(head?.create_time);
  if (created !== null && now - created > MAX_EVENT_AGE_MS) return `事件产生于 ${Math.round((now - created) / 3600_000)} 小时前，超过飞书重推期限，已拒绝`;
  return null;
}

/**
 * Opens one webhook delivery: parse, decrypt, check the token, answer url_verification, check the
 * signature over the raw bytes and the freshness of the request. Pure apart from crypto, so every
 * rejection can be tested directly.
 */
export function openWebhook(raw: Uint8Array, header: (name: string) => string | undefined, secrets: WebhookSecrets, now: number = Date.now()): WebhookResult {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    return { kind: 'rejected', status: 400, error: '请求体不是合法的 JSON' };
  }
  const outer = parseJson(text);
  if (!outer.ok) return { kind: 'rejected', status: 400, error: outer.error };
  let body: unknown = outer.value;
  if (!isObject(body)) return { kind: 'rejected', status: 400, error: '请求体应为 JSON 对象' };

  if ('encrypt' in body) {
    if (typeof body.encrypt !== 'string') return { kind: 'rejected', status: 400, error: 'encrypt 字段应为字符串' };
    if (!secrets.encryptKey) return { kind: 'rejected', status: 400, error: '收到加密事件，但服务端未配置 FEISHU_ENCRYPT_KEY' };
    let plain: string;
    try {
      plain = decryptEvent(secrets.encryptKey, body.encrypt);
    } catch {
      return { kind: 'rejected', status: 401, error: '解密失败：Encrypt Key 不匹配或密文被篡改' };
    }
    // The signature is checked after decryption, so a sender with the key could still nest too deep: refuse it here too.
    const parsed = parseJson(plain);
    if (!parsed.ok) return { kind: 'rejected', status: 400, error: `解密后的内容：${parsed.error}` };
    body = parsed.value;
    if (!isObject(body)) return { kind: 'rejected', status: 400, error: '解密后的内容应为 JSON 对象' };
  }

  if (secrets.verificationToken) {
    const head = isObject(body.header) ? body.header : {};
    const token = typeof head.token === 'string' ? head.token : typeof body.token === 'string' ? body.token : '';
    if (!safeEqual(token, secrets.verificationToken)) return { kind: 'rejected', status: 401, error: 'Verification Token 不匹配' };
  }

  // Feishu signs pushed events, not the URL check, so the challenge is answered before the signature.
  if (body.type === 'url_verification') {
    if (typeof body.challenge !== 'string') return { kind: 'rejected', status: 400, error: 'url_verification 缺少 challenge' };
    return { kind: 'challenge', challenge: body.challenge };
  }

  if (secrets.encryptKey) {
    const ts = header('x-lark-request-timestamp');
    const nonce = header('x-lark-request-nonce');
    const signature = header('x-lark-signature');
    if (!ts || !nonce || !signature) return { kind: 'rejected', status: 401, error: '缺少签名请求头' };
    if (!safeEqual(signEvent(ts, nonce, secrets.encryptKey, raw), signature.toLowerCase())) {
      return { kind: 'rejected', status: 401, error: '签名校验失败' };
    }
  }
  // Without an encrypt key the timestamp is not signed, so only the event's own age is checked.
  const stale = staleness(body, secrets.encryptKey ? header('x-lark-request-timestamp') : undefined, now, secrets.replayWindowMs ?? DEFAULT_REPLAY_WINDOW_MS);
  if (stale) return { kind: 'rejected', status: 401, error: stale };
  return { kind: 'event', body };
}
