import type { Answerer } from '../../retrieval/askService.js';
import type { DutyEngine } from '../../retrieval/engine.js';
import type { Card, MentionLookup } from '../cards.js';
import type { Mention } from '../feishu/message.js';
import type { ReminderService } from '../reminders/service.js';
import type { Organisation } from '../../retrieval/organisation.js';
import type { FeishuApi } from '../feishu/api.js';
import type { Roster } from '../roster/roster.js';
import type { ChatUnits } from '../units/chatUnits.js';

/** What commands may use; features add their services here. */
export interface BotServices {
  engine: DutyEngine;
  /** Questions go through here: with a remote embedder the question is embedded first. */
  answerer: Answerer;
  /** A bound person's open_id, for @-mentions in cards. */
  mention: MentionLookup;
  reminders: ReminderService;
  /** Names in the manuals bound to a Feishu user (the roster), for "我的提醒" and "我的岗位". */
  namesOf(openId: string): string[];
  roster: Roster;
  org: Organisation;
  /** Null when Feishu is off. */
  feishu: FeishuApi | null;
  /** open_ids allowed to run admin commands. */
  admins: readonly string[];
  /** Group chats bound to units (本群单位, DATA_DIR/chat-units.json). */
  chatUnits: ChatUnits;
  /**
   * The asker's units: the chat's binding, else the units of the names the sender is bound to (the
   * roster's unit, or the units whose rows name them). Empty: no default unit.
   */
  unitsFor(chatId: string, openId: string | null): string[];
}

/** The asker's units for this message (see BotServices.unitsFor). */
export function unitsOf(ctx: Pick<ChatContext, 'chat' | 'sender' | 'services'>): string[] {
  return ctx.services.unitsFor(ctx.chat.id, ctx.sender.openId);
}

/** Posts and people of the asker's units; the whole corpus's where the asker has none. */
export function orgOf(ctx: Pick<ChatContext, 'chat' | 'sender' | 'services'>): Organisation {
  const units = unitsOf(ctx);
  return units.length > 0 ? ctx.services.engine.organisation(units) : ctx.services.org;
}

/** One incoming message as every command sees it, from Feishu or from the web console. */
export interface ChatContext {
  /** The text with the bot's mention removed. */
  text: string;
  match: RegExpMatchArray | null;
  chat: { id: string; type: 'p2p' | 'group' };
  sender: { openId: string | null };
  /** People @-mentioned besides the bot. */
  mentions: Mention[];
  messageId: string | null;
  /**
   * What caused this run (a message, a card click): side effects are keyed to it, so handling the same
   * event again (a crash, a lease taken over, a re-delivery) changes nothing twice. Null from the console.
   */
  eventKey?: string | null;
  /** Milliseconds since the epoch, from the injected clock. */
  now: number;
  services: BotServices;
  reply(...cards: Card[]): Promise<void>;
}
