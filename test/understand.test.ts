import { describe, expect, it } from 'vitest';
import { answerCards } from '../bot/cards.js';
import type { DutyRecord } from '../ingest/record.js';
import { HashingNgramEmbeddings } from '../retrieval/embeddings.js';
import { DutyEngine, exampleQuestions } from '../retrieval/engine.js';
import { MemoryIndex } from '../retrieval/memoryIndex.js';
import { JiebaSegmenter } from '../retrieval/node/jiebaSegmenter.js';
import { useEngine } from './helpers.js';

const engine = useEngine();
const top = (q: string) => engine().ask(q).answers[0];
const named = (text: string) => engine().lexicon.persons.filter((p) => text.includes(p));

describe('speech around a topic carries no weight', () => {
  const pairs: [string, string][] = [
    ['测绘作业证初审谁负责', '测绘作业证初审这块现在是谁在弄啊'],
    ['测绘项目登记找谁', '我这有个测绘项目要登记，材料交给谁'],
    ['干部教育培训找谁', '下个月要搞干部教育培训，找谁安排'],
    ['地图审核的流程', '地图审核大概是个啥流程'],
    ['公务用车谁管', '请问一下公务用车这块归谁管呀'],
  ];
  for (const [bare, wrapped] of pairs) {
    it(`“${wrapped}” finds the row “${bare}” finds`, () => {
      const a = engine().ask(bare);
      const b = engine().ask(wrapped);
      expect(a.found).toBe(true);
      expect(b.found).toBe(true);
      expect(b.answers[0]!.id).toBe(a.answers[0]!.id);
      expect(b.intent).toBe(a.intent);
    });
  }

  it('filler words are not topic terms; the topic words are', () => {
    const q = engine().parse('麻烦问下，局里预算编制这事现在谁在负责啊');
    expect(q.terms.map((t) => t.text).join('')).toBe('预算编制');
  });

  it('a phrase from anywhere in the row finds that row, not a row sharing its words', () => {
    // "年度工作总结" is written in the duties of the writing post, not in its item.
    expect(top('年度工作总结谁写')?.post).toContain('文稿');
    // "土地卫片执法" is the task-force office's own duty; a synonym must not pull another row ahead of it.
    expect(top('土地卫片执法谁牵头')?.post).toBe('专班办公室');
  });
});

describe('a named person is a person question whatever the verb', () => {
  for (const [q, person] of [
    ['满洪学最近都忙啥呢', '满洪学'],
    ['杜振江是做什么的', '杜振江'],
    ['李思宽手里有什么事', '李思宽'],
    ['赵海燕在哪个科', '赵海燕'],
    ['韩山平时主要干啥', '韩山'],
    ['金平聪在专班里是啥角色', '金平聪'],
  ] as const) {
    it(q, () => {
      const a = engine().ask(q);
      expect(a.intent).toBe('person');
      expect(a.person).toBe(person);
      const all = engine().allRecords().filter((r) => r.lead.includes(person) || r.assistants.includes(person));
      expect(a.answers).toHaveLength(all.length);
    });
  }

  it('a person named with a topic searches that person rows', () => {
    expect(top('宁邕管的政务公开')?.item).toBe('二、政务公开');
  });
});

describe('role questions go to leadership rows', () => {
  it('局长是谁 → the principal, not a row that mentions the word', () => {
    const a = engine().ask('局长是谁');
    expect(a.intent).toBe('leadership');
    expect(a.answers[0]?.lead).toEqual(['张亚']);
  });

  it('谁主持全面工作 → the principal', () => {
    expect(top('谁主持全面工作')?.lead).toEqual(['张亚']);
  });

  it('副局长分管哪些 → every deputy, with what each oversees', () => {
    const a = engine().ask('副局长分管哪些');
    expect(a.answers.map((x) => x.lead[0])).toEqual(['吕奉华', '裴忠孝']);
    expect(a.text).toContain('测绘室');
    expect(a.text).toContain('信访室');
  });

  it('a section head, a task-force leader and a role printed in a row', () => {
    const head = top('国土空间规划科科长是谁');
    expect(head?.department).toBe('国土空间规划科');
    expect(head?.post).toBe('正职岗位');
    expect(top('专班组长是谁')?.lead).toEqual(['屈英']);
    expect(engine().ask('专班副组长有哪些人').answers[0]?.lead).toEqual(['金平聪', '乔良']);
    expect(top('街道办事处主任是谁')?.lead).toEqual(['屈英']);
  });

  it('a leader named with 分管 gets the leader row; a topic with 哪个领导 the leader whose duties name it', () => {
    expect(engine().ask('裴忠孝分管哪些').text).toContain('测绘室');
    expect(top('局里纪检工作哪个领导负责')?.lead).toEqual(['吕奉华']);
  });

  it('a role word inside a topic is no role question', () => {
    const a = engine().ask('局长办公会的会务一般谁保障');
    expect(a.intent).not.toBe('leadership');
    expect(a.answers[0]?.lead).toEqual(['宁邕']);
  });
});

