import type { Reminder, ReminderChange, ReminderStatus, ReminderStore, Subscription } from './reminders/store.js';
import type { Binding, RosterStore } from './roster/store.js';
import type { ChatUnitBinding, ChatUnitStore } from './units/store.js';
import { abandoned, type LeaseOwner, newOwner, ownerLabel, parseOwner } from './leaseOwner.js';
import { type SqlDb, type SqlStatement, statements } from './sqlDb.js';
import type { Inbox, InboxEvent, OutboxRow, OutboxStore } from './state.js';

/** Schema steps, applied in order once each; never edit a shipped step, add a new one. */
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
  `alter table inbox add column lease_owner text;
   create table effects (key text primary key, result text, at integer not null);
   alter table reminders add column source_key text;
   create unique index reminders_source on reminders (source_key);
   alter table outbox add column asked_at integer;`,
  `create table chat_units (chat_id text primary key, unit text not null, source text not null, set_by text, updated_at integer not null);
   alter table roster add column unit text;`,
];

const uuid = () => globalThis.crypto.randomUUID();

const toOutboxRow = (r: Record<string, unknown>): OutboxRow => ({
  id: r.id as number,
  uuid: r.uuid as string,
  chatId: r.chat_id as string,
  replyTo: r.reply_to as string | null,
  msgType: r.msg_type as OutboxRow['msgType'],
  content: r.content as string,
  dedupeKey: r.dedupe_key as string | null,
  purpose: r.purpose as string,
  status: r.status as OutboxRow['status'],
  attempts: r.attempts as number,
  createdAt: r.created_at as number,
  messageId: r.message_id as string | null,
  lastError: r.last_error as string | null,
  askedAt: (r.asked_at as number | null) ?? null,
});

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

/** The bot's durable state over any SqlDb: SQLite on Node (`DATA_DIR/state.db`), D1 on Workers. */
export class SqlState {
  readonly inbox: Inbox;
  readonly outbox: OutboxStore;
  readonly reminders: ReminderStore;
  readonly roster: RosterStore;
  readonly chatUnits: ChatUnitStore;

  /** Who this handle's leases belong to (`host/pid/boot`). */
  readonly owner: string;

  private constructor(
    readonly db: SqlDb,
    readonly leaseOwner: LeaseOwner,
  ) {
    this.owner = ownerLabel(leaseOwner);
    this.inbox = inbox(db, this.owner);
    this.outbox = outbox(db);
    this.reminders = reminders(db);
    this.roster = roster(db);
    this.chatUnits = chatUnits(db);
  }

  /**
   * Frees the leases of events and messages held by a process of this host that is gone (crashed,
   * killed): they are handled again at once instead of after the lease runs out. Returns how many.
   */
  async takeOverAbandoned(now: number, alive: (pid: number) => boolean): Promise<{ events: number; messages: number }> {
    const holders = await this.db.all<{ owner: string }>(
      `select distinct lease_owner as owner from inbox where status = 'received' and lease_until > ? and lease_owner is not null
       union select distinct lease_owner from outbox where status = 'pending' and lease_until > ? and lease_owner is not null`,
      now,
      now,
    );
    const gone = holders.map((h) => h.owner).filter((o) => o !== this.owner && abandoned(parseOwner(o), this.leaseOwner, alive));
    let events = 0;
    let messages = 0;
    for (const o of gone) {
      events += (await this.db.run(`update inbox set lease_until = null, lease_owner = null where lease_owner = ? and status = 'received'`, o)).changes;
      messages += (await this.db.run(`update outbox set lease_until = null, lease_owner = null where lease_owner = ? and status = 'pending'`, o)).changes;
    }
    return { events, messages };
  }

  /** Gives up this handle's leases (at shutdown), so another process may take the work at once. */
  async releaseLeases(): Promise<void> {
    await this.db.batch([
      { sql: `update inbox set lease_until = null, lease_owner = null where lease_owner = ? and status = 'received'`, params: [this.owner] },
      { sql: `update outbox set lease_until = null, lease_owner = null where lease_owner = ? and status = 'pending'`, params: [this.owner] },
    ]);
  }

