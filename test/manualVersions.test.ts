import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDocument } from '../ingest/read/index.js';
import { BotHarness } from './support/botHarness.js';
import { DOCS_ERRORS } from './support/feishuDocsStub.js';
import { cardEvent, messageEvent } from './support/feishuEvents.js';
import type { StubMessage } from './support/feishuStub.js';

const raw = BotHarness.cardText;
/** Card text with md()'s character references decoded, as the client shows it. */
const text = (c: Record<string, unknown>) => raw(c).replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));
const ADMIN = 'ou_admin_1';
const MANUAL = '001_ae071096d0a343be.txt';
const QUESTION = '谁负责测绘作业证初审?';
const shipped = (dir: string) => readFileSync(join(dir, 'manuals', MANUAL), 'utf8');
/** The shipped manual with the lead of one item changed. */
const withLead = (src: string, name: string) => src.replace('9-6-10\t王金峰\t杜振江', `9-6-10\t${name}\t杜振江`);
const enc = (s: string) => new TextEncoder().encode(s);

let fileSeq = 0;
/** An admin (or anyone) sends a file to the bot in a private chat; returns the cards it replied with. */
async function sendFile(h: BotHarness, name: string, bytes: Uint8Array, o: { sender?: string; messageId?: string; eventId?: string } = {}): Promise<StubMessage[]> {
  const key = `file_v2_${++fileSeq}`;
  h.stub.files.set(key, bytes);
  const before = h.stub.messages.length;
  const res = await h.event(
    messageEvent({ chatType: 'p2p', chatId: 'oc_p2p_admin', sender: o.sender ?? ADMIN, msgType: 'file', content: { file_key: key, file_name: name }, messageId: o.messageId, eventId: o.eventId }),
  );
  expect(res.status).toBe(200);
  await h.idle();
  return h.stub.messages.slice(before);
}

/** The value of a card button with this action, as the callback would carry it. */
function buttonValue(m: StubMessage, action: string): Record<string, string> | null {
  let found: Record<string, string> | null = null;
  const walk = (v: unknown) => {
    if (found || !v || typeof v !== 'object') return;
    if (Array.isArray(v)) return v.forEach(walk);
    const o = v as Record<string, unknown>;
    if (o.type === 'callback' && (o.value as { action?: string })?.action === action) found = o.value as Record<string, string>;
    Object.values(o).forEach(walk);
  };
  walk(m.content);
  return found;
}

async function click(h: BotHarness, m: StubMessage, value: Record<string, string>, operator = ADMIN): Promise<{ toast?: { content: string } }> {
  const res = await h.event(cardEvent(value, { operator, messageId: m.messageId, chatId: 'oc_p2p_admin' }));
  const body = (await res.json()) as { toast?: { content: string } };
  await h.idle();
  return body;
}

const ask = async (h: BotHarness, q = QUESTION) => text((await h.say(q))[0]!.content);

