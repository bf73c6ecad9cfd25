import type { DutyRecord } from '../ingest/record.js';
import {
  type Alternative,
  type Answer,
  type AnswerItem,
  type Band,
  answersText,
  capabilitiesText,
  notFoundText,
  personAsked, personText,
  plausibleText,
  toItem,
} from './answer.js';
import type { Embedder } from './embeddings/types.js';
import { pickExamples, questionFor } from './examples.js';
import { Directory } from './directory.js';
import { FieldIndex, type FieldScorer, MergedFieldIndex } from './fieldIndex.js';
import { Lexicon, type Synonyms } from './lexicon.js';
import { Organisation } from './organisation.js';
import { type Intent, type ParsedQuery, parseQuery } from './query.js';
import { candidates, overseen, overseers, rank, type Scored, weighted } from './rank.js';
import type { RecordTexts } from './recordText.js';
import { headsLine, ownHeads, roleHolders } from './roles.js';
import type { SearchIndex } from './searchIndex.js';
import type { Segmenter } from './segmenter.js';

/**
 * Confidence bands over the best row. Sure: the row holds nearly all of the topic and holds it where
 * the row says what it is about. Plausible: it holds most of it. Below that, nothing relevant.
 */
export const BANDS = {
  sure: { coverage: 0.75, focus: 0.5 },
  plausible: { coverage: 0.5, focus: 0.3 },
};
/** A rival this close to the best row makes the answer a guess. */
const TIE = 0.97;
/** Other rows are shown next to the best one when they score at least this share of it. */
const KEEP_RATIO = 0.85;
const MAX_ANSWERS = 3;
const MAX_ALTERNATIVES = 2;

export interface EngineDeps {
  index: SearchIndex;
  segmenter: Segmenter;
  /** The index's embedder; without a synchronous path (remote) ask() uses a given vector or none. */
  embedder: Embedder;
  synonyms: Synonyms;
  /** Corpus size above which a question without a unit is routed first (default WHOLE_CORPUS_MAX). */
  wholeCorpusMax?: number;
}

export interface AskOptions {
  /** The question's vector, computed elsewhere (a remote embedder); the local embedder is used otherwise. */
  vector?: Float32Array | number[];
  /**
   * The asker's units (a chat's binding, the roster): questions are answered from these units, the units
   * above them and below them, unless the question names another unit. Absent or empty: no default unit.
   */
  units?: readonly string[];
}

/**
 * The records a question is answered from, with what ranking needs over them: the whole corpus, or the
 * partitions of some units' families restricted to those units.
 */
interface View {
  records: readonly DutyRecord[];
  lexicon: Lexicon;
  fields: FieldScorer;
  nearest(vector: Float32Array, k: number): Map<string, number>;
  org: Organisation | null;
  /** The units it is restricted to; null for the whole corpus. */
  units: ReadonlySet<string> | null;
}

/** One family's records, field index, texts and vectors. */
interface Partition {
  records: DutyRecord[];
  /** Its estimated size in memory. */
  bytes: number;
  fields: FieldIndex;
  texts: ReadonlyMap<string, RecordTexts> | null;
  nearest(vector: Float32Array, k: number): Map<string, number>;
}

/** A unit's best row for a question across units: its record read only if it is shown. */
interface UnitPick {
  unit: string;
  score: number;
  record: () => DutyRecord;
}

/** Up to this many records the whole corpus is one view, as it always was; above it a question without a unit is routed first. */
export const WHOLE_CORPUS_MAX = 5000;
/** Families' partitions kept in memory, by their estimated bytes (stored parts as read, records and texts as objects). */
const PARTITION_BYTES = 32 << 20;
/** Views over them: by records (a view shares its partitions' records and texts). */
const VIEW_RECORDS = 6_000;
/** A record as objects (fields, people, flow), and its texts where they are not stored: rough sizes for the budget. */
const RECORD_BYTES = 2_500;
const TEXTS_BYTES = 3_000;

/** Least recently used first: a Map in insertion order, touched on read. */
class Lru<K, V> {
  private readonly map = new Map<K, V>();
  constructor(
    private readonly limit: number,
    private readonly size: (v: V) => number = () => 1,
  ) {}
  private total = 0;
  get(k: K): V | undefined {
    const v = this.map.get(k);
    if (v !== undefined) {
      this.map.delete(k);
      this.map.set(k, v);
    }
    return v;
  }
  set(k: K, v: V): void {
    this.map.set(k, v);
    this.total += this.size(v);
    while (this.total > this.limit && this.map.size > 1) {
      const [oldK, oldV] = this.map.entries().next().value as [K, V];
      this.map.delete(oldK);
      this.total -= this.size(oldV);
    }
  }
  clear(): void {
    this.map.clear();
    this.total = 0;
  }
}

