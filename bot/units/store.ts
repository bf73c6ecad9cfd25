/** A group chat bound to one unit of the manuals: its questions are answered from that unit by default. */
export interface ChatUnitBinding {
  chatId: string;
  unit: string;
  /** "chat" (本群单位 command) or "file" (DATA_DIR/chat-units.json). */
  source: 'chat' | 'file';
  /** The admin who set it; null from the file. */
  setBy: string | null;
  updatedAt: number;
}

export interface ChatUnitStore {
  all(): Promise<ChatUnitBinding[]>;
  /** False when `key` (the event that asked for it) was applied before: nothing changed. */
  put(b: ChatUnitBinding, key?: string | null): Promise<boolean>;
  remove(chatId: string, key?: string | null, at?: number): Promise<boolean>;
}