describe('people and offices no manual contains are not found, and no one is named', () => {
  for (const q of ['张三负责哪个片区', '王小明最近都忙啥', '李四是哪个岗位的', '教育局局长是谁', '财政局局长是谁', '附近哪有加油站', '公积金咋提取啊', '体检报告什么时候出']) {
    it(q, () => {
      const a = engine().ask(q);
      expect(a.found).toBe(false);
      expect(a.band).toBe('none');
      expect(a.answers).toEqual([]);
      expect(named(a.text)).toEqual([]);
    });
  }

  it('says which name or office it does not know', () => {
    expect(engine().ask('王小明最近都忙啥').text).toContain('没有名为“王小明”的人员');
    expect(engine().ask('教育局局长是谁').text).toContain('“教育局”');
  });
});

describe('confidence bands', () => {
  it('sure: the row holds the whole topic', () => {
    const a = engine().ask('测绘作业证初审归谁管');
    expect(a.band).toBe('sure');
    expect(a.alternatives).toEqual([]);
  });

  it('plausible: the best match is labelled a guess, with alternatives that re-ask sure', () => {
    const a = engine().ask('档案谁管');
    expect(a.band).toBe('plausible');
    expect(a.found).toBe(true);
    expect(a.answers).toHaveLength(1);
    expect(a.text).toContain('最可能是：');
    expect(a.alternatives.length).toBeGreaterThan(0);
    expect(a.alternatives.length).toBeLessThanOrEqual(2);
    expect(a.text).toContain('是不是想问');
    for (const alt of a.alternatives) {
      expect(alt.item).not.toBe(a.answers[0]!.item);
      expect(engine().ask(alt.question).band).toBe('sure');
    }
  });

  it('the plausible card shows the guess and the alternatives as ask buttons', () => {
    const a = engine().ask('档案谁管');
    const json = JSON.stringify(answerCards(a));
    expect(json).toContain('最可能是');
    for (const alt of a.alternatives) expect(json).toContain(JSON.stringify({ action: 'ask', q: alt.question }).slice(1, -1));
  });

  it('none: nothing relevant, with the nearest topics and examples from the manuals', () => {
    const a = engine().ask('社保缴费基数怎么调整');
    expect(a.band).toBe('none');
    expect(a.text).toContain('我能回答');
    for (const ex of engine().examples().slice(0, 2)) expect(a.text).toContain(ex);
  });

  it('a precomputed query vector is accepted and used', () => {
    const q = '测绘作业证初审归谁管';
    const vector = Array.from(new HashingNgramEmbeddings({ dimensions: 256 }).embed(engine().parse(q).topic));
    expect(engine().ask(q, { vector }).answers[0]?.id).toBe(engine().ask(q).answers[0]?.id);
  });
});

// ——— An invented bureau: every word that selects a unit comes from its records ———

