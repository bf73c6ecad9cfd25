import type { CorpusLoad } from './parseManual.js';
import type { UnitInfo } from './record.js';
import { placesOf } from './units.js';

/** Names of bureaus: what a centre, station or team of the same place belongs to. */
const BUREAU = /(?:局|厅)$/;
/** Names that are not a bureau's subordinate even where they share its place: governments and their offices. */
const NOT_SUBORDINATE = /(?:局|厅|人民政府|办事处|委员会)$/;

/**
 * Parents the documents did not state, read from the units' names across the corpus: a centre, station or
 * team ("桐溪区不动产登记中心", "白石县梧桐镇自然资源所") belongs to the one bureau of its place ("桐溪区自然资源局",
 * "白石县自然资源局"), the innermost place that has exactly one. Units with a stated parent keep it; a place
 * with several bureaus links nothing.
 */
export function inferredParents(units: readonly Pick<UnitInfo, 'unit' | 'parent'>[]): Map<string, string> {
  const bureausAt = new Map<string, string[]>();
  for (const { unit } of units) {
    if (!BUREAU.test(unit)) continue;
    const place = placesOf(unit).at(-1);
    if (!place) continue;
    const list = bureausAt.get(place) ?? [];
    if (!list.includes(unit)) list.push(unit);
    bureausAt.set(place, list);
  }
  const stated = new Map(units.filter((u) => u.parent).map((u) => [u.unit, u.parent!]));
  const out = new Map<string, string>();
  for (const { unit } of units) {
    if (stated.has(unit) || out.has(unit) || NOT_SUBORDINATE.test(unit)) continue;
    const places = placesOf(unit);
    for (let i = places.length - 1; i >= 0; i--) {
      const bureaus = (bureausAt.get(places[i]!) ?? []).filter((b) => b !== unit);
      if (bureaus.length === 0) continue;
      if (bureaus.length === 1 && !descends(bureaus[0]!, unit, stated)) out.set(unit, bureaus[0]!);
      break;
    }
  }
  return out;
}

/** True where `unit` is `from` or one of its stated ancestors (a link the other way would make a cycle). */
function descends(from: string, unit: string, stated: ReadonlyMap<string, string>): boolean {
  const seen = new Set<string>();
  for (let u: string | undefined = from; u && !seen.has(u); u = stated.get(u)) {
    if (u === unit) return true;
    seen.add(u);
  }
  return false;
}

/** Fills in the parents `inferredParents` finds, on the units and on their records. */
export function linkUnits(corpus: Pick<CorpusLoad, 'records' | 'units'>): void {
  const fromRecords = new Map<string, string>();
  for (const r of corpus.records) if (r.parentUnit && !fromRecords.has(r.unit)) fromRecords.set(r.unit, r.parentUnit);
  const parents = inferredParents(corpus.units.map((u) => ({ unit: u.unit, parent: u.parent ?? fromRecords.get(u.unit) ?? null })));
  if (parents.size === 0) return;
  for (const u of corpus.units) if (!u.parent && parents.has(u.unit)) u.parent = parents.get(u.unit)!;
  for (const r of corpus.records) if (!r.parentUnit && parents.has(r.unit)) r.parentUnit = parents.get(r.unit)!;
}
