import type { DutyRecord } from '../ingest/record.js';
import {
  type Alternative,
  type Answer,
  type AnswerItem,
  type Band,
  answersText,
  capabilitiesText,
  notFoundText,
  personText,
  plausibleText,
  toItem,
} from './answer.js';
import type { Embedder } from './embeddings/types.js';
import { pickExamples, questionFor } from './examples.js';
import { FieldIndex } from './fieldIndex.js';
import { Lexicon, type Synonyms } from './lexicon.js';
import { Organisation } from './organisation.js';
import { type Intent, type ParsedQuery, parseQuery } from './query.js';
import { candidates, overseen, overseers, rank, type Scored } from './rank.js';
import { roleHolders } from './roles.js';
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
}

export interface AskOptions {
  /** The question's vector, computed elsewhere (a remote embedder); the local embedder is used otherwise. */
  vector?: Float32Array | number[];
}

/** The duty-manual engine: question in, the JSON answer contract out. Deterministic and offline. */
export class DutyEngine {
  readonly lexicon: Lexicon;
  private readonly fields: FieldIndex;
  private exampleCache: string[] | null = null;
  private org: Organisation | null = null;
  private pickingExamples = false;

  constructor(private readonly deps: EngineDeps) {
    this.lexicon = new Lexicon(deps.index.records, deps.synonyms);
    this.fields = new FieldIndex(deps.index.records, deps.segmenter);
  }

  get records(): readonly DutyRecord[] {
    return this.deps.index.records;
  }

  parse(question: string): ParsedQuery {
    return parseQuery(question, this.lexicon, this.deps.segmenter);
  }

  /** Example questions drawn from the loaded manuals, each one the engine answers with confidence. */
  examples(): string[] {
    if (this.exampleCache) return this.exampleCache;
    if (this.pickingExamples) return [];
    this.pickingExamples = true;
    try {
      this.exampleCache = pickExamples(this.records, (q) => this.ask(q).band === 'sure');
    } finally {
      this.pickingExamples = false;
    }
    return this.exampleCache;
  }

  /** What the bot can answer, with examples from the loaded manuals. */
  capabilities(): string {
    return capabilitiesText(this.examples());
  }

  ask(question: string, opts: AskOptions = {}): Answer {
    return this.answer(question, opts, true);
  }

  private answer(question: string, opts: AskOptions, withAlternatives: boolean): Answer {
    const q = this.parse(question);
    if (!question.trim()) return this.notFound(q, []);
    if (q.unknownPerson) return this.notFound(q, []);
    if (q.intent === 'person' && q.persons.length > 0) return this.person(q);
    if (q.intent === 'leadership') {
      const led = this.leadership(q, opts);
      if (led) return led;
    }
    // A topic of single characters only ("开") names nothing.
    if (!q.terms.some((t) => [...t.text].length >= 2)) return this.notFound(q, []);
    const pool = candidates(q, this.records);
    const scored = rank(q, pool, this.lexicon, this.fields, { vector: this.nearest(q, opts) });
    const best = scored[0];
    let band = best ? bandOf(best) : 'none';
    // A near tie in the same manual between rows held by different people: the question does not say which.
    const rival = scored[1];
    if (band === 'sure' && rival && rival.record.scope === best!.record.scope && rival.score >= best!.score * TIE && bandOf(rival) === 'sure' && !samePeople(best!.record, rival.record)) band = 'plausible';
    if (!best || band === 'none') return this.notFound(q, scored);
    if (band === 'plausible') return this.plausible(q, scored, withAlternatives);
    const kept = scored.filter((s) => bandOf(s) === 'sure' && s.score >= best.score * KEEP_RATIO);
    if (!q.scope) {
      // The same work often exists in the city and the district manuals: show the other one, labelled.
      const other = scored.find(
        (s) => s.record.scope !== best.record.scope && s.coverage >= 0.7 && s.score >= best.score * 0.7 && bandOf(s) === 'sure',
      );
      if (other && !kept.includes(other)) kept.splice(Math.min(kept.length, MAX_ANSWERS - 1), 0, other);
    }
    return this.found(q, kept.slice(0, MAX_ANSWERS));
  }

  /** Vector neighbours of the question's topic: the caller's vector when given, the local embedder's otherwise. */
  private nearest(q: ParsedQuery, opts: AskOptions): Map<string, number> {
    const vector = opts.vector
      ? opts.vector instanceof Float32Array
        ? opts.vector
        : Float32Array.from(opts.vector)
      : this.deps.embedder.embedSync?.(q.topic || q.question);
    // A remote embedder's question vector that could not be had: lexical signals only.
    return vector ? this.deps.index.nearest(vector, 64) : new Map();
  }

