import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { FeishuStub } from './support/feishuStub.js';
import { scratch } from './helpers.js';

const root = join(import.meta.dirname, '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');
const dirs = scratch();
afterAll(() => dirs.cleanup());

async function loadedPackages(env: Record<string, string>): Promise<string[]> {
  const { stdout } = await promisify(execFile)(tsx, [join(root, 'test', 'support', 'loadedPackages.ts')], {
    cwd: root,
    env: { ...process.env, SEEDS_DIR: dirs.seedsDir, DATA_DIR: dirs.dataDir, ...env },
    timeout: 60_000,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as string[];
}

describe('what a started bot keeps loaded', () => {
  it('a bot without Feishu never loads the Lark SDK, and jieba without its idf table', async () => {
    const files = await loadedPackages({});
    expect(files.some((f) => f.includes('@node-rs/jieba'))).toBe(true);
    expect(files.filter((f) => f.includes('@larksuiteoapi'))).toEqual([]);
    expect(files.filter((f) => /@node-rs[\\/]jieba[\\/]dict\.js$/.test(f))).toEqual([]);
  }, 90_000);

  it('a bot with Feishu loads the SDK', async () => {
    const stub = await new FeishuStub().start();
    try {
      const files = await loadedPackages({ FEISHU_APP_ID: 'cli_footprint', FEISHU_APP_SECRET: 'secret', FEISHU_DOMAIN: stub.url, FEISHU_ENCRYPT_KEY: 'k', FEISHU_VERIFICATION_TOKEN: 'v' });
      expect(files.some((f) => f.includes('@larksuiteoapi'))).toBe(true);
    } finally {
      await stub.stop();
    }
  }, 90_000);
});