/** The duty-manual engine: question in, the JSON answer contract out. Deterministic and offline. */
export class DutyEngine {
  readonly directory: Directory;
  private whole: View | null = null;
  private readonly exampleCache = new Map<string, string[]>();
  private pickingExamples = false;
  private readonly partitions = new Lru<string, Partition>(PARTITION_BYTES, (p) => p.bytes);
  private readonly views = new Lru<string, View>(VIEW_RECORDS, (v) => v.records.length + 1);
  /**
   * Item, chart titles, post and 分管 of every record, lower-cased, each distinct text once with the records
   * holding it, and its character pairs: what a question without a unit is first matched on.
   */
  private titles: { texts: string[]; rows: number[][]; grams: Map<string, number[]> } | null = null;

  private titleIndex(): NonNullable<DutyEngine['titles']> {
    if (this.titles) return this.titles;
    const cat = this.deps.index.catalogue;
    // The catalogue holds each distinct title once: its character pairs are taken once.
    const rows: number[][] = cat.titles.map(() => []);
    for (let row = 0; row < cat.size; row++) rows[cat.titleOf[row]!]!.push(row);
    const grams = new Map<string, number[]>();
    cat.titles.forEach((text, id) => {
      const chars = [...text];
      const own = new Set<string>();
      for (let c = 0; c + 1 < chars.length; c++) own.add(chars[c]! + chars[c + 1]!);
      for (const g of own) {
        const list = grams.get(g);
        if (list) list.push(id);
        else grams.set(g, [id]);
      }
    });
    return (this.titles = { texts: cat.titles, rows, grams });
  }

  constructor(private readonly deps: EngineDeps) {
    this.directory = new Directory(deps.index.catalogue, deps.index.units);
  }

  /** How many records the manuals hold. */
  get size(): number {
    return this.deps.index.catalogue.size;
  }

  /** One record by id, or null. */
  record(id: string): DutyRecord | null {
    const row = this.deps.index.catalogue.rowOf(id);
    return row < 0 ? null : (this.deps.index.recordsAt([row])[0] ?? null);
  }

  /** The records of these units, in manual order. */
  recordsOf(units: Iterable<string>): DutyRecord[] {
    const cat = this.deps.index.catalogue;
    const wanted = new Set(units);
    const rows: number[] = [];
    for (let row = 0; row < cat.size; row++) if (wanted.has(cat.unit(row))) rows.push(row);
    return this.deps.index.recordsAt(rows);
  }

  /** The records read from one manual file. */
  recordsOfFile(file: string): DutyRecord[] {
    const cat = this.deps.index.catalogue;
    const rows: number[] = [];
    for (let row = 0; row < cat.size; row++) if (cat.file(row) === file) rows.push(row);
    return this.deps.index.recordsAt(rows);
  }

  /**
   * Every record. A large corpus reads them all from its index each time: for rare paths only (a new version's
   * report, the whole organisation); questions never need it.
   */
  allRecords(): readonly DutyRecord[] {
    return this.deps.index.allRecords();
  }

  /** The records help texts take their examples from: all of a small corpus, the largest bureau's of a large one. */
  sampleRecords(): readonly DutyRecord[] {
    return this.large ? this.deps.index.recordsAt(this.directory.familyRows(this.largestFamily())) : this.allRecords();
  }

  /** Every person the manuals name, longest first. */
  get persons(): readonly string[] {
    return this.directory.persons;
  }

  /** The lexicon of the whole corpus (built on first use). */
  get lexicon(): Lexicon {
    return this.wholeView().lexicon;
  }

  /** Many records: a question without a unit is routed to the units it is about before anything is ranked. */
  get large(): boolean {
    return this.size > (this.deps.wholeCorpusMax ?? WHOLE_CORPUS_MAX);
  }

  parse(question: string, opts: Pick<AskOptions, 'units'> = {}): ParsedQuery {
    const route = this.route(question, opts.units);
    return parseQuery(question, (route.view ?? this.referenceView()).lexicon, this.deps.segmenter);
  }

  /** Example questions drawn from the loaded manuals (the asker's units' where given), each one the engine answers with confidence. */
  examples(units?: readonly string[]): string[] {
    const scoped = units && units.length > 0 ? [...this.directory.expand(units)] : null;
    const home = scoped ?? (this.large ? this.directory.familyUnits(this.largestFamily()) : null);
    const key = home ? home.join('\u0000') : '';
    const hit = this.exampleCache.get(key);
    if (hit) return hit;
    if (this.pickingExamples) return [];
    this.pickingExamples = true;
    try {
      const records = home ? this.recordsOf(home) : this.allRecords();
      const list = pickExamples(records, (q) => this.ask(q, home ? { units: home } : {}).band === 'sure');
      this.exampleCache.set(key, list);
      return list;
    } finally {
      this.pickingExamples = false;
    }
  }

