import type { FeishuApi } from '../feishu/api.js';
import type { Logger } from '../log.js';
import type { Binding, RosterStore } from './store.js';

/** What DATA_DIR/roster.json may say about a name: an open_id, or an email or mobile to resolve. */
export type RosterFileEntry = string | { open_id?: string; email?: string; mobile?: string; unit?: string };

export class RosterFileError extends Error {}

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const MOBILE = /^\+?\d{6,15}$/;

export function parseRosterFile(json: string): Record<string, { openId: string | null; email: string | null; mobile: string | null; unit?: string | null }> {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (e) {
    throw new RosterFileError(`roster.json 不是合法的 JSON：${(e as Error).message}`);
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new RosterFileError('roster.json 应为 {"姓名": "ou_…" 或 {"email": "…"}}');
  const out: ReturnType<typeof parseRosterFile> = {};
  for (const [name, v] of Object.entries(data as Record<string, RosterFileEntry>)) {
    if (name.startsWith('$') || name === 'about') continue;
    if (typeof v === 'string') {
      if (v.startsWith('ou_')) out[name] = { openId: v, email: null, mobile: null };
      else if (EMAIL.test(v)) out[name] = { openId: null, email: v, mobile: null };
      else if (MOBILE.test(v)) out[name] = { openId: null, email: null, mobile: v };
      else throw new RosterFileError(`roster.json：“${name}”的值应为 open_id（ou_ 开头）、邮箱或手机号`);
    } else if (v && typeof v === 'object') {
      out[name] = { openId: v.open_id ?? null, email: v.email ?? null, mobile: v.mobile ?? null, ...(v.unit ? { unit: v.unit } : {}) };
      if (!out[name]!.openId && !out[name]!.email && !out[name]!.mobile) throw new RosterFileError(`roster.json：“${name}”缺少 open_id、email 或 mobile`);
    } else {
      throw new RosterFileError(`roster.json：“${name}”的值无法识别`);
    }
  }
  return out;
}

/** Characters edit distance, for suggesting the names a mistyped one was meant to be. */
function distance(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  const d = Array.from({ length: x.length + 1 }, (_, i) => [i, ...Array<number>(y.length).fill(0)]);
  for (let j = 1; j <= y.length; j++) d[0]![j] = j;
  for (let i = 1; i <= x.length; i++)
    for (let j = 1; j <= y.length; j++)
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
  return d[x.length]![y.length]!;
}

/**
 * Names in the manuals bound to Feishu users: answers and digests @-mention bound people,
 * unbound names stay plain text. Kept in memory, written through to the store.
 */
export class Roster {
  private byName = new Map<string, Binding>();

  constructor(
    private readonly store: RosterStore,
    /** Every person named in the manuals (of the version in use). */
    private readonly persons: () => readonly string[],
  ) {}

  get names(): readonly string[] {
    return this.persons();
  }

  async load(): Promise<this> {
    this.byName = new Map((await this.store.all()).map((b) => [b.name, b]));
    return this;
  }

  openIdOf(name: string): string | null {
    return this.byName.get(name)?.openId ?? null;
  }

  /** The unit the roster gives for a name, if any. */
  unitOf(name: string): string | null {
    return this.byName.get(name)?.unit ?? null;
  }

  namesOf(openId: string): string[] {
    return [...this.byName.values()].filter((b) => b.openId === openId).map((b) => b.name);
  }

  bindings(): Binding[] {
    return [...this.byName.values()];
  }

  known(name: string): boolean {
    return this.names.includes(name);
  }

  /** Up to three manual names close to `name`: same surname or one or two characters off. */
  suggest(name: string): string[] {
    return this.names
      .map((n) => ({ n, d: distance(n, name) - (n[0] === name[0] ? 0.5 : 0) }))
      .filter((x) => x.d <= 1.5)
      .sort((a, b) => a.d - b.d)
      .slice(0, 3)
      .map((x) => x.n);
  }

  /** `key`: the event asking for it; a second run of the same event changes nothing (a later binding stands). */
  async bind(b: Omit<Binding, 'updatedAt'>, at: number, key?: string | null): Promise<Binding> {
    // A binding made in chat keeps the unit the roster file gave the name.
    const full = { ...b, unit: b.unit !== undefined ? b.unit : (this.byName.get(b.name)?.unit ?? null), updatedAt: at };
    if (await this.store.put(full, key)) this.byName.set(b.name, full);
    else await this.load();
    return full;
  }

  async unbind(name: string, key?: string | null, at?: number): Promise<boolean> {
    const had = await this.store.remove(name, key, at);
    await this.load();
    return had;
  }

  /**
   * Imports DATA_DIR/roster.json: names not in the manuals are reported, emails and mobiles resolved
   * through Feishu where it is on. Chat bindings made since are kept.
   */
  async importFile(entries: ReturnType<typeof parseRosterFile>, api: FeishuApi | null, at: number, log: Logger): Promise<string[]> {
    const problems: string[] = [];
    const pending: { name: string; by: 'email' | 'mobile'; key: string; unit: string | null }[] = [];
    for (const [name, e] of Object.entries(entries)) {
      if (!this.known(name)) {
        const near = this.suggest(name);
        problems.push(`roster.json：手册中没有“${name}”${near.length ? `，是否是：${near.join('、')}` : ''}`);
        continue;
      }
      const existing = this.byName.get(name);
      if (existing?.source === 'chat') continue;
      if (e.openId || !api) {
        if (!e.openId) problems.push(`roster.json：“${name}”需通过飞书按${e.email ? '邮箱' : '手机号'}查询 open_id，但飞书未开启`);
        await this.bind({ name, ...e, source: 'file' }, at);
      } else {
        pending.push({ name, by: e.email ? 'email' : 'mobile', key: (e.email ?? e.mobile)!, unit: e.unit ?? null });
      }
    }
    for (const by of ['email', 'mobile'] as const) {
      const list = pending.filter((p) => p.by === by);
      if (list.length === 0) continue;
      try {
        const found = await api!.userIds(by, list.map((p) => p.key));
        for (const p of list) {
          const openId = found.find((f) => f.key === p.key)?.openId ?? null;
          if (!openId) problems.push(`roster.json：飞书中找不到${by === 'email' ? '邮箱' : '手机号'} ${p.key}（${p.name}）`);
          await this.bind({ name: p.name, openId, email: by === 'email' ? p.key : null, mobile: by === 'mobile' ? p.key : null, source: 'file', unit: p.unit }, at);
        }
      } catch (e) {
        problems.push(`roster.json：按${by === 'email' ? '邮箱' : '手机号'}查询飞书用户失败：${String((e as Error).message ?? e)}`);
      }
    }
    for (const p of problems) log.warn('人员名单', { problem: p });
    return problems;
  }
}
