import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { getCookie, setCookie } from 'hono/cookie';
import { type AdminResult, MAX_MANUAL_BYTES, type ManualAdmin, type ManualVersion, STATUS_LABEL } from '../manuals/admin.js';
import type { VersionReport } from '../manuals/report.js';
import { same, Sessions } from './access.js';
import { consoleFrame, escapeHtml as e } from './page.js';

export interface AdminPageDeps {
  /** Null where this runtime cannot keep manual versions (Workers). */
  manuals: ManualAdmin | null;
  /** ADMIN_TOKEN; null: the page is off. */
  token: string | null;
  now: () => number;
}

const COOKIE = 'gzt_admin';
const BY = '网页控制台';

const time = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
const list = (items: string[]) => (items.length ? `<ul>${items.map((x) => `<li>${x}</li>`).join('')}</ul>` : '<p class="muted">无</p>');

/** The report in full (the chat card caps its lists), every text escaped. */
export function reportHtml(r: VersionReport): string {
  const label = (x: { unit: string; post: string; item: string }) => `${e(x.item)} <span class="muted">（${e(x.unit)} · ${e(x.post)}）</span>`;
  const people = r.changed.filter((c) => c.people);
  const other = r.changed.filter((c) => !c.people);
  const files = `<h3>文件</h3>${list(
    r.sources.map(
      (s) =>
        `${s.action === 'kept' ? '沿用' : s.action === 'replaced' && s.replaces ? `替换 ${e(s.replaces.name)}（${e(s.replaces.why)}）→` : '新增'} ${e(s.name)}：${s.error ? `无法读取（${e(s.error)}）` : `${s.records} 条`}`,
    ),
  )}`;
  const notes = `<h3>提示与错误</h3>${list([...r.errors.map((x) => `错误：${e(x)}`), ...r.warnings.map((x) => `提示：${e(x)}`)])}`;
  // A refused reading has no meaningful differences: only what was read and why it stops there.
  if (r.refused) return `<p style="color:#d83931"><b>不能启用：</b>${e(r.refused)}。原来的版本继续回答问题。</p>${files}${notes}`;
  return `<p><b>事项：</b>${r.records} 条（原 ${r.before} 条）；新增 ${r.added.length}，修改 ${r.changed.length}，删除 ${r.removed.length}</p>
${files}
<h3>人员变动（${people.length}）</h3>${list(people.map((c) => `${label(c)}：${e(c.changes.join('；'))}`))}
<h3>其他修改（${other.length}）</h3>${list(other.map((c) => `${label(c)}：${e(c.changes.join('；'))}`))}
<h3>新增事项（${r.added.length}）</h3>${list(r.added.map((a) => `${label(a)} <span class="muted">${e(a.where)}</span>`))}
<h3>删除事项（${r.removed.length}）</h3>${list(r.removed.map((a) => `${label(a)} <span class="muted">${e(a.where)}</span>`))}
<h3>各单位、岗位事项数</h3>${list(r.units.map((u) => `${e(u.unit)}（${u.records}）：${e(u.posts.map((p) => `${p.post} ${p.records}`).join('、'))}`))}
${notes}`;
}

function tokenForm(message: string): string {
  return consoleFrame(
    '手册管理 · 登录',
    `<div class="card"><h2>手册管理</h2><p>${e(message)}</p>
<form method="post" action="/admin/login" style="position:static"><input type="password" name="token" placeholder="管理令牌（ADMIN_TOKEN）" aria-label="管理令牌" autocomplete="current-password"><button type="submit">登录</button></form></div>`,
  );
}

const hidden = (csrf: string, extra = '') => `<input type="hidden" name="csrf" value="${e(csrf)}">${extra}`;
const postButton = (action: string, label: string, csrf: string, extra = '') =>
  `<form method="post" action="${e(action)}" style="display:inline;position:static;padding:0;background:none">${hidden(csrf, extra)}<button type="submit">${e(label)}</button></form>`;

