import type { Hono } from 'hono';
import type { DutyRecord } from '../../ingest/record.js';
import { joinDuties } from '../../ingest/text.js';
import { SCOPE_LABEL } from '../../retrieval/answer.js';
import type { Organisation, PostRef } from '../../retrieval/organisation.js';
import { buildPack } from '../onboarding/pack.js';
import { type Deadline, EXAMPLE_DEADLINES_NOTE } from '../reminders/deadlines.js';
import { beijingDate, type WorkCalendar } from '../reminders/workCalendar.js';
import { consoleFrame, escapeHtml as e } from './page.js';

export interface PagesDeps {
  org: () => Organisation;
  deadlines: () => readonly Deadline[];
  calendar: WorkCalendar;
  now: () => number;
}

const postHref = (p: PostRef) => `/post/${encodeURIComponent(p.records[0]!.id)}`;
const personHref = (n: string) => `/person/${encodeURIComponent(n)}`;
const personLinks = (names: string[]) => (names.length ? names.map((n) => `<a href="${personHref(n)}">${e(n)}</a>`).join('、') : '手册未列明');
const where = (p: { unit: string; department: string | null }) => e([p.unit, p.department].filter(Boolean).join(' · '));

function itemHtml(r: DutyRecord, i: number): string {
  const codes = r.flow?.codes.length ? ` <span class="tag">${e(r.flow.codes.join(' '))}</span>` : '';
  const flows = r.flow
    ? r.flow.subflows.length > 1
      ? r.flow.subflows.map((s) => `<div class="row"><b>流程（${e(s.name || '未命名')}）：</b></div><ol>${s.steps.map((x) => `<li>${e(x)}</li>`).join('')}</ol>`).join('')
      : `<div class="row"><b>流程：</b>${e(r.flow.titles[0] ?? '')}</div>${r.flow.steps.length ? `<ol class="steps">${r.flow.steps.map((x) => `<li>${e(x)}</li>`).join('')}</ol>` : '<div class="muted">手册未列出办理步骤</div>'}`
    : '';
  return `<div class="card item"><h3>${i + 1}. ${e(r.item)}${codes}</h3>
${r.duties.length ? `<div class="row"><b>职责：</b>${e(joinDuties(r.duties))}</div>` : ''}
${r.responsibilities.length ? `<div class="row"><b>责任：</b>${e(joinDuties(r.responsibilities))}</div>` : ''}
<div class="row"><b>牵头：</b>${personLinks(r.lead)} <b>辅助：</b>${personLinks(r.assistants)}</div>
${flows}${r.timeLimit ? `<div class="row"><b>时限：</b>${e(r.timeLimit)}</div>` : ''}
<div class="muted">来源：${e(r.source.file)} 第 ${r.source.line} 行</div></div>`;
}

function notFound(what: string): string {
  return consoleFrame('没有找到', `<div class="card"><h2>没有找到${e(what)}</h2><p>手册可能已更新。<a href="/units">查看全部单位与岗位</a></p></div>`);
}