const base = { department: null, parentUnit: null, postNo: null, responsibilities: [], flow: null, timeLimit: null, assistants: [], peopleInherited: false, oversees: [] };
let line = 0;
const rec = (r: Partial<DutyRecord> & Pick<DutyRecord, 'unit' | 'scope' | 'kind' | 'post' | 'item' | 'duties' | 'lead'>): DutyRecord => {
  line++;
  return { ...base, ...r, id: `synthetic.txt#${line}`, source: { file: 'synthetic.txt', line } };
};
const CITY = '青禾市自然资源和规划局';
const BUREAU = '柳岸区自然资源局';
const CENTRE = '柳岸区土地储备中心';
const synthetic: DutyRecord[] = [
  rec({ unit: CITY, scope: 'city', department: '测量科', kind: 'leader', post: '正职岗位', item: '负责科内全面工作', duties: ['负责测量科全面工作。'], lead: [] }),
  rec({ unit: CITY, scope: 'city', department: '测量科', kind: 'item', post: '业务岗1：界桩管理岗', item: '一、界桩巡护工作', duties: ['组织全市界桩巡护和维修。'], lead: [] }),
  rec({ unit: BUREAU, scope: 'district', kind: 'leader', post: '部门领导正职岗位', item: '主持局机关全面工作', duties: ['负责局机关全面工作。'], lead: ['龚晓雯'] }),
  rec({ unit: BUREAU, scope: 'district', kind: 'leader', post: '部门领导副职岗位1', item: '配合局长开展工作', duties: ['分管储备中心、界桩股。'], lead: ['闻向东'], oversees: ['储备中心', '界桩股'] }),
  rec({ unit: BUREAU, scope: 'district', kind: 'item', post: '业务岗2：界桩管理岗', item: '一、界桩巡护工作', duties: ['负责全区界桩巡护和维修。'], lead: ['甄一帆'], flow: { codes: ['3-1'], titles: ['界桩巡护流程图'], steps: ['巡查', '登记', '维修', '归档'], subflows: [] } }),
  rec({ unit: CENTRE, scope: 'district', parentUnit: BUREAU, kind: 'centre-post', post: '储备业务岗', item: '储备业务岗', duties: ['承担土地收购储备的事务性工作。'], lead: ['贺春晓'] }),
  rec({ unit: BUREAU, scope: 'district', kind: 'passage', post: '', item: '第三章 档案保管', duties: ['档案室钥匙由值班人员保管，借阅档案须登记。'], lead: [] }),
];

describe('an invented bureau: unit words from its records, passages, examples', () => {
  const segmenter = new JiebaSegmenter();
  const embedder = new HashingNgramEmbeddings({ dimensions: 64 });
  const e = new DutyEngine({ index: new MemoryIndex(synthetic, [], embedder), segmenter, embedder, synonyms: {} });
  const first = (q: string) => e.ask(q).answers[0];

  it('short names of units and regions come from the records', () => {
    const aliases = e.lexicon.places.flatMap((p) => p.aliases);
    expect(aliases).toContain('柳岸');
    expect(aliases).toContain('青禾');
    expect(aliases).toContain('土地储备中心');
  });

  it('a region, a level word or a unit name selects the unit', () => {
    expect(first('柳岸界桩巡护谁负责')?.lead).toEqual(['甄一帆']);
    expect(first('区里界桩巡护谁负责')?.unit).toBe(BUREAU);
    expect(first('市局界桩巡护由哪个岗位负责')?.unit).toBe(CITY);
    expect(first('青禾界桩巡护由哪个岗位负责')?.unit).toBe(CITY);
    const both = e.ask('界桩巡护谁负责');
    expect(new Set(both.answers.map((a) => a.unit))).toEqual(new Set([CITY, BUREAU]));
  });

  it('a question naming the bureau also covers its centres', () => {
    expect(first(`${BUREAU}土地收购储备谁负责`)?.lead).toEqual(['贺春晓']);
  });

  it('roles and 分管 over the invented leaders', () => {
    expect(first('局长是谁')?.lead).toEqual(['龚晓雯']);
    expect(first('谁分管储备中心')?.lead).toEqual(['闻向东']);
    expect(e.ask('测量科科长是谁').answers[0]?.department).toBe('测量科');
  });

  it('a passage is searchable and quoted, never answered with a person', () => {
    const a = e.ask('档案室钥匙谁保管');
    expect(a.found).toBe(true);
    expect(a.answers[0]?.kind).toBe('passage');
    expect(a.answers[0]?.lead).toEqual([]);
    expect(a.text).toContain('原文：档案室钥匙由值班人员保管');
    for (const p of ['龚晓雯', '闻向东', '甄一帆', '贺春晓']) expect(a.text).not.toContain(p);
  });

  it('example questions come from these records, and each is answered with confidence', () => {
    const examples = exampleQuestions(e);
    expect(examples.length).toBeGreaterThanOrEqual(2);
    expect(examples.some((q) => q.includes('界桩巡护'))).toBe(true);
    for (const q of examples) expect(e.ask(q).band).toBe('sure');
    expect(e.capabilities()).toContain(examples[0]!);
  });

  it('the shipped manuals’ place names mean nothing here', () => {
    const a = e.ask('山亭区界桩巡护谁负责');
    expect(e.parse('山亭区界桩巡护谁负责').places).toEqual([]);
    expect(a.answers.length).toBeGreaterThan(0);
  });
});

