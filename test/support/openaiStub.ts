import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { stubVector } from './embeddingsStub.js';

/** One chat completion request as the stub saw it. */
export interface ChatRequest {
  model: string;
  stream: boolean;
  system: string;
  user: string;
  /** The tool the client asked for (structured output), or null for free text. */
  tool: string | null;
  auth: string | undefined;
}

/**
 * What the stub does with one request: answer with a tool call (arguments as an object, or a raw string
 * such as broken JSON), with text (streamed in the given pieces when the client streams), fail with a
 * status, hold the request without answering (slow), or stream nothing at all.
 */
export type Reply =
  | { tool: Record<string, unknown> | string }
  | { text: string; pieces?: string[] }
  | { status: number; message?: string }
  | { hang: true }
  | { empty: true };

/** The `id`s of the candidate rows the assist prompt offered, in order. */
export function offeredIds(req: ChatRequest): string[] {
  return [...req.user.matchAll(/"id":"([^"]+)"/g)].map((m) => m[1]!);
}

/**
 * An OpenAI-compatible server on 127.0.0.1 for LangChain's ChatOpenAI and OpenAIEmbeddings: chat
 * completions with and without streaming (SSE), tool calls, /models and /embeddings, scripted per request.
 */
export class OpenAIStub {
  readonly requests: ChatRequest[] = [];
  /** Decides each chat reply; by default nothing to say (an empty tool call and empty text). */
  respond: (req: ChatRequest) => Reply = (req) => (req.tool ? { tool: { ids: [], intent: 'none' } } : { text: '' });
  /** Called when a request arrives (before it is answered): tests use it to move injected timers. */
  onRequest: ((req: ChatRequest) => void) | null = null;
  modelsStatus = 200;
  private server: Server | null = null;
  private readonly hung: ServerResponse[] = [];

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/v1`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  /** Ends the held requests (as a proxy that gives up). */
  release(): void {
    for (const r of this.hung.splice(0)) r.destroy();
  }

  hungCount(): number {
    return this.hung.length;
  }

  async stop(): Promise<void> {
    this.release();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const json = (status: number, body: unknown): void => void res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.method === 'GET' && req.url === '/v1/models') {
      return json(this.modelsStatus, this.modelsStatus === 200 ? { object: 'list', data: [{ id: 'stub-model', object: 'model' }] } : { error: { message: 'stub' } });
    }
    if (req.method === 'POST' && req.url === '/v1/embeddings') {
      const body = JSON.parse(raw) as { input: string | string[]; dimensions?: number; model: string };
      const input = Array.isArray(body.input) ? body.input : [body.input];
      return json(200, { object: 'list', model: body.model, data: input.map((t, index) => ({ object: 'embedding', index, embedding: stubVector(t, body.dimensions ?? 48) })) });
    }
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') return json(404, { error: { message: 'not found' } });
    const body = JSON.parse(raw) as {
      model: string;
      stream?: boolean;
      messages: { role: string; content: string }[];
      tools?: { function: { name: string } }[];
    };
    const request: ChatRequest = {
      model: body.model,
      stream: body.stream === true,
      system: body.messages.find((m) => m.role === 'system')?.content ?? '',
      user: body.messages.filter((m) => m.role === 'user').map((m) => m.content).join('\n'),
      tool: body.tools?.[0]?.function.name ?? null,
      auth: req.headers.authorization,
    };
    this.requests.push(request);
    this.onRequest?.(request);
    const reply = this.respond(request);
    if ('hang' in reply) {
      this.hung.push(res);
      return;
    }
    if ('status' in reply) return json(reply.status, { error: { message: reply.message ?? `stub ${reply.status}`, type: 'stub', code: reply.status } });
    const base = { id: `chatcmpl-${this.requests.length}`, created: 0, model: body.model };
    if (request.stream) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      const send = (delta: Record<string, unknown>, finish: string | null) =>
        res.write(`data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`);
      if ('text' in reply) {
        send({ role: 'assistant', content: '' }, null);
        for (const piece of reply.pieces ?? [reply.text]) send({ content: piece }, null);
      }
      if ('empty' in reply || 'text' in reply) send({}, 'stop');
      res.end('data: [DONE]\n\n');
      return;
    }
    if ('tool' in reply) {
      const args = typeof reply.tool === 'string' ? reply.tool : JSON.stringify(reply.tool);
      const call = { id: 'call_1', type: 'function', function: { name: request.tool ?? 'tool', arguments: args } };
      return json(200, { ...base, object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: null, tool_calls: [call] }, finish_reason: 'tool_calls' }] });
    }
    const content = 'text' in reply ? reply.text : '';
    return json(200, { ...base, object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }] });
  }
}