  /** What the bot can answer, with examples from the loaded manuals. */
  capabilities(): string {
    return capabilitiesText(this.examples());
  }

  /** The posts, leaders and colleagues of the asker's units (all units without any). */
  organisation(units?: readonly string[]): Organisation {
    if (!units || units.length === 0) return this.wholeOrg();
    return this.viewOf(this.directory.expand(units)).org!;
  }

  private wholeOrganisation: Organisation | null = null;
  private wholeOrg(): Organisation {
    return (this.wholeOrganisation ??= new Organisation(this.allRecords(), this.deps.index.units));
  }

  ask(question: string, opts: AskOptions = {}): Answer {
    return this.answer(question, opts, true);
  }

  /**
   * Where a question is answered: the units it names, else the asker's units (with those above and below);
   * with neither, the whole corpus where it is small, or nothing yet (a large corpus: see crossUnit).
   */
  private route(question: string, units?: readonly string[]): { view: View | null; home: ReadonlySet<string> | null } {
    const dir = this.directory;
    const given = (units ?? []).filter((u) => dir.has(u));
    const home = given.length > 0 ? dir.expand(given) : null;
    if (!home && !this.large) return { view: this.wholeView(), home: null };
    const named = dir.namedUnits(question, home);
    const target = named ?? home;
    return { view: target ? this.viewOf(target) : null, home };
  }

  private answer(question: string, opts: AskOptions, withAlternatives: boolean): Answer {
    const { view, home } = this.route(question, opts.units);
    if (!view) return this.crossUnit(question, opts);
    const answer = this.answerIn(view, question, opts, withAlternatives);
    if (!view.units || !answer.found) return answer;
    // Answers from a unit's own records say which unit they come from.
    const from = [...new Set(answer.answers.map((a) => a.unit))];
    if (from.length === 0) return answer;
    const own = home && from.every((u) => home.has(u));
    return { ...answer, text: `〔${own ? '本单位' : '单位'}：${from.join('、')}〕\n${answer.text}` };
  }

  private answerIn(v: View, question: string, opts: AskOptions, withAlternatives: boolean): Answer {
    const q = parseQuery(question, v.lexicon, this.deps.segmenter);
    if (!question.trim()) return this.notFound(v, q, []);
    if (q.unknownPerson) return this.notFound(v, q, []);
    if (q.intent === 'person' && q.persons.length > 0) return this.person(v, q);
    if (q.intent === 'leadership') {
      const led = this.leadership(v, q, opts);
      if (led) return led;
    }
    // A topic of single characters only ("开") names nothing.
    if (!q.terms.some((t) => [...t.text].length >= 2)) return this.notFound(v, q, []);
    const pool = candidates(q, v.records);
    const scored = rank(q, pool, v.lexicon, v.fields, { vector: this.nearest(v, q, opts) });
    const best = scored[0];
    let band = best ? bandOf(best) : 'none';
    if (best && band === 'sure' && !v.units && q.places.length === 0) {
      // The same work in several bureaus of one level, the question naming none: say so rather than pick one.
      const tied = scored.filter((s) => bandOf(s) === 'sure' && s.score >= best.score * TIE && s.record.scope === best.record.scope);
      if (this.familiesOf(tied).size > 1) return this.whichUnit(q, tied);
    }
    // A near tie in the same manual between rows held by different people: the question does not say which.
    const rival = scored[1];
    if (band === 'sure' && rival && rival.record.scope === best!.record.scope && rival.score >= best!.score * TIE && bandOf(rival) === 'sure' && !samePeople(best!.record, rival.record)) band = 'plausible';
    if (band === 'plausible' && best && !this.topicCovered(v, q, best.record)) band = 'none';
    if (!best || band === 'none') return this.notFound(v, q, scored);
    if (band === 'plausible') return this.plausible(v, q, scored, withAlternatives, opts);
    const kept = scored.filter((s) => bandOf(s) === 'sure' && s.score >= best.score * KEEP_RATIO);
    if (!q.scope) {
      // The same work often exists in the city and the district manuals: show the other one, labelled.
      const other = scored.find(
        (s) => s.record.scope !== best.record.scope && s.coverage >= 0.7 && s.score >= best.score * 0.7 && bandOf(s) === 'sure',
      );
      if (other && !kept.includes(other)) kept.splice(Math.min(kept.length, MAX_ANSWERS - 1), 0, other);
    }
    return this.found(v, q, kept.slice(0, MAX_ANSWERS));
  }

