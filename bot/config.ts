import { resolve } from 'node:path';
import { Cron } from 'croner';
import type { AccessSettings } from './console/access.js';
import { isLoopback } from './console/access.js';
import { DEFAULT_EMBEDDINGS_TIMEOUT_MS, type EmbeddingsSettings } from '../retrieval/embeddings/settings.js';
import { DEFAULT_LLM_TIMEOUT_MS, type LlmSettings } from '../retrieval/llm/settings.js';

export interface FeishuConfig {
  appId: string;
  appSecret: string;
  encryptKey: string | null;
  verificationToken: string | null;
  /** https://open.feishu.cn, https://open.larksuite.com, or any base URL such as a local stub. */
  domain: string;
  /** `http`: events arrive at POST /webhook/feishu; `ws`: the SDK's long connection, no public URL needed. */
  mode: 'http' | 'ws';
  /** FEISHU_INSECURE_DEV=1: the webhook may run without a verification token (local debugging only). */
  insecureDev: boolean;
  /** How far a signed request timestamp may be from the server clock (FEISHU_REPLAY_WINDOW_SECONDS, default 300). */
  replayWindowMs: number;
  /** Longest wait for one call to Feishu (FEISHU_TIMEOUT_MS, default 10 s). */
  timeoutMs?: number;
  /** How long an unsent reply is still worth sending during an outage (FEISHU_REPLY_MAX_AGE_HOURS, default 6). */
  replyMaxAgeMs?: number;
}

const positive = (env: Record<string, string | undefined>, name: string, fallback: number): number => {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new ConfigError(`${name} 应为正数，而不是“${raw}”`);
  return n;
};

