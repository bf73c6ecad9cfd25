import { welcomeCard } from '../cards.js';
import type { EventHandler } from '../feishu/bot.js';
import type { RosterStore } from '../roster/store.js';

type Id = { open_id?: string };

/** What a welcome in this chat shows: the units its questions are answered from, and examples from them. */
export type WelcomeScope = (chatId: string, openId: string | null) => { units: readonly string[]; examples: readonly string[] };

/** One welcome per join event, and one per user for the first private chat, however often Feishu re-sends. */
export function welcomeHandlers(roster: RosterStore, scope: WelcomeScope = () => ({ units: [], examples: [] })): Record<string, EventHandler> {
  const firstPrivate: EventHandler = async (payload, tools) => {
    const p = payload as { event_id?: string; uuid?: string; chat_id?: string; operator_id?: Id; operator?: Id; user?: Id };
    const openId = p.operator_id?.open_id ?? p.user?.open_id ?? p.operator?.open_id;
    if (!p.chat_id || !openId) return 'ignored';
    if (!(await roster.welcome(openId, tools.now))) return 'ignored';
    await tools.send(p.chat_id, [welcomeCard({ ...scope(p.chat_id, openId) })], `welcome:p2p:${openId}`, 'welcome');
    return 'handled';
  };
  return {
    'im.chat.member.user.added_v1': async (payload, tools) => {
      const p = payload as { event_id?: string; chat_id?: string; users?: { name?: string; user_id?: Id }[] };
      if (!p.chat_id || !p.users?.length) return 'ignored';
      const newcomers = p.users.map((u) => ({ name: u.name ?? '', openId: u.user_id?.open_id ?? null }));
      await tools.send(p.chat_id, [welcomeCard({ newcomers, groupJoin: true, ...scope(p.chat_id, null) })], `welcome:join:${p.event_id}`, 'welcome');
      return 'handled';
    },
    'im.chat.member.bot.added_v1': async (payload, tools) => {
      const p = payload as { event_id?: string; chat_id?: string };
      if (!p.chat_id) return 'ignored';
      await tools.send(p.chat_id, [welcomeCard({ groupJoin: true, ...scope(p.chat_id, null) })], `welcome:bot:${p.chat_id}:${p.event_id}`, 'welcome');
      return 'handled';
    },
    'im.chat.access_event.bot_p2p_chat_entered_v1': firstPrivate,
    p2p_chat_create: firstPrivate,
  };
}