describe('manual versions from chat', () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await new BotHarness({ env: { ADMIN_OPEN_IDS: ADMIN } }).start();
  });
  afterAll(() => h.close());

  it('file → download → report → 启用 answers with the new lead; restart keeps it; 回滚 brings the old one back', async () => {
    expect(await ask(h)).toContain('王金峰');
    const replies = await sendFile(h, MANUAL, enc(withLead(shipped(h.dirs.seedsDir), '张三')));
    expect(h.stub.calls.some((c) => c.method === 'GET' && c.path.endsWith(`/resources/file_v2_${fileSeq}`))).toBe(true);
    expect(replies).toHaveLength(1);
    const report = text(replies[0]!.content);
    expect(report).toContain('替换');
    expect(report).toContain('测绘作业证初审工作');
    expect(report).toContain('牵头人 王金峰 → 张三');
    expect(report).toMatch(/修改 1，删除 0/);
    // Not switched on yet: the old answer stands.
    expect(await ask(h)).toContain('王金峰');

    const activate = buttonValue(replies[0]!, 'manual_activate')!;
    expect(activate).toBeTruthy();
    const toast = await click(h, replies[0]!, activate);
    expect(toast.toast?.content).toContain('已启用');
    const answer = await ask(h);
    expect(answer).toContain('张三');
    expect(answer).not.toContain('王金峰');
    // The recurring deadlines name items of the version in use, not of the one before.
    const deadlines = h.bot.reminders.deadlines.filter((d) => d.record);
    expect(deadlines.length).toBeGreaterThan(0);
    expect(deadlines.every((d) => h.bot.engine.allRecords().includes(d.record!))).toBe(true);

    // The same click delivered again: nothing more happens.
    const sent = h.stub.messages.length;
    const again = await click(h, replies[0]!, activate);
    expect(again.toast?.content).toContain('已经在使用中');
    expect(h.stub.messages.length).toBe(sent);

    await h.restart();
    expect(await ask(h)).toContain('张三');

    const rolled = await h.say('回滚', { sender: ADMIN });
    expect(text(rolled[0]!.content)).toContain('已回滚到版本 #1');
    expect(await ask(h)).toContain('王金峰');
    await h.restart();
    expect(await ask(h)).toContain('王金峰');

    const list = text((await h.say('手册版本', { sender: ADMIN }))[0]!.content);
    expect(list).toMatch(/#1\*\* 使用中/);
    expect(list).toMatch(/#2\*\* 已替换/);
  });

  it('refuses a non-admin politely and keeps the version', async () => {
    const active = h.bot.manuals.active()!.id;
    const replies = await sendFile(h, MANUAL, enc(withLead(shipped(h.dirs.seedsDir), '李四')), { sender: 'ou_someone' });
    expect(text(replies[0]!.content)).toContain('只有管理员可以更新手册');
    expect(h.bot.manuals.active()!.id).toBe(active);
    expect(text((await h.say('回滚', { sender: 'ou_someone' }))[0]!.content)).toContain('只有管理员可以更新手册');
    expect(h.bot.manuals.active()!.id).toBe(active);
    // A non-admin clicking 启用 on an admin's report card changes nothing.
    const draft = await sendFile(h, MANUAL, enc(withLead(shipped(h.dirs.seedsDir), '李四')));
    const refused = await click(h, draft[0]!, buttonValue(draft[0]!, 'manual_activate')!, 'ou_someone');
    expect(refused.toast?.content).toContain('只有管理员');
    expect(h.bot.manuals.active()!.id).toBe(active);
    await click(h, draft[0]!, buttonValue(draft[0]!, 'manual_discard')!);
  });

  it('a corrupt file never becomes active: the report says why, the old version keeps answering', async () => {
    const active = h.bot.manuals.active()!.id;
    const bad = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 0, 0, 0xff, 0xfe]);
    const replies = await sendFile(h, '新手册.xlsx', bad);
    const report = text(replies[0]!.content);
    expect(report).toContain('不能启用');
    expect(report).toContain('无法读取 新手册.xlsx');
    expect(report).toContain('原来的版本继续回答问题');
    // Refused, it claims no differences (nothing of the version in use is "removed").
    expect(report).not.toMatch(/删除 \d|删除事项/);
    expect(buttonValue(replies[0]!, 'manual_activate')).toBeNull();
    expect(h.bot.manuals.active()!.id).toBe(active);
    expect(await ask(h)).toContain('王金峰');

    // A file of the same name that now reads as nothing: also refused.
    const empty = await sendFile(h, MANUAL, enc('\n\n'));
    expect(text(empty[0]!.content)).toContain('不能启用');
    expect(h.bot.manuals.active()!.id).toBe(active);
    expect(await ask(h)).toContain('王金峰');
  });

  it('a re-delivered file event makes one draft', async () => {
    const before = h.bot.manuals.list(100).length;
    const bytes = enc(withLead(shipped(h.dirs.seedsDir), '赵六'));
    const first = await sendFile(h, MANUAL, bytes, { messageId: 'om_file_once', eventId: 'ev_file_once' });
    const again = await sendFile(h, MANUAL, bytes, { messageId: 'om_file_once', eventId: 'ev_file_once' });
    const newId = await sendFile(h, MANUAL, bytes, { messageId: 'om_file_once', eventId: 'ev_file_once_2' });
    expect(first).toHaveLength(1);
    expect(again).toHaveLength(0);
    expect(newId).toHaveLength(0);
    expect(h.bot.manuals.list(100).length).toBe(before + 1);
    // The same upload handled twice (a crash after the draft was made) returns the same draft.
    const a = await h.bot.manuals.upload({ name: MANUAL, bytes }, ADMIN, 'msg:om_file_twice');
    const b = await h.bot.manuals.upload({ name: MANUAL, bytes }, ADMIN, 'msg:om_file_twice');
    expect(b.version!.id).toBe(a.version!.id);
    // 放弃 drops the draft and leaves the version in use.
    const active = h.bot.manuals.active()!.id;
    const toast = await click(h, first[0]!, buttonValue(first[0]!, 'manual_discard')!);
    expect(toast.toast?.content).toContain('已放弃');
    expect(h.bot.manuals.active()!.id).toBe(active);
    expect(h.bot.manuals.get(Number(buttonValue(first[0]!, 'manual_discard')!.id))!.status).toBe('discarded');
  });

  it('refuses a file over the size limit with a clear message, without reading it', async () => {
    const active = h.bot.manuals.active()!.id;
    const replies = await sendFile(h, '大文件.xlsx', new Uint8Array(21 * 1024 * 1024));
    expect(text(replies[0]!.content)).toContain('超过 20 MB');
    expect(h.bot.manuals.active()!.id).toBe(active);
  });

  it('escapes a hostile file name in the report card', async () => {
    const hostile = '<at id=all></at>[点我](javascript:alert(1))**.txt';
    const replies = await sendFile(h, hostile, enc(withLead(shipped(h.dirs.seedsDir), '钱七')));
    const body = JSON.stringify(replies[0]!.content);
    expect(body).not.toContain('<at id=all>');
    expect(body).not.toContain('](javascript');
    expect(raw(replies[0]!.content)).toContain('&#60;at id=all&#62;');
    // Shown as sent (a slash becomes _, names carry no paths), never as markup.
    expect(text(replies[0]!.content)).toContain(hostile.replace('/', '_'));
  });

  it('two admins uploading and switching at once: exactly one version is switched in, the engine matches it', async () => {
    const base = shipped(h.dirs.seedsDir);
    const [a, b] = await Promise.all([
      h.bot.manuals.upload({ name: MANUAL, bytes: enc(withLead(base, '甲一')) }, ADMIN, null),
      h.bot.manuals.upload({ name: MANUAL, bytes: enc(withLead(base, '乙二')) }, 'ou_admin_2', null),
    ]);
    expect(a.ok && b.ok).toBe(true);
    expect(a.version!.baseId).toBe(b.version!.baseId);
    const [ra, rb] = await Promise.all([h.bot.manuals.activate(a.version!.id, ADMIN), h.bot.manuals.activate(b.version!.id, 'ou_admin_2')]);
    expect([ra.ok, rb.ok].filter(Boolean)).toHaveLength(1);
    const loser = ra.ok ? rb : ra;
    expect(loser.message).toContain('请重新上传');
    const winner = ra.ok ? a : b;
    const name = ra.ok ? '甲一' : '乙二';
    const other = ra.ok ? '乙二' : '甲一';
    expect(h.bot.manuals.active()!.id).toBe(winner.version!.id);
    const row = h.bot.engine.allRecords().find((r) => r.item.includes('测绘作业证初审'))!;
    expect(row.lead).toEqual([name]);
    expect(h.bot.engine.allRecords().some((r) => r.lead.includes(other))).toBe(false);
    // The index file of the version in use holds exactly that version's records.
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(join(h.dirs.dataDir, 'versions', `index-${winner.version!.id}.db`), { readonly: true });
    const stored = (db.prepare('select json from records').all() as { json: string }[]).map((r) => JSON.parse(r.json) as { lead: string[] });
    db.close();
    expect(stored.length).toBe(h.bot.engine.allRecords().length);
    expect(stored.filter((r) => r.lead.includes(name))).toHaveLength(1);
    expect(stored.some((r) => r.lead.includes(other))).toBe(false);
    const answer = await ask(h);
    expect(answer).toContain(name);
    expect(answer).not.toContain(other);
    // And the versions store agrees after a restart.
    await h.restart();
    expect(h.bot.manuals.active()!.id).toBe(winner.version!.id);
    expect(await ask(h)).toContain(name);
  });
});

