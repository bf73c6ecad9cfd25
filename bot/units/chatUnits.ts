import type { Directory } from '../../retrieval/directory.js';
import { placesIn } from '../../retrieval/places.js';
import type { Logger } from '../log.js';
import type { ChatUnitBinding, ChatUnitStore } from './store.js';

/**
 * The units a name given by an admin may mean: the unit of that exact name, else the units its words
 * name (a unit's short name, a region covering several), else the units whose names hold it.
 */
export function resolveUnit(dir: Directory, text: string): string[] {
  const t = text.replace(/[\s“”"'「」]/g, '');
  if (!t) return [];
  if (dir.has(t)) return [t];
  const hits = placesIn(t, dir.places).filter((h) => h.place.kind !== 'department');
  const named = [...new Set(hits.flatMap((h) => (h.place.kind === 'unit' ? [h.place.name] : h.place.covers)))];
  if (named.length > 0) return named;
  return [...t].length >= 2 ? dir.units.filter((u) => u.includes(t)) : [];
}

/** DATA_DIR/chat-units.json: `{"oc_…": "单位名称"}`. */
export function parseChatUnitsFile(json: string): Record<string, string> {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (e) {
    throw new Error(`chat-units.json 不是合法的 JSON：${(e as Error).message}`);
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new Error('chat-units.json 应为 {"群的 chat_id": "单位名称"}');
  const out: Record<string, string> = {};
  for (const [chat, unit] of Object.entries(data as Record<string, unknown>)) {
    if (chat.startsWith('$') || chat === 'about') continue;
    if (typeof unit !== 'string' || !unit.trim()) throw new Error(`chat-units.json：“${chat}”的值应为单位名称`);
    out[chat] = unit.trim();
  }
  return out;
}

/** Group chats bound to units: in memory, written through to the store. */
export class ChatUnits {
  private byChat = new Map<string, ChatUnitBinding>();

  constructor(private readonly store: ChatUnitStore) {}

  async load(): Promise<this> {
    this.byChat = new Map((await this.store.all()).map((b) => [b.chatId, b]));
    return this;
  }

  get(chatId: string): ChatUnitBinding | null {
    return this.byChat.get(chatId) ?? null;
  }

  /** `key`: the event asking for it; a second run of the same event changes nothing. */
  async set(chatId: string, unit: string, by: string | null, at: number, key?: string | null): Promise<void> {
    const b: ChatUnitBinding = { chatId, unit, source: by ? 'chat' : 'file', setBy: by, updatedAt: at };
    if (await this.store.put(b, key)) this.byChat.set(chatId, b);
    else await this.load();
  }

  async clear(chatId: string, at: number, key?: string | null): Promise<boolean> {
    const had = await this.store.remove(chatId, key, at);
    await this.load();
    return had;
  }

  /** Imports the mapping file; bindings an admin made in chat since are kept. Names that match no one unit are reported. */
  async importFile(entries: Record<string, string>, dir: Directory, at: number, log: Logger): Promise<string[]> {
    const problems: string[] = [];
    for (const [chatId, name] of Object.entries(entries)) {
      const units = resolveUnit(dir, name);
      if (units.length !== 1) {
        problems.push(`chat-units.json：“${name}”${units.length === 0 ? '不是手册中的单位' : `对应多个单位：${units.slice(0, 5).join('、')}`}`);
        continue;
      }
      if (this.get(chatId)?.source === 'chat') continue;
      await this.set(chatId, units[0]!, null, at);
    }
    for (const p of problems) log.warn('群单位', { problem: p });
    return problems;
  }
}
