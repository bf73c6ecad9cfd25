import type { DutyRecord } from '../ingest/record.js';
import { buildPlaces, type Place } from './places.js';
import { fold, recordTexts, type RecordTexts } from './recordText.js';

/** Colloquial word → the manuals' words. Kept as data in seeds/synonyms.json. */
export type Synonyms = Record<string, string[]>;

const keyCache = new WeakMap<Synonyms, string[]>();
function synonymKeys(synonyms: Synonyms): string[] {
  let keys = keyCache.get(synonyms);
  if (!keys) keyCache.set(synonyms, (keys = Object.keys(synonyms).sort((a, b) => b.length - a.length)));
  return keys;
}

/** Everything the engine knows about the corpus as a whole: names, places, word frequencies. */
export class Lexicon {
  readonly texts = new Map<string, RecordTexts>();
  readonly persons: string[];
  readonly places: Place[];
  /** Synonym keys, longest first. */
  readonly synonymKeys: string[];
  private readonly dfCache = new Map<string, number>();

  constructor(
    readonly records: readonly DutyRecord[],
    readonly synonyms: Synonyms,
    /** Texts computed before (stored with the index); computed here for records they lack. */
    texts?: ReadonlyMap<string, RecordTexts>,
  ) {
    for (const r of records) this.texts.set(r.id, texts?.get(r.id) ?? recordTexts(r));
    const names = new Set(records.flatMap((r) => [...r.lead, ...r.assistants]));
    this.persons = [...names].sort((a, b) => b.length - a.length);
    this.places = buildPlaces(records);
    this.synonymKeys = synonymKeys(synonyms);
  }

  /** How many records contain the word (any of its forms). */
  df(word: string): number {
    const w = fold(word);
    let n = this.dfCache.get(w);
    if (n === undefined) {
      n = 0;
      for (const t of this.texts.values()) if (t.full.includes(w)) n++;
      // Questions bring new words without end: keep the cache bounded.
      if (this.dfCache.size > 50_000) this.dfCache.clear();
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

export type { Place };
