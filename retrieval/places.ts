import type { DutyRecord, Scope } from '../ingest/record.js';

/** A place a question can name: a unit, a section, or a region several units share. */
export interface Place {
  kind: 'unit' | 'department' | 'region';
  name: string;
  scope: Scope;
  aliases: string[];
  /** The units a question naming this place is about: a bureau covers its centres, a region its units. */
  covers: string[];
}

/**
 * Level words: they name a level of government, not a unit. Read as the scope of the question and
 * never as a topic word.
 */
export const LEVEL_WORDS: Record<Scope, string[]> = {
  province: ['省厅', '省里', '全省', '省级', '本省', '我省'],
  city: ['市局', '市里', '全市', '市级', '市本级', '本市', '我市'],
  district: ['区局', '区里', '全区', '区级', '区本级', '本区', '我区', '县局', '县里', '全县', '县级', '本县', '我县'],
  subdistrict: ['街道', '镇里', '乡里', '镇上', '乡镇', '全街道', '本街道'],
  unit: [],
};

/** Suffixes that say what kind of body a unit is, not which one: stripped to get its short name. */
const GENERIC_SUFFIX = /(?:自然资源和规划局|自然资源局|规划和自然资源局|国土资源局|自然资源和规划分局|自然资源分局|分局|局|发展中心|中心|街道办事处|办事处|工作专班|专班)$/;
/** A region name at the front of a unit name: "某某区", "某某县", "某某路街道". */
const REGION = /^([\u4e00-\u9fa5]{2,6}?(?:省|自治区|市|自治州|地区|盟|区|县|旗|街道|镇|乡))/;
/** Every region a unit's name is under, outermost first: "某县某镇人民政府" → 某县, 某镇. */
function regionsOf(name: string): string[] {
  const out: string[] = [];
  let rest = name;
  for (let i = 0; i < 3; i++) {
    const region = REGION.exec(rest)?.[1];
    if (!region || region === rest) break;
    out.push(region);
    rest = rest.slice(region.length);
  }
  return out;
}

/** Kinds of bureau: no tail of these names one bureau, however few bureaus a corpus holds. */
const BUREAU_KINDS = ['自然资源和规划局', '规划和自然资源局', '自然资源局', '国土资源局', '自然资源和规划分局', '自然资源分局'];
const bureauTail = (a: string) => BUREAU_KINDS.some((k) => k.endsWith(a));
/** Parts too generic to name one place on their own. */
const TOO_GENERIC = /^(?:中心|局|科|股|室|工作专班|专班办公室|办公室|岗位?|单位|部门|发展中心|资源|自然资源|支队|大队|中队|队|所|站|院|处|组|小组|领导小组|委员会)$/;