describe('a role the manuals print for no one', () => {
  it('is not found rather than answered with the leader who oversees the body', () => {
    for (const q of ['执法大队队长是谁', '生态修复中心主任是谁']) {
      const a = engine().ask(q);
      expect(a.found).toBe(false);
      expect(named(a.text)).toEqual([]);
    }
    expect(engine().ask('执法大队队长是谁').text).toContain('没有写明这个队长由谁担任');
  });

  it('a deputy asked about with a topic is the deputy who oversees it', () => {
    expect(engine().ask('信访这块归哪个副局长').answers.map((a) => a.lead[0])).toEqual(['吕奉华']);
  });
});

describe("a person's leader", () => {
  it('某某的领导是谁 → the leader of the posts the person leads, from the manual', () => {
    const a = engine().ask('王金峰归哪个领导分管');
    expect(a.intent).toBe('leadership');
    expect(a.answers[0]?.lead).toEqual(['裴忠孝']);
  });
});

describe('a topic of single characters names nothing', () => {
  it('下周的会在哪开 → not found', () => {
    expect(engine().ask('下周的会在哪开').found).toBe(false);
  });
});

describe('a near tie between people is a guess', () => {
  it('档案谁管 → plausible, the other archive row one click away', () => {
    const a = engine().ask('档案谁管');
    expect(a.band).toBe('plausible');
    // The two archive rows tie: one is the guess, the other an alternative that re-asks to its own row.
    const shown = [a.answers[0]!.item, ...a.alternatives.map((x) => x.item)];
    expect(shown.some((i) => i.includes('档案管理、文件保密'))).toBe(true);
    expect(shown.some((i) => i.includes('干部人事档案管理'))).toBe(true);
    const other = a.alternatives.find((x) => x.item.includes('档案'))!;
    expect(engine().ask(other.question).answers[0]?.item).toBe(other.item);
  });
});

describe('a passage in a card', () => {
  it('is quoted, with no people lines', () => {
    const segmenter = new JiebaSegmenter();
    const embedder = new HashingNgramEmbeddings({ dimensions: 64 });
    const e = new DutyEngine({ index: new MemoryIndex(synthetic, [], embedder), segmenter, embedder, synonyms: {} });
    const json = JSON.stringify(answerCards(e.ask('档案室钥匙谁保管')));
    expect(json).toContain('原文');
    expect(json).not.toContain('牵头负责人');
  });
});

describe('an unknown name anywhere in the question', () => {
  for (const [q, name] of [
    ['请问张三负责哪个片区', '张三'],
    ['刚来的同事刘晓东负责什么', '刘晓东'],
    ['你知道王大锤是干嘛的吗', '王大锤'],
  ] as const) {
    it(q, () => {
      const a = engine().ask(q);
      expect(a.found).toBe(false);
      expect(a.text).toContain(`没有名为“${name}”的人员`);
      expect(named(a.text)).toEqual([]);
    });
  }
});

describe('the leader of a piece of work', () => {
  it('某项工作归哪个领导管 → the leader of the post doing it, not the person doing it', () => {
    const a = engine().ask('测绘作业证初审归哪个领导管');
    expect(a.intent).toBe('leadership');
    expect(a.answers[0]?.lead).toEqual(['裴忠孝']);
    expect(a.text).toContain('的分管领导：裴忠孝');
  });
});

describe('a head named by title alone', () => {
  const rows: DutyRecord[] = [
    rec({ unit: BUREAU, scope: 'district', department: '界桩股', kind: 'leader', post: '股长', item: '界桩股股长', duties: ['股长：齐远山。'], lead: ['齐远山'] }),
    rec({ unit: BUREAU, scope: 'district', department: '界桩股', kind: 'leader', post: '副股长', item: '界桩股副股长', duties: ['副股长：葛云舒。'], lead: ['葛云舒'] }),
    rec({ unit: BUREAU, scope: 'district', department: '界桩股', kind: 'item', post: '界桩管理岗', item: '界桩巡护', duties: ['负责界桩巡护。'], lead: ['甄一帆'] }),
  ];
  const embedder = new HashingNgramEmbeddings({ dimensions: 64 });
  const e = new DutyEngine({ index: new MemoryIndex(rows, [], embedder), segmenter: new JiebaSegmenter(), embedder, synonyms: {} });

  it('a row whose post is just the head’s title (股长, 所长, 主任 …) answers who heads the office; its deputy does not', () => {
    expect(e.ask('界桩股股长是谁').answers[0]?.lead).toEqual(['齐远山']);
    expect(e.ask('界桩股副股长是谁').answers[0]?.lead).toEqual(['葛云舒']);
  });
});

