import { decryptEvent, safeEqual, signEvent } from './crypto.js';

export interface WebhookSecrets {
  encryptKey: string | null;
  verificationToken: string | null;
}

export type WebhookResult =
  | { kind: 'event'; body: Record<string, unknown> }
  | { kind: 'challenge'; challenge: string }
  | { kind: 'rejected'; status: 400 | 401; error: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Opens one webhook delivery: parse, decrypt, check the token, answer url_verification, check the
 * signature over the raw bytes. Pure apart from crypto, so every rejection can be tested directly.
 */
export function openWebhook(raw: Uint8Array, header: (name: string) => string | undefined, secrets: WebhookSecrets): WebhookResult {
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw));
  } catch {
    return { kind: 'rejected', status: 400, error: '请求体不是合法的 JSON' };
  }
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
    try {
      body = JSON.parse(plain);
    } catch {
      return { kind: 'rejected', status: 400, error: '解密后的内容不是合法的 JSON' };
    }
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
  return { kind: 'event', body };
}
