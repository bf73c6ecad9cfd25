/** One name from the manuals bound to a Feishu user. */
export interface Binding {
  name: string;
  openId: string | null;
  email: string | null;
  mobile: string | null;
  /** "file" (DATA_DIR/roster.json) or "chat" (绑定 command). */
  source: 'file' | 'chat';
  updatedAt: number;
  /** The unit the person works in, where the roster says so; otherwise the manuals' rows naming them say it. */
  unit?: string | null;
}

export interface RosterStore {
  all(): Promise<Binding[]>;
  /** False when `key` (the event that asked for it) was applied before: nothing changed. */
  put(b: Binding, key?: string | null): Promise<boolean>;
  remove(name: string, key?: string | null, at?: number): Promise<boolean>;
  /** Records that a user has been welcomed in a private chat; false when they were before. */
  welcome(openId: string, at: number): Promise<boolean>;
}