describe('a person question asking who stands in, or for one of their facts', () => {
  const rows: DutyRecord[] = [
    rec({ unit: BUREAU, scope: 'district', kind: 'item', post: '巡查岗', item: '耕地日常巡查', duties: ['负责耕地日常巡查。'], lead: ['蒋清和'], assistants: ['鲁星河'], details: [{ label: '包联村（社区）', text: '东坪村、西坪村' }] }),
    rec({ unit: BUREAU, scope: 'district', kind: 'item', post: '巡查岗', item: '违法用地制止', duties: ['发现违法用地及时制止。'], lead: ['蒋清和'], assistants: ['鲁星河', '苗晓光'] }),
    rec({ unit: BUREAU, scope: 'district', kind: 'item', post: '所长', item: '主持全面工作', duties: ['主持全面工作。'], lead: ['鲁星河'], assistants: ['蒋清和'], details: [{ label: '包联村（社区）', text: '南岭村' }] }),
  ];
  const embedder = new HashingNgramEmbeddings({ dimensions: 64 });
  const e = new DutyEngine({ index: new MemoryIndex(rows, [], embedder), segmenter: new JiebaSegmenter(), embedder, synonyms: {} });

  it('"外出时谁替她", "B角是谁": the assistants of the rows the person leads, most often named first', () => {
    for (const q of ['蒋清和外出时谁替她', '蒋清和请假了找谁', '蒋清和的B角是谁']) {
      const a = e.ask(q);
      expect(a.intent).toBe('person');
      expect(a.text.split('\n')[0]).toBe('蒋清和 不在时，手册为其牵头事项列出的辅助（B角）人员：鲁星河（2 项）、苗晓光（1 项）');
    }
    // The chat card says it first too.
    expect(JSON.stringify(answerCards(e.ask('蒋清和外出时谁替她')))).toContain('蒋清和 不在时，手册为其牵头事项列出的辅助（B角）人员');
  });

  it('a labelled fact the question names is printed from the person’s own rows', () => {
    const text = e.ask('蒋清和包联哪几个村').text;
    expect(text).toContain('包联村（社区）：东坪村、西坪村');
    expect(text).not.toContain('南岭村');
    expect(e.ask('蒋清和负责哪些工作').text).not.toContain('包联村');
  });
});

describe('a guess must match the topic, not only the place named', () => {
  const embedder = new HashingNgramEmbeddings({ dimensions: 64 });
  const e = new DutyEngine({ index: new MemoryIndex(synthetic, [], embedder), segmenter: new JiebaSegmenter(), embedder, synonyms: {} });

  it('a unit named with work no row of it mentions is not found, and names no one', () => {
    for (const q of [`${CENTRE}食堂谁管`, `${BUREAU}年终奖怎么发`]) {
      const a = e.ask(q);
      expect(a.found).toBe(false);
      for (const name of ['贺春晓', '龚晓雯', '闻向东', '甄一帆']) expect(a.text).not.toContain(name);
    }
    // The same unit with work its rows do mention still answers.
    expect(e.ask(`${CENTRE}土地收购储备谁负责`).answers[0]?.lead).toEqual(['贺春晓']);
  });
});

describe('a structured row before a passage that says the same', () => {
  // Same words in both: only what kind of record each is tells them apart.
  const same = { unit: BUREAU, scope: 'district' as const, post: '', item: '界桩成果资料查询', duties: ['界桩成果资料查询按规定办理审批手续后提供。'] };
  const rows: DutyRecord[] = [rec({ ...same, kind: 'passage', lead: [] }), rec({ ...same, kind: 'item', lead: ['钟离远'] })];
  const embedder = new HashingNgramEmbeddings({ dimensions: 64 });
  const e = new DutyEngine({ index: new MemoryIndex(rows, [], embedder), segmenter: new JiebaSegmenter(), embedder, synonyms: {} });

  it('the row with its people answers; the passage is the fallback', () => {
    expect(e.ask('界桩成果资料查询找谁').answers[0]?.lead).toEqual(['钟离远']);
  });
});