describe('linked Feishu documents (绑定手册 / 更新手册)', () => {
  let h: BotHarness;
  let content = '';
  const URL_ = 'https://example.feishu.cn/docx/AbCdEf123';
  beforeAll(async () => {
    h = await new BotHarness({
      env: { ADMIN_OPEN_IDS: ADMIN },
      // Stands in for the Docs/Wiki/Sheets reader: a document model of the linked page.
      readLink: async (url) => ({ name: '测绘岗手册（飞书文档）', doc: await readDocument('linked.txt', enc(content)), revision: url.length.toString() }),
    }).start();
    content = withLead(shipped(h.dirs.seedsDir), '孙八');
  });
  afterAll(() => h.close());

  it('binds a link as a draft replacing the file it covers, and 更新手册 re-reads it', async () => {
    const replies = await h.say(`绑定手册 ${URL_}`, { sender: ADMIN });
    const report = text(replies[0]!.content);
    expect(report).toContain(`替换 ${MANUAL}`);
    expect(report).toContain('覆盖相同单位');
    expect(report).toContain('牵头人 王金峰 → 孙八');
    await click(h, replies[0]!, buttonValue(replies[0]!, 'manual_activate')!);
    expect(await ask(h)).toContain('孙八');
    const active = h.bot.manuals.active()!;
    expect(active.sources.find((s) => s.kind === 'doc')!.url).toBe(URL_);
    expect(active.sources.some((s) => s.name === MANUAL)).toBe(false);

    expect(text((await h.say('更新手册', { sender: ADMIN }))[0]!.content)).toContain('没有变化');
    content = withLead(shipped(h.dirs.seedsDir), '周九');
    const update = await h.say('更新手册', { sender: ADMIN });
    expect(text(update[0]!.content)).toContain('牵头人 孙八 → 周九');
    await click(h, update[0]!, buttonValue(update[0]!, 'manual_activate')!);
    expect(await ask(h)).toContain('周九');
  });
});

