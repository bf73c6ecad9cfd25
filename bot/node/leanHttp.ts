import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type * as lark from '@larksuiteoapi/node-sdk';

type HttpInstance = NonNullable<ConstructorParameters<typeof lark.Client>[0]['httpInstance']>;
type Options = Parameters<HttpInstance['request']>[0];

/** An answer that was not 2xx, shaped as axios' error is (`response.status/data/headers`), which the SDK and FeishuError read. */
export class HttpStatusError extends Error {
  readonly response: { status: number; statusText: string; data: unknown; headers: IncomingHttpHeaders };
  constructor(status: number, statusText: string, data: unknown, headers: IncomingHttpHeaders) {
    super(`Request failed with status code ${status}`);
    this.name = 'HttpStatusError';
    this.response = { status, statusText, data, headers };
  }
}

/** A call that got no answer in time; `code` as axios sets it, so FeishuError counts it as a timeout. */
export class HttpTimeoutError extends Error {
  readonly code = 'ECONNABORTED';
  constructor(ms: number) {
    super(`timeout of ${ms}ms exceeded`);
    this.name = 'HttpTimeoutError';
  }
}

export interface LeanHttpOptions {
  /** Longest wait for one call, when the call does not set its own. */
  timeoutMs: number;
  /** Sockets kept open per host (default 64). */
  maxSockets?: number;
}

const isPlainBody = (d: unknown) =>
  d === undefined || d === null || typeof d === 'string' || Buffer.isBuffer(d) || d instanceof Uint8Array || (typeof d === 'object' && Object.getPrototypeOf(d) === Object.prototype) || Array.isArray(d);

function withQuery(url: string, o: Options): string {
  const params = o.params ? Object.fromEntries(Object.entries(o.params).filter(([, v]) => v !== undefined && v !== null)) : null;
  if (!params || Object.keys(params).length === 0) return url;
  const serializer = o.paramsSerializer;
  const query =
    typeof serializer === 'function'
      ? serializer(params)
      : new URLSearchParams(Object.entries(params).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, String(x)]) : [[k, String(v)]]))).toString();
  return query ? `${url}${url.includes('?') ? '&' : '?'}${query}` : url;
}

/**
 * The SDK's `httpInstance` over Node's http/https with kept-alive sockets: what the SDK asks of it
 * (JSON in, JSON out, the body returned as its axios instance's interceptor does, `$return_headers`,
 * `responseType: 'stream'`), at a fraction of axios' cost per call. Anything else (form uploads, other
 * response types) goes to `fallback`, the SDK's own axios instance.
 */
export class LeanHttp implements HttpInstance {
  private readonly http: HttpAgent;
  private readonly https: HttpsAgent;

  constructor(
    private readonly o: LeanHttpOptions,
    private readonly fallback: HttpInstance,
  ) {
    const agent = { keepAlive: true, maxSockets: o.maxSockets ?? 64 };
    this.http = new HttpAgent(agent);
    this.https = new HttpsAgent(agent);
  }

  /** Closes the kept-alive sockets, so that a one-shot command can end. */
  close(): void {
    this.http.destroy();
    this.https.destroy();
  }

  request<T = unknown, R = T>(o: Options): Promise<R> {
    const type = o.responseType ?? 'json';
    if (!isPlainBody(o.data) || (type !== 'json' && type !== 'stream' && type !== 'text')) return this.fallback.request(o);
    const method = (o.method ?? 'GET').toUpperCase();
    const url = new URL(withQuery(o.url ?? '', o));
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(o.headers ?? {})) if (v !== undefined && v !== null) headers[k] = String(v);
    let body: Buffer | null = null;
    // As axios: GET and HEAD carry no body (the SDK passes `{}` for them).
    if (o.data !== undefined && o.data !== null && method !== 'GET' && method !== 'HEAD') {
      const raw = o.data as unknown;
      if (typeof raw === 'string') body = Buffer.from(raw);
      else if (raw instanceof Uint8Array) body = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
      else {
        body = Buffer.from(JSON.stringify(raw));
        if (!Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/json';
      }
      headers['Content-Length'] = String(body.byteLength);
    }
    const timeoutMs = o.timeout || this.o.timeoutMs;
    const secure = url.protocol === 'https:';
    return new Promise<R>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const fail = (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      };
      const req = (secure ? httpsRequest : httpRequest)(url, { method, headers, agent: secure ? this.https : this.http }, (res) => {
        const status = res.statusCode ?? 0;
        if (type === 'stream' && status >= 200 && status < 300) {
          clearTimeout(timer);
          resolve((o.$return_headers ? { data: res, headers: res.headers } : res) as R);
          return;
        }
        readBody(res).then((text) => {
          clearTimeout(timer);
          const data = type === 'text' ? text : parseBody(text);
          if (status < 200 || status >= 300) return reject(new HttpStatusError(status, res.statusMessage ?? '', data, res.headers));
          resolve((o.$return_headers ? { data, headers: res.headers } : data) as R);
        }, fail);
      });
      timer = setTimeout(() => {
        reject(new HttpTimeoutError(timeoutMs));
        req.destroy();
      }, timeoutMs);
      timer.unref?.();
      req.on('error', fail);
      req.end(body ?? undefined);
    });
  }

  get<T = unknown, R = T>(url: string, o: Options = {}): Promise<R> {
    return this.request({ ...o, url, method: 'GET' });
  }
  delete<T = unknown, R = T>(url: string, o: Options = {}): Promise<R> {
    return this.request({ ...o, url, method: 'DELETE' });
  }
  head<T = unknown, R = T>(url: string, o: Options = {}): Promise<R> {
    return this.request({ ...o, url, method: 'HEAD' });
  }
  options<T = unknown, R = T>(url: string, o: Options = {}): Promise<R> {
    return this.request({ ...o, url, method: 'OPTIONS' });
  }
  post<T = unknown, R = T>(url: string, data?: unknown, o: Options = {}): Promise<R> {
    return this.request({ ...o, url, data, method: 'POST' });
  }
  put<T = unknown, R = T>(url: string, data?: unknown, o: Options = {}): Promise<R> {
    return this.request({ ...o, url, data, method: 'PUT' });
  }
  patch<T = unknown, R = T>(url: string, data?: unknown, o: Options = {}): Promise<R> {
    return this.request({ ...o, url, data, method: 'PATCH' });
  }
}

function readBody(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => resolve(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
    res.on('aborted', () => reject(new Error('response aborted')));
  });
}

/** As axios: JSON when it parses, the text otherwise. */
function parseBody(text: string): unknown {
  if (!text) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