/** Pages linked from console answers: one per post (the onboarding pack), one per person, and the unit list. */
export function mountConsolePages(app: Hono, deps: PagesDeps): void {
  app.get('/post/:ref', (c) => {
    const org = deps.org();
    const ref = c.req.param('ref');
    const post = org.postOf(ref) ?? org.byKey(ref);
    if (!post) return c.html(notFound('这个岗位'), 404);
    const pack = buildPack(org, post, deps.deadlines(), deps.calendar, beijingDate(deps.now()));
    const leaders = pack.leaders.length
      ? pack.leaders.map((l) => `${l.names.length ? personLinks(l.names) : '（手册未列姓名）'}（${e(l.post)}${l.via === 'oversees' ? '，分管' : '，主持全面工作'}）`).join('；')
      : '本岗位即单位负责人';
    const colleagues = pack.colleagues.map((x) => `<li>${e(x.post)}：${personLinks(x.people)}</li>`).join('');
    const deadlines = pack.deadlines.map((d) => `<li>${d.example ? '<span class="tag">示例</span>' : ''}${e(d.title)}${d.next ? `：下一次 ${e(d.next)}` : ''}</li>`).join('');
    const exampleNote = pack.deadlines.some((d) => d.example) ? `<div class="muted example">${e(EXAMPLE_DEADLINES_NOTE)}</div>` : '';
    const body = `<div class="card"><h2><span class="tag">${e(SCOPE_LABEL[post.scope])}</span>${e(post.post)}</h2>
<div class="row"><b>单位/科室：</b>${where(post)}</div>
<div class="row"><b>分管领导：</b>${leaders}</div>
<div class="row"><b>本岗位人员：</b>牵头 ${personLinks(pack.people.leads)}${pack.people.assistants.length ? `；辅助 ${personLinks(pack.people.assistants)}` : ''}</div>
<div class="row"><b>工作事项：</b>共 ${post.records.length} 项</div>
${colleagues ? `<h3>同单位同事</h3><ul>${colleagues}</ul>` : ''}
${deadlines ? `<h3>周期性截止事项</h3><ul>${deadlines}</ul>${exampleNote}` : ''}
<h3>第一周清单</h3><ol><li>读懂本岗位的流程：${e(pack.checklist.flows.join('；') || '本岗位手册未列流程图')}</li><li>认识这些同事：${personLinks(pack.checklist.meet)}</li><li>在飞书群里发送“订阅提醒”，每个工作日早上收到到期事项</li></ol></div>
${post.records.map(itemHtml).join('\n')}`;
    return c.html(consoleFrame(`${post.post} · 岗责通`, body));
  });

  app.get('/person/:name', (c) => {
    const org = deps.org();
    const name = c.req.param('name');
    const rows = org.records.filter((r) => r.lead.includes(name) || r.assistants.includes(name));
    if (rows.length === 0) return c.html(notFound(`“${name}”`), 404);
    const leads = rows.filter((r) => r.lead.includes(name));
    const assists = rows.filter((r) => !r.lead.includes(name));
    const line = (r: DutyRecord) => {
      const p = org.postOf(r.id)!;
      const codes = r.flow?.codes.length ? ` <span class="tag">${e(r.flow.codes.join(' '))}</span>` : '';
      return `<li>${e(r.item)}${codes} — <a href="${postHref(p)}">${e(p.post)}</a>（${where(p)}）${r.lead.includes(name) ? '' : `，牵头：${personLinks(r.lead)}`}</li>`;
    };
    const roles = org.rolesOfPerson(name);
    const postItem = (p: PostRef, assist: boolean) => `<li${assist ? ' class="assist"' : ''}>${assist ? '<span class="tag">辅助</span>' : ''}<a href="${postHref(p)}">${e(p.post)}</a>（${where(p)}）</li>`;
    const posts = roles.leads.map((p) => postItem(p, false)).join('') || '<li class="muted">不牵头任何事项</li>';
    const assisted = roles.assists.map((p) => postItem(p, true)).join('');
    const body = `<div class="card"><h2>${e(name)}</h2><div class="row">在手册中参与 ${rows.length} 项工作（牵头 ${leads.length} 项，辅助 ${assists.length} 项）</div>
<h3>岗位</h3><ul class="posts">${posts}</ul>
${assisted ? `<h3>辅助</h3><ul class="assisted">${assisted}</ul>` : ''}
${leads.length ? `<h3>牵头负责</h3><ol class="lead">${leads.map(line).join('')}</ol>` : ''}
${assists.length ? `<h3>辅助参与</h3><ol class="assist">${assists.map(line).join('')}</ol>` : ''}</div>`;
    return c.html(consoleFrame(`${name} · 岗责通`, body));
  });

  app.get('/units', (c) => {
    const org = deps.org();
    const groups = new Map<string, PostRef[]>();
    for (const p of org.posts) {
      const k = [p.unit, p.department].filter(Boolean).join(' · ');
      groups.set(k, [...(groups.get(k) ?? []), p]);
    }
    const body = [...groups]
      .map(([k, posts]) => `<div class="card unit"><h2>${e(k)}</h2><table><tr><th>岗位</th><th>人员</th><th>事项</th></tr>${posts
        .map((p) => `<tr><td><a href="${postHref(p)}">${e(p.post)}</a></td><td>${personLinks(org.peopleOf(p).leads)}</td><td>${p.records.length}</td></tr>`)
        .join('')}</table></div>`)
      .join('\n');
    return c.html(consoleFrame('单位与岗位 · 岗责通', body));
  });
}
