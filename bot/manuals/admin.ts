import type { DocModel } from '../../ingest/document.js';
import type { CorpusLoad } from '../../ingest/parseManual.js';
import type { DutyRecord } from '../../ingest/record.js';
import type { EngineSlot, EngineView } from '../engineSlot.js';
import type { Logger } from '../log.js';
import { buildReport, type Reading, type SourceChange, unchanged, type VersionReport } from './report.js';

export type VersionStatus = 'draft' | 'active' | 'superseded' | 'discarded';

/** One source of a version: an uploaded file (its bytes) or a linked Feishu document (its DocModel as JSON). */
export interface SourceRef {
  name: string;
  kind: 'file' | 'doc';
  sha256: string;
  /** The Feishu document a `doc` source was read from (绑定手册), re-read by 更新手册. */
  url: string | null;
  revision: string | null;
}

export interface SourceWithBytes extends SourceRef {
  bytes: Uint8Array;
}

/** A source without its bytes (named field by field: a folder source reads its bytes only when asked). */
export const sourceRef = (s: SourceRef): SourceRef => ({ name: s.name, kind: s.kind, sha256: s.sha256, url: s.url, revision: s.revision });

export interface ManualVersion {
  id: number;
  status: VersionStatus;
  /** An admin's open_id, "网页控制台", or "手册目录" for the folder shipped with the server. */
  madeBy: string;
  madeAt: number;
  /** The version that was active when this one was made: it may only be switched on while that one still is. */
  baseId: number | null;
  /** `dir`: the manuals folder; `upload`: a file; `link`: 绑定手册; `refresh`: 更新手册; `rollback` never makes one. */
  origin: 'dir' | 'upload' | 'link' | 'refresh';
  /** A one-line summary: "上传 某某表.xlsx". */
  note: string;
  sources: SourceRef[];
  report: VersionReport | null;
  decidedBy: string | null;
  decidedAt: number | null;
}

export type NewVersion = Omit<ManualVersion, 'id' | 'decidedBy' | 'decidedAt'> & { sourceKey: string | null };

/** Where versions and their source bytes are kept (Node: DATA_DIR/manuals.db and DATA_DIR/manual-files/). */
export interface VersionStore {
  /** Stores the version and its bytes; with a `sourceKey` seen before, returns the version made then. */
  create(v: NewVersion, blobs: { sha256: string; bytes: Uint8Array }[]): ManualVersion;
  get(id: number): ManualVersion | null;
  /** The version an event (a message, a command) made, if it made one. */
  bySourceKey(key: string): ManualVersion | null;
  /** True when a switch (启用 or 回滚) was made for this event already. */
  switched(key: string): boolean;
  active(): ManualVersion | null;
  /** Newest first. */
  list(limit: number): ManualVersion[];
  bytes(sha256: string): Uint8Array;
  /**
   * In one transaction: when the active version is still `expectActive`, makes `id` active and the previous
   * one superseded, remembering which one it replaced. Otherwise nothing changes.
   */
  activate(
    id: number,
    o: { expectActive: number | null; by: string; at: number; kind: 'activate' | 'rollback'; replaced?: number | null; key?: string | null },
  ): { ok: true } | { ok: false; active: number | null };
  discard(id: number, by: string, at: number): boolean;
  /** The version the active one replaced when it was switched on (what 回滚 goes back to), and that one's own predecessor. */
  previous(): { target: ManualVersion; replaced: number | null } | null;
}

/** What only the runtime can do: read sources into records, and build and open an index for a version. */
export interface ManualRuntime {
  /** Parses the sources; one that cannot be read is reported in `errors`, the others still load. */
  parse(sources: SourceWithBytes[]): Promise<CorpusLoad>;
  /** Builds the version's index in a temporary file and puts it in place; `corpus` is the parse already done (absent: parsed where needed). */
  prepare(version: ManualVersion, sources: SourceWithBytes[], corpus?: CorpusLoad): Promise<void>;
  /**
   * The reading of these sources held by an index built ahead from exactly these files (`npm run ingest`), its
   * records streamed from it: a large corpus need not be parsed, nor held, at start. Null where there is none.
   */
  prebuiltReading?(sources: SourceWithBytes[]): Promise<(Reading & { count: number }) | null>;
  /** Opens the version's index (building it if it is missing) and an engine over it. */
  open(version: ManualVersion, sources: SourceWithBytes[]): Promise<EngineView>;
  /** Removes a version's index (a discarded draft). */
  remove(versionId: number): void;
  /** Removes the indexes of versions not in `keep` (rebuilt from their sources if ever needed again). */
  prune?(keep: Set<number>): void;
}