  /**
   * A guess must match what the question asks about, not only the place it names: with the words that
   * spell a named unit or office set aside, the rest of the topic must be covered as a plausible answer's
   * is ("某大队食堂谁管" matches the 大队's rows by name only, and 食堂 is in none of them).
   */
  private topicCovered(v: View, q: ParsedQuery, r: DutyRecord): boolean {
    if (q.places.length === 0) return true;
    const topical = q.terms.filter((t) => !q.places.some((p) => p.name.includes(t.text) || p.aliases.some((a) => a.includes(t.text))));
    if (topical.length === 0 || topical.length === q.terms.length) return true;
    const text = v.lexicon.texts.get(r.id)?.full;
    return text === undefined || weighted(topical, text) >= BANDS.plausible.coverage;
  }

  /** Vector neighbours of the question's topic: the caller's vector when given, the local embedder's otherwise. */
  private nearest(v: View, q: ParsedQuery, opts: AskOptions): Map<string, number> {
    const vector = opts.vector
      ? opts.vector instanceof Float32Array
        ? opts.vector
        : Float32Array.from(opts.vector)
      : this.deps.embedder.embedSync?.(q.topic || q.question);
    // A remote embedder's question vector that could not be had: lexical signals only.
    return vector ? v.nearest(vector, 64) : new Map();
  }

  private familiesOf(rows: readonly Scored[]): Set<string> {
    return new Set(rows.map((s) => this.directory.familyOf(s.record.unit)));
  }

  /** The whole corpus as one view: what every question used before units, and still does in a small corpus without bindings. */
  private wholeView(): View {
    if (!this.whole) {
      // Stored at ingest for a small corpus (the key ''): no segmentation on the first question.
      const records = this.allRecords();
      const stored = records.length <= WHOLE_CORPUS_MAX ? (this.deps.index.partition?.('') ?? null) : null;
      const lexicon = new Lexicon(records, this.deps.synonyms, stored?.texts);
      this.whole = {
        records,
        lexicon,
        fields: stored ? FieldIndex.fromData(stored.fields, this.deps.segmenter) : new FieldIndex(records, this.deps.segmenter),
        nearest: (vector, k) => this.deps.index.nearest(vector, k),
        org: null,
        units: null,
      };
    }
    return this.whole;
  }

  private partition(family: string): Partition {
    const hit = this.partitions.get(family);
    if (hit) return hit;
    const stored = this.deps.index.partition?.(family) ?? null;
    const records = stored?.records ?? this.deps.index.recordsAt(this.directory.familyRows(family));
    const ids = records.map((r) => r.id);
    let nearest: Partition['nearest'];
    if (stored?.vectors) {
      const { ids: vids, dims, data } = stored.vectors;
      nearest = (vector, k) => scanNearest(vids, dims, data, vector, k);
    } else if (this.deps.index.nearestIn) {
      const among = this.deps.index.nearestIn.bind(this.deps.index);
      nearest = (vector, k) => among(vector, k, ids);
    } else {
      const keep = new Set(ids);
      nearest = (vector, k) => new Map([...this.deps.index.nearest(vector, Math.max(k, 4 * k)).entries()].filter(([id]) => keep.has(id)).slice(0, k));
    }
    const p: Partition = {
      records,
      bytes: (stored?.records ? 0 : records.length * RECORD_BYTES) + (stored ? 0 : records.length * TEXTS_BYTES) + (stored?.bytes ?? 0),
      fields: stored ? FieldIndex.fromData(stored.fields, this.deps.segmenter) : new FieldIndex(records, this.deps.segmenter),
      texts: stored?.texts ?? null,
      nearest,
    };
    this.partitions.set(family, p);
    return p;
  }

  /** The view of some units: their families' partitions, restricted to the units. */
  private viewOf(units: ReadonlySet<string>): View {
    const key = [...units].sort().join('\u0000');
    const hit = this.views.get(key);
    if (hit) return hit;
    const families = [...new Set([...units].map((u) => this.directory.familyOf(u)))];
    const parts = families.map((f) => this.partition(f));
    const records = parts.flatMap((p) => p.records.filter((r) => units.has(r.unit)));
    const texts = new Map<string, RecordTexts>();
    for (const p of parts) if (p.texts) for (const [id, t] of p.texts) texts.set(id, t);
    const keep = new Set(records.map((r) => r.id));
    let org: Organisation | undefined;
    const units2 = this.deps.index.units;
    const view: View = {
      records,
      lexicon: new Lexicon(records, this.deps.synonyms, texts),
      fields: parts.length === 1 ? parts[0]!.fields : new MergedFieldIndex(parts.map((p) => p.fields)),
      nearest: (vector, k) => {
        const out = new Map<string, number>();
        for (const p of parts) for (const [id, s] of p.nearest(vector, k)) if (keep.has(id)) out.set(id, s);
        return out;
      },
      get org() {
        return (org ??= new Organisation(records, units2));
      },
      units,
    };
    this.views.set(key, view);
    return view;
  }