  /**
   * Leadership questions: a leader's own 分管, a person's leaders, a role's holders, the leader whose
   * duties name the topic, or the leaders of the post doing the work. Null to fall back to ranking.
   */
  private leadership(q: ParsedQuery, opts: AskOptions): Answer | null {
    if (q.unknownOffice) return this.notFound(q, []);
    const pool = candidates(q, this.records);
    if (q.persons.length > 0) {
      const own = pool.filter((r) => r.oversees.length > 0 && q.persons.some((p) => r.lead.includes(p)));
      if (own.length > 0) return this.found(q, own.map((record) => ({ record, score: 1, coverage: 1, focus: 1, phrase: 1 })));
      // "某某的领导是谁": who leads the posts the person works in.
      const org = (this.org ??= new Organisation(this.records, this.deps.index.units));
      const leaders = new Map<string, DutyRecord>();
      const person = q.persons[0]!;
      const posts = org.postsOfPerson(person);
      const leading = posts.filter((p) => p.records.some((r) => r.lead.includes(person)));
      for (const post of leading.length > 0 ? leading : posts) for (const l of org.leadersOf(post)) if (l.names.length > 0) leaders.set(l.record.id, l.record);
      if (leaders.size > 0) return this.found(q, [...leaders.values()].map((record) => ({ record, score: 1, coverage: 1, focus: 1, phrase: 1 })));
      return this.person(q);
    }
    if (q.role) {
      // A role asked about by name: its holders, narrowed by the topic (what they oversee or do) when one is given.
      const holders = roleHolders(q, pool);
      if (holders.length === 0) return this.notFound(q, [], { role: q.role });
      const topical = q.terms.length > 0 ? holders.filter((h) => overseen(q, h.record) >= 0.5) : [];
      return this.found(q, (topical.length > 0 ? topical : holders).slice(0, 4));
    }
    const leaders = q.terms.length > 0 ? overseers(q, this.records) : [];
    if (leaders.length > 0) return this.found(q, leaders.slice(0, MAX_ANSWERS));
    if (q.terms.length === 0 || /主持|全面工作/.test(q.question)) {
      const holders = roleHolders(q, pool);
      if (holders.length > 0) return this.found(q, holders.slice(0, 4));
    }
    // "某某工作哪个领导负责": the leader whose own duties name the topic.
    if (q.terms.length > 0) {
      const leaderRows = pool.filter((r) => r.kind === 'leader' || r.kind === 'taskforce-role');
      const scored = rank(q, leaderRows, this.lexicon, this.fields, { vector: new Map() });
      const best = scored[0];
      if (best && best.record.lead.length > 0 && bandOf(best) === 'sure') return this.found(q, [best]);
      // "某项工作归哪个领导管": the leaders of the post that does the work, as the manual lays them out.
      const work = rank(q, pool, this.lexicon, this.fields, { vector: this.nearest(q, opts) })[0];
      if (work && bandOf(work) === 'sure') {
        const org = (this.org ??= new Organisation(this.records, this.deps.index.units));
        const post = org.postOf(work.record.id);
        const leaders = post ? org.leadersOf(post).filter((l) => l.names.length > 0) : [];
        if (leaders.length > 0) {
          const answer = this.found(q, leaders.map((l) => ({ record: l.record, score: 1, coverage: 1, focus: 1, phrase: 1 })));
          const line = `${work.record.item.replace(/^[一二三四五六七八九十百]+、/, '')}（${work.record.post}）的${leaders[0]!.via === 'oversees' ? '分管领导' : '单位负责人'}：${leaders.map((l) => `${l.names.join('、')}（${l.post}）`).join('；')}。`;
          return { ...answer, summary: answer.summary ? `${line}\n${answer.summary}` : line, text: `${line}\n\n${answer.text}` };
        }
      }
    }
    return null;
  }

  private found(q: ParsedQuery, scored: Scored[]): Answer {
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
  private plausible(q: ParsedQuery, scored: Scored[], withAlternatives: boolean): Answer {
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
      const check = this.answer(question, {}, false);
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
  private person(q: ParsedQuery): Answer {
    const person = q.persons[0]!;
    const rows = this.records.filter((r) => r.kind !== 'passage' && (r.lead.includes(person) || r.assistants.includes(person)));
    const items: AnswerItem[] = [
      ...rows.filter((r) => r.lead.includes(person)),
      ...rows.filter((r) => !r.lead.includes(person)),
    ].map((r) => toItem(r, 1, null));
    return {
      question: q.question,
      intent: 'person',
      found: true,
      answers: items,
      summary: null,
      person,
      nearTopics: [],
      band: 'sure',
      alternatives: [],
      text: personText(person, items),
    };
  }

  // --- Model assistance (retrieval/llm): candidates offered to the model, and the answer rebuilt from its pick.

  /** The best-ranked rows for a question, down to a low coverage: what a model may choose from. */
  shortlist(question: string, k = 8, opts: AskOptions = {}): DutyRecord[] {
    const q = this.parse(question);
    if (!q.terms.some((t) => [...t.text].length >= 2)) return [];
    const scored = rank(q, candidates(q, this.records), this.lexicon, this.fields, { vector: this.nearest(q, opts) });
    return scored.filter((s) => s.coverage >= 0.25).slice(0, k).map((s) => s.record);
  }

  /** The answer the engine gives when these rows answer the question: the same text and cards as its own. */
  answerWith(question: string, ids: readonly string[], intent?: Intent): Answer | null {
    const byId = new Map(this.records.map((r) => [r.id, r]));
    const rows = ids.map((id) => byId.get(id)).filter((r): r is DutyRecord => r !== undefined);
    if (rows.length === 0) return null;
    const parsed = this.parse(question);
    const q = intent ? { ...parsed, intent } : parsed;
    return this.found(q, rows.map((record) => ({ record, score: 1, coverage: 1, focus: 1, phrase: 1 })));
  }

  private notFound(q: ParsedQuery, scored: Scored[], o: { role?: string } = {}): Answer {
    const topics: string[] = [];
    for (const s of scored) {
      if (topics.length >= 3 || s.coverage < 0.25) break;
      const topic = s.record.item.replace(/^[一二三四五六七八九十]+、/, '');
      if (!topics.includes(topic) && !this.lexicon.persons.some((p) => topic.includes(p))) topics.push(topic);
    }
    const examples = this.examples();
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

/** Example questions for help, not-found and console pages, taken from the engine's loaded manuals. */
export function exampleQuestions(engine: DutyEngine): string[] {
  return engine.examples();
}
