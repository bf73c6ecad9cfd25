import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SynthBureau, synthBureaus } from '../bot/cli/synthBureaus.js';
import { loadConfig } from '../bot/config.js';
import { openEngine } from '../bot/runtime/nodeEngine.js';
import { Catalogue } from '../retrieval/catalogue.js';
import { DutyEngine } from '../retrieval/engine.js';
import { FieldIndex, sortedFieldData } from '../retrieval/fieldIndex.js';
import { JiebaSegmenter } from '../retrieval/node/jiebaSegmenter.js';
import type { SqliteIndex } from '../retrieval/node/sqliteIndex.js';
import { buildPlaces } from '../retrieval/places.js';
import { scratch } from './helpers.js';

function districtManual(seedsDir: string): { file: string; text: string } {
  const dir = join(seedsDir, 'manuals');
  const file = readdirSync(dir).find((f) => f.startsWith('001_'))!;
  return { file, text: readFileSync(join(dir, file), 'utf8') };
}

/**
 * The same multi-bureau corpus opened twice from one SQLite file: with every record held in memory (a small
 * corpus) and with records read by row from the file (how a large corpus is opened). Answers must not differ.
 */
describe('records read by row from the index', () => {
  let dirs: ReturnType<typeof scratch>;
  let bureaus: SynthBureau[];
  let held: { engine: DutyEngine; index: SqliteIndex };
  let byRow: { engine: DutyEngine; index: SqliteIndex };
  const deps = (e: DutyEngine) => (e as unknown as { deps: ConstructorParameters<typeof DutyEngine>[0] }).deps;

  beforeAll(async () => {
    dirs = scratch();
    bureaus = synthBureaus(3, districtManual(dirs.seedsDir), { first: 2 });
    for (const b of bureaus) writeFileSync(join(dirs.seedsDir, 'manuals', b.file), b.text);
    const config = loadConfig({ SEEDS_DIR: dirs.seedsDir, DATA_DIR: dirs.dataDir });
    held = await openEngine(config);
    byRow = await openEngine(config, { inMemoryMax: 0 });
  }, 180_000);
  afterAll(() => {
    held?.index.close();
    byRow?.index.close();
    dirs.cleanup();
  });

  it('holds a catalogue, not the records, and reads a record, a unit’s, a file’s and all of them on demand', () => {
    const all = held.engine.allRecords();
    expect(byRow.engine.size).toBe(all.length);
    expect(byRow.index.catalogue.ids).toEqual(all.map((r) => r.id));
    expect((byRow.index as unknown as { held: unknown }).held).toBeNull();
    const some = all[Math.floor(all.length / 2)]!;
    expect(byRow.engine.record(some.id)).toEqual(some);
    expect(byRow.engine.record('没有这一条')).toBeNull();
    const unit = bureaus[1]!.bureau;
    const mine = all.filter((r) => r.unit === unit);
    expect(mine.length).toBeGreaterThan(10);
    expect(byRow.engine.recordsOf([unit])).toEqual(mine);
    expect(byRow.engine.recordsOfFile(bureaus[0]!.file)).toEqual(all.filter((r) => r.source.file === bureaus[0]!.file));
    expect(byRow.engine.allRecords()).toEqual(all);
    // Rows out of order are read one by one, in the order asked.
    const rows = [5, 1, 3];
    expect(byRow.index.recordsAt(rows)).toEqual(rows.map((i) => all[i]!));
  });

  it('answers every bureau’s questions, in its unit and across units, as the engine holding all records does', () => {
    const questions = bureaus.flatMap((b) => b.questions);
    expect(questions.length).toBeGreaterThan(10);
    // Large-corpus routing (a question without a unit is routed by titles first) on both.
    const bigHeld = new DutyEngine({ ...deps(held.engine), wholeCorpusMax: 0 });
    const bigByRow = new DutyEngine({ ...deps(byRow.engine), wholeCorpusMax: 0 });
    const person = [...bureaus[2]!.persons.values()][3]!;
    const extra = ['谁负责预算管理和绩效评价管理', `${person}负责哪些工作`, `谁是${person}的分管领导`, `${bureaus[0]!.bureau}有哪些岗位`, '谁负责没有的事情'];
    let correct = 0;
    for (const q of [...questions, ...extra.map((question) => ({ question, units: undefined, expect: null }))]) {
      const opts = q.units ? { units: q.units } : {};
      const a = bigByRow.ask(q.question, opts);
      expect(a).toEqual(bigHeld.ask(q.question, opts));
      const first = a.answers[0];
      if (q.expect && first && first.unit === q.expect.unit && q.expect.lead.some((p) => first.lead.includes(p))) correct++;
    }
    expect(correct).toBe(questions.length);
    // The cross-unit question offers each bureau that has the work.
    expect(bigByRow.ask('谁负责预算管理和绩效评价管理').unitChoice?.length).toBeGreaterThanOrEqual(4);
  });

  it('routes from a stored catalogue the same as from the records: units, families, persons, places', () => {
    const a = held.engine.directory;
    const b = byRow.engine.directory;
    expect(b.units).toEqual(a.units);
    expect(b.persons).toEqual(a.persons);
    expect(b.places).toEqual(a.places);
    expect(b.familyNames()).toEqual(a.familyNames());
    for (const f of a.familyNames()) expect(b.familyRows(f)).toEqual(a.familyRows(f));
    expect(byRow.engine.organisation([bureaus[0]!.bureau]).posts.map((p) => p.key)).toEqual(held.engine.organisation([bureaus[0]!.bureau]).posts.map((p) => p.key));
  });

  it('a catalogue survives its stored form, and its places are those of the records', () => {
    const all = held.engine.allRecords();
    const c = Catalogue.fromRecords(all);
    const back = Catalogue.fromJSON(JSON.parse(JSON.stringify(c)));
    expect(back.ids).toEqual(c.ids);
    expect(back.size).toBe(all.length);
    for (const row of [0, 7, all.length - 1]) {
      expect(back.unit(row)).toBe(all[row]!.unit);
      expect(back.file(row)).toBe(all[row]!.source.file);
      expect(back.title(row)).toBe(c.title(row));
    }
    expect(back.rowOf(all[9]!.id)).toBe(9);
    expect(back.builtPlaces()).toEqual(buildPlaces(all));
    expect([...back.personUnits]).toEqual([...c.personUnits]);
    // Fewer distinct titles than records: copies of one manual share them.
    expect(c.titles.length).toBeLessThan(all.length);
  });

  it('a field index stored with sorted tokens scores as the one built', () => {
    const records = held.engine.recordsOf([bureaus[0]!.bureau]);
    const seg = new JiebaSegmenter();
    const built = new FieldIndex(records, seg);
    const stored = FieldIndex.fromData(built.sortedData(), seg);
    const table = stored.toData().tokens;
    expect(Array.isArray(table)).toBe(false);
    if (!Array.isArray(table)) expect(table.starts.length).toBe((built.toData().tokens as string[]).length + 1);
    for (const form of ['预算管理', '测绘', '执法大队', '没有的词语']) {
      const tokens = built.formTokens(form, 1);
      expect([...stored.score(tokens)]).toEqual([...built.score(tokens)]);
    }
  });
});

describe('the stored token table', () => {
  const check = (tokens: string[]) => {
    const d = { ids: ['r1'], tokens, offsets: Uint32Array.from(tokens.map((_, i) => i).concat(tokens.length)), postings: Uint16Array.from(tokens.map((_, i) => i)), lens: new Float32Array(8), avg: new Float32Array(8) };
    const sorted = sortedFieldData(d);
    const table = sorted.tokens as { bytes: Uint8Array; starts: Uint32Array };
    const back = tokens.map((_, k) => Buffer.from(table.bytes.subarray(table.starts[k]!, table.starts[k + 1]!)));
    for (let k = 1; k < back.length; k++) expect(Buffer.compare(back[k - 1]!, back[k]!)).toBeLessThan(0);
    back.forEach((b, k) => expect([...sorted.postings.subarray(sorted.offsets[k]!, sorted.offsets[k + 1]!)]).toEqual([tokens.indexOf(b.toString('utf8'))]));
  };
  it('is in UTF-8 byte order, with fullwidth forms and characters outside the BMP', () => {
    check(['登记', '，', 'ab', '中', '（', 'ｚ', '不动产']);
    check(['登记', '𠀋', '，', 'ｚ', '𪚥字', 'a']);
  });
});
