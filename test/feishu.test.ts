import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BotHarness } from './support/botHarness.js';
import { atBot, cardEvent, messageEvent } from './support/feishuEvents.js';

const text = BotHarness.cardText;

describe('Feishu webhook (encrypted, signed, token)', () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await new BotHarness().start();
  });
  afterAll(() => h.close());
  afterEach(async () => {
    await h.idle();
    h.stub.messages.length = 0;
  });

  it('answers url_verification, plain and encrypted', async () => {
    const plain = await h.raw(JSON.stringify({ challenge: 'c-123', token: 'vtoken', type: 'url_verification' }));
    expect(plain.status).toBe(200);
    expect(await plain.json()).toEqual({ challenge: 'c-123' });
    const enc = await h.event({ challenge: 'c-456', token: 'vtoken', type: 'url_verification' });
    expect(await enc.json()).toEqual({ challenge: 'c-456' });
    const wrong = await h.raw(JSON.stringify({ challenge: 'c-1', token: 'nope', type: 'url_verification' }));
    expect(wrong.status).toBe(401);
  });

  it('answers a group @-mention with the right card, replying to the message', async () => {
    const ev = atBot('谁负责测绘作业证初审?', h.stub.botOpenId, { messageId: 'om_q1' });
    const res = await h.event(ev);
    expect(res.status).toBe(200);
    await h.idle();
    expect(h.stub.messages).toHaveLength(1);
    const m = h.stub.messages[0]!;
    expect(m).toMatchObject({ kind: 'reply', target: 'om_q1', msgType: 'interactive' });
    expect(m.content.schema).toBe('2.0');
    expect((m.content.header as { title: { content: string } }).title.content).toBe('测绘作业证初审工作');
    const body = text(m.content);
    expect(body).toContain('王金峰');
    expect(body).toContain('9-6-10');
    expect(body).toContain('牵头负责人');
    expect(body).toMatch(/来源：.*第 \d+ 行/);
    expect(body).toContain('完整流程');
  });

  it('ignores group messages that do not @ this bot, and messages from bots', async () => {
    await h.event(messageEvent({ text: '谁负责测绘作业证初审?' }));
    await h.event(messageEvent({ text: '@_user_1 谁负责测绘作业证初审?', mentions: [{ key: '@_user_1', openId: 'ou_other_bot', name: '岗责通' }] }));
    await h.event(atBot('谁负责测绘作业证初审?', h.stub.botOpenId, { senderType: 'bot' }));
    await h.idle();
    expect(h.stub.messages).toHaveLength(0);
  });

  it('answers every private message, text and rich text', async () => {
    await h.event(messageEvent({ chatType: 'p2p', chatId: 'oc_p2p', text: '征收征用工作的流程' }));
    await h.event(
      messageEvent({
        chatType: 'p2p',
        chatId: 'oc_p2p',
        msgType: 'post',
        content: { zh_cn: { title: '', content: [[{ tag: 'text', text: '谁负责' }, { tag: 'text', text: '测绘作业证初审' }]] } },
      }),
    );
    await h.idle();
    expect(h.stub.messages).toHaveLength(2);
    expect(text(h.stub.messages[1]!.content)).toContain('王金峰');
  });

  it('tells what it reads when sent an image', async () => {
    await h.event(messageEvent({ chatType: 'p2p', msgType: 'image', content: { image_key: 'img_1' } }));
    await h.idle();
    expect(text(h.stub.messages[0]!.content)).toContain('只读文字');
  });

  it('answers help and unknown commands', async () => {
    await h.event(atBot('帮助', h.stub.botOpenId));
    await h.event(atBot('/foo', h.stub.botOpenId));
    await h.idle();
    expect(text(h.stub.messages[0]!.content)).toContain('我能回答');
    expect(text(h.stub.messages[1]!.content)).toContain('没有“/foo”这个命令');
  });

  it('answers a duplicate delivery once, whether the event_id or the message_id repeats', async () => {
    const ev = atBot('谁分管测绘室', h.stub.botOpenId, { messageId: 'om_dup', eventId: 'ev_dup' });
    await Promise.all([h.event(ev), h.event(ev)]);
    const again = atBot('谁分管测绘室', h.stub.botOpenId, { messageId: 'om_dup', eventId: 'ev_dup_2' });
    expect((await h.event(again)).status).toBe(200);
    await h.idle();
    expect(h.stub.messages).toHaveLength(1);
  });

  it('does not answer a re-delivery after a restart', async () => {
    const ev = atBot('谁负责测绘作业证初审?', h.stub.botOpenId, { messageId: 'om_restart', eventId: 'ev_restart' });
    await h.event(ev);
    await h.idle();
    await h.restart();
    await h.event(ev);
    await h.idle();
    expect(h.stub.messages.filter((m) => m.target === 'om_restart')).toHaveLength(1);
  });

  it('refuses bad signatures, wrong tokens, malformed and oversized bodies, and acts on none', async () => {
    const ev = atBot('谁负责测绘作业证初审?', h.stub.botOpenId);
    const forged = await h.event(ev, { headers: { 'x-lark-signature': 'ab'.repeat(32) } });
    expect(forged.status).toBe(401);
    const unsigned = await fetch(`${h.url}/webhook/feishu`, { method: 'POST', body: JSON.stringify(ev), headers: { 'content-type': 'application/json' } });
    expect(unsigned.status).toBe(401);
    const wrongToken = await h.event(atBot('谁负责测绘作业证初审?', h.stub.botOpenId, { token: 'stolen' }));
    expect(wrongToken.status).toBe(401);
    const malformed = await h.raw('{"encrypt": ');
    expect(malformed.status).toBe(400);
    expect((await malformed.json()).error).toContain('JSON');
    const notObject = await h.raw('[1,2]');
    expect(notObject.status).toBe(400);
    // The server answers before reading the whole body, so this connection is not reused.
    const big = await h.raw(JSON.stringify({ encrypt: 'x'.repeat(1024 * 1024 + 10) }), { 'content-type': 'application/json', connection: 'close' });
    expect(big.status).toBe(413);
    const garbage = await h.raw(JSON.stringify({ encrypt: 'bm90IGEgcmVhbCBjaXBoZXJ0ZXh0IGF0IGFsbCEhISE=' }));
    expect(garbage.status).toBe(401);
    await h.idle();
    expect(h.stub.messages).toHaveLength(0);
  });

  it('checks the signature on the raw bytes, so a pretty-printed body is accepted', async () => {
    const res = await h.event(atBot('谁负责测绘作业证初审?', h.stub.botOpenId), { pretty: true });
    expect(res.status).toBe(200);
    await h.idle();
    expect(h.stub.messages).toHaveLength(1);
  });

  it('retries a send that fails, honouring the rate-limit reset, without duplicating', async () => {
    h.stub.failSends(
      { status: 500, body: { code: 500, msg: 'internal' } },
      { status: 429, body: { code: 99991400, msg: 'request trigger frequency limit' }, headers: { 'x-ogw-ratelimit-reset': '2' } },
    );
    const before = h.clock.slept.length;
    await h.event(atBot('谁负责测绘作业证初审?', h.stub.botOpenId, { messageId: 'om_retry' }));
    await h.idle();
    expect(h.stub.messages.filter((m) => m.target === 'om_retry')).toHaveLength(1);
    expect(h.clock.slept.slice(before)).toContain(2000);
    expect(await h.bot.state.outbox.counts()).toMatchObject({ failed: 0 });
  });

  it('keeps a reply that cannot be sent yet in the outbox and sends it on a later flush', async () => {
    const busy = { status: 400, body: { code: 230020, msg: 'This operation triggers the frequency limit.' } };
    h.stub.failSends(busy, busy, busy);
    await h.event(atBot('谁负责测绘作业证初审?', h.stub.botOpenId, { messageId: 'om_later' }));
    await h.idle();
    expect(h.stub.messages).toHaveLength(0);
    expect((await h.bot.state.outbox.counts()).pending).toBe(1);
    expect(h.log.lines.some((l) => l.fields?.code === 230020)).toBe(true);
    await h.bot.pump();
    expect(h.stub.messages).toHaveLength(0); // not due yet
    h.clock.advance(5 * 60_000);
    await h.bot.pump();
    expect(h.stub.messages.filter((m) => m.target === 'om_later')).toHaveLength(1);
    expect((await h.bot.state.outbox.counts()).pending).toBe(0);
  });

  it('marks a send Feishu refuses for good as failed, with its code logged', async () => {
    h.stub.failSends({ status: 400, body: { code: 230002, msg: 'Bot/User can NOT be out of the chat.' } });
    await h.event(atBot('谁负责测绘作业证初审?', h.stub.botOpenId, { messageId: 'om_gone' }));
    await h.idle();
    const counts = await h.bot.state.outbox.counts();
    expect(counts.failed).toBeGreaterThanOrEqual(1);
    expect(h.log.lines.some((l) => l.level === 'error' && l.fields?.code === 230002)).toBe(true);
  });

  it('handles card buttons within the callback, once per click', async () => {
    const rec = h.bot.engine.allRecords().find((r) => r.flow?.codes.includes('9-6-10'))!;
    const click = cardEvent({ action: 'flow', id: rec.id }, { messageId: 'om_card_a' });
    const res = await h.event(click);
    expect(await res.json()).toMatchObject({ toast: { type: 'success' } });
    const again = await h.event(click);
    expect(await again.json()).toMatchObject({ toast: { type: 'info' } });
    await h.idle();
    expect(h.stub.messages).toHaveLength(1);
    expect(text(h.stub.messages[0]!.content)).toContain('完整流程');
    await h.event(cardEvent({ action: 'post', id: rec.id }, { messageId: 'om_card_a' }));
    await h.event(cardEvent({ action: 'ask', q: '谁分管测绘室' }, { messageId: 'om_card_a' }));
    await h.idle();
    expect(h.stub.messages).toHaveLength(3);
    expect(text(h.stub.messages[1]!.content)).toContain('测绘作业证初审');
    expect((h.stub.messages[1]!.content.header as { title: { content: string } }).title.content).toContain('共 16 项');
    const stale = await h.event(cardEvent({ action: 'flow', id: 'nope#1' }));
    expect(await stale.json()).toMatchObject({ toast: { type: 'warning' } });
  });

  it('handles events stored before a crash on the next start', async () => {
    const ev = atBot('谁负责测绘作业证初审?', h.stub.botOpenId, { messageId: 'om_crash', eventId: 'ev_crash' });
    const flat = { ...(ev.header as object), ...(ev.event as object), schema: '2.0' };
    await h.bot.state.inbox.claim({ eventId: 'ev_crash', messageId: 'om_crash', type: 'im.message.receive_v1', payload: flat, receivedAt: h.clock.now() });
    await h.restart();
    await h.bot.pump();
    expect(h.stub.messages.filter((m) => m.target === 'om_crash')).toHaveLength(0); // too fresh: its own process may still be on it
    h.clock.advance(31_000);
    await Promise.all([h.bot.pump(), h.bot.pump()]);
    await h.bot.pump();
    expect(h.stub.messages.filter((m) => m.target === 'om_crash')).toHaveLength(1);
  });
});

