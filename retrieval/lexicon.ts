import type { DutyRecord, Scope } from '../ingest/record.js';
import { fold, recordTexts, type RecordTexts } from './recordText.js';

/** Colloquial word → the manuals' words. Kept as data in seeds/synonyms.json. */
export type Synonyms = Record<string, string[]>;

/** A place a question can name: a unit or a section, with the forms that name it. */
export interface Place {
  kind: 'unit' | 'department';
  name: string;
  scope: Scope;
  aliases: string[];
}

/** Everything the engine knows about the corpus as a whole: names, places, word frequencies. */
export class Lexicon {
  readonly texts = new Map<string, RecordTexts>();
  readonly persons: string[];
  readonly places: Place[];
  private readonly dfCache = new Map<string, number>();

  constructor(
    readonly records: readonly DutyRecord[],
    readonly synonyms: Synonyms,
  ) {
    for (const r of records) this.texts.set(r.id, recordTexts(r));
    const names = new Set(records.flatMap((r) => [...r.lead, ...r.assistants]));
    this.persons = [...names].sort((a, b) => b.length - a.length);
    this.places = buildPlaces(records);
  }

  /** How many records contain the word (any of its forms). */
  df(word: string): number {
    const w = fold(word);
    let n = this.dfCache.get(w);
    if (n === undefined) {
      n = 0;
      for (const t of this.texts.values()) if (t.full.includes(w)) n++;
      this.dfCache.set(w, n);
    }
    return n;
  }

  /** Inverse document frequency; a word no record holds weighs most. */
  idf(word: string): number {
    return Math.log(1 + this.records.length / (1 + this.df(word)));
  }

  isPerson(name: string): boolean {
    return this.persons.includes(name);
  }

  /** True where some record's text holds the word at all. */
  known(word: string): boolean {
    return this.df(word) > 0;
  }
}

function buildPlaces(records: readonly DutyRecord[]): Place[] {
  const named = new Map<string, Place>();
  for (const r of records) {
    if (!named.has(r.unit)) named.set(r.unit, { kind: 'unit', name: r.unit, scope: r.scope, aliases: [] });
    if (r.department && !named.has(r.department))
      named.set(r.department, { kind: 'department', name: r.department, scope: r.scope, aliases: [] });
  }
  const all = [...named.values()];
  // A suffix or prefix of a name stands for it when no other place shares it: "生态修复中心", "专班", "中山路".
  const shared = (part: string, self: Place) => all.some((p) => p !== self && p.name.includes(part));
  for (const place of all) {
    const chars = [...place.name];
    const aliases = new Set<string>([place.name]);
    for (let i = 1; i < chars.length - 1; i++) {
      const suffix = chars.slice(i).join('');
      if (suffix.length >= 2 && !/^(?:中心|局|科|工作专班)$/.test(suffix) && !shared(suffix, place)) aliases.add(suffix);
      const prefix = chars.slice(0, chars.length - i).join('');
      if (prefix.length >= 3 && !shared(prefix, place) && place.kind === 'unit') aliases.add(prefix);
    }
    place.aliases = [...aliases].filter((a) => a.length >= 2).sort((a, b) => b.length - a.length);
  }
  return all;
}