  private largestFamily(): string {
    let best = '';
    let size = -1;
    for (const f of this.directory.familyNames()) {
      const n = this.directory.familyRows(f).length;
      if (n > size) [best, size] = [f, n];
    }
    return best;
  }

  /** A family's view whose words stand for the corpus's when a question is not yet placed in a unit. */
  private referenceView(): View {
    return this.viewOf(new Set(this.directory.familyUnits(this.largestFamily())));
  }

  /**
   * A large corpus, a question naming no unit and asked by no one bound to one: its topic is matched on the
   * rows' titles across every unit (short texts, a linear scan), then answered from the one family that
   * has it, or the asker is told which units have it and asked to say which.
   */
  private crossUnit(question: string, opts: AskOptions): Answer {
    const ref = this.referenceView();
    const q = parseQuery(question, ref.lexicon, this.deps.segmenter);
    if (!question.trim() || !q.terms.some((t) => [...t.text].length >= 2)) return this.whichUnit(q, []);
    const titles = this.titleIndex();
    // Only titles sharing a character pair with some form of a topic word can match it at all.
    const seen = new Set<number>();
    for (const t of q.terms) {
      for (const form of [...t.forms, ...(t.part ? [t.part.text] : [])]) {
        const chars = [...form];
        for (let i = 0; i + 1 < chars.length; i++) for (const id of titles.grams.get(chars[i]! + chars[i + 1]!) ?? []) seen.add(id);
      }
    }
    let top = 0;
    const matched: [number, number][] = [];
    for (const id of seen) {
      const m = weighted(q.terms, titles.texts[id]!);
      if (m < 0.5) continue;
      matched.push([id, m]);
      top = Math.max(top, m);
    }
    // The best row of each family, from the catalogue: its record is read only where it is shown.
    const cat = this.deps.index.catalogue;
    const best = new Map<string, UnitPick>();
    for (const [id, m] of matched) {
      if (m < top * 0.9) continue;
      for (const row of titles.rows[id]!) {
        const unit = cat.unit(row);
        const f = this.directory.familyOf(unit);
        const prev = best.get(f);
        if (!prev || prev.score < m) best.set(f, { unit, score: m, record: () => this.deps.index.recordsAt([row])[0]! });
      }
    }
    const rows = [...best.values()].filter((s) => s.score >= top * 0.9).sort((a, b) => b.score - a.score);
    const scopes = new Set(rows.map((s) => this.directory.scopeOf(s.unit)));
    if (rows.length === 0 || scopes.size < rows.length) return this.whichUnit(q, rows);
    // One family, or one per level ("市局" and "区局" both have it): answered from them, labelled.
    const units = new Set(rows.flatMap((s) => this.directory.familyUnits(this.directory.familyOf(s.unit))));
    const answer = this.answerIn(this.viewOf(units), question, opts, true);
    const from = [...new Set(answer.answers.map((a) => a.unit))];
    return answer.found && from.length > 0 ? { ...answer, text: `〔单位：${from.join('、')}〕\n${answer.text}` } : answer;
  }

  /** The question fits several units equally: the best row of each, labelled, and how to say which one. */
  private whichUnit(q: ParsedQuery, rows: readonly (Scored | UnitPick)[]): Answer {
    const perFamily = new Map<string, UnitPick>();
    for (const s of rows) {
      const pick: UnitPick = 'unit' in s ? s : { unit: s.record.unit, score: s.score, record: () => s.record };
      const f = this.directory.familyOf(pick.unit);
      if (!perFamily.has(f)) perFamily.set(f, pick);
    }
    const picks = [...perFamily.values()];
    const shown = picks.slice(0, MAX_ANSWERS).map((p) => ({ record: p.record(), score: p.score }));
    const items = shown.map((s) => toItem(s.record, s.score, q));
    const ask = q.question.trim();
    const alternatives: Alternative[] = shown.map((s) => ({ item: s.record.item, unit: s.record.unit, question: `${s.record.unit}${ask}` }));
    const families = this.directory.familyNames();
    const lines =
      picks.length > 0
        ? [
            `“${ask}”在 ${picks.length} 个单位的手册里都有，没有说明是哪个单位：`,
            ...shown.map((s, i) => `${i + 1}. 〔${s.record.unit}〕${s.record.item}，牵头：${s.record.lead.join('、') || '手册未列明'}`),
            ...(picks.length > shown.length ? [`另有 ${picks.length - shown.length} 个单位：${picks.slice(shown.length, shown.length + 8).map((s) => s.unit).join('、')}${picks.length > shown.length + 8 ? ' 等' : ''}`] : []),
          ]
        : [`手册涉及 ${families.length} 个单位（如 ${families.slice(0, 3).join('、')}），“${ask}”没有说明是哪个单位。`];
    lines.push(
      `请在问题里写明单位，例如“${alternatives[0]?.question ?? `${families[0] ?? ''}${ask}`}”；群管理员发送“本群单位 单位名称”后，本群的问题默认按该单位回答。`,
    );
    return {
      question: q.question,
      intent: q.intent,
      found: items.length > 0,
      answers: items,
      summary: null,
      person: null,
      nearTopics: [],
      band: items.length > 0 ? 'plausible' : 'none',
      alternatives,
      unitChoice: picks.length > 0 ? picks.map((s) => s.unit) : families,
      text: lines.join('\n'),
    };
  }

