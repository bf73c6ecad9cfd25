import type { Scope, UnitInfo } from '../ingest/record.js';
import type { Catalogue } from './catalogue.js';
import { buildPlaces, levelOf, type Place, placesIn } from './places.js';

/**
 * The corpus as a set of units, cheap to hold for any number of bureaus: which units there are, how they
 * nest (a bureau and its centres form one family), who works where, and which places a question names.
 * Deciding where a question belongs needs only this; answering it needs the records of those units only.
 */
export class Directory {
  readonly units: string[] = [];
  readonly places: Place[];
  /** Every person named in the manuals, longest first. */
  readonly persons: string[];
  private readonly parent = new Map<string, string | null>();
  private readonly scope = new Map<string, Scope>();
  private readonly personUnits = new Map<string, Set<string>>();
  /** Record positions per family (the top unit of a chain of parents). */
  private readonly families = new Map<string, number[]>();
  private readonly familyOfUnit = new Map<string, string>();
  /** Persons by first character, for finding the names a question holds without trying them all. */
  private readonly personsByChar = new Map<string, string[]>();
  private readonly expanded = new Map<string, Set<string>>();

  constructor(
    readonly catalogue: Catalogue,
    unitInfos: readonly UnitInfo[],
  ) {
    for (const u of unitInfos) if (u.parent) this.parent.set(u.unit, u.parent);
    for (const p of catalogue.places) {
      if (!this.scope.has(p.unit)) {
        this.units.push(p.unit);
        this.scope.set(p.unit, p.scope);
      }
      if (p.parentUnit && !this.parent.get(p.unit)) this.parent.set(p.unit, p.parentUnit);
    }
    for (const [p, units] of catalogue.personUnits) this.personUnits.set(p, new Set(units));
    const familyOfUnitIndex = catalogue.unitNames.map((u) => this.familyOf(u));
    for (let row = 0; row < catalogue.size; row++) {
      const f = familyOfUnitIndex[catalogue.unitOf[row]!]!;
      let list = this.families.get(f);
      if (!list) this.families.set(f, (list = []));
      list.push(row);
    }
    this.persons = [...this.personUnits.keys()].sort((a, b) => b.length - a.length);
    for (const p of this.persons) {
      const c = p[0]!;
      const list = this.personsByChar.get(c) ?? [];
      list.push(p);
      this.personsByChar.set(c, list);
    }
    this.places = catalogue.builtPlaces();
  }

  has(unit: string): boolean {
    return this.scope.has(unit);
  }

  scopeOf(unit: string): Scope | null {
    return this.scope.get(unit) ?? null;
  }

  parentOf(unit: string): string | null {
    const p = this.parent.get(unit) ?? null;
    return p && p !== unit ? p : null;
  }

  /** The top of the unit's chain of parents: a bureau for its centres, itself at the top. */
  familyOf(unit: string): string {
    let f = this.familyOfUnit.get(unit);
    if (f) return f;
    f = unit;
    const seen = new Set([unit]);
    for (let p = this.parentOf(f); p && !seen.has(p); p = this.parentOf(f)) {
      seen.add(p);
      // A parent no manual holds records for (a district government above a task force) is not a family of its own.
      if (!this.scope.has(p)) break;
      f = p;
    }
    this.familyOfUnit.set(unit, f);
    return f;
  }

  /** Several families (bureaus) of one level: a deployment for many bureaus, where a person's unit matters. */
  get manyBureaus(): boolean {
    const seen = new Set<Scope>();
    for (const f of this.families.keys()) {
      const s = this.scope.get(f);
      if (!s) continue;
      if (seen.has(s)) return true;
      seen.add(s);
    }
    return false;
  }

  /** Family names, in manual order. */
  familyNames(): string[] {
    return [...this.families.keys()];
  }

  /** The catalogue rows of a family's records, in index order. */
  familyRows(family: string): readonly number[] {
    return this.families.get(family) ?? [];
  }

  /** The units a family holds. */
  familyUnits(family: string): string[] {
    return this.units.filter((u) => this.familyOf(u) === family);
  }

  /** The units themselves, every unit above them and every unit below them (a centre sees its bureau, a bureau its centres). */
  expand(units: readonly string[]): Set<string> {
    const key = units.join('\u0000');
    const hit = this.expanded.get(key);
    if (hit) return hit;
    const given = units.filter((u) => this.scope.has(u));
    const out = new Set<string>();
    for (const u of given) {
      out.add(u);
      for (let p = this.parentOf(u); p && !out.has(p); p = this.parentOf(p)) if (this.scope.has(p)) out.add(p);
    }
    for (const u of this.units) if (given.some((x) => this.isBelow(u, x))) out.add(u);
    if (this.expanded.size > 1000) this.expanded.clear();
    this.expanded.set(key, out);
    return out;
  }

  /** True where `unit` is `top` or below it. */
  private isBelow(unit: string, top: string): boolean {
    const seen = new Set<string>();
    for (let u: string | null = unit; u && !seen.has(u); u = this.parentOf(u)) {
      if (u === top) return true;
      seen.add(u);
    }
    return false;
  }

  /** Persons a question names. */
  personsIn(q: string): string[] {
    const out: string[] = [];
    for (const c of new Set(q)) for (const p of this.personsByChar.get(c) ?? []) if (q.includes(p) && !out.includes(p)) out.push(p);
    return out.sort((a, b) => b.length - a.length);
  }

  unitsOfPerson(name: string): string[] {
    return [...(this.personUnits.get(name) ?? [])];
  }

  /**
   * The units a question names by themselves: a unit or region (with what it covers), a section (the
   * units holding it, those in `within` when some are), persons (their units), or a level ("市局") that
   * `within` does not reach. Null where it names none of these.
   */
  namedUnits(question: string, within: ReadonlySet<string> | null): Set<string> | null {
    const q = question.replace(/\s+/g, '');
    const hits = placesIn(q, this.places);
    const units = new Set(hits.filter((h) => h.place.kind !== 'department').flatMap((h) => h.place.covers));
    if (units.size > 0) return units;
    const depts = hits.filter((h) => h.place.kind === 'department').flatMap((h) => h.place.covers);
    if (depts.length > 0) {
      const inside = within ? depts.filter((u) => within.has(u)) : [];
      return new Set(inside.length > 0 ? inside : depts);
    }
    const persons = this.personsIn(q);
    if (persons.length > 0) return new Set(persons.flatMap((p) => this.unitsOfPerson(p)));
    const level = levelOf(q);
    if (level && within && ![...within].some((u) => this.scope.get(u) === level)) {
      const at = this.units.filter((u) => this.scope.get(u) === level);
      // Above the asker first ("市局" from a district bureau means its own city's bureau, where the manuals say so).
      const above = at.filter((u) => [...within].some((w) => this.isBelow(w, u)));
      if (above.length > 0) return this.expand(above);
      if (at.length > 0) return new Set(at);
    }
    return null;
  }
}
