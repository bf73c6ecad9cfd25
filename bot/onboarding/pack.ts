import { type AnswerItem, toItem } from '../../retrieval/answer.js';
import { type Leader, type Organisation, type PostRef } from '../../retrieval/organisation.js';
import { itemTitle } from '../cards.js';
import type { Deadline } from '../reminders/deadlines.js';
import { occurrences } from '../reminders/deadlines.js';
import { addDays, type WorkCalendar } from '../reminders/workCalendar.js';

/** Everything a newcomer to one post should know, from the manuals and the deadline calendar. */
export interface OnboardingPack {
  post: PostRef;
  leaders: Leader[];
  people: { leads: string[]; assistants: string[] };
  colleagues: { post: string; people: string[] }[];
  items: (AnswerItem & { subflows: { name: string; steps: string[] }[] })[];
  deadlines: { title: string; next: string | null; example: boolean }[];
  checklist: { flows: string[]; meet: string[] };
}

export function buildPack(org: Organisation, post: PostRef, deadlines: readonly Deadline[], calendar: WorkCalendar, today: string): OnboardingPack {
  const items = post.records.map((r) => ({ ...toItem(r, 1, null), subflows: r.flow?.subflows ?? [] }));
  const leaders = org.leadersOf(post);
  const people = org.peopleOf(post);
  const colleagues = org.colleagues(post).map((c) => ({ post: c.post.post, people: c.people }));
  const own = deadlines.filter((d) => d.record && post.records.some((r) => r.id === d.record!.id));
  const upcoming = own.map((d) => ({ title: d.title, next: occurrences(d, calendar, today, addDays(today, 400))[0]?.dueDate ?? null, example: d.example }));
  const flows = items
    .filter((a) => a.flow && (a.flow.codes.length > 0 || a.flow.titles.length > 0 || a.flow.steps.length > 0))
    .map((a) => `${a.flow!.codes.join(' ') || '（无编号）'} ${a.flow!.titles[0] ?? itemTitle(a.item)}`);
  const meet = [...new Set([...leaders.flatMap((l) => l.names), ...people.leads, ...people.assistants])];
  return { post, leaders, people, colleagues, items, deadlines: upcoming, checklist: { flows, meet } };
}