describe('when the work happens is part of the topic', () => {
  const rows: DutyRecord[] = [
    rec({ unit: BUREAU, scope: 'district', kind: 'item', post: '综合岗', item: '值班与安全', duties: ['承担机关值班、安全保卫等工作。'], lead: ['宓子衿'] }),
    rec({ unit: BUREAU, scope: 'district', kind: 'passage', post: '', item: '值班制度', duties: ['工作日由办公室接听值班电话。汛期实行24小时值班，地灾股安排专人参加。'], lead: [] }),
    rec({ unit: BUREAU, scope: 'district', kind: 'passage', post: '', item: '国庆节值班安排', duties: ['国庆节期间值班安排如下，带班领导负责当日调度。'], lead: [] }),
    rec({ unit: BUREAU, scope: 'district', kind: 'passage', post: '', item: '10月1日', duties: ['10月1日 带班领导：晏知秋 值班：卜星野'], lead: [] }),
    rec({ unit: BUREAU, scope: 'district', kind: 'passage', post: '', item: '10月2日', duties: ['10月2日 带班领导：阙临风 值班：卜星野'], lead: [] }),
  ];
  const embedder = new HashingNgramEmbeddings({ dimensions: 64 });
  const e = new DutyEngine({ index: new MemoryIndex(rows, [], embedder), segmenter: new JiebaSegmenter(), embedder, synonyms: {} });

  it('a season the manuals name (汛期) is a topic word, not time of asking', () => {
    expect(e.parse('汛期值班有什么要求').terms.map((t) => t.text)).toContain('汛期');
    expect(e.ask('汛期值班有什么要求').answers[0]?.item).toBe('值班制度');
    // Time of asking still weighs nothing.
    expect(e.parse('现在值班谁负责').terms.map((t) => t.text)).toEqual(['值班']);
  });

  it('a calendar date is one word, written with 日 or 号', () => {
    expect(e.parse('国庆10月2日谁带班').terms.map((t) => t.text)).toContain('10月2日');
    expect(e.ask('国庆10月2日谁带班').text).toContain('阙临风');
    expect(e.ask('国庆节10月2号谁带班').text).toContain('阙临风');
  });
});