  /** The result recorded for an effect key, if that effect has happened. */
  async effect<T>(key: string): Promise<T | undefined> {
    return recorded<T>(this.db, key);
  }

  static async open(db: SqlDb, owner: LeaseOwner = newOwner()): Promise<SqlState> {
    await db.run('create table if not exists schema_migrations (version integer primary key, applied_at integer not null)');
    const done = new Set((await db.all<{ version: number }>('select version from schema_migrations')).map((r) => r.version));
    for (let v = 1; v <= MIGRATIONS.length; v++) {
      if (done.has(v)) continue;
      await db.batch([
        ...statements(MIGRATIONS[v - 1]!).map((sql) => ({ sql })),
        { sql: 'insert into schema_migrations (version, applied_at) values (?, ?)', params: [v, Date.now()] },
      ]);
    }
    return new SqlState(db, owner);
  }

  close(): Promise<void> {
    return this.db.close();
  }
}

async function recorded<T>(db: SqlDb, key: string): Promise<T | undefined> {
  const r = await db.get<{ result: string | null }>('select result from effects where key = ?', key);
  return r ? (JSON.parse(r.result ?? 'null') as T) : undefined;
}

/**
 * A side effect keyed to what caused it (an event, a message, a card click): the statements run in one
 * transaction with the record of the key, and when the key was recorded before nothing runs and the
 * recorded result comes back. A re-run after a crash, a lease take-over or a re-delivery is a no-op.
 */
export async function once<T>(db: SqlDb, key: string | null | undefined, at: number, plan: () => Promise<{ statements: SqlStatement[]; result: T }>): Promise<T> {
  if (key) {
    const before = await recorded<T>(db, key);
    if (before !== undefined) return before;
  }
  const { statements: work, result } = await plan();
  if (!key) {
    if (work.length > 0) await db.batch(work);
    return result;
  }
  try {
    await db.batch([{ sql: 'insert into effects (key, result, at) values (?, ?, ?)', params: [key, JSON.stringify(result), at] }, ...work]);
  } catch (e) {
    // Another run of the same event got there first: its result stands.
    const other = await recorded<T>(db, key);
    if (other === undefined) throw e;
    return other;
  }
  return result;
}

