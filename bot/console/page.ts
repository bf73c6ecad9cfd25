import { joinDuties } from '../../ingest/text.js';

/** Shared look of the console pages. */
export const CONSOLE_CSS = `
*{box-sizing:border-box}body{margin:0;font:15px/1.6 -apple-system,"PingFang SC","Microsoft YaHei",sans-serif;background:#f2f3f5;color:#1f2329}
header{background:#3370ff;color:#fff;padding:10px 16px;display:flex;gap:12px;align-items:baseline;flex-wrap:wrap}
header h1{font-size:18px;margin:0}header a{color:#fff}header small{opacity:.85}
main{max-width:820px;margin:0 auto;padding:12px}
.card{background:#fff;border-radius:8px;padding:12px 14px;margin:10px 0;box-shadow:0 1px 2px rgba(0,0,0,.06)}
.card h2{font-size:16px;margin:0 0 4px}.card h3{font-size:15px;margin:10px 0 4px}
.tag{display:inline-block;background:#e1eaff;color:#245bdb;border-radius:4px;padding:0 6px;font-size:12px;margin-right:6px}
.muted{color:#8f959e;font-size:13px}.row{margin:2px 0}.row b{color:#646a73;font-weight:500}
.q{background:#3370ff;color:#fff;margin-left:auto;max-width:85%;width:fit-content}
ol{margin:4px 0;padding-left:22px}li{margin:1px 0}
.chips{display:flex;flex-wrap:wrap;gap:6px;margin:6px 0}
.chips button{border:1px solid #d0d3d6;background:#fff;border-radius:14px;padding:3px 10px;font:inherit;font-size:13px;cursor:pointer}
form{position:sticky;bottom:0;display:flex;gap:8px;padding:10px 0;background:#f2f3f5}
input{flex:1;min-width:0;font:inherit;padding:9px 12px;border:1px solid #d0d3d6;border-radius:8px}
form button{font:inherit;padding:0 16px;border:0;border-radius:8px;background:#3370ff;color:#fff}
a{color:#245bdb;text-decoration:none}a:hover{text-decoration:underline}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #eee;padding:4px 6px;text-align:left;vertical-align:top}
`;

