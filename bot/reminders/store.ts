export type ReminderOrigin = 'chat' | 'manual' | 'calendar';
export type ReminderStatus = 'open' | 'done' | 'cancelled';

export interface Reminder {
  id: number;
  chatId: string;
  /** open_id of who set it; null for calendar deadlines. */
  creator: string | null;
  /** A person from the manuals (name) and/or a Feishu user (open_id). */
  assigneeName: string | null;
  assigneeOpenId: string | null;
  title: string;
  /** Beijing date, YYYY-MM-DD. */
  dueDate: string;
  /** Beijing time, HH:MM, where one was given. */
  dueTime: string | null;
  /** The work item in the manuals (DutyRecord id): post, people and flow come from there. */
  recordId: string | null;
  origin: ReminderOrigin;
  /** For calendar deadlines: "<deadline id>:<due date>", unique per chat. */
  calendarKey: string | null;
  status: ReminderStatus;
  createdAt: number;
  updatedAt: number;
}

export type NewReminder = Omit<Reminder, 'id' | 'status' | 'createdAt' | 'updatedAt'>;

export interface ReminderChange {
  at: number;
  actor: string | null;
  action: 'created' | 'done' | 'cancelled' | 'rescheduled' | 'reopened';
  detail: string | null;
}

/** What a chat's digest covers: '*' is everything set in the chat; 'post:<unit>|<post>' one post's deadlines. */
export interface Subscription {
  chatId: string;
  topic: string;
  since: number;
}

/**
 * Changes take an optional `key`, the event that caused them (message, card click): a change already made
 * under that key is not made again, so a re-run of the same event is a no-op.
 */
export interface ReminderStore {
  /** Null when a calendar deadline with the same key already exists in the chat; the earlier reminder when `key` made one. */
  create(r: NewReminder, at: number, key?: string | null): Promise<Reminder | null>;
  get(id: number): Promise<Reminder | null>;
  /** Open reminders, earliest first. */
  open(filter: { chatId?: string; openId?: string; names?: string[]; dueBy?: string }): Promise<Reminder[]>;
  setStatus(id: number, status: ReminderStatus, at: number, actor: string | null, key?: string | null): Promise<Reminder | null>;
  reschedule(id: number, date: string, time: string | null, at: number, actor: string | null, key?: string | null): Promise<Reminder | null>;
  history(id: number): Promise<ReminderChange[]>;

  subscribe(chatId: string, topic: string, at: number, key?: string | null): Promise<boolean>;
  /** Removes every subscription of the chat; false when there was none. */
  unsubscribe(chatId: string, key?: string | null, at?: number): Promise<boolean>;
  subscriptions(chatId?: string): Promise<Subscription[]>;

  /** Whether the digests of `date` have all been queued. */
  digestDone(date: string): Promise<boolean>;
  markDigestDone(date: string, at: number): Promise<void>;
}
