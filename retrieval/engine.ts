import type { DutyRecord } from '../ingest/record.js';
import { type Answer, type AnswerItem, answersText, notFoundText, personText, toItem } from './answer.js';
import type { Embedder } from './embeddings/types.js';
import { Lexicon, type Synonyms } from './lexicon.js';
import { type ParsedQuery, parseQuery } from './query.js';
import { candidates, overseers, rank, type Scored } from './rank.js';
import type { SearchIndex } from './searchIndex.js';
import type { Segmenter } from './segmenter.js';

/** A question is covered when this share of its (idf-weighted) words is found in one record. */
const MIN_COVERAGE = 0.55;
/** Other rows are shown next to the best one when they score at least this share of it. */
const KEEP_RATIO = 0.85;
const MAX_ANSWERS = 3;

export interface EngineDeps {
  index: SearchIndex;
  segmenter: Segmenter;
  /** The index's embedder; without a synchronous path (remote) ask() uses a given vector or none. */
  embedder: Embedder;
  synonyms: Synonyms;
}

/** The duty-manual engine: question in, the JSON answer contract out. Deterministic and offline. */
export class DutyEngine {
  readonly lexicon: Lexicon;

  constructor(private readonly deps: EngineDeps) {
    this.lexicon = new Lexicon(deps.index.records, deps.synonyms);
  }

  get records(): readonly DutyRecord[] {
    return this.deps.index.records;
  }

  parse(question: string): ParsedQuery {
    return parseQuery(question, this.lexicon, this.deps.segmenter);
  }

  /** `vector`: the question's topic already embedded (by a remote embedder); else embedded here. */
  ask(question: string, opts: { vector?: Float32Array | number[] } = {}): Answer {
    const q = this.parse(question);
    if (!question.trim()) return this.notFound(q, []);
    if (q.unknownPerson) return this.notFound(q, []);
    if (q.intent === 'person' && q.persons.length > 0) return this.person(q);
    if (q.intent === 'leadership') {
      const leaders = overseers(q, this.records);
      if (leaders.length > 0) return this.found(q, leaders.slice(0, MAX_ANSWERS));
    }
    const pool = candidates(q, this.records);
    const given = opts.vector && (opts.vector instanceof Float32Array ? opts.vector : Float32Array.from(opts.vector));
    const vector = given ?? this.deps.embedder.embedSync?.(q.topic || q.question);
    const signals = {
      lexical: this.deps.index.lexical(q.indexTokens, 200),
      vector: vector ? this.deps.index.nearest(vector, 64) : new Map<string, number>(),
    };
    const scored = rank(q, pool, this.lexicon, signals);
    const best = scored[0];
    if (!best || q.terms.length === 0 || best.coverage < MIN_COVERAGE) return this.notFound(q, scored);
    const kept = scored.filter((s) => s.coverage >= MIN_COVERAGE && s.score >= best.score * KEEP_RATIO);
    if (!q.scope) {
      // The same work often exists in the city and the district manuals: show the other one, labelled.
      const other = scored.find(
        (s) => s.record.scope !== best.record.scope && s.coverage >= 0.7 && s.score >= best.score * 0.7,
      );
      if (other && !kept.includes(other)) kept.splice(Math.min(kept.length, MAX_ANSWERS - 1), 0, other);
    }
    return this.found(q, kept.slice(0, MAX_ANSWERS));
  }

  private found(q: ParsedQuery, scored: Scored[]): Answer {
    const answers = scored.map((s) => toItem(s.record, s.score, q));
    let text = answersText(answers, q.intent);
    let summary: string | null = null;
    if (q.intent === 'leadership' && scored[0]?.record.oversees.length) {
      const lead = answers[0]!;
      summary = `${lead.lead.join('、')}（${lead.post}，${lead.unit}）分管：${scored[0].record.oversees.join('、')}。`;
      text = `${summary}\n\n${text}`;
    }
    return { question: q.question, intent: q.intent, found: true, answers, summary, person: null, nearTopics: [], text };
  }

  /** Every row the person leads or assists: complete, never a top-k cut. Leading rows first. */
  private person(q: ParsedQuery): Answer {
    const person = q.persons[0]!;
    const rows = this.records.filter((r) => r.lead.includes(person) || r.assistants.includes(person));
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
      text: personText(person, items),
    };
  }

  private notFound(q: ParsedQuery, scored: Scored[]): Answer {
    const topics: string[] = [];
    for (const s of scored) {
      if (topics.length >= 3 || s.coverage < 0.25) break;
      const topic = s.record.item.replace(/^[一二三四五六七八九十]+、/, '');
      if (!topics.includes(topic) && !this.lexicon.persons.some((p) => topic.includes(p))) topics.push(topic);
    }
    return {
      question: q.question,
      intent: q.intent,
      found: false,
      answers: [],
      summary: null,
      person: q.unknownPerson,
      nearTopics: topics,
      text: notFoundText(q.question, topics, q.unknownPerson),
    };
  }
}
