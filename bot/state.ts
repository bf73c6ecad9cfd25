/**
 * The bot's durable state, behind interfaces so that SQLite (Node) and D1 (Workers) can both hold it.
 * Everything is async because D1 is.
 */

export interface InboxEvent {
  eventId: string;
  messageId: string | null;
  type: string;
  payload: unknown;
  receivedAt: number;
  attempts: number;
}

export type InboxStatus = 'handled' | 'ignored' | 'failed';

/** Every Feishu event once: de-duplicated on event_id and message_id, kept until handled. */
export interface Inbox {
  /**
   * Stores the event; false when its event_id or message_id has been seen before. With `takeUntil` the
   * event is also taken for handling until then (one write instead of claim + begin).
   */
  claim(e: Omit<InboxEvent, 'attempts'>, takeUntil?: number): Promise<boolean>;
  /** Events received before `receivedBefore`, not handled (a crash or an error in between) and not taken at `now`. */
  pending(limit: number, receivedBefore: number, now: number): Promise<InboxEvent[]>;
  /**
   * Takes an event for handling for `leaseMs` and counts the attempt; false when it is handled already or
   * being handled (by this process or another one).
   */
  begin(eventId: string, now: number, leaseMs: number): Promise<boolean>;
  finish(eventId: string, status: InboxStatus, note?: string): Promise<void>;
  /** Events not handled yet (waiting out a Feishu outage, or in hand), when the oldest arrived, and those given up (still kept). */
  backlog(): Promise<{ pending: number; oldestAt: number | null; failed: number }>;
  /** Forgets events older than `before` (Feishu re-sends for about 7 hours). */
  prune(before: number): Promise<number>;
}

export interface OutboxMessage {
  /** The chat the message lands in: the unit of Feishu's 5-per-second limit. */
  chatId: string;
  /** Reply to this message; otherwise a new message to `chatId`. */
  replyTo: string | null;
  msgType: 'interactive' | 'text';
  content: string;
  /** At most one message is ever queued per key (a digest per chat and day, a card click). */
  dedupeKey?: string | null;
  /** What the message is, for logs: "answer", "digest", "welcome" … */
  purpose: string;
  /** When the question it answers arrived; a reply sent much later says so. Defaults to when it was queued. */
  askedAt?: number | null;
}

export interface OutboxRow extends OutboxMessage {
  id: number;
  uuid: string;
  attempts: number;
  status: 'pending' | 'sent' | 'failed';
  createdAt: number;
  messageId: string | null;
  lastError: string | null;
}

/** Messages waiting to be sent: nothing leaves the bot except through here. */
export interface OutboxStore {
  /**
   * Queues messages; returns the new row ids, null where the dedupe key already existed. With `key`, the
   * set is queued at most once per key, whatever it holds the second time (a digest's pages).
   */
  add(messages: OutboxMessage[], at: number, key?: string): Promise<(number | null)[]>;
  /** Queues messages already leased to `owner` until `until`, for sending at once; null where the key existed. */
  addLeased(messages: OutboxMessage[], at: number, owner: string, until: number): Promise<(OutboxRow | null)[]>;
  /** Takes due rows for `leaseMs`, so that two processes never send the same row at once. */
  lease(now: number, owner: string, leaseMs: number, limit: number, ids?: number[]): Promise<OutboxRow[]>;
  /** `attempts` is the number of sends tried for this row so far, this one included. */
  sent(id: number, messageId: string, at: number, attempts: number): Promise<void>;
  retryLater(id: number, nextAt: number, error: string, attempts: number): Promise<void>;
  failed(id: number, error: string, attempts: number): Promise<void>;
  get(id: number): Promise<OutboxRow | null>;
  counts(): Promise<Record<'pending' | 'sent' | 'failed', number>>;
  /** When the oldest message still waiting was queued; null when none waits. */
  oldestPendingAt(): Promise<number | null>;
}