describe('admin console page (/admin/manuals)', () => {
  const TOKEN = 'admin-token-for-tests-0123456789';
  let h: BotHarness;
  beforeAll(async () => {
    h = await new BotHarness({ env: { ADMIN_TOKEN: TOKEN } }).start();
  });
  afterAll(() => h.close());

  const csrfOf = (html: string) => html.match(/name="csrf" value="([0-9a-f]{64})"/)![1]!;
  const nonceOf = (html: string) => html.match(/name="nonce" value="([\w-]+)"/)![1]!;

  it('is off without ADMIN_TOKEN', async () => {
    const off = await new BotHarness({ noFeishu: true }).start();
    try {
      const res = await fetch(`${off.url}/admin/manuals`);
      expect(res.status).toBe(503);
      expect(await res.text()).toContain('ADMIN_TOKEN');
    } finally {
      await off.close();
    }
  });

  it('needs the token; upload, report, 启用 with a CSRF token; a hostile file name is escaped', async () => {
    const anon = await fetch(`${h.url}/admin/manuals`);
    expect(anon.status).toBe(401);
    expect(await anon.text()).toContain('管理令牌');
    const wrong = await fetch(`${h.url}/admin/login`, { method: 'POST', body: new URLSearchParams({ token: 'nope' }), redirect: 'manual' });
    expect(wrong.status).toBe(401);
    const login = await fetch(`${h.url}/admin/login`, { method: 'POST', body: new URLSearchParams({ token: TOKEN }), redirect: 'manual' });
    expect(login.status).toBe(303);
    const setCookie = login.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    const cookie = setCookie.split(';')[0]!;
    const page = await (await fetch(`${h.url}/admin/manuals`, { headers: { cookie } })).text();
    expect(page).toContain('当前使用：版本 #1');

    const hostile = '<img src=x onerror=alert(1)>.txt';
    const form = new FormData();
    form.set('csrf', csrfOf(page));
    form.set('nonce', nonceOf(page));
    form.set('file', new File([withLead(shipped(h.dirs.seedsDir), '吴十')], hostile));
    const noCsrf = new FormData();
    noCsrf.set('file', new File(['x'], 'a.txt'));
    expect((await fetch(`${h.url}/admin/manuals/upload`, { method: 'POST', body: noCsrf, headers: { cookie } })).status).toBe(403);
    const uploaded = await fetch(`${h.url}/admin/manuals/upload`, { method: 'POST', body: form, headers: { cookie } });
    expect(uploaded.status).toBe(200);
    const report = await uploaded.text();
    expect(report).not.toContain('<img src=x');
    expect(report).toContain('&#60;img src=x onerror=alert(1)&#62;.txt');
    expect(report).toContain('牵头人 王金峰 → 吴十');
    const draft = h.bot.manuals.list(1)[0]!;
    expect(draft.status).toBe('draft');
    // The same form submitted twice makes one draft.
    await fetch(`${h.url}/admin/manuals/upload`, { method: 'POST', body: form, headers: { cookie } });
    expect(h.bot.manuals.list(1)[0]!.id).toBe(draft.id);

    // 启用 is a POST with the CSRF token; a GET or a POST without it changes nothing.
    expect((await fetch(`${h.url}/admin/manuals/${draft.id}/activate`, { headers: { cookie } })).status).toBe(404);
    expect((await fetch(`${h.url}/admin/manuals/${draft.id}/activate`, { method: 'POST', headers: { cookie }, body: new URLSearchParams({ csrf: '0'.repeat(64) }) })).status).toBe(403);
    expect(h.bot.manuals.active()!.id).toBe(1);
    const on = await fetch(`${h.url}/admin/manuals/${draft.id}/activate`, { method: 'POST', headers: { cookie }, body: new URLSearchParams({ csrf: csrfOf(page) }) });
    expect(on.status).toBe(200);
    expect(await on.text()).toContain(`已启用版本 #${draft.id}`);
    const answer = (await (await fetch(`${h.url}/api/ask`, { method: 'POST', body: JSON.stringify({ question: QUESTION }) })).json()) as { answers: { lead: string[] }[] };
    expect(answer.answers[0]!.lead).toEqual(['吴十']);

    // A script with the bearer token: 回滚 without a form token.
    const back = await fetch(`${h.url}/admin/manuals/rollback`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: new URLSearchParams({ from: String(draft.id) }) });
    expect(back.status).toBe(200);
    expect(h.bot.manuals.active()!.id).toBe(1);
    // Repeated with the same "from": not a second step back.
    await fetch(`${h.url}/admin/manuals/rollback`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: new URLSearchParams({ from: String(draft.id) }) });
    expect(h.bot.manuals.active()!.id).toBe(1);
  });

  it('downloads message files through the fetch client too, stopping at the size limit', async () => {
    const { FetchFeishuApi } = await import('../bot/feishu/fetchApi.js');
    const { TooLargeError } = await import('../bot/feishu/api.js');
    const api = new FetchFeishuApi({ appId: 'cli_fetch', appSecret: 's', domain: h.stub.url, clock: h.clock });
    h.stub.files.set('file_fetch', enc('表格内容'));
    expect(new TextDecoder().decode(await api.downloadResource('om_1', 'file_fetch'))).toBe('表格内容');
    await expect(api.downloadResource('om_1', 'file_fetch', { maxBytes: 4 })).rejects.toBeInstanceOf(TooLargeError);
    await expect(api.downloadResource('om_1', 'file_missing')).rejects.toThrow(/File not in msg/);
  });
});