/** Superseded versions whose indexes are kept ready for 回滚; older ones are rebuilt from their files when needed. */
const KEEP_INDEXES = 5;

/** Reads a linked Feishu document (docx, wiki, sheet) into the document model. */
export type LinkReader = (url: string) => Promise<{ name: string; doc: DocModel; revision: string | null }>;

export interface AdminResult {
  ok: boolean;
  /** Chinese, for the admin. */
  message: string;
  version?: ManualVersion;
}

export interface ManualAdminOptions {
  store: VersionStore;
  runtime: ManualRuntime;
  slot: EngineSlot;
  now: () => number;
  log: Logger;
  readLink?: LinkReader;
}

export const MAX_MANUAL_BYTES = 20 * 1024 * 1024;

const sha256 = async (bytes: Uint8Array): Promise<string> =>
  [...new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>))].map((b) => b.toString(16).padStart(2, '0')).join('');

/** Records are told apart by source name: no path, no control characters, a sane length. */
const sourceName = (name: string) => [...name.replace(/[\u0000-\u001f\u007f/\\]/g, '_').trim()].slice(0, 120).join('') || '手册';

const docBytes = (doc: DocModel) => new TextEncoder().encode(JSON.stringify(doc));

/** A share of an old source's items a new file must also hold to replace it when the names differ. */
const REPLACE_OVERLAP = 0.5;

const keyOf = (r: Pick<DutyRecord, 'unit' | 'post' | 'item'>) => `${r.unit}\u0000${r.post}\u0000${r.item}`;

/**
 * Manual versions in an admin's hands: an upload or a linked document becomes a draft with a report,
 * 启用 switches it in (compare-and-set on the version it was made from), 放弃 drops it, 回滚 goes back.
 * Every change runs one at a time, so two admins cannot leave a half-switched index.
 */