  /**
   * Leadership questions: a leader's own 分管, a person's leaders, a role's holders, the leader whose
   * duties name the topic, or the leaders of the post doing the work. Null to fall back to ranking.
   */
  private leadership(v: View, q: ParsedQuery, opts: AskOptions): Answer | null {
    if (q.unknownOffice) return this.notFound(v, q, []);
    const pool = candidates(q, v.records);
    const home = opts.units ?? [];
    if (q.persons.length > 0) {
      const own = pool.filter((r) => r.oversees.length > 0 && q.persons.some((p) => r.lead.includes(p)));
      if (own.length > 0) return this.found(v, q, own.map((record) => ({ record, score: 1, coverage: 1, focus: 1, phrase: 1 })));
      // "某某的领导是谁": who leads the posts the person works in.
      const org = this.orgOf(v);
      const leaders = new Map<string, DutyRecord>();
      const person = q.persons[0]!;
      const posts = org.postsOfPerson(person);
      const leading = posts.filter((p) => p.records.some((r) => r.lead.includes(person)));
      for (const post of leading.length > 0 ? leading : posts) for (const l of org.leadersOf(post)) if (l.names.length > 0) leaders.set(l.record.id, l.record);
      if (leaders.size > 0) return this.found(v, q, [...leaders.values()].map((record) => ({ record, score: 1, coverage: 1, focus: 1, phrase: 1 })));
      return this.person(v, q);
    }
    if (q.role) {
      // A role asked about by name: its holders, narrowed by the topic (what they oversee or do) when one is given.
      const holders = roleHolders(q, pool, home);
      if (holders.length === 0) return this.notFound(v, q, [], { role: q.role });
      const topical = q.terms.length > 0 ? holders.filter((h) => overseen(q, h.record) >= 0.5) : [];
      return this.headsFound(v, q, (topical.length > 0 ? topical : holders).slice(0, 4), home);
    }
    // "某所的领导是谁": the named unit's own heads, where its rows name them; 分管 asks who oversees it instead.
    if (!/分管|主管|联系/.test(q.question) && (q.terms.length === 0 || q.places.length > 0)) {
      const own = ownHeads(q, pool, home);
      if (own.length > 0) return this.headsFound(v, q, own.slice(0, 4), home);
    }
    // "谁联系某镇", "谁分管某中心": the leaders whose 分管/联系 lines name that place as the question writes it.
    // Only where the place is the whole topic: "谁分管某中心的档案工作" asks about the work.
    if (/分管|主管|联系/.test(q.question) && q.terms.length === 0) {
      const written = q.places.flatMap((p) => [p.name, ...p.aliases]).filter((a) => a.length >= 2 && q.question.includes(a));
      const longest = written.filter((a) => !written.some((b) => b !== a && b.includes(a)));
      const rows = longest.length > 0 ? v.records.filter((r) => r.oversees.some((o) => longest.some((a) => o.includes(a)))) : [];
      if (rows.length > 0) return this.found(v, q, rows.slice(0, MAX_ANSWERS).map((record) => ({ record, score: 1, coverage: 1, focus: 1, phrase: 1 })));
    }
    // A named unit may be what is overseen ("谁分管某中心"): its leaders sit in it or above it.
    const named = q.places.filter((p) => p.kind !== 'department').flatMap((p) => p.covers);
    const near = named.length > 0 ? this.directory.expand(named) : null;
    const leaders = q.terms.length > 0 ? overseers(q, near ? v.records.filter((r) => near.has(r.unit)) : v.records) : [];
    if (leaders.length > 0) return this.found(v, q, leaders.slice(0, MAX_ANSWERS));
    if (q.terms.length === 0 || /主持|全面工作/.test(q.question)) {
      const holders = roleHolders(q, pool);
      if (holders.length > 0) return this.found(v, q, holders.slice(0, 4));
    }
    // "某某工作哪个领导负责": the leader whose own duties name the topic.
    if (q.terms.length > 0) {
      const leaderRows = pool.filter((r) => r.kind === 'leader' || r.kind === 'taskforce-role');
      const scored = rank(q, leaderRows, v.lexicon, v.fields, { vector: new Map() });
      const best = scored[0];
      if (best && best.record.lead.length > 0 && bandOf(best) === 'sure') return this.found(v, q, [best]);
      // "某项工作归哪个领导管": the leaders of the post that does the work, as the manual lays them out.
      const work = rank(q, pool, v.lexicon, v.fields, { vector: this.nearest(v, q, opts) })[0];
      if (work && bandOf(work) === 'sure') {
        const org = this.orgOf(v);
        const post = org.postOf(work.record.id);
        const leaders = post ? org.leadersOf(post).filter((l) => l.names.length > 0) : [];
        if (leaders.length > 0) {
          const answer = this.found(v, q, leaders.map((l) => ({ record: l.record, score: 1, coverage: 1, focus: 1, phrase: 1 })));
          const line = `${work.record.item.replace(/^[一二三四五六七八九十百]+、/, '')}（${work.record.post}）的${leaders[0]!.via === 'oversees' ? '分管领导' : '单位负责人'}：${leaders.map((l) => `${l.names.join('、')}（${l.post}）`).join('；')}。`;
          return { ...answer, summary: answer.summary ? `${line}\n${answer.summary}` : line, text: `${line}\n\n${answer.text}` };
        }
      }
    }
    return null;
  }

