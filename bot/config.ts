import { resolve } from 'node:path';

/** All settings, from the environment, in one place. */
export interface Config {
  dataDir: string;
  seedsDir: string;
  manualsDir: string;
  indexPath: string;
  host: string;
  port: number;
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const dataDir = resolve(env.DATA_DIR || 'data');
  const seedsDir = resolve(env.SEEDS_DIR || 'seeds');
  const port = Number(env.PORT || 8787);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT 不是有效端口：${env.PORT}`);
  return {
    dataDir,
    seedsDir,
    manualsDir: resolve(env.MANUALS_DIR || `${seedsDir}/manuals`),
    indexPath: resolve(dataDir, 'gangzetong.db'),
    host: env.HOST || '127.0.0.1',
    port,
  };
}
