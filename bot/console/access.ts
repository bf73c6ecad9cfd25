import type { Context, MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';

/** Who may open the console, the question API and the post/person pages, and how often. */
export interface AccessSettings {
  /** ACCESS_TOKEN: when set, every guarded request needs it (bearer header, or a session cookie from `?token=`). */
  token: string | null;
  /** Requests per second refilled into each client's bucket, and the bucket's size. */
  rate: { perSecond: number; burst: number };
  /** TRUST_PROXY=1: the client is the first address of X-Forwarded-For (only behind a proxy that sets it). */
  trustProxy: boolean;
}

export const SESSION_COOKIE = 'gzt_session';
const SESSION_DAYS = 30;
/** Clients remembered at most; full buckets are forgotten first, so one flood cannot grow memory. */
const MAX_CLIENTS = 10_000;

const enc = new TextEncoder();
const hex = (b: ArrayBuffer) => [...new Uint8Array(b)].map((x) => x.toString(16).padStart(2, '0')).join('');

async function hmac(key: ArrayBuffer | Uint8Array<ArrayBuffer>, data: string): Promise<ArrayBuffer> {
  const k = await crypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return crypto.subtle.sign('HMAC', k, enc.encode(data));
}

/** Equal strings in time independent of where they differ. */
export function same(a: string, b: string): boolean {
  const x = enc.encode(a);
  const y = enc.encode(b);
  if (x.length !== y.length) return false;
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= x[i]! ^ y[i]!;
  return diff === 0;
}

/** Session cookies "expiry.mac": the MAC key is derived from ACCESS_TOKEN, so changing the token signs everyone out. */
export class Sessions {
  private key: Promise<ArrayBuffer>;
  constructor(token: string, label = 'gangzetong console session v1') {
    this.key = hmac(enc.encode(token), label);
  }
  /** A MAC of `data` under the session key (a form's CSRF token bound to its session). */
  async mac(data: string): Promise<string> {
    return hex(await hmac(await this.key, data));
  }
  async issue(now: number): Promise<string> {
    const expiry = String(now + SESSION_DAYS * 86_400_000);
    return `${expiry}.${hex(await hmac(await this.key, expiry))}`;
  }
  async valid(cookie: string | undefined, now: number): Promise<boolean> {
    const m = cookie?.match(/^(\d{1,16})\.([0-9a-f]{64})$/);
    if (!m || Number(m[1]) <= now) return false;
    return same(m[2]!, hex(await hmac(await this.key, m[1]!)));
  }
}

/** Token buckets by client: `take` says how many seconds to wait, or 0 when the request may go. */
export class RateLimiter {
  private buckets = new Map<string, { tokens: number; at: number }>();
  constructor(private readonly rate: AccessSettings['rate'], private readonly now: () => number) {}

  take(client: string): number {
    const now = this.now();
    const { perSecond, burst } = this.rate;
    const b = this.buckets.get(client) ?? { tokens: burst, at: now };
    b.tokens = Math.min(burst, b.tokens + (Math.max(0, now - b.at) / 1000) * perSecond);
    b.at = now;
    if (!this.buckets.has(client)) {
      if (this.buckets.size >= MAX_CLIENTS) this.forget(now);
      this.buckets.set(client, b);
    }
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / perSecond));
  }

  private forget(now: number): void {
    const { perSecond, burst } = this.rate;
    for (const [k, b] of this.buckets) if (b.tokens + ((now - b.at) / 1000) * perSecond >= burst) this.buckets.delete(k);
    // Still full of active clients: drop the oldest half rather than grow.
    if (this.buckets.size >= MAX_CLIENTS) [...this.buckets.keys()].slice(0, MAX_CLIENTS / 2).forEach((k) => this.buckets.delete(k));
  }
}

/** The peer address: the socket's on Node, Cloudflare's header on Workers, X-Forwarded-For only when trusted. */
export function clientAddress(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const xff = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
    if (xff) return xff;
  }
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? c.req.header('cf-connecting-ip') ?? 'unknown';
}

const SIGN_IN_PAGE = `<!doctype html><html lang="zh-CN"><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>需要登录 · 岗责通</title>
<body style="font:15px/1.6 sans-serif;max-width:560px;margin:40px auto;padding:0 16px"><h2>需要登录</h2>
<p>这个岗责通控制台需要访问令牌。请使用管理员发给你的链接（形如 <code>/?token=…</code>）打开一次，之后本浏览器 ${SESSION_DAYS} 天内免登录。</p></body></html>`;

/**
 * Sign-in and rate limits for the console, `/api/ask` and the post/person/unit pages: a bearer token
 * or a signed HttpOnly session cookie (set by opening any page once with `?token=`), then one token
 * bucket per client. Without ACCESS_TOKEN only the rate limit applies (loopback or CONSOLE_PUBLIC=1).
 */
export function accessGuard(settings: AccessSettings, now: () => number): MiddlewareHandler {
  const sessions = settings.token ? new Sessions(settings.token) : null;
  const limiter = new RateLimiter(settings.rate, now);
  const wantsJson = (c: Context) => c.req.path.startsWith('/api/');
  return async (c, next) => {
    const wait = limiter.take(clientAddress(c, settings.trustProxy));
    if (wait > 0) {
      c.header('Retry-After', String(wait));
      return wantsJson(c) ? c.json({ error: `请求过于频繁，请 ${wait} 秒后再试` }, 429) : c.text(`请求过于频繁，请 ${wait} 秒后再试`, 429);
    }
    if (!sessions || !settings.token) return next();
    const bearer = c.req.header('authorization')?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim();
    if (bearer !== undefined && same(bearer, settings.token)) return next();
    const query = c.req.query('token');
    if (query !== undefined && c.req.method === 'GET' && same(query, settings.token)) {
      setCookie(c, SESSION_COOKIE, await sessions.issue(now()), {
        httpOnly: true,
        sameSite: 'Lax',
        path: '/',
        maxAge: SESSION_DAYS * 86_400,
        secure: new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https',
      });
      // The token leaves the address bar (and the history) at once.
      const url = new URL(c.req.url);
      url.searchParams.delete('token');
      return c.redirect(`${url.pathname}${url.search}`, 303);
    }
    if (await sessions.valid(getCookie(c, SESSION_COOKIE), now())) return next();
    return wantsJson(c) ? c.json({ error: '需要登录：请带上 Authorization: Bearer <ACCESS_TOKEN>' }, 401) : c.html(SIGN_IN_PAGE, 401);
  };
}

/** Loopback addresses: the console is private to this machine there. */
export const isLoopback = (host: string): boolean => /^(127\.\d+\.\d+\.\d+|::1|\[::1\]|localhost)$/i.test(host.trim());
