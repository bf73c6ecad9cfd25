import type { Answer } from '../../retrieval/answer.js';
import type { Answerer } from '../../retrieval/askService.js';
import type { DutyEngine } from '../../retrieval/engine.js';
import type { Card, MentionLookup } from '../cards.js';
import type { Mention } from '../feishu/message.js';
import type { ReminderService } from '../reminders/service.js';
import type { Organisation } from '../../retrieval/organisation.js';
import type { FeishuApi } from '../feishu/api.js';
import type { Roster } from '../roster/roster.js';
import type { ManualAdmin } from '../manuals/admin.js';
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
  /** Manual versions (upload, 启用, 回滚); null where this deployment cannot store them. */
  manuals?: ManualAdmin | null;
  /** LLM_MODE=compose: writes a short answer from an answer's rows (guarded); absent otherwise. */
  writer?: AnswerWriter;
  /** Group chats bound to units (本群单位, DATA_DIR/chat-units.json). */
  chatUnits: ChatUnits;
  /**
   * The asker's units: the chat's binding, else the units of the names the sender is bound to (the
   * roster's unit, or the units whose rows name them). Empty: no default unit.
   */
  unitsFor(chatId: string, openId: string | null): string[];
}

/** Phrases an answer from its own rows; null text when the model's words were not used. */
export interface AnswerWriter {
  /** `startedAt`: when the asker began waiting, where the reply waits for the text (the time limit is shared). */
  compose(answer: Answer, show?: (text: string) => Promise<void> | void, o?: { startedAt?: number }): Promise<{ text: string | null }>;
  /** False while the model is being left alone after failures: the plain answer goes out at once. */
  ready?(): boolean;
}

/** The asker's units for this message (see BotServices.unitsFor). */
export function unitsOf(ctx: Pick<ChatContext, 'chat' | 'sender' | 'services'>): string[] {
  return ctx.services.unitsFor(ctx.chat.id, ctx.sender.openId);
}

/** The answerer's context for this message's asker: their units, where they have any. */
export function askedAs(ctx: Pick<ChatContext, 'chat' | 'sender' | 'services'>): { units: string[] } | undefined {
  const units = unitsOf(ctx);
  return units.length > 0 ? { units } : undefined;
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
  /** The file of a file message (its text is empty); absent otherwise. */
  file?: { key: string; name: string } | null;
  /**
   * What caused this run (a message, a card click): side effects are keyed to it, so handling the same
   * event again (a crash, a lease taken over, a re-delivery) changes nothing twice. Null from the console.
   */
  eventKey?: string | null;
  /** Milliseconds since the epoch, from the injected clock. */
  now: number;
  services: BotServices;
  reply(...cards: Card[]): Promise<void>;
  /**
   * Replies with `cards`, the first one's element `elementId` filled in as `write` produces text (Feishu
   * CardKit streaming); `write` resolves the final text, or null to show `fallback`. Absent where the
   * channel cannot stream (the console): the caller then waits for the text and replies once.
   */
  replyStreaming?(cards: Card[], elementId: string, write: (show: (text: string) => Promise<void>) => Promise<string | null>, fallback: string): Promise<void>;
}