  /** Role holders as found, led by a line naming the unit they head where the question named it. */
  private headsFound(v: View, q: ParsedQuery, rows: Scored[], home: readonly string[] = []): Answer {
    const answer = this.found(v, q, rows);
    const line = answer.found && answer.band === 'sure' ? headsLine(q, rows, home) : null;
    if (!line) return answer;
    return { ...answer, summary: answer.summary ? `${line}\n${answer.summary}` : line, text: `${line}\n\n${answer.text}` };
  }

  private orgOf(v: View): Organisation {
    return v.org ?? this.wholeOrg();
  }

  private found(v: View, q: ParsedQuery, scored: Scored[]): Answer {
    // Leaders or role holders of several bureaus of one level, the question naming none: ask which.
    if (!v.units && q.places.length === 0 && scored.length > 1) {
      const first = scored[0]!.record.scope;
      if (this.familiesOf(scored.filter((s) => s.record.scope === first)).size > 1) return this.whichUnit(q, scored.filter((s) => s.record.scope === first));
    }
    // The same row printed in two documents (a head in a roster and on a page header) is one answer.
    const same = (r: DutyRecord) => [r.unit, r.department, r.post, r.item, r.lead.join('、'), r.assistants.join('、')].join('|');
    const seen = new Set<string>();
    scored = scored.filter((s) => s.record.kind === 'passage' || (!seen.has(same(s.record)) && !!seen.add(same(s.record))));
    const answers = scored.map((s) => toItem(s.record, s.score, q));
    let text = answersText(answers, q.intent);
    let summary: string | null = null;
    const leaders = scored.filter((s) => s.record.oversees.length > 0);
    if (q.intent === 'leadership' && leaders.length > 0) {
      summary = leaders
        .map((s) => `${s.record.lead.join('、') || '手册未列姓名'}（${s.record.post}，${s.record.unit}）分管：${s.record.oversees.join('、')}。`)
        .join('\n');
      text = `${summary}\n\n${text}`;
    }
    return { question: q.question, intent: q.intent, found: true, answers, summary, person: null, nearTopics: [], band: 'sure', alternatives: [], text };
  }

  /** The best match labelled as a guess, and up to two other rows to re-ask. */
  private plausible(v: View, q: ParsedQuery, scored: Scored[], withAlternatives: boolean, opts: AskOptions): Answer {
    const best = scored[0]!;
    const item = toItem(best.record, best.score, q);
    const alternatives: Alternative[] = [];
    const seen = new Set([best.record.item]);
    for (const s of withAlternatives ? scored.slice(1, 6) : []) {
      if (alternatives.length >= MAX_ALTERNATIVES || s.coverage < BANDS.plausible.coverage * 0.7) break;
      if (seen.has(s.record.item)) continue;
      seen.add(s.record.item);
      const question = questionFor(s.record, q.intent, { level: s.record.scope !== best.record.scope });
      // A button must lead to its row: kept only where asking it answers that row with confidence.
      const check = this.answer(question, { units: opts.units }, false);
      if (check.band === 'sure' && check.answers.some((a) => a.id === s.record.id)) alternatives.push({ item: s.record.item, unit: s.record.unit, question });
    }
    return {
      question: q.question,
      intent: q.intent,
      found: true,
      answers: [item],
      summary: null,
      person: null,
      nearTopics: [],
      band: 'plausible',
      alternatives,
      text: plausibleText(item, q.intent, alternatives),
    };
  }

