import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toItem } from '../retrieval/answer.js';
import { parseCases } from '../retrieval/evaluate.js';
import { Organisation } from '../retrieval/organisation.js';
import { answerCards, type Card, helpCard, packCards, postCards, welcomeCard } from '../bot/cards.js';
import { buildPack } from '../bot/onboarding/pack.js';
import { WorkCalendar } from '../bot/reminders/workCalendar.js';
import { useEngine } from './helpers.js';

/** The Card JSON 2.0 properties this bot uses, per tag; 2.0 rejects unknown properties. */
const ALLOWED: Record<string, string[]> = {
  markdown: ['tag', 'content', 'text_size', 'text_align', 'margin', 'element_id'],
  hr: ['tag'],
  button: ['tag', 'text', 'type', 'size', 'behaviors', 'confirm', 'width'],
  column_set: ['tag', 'flex_mode', 'horizontal_spacing', 'columns', 'background_style'],
  column: ['tag', 'width', 'weight', 'elements', 'vertical_align'],
};

function check(c: Card): void {
  expect(Object.keys(c).sort()).toEqual(['body', 'config', 'header', 'schema']);
  expect(c.schema).toBe('2.0');
  expect(Object.keys(c.header).every((k) => ['title', 'subtitle', 'template'].includes(k))).toBe(true);
  let count = 0;
  const walk = (el: Record<string, unknown>) => {
    count++;
    const tag = el.tag as string;
    expect(ALLOWED[tag], `unknown tag ${tag}`).toBeDefined();
    for (const k of Object.keys(el)) expect(ALLOWED[tag], `${tag}.${k}`).toContain(k);
    if (tag === 'button') {
      const b = el.behaviors as { type: string; value: unknown }[];
      expect(b[0]!.type).toBe('callback');
      expect(typeof b[0]!.value).toBe('object');
    }
    for (const col of (el.columns as Record<string, unknown>[] | undefined) ?? []) walk(col);
    for (const child of (el.elements as Record<string, unknown>[] | undefined) ?? []) walk(child);
  };
  c.body.elements.forEach(walk);
  expect(count).toBeLessThanOrEqual(200);
  expect(new TextEncoder().encode(JSON.stringify(c)).length).toBeLessThan(30 * 1024);
}

const text = (cards: Card[]) => JSON.stringify(cards);

describe('cards', () => {
  const engine = useEngine();

  it('answers, help and welcome cards use only Card JSON 2.0 properties and stay within limits', () => {
    const questions = parseCases(readFileSync(join(import.meta.dirname, 'questions.jsonl'), 'utf8')).map((c) => c.q);
    for (const q of [...questions, '王金峰负责哪些工作', '食堂吃什么', '']) answerCards(engine().ask(q)).forEach(check);
    check(helpCard(['a', 'b']));
    check(welcomeCard({ newcomers: [{ name: '甲', openId: 'ou_1' }], groupJoin: true }));
  });

  it('gives every post in the five manuals a complete pack and item list within the limits', () => {
    const e = engine();
    const org = new Organisation(e.allRecords(), []);
    const cal = new WorkCalendar();
    for (const post of org.posts) {
      const cards = packCards(buildPack(org, post, [], cal, '2026-11-23'), () => null);
      cards.forEach(check);
      const items = postCards({ post: post.post, place: post.unit }, post.records.map((r) => toItem(r, 1, null)), () => null);
      items.forEach(check);
      const all = text(cards);
      for (const r of post.records) {
        const title = r.item.replace(/^[一二三四五六七八九十]+、/, '').replace(/[<>*~_`[\]]/g, '');
        expect(all.replace(/&#\d+;/g, ''), `${post.post} / ${r.item}`).toContain(title.slice(0, 8));
        for (const code of r.flow?.codes ?? []) expect(all).toContain(code);
        for (const step of r.flow?.steps ?? []) expect(all).toContain(step.replace(/[<>*~_`[\]]/g, '').slice(0, 6));
      }
    }
  });

  it('pages a person with many rows, listing every row', () => {
    const e = engine();
    const counts = new Map<string, number>();
    for (const r of e.allRecords()) for (const n of [...r.lead, ...r.assistants]) counts.set(n, (counts.get(n) ?? 0) + 1);
    const [busiest] = [...counts].sort((a, b) => b[1] - a[1])[0]!;
    const answer = e.ask(`${busiest}负责哪些工作`);
    const cards = answerCards(answer);
    cards.forEach(check);
    expect(answer.answers.length).toBe(counts.get(busiest));
  });
});