describe('a sub-unit named with its head: the answer comes from that unit', () => {
  const STATION = '柳岸区青石镇自然资源所';
  const GROUP = '柳岸区青石镇林长制工作领导小组';
  const TEAM = '柳岸区自然资源执法大队';
  const rows: DutyRecord[] = [
    rec({ unit: BUREAU, scope: 'district', kind: 'leader', post: '部门领导正职岗位', item: '主持局机关全面工作', duties: ['负责局机关全面工作。'], lead: ['龚晓雯'] }),
    rec({ unit: BUREAU, scope: 'district', kind: 'leader', post: '部门领导副职岗位1', item: '配合局长开展工作', duties: ['分管青石镇自然资源所。'], lead: ['闻向东'], oversees: ['青石镇自然资源所'] }),
    rec({ unit: STATION, scope: 'subdistrict', parentUnit: BUREAU, kind: 'item', post: '所长', item: '全所工作统筹', duties: ['主持自然资源所全面工作。'], lead: ['苑清河'] }),
    rec({ unit: STATION, scope: 'subdistrict', parentUnit: BUREAU, kind: 'item', post: '副所长', item: '耕地巡查', duties: ['负责耕地保护日常巡查，协助所长工作。'], lead: ['匡明月'] }),
    rec({ unit: STATION, scope: 'subdistrict', parentUnit: BUREAU, kind: 'item', post: '巡查岗', item: '地灾隐患点巡查', duties: ['汛期每周巡查隐患点。'], lead: ['戈小满'] }),
    rec({ unit: GROUP, scope: 'subdistrict', kind: 'taskforce-role', post: '成员', item: `${GROUP}成员`, duties: ['苑清河：镇自然资源所所长；宫南星：镇农业服务中心主任。'], lead: ['苑清河', '宫南星'] }),
    rec({ unit: TEAM, scope: 'district', parentUnit: BUREAU, kind: 'leader', post: '大队长', item: '主持大队全面工作', duties: ['主持大队全面工作。'], lead: ['储一鸣'] }),
    rec({ unit: TEAM, scope: 'district', parentUnit: BUREAU, kind: 'leader', department: '一中队', post: '中队长', item: '一中队中队长', duties: ['中队长：费晨阳'], lead: ['费晨阳'] }),
  ];
  const embedder = new HashingNgramEmbeddings({ dimensions: 64 });
  const e = new DutyEngine({ index: new MemoryIndex(rows, [], embedder), segmenter: new JiebaSegmenter(), embedder, synonyms: {} });

  it('a region written inside the unit name names the unit only', () => {
    expect(e.parse('青石镇自然资源所所长是谁').places.map((p) => p.name)).toEqual([STATION]);
    // The region on its own still names every unit in it.
    expect(e.parse('青石镇隐患点巡查谁负责').places.map((p) => p.kind)).toEqual(['region']);
  });

  it('the unit’s own head, said to be from that unit, not a row elsewhere that prints the title', () => {
    const a = e.ask('青石镇自然资源所所长是谁');
    expect(a.answers.map((x) => [x.unit, x.lead])).toEqual([[STATION, ['苑清河']]]);
    expect(a.text.split('\n')[0]).toBe(`${STATION}：所长 苑清河。`);
    expect(e.ask('青石镇自然资源所副所长是谁').answers.map((x) => x.lead)).toEqual([['匡明月']]);
  });

  it('“的领导是谁” lists the unit’s heads, principal first, never looking up to the bureau', () => {
    const a = e.ask('青石镇自然资源所的领导是谁');
    expect(a.answers.map((x) => x.lead[0])).toEqual(['苑清河', '匡明月']);
    expect(a.text).not.toContain('龚晓雯');
    // Who oversees it is still asked of the bureau.
    expect(e.ask('谁分管青石镇自然资源所').answers[0]?.lead).toEqual(['闻向东']);
  });

  it('asked in a station’s own chat, “我们所的领导是谁” is the station’s head, not the bureau’s', () => {
    const a = e.ask('我们所的领导是谁', { units: [STATION] });
    expect(a.answers[0]?.lead).toEqual(['苑清河']);
    expect(a.text).not.toContain('龚晓雯');
    expect(e.ask('所长是谁', { units: [STATION] }).answers.map((x) => x.lead)).toEqual([['苑清河']]);
  });

  it('the head’s title as the question writes it: 大队长 is not 中队长', () => {
    expect(e.ask('柳岸区自然资源执法大队大队长是谁').answers.map((x) => x.lead)).toEqual([['储一鸣']]);
    expect(e.ask('柳岸区自然资源执法大队中队长是谁').answers.map((x) => x.lead)).toEqual([['费晨阳']]);
  });
});

describe('how often, and who: what a passage can and cannot answer', () => {
  const rows: DutyRecord[] = [
    rec({ unit: BUREAU, scope: 'district', kind: 'passage', post: '', item: '工作要求', duties: ['各责任股室于每月25日前向办公室报送当月进展情况，办公室汇总后报局主要负责同志。'], lead: [] }),
    rec({ unit: BUREAU, scope: 'district', kind: 'passage', post: '', item: '总体要求', duties: ['为确保全年重点工作任务落到实处，制定本方案，各股室要建立工作台账。'], lead: [] }),
    rec({ unit: BUREAU, scope: 'district', kind: 'item', department: '成果管理部', post: '成果管理部', item: '基础测绘成果提供', duties: [], timeLimit: '10个工作日', lead: ['冼星河'], assistants: ['邰晓风'] }),
    rec({ unit: BUREAU, scope: 'district', kind: 'passage', post: '', item: '说明', duties: ['说明：涉密基础测绘成果按规定办理审批手续后提供；时限不含申请人补正材料时间。'], lead: [] }),
    rec({ unit: BUREAU, scope: 'district', kind: 'item', post: '用地岗', item: '临时用地申请受理', duties: ['受理临时用地申请。'], lead: ['解远山'] }),
  ];
  const embedder = new HashingNgramEmbeddings({ dimensions: 64 });
  const e = new DutyEngine({ index: new MemoryIndex(rows, [], embedder), segmenter: new JiebaSegmenter(), embedder, synonyms: {} });

  it('a frequency the manuals print (每月) is a topic word', () => {
    expect(e.parse('进展情况每月几号前报送').terms.map((t) => t.text)).toContain('每月');
    expect(e.ask('重点工作进展每月几号前报送').text).toContain('每月25日前');
  });

  it('a question asking who goes to the row with people, not a note that holds more of its words', () => {
    const a = e.ask('基础测绘成果怎么申请，找谁');
    expect(a.answers[0]?.lead).toEqual(['冼星河']);
    expect(a.answers[0]?.assistants).toEqual(['邰晓风']);
  });
});

