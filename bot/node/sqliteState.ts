import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Binding, RosterStore } from '../roster/store.js';
import type { NewReminder, Reminder, ReminderChange, ReminderStatus, ReminderStore, Subscription } from '../reminders/store.js';
import type { Inbox, InboxEvent, InboxStatus, OutboxMessage, OutboxRow, OutboxStore } from '../state.js';

/** Schema steps, applied in order once each (tracked by `pragma user_version`). */
const MIGRATIONS: string[] = [
  `create table inbox (
     event_id text primary key,
     message_id text unique,
     type text not null,
     payload text not null,
     received_at integer not null,
     attempts integer not null default 0,
     status text not null default 'received',
     note text
   );
   create index inbox_status on inbox (status, received_at);
   create table outbox (
     id integer primary key,
     uuid text not null unique,
     chat_id text not null,
     reply_to text,
     msg_type text not null,
     content text not null,
     dedupe_key text unique,
     purpose text not null,
     status text not null default 'pending',
     attempts integer not null default 0,
     next_at integer not null,
     lease_owner text,
     lease_until integer,
     created_at integer not null,
     sent_at integer,
     message_id text,
     last_error text
   );
   create index outbox_due on outbox (status, next_at);`,
  `create table reminders (
     id integer primary key,
     chat_id text not null,
     creator text,
     assignee_name text,
     assignee_open_id text,
     title text not null,
     due_date text not null,
     due_time text,
     record_id text,
     origin text not null,
     calendar_key text,
     status text not null default 'open',
     created_at integer not null,
     updated_at integer not null,
     unique (chat_id, calendar_key)
   );
   create index reminders_open on reminders (status, chat_id, due_date);
   create table reminder_history (
     id integer primary key,
     reminder_id integer not null references reminders (id),
     at integer not null,
     actor text,
     action text not null,
     detail text
   );
   create table subscriptions (chat_id text not null, topic text not null, since integer not null, primary key (chat_id, topic));
   create table digest_runs (date text primary key, done_at integer not null);`,
  `create table roster (name text primary key, open_id text, email text, mobile text, source text not null, updated_at integer not null);
   create index roster_open_id on roster (open_id);
   create table welcomed (open_id text primary key, at integer not null);`,
  `alter table inbox add column lease_until integer;`,
];

interface OutboxDbRow {
  id: number;
  uuid: string;
  chat_id: string;
  reply_to: string | null;
  msg_type: 'interactive' | 'text';
  content: string;
  dedupe_key: string | null;
  purpose: string;
  status: OutboxRow['status'];
  attempts: number;
  created_at: number;
  message_id: string | null;
  last_error: string | null;
}

const toOutboxRow = (r: OutboxDbRow): OutboxRow => ({
  id: r.id,
  uuid: r.uuid,
  chatId: r.chat_id,
  replyTo: r.reply_to,
  msgType: r.msg_type,
  content: r.content,
  dedupeKey: r.dedupe_key,
  purpose: r.purpose,
  status: r.status,
  attempts: r.attempts,
  createdAt: r.created_at,
  messageId: r.message_id,
  lastError: r.last_error,
});

/** The bot's state in one SQLite file (`DATA_DIR/state.db`), separate from the rebuildable index. */
export class SqliteState {
  readonly db: Database.Database;
  readonly inbox: Inbox;
  readonly outbox: OutboxStore;
  readonly reminders: ReminderStore;
  readonly roster: RosterStore;