/** All settings, from the environment, in one place. */
export interface Config {
  dataDir: string;
  seedsDir: string;
  manualsDir: string;
  indexPath: string;
  statePath: string;
  host: string;
  port: number;
  /** Null when FEISHU_APP_ID / FEISHU_APP_SECRET are not set: the console and the API still run. */
  feishu: FeishuConfig | null;
  /** open_ids allowed to run admin commands (绑定 …). */
  adminOpenIds: string[];
  /** Received events held in memory for handling at most; more wait in the SQLite inbox (MAX_INFLIGHT_EVENTS, default 200). */
  maxInflightEvents: number;
  /** When the daily digest goes out: cron expression and its time zone. */
  digest: { cron: string; timezone: string };
  /** Which embedder builds the vectors: the local fit (default), an OpenAI-compatible server, or a local ONNX model. */
  embeddings: EmbeddingsSettings;
  /** Sign-in and rate limits for the console, /api/ask and the post/person/unit pages. */
  access: AccessSettings;
  /** ADMIN_TOKEN: the manual upload page (/admin/manuals) needs it; null: the page is off. */
  adminToken: string | null;
  /** The bureau's own chat model (LLM_*); null when LLM_MODE is off or unset: everything answers offline. */
  llm?: LlmSettings | null;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

function feishuConfig(env: Record<string, string | undefined>): FeishuConfig | null {
  const appId = env.FEISHU_APP_ID?.trim();
  const appSecret = env.FEISHU_APP_SECRET?.trim();
  if (!appId && !appSecret) return null;
  if (!appId || !appSecret) throw new ConfigError('FEISHU_APP_ID 和 FEISHU_APP_SECRET 要同时设置');
  const mode = (env.FEISHU_MODE?.trim() || 'http').toLowerCase();
  if (mode !== 'http' && mode !== 'ws') throw new ConfigError(`FEISHU_MODE 只能是 http 或 ws，而不是“${env.FEISHU_MODE}”`);
  const domain = (env.FEISHU_DOMAIN?.trim() || 'https://open.feishu.cn').replace(/\/+$/, '');
  if (!/^https?:\/\/[^/\s]+/.test(domain)) throw new ConfigError(`FEISHU_DOMAIN 不是有效网址：${env.FEISHU_DOMAIN}`);
  const encryptKey = env.FEISHU_ENCRYPT_KEY?.trim() || null;
  const verificationToken = env.FEISHU_VERIFICATION_TOKEN?.trim() || null;
  const insecure = env.FEISHU_INSECURE_DEV?.trim();
  if (insecure && insecure !== '1' && insecure !== '0') throw new ConfigError(`FEISHU_INSECURE_DEV 只能是 1 或 0，而不是“${insecure}”`);
  const insecureDev = insecure === '1';
  // Fail closed: a public callback URL without a token accepts forged events from anyone.
  if (mode === 'http' && !verificationToken && !insecureDev) {
    throw new ConfigError(
      '飞书事件回调模式（FEISHU_MODE=http）必须设置 FEISHU_VERIFICATION_TOKEN，并应同时设置 FEISHU_ENCRYPT_KEY' +
        '（飞书开放平台 → 开发配置 → 事件与回调 → 加密策略）；否则任何人都能向回调地址发送伪造事件。' +
        '仅在本机调试时可设 FEISHU_INSECURE_DEV=1 跳过此检查，或改用长连接模式 FEISHU_MODE=ws',
    );
  }
  const windowS = positiveInt(env, 'FEISHU_REPLAY_WINDOW_SECONDS') ?? 300;
  if (windowS > 3600) throw new ConfigError(`FEISHU_REPLAY_WINDOW_SECONDS 不能超过 3600（1 小时），而不是 ${windowS}`);
  return {
    appId,
    appSecret,
    encryptKey,
    verificationToken,
    domain,
    mode,
    insecureDev,
    replayWindowMs: windowS * 1000,
    timeoutMs: positive(env, 'FEISHU_TIMEOUT_MS', 10_000),
    replyMaxAgeMs: positive(env, 'FEISHU_REPLY_MAX_AGE_HOURS', 6) * 3600_000,
  };
}

/** What the startup line must say about how the webhook is protected; empty when it is fully protected. */
export function webhookWarnings(f: FeishuConfig | null): string[] {
  if (!f || f.mode !== 'http') return [];
  const out: string[] = [];
  if (f.insecureDev && !f.verificationToken) {
    out.push('!!! 危险：FEISHU_INSECURE_DEV=1，回调地址不校验来源，任何人都能伪造事件（改名单、让机器人往任意群发消息）。只可用于本机调试，切勿对外开放 !!!');
  } else if (f.insecureDev) {
    out.push('!!! 注意：FEISHU_INSECURE_DEV=1 已设置（已有 FEISHU_VERIFICATION_TOKEN，仍会校验），正式部署请删去 !!!');
  }
  if (f.verificationToken && !f.encryptKey) {
    out.push('⚠ 未设置 FEISHU_ENCRYPT_KEY：回调只核对 Verification Token，不校验签名和请求时间，事件明文传输，截获的事件可被重放。请在飞书开放平台开启加密策略并设置 FEISHU_ENCRYPT_KEY');
  }
  return out;
}

function digestConfig(env: Record<string, string | undefined>): Config['digest'] {
  const cron = env.DIGEST_CRON?.trim() || '0 9 * * *';
  const timezone = env.DIGEST_TZ?.trim() || 'Asia/Shanghai';
  try {
    new Cron(cron, { timezone, paused: true }).stop();
  } catch (e) {
    throw new ConfigError(`DIGEST_CRON / DIGEST_TZ 无效（${cron}，${timezone}）：${(e as Error).message}`);
  }
  return { cron, timezone };
}

function positiveInt(env: Record<string, string | undefined>, name: string): number | null {
  const raw = env[name]?.trim();
  if (!raw) return null;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new ConfigError(`${name} 应为正整数，而不是“${raw}”`);
  return n;
}

function embeddingsConfig(env: Record<string, string | undefined>): EmbeddingsSettings {
  const get = (name: string) => env[name]?.trim() || '';
  const baseURL = get('EMBEDDINGS_BASE_URL').replace(/\/+$/, '');
  const model = get('EMBEDDINGS_MODEL');
  const modelDir = get('EMBEDDINGS_MODEL_DIR');
  const said = get('EMBEDDINGS_PROVIDER').toLowerCase();
  if (said && said !== 'local' && said !== 'openai' && said !== 'transformers') {
    throw new ConfigError(`EMBEDDINGS_PROVIDER 只能是 local、openai 或 transformers，而不是“${env.EMBEDDINGS_PROVIDER}”`);
  }
  if (!said && baseURL && modelDir) {
    throw new ConfigError('同时设置了 EMBEDDINGS_BASE_URL 和 EMBEDDINGS_MODEL_DIR：请只留一个，或用 EMBEDDINGS_PROVIDER 指定');
  }
  const provider = said || (modelDir ? 'transformers' : baseURL || model ? 'openai' : 'local');
  const timeoutMs = positiveInt(env, 'EMBEDDINGS_TIMEOUT_MS') ?? DEFAULT_EMBEDDINGS_TIMEOUT_MS;
  const dimensions = positiveInt(env, 'EMBEDDINGS_DIMENSIONS');
  if (provider === 'local') {
    const stray = ['EMBEDDINGS_BASE_URL', 'EMBEDDINGS_MODEL', 'EMBEDDINGS_MODEL_DIR', 'EMBEDDINGS_DIMENSIONS'].filter((n) => get(n));
    if (stray.length > 0) throw new ConfigError(`EMBEDDINGS_PROVIDER=local 用内置向量，不读 ${stray.join('、')}：请删去它们或改选 openai / transformers`);
    return { provider: 'local' };
  }
  if (provider === 'openai') {
    if (!baseURL) throw new ConfigError('向量服务缺少 EMBEDDINGS_BASE_URL（OpenAI 兼容地址，如 http://127.0.0.1:11434/v1）');
    if (!/^https?:\/\/[^/\s]+/.test(baseURL)) throw new ConfigError(`EMBEDDINGS_BASE_URL 不是有效网址：${env.EMBEDDINGS_BASE_URL}`);
    if (!model) throw new ConfigError('向量服务缺少 EMBEDDINGS_MODEL（如 bge-m3、text-embedding-v3、embedding-3）');
    if (modelDir) throw new ConfigError('EMBEDDINGS_PROVIDER=openai 时不读 EMBEDDINGS_MODEL_DIR：请删去它');
    return { provider, baseURL, model, apiKey: get('EMBEDDINGS_API_KEY') || 'none', dimensions, timeoutMs };
  }
  if (!modelDir) throw new ConfigError('EMBEDDINGS_PROVIDER=transformers 需要 EMBEDDINGS_MODEL_DIR（本地 ONNX 模型目录）');
  if (baseURL) throw new ConfigError('EMBEDDINGS_PROVIDER=transformers 时不读 EMBEDDINGS_BASE_URL：请删去它');
  return { provider: 'transformers', modelDir: resolve(modelDir), timeoutMs };
}

/** LLM_* : an OpenAI-compatible chat model; off unless LLM_MODE says assist or compose. */
export function llmConfig(env: Record<string, string | undefined>): LlmSettings | null {
  const get = (name: string) => env[name]?.trim() || '';
  const said = get('LLM_MODE').toLowerCase();
  if (said && said !== 'off' && said !== 'assist' && said !== 'compose') {
    throw new ConfigError(`LLM_MODE 只能是 off、assist 或 compose，而不是“${env.LLM_MODE}”`);
  }
  const baseURL = get('LLM_BASE_URL').replace(/\/+$/, '');
  const model = get('LLM_MODEL');
  const ingestRaw = get('LLM_INGEST');
  if (ingestRaw && ingestRaw !== '0' && ingestRaw !== '1') throw new ConfigError(`LLM_INGEST 只能是 1 或 0，而不是“${ingestRaw}”`);
  const mode = said || 'off';
  if (mode === 'off') {
    if (ingestRaw === '1') throw new ConfigError('LLM_INGEST=1 需要大模型：请同时设置 LLM_MODE=assist 或 compose 以及 LLM_BASE_URL、LLM_MODEL');
    return null;
  }
  if (!baseURL) throw new ConfigError(`LLM_MODE=${mode} 需要 LLM_BASE_URL（OpenAI 兼容地址，如 https://api.deepseek.com/v1 或 http://127.0.0.1:11434/v1）`);
  if (!/^https?:\/\/[^/\s]+/.test(baseURL)) throw new ConfigError(`LLM_BASE_URL 不是有效网址：${env.LLM_BASE_URL}`);
  if (!model) throw new ConfigError(`LLM_MODE=${mode} 需要 LLM_MODEL（如 deepseek-chat、qwen-plus、glm-4-flash、qwen2.5:7b）`);
  const timeoutMs = positiveInt(env, 'LLM_TIMEOUT_MS') ?? DEFAULT_LLM_TIMEOUT_MS;
  if (timeoutMs > 120_000) throw new ConfigError(`LLM_TIMEOUT_MS 不能超过 120000（2 分钟），而不是 ${timeoutMs}`);
  return { mode: mode as LlmSettings['mode'], baseURL, model, apiKey: get('LLM_API_KEY') || 'none', timeoutMs, ingest: ingestRaw === '1' };
}

function positiveNumber(env: Record<string, string | undefined>, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new ConfigError(`${name} 应为正数，而不是“${raw}”`);
  return n;
}

export const flag = (v: string | undefined) => /^(1|true|yes|on)$/i.test(v?.trim() ?? '');

/** Exposed beyond loopback, the console shows the names of the staff: it needs ACCESS_TOKEN unless said to be public. */
function accessConfig(env: Record<string, string | undefined>, host: string): AccessSettings {
  const token = env.ACCESS_TOKEN?.trim() || null;
  if (token !== null && token.length < 16) throw new ConfigError('ACCESS_TOKEN 太短：请用至少 16 个字符的随机串（如 openssl rand -hex 24 的输出）');
  if (!token && !isLoopback(host) && !flag(env.CONSOLE_PUBLIC)) {
    throw new ConfigError(
      `HOST=${host} 会把网页控制台、问答接口和手册中的人员名单开放给网络上的任何人：请设置 ACCESS_TOKEN（访问令牌），或确需公开时设置 CONSOLE_PUBLIC=1`,
    );
  }
  const perSecond = positiveNumber(env, 'RATE_LIMIT_PER_SECOND', 5);
  const burst = positiveNumber(env, 'RATE_LIMIT_BURST', 20);
  if (burst < 1) throw new ConfigError('RATE_LIMIT_BURST 至少为 1');
  return { token, rate: { perSecond, burst }, trustProxy: flag(env.TRUST_PROXY) };
}

function adminTokenConfig(env: Record<string, string | undefined>): string | null {
  const token = env.ADMIN_TOKEN?.trim() || null;
  if (token !== null && token.length < 16) throw new ConfigError('ADMIN_TOKEN 太短：请用至少 16 个字符的随机串（如 openssl rand -hex 24 的输出）');
  return token;
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const dataDir = resolve(env.DATA_DIR || 'data');
  const seedsDir = resolve(env.SEEDS_DIR || 'seeds');
  const port = Number(env.PORT || 8787);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`PORT 不是有效端口：${env.PORT}`);
  const host = env.HOST || '127.0.0.1';
  return {
    dataDir,
    seedsDir,
    manualsDir: resolve(env.MANUALS_DIR || `${seedsDir}/manuals`),
    indexPath: resolve(dataDir, 'gangzetong.db'),
    statePath: resolve(dataDir, 'state.db'),
    host,
    port,
    feishu: feishuConfig(env),
    adminOpenIds: (env.ADMIN_OPEN_IDS ?? '').split(/[,，\s]+/).filter(Boolean),
    maxInflightEvents: positiveInt(env, 'MAX_INFLIGHT_EVENTS') ?? 200,
    digest: digestConfig(env),
    embeddings: embeddingsConfig(env),
    access: accessConfig(env, host),
    adminToken: adminTokenConfig(env),
    llm: llmConfig(env),
  };
}