const SCRIPT = `
const log = document.getElementById('log');
const form = document.getElementById('ask');
const input = document.getElementById('q');
const SCOPE = { city: '市局', district: '区局', subdistrict: '街道专班' };
function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v; else if (k.startsWith('on')) e.addEventListener(k.slice(2), v); else e.setAttribute(k, v);
  }
  for (const k of kids.flat()) if (k !== null && k !== undefined && k !== false) e.append(k instanceof Node ? k : String(k));
  return e;
}
const personLink = (n) => el('a', { href: '/person/' + encodeURIComponent(n) }, n);
const people = (list) => list.length ? list.flatMap((n, i) => i ? ['、', personLink(n)] : [personLink(n)]) : ['手册未列明'];
const row = (label, ...value) => el('div', { class: 'row' }, el('b', {}, label + '：'), ...value);
function item(a) {
  if (a.kind === 'passage') return el('div', { class: 'card answer' },
    el('h2', {}, el('span', { class: 'tag' }, SCOPE[a.scope] || a.scope), a.item),
    row('单位', a.department ? a.unit + ' ' + a.department : a.unit),
    row('原文', a.duties.join('')),
    el('div', { class: 'muted' }, '来源：' + a.source.file + ' 第 ' + a.source.line + ' 行'));
  const f = a.flow;
  const chart = f ? (f.codes.length ? f.codes.map((c, i) => f.titles[i] ? c + ' ' + f.titles[i] : c) : f.titles).join('；') + (f.subflow ? '（' + f.subflow + '）' : '') : '';
  return el('div', { class: 'card answer' },
    el('h2', {}, el('span', { class: 'tag' }, SCOPE[a.scope] || a.scope), a.item),
    row('单位/科室', a.department ? a.unit + ' ' + a.department : a.unit),
    row('岗位', el('a', { href: '/post/' + encodeURIComponent(a.id) }, a.post)),
    row('牵头负责人', ...people(a.lead), a.peopleInherited ? '（沿用本岗位人员）' : ''),
    row('辅助人员', ...people(a.assistants)),
    a.duties.length ? row('职责', joinDuties(a.duties)) : null,
    row('流程', f ? (chart || '见下列步骤') : '手册未给出此项的流程图'),
    f && f.steps.length ? el('ol', { class: 'steps' }, f.steps.map((s) => el('li', {}, s))) : f ? el('div', { class: 'muted' }, '手册未列出办理步骤') : null,
    row('时限', a.timeLimit || '手册未写明'),
    el('div', { class: 'muted' }, '来源：' + a.source.file + ' 第 ' + a.source.line + ' 行'));
}
function chips(list) {
  return el('div', { class: 'chips' }, list.map((q) => el('button', { type: 'button', onclick: () => ask(q) }, q)));
}
function render(ans) {
  const box = el('div', { class: 'reply' });
  if (!ans.found) {
    box.append(el('div', { class: 'card notfound' }, el('h2', {}, '没有找到相关职责'), el('div', { style: 'white-space:pre-wrap' }, ans.text), chips(EXAMPLES)));
    return box;
  }
  if (ans.intent === 'person' && ans.person) {
    box.append(el('div', { class: 'card' }, el('h2', {}, personLink(ans.person), ' 负责的工作（共 ' + ans.answers.length + ' 项）'),
      el('ol', {}, ans.answers.map((a) => el('li', {}, a.item, a.lead.includes(ans.person) ? '（牵头）' : '（辅助）',
        a.flow && a.flow.codes.length ? ' 〔' + a.flow.codes.join(' ') + '〕' : '', ' — ', el('a', { href: '/post/' + encodeURIComponent(a.id) }, a.post))))));
    return box;
  }
  if (ans.band === 'plausible' && ans.answers[0]) {
    box.append(el('div', { class: 'muted' }, '没有完全对上的事项，最可能是：'), item(ans.answers[0]));
    if (ans.alternatives.length) box.append(el('div', { class: 'card alternatives' }, el('b', {}, '是不是想问：'), chips(ans.alternatives.map((x) => x.question))));
    return box;
  }
  if (ans.summary) box.append(el('div', { class: 'card' }, ans.summary));
  if (ans.answers.length > 1) box.append(el('div', { class: 'muted' }, '找到 ' + ans.answers.length + ' 条相关职责：'));
  for (const a of ans.answers) box.append(item(a));
  return box;
}
async function ask(q) {
  q = q.trim();
  if (!q) return;
  log.append(el('div', { class: 'card q' }, q));
  input.value = '';
  try {
    const res = await fetch('/api/ask', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question: q }) });
    const body = await res.json();
    log.append(res.ok ? render(body) : el('div', { class: 'card' }, '出错了：' + (body.error || res.status)));
  } catch (e) {
    log.append(el('div', { class: 'card' }, '无法连接服务器：' + e.message));
  }
  log.lastElementChild.scrollIntoView({ behavior: 'smooth', block: 'start' });
}
form.addEventListener('submit', (e) => { e.preventDefault(); ask(input.value); });
document.getElementById('examples').append(chips(EXAMPLES));
const initial = new URLSearchParams(location.search).get('q');
if (initial) ask(initial);
`;

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A page in the console's frame. */
export function consoleFrame(title: string, body: string, script = ''): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title><style>${CONSOLE_CSS}</style></head>
<body><header><h1><a href="/">岗责通</a></h1><small>定岗定责定流程问答</small><small><a href="/units">单位与岗位</a></small></header>
<main>${body}</main>${script ? `<script>${script}</script>` : ''}</body></html>`;
}

/** The chat page: ask as in Feishu, see the same content as the card. `examples` come from the loaded manuals. */
export function consolePage(examples: readonly string[] = []): string {
  const hint = examples[0] ? `输入问题，如：${examples[0]}` : '输入问题，如：谁负责某项工作';
  const body = `<div class="card"><b>试试这样问：</b><div id="examples"></div></div>
<div id="log"></div>
<form id="ask"><input id="q" autocomplete="off" placeholder="${escapeHtml(hint)}" aria-label="问题"><button type="submit">提问</button></form>`;
  return consoleFrame('岗责通 · 网页版', body, `const EXAMPLES = ${JSON.stringify(examples).replace(/</g, '\\u003c')};\nconst joinDuties = ${joinDuties.toString()};${SCRIPT}`);
}

export { escapeHtml };