describe('the manuals folder at start-up', () => {
  it('takes the index `npm run ingest` built from the same files instead of building it again; other files are built', async () => {
    const h = new BotHarness({ noFeishu: true });
    const { loadConfig } = await import('../bot/config.js');
    const { openEngine } = await import('../bot/runtime/nodeEngine.js');
    // What `npm run ingest` does: DATA_DIR/gangzetong.db from the manuals folder.
    const built = await openEngine(loadConfig(h.env()), { force: true });
    built.index.close();
    await h.start();
    try {
      expect(h.bot.versionNotes.join('')).toContain('采用了 npm run ingest 建好的索引');
      expect(h.bot.engine.ask(QUESTION).text).toContain('王金峰');
      // The version's report was read from that index (the files were not parsed again): the same as a parse gives.
      const { SqliteVersionStore } = await import('../bot/node/versionStore.js');
      const { folderSources, parseSources } = await import('../bot/runtime/nodeManuals.js');
      const { buildReport } = await import('../bot/manuals/report.js');
      const store = SqliteVersionStore.open(h.dirs.dataDir);
      const report = store.active()!.report!;
      const folder = folderSources(join(h.dirs.seedsDir, 'manuals'));
      const parsed = await parseSources(folder);
      const expected = buildReport({ before: [], after: parsed, sources: folder.map((f) => ({ name: f.name, action: 'added' as const, replaces: null, url: null })), removedSources: [], refused: null });
      expect(report.records).toBe(parsed.records.length);
      expect(report.units).toEqual(expected.units);
      expect(report.added).toEqual(expected.added);
      expect(report.sources).toEqual(expected.sources);
      expect(report.warnings).toEqual(expected.warnings);
      store.close?.();
    } finally {
      await h.close();
    }
    const other = new BotHarness({ noFeishu: true });
    const { writeFileSync } = await import('node:fs');
    const stale = await openEngine(loadConfig(other.env()), { force: true });
    stale.index.close();
    // A file changed after the ingest: the fingerprints differ, the version's index is built from the files.
    writeFileSync(join(other.dirs.seedsDir, 'manuals', MANUAL), withLead(shipped(other.dirs.seedsDir), '程九'));
    await other.start();
    try {
      expect(other.bot.versionNotes.join('')).not.toContain('采用了');
      expect(other.bot.engine.ask(QUESTION).text).toContain('程九');
    } finally {
      await other.close();
    }
  });


  it('a changed folder becomes the new version while the folder version is in use, but never overrides an admin version', async () => {
    const h = await new BotHarness({ noFeishu: true }).start();
    try {
      const path = join(h.dirs.seedsDir, 'manuals', MANUAL);
      const original = shipped(h.dirs.seedsDir);
      const { writeFileSync } = await import('node:fs');
      writeFileSync(path, withLead(original, '郑一'));
      await h.restart();
      expect(h.bot.manuals.active()!.id).toBe(2);
      expect(h.bot.versionNotes.join('')).toContain('手册目录有变化，已启用新版本 #2');
      expect(h.bot.engine.allRecords().find((r) => r.item.includes('测绘作业证初审'))!.lead).toEqual(['郑一']);

      // Broken on the server: the folder's reading is refused and #2 keeps answering.
      writeFileSync(path, '');
      await h.restart();
      expect(h.bot.manuals.active()!.id).toBe(2);
      expect(h.bot.versionNotes.join('')).toContain('不能启用');

      // An admin's version in use: the folder no longer overrides it.
      writeFileSync(path, withLead(original, '郑一'));
      const up = await h.bot.manuals.upload({ name: MANUAL, bytes: enc(withLead(original, '冯二')) }, ADMIN, null);
      expect(up.message).toContain('草稿');
      expect((await h.bot.manuals.activate(up.version!.id, ADMIN)).message).toContain('已启用');
      writeFileSync(path, withLead(original, '陈三'));
      await h.restart();
      expect(h.bot.manuals.active()!.id).toBe(up.version!.id);
      expect(h.bot.versionNotes.join('')).toContain('未自动替换');
      expect(h.bot.engine.allRecords().find((r) => r.item.includes('测绘作业证初审'))!.lead).toEqual(['冯二']);
    } finally {
      await h.close();
    }
  });
});

