import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonDepth, parseJson } from '../bot/input.js';
import { BotHarness } from './support/botHarness.js';
import { atBot, cardEvent } from './support/feishuEvents.js';

const nested = (n: number) => {
  let v = '1';
  for (let i = 0; i < n; i++) v = i % 2 ? `[${v}]` : `{"a":${v}}`;
  return v;
};

describe('bad input', () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await new BotHarness().start();
  });
  afterAll(() => h.close());
  const ask = (body: string) => fetch(`${h.url}/api/ask`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });

  it('counts nesting without parsing, skipping strings', () => {
    expect(jsonDepth('{"a":"[[[{{{","b":[1,[2]]}')).toBe(3);
    expect(jsonDepth('"\\"[["')).toBe(0);
    expect(parseJson(nested(33))).toEqual({ ok: false, error: 'JSON 嵌套过深（上限 32 层）' });
    expect(parseJson('{"question":"x"}')).toEqual({ ok: true, value: { question: 'x' } });
  });

  it('answers a question with NUL and control characters as if they were spaces', async () => {
    const res = await ask(JSON.stringify({ question: '谁负责\u0000测绘作业证\u0007初审?' }));
    expect(res.status).toBe(200);
    const a = (await res.json()) as { question: string; found: boolean; answers: { lead: string[] }[] };
    expect(a.question).not.toMatch(/[\u0000-\u0008]/);
    expect(a.found).toBe(true);
    expect(a.answers[0]!.lead).toContain('王金峰');
    const only = await ask(JSON.stringify({ question: '\u0000\u0000' }));
    expect(only.status).toBe(400);
    expect((await only.json()).error).toContain('question');
  });

  it('refuses deeply nested /api/ask bodies with a clear 400', async () => {
    for (const body of [`{"question":"谁分管测绘室","x":${nested(200)}}`, `{"question":${nested(5000)}}`, nested(10_000)]) {
      const res = await ask(body);
      expect(res.status).toBe(400);
      expect((await res.json()).error).toContain('嵌套过深');
    }
    expect(h.log.lines.filter((l) => l.level === 'error')).toEqual([]);
  });

  it('answers a chat message with NUL in it, with no error card', async () => {
    const out = await h.say('谁负责\u0000测绘作业证初审?');
    expect(out).toHaveLength(1);
    expect(BotHarness.cardTitle(out[0]!)).toBe('测绘作业证初审工作');
    expect(JSON.stringify(out[0]!.content)).not.toContain('\\u0000');
  });

  it('looks card-action and event handlers up as own properties only', async () => {
    for (const action of ['constructor', '__proto__', 'valueOf', 'toString', 'hasOwnProperty', 'isPrototypeOf', 'toLocaleString']) {
      const res = await h.event(cardEvent({ action, id: 'x' }, { messageId: `om_proto_${action}` }));
      expect(res.status, action).toBe(200);
      expect(await res.json(), action).toEqual({ toast: { type: 'warning', content: '这个按钮已失效，请重新提问' } });
    }
    for (const type of ['constructor', '__proto__', 'valueOf', 'toString']) {
      const ev = atBot('谁分管测绘室', h.stub.botOpenId) as { header: { event_type: string } };
      ev.header.event_type = type;
      const res = await h.event(ev);
      expect(res.status, type).toBe(200);
      expect(await res.json(), type).toEqual({});
    }
    await h.idle();
    expect(h.log.lines.filter((l) => l.level === 'error')).toEqual([]);
  });
});