function versionHtml(v: ManualVersion, csrf: string, open: boolean): string {
  const actions =
    v.status === 'draft' && !v.report?.refused
      ? `${postButton(`/admin/manuals/${v.id}/activate`, '启用', csrf)} ${postButton(`/admin/manuals/${v.id}/discard`, '放弃', csrf)}`
      : '';
  return `<div class="card" id="v${v.id}"><h2>版本 #${v.id} <span class="tag">${e(STATUS_LABEL[v.status])}</span></h2>
<div class="muted">${e(v.note)} · ${e(v.madeBy)} · ${e(time(v.madeAt))}${v.baseId !== null ? ` · 基于版本 #${v.baseId}` : ''}</div>
${actions ? `<div class="row">${actions}</div>` : ''}
${v.report ? (open ? reportHtml(v.report) : `<details><summary>报告：${v.report.records} 条事项</summary>${reportHtml(v.report)}</details>`) : ''}</div>`;
}

function page(admin: ManualAdmin, csrf: string, nonce: string, o: { message?: AdminResult; focus?: number }): string {
  const versions = admin.list(20);
  const active = admin.active();
  const msg = o.message ? `<div class="card" style="border-left:4px solid ${o.message.ok ? '#34c724' : '#ff7d00'}"><p>${e(o.message.message)}</p></div>` : '';
  const upload = `<div class="card"><h2>上传手册</h2><p class="muted">Word、Excel、PDF、网页、CSV、文本；同名文件或覆盖相同单位的文件会替换原文件，其他文件作为新增。上传后先看报告，再决定启用。</p>
<form method="post" action="/admin/manuals/upload" enctype="multipart/form-data" style="position:static">${hidden(csrf, `<input type="hidden" name="nonce" value="${e(nonce)}">`)}<input type="file" name="file" required><button type="submit">上传</button></form></div>`;
  const rollback = admin.canRollBack() && active ? `<p>${postButton('/admin/manuals/rollback', `回滚（退出版本 #${active.id}）`, csrf, `<input type="hidden" name="from" value="${active.id}">`)}</p>` : '';
  return consoleFrame(
    '手册管理 · 岗责通',
    `${msg}<div class="card"><h2>当前使用：版本 #${active?.id ?? '无'}</h2><div class="muted">${active ? `${e(active.note)} · ${active.report?.records ?? '?'} 条事项` : ''}</div>${rollback}</div>
${upload}${versions.map((v) => versionHtml(v, csrf, v.id === o.focus)).join('')}`,
  );
}

/**
 * /admin/manuals: upload a manual, read its report, 启用 / 放弃 / 回滚. Needs ADMIN_TOKEN (bearer header,
 * or a signed HttpOnly cookie after the token form); every POST from a browser carries a CSRF token bound
 * to its session.
 */
export function mountAdminPage(app: Hono, deps: AdminPageDeps): void {
  const sessions = deps.token ? new Sessions(deps.token, 'gangzetong admin session v1') : null;

  /** The session cookie's value, '' for a bearer request (no CSRF needed: browsers never add it by themselves), null when not signed in. */
  const signedIn = async (c: Context): Promise<string | null> => {
    const bearer = c.req.header('authorization')?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim();
    if (bearer !== undefined && deps.token && same(bearer, deps.token)) return '';
    const cookie = getCookie(c, COOKIE);
    return cookie && sessions && (await sessions.valid(cookie, deps.now())) ? cookie : null;
  };
  const csrfOf = async (session: string) => (session && sessions ? sessions.mac(`csrf:${session}`) : '');

  const unavailable = (c: Context) => {
    if (!deps.token) return c.html(consoleFrame('手册管理未开启', '<div class="card"><h2>手册管理未开启</h2><p>请设置环境变量 ADMIN_TOKEN（至少 16 个字符的随机串）后重启服务。</p></div>'), 503);
    if (!deps.manuals) return c.html(consoleFrame('手册管理不可用', '<div class="card"><h2>手册管理不可用</h2><p>这个部署（Cloudflare Workers）不能在线更新手册：手册在构建时打包。请更新手册目录后重新部署。</p></div>'), 503);
    return null;
  };

  app.post('/admin/login', async (c) => {
    const off = unavailable(c);
    if (off) return off;
    const body = await c.req.parseBody();
    const token = typeof body.token === 'string' ? body.token.trim() : '';
    if (!same(token, deps.token!)) return c.html(tokenForm('令牌不正确，请重试。'), 401);
    setCookie(c, COOKIE, await sessions!.issue(deps.now()), {
      httpOnly: true,
      sameSite: 'Strict',
      path: '/admin',
      maxAge: 12 * 3600,
      secure: new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https',
    });
    return c.redirect('/admin/manuals', 303);
  });

  app.get('/admin/manuals', async (c) => {
    const off = unavailable(c);
    if (off) return off;
    const session = await signedIn(c);
    if (session === null) return c.html(tokenForm('请输入管理令牌（ADMIN_TOKEN）。'), 401);
    const focus = Number(c.req.query('v')) || undefined;
    return c.html(page(deps.manuals!, await csrfOf(session), crypto.randomUUID(), { focus }));
  });

  /** A signed-in POST with a valid CSRF token, or the response refusing it. */
  const authorised = async (c: Context, form: Record<string, unknown>): Promise<Response | null> => {
    const session = await signedIn(c);
    if (session === null) return c.html(tokenForm('请先登录。'), 401);
    if (session && !same(String(form.csrf ?? ''), await csrfOf(session))) return c.html(consoleFrame('请求无效', '<div class="card"><p>页面已过期，请刷新后重试。</p></div>'), 403);
    return null;
  };
  const done = async (c: Context, r: AdminResult) =>
    c.html(page(deps.manuals!, await csrfOf((await signedIn(c)) ?? ''), crypto.randomUUID(), { message: r, focus: r.version?.id }), r.ok ? 200 : 409);

  app.post(
    '/admin/manuals/upload',
    bodyLimit({ maxSize: MAX_MANUAL_BYTES + 64 * 1024, onError: (c) => c.html(consoleFrame('文件太大', `<div class="card"><p>文件超过 ${MAX_MANUAL_BYTES / 1024 / 1024} MB，没有读取。</p></div>`), 413) }),
    async (c) => {
      const off = unavailable(c);
      if (off) return off;
      const form = await c.req.parseBody();
      const refused = await authorised(c, form);
      if (refused) return refused;
      const file = form.file;
      if (!(file instanceof File) || file.size === 0) return done(c, { ok: false, message: '没有收到文件，请选择文件后再上传。' });
      const nonce = typeof form.nonce === 'string' && /^[\w-]{8,64}$/.test(form.nonce) ? `console:${form.nonce}` : null;
      const r = await deps.manuals!.upload({ name: file.name || '手册', bytes: new Uint8Array(await file.arrayBuffer()) }, BY, nonce);
      return done(c, r);
    },
  );

  app.post('/admin/manuals/rollback', async (c) => {
    const off = unavailable(c);
    if (off) return off;
    const form = await c.req.parseBody();
    const refused = await authorised(c, form);
    if (refused) return refused;
    const from = Number(form.from);
    return done(c, await deps.manuals!.rollback(BY, Number.isInteger(from) && from > 0 ? { expectActive: from } : {}));
  });

  app.post('/admin/manuals/:id/:action{activate|discard}', async (c) => {
    const off = unavailable(c);
    if (off) return off;
    const form = await c.req.parseBody();
    const refused = await authorised(c, form);
    if (refused) return refused;
    const id = Number(c.req.param('id'));
    if (!Number.isInteger(id) || id <= 0) return c.html(consoleFrame('没有这个版本', '<div class="card"><p>没有这个版本。</p></div>'), 404);
    const r = c.req.param('action') === 'activate' ? await deps.manuals!.activate(id, BY) : await deps.manuals!.discard(id, BY);
    return done(c, r);
  });
}
