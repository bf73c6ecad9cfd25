import type { DutyRecord, Scope, UnitInfo } from '../ingest/record.js';

/** A post (岗位) of one unit or section, with all its rows in manual order. */
export interface PostRef {
  /** Stable within one set of manuals: `<file>|<unit>|<department>|<post>`. */
  key: string;
  unit: string;
  department: string | null;
  post: string;
  file: string;
  scope: Scope;
  records: DutyRecord[];
}

export interface Leader {
  names: string[];
  post: string;
  /** How the leader was found: "分管" (the leader's row lists the post's people or unit), "主持" (the principal). */
  via: 'oversees' | 'principal';
  record: DutyRecord;
}

const bigrams = (s: string) => {
  const chars = [...s.replace(/[\s、，,：:（）()]/g, '')];
  const out = new Set<string>();
  for (let i = 0; i + 1 < chars.length; i++) out.add(chars[i]! + chars[i + 1]!);
  return out;
};

/** Short name of a post: "综合岗2：档案管理岗" → "档案管理岗". */
export const postTitle = (post: string) => post.split(/[：:]/).slice(1).join('：') || post;
/** Its label: "综合岗2". */
export const postLabel = (post: string) => post.split(/[：:]/)[0]!;

/**
 * The posts a person holds (leads a row of) and the posts they only assist on, as "岗位（单位）" labels,
 * from rows naming them: an assistant on a leader's rows does not hold the leader's post.
 */
export function personPosts(
  person: string,
  rows: readonly { post: string; unit: string; department: string | null; lead: readonly string[]; assistants: readonly string[] }[],
): { held: string[]; assisted: string[] } {
  const label = (r: (typeof rows)[number]) => `${r.post}（${r.department ? `${r.unit} ${r.department}` : r.unit}）`;
  const held = [...new Set(rows.filter((r) => r.lead.includes(person)).map(label))];
  const assisted = [...new Set(rows.filter((r) => r.assistants.includes(person)).map(label))].filter((p) => !held.includes(p));
  return { held, assisted };
}

/** Posts, units, leaders and colleagues, as the manuals lay them out; complete lists, never a top-k. */
export class Organisation {
  readonly posts: PostRef[] = [];
  private readonly byRecord = new Map<string, PostRef>();
  /** Post labels that carry a number ("综合岗2", "副职岗位1"), longest first, for "入职 综合岗2". */
  private readonly labels: string[];

  constructor(
    readonly records: readonly DutyRecord[],
    readonly units: readonly UnitInfo[],
  ) {
    const byKey = new Map<string, PostRef>();
    for (const r of records) {
      const key = `${r.source.file}|${r.unit}|${r.department ?? ''}|${r.post}`;
      let p = byKey.get(key);
      if (!p) {
        p = { key, unit: r.unit, department: r.department, post: r.post, file: r.source.file, scope: r.scope, records: [] };
        byKey.set(key, p);
        this.posts.push(p);
      }
      p.records.push(r);
      this.byRecord.set(r.id, p);
    }
    const labels = new Set<string>();
    for (const p of this.posts) {
      const label = postLabel(p.post);
      if (/\d$/.test(label) || /岗位$/.test(label)) labels.add(label);
    }
    this.labels = [...labels].sort((a, b) => b.length - a.length);
  }

  postOf(recordId: string): PostRef | null {
    return this.byRecord.get(recordId) ?? null;
  }

  byKey(key: string): PostRef | null {
    return this.posts.find((p) => p.key === key) ?? null;
  }

  /** Leads first, then assistants, each once, in manual order. */
  peopleOf(p: PostRef): { leads: string[]; assistants: string[] } {
    const leads = [...new Set(p.records.flatMap((r) => r.lead))];
    const assistants = [...new Set(p.records.flatMap((r) => r.assistants))].filter((n) => !leads.includes(n));
    return { leads, assistants };
  }

  /** Posts where the person leads (most rows first), then posts where they only assist. */
  postsOfPerson(name: string): PostRef[] {
    const { leads, assists } = this.rolesOfPerson(name);
    return [...leads, ...assists];
  }

  /**
   * The person's posts by role: those where they lead a row (most rows first), and those where they only
   * assist (ordinary posts before leaders' posts, whose assistants are the staff the leader oversees).
   */
  rolesOfPerson(name: string): { leads: PostRef[]; assists: PostRef[] } {
    const leads = this.posts.filter((p) => p.records.some((r) => r.lead.includes(name)));
    const count = (p: PostRef) => p.records.filter((r) => r.lead.includes(name)).length;
    leads.sort((a, b) => count(b) - count(a));
    const isLeaderPost = (p: PostRef) => p.records.every((r) => r.kind === 'leader' || r.kind === 'taskforce-role');
    const assists = this.posts.filter((p) => !leads.includes(p) && p.records.some((r) => r.assistants.includes(name)));
    assists.sort((a, b) => Number(isLeaderPost(a)) - Number(isLeaderPost(b)));
    return { leads, assists };
  }

  /** The unit a centre belongs to, or the unit itself. */
  private parentOf(unit: string): string | null {
    return this.units.find((u) => u.unit === unit)?.parent ?? null;
  }