describe('index files of old versions', () => {
  it('keeps a few ready for 回滚 and rebuilds an older one from its files when rolled back to', async () => {
    const h = await new BotHarness({ noFeishu: true }).start();
    try {
      const original = shipped(h.dirs.seedsDir);
      const names = ['一号', '二号', '三号', '四号', '五号', '六号', '七号'].map((n) => `测试${n}`);
      for (const n of names) {
        const up = await h.bot.manuals.upload({ name: MANUAL, bytes: enc(withLead(original, n)) }, ADMIN, null);
        expect((await h.bot.manuals.activate(up.version!.id, ADMIN)).ok).toBe(true);
      }
      const { readdirSync } = await import('node:fs');
      const files = readdirSync(join(h.dirs.dataDir, 'versions')).filter((f) => /^index-\d+\.db$/.test(f));
      expect(files.length).toBe(6);
      expect(files).not.toContain('index-1.db');
      for (let i = 0; i < names.length; i++) expect((await h.bot.manuals.rollback(ADMIN)).ok).toBe(true);
      expect(h.bot.manuals.active()!.id).toBe(1);
      expect(h.bot.engine.allRecords().find((r) => r.item.includes('测绘作业证初审'))!.lead).toEqual(['王金峰']);
      expect((await h.bot.manuals.rollback(ADMIN)).message).toContain('没有可以回滚到的上一版本');
    } finally {
      await h.close();
    }
  });
});

