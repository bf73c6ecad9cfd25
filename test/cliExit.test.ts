import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scratch } from './helpers.js';
import { FeishuStub } from './support/feishuStub.js';

const root = join(import.meta.dirname, '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');
const dirs = scratch();
afterAll(() => dirs.cleanup());

function runFile(file: string, limitMs: number) {
  return runArgs([file], limitMs);
}

function runArgs(argv: string[], limitMs: number, env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string; ms: number; killed: boolean }> {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(tsx, argv, { cwd: root, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    let killed = false;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, limitMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: performance.now() - started, killed });
    });
  });
}

/** Runs a CLI without blocking this process (the Feishu stub must keep answering); kills it after `limitMs`. */
function run(script: string, args: string[], env: Record<string, string>, limitMs: number) {
  return runArgs([join(root, 'bot', 'cli', script), ...args], limitMs, env);
}

describe('command line processes end cleanly', () => {
  const env = { SEEDS_DIR: dirs.seedsDir, DATA_DIR: dirs.dataDir };

  it('npm start on a busy port says which port and exits non-zero, without a stack trace', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const out = await run('serve.ts', [], { ...env, PORT: String(port), HOST: '127.0.0.1' }, 90_000);
      expect(out.killed).toBe(false);
      expect(out.code).not.toBe(0);
      expect(out.stderr).toContain(`端口 ${port} 已被占用，请设置 PORT`);
      expect(out.stderr).not.toMatch(/\n\s+at /);
    } finally {
      blocker.close();
    }
  }, 120_000);

  it('a one-shot command ends even when a library leaves a timer or a socket open, naming them', async () => {
    mkdirSync(dirs.dataDir, { recursive: true });
    const leaky = join(dirs.dataDir, 'leaky.ts');
    writeFileSync(
      leaky,
      `import { createServer } from 'node:net';
import { exitWhenDone } from ${JSON.stringify(join(root, 'bot', 'cli', 'exit.ts'))};
setInterval(() => {}, 1000);
createServer().listen(0, '127.0.0.1');
console.log('done');
exitWhenDone(0, 300);
`,
    );
    const out = await runFile(leaky, 20_000);
    expect(out.killed).toBe(false);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('done');
    expect(out.stderr).toContain('仍有未关闭的资源');
    const clean = join(dirs.dataDir, 'clean.ts');
    writeFileSync(clean, `import { exitWhenDone } from ${JSON.stringify(join(root, 'bot', 'cli', 'exit.ts'))};\nexitWhenDone(3, 60_000);\n`);
    const ok = await runFile(clean, 20_000);
    expect(ok.killed).toBe(false);
    expect(ok.code).toBe(3);
    expect(ok.stderr).toBe('');
  }, 60_000);

  it('npm run digest exits by itself after sending', async () => {
    const stub = new FeishuStub();
    await stub.start();
    // Feishu keeps idle connections open for minutes: so does the stub here.
    const server = (stub as unknown as { server: import('node:http').Server }).server;
    server.keepAliveTimeout = 600_000;
    try {
      const { openSqliteState } = await import('../bot/node/sqliteState.js');
      mkdirSync(dirs.dataDir, { recursive: true });
      const state = await openSqliteState(join(dirs.dataDir, 'state.db'));
      await state.reminders.subscribe('oc_cron', '*', Date.parse('2026-11-01T00:00:00Z'));
      await state.reminders.create(
        { chatId: 'oc_cron', creator: 'ou_a', assigneeName: null, assigneeOpenId: null, title: '报送月报', dueDate: '2026-11-24', dueTime: null, recordId: null, origin: 'chat', calendarKey: null },
        Date.parse('2026-11-01T00:00:00Z'),
      );
      await state.close();
      const feishu = { FEISHU_APP_ID: 'cli_digest', FEISHU_APP_SECRET: 's', FEISHU_DOMAIN: stub.url, FEISHU_VERIFICATION_TOKEN: 'v', FEISHU_ENCRYPT_KEY: 'k' };
      const out = await run('digest.ts', ['--date', '2026-11-23'], { ...env, ...feishu }, 60_000);
      expect(out.killed, out.stderr).toBe(false);
      expect(out.code, out.stderr).toBe(0);
      // Everything was closed: the process ended by itself, not by the forced exit.
      expect(out.stderr).not.toContain('仍有未关闭的资源');
      expect(out.stdout).toContain('已发送');
      expect(stub.messages.some((m) => m.target === 'oc_cron')).toBe(true);
      // Once sent, a second run finds the day done and exits as well.
      const again = await run('digest.ts', ['--date', '2026-11-23'], { ...env, ...feishu }, 60_000);
      expect(again.killed).toBe(false);
      expect(again.code).toBe(0);
    } finally {
      await stub.stop();
    }
  }, 150_000);
});