describe('an event that cannot be handled yet', () => {
  it('is kept and handled later, and the asker is told when it keeps failing', () =>
    BotHarness.run({}, async (h) => {
      h.stub.botInfoDown = true;
      await h.event(atBot('谁负责测绘作业证初审?', h.stub.botOpenId, { messageId: 'om_later_1' }));
      await h.idle();
      expect(h.stub.messages).toHaveLength(0);
      expect(h.log.lines.some((l) => l.msg === '事件处理出错')).toBe(true);
      h.stub.botInfoDown = false;
      h.clock.advance(61_000);
      await h.bot.pump();
      expect(h.stub.messages.map((m) => m.target)).toEqual(['om_later_1']);

      // Feishu failing is waited out for as long as a reply is useful (here 3 minutes), then the asker is told.
      await BotHarness.run({ env: { FEISHU_REPLY_MAX_AGE_HOURS: '0.05' } }, async (h2) => {
        h2.stub.botInfoDown = true;
        await h2.event(atBot('谁负责测绘作业证初审?', h2.stub.botOpenId, { messageId: 'om_never' }));
        await h2.idle();
        for (let i = 0; i < 3; i++) {
          h2.clock.advance(61_000);
          await h2.bot.pump();
        }
        expect(h2.stub.messages).toHaveLength(1);
        expect(BotHarness.cardText(h2.stub.messages[0]!.content)).toContain('处理这条消息时出错');
      });
    }));
});