  /**
   * Who leads a post: a leader whose row lists the post's people or its unit among what they 分管;
   * otherwise the principal (正职) of the unit or section.
   */
  leadersOf(p: PostRef): Leader[] {
    const isLeader = (r: DutyRecord) => r.kind === 'leader' || (r.kind === 'taskforce-role' && /组长/.test(r.post));
    const home = [p.unit, this.parentOf(p.unit)].filter((u): u is string => !!u);
    const leaders = this.records.filter((r) => isLeader(r) && r.source.file === p.file && home.includes(r.unit) && (r.department === p.department || r.department === null));
    const { leads } = this.peopleOf(p);
    const own = leaders.find((l) => this.postOf(l.id) === p);
    if (own && /正职|^组长/.test(own.post) && !/副/.test(own.post)) return [];
    const overseeing = leaders.filter(
      (l) =>
        !own && l.assistants.some((n) => leads.includes(n)) || l.oversees.some((o) => p.unit.includes(o) || o.includes(p.unit)),
    );
    if (overseeing.length > 0) return overseeing.map((l) => ({ names: l.lead, post: l.post, via: 'oversees', record: l }));
    const principal = leaders.filter((l) => /正职|组长/.test(l.post) && !/副/.test(l.post) && (l.unit === p.unit || !leaders.some((x) => x.unit === p.unit)));
    return principal.map((l) => ({ names: l.lead, post: l.post, via: 'principal', record: l }));
  }

  /** The other posts of the same unit and section, with their people. */
  colleagues(p: PostRef): { post: PostRef; people: string[] }[] {
    return this.posts
      .filter((o) => o !== p && o.file === p.file && o.unit === p.unit && o.department === p.department)
      .map((o) => ({ post: o, people: this.peopleOf(o).leads }));
  }

  /** All posts of a unit or a section named in `text` ("某某区自然资源局", "某某科"). */
  postsOfUnit(text: string): { name: string; posts: PostRef[] } | null {
    const q = text.replace(/\s/g, '');
    const departments = [...new Set(this.posts.map((p) => p.department).filter((d): d is string => !!d))];
    const dept = departments.find((d) => q.includes(d) || (q.length >= 3 && d.includes(q)));
    if (dept) return { name: dept, posts: this.posts.filter((p) => p.department === dept) };
    const units = [...new Set(this.posts.map((p) => p.unit))].sort((a, b) => b.length - a.length);
    const unit = units.find((u) => q.includes(u) || (q.length >= 4 && u.includes(q)));
    if (unit) return { name: unit, posts: this.posts.filter((p) => p.unit === unit) };
    return null;
  }

  /**
   * The post a newcomer or a browser names: "某某管理岗", "综合岗2", "某某的岗位". One post when it is
   * clear, otherwise the candidates to choose from (empty when nothing matches).
   */
  findPosts(text: string, persons: readonly string[]): { post: PostRef | null; candidates: PostRef[]; assistant?: string } {
    const q = text.replace(/[\s？?。！!]/g, '').replace(/^(?:在|到|是|分到|分在)/, '').replace(/(?:工作)?$/, '');
    const one = (list: PostRef[]) => (list.length === 1 ? { post: list[0]!, candidates: list } : { post: null, candidates: list });
    const person = persons.find((n) => q.includes(n));
    if (person) {
      const { leads, assists } = this.rolesOfPerson(person);
      if (leads.length > 0) return one(leads);
      // Only an assistant: never presented as holding the post, so always a choice saying so.
      return { post: null, candidates: assists, assistant: person };
    }
    // A post's own label as the manuals print it ("综合岗2", "副职岗位1"): any label a loaded post starts with.
    const label = this.labels.find((l) => q.startsWith(l));
    if (label) {
      const list = this.posts.filter((p) => postLabel(p.post) === label);
      const rest = q.slice(label.length).replace(/^的?岗位?/, '');
      const narrowed = rest ? list.filter((p) => `${p.unit}${p.department ?? ''}${p.post}`.includes(rest)) : [];
      return one(narrowed.length > 0 ? narrowed : list);
    }
    const core = q.replace(/(?:的)?岗位?$/, '');
    if (!core) return { post: null, candidates: [] };
    const exact = this.posts.filter((p) => p.post === q || p.post === core || postTitle(p.post) === q);
    if (exact.length > 0) return one(exact);
    const named = this.posts.filter((p) => p.post.includes(core) || p.post.includes(`${core}岗`));
    if (named.length > 0) return one(named);
    const qb = bigrams(core);
    const scored = this.posts
      .map((p) => {
        const tb = bigrams(postTitle(p.post));
        let hit = 0;
        for (const b of qb) if (tb.has(b)) hit++;
        return { p, s: qb.size > 0 ? hit / qb.size : 0 };
      })
      .filter((x) => x.s >= 0.5)
      .sort((a, b) => b.s - a.s);
    if (scored.length > 0) {
      const best = scored[0]!.s;
      return one(scored.filter((x) => x.s >= best - 0.01).map((x) => x.p));
    }
    const byItems = this.posts.filter((p) => p.records.some((r) => r.item.includes(core)));
    return one(byItems);
  }
}
