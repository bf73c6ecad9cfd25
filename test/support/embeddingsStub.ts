import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type StubMode = 'ok' | 'fail500' | 'fail429' | 'hang';

export interface EmbeddingsRequest {
  path: string;
  auth: string | undefined;
  model: string;
  input: string[];
  dimensions: number | undefined;
  encodingFormat: string | undefined;
}

/** Deterministic vector for a text: signed hashed character bigrams (and unigrams), L2-normalised. */
export function stubVector(text: string, dims: number): number[] {
  const v = new Array<number>(dims).fill(0);
  const chars = [...text.replace(/\s+/g, '')];
  for (let n = 1; n <= 2; n++) {
    for (let i = 0; i + n <= chars.length; i++) {
      let h = 0x811c9dc5;
      for (const ch of chars.slice(i, i + n).join('')) h = Math.imul(h ^ ch.codePointAt(0)!, 0x01000193);
      h >>>= 0;
      v[h % dims]! += h & 0x80000000 ? -1 : 1;
    }
  }
  const norm = Math.sqrt(v.reduce((a, x) => a + x * x, 0)) || 1;
  return v.map((x) => x / norm);
}

/** An OpenAI-compatible /v1/embeddings server on 127.0.0.1 that can fail (500, 429) or hang on demand. */
export class EmbeddingsStub {
  mode: StubMode = 'ok';
  readonly requests: EmbeddingsRequest[] = [];
  private server: Server | null = null;
  private readonly hung: ServerResponse[] = [];

  constructor(private readonly defaultDims = 48) {}

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/v1`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    for (const r of this.hung.splice(0)) r.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  /** Requests that embedded documents (more than one text) and those that embedded one question. */
  batches(): EmbeddingsRequest[] {
    return this.requests.filter((r) => r.input.length > 1);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    if (req.method !== 'POST' || req.url !== '/v1/embeddings') {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not found"}}');
      return;
    }
    const body = JSON.parse(raw) as { model: string; input: string | string[]; dimensions?: number; encoding_format?: string };
    const input = Array.isArray(body.input) ? body.input : [body.input];
    this.requests.push({ path: req.url, auth: req.headers.authorization, model: body.model, input, dimensions: body.dimensions, encodingFormat: body.encoding_format });
    if (this.mode === 'hang') {
      this.hung.push(res);
      return;
    }
    if (this.mode === 'fail500' || this.mode === 'fail429') {
      const status = this.mode === 'fail500' ? 500 : 429;
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `stub ${status}`, type: 'stub' } }));
      return;
    }
    const dims = body.dimensions ?? this.defaultDims;
    const data = input.map((t, index) => ({ object: 'embedding', index, embedding: stubVector(t, dims) }));
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ object: 'list', model: body.model, data, usage: { prompt_tokens: 0, total_tokens: 0 } }));
  }
}