describe('a Feishu cloud document linked in chat, read through the Docs API (real SDK, stub)', () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await new BotHarness({ env: { ADMIN_OPEN_IDS: ADMIN } }).start();
  });
  afterAll(() => h.close());

  /** A docx whose one table is a small duty list of an invented county bureau, as the blocks API lists it. */
  function dutyTableBlocks(lead: string) {
    const rows = [
      ['序号', '岗位', '工作事项', '岗位职责', '牵头人', '辅助人员', '办理时限'],
      ['1', '地籍管理岗', '地籍调查成果审核', '审核地籍调查成果，提出处理意见', lead, '罗青', '7个工作日'],
      ['2', '地籍管理岗', '宗地统一编码赋码', '组织宗地代码编制与赋码', '罗青', lead, '5个工作日'],
    ];
    const blocks: Record<string, unknown>[] = [{ block_id: 'pg', block_type: 1, children: ['tb'], page: { elements: [{ text_run: { content: '示例县自然资源局地籍股岗位职责清单' } }] } }];
    const cells: string[] = [];
    rows.forEach((row, r) =>
      row.forEach((cell, c) => {
        const id = `c${r}_${c}`;
        cells.push(id);
        blocks.push({ block_id: id, parent_id: 'tb', block_type: 32, children: [`t${r}_${c}`], table_cell: {} });
        blocks.push({ block_id: `t${r}_${c}`, parent_id: id, block_type: 2, children: [], text: { elements: [{ text_run: { content: cell } }], style: {} } });
      }),
    );
    blocks.splice(1, 0, {
      block_id: 'tb',
      parent_id: 'pg',
      block_type: 31,
      children: cells,
      table: { cells, property: { row_size: rows.length, column_size: 7, header_row: true, merge_info: cells.map(() => ({ row_span: 1, col_span: 1 })) } },
    });
    return blocks;
  }

  it('绑定手册 reads the docx, reports it, 启用 answers from it, 更新手册 picks up an edit', async () => {
    h.stub.docs.docx.set('doxcnExampleDuty01', { title: '示例县自然资源局地籍股岗位职责清单', revision: 1, blocks: dutyTableBlocks('秦川') as never });
    const replies = await h.say('绑定手册 https://example.feishu.cn/docx/doxcnExampleDuty01', { sender: ADMIN });
    const report = text(replies[0]!.content);
    expect(report).toContain('地籍调查成果审核');
    await click(h, replies[0]!, buttonValue(replies[0]!, 'manual_activate')!);
    expect(await ask(h, '地籍调查成果审核谁负责')).toContain('秦川');
    // The shipped manuals still answer: the linked document was added beside them.
    expect(await ask(h)).toContain('王金峰');

    h.stub.docs.docx.set('doxcnExampleDuty01', { title: '示例县自然资源局地籍股岗位职责清单', revision: 2, blocks: dutyTableBlocks('韩松') as never });
    const update = await h.say('更新手册', { sender: ADMIN });
    expect(text(update[0]!.content)).toContain('牵头人 秦川 → 韩松');
    await click(h, update[0]!, buttonValue(update[0]!, 'manual_activate')!);
    expect(await ask(h, '地籍调查成果审核谁负责')).toContain('韩松');
  });

  it('a document not shared with the bot gets a reply saying what to do, and nothing changes', async () => {
    const before = h.bot.manuals.active()!.id;
    h.stub.docs.failNext('/open-apis/docx/v1/documents/doxcnNotShared0001', DOCS_ERRORS.docxForbidden);
    const replies = await h.say('绑定手册 https://example.feishu.cn/docx/doxcnNotShared0001', { sender: ADMIN });
    expect(text(replies[0]!.content)).toContain('分享');
    expect(h.bot.manuals.active()!.id).toBe(before);
  });
});