describe('a bureau named with 局长', () => {
  const B = '松河县自然资源局';
  const C = '松河县不动产登记中心';
  const rows: DutyRecord[] = [
    rec({ unit: B, scope: 'district', kind: 'item', post: '耕保岗', item: '耕地保护巡查', duties: ['负责耕地保护巡查。'], lead: ['程远帆'] }),
    rec({ unit: C, scope: 'district', parentUnit: B, kind: 'leader', post: '主任', item: '主持中心全面工作', duties: ['主持中心全面工作。'], lead: ['龙静姝'] }),
  ];
  const embedder = new HashingNgramEmbeddings({ dimensions: 64 });
  const e = new DutyEngine({ index: new MemoryIndex(rows, [], embedder), segmenter: new JiebaSegmenter(), embedder, synonyms: {} });

  it('is that bureau’s own leader, never the head of a centre it covers', () => {
    const a = e.ask(`${B}局长是谁`);
    expect(a.found).toBe(false);
    expect(a.text).not.toContain('龙静姝');
    expect(e.ask(`${C}主任是谁`).answers[0]?.lead).toEqual(['龙静姝']);
  });
});

describe('one row printed in two documents', () => {
  const U = '石川省地理信息院';
  const head = { unit: U, scope: 'province' as const, kind: 'leader' as const, post: '院长', item: '院长', duties: ['院长：邝雨桐'], lead: ['邝雨桐'] };
  const rows: DutyRecord[] = [rec(head), { ...rec(head), id: 'other.txt#2', source: { file: 'other.txt', line: 2 } }];
  const embedder = new HashingNgramEmbeddings({ dimensions: 64 });
  const e = new DutyEngine({ index: new MemoryIndex(rows, [], embedder), segmenter: new JiebaSegmenter(), embedder, synonyms: {} });

  it('is one answer', () => {
    const a = e.ask('地理信息院院长是谁');
    expect(a.answers).toHaveLength(1);
    expect(a.answers[0]?.lead).toEqual(['邝雨桐']);
  });
});

describe('a flow question naming a sub-flow', () => {
  const flow = (subflows: { name: string; steps: string[] }[]) => ({ codes: [], titles: [], steps: subflows.map((s) => s.name), subflows });
  const rows: DutyRecord[] = [
    rec({ unit: CENTRE, scope: 'district', parentUnit: BUREAU, kind: 'centre-post', post: '城乡事务岗', item: '城乡事务岗', duties: ['承担编制和实施的事务性工作。'], lead: ['卓一航'],
      flow: flow([{ name: '规划条件', steps: ['受理申请', '前期审查', '拟定规划条件'] }, { name: '规划核实', steps: ['受理申请', '现场核实', '发证'] }]) }),
    rec({ unit: CENTRE, scope: 'district', parentUnit: BUREAU, kind: 'centre-post', post: '规划条件变更岗', item: '规划条件变更岗', duties: ['承担土地巡查；承担变更规划条件完善用地手续辅助工作；承担土地租金征收和变更规划条件的事务性工作。'], lead: ['岑可欣'],
      flow: { codes: [], titles: [], steps: ['接收变更规划条件申请', '实地核查', '报批'], subflows: [] } }),
  ];
  const embedder = new HashingNgramEmbeddings({ dimensions: 64 });
  const e = new DutyEngine({ index: new MemoryIndex(rows, [], embedder), segmenter: new JiebaSegmenter(), embedder, synonyms: {} });

  it('goes to the row whose sub-flow has that whole name', () => {
    const a = e.ask('规划条件怎么走流程');
    expect(a.answers[0]?.lead).toEqual(['卓一航']);
    expect(a.answers[0]?.flow?.steps).toEqual(['受理申请', '前期审查', '拟定规划条件']);
  });
});
