/** The parts of `im.message.receive_v1` the bot reads (after the SDK flattens header and event). */
export interface ReceiveEvent {
  event_id?: string;
  sender?: { sender_id?: { open_id?: string }; sender_type?: string };
  message?: {
    message_id?: string;
    chat_id?: string;
    chat_type?: string;
    message_type?: string;
    content?: string;
    mentions?: { key?: string; id?: { open_id?: string }; name?: string; mentioned_type?: string }[];
  };
}

export interface Mention {
  key: string;
  openId: string | null;
  name: string;
}

export interface IncomingMessage {
  messageId: string;
  chatId: string;
  chatType: 'p2p' | 'group';
  senderOpenId: string | null;
  senderIsUser: boolean;
  msgType: string;
  /** The text with this bot's mention removed and other mentions as "@名字"; null for types the bot does not read. */
  text: string | null;
  /** People @-mentioned besides the bot, in order. */
  mentions: Mention[];
  mentionsBot: boolean;
  /** A file message's file (`{"file_key","file_name"}`); null for other types. */
  file: { key: string; name: string } | null;
}

type PostNode = { tag?: string; text?: string; href?: string; user_id?: string; user_name?: string; language?: string };

/** Rich text may come wrapped in a locale ({"zh_cn": {...}}). */
function postBody(content: Record<string, unknown>): { title?: string; content?: PostNode[][] } {
  if (Array.isArray(content.content)) return content as { title?: string; content?: PostNode[][] };
  for (const v of Object.values(content)) {
    if (v && typeof v === 'object' && Array.isArray((v as { content?: unknown }).content)) return v as { content: PostNode[][] };
  }
  return {};
}

export function readMessage(e: ReceiveEvent, botOpenId: string | null): IncomingMessage | null {
  const m = e.message;
  if (!m?.message_id || !m.chat_id) return null;
  const mentions: Mention[] = (m.mentions ?? []).map((x) => ({
    key: x.key ?? '',
    openId: x.id?.open_id ?? null,
    name: x.name ?? '',
  }));
  const isBot = (x: { key: string; openId: string | null }) => botOpenId !== null && x.openId === botOpenId;
  const others = mentions.filter((x) => !isBot(x) && x.key !== '@_all');
  let text: string | null = null;
  let content: Record<string, unknown> = {};
  try {
    content = JSON.parse(m.content ?? '{}') as Record<string, unknown>;
  } catch {
    content = {};
  }
  // In rich text an "at" holds either the @_user_N key or an open_id (the docs and the SDK disagree).
  let postAtBot = false;
  if (m.message_type === 'text') {
    text = typeof content.text === 'string' ? content.text : '';
  } else if (m.message_type === 'post') {
    const post = postBody(content);
    const lines = (post.content ?? []).map((line) =>
      line
        .map((n) => {
          if (n.tag === 'text' || n.tag === 'a' || n.tag === 'code_block') return n.text ?? '';
          if (n.tag === 'at') {
            const byKey = mentions.find((x) => x.key === n.user_id);
            if (byKey) return byKey.key;
            if (botOpenId && n.user_id === botOpenId) {
              postAtBot = true;
              return '';
            }
            return n.user_name ? `@${n.user_name}` : '';
          }
          return '';
        })
        .join(''),
    );
    text = [post.title ?? '', ...lines].filter((l) => l.trim()).join('\n');
  }
  if (text !== null) {
    for (const x of mentions) {
      if (!x.key) continue;
      text = text.split(x.key).join(isBot(x) || x.key === '@_all' ? '' : `@${x.name}`);
    }
    text = text.replace(/[ \t\u00a0\u3000]+/g, ' ').trim();
  }
  return {
    messageId: m.message_id,
    chatId: m.chat_id,
    chatType: m.chat_type === 'p2p' ? 'p2p' : 'group',
    senderOpenId: e.sender?.sender_id?.open_id ?? null,
    senderIsUser: (e.sender?.sender_type ?? 'user') === 'user',
    msgType: m.message_type ?? 'unknown',
    text,
    mentions: others,
    mentionsBot: postAtBot || mentions.some(isBot),
    file:
      m.message_type === 'file' && typeof content.file_key === 'string' && content.file_key
        ? { key: content.file_key, name: typeof content.file_name === 'string' ? content.file_name : '' }
        : null,
  };
}