/** Units, sections and regions named by the loaded records, with the short forms staff use for them. */
export function buildPlaces(records: readonly Pick<DutyRecord, 'unit' | 'scope' | 'parentUnit' | 'department'>[]): Place[] {
  const named = new Map<string, Place>();
  const parents = new Map<string, string | null>();
  for (const r of records) {
    if (!named.has(r.unit)) named.set(r.unit, { kind: 'unit', name: r.unit, scope: r.scope, aliases: [], covers: [r.unit] });
    if (r.parentUnit && !parents.get(r.unit)) parents.set(r.unit, r.parentUnit);
    if (r.department) {
      const d = named.get(r.department);
      if (!d) named.set(r.department, { kind: 'department', name: r.department, scope: r.scope, aliases: [], covers: [r.unit] });
      else if (d.kind === 'department' && !d.covers.includes(r.unit)) d.covers.push(r.unit);
    }
  }
  const units = [...named.values()].filter((p) => p.kind === 'unit');
  const childrenOf = new Map<string, string[]>();
  for (const c of units) {
    const p = parents.get(c.name);
    if (p) childrenOf.set(p, [...(childrenOf.get(p) ?? []), c.name]);
  }
  for (const u of units) u.covers = [u.name, ...(childrenOf.get(u.name) ?? [])];
  // Regions shared by several units ("某某区" for a bureau and its centres) name all of them.
  const regions = new Map<string, Place>();
  for (const u of units) {
    for (const region of regionsOf(u.name)) {
      let p = regions.get(region);
      if (!p) regions.set(region, (p = { kind: 'region', name: region, scope: u.scope, aliases: [], covers: [] }));
      if (!p.covers.includes(u.name)) p.covers.push(u.name);
    }
  }
  const all = [...named.values()];
  // How many places' names hold each stretch of characters: "does another place share this part" in one lookup.
  const holders = new Map<string, number>();
  for (const p of all) {
    const chars = [...p.name];
    const parts = new Set<string>();
    for (let i = 0; i < chars.length; i++) for (let j = i + 1; j <= chars.length; j++) parts.add(chars.slice(i, j).join(''));
    for (const part of parts) holders.set(part, (holders.get(part) ?? 0) + 1);
  }
  const shared = (part: string, self: Place) => (holders.get(part) ?? 0) - (self.name.includes(part) ? 1 : 0) > 0;
  for (const place of all) {
    const aliases = new Set<string>([place.name]);
    const region = place.kind === 'unit' ? REGION.exec(place.name)?.[1] : undefined;
    const rest = region ? place.name.slice(region.length) : place.name;
    const short = rest.replace(GENERIC_SUFFIX, '');
    for (const a of [rest, short]) if ([...a].length >= 2 && !TOO_GENERIC.test(a) && !shared(a, place)) aliases.add(a);
    // A suffix or prefix of the name stands for it when no other place shares it.
    const chars = [...place.name];
    // A suffix cut inside the region's name ("溪区自然资源局") names nothing; from its level word on, it names a
    // level plus a kind of bureau ("区自然资源局": any district's) unless the rest is this unit's own name.
    const regionEnd = region ? [...region].length : 0;
    const cut = (i: number) => i < regionEnd - 1 || (i === regionEnd - 1 && bureauTail(chars.slice(i + 1).join('')));
    for (let i = 1; i < chars.length - 1; i++) {
      const suffix = chars.slice(i).join('');
      if (!cut(i) && suffix.length >= 2 && !TOO_GENERIC.test(suffix) && !shared(suffix, place)) aliases.add(suffix);
      const prefix = chars.slice(0, chars.length - i).join('');
      if (place.kind === 'unit' && prefix.length >= 3 && !shared(prefix, place)) aliases.add(prefix);
    }
    place.aliases = [...aliases]
      .filter((a) => a === place.name || ([...a].length >= 2 && !isLevelWord(a) && !bureauTail(a)))
      .sort((a, b) => b.length - a.length);
  }
  for (const r of regions.values()) {
    const bare = r.name.replace(/(?:省|自治区|市|自治州|地区|盟|区|县|旗|街道|镇|乡)$/, '');
    r.aliases = [r.name, ...([...bare].length >= 2 ? [bare] : [])].sort((a, b) => b.length - a.length);
    // A region of one unit is just that unit's other name.
    if (r.covers.length === 1) named.get(r.covers[0]!)?.aliases.push(...r.aliases.filter((a) => !named.get(r.covers[0]!)!.aliases.includes(a)));
    else all.push(r);
  }
  return all;
}

export function isLevelWord(word: string): boolean {
  return Object.values(LEVEL_WORDS).some((list) => list.includes(word));
}

/**
 * The one level the question names, or null where it names none or several. `partOfTopic` says when a level
 * word only begins a longer phrase the manuals use ("乡镇国土空间总体规划"): then it names no level.
 */
export function levelOf(q: string, partOfTopic: (phrase: string) => boolean = () => false): Scope | null {
  const names = (w: string) => {
    for (let at = q.indexOf(w); at >= 0; at = q.indexOf(w, at + 1)) if (!partOfTopic(q.slice(at, at + w.length + 2))) return true;
    return false;
  };
  const hits = (Object.keys(LEVEL_WORDS) as Scope[]).filter((s) => LEVEL_WORDS[s].some(names));
  return hits.length === 1 ? hits[0]! : null;
}

/** Places whose names or short forms the question contains; a longer name wins over a part of it. */
export function placesIn(q: string, places: readonly Place[]): { place: Place; alias: string }[] {
  const hits: { place: Place; alias: string }[] = [];
  for (const place of places) {
    const alias = place.aliases.find((a) => q.includes(a));
    if (alias) hits.push({ place, alias });
  }
  // A region written as part of a unit's name ("某镇" of "某镇自然资源所") names that unit, not the region's others.
  const within = (h: { place: Place; alias: string }, o: { place: Place; alias: string }) =>
    o.place.kind === h.place.kind || (h.place.kind === 'region' && o.place.kind === 'unit' && h.place.covers.includes(o.place.name));
  return hits.filter((h) => !hits.some((o) => o !== h && o.alias.length > h.alias.length && o.alias.includes(h.alias) && within(h, o)));
}