export class ManualAdmin {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly o: ManualAdminOptions) {}

  get linksEnabled(): boolean {
    return this.o.readLink !== undefined;
  }

  /** Runs `fn` after every change queued before it. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => {});
    return run;
  }

  private withBytes(sources: SourceRef[]): SourceWithBytes[] {
    return sources.map((s) => ({ ...s, bytes: this.o.store.bytes(s.sha256) }));
  }

  active(): ManualVersion | null {
    return this.o.store.active();
  }

  get(id: number): ManualVersion | null {
    return this.o.store.get(id);
  }

  list(limit = 20): ManualVersion[] {
    return this.o.store.list(limit);
  }

  /** True when 回滚 has a version to go back to. */
  canRollBack(): boolean {
    return this.o.store.previous() !== null;
  }

  /** An uploaded file as a draft: the active sources plus this one, replacing the one it stands for. */
  upload(file: { name: string; bytes: Uint8Array }, by: string, key: string | null): Promise<AdminResult> {
    return this.serial(async () => {
      const made = key ? this.existing(key) : null;
      if (made) return { ok: true, message: '这个文件已经处理过', version: made };
      const name = sourceName(file.name);
      const source: SourceWithBytes = { name, kind: 'file', sha256: await sha256(file.bytes), url: null, revision: null, bytes: file.bytes };
      return this.draft([source], { by, key, origin: 'upload', note: `上传 ${name}` });
    });
  }

  /** 绑定手册: reads the linked document and makes a draft with it, as an upload does. */
  bindLink(url: string, by: string, key: string | null): Promise<AdminResult> {
    return this.serial(async () => {
      const made = key ? this.existing(key) : null;
      if (made) return { ok: true, message: '这个链接已经处理过', version: made };
      const read = this.o.readLink;
      if (!read) return { ok: false, message: '这个部署没有开启飞书文档读取，暂时不能绑定链接；可以把文档导出为 Excel 或 Word 后直接发给我。' };
      let got: Awaited<ReturnType<LinkReader>>;
      try {
        got = await read(url);
      } catch (e) {
        return { ok: false, message: `无法读取这个链接：${String((e as Error)?.message ?? e)}。当前版本继续使用。` };
      }
      const name = sourceName(got.name);
      const bytes = docBytes({ ...got.doc, file: name });
      const source: SourceWithBytes = { name, kind: 'doc', sha256: await sha256(bytes), url, revision: got.revision, bytes };
      return this.draft([source], { by, key, origin: 'link', note: `绑定 ${name}` });
    });
  }

  /** 更新手册: re-reads every bound document; a draft when any changed, otherwise says so. */
  refreshLinks(by: string, key: string | null): Promise<AdminResult> {
    return this.serial(async () => {
      const made = key ? this.existing(key) : null;
      if (made) return { ok: true, message: '已经处理过', version: made };
      const read = this.o.readLink;
      if (!read) return { ok: false, message: '这个部署没有开启飞书文档读取。' };
      const active = this.o.store.active();
      const bound = (active?.sources ?? []).filter((s) => s.kind === 'doc' && s.url);
      if (bound.length === 0) return { ok: false, message: '当前版本没有绑定飞书文档。发送“绑定手册 链接”先绑定一个。' };
      const fresh: SourceWithBytes[] = [];
      const failed: string[] = [];
      for (const s of bound) {
        try {
          const got = await read(s.url!);
          const bytes = docBytes({ ...got.doc, file: s.name });
          const sha = await sha256(bytes);
          if (sha !== s.sha256) fresh.push({ ...s, sha256: sha, revision: got.revision, bytes });
        } catch (e) {
          failed.push(`${s.name}：${String((e as Error)?.message ?? e)}`);
        }
      }
      if (failed.length > 0) return { ok: false, message: `有文档读取失败，当前版本继续使用：\n${failed.join('\n')}` };
      if (fresh.length === 0) return { ok: true, message: `已重新读取 ${bound.length} 个绑定的文档，没有变化。` };
      return this.draft(fresh, { by, key, origin: 'refresh', note: `更新 ${fresh.map((s) => s.name).join('、')}` });
    });
  }

  private existing(key: string): ManualVersion | null {
    return this.o.store.bySourceKey(key);
  }

  /**
   * The active sources with `incoming` put in: each replaces a source of the same name (or the same link),
   * or one whose units it covers and whose items it mostly holds; otherwise it is added.
   */
  private async draft(
    incoming: SourceWithBytes[],
    o: { by: string; key: string | null; origin: NewVersion['origin']; note: string },
  ): Promise<AdminResult> {
    const active = this.o.store.active();
    const current = this.withBytes(active?.sources ?? []);
    const before = this.o.slot.engine.allRecords();
    const now = this.o.now();
    // Each incoming source alone first: unreadable or empty, it never goes further.
    const alone = await this.o.runtime.parse(incoming);
    const refusedAlone = [
      ...alone.errors.map((e) => `无法读取 ${e.file}：${e.reason}`),
      ...incoming.filter((s) => !alone.errors.some((e) => e.file === s.name) && (alone.manuals.find((m) => m.file === s.name)?.records ?? 0) === 0).map((s) => `${s.name} 里没有读到任何事项`),
    ];
    const replaced = new Map<string, { name: string; why: string }>();
    for (const s of incoming) {
      const mine = alone.records.filter((r) => r.source.file === s.name);
      const units = new Set(mine.map((r) => r.unit));
      const keys = new Set(mine.map(keyOf));
      for (const c of current) {
        if (replaced.has(c.name) || incoming.some((x) => x.name === c.name && x !== s)) continue;
        if (c.name === s.name) replaced.set(c.name, { name: s.name, why: '同名' });
        else if (s.url && c.url === s.url) replaced.set(c.name, { name: s.name, why: '同一链接' });
        else {
          const theirs = before.filter((r) => r.source.file === c.name && r.kind !== 'passage');
          const theirUnits = new Set(theirs.map((r) => r.unit));
          const covered = theirUnits.size > 0 && [...theirUnits].every((u) => units.has(u));
          const overlap = theirs.filter((r) => keys.has(keyOf(r))).length;
          if (covered && theirs.length > 0 && overlap >= REPLACE_OVERLAP * theirs.length) replaced.set(c.name, { name: s.name, why: `覆盖相同单位：${[...theirUnits].join('、')}` });
        }
      }
    }
    const kept = current.filter((c) => !replaced.has(c.name));
    // A new source must not share a kept one's name: records are told apart by file name.
    const sources = [...kept, ...incoming];
    const changes: Omit<SourceChange, 'records' | 'warnings' | 'error'>[] = [
      ...kept.map((s) => ({ name: s.name, action: 'kept' as const, replaces: null, url: s.url })),
      ...incoming.map((s) => {
        const r = [...replaced].find(([, by]) => by.name === s.name);
        return { name: s.name, action: r ? ('replaced' as const) : ('added' as const), replaces: r ? { name: r[0], why: r[1].why } : null, url: s.url };
      }),
    ];
    const corpus = refusedAlone.length > 0 ? alone : await this.o.runtime.parse(sources);
    let refused: string | null = refusedAlone.length > 0 ? refusedAlone.join('；') : null;
    if (!refused && corpus.records.length === 0) refused = '新版本里没有任何可用事项';
    if (!refused) {
      const had = new Map<string, number>();
      for (const r of before) had.set(r.source.file, (had.get(r.source.file) ?? 0) + 1);
      const lost = corpus.errors.filter((e) => (had.get(e.file) ?? 0) > 0).map((e) => e.file);
      if (lost.length > 0) refused = `原来可用的文件现在无法读取：${lost.join('、')}`;
    }
    const report = buildReport({
      before,
      after: corpus,
      sources: refusedAlone.length > 0 ? changes.filter((c) => c.action !== 'kept') : changes,
      removedSources: [...replaced.keys()].filter((n) => !incoming.some((s) => s.name === n)),
      refused,
    });
    const version = this.o.store.create(
      {
        status: refused ? 'discarded' : 'draft',
        madeBy: o.by,
        madeAt: now,
        baseId: active?.id ?? null,
        origin: o.origin,
        note: o.note,
        sources: sources.map(sourceRef),
        report,
        sourceKey: o.key,
      },
      incoming.map((s) => ({ sha256: s.sha256, bytes: s.bytes })),
    );
    if (refused) {
      this.o.log.warn('手册新版本未通过检查，未启用', { version: version.id, reason: refused });
      return { ok: false, message: `${refused}。当前版本继续使用。`, version };
    }
    if (unchanged(report) && active) {
      this.o.store.discard(version.id, 'system', now);
      return { ok: true, message: '与当前版本相比没有变化，不需要启用。', version: this.o.store.get(version.id)! };
    }
    try {
      await this.o.runtime.prepare(version, sources, corpus);
    } catch (e) {
      this.o.store.discard(version.id, 'system', now);
      const why = `建索引失败：${String((e as Error)?.message ?? e)}`;
      this.o.log.error('手册新版本建索引失败', { version: version.id, error: why });
      return { ok: false, message: `${why}。当前版本继续使用。`, version: this.o.store.get(version.id)! };
    }
    return { ok: true, message: '已生成草稿，请核对后启用。', version };
  }

  /**
   * 启用: switches a draft in, only while the version it was made from is still the active one; the new
   * engine is in place before this returns, questions already asked finish on the old one.
   */
  activate(id: number, by: string): Promise<AdminResult> {
    return this.serial(async () => {
      const v = this.o.store.get(id);
      if (!v) return { ok: false, message: `没有版本 #${id}。` };
      if (v.status === 'active') return { ok: true, message: `版本 #${id} 已经在使用中。`, version: v };
      if (v.status !== 'draft') return { ok: false, message: `版本 #${id} 已${v.status === 'discarded' ? '放弃' : '被替换'}，不能启用；请重新上传。`, version: v };
      const active = this.o.store.active();
      if ((active?.id ?? null) !== v.baseId) {
        return { ok: false, message: `版本 #${id} 是在版本 #${v.baseId ?? '无'} 的基础上生成的，但现在使用的是版本 #${active?.id ?? '无'}（其他管理员刚刚更新过）。为免覆盖对方的修改，请重新上传文件。`, version: v };
      }
      return this.switchTo(v, { by, kind: 'activate', expect: v.baseId, replaced: active?.id ?? null });
    });
  }

  private async switchTo(
    v: ManualVersion,
    o: { by: string; kind: 'activate' | 'rollback'; expect: number | null; replaced: number | null; key?: string | null },
  ): Promise<AdminResult> {
    let view: EngineView;
    try {
      view = await this.o.runtime.open(v, this.withBytes(v.sources));
    } catch (e) {
      const why = String((e as Error)?.message ?? e);
      this.o.log.error('打开手册版本失败', { version: v.id, error: why });
      return { ok: false, message: `无法打开版本 #${v.id}：${why}。当前版本继续使用。`, version: v };
    }
    const done = this.o.store.activate(v.id, { expectActive: o.expect, by: o.by, at: this.o.now(), kind: o.kind, replaced: o.replaced, key: o.key });
    if (!done.ok) {
      view.close?.();
      return { ok: false, message: `现在使用的是版本 #${done.active ?? '无'}，已有其他管理员更新，请重新上传。`, version: v };
    }
    this.o.slot.swap(view);
    const recent = this.o.store.list(200);
    const keep = new Set(recent.filter((x) => x.status === 'draft' || x.status === 'active').map((x) => x.id));
    for (const x of recent.filter((x) => x.status === 'superseded').slice(0, KEEP_INDEXES)) keep.add(x.id);
    this.o.runtime.prune?.(keep);
    this.o.log.info(o.kind === 'activate' ? '已启用手册版本' : '已回滚手册版本', { version: v.id, by: o.by, records: view.engine.size });
    return { ok: true, message: o.kind === 'activate' ? `已启用版本 #${v.id}，共 ${view.engine.size} 条事项，新的提问按此版本回答。` : `已回滚到版本 #${v.id}（共 ${view.engine.size} 条事项）。`, version: this.o.store.get(v.id)! };
  }

  /** 放弃: a draft is dropped; the active version is untouched. */
  discard(id: number, by: string): Promise<AdminResult> {
    return this.serial(async () => {
      const v = this.o.store.get(id);
      if (!v) return { ok: false, message: `没有版本 #${id}。` };
      if (v.status === 'discarded') return { ok: true, message: `版本 #${id} 已放弃。`, version: v };
      if (v.status !== 'draft') return { ok: false, message: `版本 #${id} 不是草稿（${STATUS_LABEL[v.status]}），不能放弃；要退回上一版本请发送“回滚”。`, version: v };
      this.o.store.discard(id, by, this.o.now());
      this.o.runtime.remove(id);
      return { ok: true, message: `已放弃版本 #${id}，当前版本继续使用。`, version: this.o.store.get(id)! };
    });
  }

  /**
   * 回滚: back to the version the active one replaced. `key` (the event asking) makes a repeated request a
   * no-op instead of a second step back; so does `expectActive` (the version the admin saw).
   */
  rollback(by: string, o: { key?: string | null; expectActive?: number } = {}): Promise<AdminResult> {
    return this.serial(async () => {
      const active = this.o.store.active();
      if (o.key && this.o.store.switched(o.key)) return { ok: true, message: `已经回滚过，现在使用的是版本 #${active?.id ?? '无'}。`, version: active ?? undefined };
      if (o.expectActive !== undefined && active?.id !== o.expectActive) {
        return { ok: true, message: `现在使用的是版本 #${active?.id ?? '无'}，已经不是版本 #${o.expectActive}，没有再回滚。`, version: active ?? undefined };
      }
      const prev = this.o.store.previous();
      if (!active || !prev) return { ok: false, message: '没有可以回滚到的上一版本。' };
      return this.switchTo(prev.target, { by, kind: 'rollback', expect: active.id, replaced: prev.replaced, key: o.key });
    });
  }
}

