import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scratch } from './helpers.js';

const root = join(import.meta.dirname, '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');
const dirs = scratch();
afterAll(() => dirs.cleanup());

const run = (script: string, args: string[], env: Record<string, string>, input?: string, cwd = root) =>
  spawnSync(tsx, [join(root, 'bot', 'cli', script), ...args], {
    cwd,
    env: { ...process.env, ...env },
    input,
    encoding: 'utf8',
  });

describe('command line', () => {
  const env = { SEEDS_DIR: dirs.seedsDir, DATA_DIR: dirs.dataDir };

  it('npm run ask -- --json prints the contract', () => {
    const out = run('ask.ts', ['--json', '谁负责测绘作业证初审?'], env);
    expect(out.status).toBe(0);
    const answer = JSON.parse(out.stdout) as { found: boolean; answers: { lead: string[] }[] };
    expect(answer.found).toBe(true);
    expect(answer.answers[0]!.lead).toEqual(['王金峰']);
  });

  it('--jsonl answers one question a line', () => {
    const out = run('ask.ts', ['--jsonl'], env, '谁分管测绘室\n{"q": "明天放假吗"}\n');
    const lines = out.stdout.trim().split('\n').map((l) => JSON.parse(l) as { found: boolean });
    expect(lines.map((l) => l.found)).toEqual([true, false]);
  });

  it('npm run eval scores every project file, each over its own manuals, with a line per file and a total', () => {
    const project = join(dirs.root, 'eval-project');
    mkdirSync(join(project, 'test'), { recursive: true });
    mkdirSync(join(project, 'foreign-manuals'), { recursive: true });
    copyFileSync(join(root, 'test', 'fixtures', 'taskforce-notice.txt'), join(project, 'foreign-manuals', 'notice.txt'));
    const line = (o: unknown) => JSON.stringify(o);
    writeFileSync(
      join(project, 'test', 'questions.jsonl'),
      [
        line({ id: 'a1', q: '谁负责测绘作业证初审?', expect: { lead: ['王金峰'] } }),
        line({ id: 'a2', q: '谁负责测绘作业证初审?', expect: { lead: ['李四'] } }),
      ].join('\n'),
    );
    writeFileSync(
      join(project, 'test', 'questions-foreign.jsonl'),
      [
        line({ manuals: 'foreign-manuals' }),
        line({ id: 'f1', q: '耕地保护专班组长是谁', expect: { persons: ['屈英'] } }),
        line({ id: 'f2', q: '王金峰负责哪些工作', expect: { found: false } }),
      ].join('\n'),
    );
    const all = run('eval.ts', [], env, undefined, project);
    expect(all.status).toBe(1);
    const lines = all.stdout.trim().split('\n');
    expect(all.stdout).toContain('✗ test/questions.jsonl a2 谁负责测绘作业证初审?\n    牵头人缺 李四（实际 王金峰）');
    expect(lines).toContain('test/questions.jsonl: 1 passed, 1 failed');
    expect(lines).toContain('test/questions-foreign.jsonl（手册：foreign-manuals）: 2 passed, 0 failed');
    expect(lines.at(-1)).toBe('eval: 3 passed, 1 failed');

    const one = run('eval.ts', ['test/questions-foreign.jsonl'], env, undefined, project);
    expect(one.status).toBe(0);
    expect(one.stdout.trim().split('\n').at(-1)).toBe('eval: 2 passed, 0 failed');
    expect(one.stdout).not.toContain('test/questions.jsonl');
  });

  it('npm run eval loads several folders as one deployment and asks as a bound unit; an unknown unit names its line', () => {
    const project = join(dirs.root, 'eval-province');
    for (const d of ['test', 'street', 'station']) mkdirSync(join(project, d), { recursive: true });
    copyFileSync(join(root, 'test', 'fixtures', 'taskforce-notice.txt'), join(project, 'street', 'notice.txt'));
    const station = 'g07_桂岭镇自然资源所一岗双责责任清单.tsv';
    copyFileSync(join(root, 'test', 'fixtures', 'foreign2', station), join(project, 'station', station));
    const line = (o: unknown) => JSON.stringify(o);
    const header = line({ manuals: ['street', 'station'] });
    writeFileSync(
      join(project, 'test', 'province.jsonl'),
      [
        header,
        line({ id: 'u1', q: '所长是谁', as: '桂岭镇自然资源所', expect: { persons: ['车立军'] } }),
        line({ id: 'u2', q: '组长是谁', as: ['中山路街道耕地保护建设工作专班'], expect: { persons: ['屈英'] } }),
        line({ id: 'u3', q: '谁负责宅基地申请材料受理', as: '桂岭镇自然资源所', expect: { lead: ['屈英'] } }),
      ].join('\n'),
    );
    const ok = run('eval.ts', ['test/province.jsonl'], env, undefined, project);
    expect(ok.status).toBe(1);
    expect(ok.stdout).toContain('✗ test/province.jsonl u3 〔桂岭镇自然资源所〕谁负责宅基地申请材料受理');
    expect(ok.stdout).toContain('test/province.jsonl（手册：street + station）: 2 passed, 1 failed');

    writeFileSync(join(project, 'test', 'bad.jsonl'), [header, line({ id: 'b1', q: '组长是谁', expect: {} }), line({ id: 'b2', q: '组长是谁', as: '桂岭镇', expect: {} })].join('\n'));
    const bad = run('eval.ts', ['test/bad.jsonl'], env, undefined, project);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('第3行（b2）：as 中的单位不在手册中：桂岭镇');
    expect(bad.stdout).toContain('test/bad.jsonl: 未评测');
  });

  it('npm run ask -- --unit asks as a chat bound to that unit, and refuses a unit the manuals do not hold', () => {
    const scoped = run('ask.ts', ['--json', '--unit', '山亭区林业资源发展中心', '谁负责测绘作业证初审?'], env);
    expect(scoped.status).toBe(0);
    expect((JSON.parse(scoped.stdout) as { text: string }).text).toContain('〔本单位：山亭区自然资源局〕');
    const unknown = run('ask.ts', ['--unit=不存在的单位', '谁负责测绘作业证初审?'], env);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('单位不在手册中：不存在的单位');
  });

  it('ingest reports each file and fails only when nothing loaded', () => {
    const ok = run('ingest.ts', [], env);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('001_ae071096d0a343be.txt：94 条记录');

    const bad = join(dirs.root, 'bad-seeds');
    mkdirSync(join(bad, 'manuals'), { recursive: true });
    writeFileSync(join(bad, 'manuals', 'minutes.txt'), '会议纪要\n');
    const none = run('ingest.ts', [], { SEEDS_DIR: bad, DATA_DIR: join(dirs.root, 'bad-data') });
    expect(none.status).toBe(1);
    expect(none.stdout).toContain('minutes.txt：无法解析');

    // An old Word file is listed as skipped with what to do; --strict makes that a failure.
    copyFileSync(join(root, 'test', 'fixtures', 'taskforce-notice.txt'), join(bad, 'manuals', 'notice.txt'));
    writeFileSync(join(bad, 'manuals', '岗位职责.doc'), Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]));
    const some = run('ingest.ts', [], { SEEDS_DIR: bad, DATA_DIR: join(dirs.root, 'bad-data') });
    expect(some.status).toBe(0);
    expect(some.stdout).toMatch(/岗位职责\.doc：已跳过 —— .*另存为 \.docx/);
    expect(some.stdout).toContain('已跳过：岗位职责.doc');
    const strict = run('ingest.ts', ['--strict'], { SEEDS_DIR: bad, DATA_DIR: join(dirs.root, 'bad-data-2') });
    expect(strict.status).toBe(1);
    rmSync(bad, { recursive: true });
  });

  it('npm run digest previews a day for operators, and refuses bad dates', async () => {
    const { openSqliteState } = await import('../bot/node/sqliteState.js');
    mkdirSync(dirs.dataDir, { recursive: true });
    const state = await openSqliteState(join(dirs.dataDir, 'state.db'));
    await state.reminders.subscribe('oc_ops', '*', Date.parse('2026-11-01T00:00:00Z'));
    await state.reminders.create(
      { chatId: 'oc_ops', creator: 'ou_a', assigneeName: '王金峰', assigneeOpenId: null, title: '报送自查报告', dueDate: '2026-11-24', dueTime: null, recordId: null, origin: 'chat', calendarKey: null },
      Date.parse('2026-11-01T00:00:00Z'),
    );
    await state.close();
    const out = run('digest.ts', ['--date', '2026-11-23', '--dry-run', '--json'], env);
    expect(out.status).toBe(0);
    const report = JSON.parse(out.stdout) as { date: string; chats: { chatId: string; soon: number; lines: string[] }[] };
    const chat = report.chats.find((c) => c.chatId === 'oc_ops')!;
    expect(chat.soon).toBeGreaterThanOrEqual(1);
    expect(chat.lines.join('\n')).toContain('报送自查报告 | 王金峰 | 2026年11月24日（星期二）');
    const text = run('digest.ts', ['--date', '2026-10-03', '--dry-run'], env);
    expect(text.stdout).toContain('不是工作日（国庆节）');
    const bad = run('digest.ts', ['--date', '11/23'], env);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--date 应为 YYYY-MM-DD');
    const noFeishu = run('digest.ts', ['--date', '2026-11-23'], env);
    expect(noFeishu.stderr).toContain('只能用 --dry-run');
  }, 120_000);
});
