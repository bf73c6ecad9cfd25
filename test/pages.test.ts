import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotHarness } from './support/botHarness.js';

const NOTE = '示例：请管理员按本单位实际修改 seeds/deadlines.json';
/** The page's visible text, tags dropped. */
const visible = (html: string) => html.replace(/<script[\s\S]*?<\/script>/g, '').replace(/<style[\s\S]*?<\/style>/g, '').replace(/<[^>]+>/g, ' ');
/** The inner HTML of the first element with this class. */
const section = (html: string, cls: string) => html.match(new RegExp(`<ul class="${cls}">([\\s\\S]*?)</ul>`))?.[1] ?? '';

describe('console pages over HTTP', () => {
  let h: BotHarness;
  const get = async (path: string) => (await fetch(`${h.url}${path}`)).text();
  const postPage = (item: string) => {
    const r = h.bot.engine.allRecords().find((x) => x.item.includes(item))!;
    return get(`/post/${encodeURIComponent(r.id)}`);
  };
  beforeAll(async () => {
    h = await new BotHarness({ noFeishu: true }).start();
  });
  afterAll(() => h.close());

  it('a person who assists on a leader’s rows is not shown holding the leader’s post', async () => {
    const html = await get(`/person/${encodeURIComponent('满洪学')}`);
    expect(section(html, 'posts')).toContain('业务岗5');
    expect(section(html, 'posts')).not.toContain('部门领导副职岗位2');
    expect(section(html, 'assisted')).toContain('部门领导副职岗位2');
    expect(section(html, 'assisted')).toContain('辅助');
  });

  it('a person who only assists holds no post', async () => {
    const html = await get(`/person/${encodeURIComponent('秦曾艳')}`);
    expect(section(html, 'posts')).toContain('不牵头任何事项');
    expect(section(html, 'assisted')).toContain('部门领导副职岗位1');
  });

  it('labels the shipped sample deadlines on post pages', async () => {
    const html = await postPage('年度考核工作');
    expect(visible(html)).toContain('年度考核：制定考核方案并组织开展');
    expect(visible(html)).toContain(NOTE);
    expect(html).toMatch(/<span class="tag">示例<\/span>年度考核/);
  });

  it('joins duties without doubled punctuation, and says when the manual gives no steps', async () => {
    for (const item of ['发文管理', '科内全面工作', '政务公开']) {
      const text = visible(await postPage(item));
      expect(text).not.toMatch(/[。；][。；]/);
    }
    expect(visible(await postPage('政务公开'))).toContain('手册未列出办理步骤');
  });

  it('the chat page joins duties with the same helper', async () => {
    const html = await get('/');
    const script = html.match(/const joinDuties = ([\s\S]*?);\n?const log/)?.[1];
    expect(script).toBeTruthy();
    const fn = new Function(`return (${script});`)() as (l: string[]) => string;
    expect(fn(['甲。', '乙；', '丙'])).toBe('甲；乙；丙。');
  });
});

describe('console pages once the deadlines file is the bureau’s own', () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = new BotHarness({ noFeishu: true });
    const path = join(h.dirs.seedsDir, 'deadlines.json');
    const data = JSON.parse(readFileSync(path, 'utf8')) as { example?: boolean };
    data.example = false;
    writeFileSync(path, JSON.stringify(data));
    await h.start();
  });
  afterAll(() => h.close());

  it('shows the deadlines without the sample label', async () => {
    const r = h.bot.engine.allRecords().find((x) => x.item.includes('年度考核工作'))!;
    const html = await (await fetch(`${h.url}/post/${encodeURIComponent(r.id)}`)).text();
    expect(visible(html)).toContain('年度考核：制定考核方案并组织开展');
    expect(visible(html)).not.toContain('示例');
  });
});
