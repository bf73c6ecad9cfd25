import { Hono } from 'hono';
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AskContext } from '../retrieval/askService.js';
import type { Answer } from '../retrieval/answer.js';
import type { DutyEngine } from '../retrieval/engine.js';
import { consolePage } from './console/page.js';
import { cleanText, parseJson } from './input.js';
import { openWebhook, type WebhookSecrets } from './feishu/webhook.js';
import type { Logger } from './log.js';

/** Where verified events go: the Feishu bot. */
export interface EventSink {
  invoke(body: Record<string, unknown>): Promise<unknown>;
}

export interface AppDeps {
  /** The engine once the index is loaded; undefined while it is being built. */
  engine: () => DutyEngine | undefined;
  /** Answers through the configured embedder (remote: embedded asynchronously); defaults to engine.ask. */
  answer?: (question: string, ctx?: AskContext) => Promise<Answer>;
  /** Null when Feishu is not configured: the console and the API still work. */
  feishu: { secrets: WebhookSecrets; events: EventSink; now?: () => number } | null;
  log: Logger;
  /** Counts for operators (outbox, inbox …), shown by /healthz. */
  status?: () => Promise<Record<string, unknown>>;
  /** Extra routes from features (post and person pages …). */
  extend?: (app: Hono) => void;
  /** Sign-in and rate limits in front of the console, the API and the pages (see console/access.ts). */
  guard?: MiddlewareHandler;
}

/** Everything that shows the manuals' contents to a browser or a script; /healthz and the webhook stay outside. */
const GUARDED = ['/', '/api/ask', '/post/*', '/person/*', '/units'];

const MAX_WEBHOOK_BYTES = 1024 * 1024;
const MAX_QUESTION_CHARS = 500;

/** The one Hono app, for Node and for Workers: dependencies in, routes out. */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono();

  app.onError((err, c) => {
    deps.log.error('请求处理出错', { path: c.req.path, error: String(err?.stack ?? err) });
    return c.json({ error: '服务器内部错误，已记录日志' }, 500);
  });

  if (deps.guard) for (const path of GUARDED) app.use(path, deps.guard);

  app.get('/', (c) => c.html(consolePage(deps.engine()?.examples() ?? [])));

  app.get('/healthz', async (c) => {
    const engine = deps.engine();
    const status = deps.status ? await deps.status() : {};
    if (!engine) return c.json({ ok: false, index: 'loading', feishu: deps.feishu ? 'on' : 'off', ...status }, 503);
    return c.json({ ok: true, records: engine.size, feishu: deps.feishu ? 'on' : 'off', ...status });
  });

  app.post(
    '/api/ask',
    bodyLimit({ maxSize: 64 * 1024, onError: (c) => c.json({ error: '请求体过大（上限 64 KB）' }, 413) }),
    async (c) => {
      const parsed = parseJson(await c.req.text());
      if (!parsed.ok) return c.json({ error: `${parsed.error}，应为 {"question": "…"}` }, 400);
      const said = (parsed.value as { question?: unknown } | null)?.question;
      if (typeof said !== 'string') return c.json({ error: '缺少 question 字段（字符串）' }, 400);
      const question = cleanText(said);
      if (!question.trim()) return c.json({ error: '缺少 question 字段（字符串）' }, 400);
      if ([...question].length > MAX_QUESTION_CHARS) return c.json({ error: `问题过长（上限 ${MAX_QUESTION_CHARS} 字）` }, 400);
      const engine = deps.engine();
      if (!engine) return c.json({ error: '索引正在加载，请稍后再试' }, 503);
      // Optional "unit": answer as someone of that unit would be answered (a bound chat's default).
      const unit = (parsed.value as { unit?: unknown }).unit;
      if (unit !== undefined && (typeof unit !== 'string' || !engine.directory.has(unit))) {
        return c.json({ error: 'unit 应为手册中的单位全称（见 /units），或不传' }, 400);
      }
      const ctx = typeof unit === 'string' ? { units: [unit] } : undefined;
      return c.json(deps.answer ? await deps.answer(question, ctx) : engine.ask(question, ctx));
    },
  );

  app.post(
    '/webhook/feishu',
    bodyLimit({ maxSize: MAX_WEBHOOK_BYTES, onError: (c) => c.json({ error: '请求体超过 1 MB' }, 413) }),
    async (c) => {
      if (!deps.feishu) return c.json({ error: '飞书未配置：请设置 FEISHU_APP_ID 和 FEISHU_APP_SECRET' }, 503);
      const raw = new Uint8Array(await c.req.arrayBuffer());
      const opened = openWebhook(raw, (name) => c.req.header(name), deps.feishu.secrets, deps.feishu.now?.() ?? Date.now());
      if (opened.kind === 'rejected') {
        deps.log.warn('拒绝飞书回调', { status: opened.status, error: opened.error });
        return c.json({ error: opened.error }, opened.status);
      }
      if (opened.kind === 'challenge') return c.json({ challenge: opened.challenge });
      const result = await deps.feishu.events.invoke(opened.body);
      return c.json(result && typeof result === 'object' ? result : {});
    },
  );

  deps.extend?.(app);
  app.notFound((c) => c.json({ error: `没有这个地址：${c.req.path}` }, 404));
  return app;
}