  constructor(path: string, extraMigrations: string[] = []) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    // WAL + NORMAL: a crash of the process loses nothing; only a power cut may lose the last commits.
    this.db.pragma('synchronous = NORMAL');
    this.migrate([...MIGRATIONS, ...extraMigrations]);
    this.inbox = this.makeInbox();
    this.outbox = this.makeOutbox();
    this.reminders = this.makeReminders();
    this.roster = this.makeRoster();
  }

  private migrate(steps: string[]): void {
    const version = this.db.pragma('user_version', { simple: true }) as number;
    for (let v = version; v < steps.length; v++) {
      this.db.transaction(() => {
        this.db.exec(steps[v]!);
        this.db.pragma(`user_version = ${v + 1}`);
      })();
    }
  }

  close(): void {
    this.db.close();
  }

  private makeInbox(): Inbox {
    const db = this.db;
    const claim = db.prepare(
      `insert or ignore into inbox (event_id, message_id, type, payload, received_at) values (?, ?, ?, ?, ?)`,
    );
    const pending = db.prepare(
      `select * from inbox where status = 'received' and received_at < ? and (lease_until is null or lease_until <= ?)
       order by received_at limit ?`,
    );
    const begin = db.prepare(
      `update inbox set attempts = attempts + 1, lease_until = ?
       where event_id = ? and status = 'received' and (lease_until is null or lease_until <= ?)`,
    );
    const finish = db.prepare(`update inbox set status = ?, note = ?, lease_until = null where event_id = ?`);
    const prune = db.prepare(`delete from inbox where received_at < ? and status != 'received'`);
    return {
      async claim(e) {
        return claim.run(e.eventId, e.messageId, e.type, JSON.stringify(e.payload), e.receivedAt).changes === 1;
      },
      async pending(limit, receivedBefore, now) {
        return (pending.all(receivedBefore, now, limit) as Record<string, unknown>[]).map(
          (r): InboxEvent => ({
            eventId: r.event_id as string,
            messageId: r.message_id as string | null,
            type: r.type as string,
            payload: JSON.parse(r.payload as string),
            receivedAt: r.received_at as number,
            attempts: r.attempts as number,
          }),
        );
      },
      async begin(eventId, now, leaseMs) {
        return begin.run(now + leaseMs, eventId, now).changes === 1;
      },
      async finish(eventId: string, status: InboxStatus, note?: string) {
        finish.run(status, note ?? null, eventId);
      },
      async prune(before) {
        return prune.run(before).changes;
      },
    };
  }

  private makeOutbox(): OutboxStore {
    const db = this.db;
    const insert = db.prepare(
      `insert or ignore into outbox (uuid, chat_id, reply_to, msg_type, content, dedupe_key, purpose, next_at, created_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const add = db.transaction((messages: OutboxMessage[], at: number) =>
      messages.map((m) => {
        const r = insert.run(randomUUID(), m.chatId, m.replyTo, m.msgType, m.content, m.dedupeKey ?? null, m.purpose, at, at);
        return r.changes === 1 ? Number(r.lastInsertRowid) : null;
      }),
    );
    const leaseSql = (filter: string) =>
      `update outbox set lease_owner = @owner, lease_until = @until
       where id in (select id from outbox where status = 'pending' and next_at <= @now
                    and (lease_until is null or lease_until <= @now) ${filter} order by id limit @limit)
       returning *`;
    const lease = db.prepare(leaseSql(''));
    const leaseOne = db.prepare(
      `update outbox set lease_owner = @owner, lease_until = @until
       where id = @id and status = 'pending' and next_at <= @now and (lease_until is null or lease_until <= @now)
       returning *`,
    );
    const leaseMany = db.transaction((ids: number[], p: { owner: string; until: number; now: number }) =>
      ids.map((id) => leaseOne.get({ ...p, id }) as OutboxDbRow | undefined).filter((r): r is OutboxDbRow => r !== undefined),
    );
    const sent = db.prepare(
      `update outbox set status = 'sent', message_id = ?, sent_at = ?, attempts = ?, lease_until = null where id = ?`,
    );
    const retry = db.prepare(
      `update outbox set attempts = ?, next_at = ?, last_error = ?, lease_until = null where id = ?`,
    );
    const failed = db.prepare(
      `update outbox set status = 'failed', attempts = ?, last_error = ?, lease_until = null where id = ?`,
    );
    const get = db.prepare('select * from outbox where id = ?');
    const counts = db.prepare('select status, count(*) as n from outbox group by status');
    return {
      async add(messages, at) {
        return add(messages, at);
      },
      async lease(now, owner, leaseMs, limit, ids) {
        const params = { owner, until: now + leaseMs, now, limit };
        const rows = ids ? leaseMany(ids.slice(0, limit), params) : lease.all(params);
        return (rows as OutboxDbRow[]).map(toOutboxRow).sort((a, b) => a.id - b.id);
      },
      async sent(id, messageId, at, attempts) {
        sent.run(messageId, at, attempts, id);
      },
      async retryLater(id, nextAt, error, attempts) {
        retry.run(attempts, nextAt, error, id);
      },
      async failed(id, error, attempts) {
        failed.run(attempts, error, id);
      },
      async get(id) {
        const r = get.get(id) as OutboxDbRow | undefined;
        return r ? toOutboxRow(r) : null;
      },
      async counts() {
        const out = { pending: 0, sent: 0, failed: 0 };
        for (const r of counts.all() as { status: keyof typeof out; n: number }[]) out[r.status] = r.n;
        return out;
      },
    };
  }

  private makeReminders(): ReminderStore {
    const db = this.db;
    const toReminder = (r: Record<string, unknown>): Reminder => ({
      id: r.id as number,
      chatId: r.chat_id as string,
      creator: r.creator as string | null,
      assigneeName: r.assignee_name as string | null,
      assigneeOpenId: r.assignee_open_id as string | null,
      title: r.title as string,
      dueDate: r.due_date as string,
      dueTime: r.due_time as string | null,
      recordId: r.record_id as string | null,
      origin: r.origin as Reminder['origin'],
      calendarKey: r.calendar_key as string | null,
      status: r.status as ReminderStatus,
      createdAt: r.created_at as number,
      updatedAt: r.updated_at as number,
    });
    const get = db.prepare('select * from reminders where id = ?');
    const insert = db.prepare(
      `insert or ignore into reminders (chat_id, creator, assignee_name, assignee_open_id, title, due_date, due_time, record_id, origin, calendar_key, created_at, updated_at)
       values (@chatId, @creator, @assigneeName, @assigneeOpenId, @title, @dueDate, @dueTime, @recordId, @origin, @calendarKey, @at, @at)`,
    );
    const log = db.prepare('insert into reminder_history (reminder_id, at, actor, action, detail) values (?, ?, ?, ?, ?)');
    const fetch = (id: number) => {
      const r = get.get(id) as Record<string, unknown> | undefined;
      return r ? toReminder(r) : null;
    };
    const create = db.transaction((r: NewReminder, at: number) => {
      const res = insert.run({ ...r, at });
      if (res.changes !== 1) return null;
      const id = Number(res.lastInsertRowid);
      log.run(id, at, r.creator, 'created', `${r.dueDate}${r.dueTime ? ` ${r.dueTime}` : ''}`);
      return fetch(id);
    });
    const setStatus = db.transaction((id: number, status: ReminderStatus, at: number, actor: string | null) => {
      const before = fetch(id);
      if (!before) return null;
      if (before.status === status) return before;
      db.prepare('update reminders set status = ?, updated_at = ? where id = ?').run(status, at, id);
      log.run(id, at, actor, status === 'open' ? 'reopened' : status, `${before.status} → ${status}`);
      return fetch(id);
    });
    const reschedule = db.transaction((id: number, date: string, time: string | null, at: number, actor: string | null) => {
      const before = fetch(id);
      if (!before) return null;
      db.prepare(`update reminders set due_date = ?, due_time = ?, status = 'open', updated_at = ? where id = ?`).run(date, time, at, id);
      const fmt = (d: string, t: string | null) => `${d}${t ? ` ${t}` : ''}`;
      log.run(id, at, actor, 'rescheduled', `${fmt(before.dueDate, before.dueTime)} → ${fmt(date, time)}`);
      return fetch(id);
    });
    return {
      async create(r, at) {
        return create(r, at);
      },
      async get(id) {
        return fetch(id);
      },
      async open(f) {
        const where = [`status = 'open'`];
        const params: unknown[] = [];
        if (f.chatId) {
          where.push('chat_id = ?');
          params.push(f.chatId);
        }
        const who: string[] = [];
        if (f.openId) {
          who.push('assignee_open_id = ? or creator = ?');
          params.push(f.openId, f.openId);
        }
        if (f.names && f.names.length > 0) {
          who.push(`assignee_name in (${f.names.map(() => '?').join(',')})`);
          params.push(...f.names);
        }
        if (who.length > 0) where.push(`(${who.join(' or ')})`);
        if (f.dueBy) {
          where.push('due_date <= ?');
          params.push(f.dueBy);
        }
        const rows = db.prepare(`select * from reminders where ${where.join(' and ')} order by due_date, coalesce(due_time, '99:99'), id`).all(...params);
        return (rows as Record<string, unknown>[]).map(toReminder);
      },
      async setStatus(id, status, at, actor) {
        return setStatus(id, status, at, actor);
      },
      async reschedule(id, date, time, at, actor) {
        return reschedule(id, date, time, at, actor);
      },
      async history(id) {
        return db.prepare('select at, actor, action, detail from reminder_history where reminder_id = ? order by id').all(id) as ReminderChange[];
      },
      async subscribe(chatId, topic, at) {
        return db.prepare('insert or ignore into subscriptions (chat_id, topic, since) values (?, ?, ?)').run(chatId, topic, at).changes === 1;
      },
      async unsubscribe(chatId) {
        return db.prepare('delete from subscriptions where chat_id = ?').run(chatId).changes > 0;
      },
      async subscriptions(chatId) {
        const rows = chatId
          ? db.prepare('select chat_id, topic, since from subscriptions where chat_id = ? order by since').all(chatId)
          : db.prepare('select chat_id, topic, since from subscriptions order by chat_id, since').all();
        return (rows as { chat_id: string; topic: string; since: number }[]).map((r): Subscription => ({ chatId: r.chat_id, topic: r.topic, since: r.since }));
      },
      async digestDone(date) {
        return db.prepare('select 1 from digest_runs where date = ?').get(date) !== undefined;
      },
      async markDigestDone(date, at) {
        db.prepare('insert or ignore into digest_runs (date, done_at) values (?, ?)').run(date, at);
      },
    };
  }

  private makeRoster(): RosterStore {
    const db = this.db;
    return {
      async all() {
        const rows = db.prepare('select * from roster order by name').all() as Record<string, unknown>[];
        return rows.map(
          (r): Binding => ({
            name: r.name as string,
            openId: r.open_id as string | null,
            email: r.email as string | null,
            mobile: r.mobile as string | null,
            source: r.source as Binding['source'],
            updatedAt: r.updated_at as number,
          }),
        );
      },
      async put(b) {
        db.prepare(
          `insert into roster (name, open_id, email, mobile, source, updated_at) values (?, ?, ?, ?, ?, ?)
           on conflict (name) do update set open_id = excluded.open_id, email = excluded.email, mobile = excluded.mobile,
             source = excluded.source, updated_at = excluded.updated_at`,
        ).run(b.name, b.openId, b.email, b.mobile, b.source, b.updatedAt);
      },
      async remove(name) {
        return db.prepare('delete from roster where name = ?').run(name).changes > 0;
      },
      async welcome(openId, at) {
        return db.prepare('insert or ignore into welcomed (open_id, at) values (?, ?)').run(openId, at).changes === 1;
      },
    };
  }
}