describe('Feishu webhook without encryption', () => {
  it('accepts plaintext events with the right token only', () =>
    BotHarness.run({ encryptKey: null }, async (h) => {
      expect((await h.event(atBot('谁负责测绘作业证初审?', h.stub.botOpenId))).status).toBe(200);
      expect((await h.event(atBot('谁负责测绘作业证初审?', h.stub.botOpenId, { token: 'x' }))).status).toBe(401);
      const enc = await h.raw(JSON.stringify({ encrypt: 'abc' }));
      expect(enc.status).toBe(400);
      await h.idle();
      expect(h.stub.messages).toHaveLength(1);
    }));
});

describe('without Feishu credentials', () => {
  it('runs the console and the API and says Feishu is off', () =>
    BotHarness.run({ noFeishu: true }, async (h) => {
      const health = await (await fetch(`${h.url}/healthz`)).json();
      expect(health).toMatchObject({ ok: true, feishu: 'off' });
      const hook = await h.raw('{}');
      expect(hook.status).toBe(503);
      expect((await hook.json()).error).toContain('飞书未配置');
      const ask = await fetch(`${h.url}/api/ask`, { method: 'POST', body: JSON.stringify({ question: '谁负责测绘作业证初审?' }) });
      const body = await ask.json();
      expect(body.answers[0].lead).toEqual(['王金峰']);
      const bad = await fetch(`${h.url}/api/ask`, { method: 'POST', body: '{"q":1}' });
      expect(bad.status).toBe(400);
      expect((await fetch(`${h.url}/nope`)).status).toBe(404);
      expect(await (await fetch(`${h.url}/`)).text()).toContain('岗责通');
    }));
});

describe('long-connection mode', () => {
  it('hands events from the SDK WSClient path (dispatcher.invoke, no signature) to the same handlers', () =>
    BotHarness.run({ env: { FEISHU_MODE: 'ws' } }, async (h) => {
      const { wsDispatcher } = await import('../bot/node/wsDispatcher.js');
      const dispatcher = wsDispatcher(h.bot.feishu!.bot, h.log);
      const ev = atBot('谁负责测绘作业证初审?', h.stub.botOpenId, { messageId: 'om_ws' });
      // WSClient calls invoke(payload, { needCheck: false }) for each event frame and acks with the result.
      const ack = await dispatcher.invoke(ev, { needCheck: false });
      expect(ack).toEqual({});
      await dispatcher.invoke(ev, { needCheck: false });
      const click = await dispatcher.invoke(cardEvent({ action: 'ask', q: '谁分管测绘室' }), { needCheck: false });
      expect(click).toMatchObject({ toast: { type: 'success' } });
      await h.idle();
      expect(h.stub.messages.filter((m) => m.target === 'om_ws')).toHaveLength(1);
      expect(h.stub.messages).toHaveLength(2);
    }));
});