  /** Every row the person leads or assists: complete, never a top-k cut. Leading rows first. */
  private person(v: View, q: ParsedQuery): Answer {
    const person = q.persons[0]!;
    const rows = v.records.filter((r) => r.kind !== 'passage' && (r.lead.includes(person) || r.assistants.includes(person)));
    const items: AnswerItem[] = [
      ...rows.filter((r) => r.lead.includes(person)),
      ...rows.filter((r) => !r.lead.includes(person)),
    ].map((r) => toItem(r, 1, null));
    const asked = { backup: q.backup, rest: q.persons.reduce((t, p) => t.split(p).join(' '), q.question) };
    const lines = personAsked(person, items, asked);
    return {
      question: q.question,
      intent: 'person',
      found: true,
      answers: items,
      summary: lines.length > 0 ? lines.join('\n') : null,
      person,
      nearTopics: [],
      band: 'sure',
      alternatives: [],
      text: personText(person, items, asked),
    };
  }

  // --- Model assistance (retrieval/llm): candidates offered to the model, and the answer rebuilt from its pick.

  /** The best-ranked rows for a question where it would be answered (the asker's or the named units), down to a low coverage: what a model may choose from. */
  shortlist(question: string, k = 8, opts: AskOptions = {}): DutyRecord[] {
    const { view } = this.route(question, opts.units);
    if (!view) return [];
    const q = parseQuery(question, view.lexicon, this.deps.segmenter);
    if (!q.terms.some((t) => [...t.text].length >= 2)) return [];
    const scored = rank(q, candidates(q, view.records), view.lexicon, view.fields, { vector: this.nearest(view, q, opts) });
    return scored.filter((s) => s.coverage >= 0.25).slice(0, k).map((s) => s.record);
  }

  /** The answer the engine gives when these rows answer the question: the same text and cards as its own. */
  answerWith(question: string, ids: readonly string[], intent?: Intent, opts: AskOptions = {}): Answer | null {
    const wanted = new Set(ids);
    const rows = [...wanted].map((id) => this.record(id)).filter((r): r is DutyRecord => r !== null);
    if (rows.length === 0) return null;
    rows.sort((a, b) => ids.indexOf(a.id) - ids.indexOf(b.id));
    const view = this.route(question, opts.units).view ?? this.viewOf(this.directory.expand([...new Set(rows.map((r) => r.unit))]));
    const parsed = parseQuery(question, view.lexicon, this.deps.segmenter);
    const q = intent ? { ...parsed, intent } : parsed;
    return this.found(view, q, rows.map((record) => ({ record, score: 1, coverage: 1, focus: 1, phrase: 1 })));
  }

  private notFound(v: View, q: ParsedQuery, scored: Scored[], o: { role?: string } = {}): Answer {
    const topics: string[] = [];
    for (const s of scored) {
      if (topics.length >= 3 || s.coverage < 0.25) break;
      const topic = s.record.item.replace(/^[一二三四五六七八九十]+、/, '');
      if (!topics.includes(topic) && !v.lexicon.persons.some((p) => topic.includes(p))) topics.push(topic);
    }
    const examples = this.examples(v.units ? [...v.units] : undefined);
    return {
      question: q.question,
      intent: q.intent,
      found: false,
      answers: [],
      summary: null,
      person: q.unknownPerson,
      nearTopics: topics,
      band: 'none',
      alternatives: [],
      text: notFoundText(q.question, topics, { unknownPerson: q.unknownPerson, unknownOffice: q.unknownOffice, role: o.role, examples }),
    };
  }
}

const samePeople = (a: DutyRecord, b: DutyRecord) =>
  a.lead.join('、') === b.lead.join('、') && (a.lead.length > 0 || a.post === b.post);

function bandOf(s: Scored): Band {
  if (s.coverage >= BANDS.sure.coverage && s.focus >= BANDS.sure.focus) return 'sure';
  if (s.coverage >= BANDS.plausible.coverage && s.focus >= BANDS.plausible.focus) return 'plausible';
  return 'none';
}

/** Exact k-nearest by dot product (vectors are L2-normalised) over a row-major matrix. */
export function scanNearest(ids: readonly string[], dims: number, data: Float32Array, vector: Float32Array, k: number): Map<string, number> {
  if (vector.length !== dims) return new Map();
  const dots = new Float32Array(ids.length);
  for (let i = 0; i < ids.length; i++) {
    let dot = 0;
    const off = i * dims;
    for (let d = 0; d < dims; d++) dot += data[off + d]! * vector[d]!;
    dots[i] = dot;
  }
  const order = Array.from(dots.keys()).sort((a, b) => dots[b]! - dots[a]!);
  return new Map(order.slice(0, k).map((i) => [ids[i]!, dots[i]!]));
}

/** Example questions for help, not-found and console pages, taken from the engine's loaded manuals. */
export function exampleQuestions(engine: DutyEngine): string[] {
  return engine.examples();
}
