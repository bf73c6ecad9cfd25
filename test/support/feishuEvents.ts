import { randomBytes } from 'node:crypto';
import { encryptEvent, signEvent } from '../../bot/feishu/crypto.js';

let seq = 0;
const next = () => `${Date.now().toString(36)}${(++seq).toString(36)}`;

export interface MessageOpts {
  text?: string;
  chatType?: 'p2p' | 'group';
  chatId?: string;
  sender?: string;
  senderType?: 'user' | 'bot';
  mentions?: { key: string; openId: string; name: string }[];
  messageId?: string;
  eventId?: string;
  msgType?: string;
  content?: unknown;
  token?: string;
}

/** A schema 2.0 im.message.receive_v1 body as Feishu sends it. */
export function messageEvent(o: MessageOpts = {}): Record<string, unknown> {
  return {
    schema: '2.0',
    header: {
      event_id: o.eventId ?? `ev_${next()}`,
      event_type: 'im.message.receive_v1',
      create_time: String(Date.now()),
      token: o.token ?? 'vtoken',
      app_id: 'cli_test',
      tenant_key: 'tk',
    },
    event: {
      sender: { sender_id: { open_id: o.sender ?? 'ou_user_1' }, sender_type: o.senderType ?? 'user', tenant_key: 'tk' },
      message: {
        message_id: o.messageId ?? `om_${next()}`,
        chat_id: o.chatId ?? 'oc_group_1',
        chat_type: o.chatType ?? 'group',
        message_type: o.msgType ?? 'text',
        content: JSON.stringify(o.content ?? { text: o.text ?? '' }),
        create_time: String(Date.now()),
        mentions: (o.mentions ?? []).map((m) => ({ key: m.key, id: { open_id: m.openId }, name: m.name, tenant_key: 'tk' })),
      },
    },
  };
}

/** A group message that @-mentions the bot first. */
export function atBot(text: string, botOpenId: string, o: MessageOpts = {}): Record<string, unknown> {
  return messageEvent({ ...o, text: `@_user_1 ${text}`, mentions: [{ key: '@_user_1', openId: botOpenId, name: '岗责通' }, ...(o.mentions ?? [])] });
}

export function cardEvent(value: Record<string, string>, o: { chatId?: string; messageId?: string; operator?: string; token?: string } = {}) {
  return {
    schema: '2.0',
    header: { event_id: `ev_${next()}`, event_type: 'card.action.trigger', token: o.token ?? 'vtoken', app_id: 'cli_test', tenant_key: 'tk', create_time: String(Date.now() * 1000) },
    event: {
      operator: { open_id: o.operator ?? 'ou_user_1', tenant_key: 'tk' },
      token: 'c-token',
      action: { value, tag: 'button' },
      host: 'im_message',
      context: { open_message_id: o.messageId ?? 'om_card_1', open_chat_id: o.chatId ?? 'oc_group_1' },
    },
  };
}

/** The HTTP request Feishu would make: encrypted with the key and signed over the exact bytes. */
export function deliver(body: unknown, secrets: { encryptKey?: string | null }, o: { pretty?: boolean; now?: number } = {}): { body: string; headers: Record<string, string> } {
  const plain = JSON.stringify(body);
  const wire = secrets.encryptKey ? JSON.stringify({ encrypt: encryptEvent(secrets.encryptKey, plain) }, null, o.pretty ? 2 : 0) : JSON.stringify(body, null, o.pretty ? 2 : 0);
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
  if (secrets.encryptKey) {
    const ts = String(Math.floor((o.now ?? Date.now()) / 1000));
    const nonce = randomBytes(8).toString('hex');
    headers['x-lark-request-timestamp'] = ts;
    headers['x-lark-request-nonce'] = nonce;
    headers['x-lark-signature'] = signEvent(ts, nonce, secrets.encryptKey, wire);
  }
  return { body: wire, headers };
}

/** The event with its header.create_time moved to `now`, in the unit it had (ms, or µs for card callbacks). */
export function createdAt<T>(body: T, now: number): T {
  const b = body as { header?: { create_time?: unknown } };
  if (!b || typeof b !== 'object' || !b.header || typeof b.header.create_time !== 'string') return body;
  const micro = b.header.create_time.length >= 15;
  return { ...b, header: { ...b.header, create_time: String(micro ? now * 1000 : now) } } as T;
}