function inbox(db: SqlDb, owner: string): Inbox {
  return {
    async claim(e, takeUntil) {
      const r = await db.run(
        'insert or ignore into inbox (event_id, message_id, type, payload, received_at, attempts, lease_until, lease_owner) values (?, ?, ?, ?, ?, ?, ?, ?)',
        e.eventId,
        e.messageId,
        e.type,
        JSON.stringify(e.payload),
        e.receivedAt,
        takeUntil === undefined ? 0 : 1,
        takeUntil ?? null,
        takeUntil === undefined ? null : owner,
      );
      return r.changes === 1;
    },
    async pending(limit, receivedBefore, now) {
      const rows = await db.all(
        `select * from inbox where status = 'received' and received_at < ? and (lease_until is null or lease_until <= ?)
         order by received_at limit ?`,
        receivedBefore,
        now,
        limit,
      );
      return rows.map(
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
      const r = await db.run(
        `update inbox set attempts = attempts + 1, lease_until = ?, lease_owner = ?
         where event_id = ? and status = 'received' and (lease_until is null or lease_until <= ?)`,
        now + leaseMs,
        owner,
        eventId,
        now,
      );
      return r.changes === 1;
    },
    async finish(eventId, status, note) {
      await db.run('update inbox set status = ?, note = ?, lease_until = null, lease_owner = null where event_id = ?', status, note ?? null, eventId);
    },
    async backlog() {
      const r = await db.get<{ n: number; at: number | null; failed: number }>(
        `select sum(status = 'received') as n, min(case when status = 'received' then received_at end) as at, sum(status = 'failed') as failed from inbox`,
      );
      return { pending: r?.n ?? 0, oldestAt: r?.at ?? null, failed: r?.failed ?? 0 };
    },
    async prune(before) {
      // Effect keys live as long as the events that could re-run them.
      await db.run('delete from effects where at < ?', before);
      return (await db.run(`delete from inbox where received_at < ? and status != 'received'`, before)).changes;
    },
  };
}

function outbox(db: SqlDb): OutboxStore {
  const leaseAll = `update outbox set lease_owner = ?, lease_until = ?
    where id in (select id from outbox where status = 'pending' and next_at <= ? and (lease_until is null or lease_until <= ?) order by id limit ?)
    returning *`;
  const leaseOne = `update outbox set lease_owner = ?, lease_until = ?
    where id = ? and status = 'pending' and next_at <= ? and (lease_until is null or lease_until <= ?)
    returning *`;
  return {
    async add(messages, at, key) {
      const insert = messages.map((m) => ({
          sql: `insert or ignore into outbox (uuid, chat_id, reply_to, msg_type, content, dedupe_key, purpose, next_at, created_at, asked_at)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          params: [uuid(), m.chatId, m.replyTo, m.msgType, m.content, m.dedupeKey ?? null, m.purpose, at, at, m.askedAt ?? null],
      }));
      if (key) {
        // The whole set once per key: a second run, even with more pages, queues nothing.
        if ((await recorded(db, key)) !== undefined) return messages.map(() => null);
        try {
          const results = await db.batch([{ sql: 'insert into effects (key, result, at) values (?, ?, ?)', params: [key, 'true', at] }, ...insert]);
          return results.slice(1).map((r) => (r.changes === 1 ? r.lastRowId : null));
        } catch (e) {
          if ((await recorded(db, key)) !== undefined) return messages.map(() => null);
          throw e;
        }
      }
      // One row needs no transaction around it.
      const results = insert.length === 1 ? [await db.run(insert[0]!.sql, ...insert[0]!.params)] : await db.batch(insert);
      return results.map((r) => (r.changes === 1 ? r.lastRowId : null));
    },
    async addLeased(messages, at, owner, until) {
      const out: (OutboxRow | null)[] = [];
      for (const m of messages) {
        const r = await db.run(
          `insert or ignore into outbox (uuid, chat_id, reply_to, msg_type, content, dedupe_key, purpose, next_at, created_at, lease_owner, lease_until, asked_at)
           values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning *`,
          uuid(),
          m.chatId,
          m.replyTo,
          m.msgType,
          m.content,
          m.dedupeKey ?? null,
          m.purpose,
          at,
          at,
          owner,
          until,
          m.askedAt ?? null,
        );
        out.push(r.rows[0] ? toOutboxRow(r.rows[0]) : null);
      }
      return out;
    },
    async lease(now, owner, leaseMs, limit, ids) {
      const until = now + leaseMs;
      const some = ids?.slice(0, limit);
      const rows = !some
        ? (await db.run(leaseAll, owner, until, now, now, limit)).rows
        : some.length === 1
          ? (await db.run(leaseOne, owner, until, some[0]!, now, now)).rows
          : (await db.batch(some.map((id) => ({ sql: leaseOne, params: [owner, until, id, now, now] })))).flatMap((r) => r.rows);
      return rows.map(toOutboxRow).sort((a, b) => a.id - b.id);
    },
    async sent(id, messageId, at, attempts) {
      await db.run(`update outbox set status = 'sent', message_id = ?, sent_at = ?, attempts = ?, lease_until = null where id = ?`, messageId, at, attempts, id);
    },
    async retryLater(id, nextAt, error, attempts) {
      await db.run('update outbox set attempts = ?, next_at = ?, last_error = ?, lease_until = null where id = ?', attempts, nextAt, error, id);
    },
    async failed(id, error, attempts) {
      await db.run(`update outbox set status = 'failed', attempts = ?, last_error = ?, lease_until = null where id = ?`, attempts, error, id);
    },
    async get(id) {
      const r = await db.get('select * from outbox where id = ?', id);
      return r ? toOutboxRow(r) : null;
    },
    async counts() {
      const out = { pending: 0, sent: 0, failed: 0 };
      for (const r of await db.all<{ status: keyof typeof out; n: number }>('select status, count(*) as n from outbox group by status')) out[r.status] = r.n;
      return out;
    },
    async oldestPendingAt() {
      const r = await db.get<{ at: number | null }>(`select min(created_at) as at from outbox where status = 'pending'`);
      return r?.at ?? null;
    },
  };
}

function reminders(db: SqlDb): ReminderStore {
  const fetch = async (id: number) => {
    const r = await db.get('select * from reminders where id = ?', id);
    return r ? toReminder(r) : null;
  };
  const history = (id: number, at: number, actor: string | null, action: ReminderChange['action'], detail: string) => ({
    sql: 'insert into reminder_history (reminder_id, at, actor, action, detail) values (?, ?, ?, ?, ?)',
    params: [id, at, actor, action, detail],
  });
  const fmt = (d: string, t: string | null) => `${d}${t ? ` ${t}` : ''}`;
  return {
    async create(r, at, key) {
      if (key) {
        const had = await db.get('select * from reminders where source_key = ?', key);
        if (had) return toReminder(had);
      }
      // The reminder and its first history line in one transaction: a crash leaves both or neither.
      const [res] = await db.batch([
        {
          sql: `insert or ignore into reminders (chat_id, creator, assignee_name, assignee_open_id, title, due_date, due_time, record_id, origin, calendar_key, created_at, updated_at, source_key)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning *`,
          params: [r.chatId, r.creator, r.assigneeName, r.assigneeOpenId, r.title, r.dueDate, r.dueTime, r.recordId, r.origin, r.calendarKey, at, at, key ?? null],
        },
        {
          // When the insert was ignored, last_insert_rowid() is an older reminder, which has its line already.
          sql: `insert into reminder_history (reminder_id, at, actor, action, detail)
                select id, ?, ?, 'created', ? from reminders
                where id = last_insert_rowid() and not exists (select 1 from reminder_history h where h.reminder_id = reminders.id)`,
          params: [at, r.creator, fmt(r.dueDate, r.dueTime)],
        },
      ]);
      const row = res!.rows[0];
      if (!row) {
        // A concurrent run of the same event created it.
        const had = key ? await db.get('select * from reminders where source_key = ?', key) : undefined;
        return had ? toReminder(had) : null;
      }
      return toReminder(row);
    },
    get: fetch,
    async open(f) {
      const where = [`status = 'open'`];
      const params: (string | number)[] = [];
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
      const rows = await db.all(`select * from reminders where ${where.join(' and ')} order by due_date, coalesce(due_time, '99:99'), id`, ...params);
      return rows.map(toReminder);
    },
    async setStatus(id, status, at, actor, key) {
      const before = await fetch(id);
      if (!before) return null;
      if (before.status === status) return before;
      await once(db, key, at, async () => ({
        statements: [
          { sql: 'update reminders set status = ?, updated_at = ? where id = ?', params: [status, at, id] },
          history(id, at, actor, status === 'open' ? 'reopened' : status, `${before.status} → ${status}`),
        ],
        result: id,
      }));
      return fetch(id);
    },
    async reschedule(id, date, time, at, actor, key) {
      const before = await fetch(id);
      if (!before) return null;
      await once(db, key, at, async () => ({
        statements: [
          { sql: `update reminders set due_date = ?, due_time = ?, status = 'open', updated_at = ? where id = ?`, params: [date, time, at, id] },
          history(id, at, actor, 'rescheduled', `${fmt(before.dueDate, before.dueTime)} → ${fmt(date, time)}`),
        ],
        result: id,
      }));
      return fetch(id);
    },
    async history(id) {
      return db.all<ReminderChange>('select at, actor, action, detail from reminder_history where reminder_id = ? order by id', id);
    },
    async subscribe(chatId, topic, at, key) {
      if (!key) return (await db.run('insert or ignore into subscriptions (chat_id, topic, since) values (?, ?, ?)', chatId, topic, at)).changes === 1;
      return once(db, key, at, async () => ({
        statements: [{ sql: 'insert or ignore into subscriptions (chat_id, topic, since) values (?, ?, ?)', params: [chatId, topic, at] }],
        result: (await db.get('select 1 as x from subscriptions where chat_id = ? and topic = ?', chatId, topic)) === undefined,
      }));
    },
    async unsubscribe(chatId, key, at = 0) {
      if (!key) return (await db.run('delete from subscriptions where chat_id = ?', chatId)).changes > 0;
      return once(db, key, at, async () => ({
        statements: [{ sql: 'delete from subscriptions where chat_id = ?', params: [chatId] }],
        result: (await db.get('select 1 as x from subscriptions where chat_id = ?', chatId)) !== undefined,
      }));
    },
    async subscriptions(chatId) {
      const rows = chatId
        ? await db.all<{ chat_id: string; topic: string; since: number }>('select chat_id, topic, since from subscriptions where chat_id = ? order by since', chatId)
        : await db.all<{ chat_id: string; topic: string; since: number }>('select chat_id, topic, since from subscriptions order by chat_id, since');
      return rows.map((r): Subscription => ({ chatId: r.chat_id, topic: r.topic, since: r.since }));
    },
    async digestDone(date) {
      return (await db.get('select 1 as x from digest_runs where date = ?', date)) !== undefined;
    },
    async markDigestDone(date, at) {
      await db.run('insert or ignore into digest_runs (date, done_at) values (?, ?)', date, at);
    },
  };
}

function roster(db: SqlDb): RosterStore {
  return {
    async all() {
      const rows = await db.all('select * from roster order by name');
      return rows.map(
        (r): Binding => ({
          name: r.name as string,
          openId: r.open_id as string | null,
          email: r.email as string | null,
          mobile: r.mobile as string | null,
          source: r.source as Binding['source'],
          updatedAt: r.updated_at as number,
          unit: (r.unit as string | null) ?? null,
        }),
      );
    },
    async put(b, key) {
      const fresh = { fresh: true };
      const r = await once(db, key, b.updatedAt, async () => ({
        statements: [
          {
            sql: `insert into roster (name, open_id, email, mobile, source, updated_at, unit) values (?, ?, ?, ?, ?, ?, ?)
                  on conflict (name) do update set open_id = excluded.open_id, email = excluded.email, mobile = excluded.mobile,
                    source = excluded.source, updated_at = excluded.updated_at, unit = excluded.unit`,
            params: [b.name, b.openId, b.email, b.mobile, b.source, b.updatedAt, b.unit ?? null],
          },
        ],
        result: fresh,
      }));
      return r === fresh;
    },
    async remove(name, key, at = 0) {
      return once(db, key, at, async () => ({
        statements: [{ sql: 'delete from roster where name = ?', params: [name] }],
        result: (await db.get('select 1 as x from roster where name = ?', name)) !== undefined,
      }));
    },
    async welcome(openId, at) {
      return (await db.run('insert or ignore into welcomed (open_id, at) values (?, ?)', openId, at)).changes === 1;
    },
  };
}

function chatUnits(db: SqlDb): ChatUnitStore {
  return {
    async all() {
      const rows = await db.all('select * from chat_units order by chat_id');
      return rows.map(
        (r): ChatUnitBinding => ({
          chatId: r.chat_id as string,
          unit: r.unit as string,
          source: r.source as ChatUnitBinding['source'],
          setBy: r.set_by as string | null,
          updatedAt: r.updated_at as number,
        }),
      );
    },
    async put(b, key) {
      const fresh = { fresh: true };
      const r = await once(db, key, b.updatedAt, async () => ({
        statements: [
          {
            sql: `insert into chat_units (chat_id, unit, source, set_by, updated_at) values (?, ?, ?, ?, ?)
                  on conflict (chat_id) do update set unit = excluded.unit, source = excluded.source, set_by = excluded.set_by, updated_at = excluded.updated_at`,
            params: [b.chatId, b.unit, b.source, b.setBy, b.updatedAt],
          },
        ],
        result: fresh,
      }));
      return r === fresh;
    },
    async remove(chatId, key, at = 0) {
      return once(db, key, at, async () => ({
        statements: [{ sql: 'delete from chat_units where chat_id = ?', params: [chatId] }],
        result: (await db.get('select 1 as x from chat_units where chat_id = ?', chatId)) !== undefined,
      }));
    },
  };
}
