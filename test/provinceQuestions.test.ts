// The province question files (test/questions-province-{dev,test}.jsonl) ask over one deployment holding
// the shipped manuals and both foreign sets. They must agree with the documents: every person and text a
// question expects is printed in some document, every asker is a unit the deployment loads, and both
// splits hold every kind of question. Checks the question files, not the bot's answers.
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../bot/config.js';
import { openEngine } from '../bot/runtime/nodeEngine.js';
import type { DutyEngine } from '../retrieval/engine.js';
import { askerUnits, type EvalFile, parseEvalFile, unknownAskers } from '../retrieval/evaluate.js';
import { documentText } from './support/fixtureText.js';

const root = join(import.meta.dirname, '..');
const FOLDERS = ['seeds/manuals', 'test/fixtures/foreign', 'test/fixtures/foreign2'];
const SOURCES: Record<string, string> = { 'test/fixtures/foreign': 'test/fixtures/foreign-src', 'test/fixtures/foreign2': 'test/fixtures/foreign2-src' };
const manualFiles = (folder: string) => readdirSync(join(root, folder)).filter((f) => !/^readme(\.md)?$/i.test(f));

const squeeze = (s: string) => s.replace(/[\s\u3000]+/g, '');
/** Each folder's documents as printed, whitespace removed. */
const folderText = new Map(
  FOLDERS.map((folder) => {
    const src = SOURCES[folder];
    const text = manualFiles(folder).map((f) => (src ? documentText(join(root, folder), join(root, src), f) : readFileSync(join(root, folder, f), 'utf8')));
    return [folder, squeeze(text.join('\n'))] as const;
  }),
);
const allText = [...folderText.values()].join('\n');

const load = (name: string): EvalFile => parseEvalFile(readFileSync(join(import.meta.dirname, name), 'utf8'));
const splits = { dev: load('questions-province-dev.jsonl'), test: load('questions-province-test.jsonl') };
const KINDS = ['own', 'pair', 'up', 'down', 'named', 'which', 'solo', 'lead', 'person', 'nf'];
const kindOf = (id: string) => id.split('-')[1]!;
const WHICH_UNIT = '没有说明是哪个单位';

/** Names and printed texts a case expects (the which-unit wording is the bot's, not a document's). */
function printed(e: Record<string, unknown>): string[] {
  const list = (k: string) => (Array.isArray(e[k]) ? (e[k] as string[]) : []);
  return [...list('lead'), ...list('assist'), ...list('persons'), ...list('text').filter((t) => t !== WHICH_UNIT), ...(typeof e.person === 'string' ? [e.person] : [])];
}

let engine: DutyEngine | undefined;
let close = () => {};
let scratchDir = '';
beforeAll(async () => {
  scratchDir = mkdtempSync(join(tmpdir(), 'gzt-province-'));
  const manuals = join(scratchDir, 'manuals');
  mkdirSync(manuals);
  for (const folder of FOLDERS) for (const f of manualFiles(folder)) copyFileSync(join(root, folder, f), join(manuals, f));
  const config = loadConfig({ SEEDS_DIR: join(root, 'seeds'), MANUALS_DIR: manuals, DATA_DIR: join(scratchDir, 'data') });
  const opened = await openEngine(config, { force: true });
  engine = opened.engine;
  close = () => opened.index.close();
}, 120_000);
afterAll(() => {
  close();
  rmSync(scratchDir, { recursive: true, force: true });
});

describe('province question files', () => {
  for (const [name, split] of Object.entries(splits)) {
    it(`${name}: one deployment of all three folders, 60–80 questions, every kind`, () => {
      expect(split.manuals).toEqual(FOLDERS);
      expect(split.cases.length).toBeGreaterThanOrEqual(60);
      expect(split.cases.length).toBeLessThanOrEqual(80);
      expect(new Set(split.cases.map((c) => kindOf(c.id)))).toEqual(new Set(KINDS));
      expect(new Set(split.cases.map((c) => c.id)).size).toBe(split.cases.length);
    });

    it(`${name}: every person and text expected is printed in a document, and every folder is asked about`, () => {
      for (const c of split.cases) for (const s of printed(c.expect as Record<string, unknown>)) expect(allText, `${c.id} ${s}`).toContain(squeeze(s));
      for (const [folder, text] of folderText) {
        expect(split.cases.some((c) => printed(c.expect as Record<string, unknown>).some((s) => text.includes(squeeze(s)))), folder).toBe(true);
      }
    });

    it(`${name}: askers are units the deployment loads; the kinds are asked as they say`, () => {
      expect(unknownAskers(split, (u) => engine!.directory.has(u))).toEqual([]);
      for (const c of split.cases) {
        const kind = kindOf(c.id);
        if (kind === 'which' || kind === 'solo') expect(askerUnits(c), c.id).toEqual([]);
        else expect(askerUnits(c).length, c.id).toBeGreaterThan(0);
        if (kind === 'which') expect(c.expect.text, c.id).toContain(WHICH_UNIT);
        if (kind === 'nf') expect(c.expect.found, c.id).toBe(false);
      }
      // The same question from two bureaus' askers, each expecting its own unit's person.
      const pairs = new Map<string, typeof split.cases>();
      for (const c of split.cases.filter((x) => kindOf(x.id) === 'pair')) pairs.set(c.id.slice(0, -1), [...(pairs.get(c.id.slice(0, -1)) ?? []), c]);
      expect(pairs.size).toBeGreaterThanOrEqual(5);
      for (const [id, [a, b]] of pairs) {
        expect(a!.q, id).toBe(b!.q);
        expect(askerUnits(a!), id).not.toEqual(askerUnits(b!));
      }
    });
  }
});
