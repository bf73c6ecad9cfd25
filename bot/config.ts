import { resolve } from 'node:path';
import { Cron } from 'croner';

export interface FeishuConfig {
  appId: string;
  appSecret: string;
  encryptKey: string | null;
  verificationToken: string | null;
  /** https://open.feishu.cn, https://open.larksuite.com, or any base URL such as a local stub. */
  domain: string;
  /** `http`: events arrive at POST /webhook/feishu; `ws`: the SDK's long connection, no public URL needed. */
  mode: 'http' | 'ws';
}

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
  /** When the daily digest goes out: cron expression and its time zone. */
  digest: { cron: string; timezone: string };
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
  return {
    appId,
    appSecret,
    encryptKey: env.FEISHU_ENCRYPT_KEY?.trim() || null,
    verificationToken: env.FEISHU_VERIFICATION_TOKEN?.trim() || null,
    domain,
    mode,
  };
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

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const dataDir = resolve(env.DATA_DIR || 'data');
  const seedsDir = resolve(env.SEEDS_DIR || 'seeds');
  const port = Number(env.PORT || 8787);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`PORT 不是有效端口：${env.PORT}`);
  return {
    dataDir,
    seedsDir,
    manualsDir: resolve(env.MANUALS_DIR || `${seedsDir}/manuals`),
    indexPath: resolve(dataDir, 'gangzetong.db'),
    statePath: resolve(dataDir, 'state.db'),
    host: env.HOST || '127.0.0.1',
    port,
    feishu: feishuConfig(env),
    adminOpenIds: (env.ADMIN_OPEN_IDS ?? '').split(/[,，\s]+/).filter(Boolean),
    digest: digestConfig(env),
  };
}
