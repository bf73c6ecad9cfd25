import type { DutyRecord, Scope } from '../ingest/record.js';
import { buildPlaces, type Place } from './places.js';

/** What routing needs of one record: its unit and place, its people, its file, and its title text. */
export interface CatalogueEntry {
  id: string;
  unit: string;
  scope: Scope;
  parentUnit: string | null;
  department: string | null;
  file: string;
  /** Everyone it names as lead or assistant. */
  persons: readonly string[];
  /** Item, chart titles, post and 分管, lower-cased: what a question without a unit is first matched on. */
  title: string;
}

/** The title text a record is matched on across units. */
export function titleOf(r: DutyRecord): string {
  return [r.item, ...(r.flow?.titles ?? []), r.post, ...r.oversees].join('|').toLowerCase();
}

export function catalogueEntry(r: DutyRecord): CatalogueEntry {
  return {
    id: r.id,
    unit: r.unit,
    scope: r.scope,
    parentUnit: r.parentUnit,
    department: r.department,
    file: r.source.file,
    persons: [...new Set([...r.lead, ...r.assistants])],
    title: titleOf(r),
  };
}

const SEP = '\u0000';

export interface CatalogueData {
  ids: string;
  files: string[];
  fileOf: number[];
  units: string[];
  unitOf: number[];
  titles: string[];
  titleOf: number[];
  places: PlaceEntry[];
  persons: [string, number[]][];
  built: Place[];
}

/** A distinct (unit, department) of the corpus in first-seen order, with the unit's place: what places are built from. */
export interface PlaceEntry {
  unit: string;
  scope: Scope;
  parentUnit: string | null;
  department: string | null;
}

/**
 * Every record of a corpus as a row of a few numbers and shared strings: cheap to hold for tens of thousands
 * of records, while the records themselves stay in the index until a question needs their units.
 * Row i is the index's i-th record (its order at ingest).
 */
export class Catalogue {
  readonly ids: string[] = [];
  /** Per row: position in `unitNames`, `files`, `titles`. */
  readonly unitOf: Uint32Array;
  readonly fileOf: Uint32Array;
  readonly titleOf: Uint32Array;
  readonly unitNames: string[] = [];
  readonly files: string[] = [];
  /** Distinct title texts. */
  readonly titles: string[] = [];
  /** Distinct (unit, scope, parent, department) in first-seen order. */
  readonly places: PlaceEntry[] = [];
  /** Person → units, in first-seen order. */
  readonly personUnits = new Map<string, string[]>();
  private rowById: Map<string, number> | null = null;
  private built: Place[] | null = null;

  constructor(entries: Iterable<CatalogueEntry>, size: number) {
    this.unitOf = new Uint32Array(size);
    this.fileOf = new Uint32Array(size);
    this.titleOf = new Uint32Array(size);
    const units = new Map<string, number>();
    const files = new Map<string, number>();
    const titles = new Map<string, number>();
    const placeKeys = new Set<string>();
    const intern = (map: Map<string, number>, list: string[], s: string) => {
      let i = map.get(s);
      if (i === undefined) {
        map.set(s, (i = list.length));
        list.push(s);
      }
      return i;
    };
    let row = 0;
    for (const e of entries) {
      if (row >= size) throw new Error('catalogue: more entries than its size');
      this.ids.push(e.id);
      this.unitOf[row] = intern(units, this.unitNames, e.unit);
      this.fileOf[row] = intern(files, this.files, e.file);
      this.titleOf[row] = intern(titles, this.titles, e.title);
      const key = `${e.unit}\u0000${e.scope}\u0000${e.parentUnit ?? ''}\u0000${e.department ?? ''}`;
      if (!placeKeys.has(key)) {
        placeKeys.add(key);
        this.places.push({ unit: this.unitNames[this.unitOf[row]!]!, scope: e.scope, parentUnit: e.parentUnit, department: e.department });
      }
      for (const p of e.persons) {
        const list = this.personUnits.get(p);
        const unit = this.unitNames[this.unitOf[row]!]!;
        if (!list) this.personUnits.set(p, [unit]);
        else if (!list.includes(unit)) list.push(unit);
      }
      row++;
    }
    if (row !== size) throw new Error(`catalogue: ${row} entries for a size of ${size}`);
  }

  static fromRecords(records: readonly DutyRecord[]): Catalogue {
    return new Catalogue(
      (function* () {
        for (const r of records) yield catalogueEntry(r);
      })(),
      records.length,
    );
  }

  /** The catalogue as stored in an index: one JSON text, places already built. */
  toJSON(): CatalogueData {
    const unitIndex = new Map(this.unitNames.map((u, i) => [u, i]));
    return {
      ids: this.ids.join(SEP),
      files: this.files,
      fileOf: Array.from(this.fileOf),
      units: this.unitNames,
      unitOf: Array.from(this.unitOf),
      titles: this.titles,
      titleOf: Array.from(this.titleOf),
      places: this.places,
      persons: [...this.personUnits].map(([p, units]) => [p, units.map((u) => unitIndex.get(u)!)]),
      built: this.builtPlaces(),
    };
  }

  static fromJSON(d: CatalogueData): Catalogue {
    const c = new Catalogue([], 0);
    const ids = d.ids === '' ? [] : d.ids.split(SEP);
    const w = c as unknown as { ids: string[]; unitOf: Uint32Array; fileOf: Uint32Array; titleOf: Uint32Array; unitNames: string[]; files: string[]; titles: string[]; places: PlaceEntry[]; built: Place[] };
    w.ids = ids;
    w.unitOf = Uint32Array.from(d.unitOf);
    w.fileOf = Uint32Array.from(d.fileOf);
    w.titleOf = Uint32Array.from(d.titleOf);
    w.unitNames = d.units;
    w.files = d.files;
    w.titles = d.titles;
    w.places = d.places;
    w.built = d.built;
    for (const [p, units] of d.persons) c.personUnits.set(p, units.map((i) => d.units[i]!));
    return c;
  }

  /** Units, sections and regions a question can name (see buildPlaces), built once. */
  builtPlaces(): Place[] {
    return (this.built ??= buildPlaces(this.places));
  }

  get size(): number {
    return this.ids.length;
  }

  unit(row: number): string {
    return this.unitNames[this.unitOf[row]!]!;
  }

  file(row: number): string {
    return this.files[this.fileOf[row]!]!;
  }

  title(row: number): string {
    return this.titles[this.titleOf[row]!]!;
  }

  /** The row of a record id, or -1. */
  rowOf(id: string): number {
    this.rowById ??= new Map(this.ids.map((id, i) => [id, i]));
    return this.rowById.get(id) ?? -1;
  }
}