export const STATUS_LABEL: Record<VersionStatus, string> = { draft: '草稿', active: '使用中', superseded: '已替换', discarded: '已放弃' };

const DIR_MAKER = '手册目录';

/**
 * At start: the active version is what answers. The first start makes version #1 from the manuals folder
 * as shipped. While the folder's own version is the active one, a changed folder (files copied onto the
 * server) becomes a new version, switched in only if it reads as well as the old one did; once an admin's
 * version is active, the folder no longer overrides it.
 */
export async function startVersions(o: {
  store: VersionStore;
  runtime: ManualRuntime;
  folder: SourceWithBytes[];
  now: () => number;
  log: Logger;
}): Promise<{ version: ManualVersion; view: EngineView; notes: string[] }> {
  const { store, runtime, log } = o;
  const notes: string[] = [];
  let active = store.active();
  const same = (a: SourceRef[], b: SourceRef[]) =>
    a.length === b.length && a.every((x) => b.some((y) => y.name === x.name && y.sha256 === x.sha256));
  const fromFolder = async (base: ManualVersion | null): Promise<ManualVersion> => {
    const prebuilt = (await runtime.prebuiltReading?.(o.folder)) ?? null;
    const corpus = prebuilt ?? (await runtime.parse(o.folder));
    const count = prebuilt ? prebuilt.count : (corpus as CorpusLoad).records.length;
    let before: readonly DutyRecord[] = [];
    if (base) {
      const old = await runtime.open(base, sourcesOf(store, base));
      before = old.engine.allRecords();
      old.close?.();
    }
    const had = new Map<string, number>();
    for (const r of before) had.set(r.source.file, (had.get(r.source.file) ?? 0) + 1);
    const lost = corpus.errors.filter((e) => (had.get(e.file) ?? 0) > 0).map((e) => e.file);
    const refused = !base ? null : count === 0 ? '新读取的手册里没有任何可用事项' : lost.length ? `原来可用的文件现在无法读取：${lost.join('、')}` : null;
    const report = buildReport({
      before,
      after: corpus,
      sources: o.folder.map((s) => ({ name: s.name, action: base?.sources.some((b) => b.name === s.name && b.sha256 === s.sha256) ? ('kept' as const) : ('added' as const), replaces: null, url: null })),
      removedSources: (base?.sources ?? []).filter((b) => !o.folder.some((s) => s.name === b.name)).map((b) => b.name),
      refused,
    });
    const v = store.create(
      { status: refused ? 'discarded' : 'draft', madeBy: DIR_MAKER, madeAt: o.now(), baseId: base?.id ?? null, origin: 'dir', note: '手册目录', sources: o.folder.map(sourceRef), report, sourceKey: null },
      o.folder.map((s) => ({ sha256: s.sha256, bytes: s.bytes })),
    );
    if (refused) return v;
    await runtime.prepare(v, o.folder, prebuilt ? undefined : (corpus as CorpusLoad));
    store.activate(v.id, { expectActive: base?.id ?? null, by: DIR_MAKER, at: o.now(), kind: 'activate', replaced: base?.id ?? null });
    return store.get(v.id)!;
  };
  if (!active) {
    active = await fromFolder(null);
    notes.push(`已从手册目录建立版本 #${active.id}`);
  } else if (!same(active.sources, o.folder)) {
    const lastFolder = store.list(1000).find((v) => v.origin === 'dir' && v.status !== 'discarded');
    if (active.origin === 'dir') {
      const v = await fromFolder(active);
      if (v.status === 'active') {
        notes.push(`手册目录有变化，已启用新版本 #${v.id}`);
        active = v;
      } else {
        notes.push(`手册目录有变化，但新读取的结果不能启用（${v.report?.refused}），继续使用版本 #${active.id}`);
        log.warn('手册目录有变化，但新读取的结果不能启用', { version: v.id, reason: v.report?.refused });
      }
    } else if (lastFolder && !same(lastFolder.sources, o.folder)) {
      notes.push(`手册目录有变化，但当前使用的是管理员更新的版本 #${active.id}，未自动替换；如需使用目录中的文件，请通过上传更新`);
      log.warn('手册目录有变化，未替换管理员更新的版本', { active: active.id });
    }
  }
  const view = await runtime.open(active, sourcesOf(store, active));
  return { version: active, view, notes };
}

function sourcesOf(store: VersionStore, v: ManualVersion): SourceWithBytes[] {
  return v.sources.map((s) => ({ ...s, bytes: store.bytes(s.sha256) }));
}
