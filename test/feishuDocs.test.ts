import * as XLSX from '@e965/xlsx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeishuDocsError, type FeishuDocsApi } from '../bot/feishu/docsApi.js';
import { parseFeishuLink, readFeishuLink } from '../bot/feishu/docsReader.js';
import { FetchDocsApi } from '../bot/feishu/fetchDocsApi.js';
import { LarkApi } from '../bot/node/larkApi.js';
import { LarkDocsApi } from '../bot/node/larkDocsApi.js';
import { systemClock } from '../bot/clock.js';
import { memoryLogger } from '../bot/log.js';
import type { DocModel } from '../ingest/document.js';
import { parseDocument, parseManual } from '../ingest/parseManual.js';
import type { FeishuBlock } from '../ingest/read/feishuDocx.js';
import { feishuDocxToModel } from '../ingest/read/feishuDocx.js';
import type { SheetCell } from '../ingest/read/feishuSheet.js';
import { gridProblems } from '../ingest/read/grid.js';
import { readDocument } from '../ingest/read/index.js';
import type { DutyRecord } from '../ingest/record.js';
import { DOCS_ERRORS } from './support/feishuDocsStub.js';
import { FeishuStub } from './support/feishuStub.js';

// An invented bureau and invented people: nothing here comes from the shipped manuals.
const TITLE = '青禾市临川县自然资源局岗位职责清单';
const HEADER = ['序号', '岗位', '事项', '职责', '牵头人', '辅助人员', '时限'];
/** Data rows; null = covered by the post merged above. */
const ROWS: (string | null)[][] = [
  ['1', '测绘管理岗', '测绘资质初审', '受理申请材料，审核资质条件', '周立新', '吴晓兰', '5个工作日'],
  ['2', null, '地图审核', '组织地图送审，提出审核意见', '周立新', '陈明', '20个工作日'],
  ['3', '耕地保护岗', '耕地占补平衡核查', '核查补充耕地数量和质量', '孙海', '李青、赵蕾', '10个工作日'],
  ['4', null, '永久基本农田保护', '监督检查永久基本农田保护情况', '孙海', '赵蕾', ''],
  ['5', null, '土地复垦验收', '组织土地复垦项目验收', '钱峰', '李青', '30个工作日'],
  ['6', '执法监察岗', '违法用地查处', '立案调查违法用地行为', '郑远', '冯晨', '60日'],
];
/** Post merges: [first data row, rows spanned]. */
const POST_MERGES: [number, number][] = [
  [0, 2],
  [2, 3],
];

/** What must agree across formats (references differ by design). */
function essence(records: DutyRecord[]) {
  return records.map((r) => ({
    unit: r.unit,
    post: r.post,
    item: r.item,
    lead: r.lead,
    assistants: r.assistants,
    timeLimit: r.timeLimit,
    duties: r.duties,
  }));
}

function xlsxBytes(): Uint8Array {
  const aoa = [[TITLE], HEADER, ...ROWS.map((r) => r.map((c) => c ?? null))];
  const ws = XLSX.utils.aoa_to_sheet(aoa);
  ws['!merges'] = [
    XLSX.utils.decode_range('A1:G1'),
    ...POST_MERGES.map(([row, span]) => ({ s: { r: row + 2, c: 1 }, e: { r: row + 2 + span - 1, c: 1 } })),
  ];
  const wb = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(wb, ws, '岗位职责');
  return new Uint8Array(XLSX.write(wb, { type: 'array', bookType: 'xlsx' }) as ArrayBuffer);
}

type Run = { text_run: { content: string; text_element_style?: Record<string, unknown> } } | { mention_user: { user_id: string } };
const run = (content: string, style: Record<string, unknown> = {}): Run => ({ text_run: { content, text_element_style: style } });

/** Builds docx blocks the way the blocks API lists them: page first, then every block in document order. */
class DocxBuilder {
  readonly blocks: FeishuBlock[] = [];
  private seq = 0;
  readonly page: FeishuBlock;

  constructor(title: string) {
    this.page = { block_id: 'doxcnPageRoot01', block_type: 1, children: [], page: { elements: [run(title)], style: { align: 1 } } };
    this.blocks.push(this.page);
  }

  private id(): string {
    return `doxcnBlk${String(++this.seq).padStart(6, '0')}`;
  }

  private attach(parent: FeishuBlock, block: FeishuBlock): FeishuBlock {
    block.parent_id = parent.block_id;
    (parent.children ??= []).push(block.block_id);
    this.blocks.push(block);
    return block;
  }

  textLike(type: number, key: string, elements: Run[], style: Record<string, unknown> = {}, parent = this.page): FeishuBlock {
    return this.attach(parent, { block_id: this.id(), block_type: type, children: [], [key]: { elements, style } });
  }

  heading(level: number, text: string): FeishuBlock {
    return this.textLike(2 + level, `heading${level}`, [run(text)]);
  }

  text(text: string | Run[], parent = this.page): FeishuBlock {
    return this.textLike(2, 'text', typeof text === 'string' ? [run(text)] : text, {}, parent);
  }

  ordered(text: string, sequence: string | undefined, parent = this.page): FeishuBlock {
    return this.textLike(13, 'ordered', [run(text)], sequence ? { sequence } : {}, parent);
  }

  /** A table; a cell is text, runs, or null where a merge covers it; `merges` gives [row, col, rowSpan, colSpan]. */
  table(rows: (string | Run[] | null)[][], merges: [number, number, number, number][], headerRow = true): FeishuBlock {
    const cols = rows[0]!.length;
    const table = this.attach(this.page, { block_id: this.id(), block_type: 31, children: [] });
    const mergeInfo = rows.flatMap((row, r) =>
      row.map((_, c) => {
        const m = merges.find(([mr, mc]) => mr === r && mc === c);
        return { row_span: m ? m[2] : 1, col_span: m ? m[3] : 1 };
      }),
    );
    rows.forEach((row) =>
      row.forEach((cell) => {
        const tc = this.attach(table, { block_id: this.id(), block_type: 32, children: [], table_cell: {} });
        // Every cell holds at least one (possibly empty) text block, covered ones too.
        this.text(cell === null ? '' : cell, tc);
      }),
    );
    table.table = {
      cells: [...table.children!],
      property: { row_size: rows.length, column_size: cols, column_width: Array(cols).fill(120), header_row: headerRow, merge_info: mergeInfo },
    };
    return table;
  }
}

/** The duty table as a Feishu docx: the title is the document's, a header row, merged posts, a mention and styled runs. */
function dutyDocx(): DocxBuilder {
  const doc = new DocxBuilder(TITLE);
  const rows: (string | Run[] | null)[][] = [HEADER, ...ROWS.map((r) => [...r])];
  // 周立新 is @-mentioned in the first row; the duty text is split by a bold run.
  rows[1]![4] = [{ mention_user: { user_id: 'ou_zhou_lixin' } }];
  rows[1]![3] = [run('受理申请材料，'), run('审核资质条件', { bold: true })];
  doc.table(rows, POST_MERGES.map(([row, span]) => [row + 1, 1, span, 1] as [number, number, number, number]));
  return doc;
}

/** The duty table as a Feishu spreadsheet: values from A1 with rich-text cells, merges from the sheet list. */
function dutySheetValues(): SheetCell[][] {
  const values: SheetCell[][] = [[TITLE, null, null, null, null, null, null], HEADER];
  for (const row of ROWS) values.push(row.map((c, i) => (i === 0 ? Number(c) : c === '' ? null : c)));
  // Rich text: a mention plus plain text, a link segment inside a duty.
  values[4]![5] = [{ type: 'mention', text: '@李青', textType: 'openId', notify: false }, { type: 'text', text: '、' }, { type: 'text', text: '赵蕾' }];
  values[4]![3] = [{ type: 'text', text: '核查补充耕地' }, { type: 'url', text: '数量和质量', link: 'https://example.feishu.cn/wiki/abc' }];
  return values;
}

const sheetMerges = () => [
  { start_row_index: 0, end_row_index: 0, start_column_index: 0, end_column_index: 6 },
  ...POST_MERGES.map(([row, span]) => ({ start_row_index: row + 2, end_row_index: row + 1 + span, start_column_index: 1, end_column_index: 1 })),
];

let stub: FeishuStub;
let sdk: FeishuDocsApi;
let viaFetch: FeishuDocsApi;
const waits: number[] = [];

beforeAll(async () => {
  stub = await new FeishuStub().start();
  const docs = stub.docs;
  docs.users.set('ou_zhou_lixin', '周立新');
  docs.docx.set('doxcnDutyTable0001', { title: TITLE, revision: 17, blocks: dutyDocx().blocks });
  docs.wiki.set('wikcnDutyPage00001', { obj_token: 'doxcnDutyTable0001', obj_type: 'docx', title: TITLE, obj_edit_time: '1763856000' });
  docs.wiki.set('wikcnDutySheet0001', { obj_token: 'shtcnDutySheet0001', obj_type: 'sheet', title: TITLE, obj_edit_time: '1763856000' });
  docs.wiki.set('wikcnMindNote00001', { obj_token: 'bmncnMind00000001', obj_type: 'mindnote', title: '工作思路' });
  docs.wiki.set('wikcnOldDoc000001', { obj_token: 'doccnOld000000001', obj_type: 'doc', title: '旧版清单' });
  docs.spreadsheets.set('shtcnDutySheet0001', {
    title: TITLE,
    revision: 42,
    sheets: [
      {
        sheet_id: 'Q7PlXT',
        title: '岗位职责',
        index: 0,
        hidden: false,
        resource_type: 'sheet',
        grid_properties: { frozen_row_count: 2, frozen_column_count: 0, row_count: 200, column_count: 20 },
        merges: sheetMerges(),
      },
      { sheet_id: 'hid001', title: '草稿', index: 1, hidden: true, resource_type: 'sheet', grid_properties: { row_count: 10, column_count: 5 } },
    ],
    values: { Q7PlXT: dutySheetValues(), hid001: [['不应读取']] },
  });
  const lark = new LarkApi({ appId: 'cli_docs_test', appSecret: 's', domain: stub.url, logger: memoryLogger() });
  sdk = new LarkDocsApi(lark.client, { sleep: async (ms) => void waits.push(ms) });
  viaFetch = new FetchDocsApi({ appId: 'cli_docs_fetch', appSecret: 's', domain: stub.url, clock: systemClock }, { sleep: async (ms) => void waits.push(ms) });
});

afterAll(async () => {
  await stub.stop();
});

describe('a duty table kept in Feishu reads like the same table uploaded as .xlsx', () => {
  let expected: ReturnType<typeof essence>;

  beforeAll(async () => {
    const doc = await readDocument('岗位职责清单.xlsx', xlsxBytes());
    expected = essence(parseDocument(doc).records);
    expect(expected).toHaveLength(6);
    expect(expected[1]).toMatchObject({ unit: '青禾市临川县自然资源局', post: '测绘管理岗', item: '地图审核', lead: ['周立新'] });
  });

  for (const via of ['sdk', 'fetch'] as const) {
    const api = () => (via === 'sdk' ? sdk : viaFetch);

    it(`docx link (${via})`, async () => {
      const read = await readFeishuLink(api(), 'https://qinghe.feishu.cn/docx/doxcnDutyTable0001');
      expect(read).toMatchObject({ name: TITLE, revision: '17', url: 'https://qinghe.feishu.cn/docx/doxcnDutyTable0001' });
      const table = read.doc.body.find((b) => b.kind === 'table');
      expect(table && table.kind === 'table' && gridProblems(table)).toEqual([]);
      expect(table && table.kind === 'table' && table.rowProv[2]!.ref).toBe('表1 第3行');
      expect(table && table.kind === 'table' && table.cells.filter((c) => c.text === '耕地保护岗')).toEqual([{ text: '耕地保护岗', r: 3, c: 1, rowSpan: 3, colSpan: 1 }]);
      expect(table && table.kind === 'table' && table.headerRows).toBe(1);
      expect(essence(parseDocument(read.doc).records)).toEqual(expected);
    });

    it(`wiki link to that docx (${via})`, async () => {
      const read = await readFeishuLink(api(), 'https://qinghe.feishu.cn/wiki/wikcnDutyPage00001?from=from_copylink');
      expect(read.name).toBe(TITLE);
      expect(essence(parseDocument(read.doc).records)).toEqual(expected);
    });

    it(`sheets link, values and merges (${via})`, async () => {
      const read = await readFeishuLink(api(), 'https://qinghe.feishu.cn/sheets/shtcnDutySheet0001');
      expect(read).toMatchObject({ name: TITLE, revision: '42' });
      // The hidden sheet is named in a warning, not read.
      expect(read.doc.warnings.join()).toContain('草稿');
      expect(JSON.stringify(read.doc.body)).not.toContain('不应读取');
      expect(read.doc.body[0]).toMatchObject({ kind: 'heading', text: TITLE, prov: { ref: '岗位职责!A1' } });
      const table = read.doc.body.find((b) => b.kind === 'table');
      expect(table && table.kind === 'table' && table.cells.filter((c) => c.text === '耕地保护岗')).toEqual([{ text: '耕地保护岗', r: 3, c: 1, rowSpan: 3, colSpan: 1 }]);
      expect(table && table.kind === 'table' && table.cells.find((c) => c.r === 3 && c.c === 3)?.text).toBe('核查补充耕地数量和质量');
      const records = parseDocument(read.doc).records;
      expect(essence(records)).toEqual(expected);
      expect(records[2]!.source.ref).toBe('岗位职责!第5行');
    });
  }

  it('a docx whose table carries the title in a merged first row', async () => {
    const doc = new DocxBuilder('岗位职责（2026年修订）');
    doc.table(
      [[TITLE, null, null, null, null, null, null], HEADER, ...ROWS.map((r) => [...r])],
      [[0, 0, 1, 7], ...POST_MERGES.map(([row, span]) => [row + 2, 1, span, 1] as [number, number, number, number])],
      false,
    );
    stub.docs.docx.set('doxcnTitledTable1', { title: '岗位职责（2026年修订）', revision: 4, blocks: doc.blocks });
    const read = await readFeishuLink(sdk, 'https://qinghe.feishu.cn/docx/doxcnTitledTable1');
    expect(read.doc.body.slice(0, 2)).toMatchObject([{ kind: 'heading', text: '岗位职责（2026年修订）' }, { kind: 'heading', text: TITLE, prov: { ref: '表1 第1行' } }]);
    const records = parseDocument(read.doc).records;
    expect(essence(records)).toEqual(expected);
    // Rows keep their place in the table as printed, title row included.
    expect(records[0]!.source.ref).toBe('表1 第3行');
  });

  it('a docx holding the spreadsheet as an embedded sheet block', async () => {
    const doc = new DocxBuilder('岗位职责');
    doc.blocks.push({ block_id: 'doxcnSheetBlk01', parent_id: doc.page.block_id, block_type: 30, sheet: { token: 'shtcnDutySheet0001_Q7PlXT' } });
    doc.page.children!.push('doxcnSheetBlk01');
    stub.docs.docx.set('doxcnEmbedSheet01', { title: '岗位职责', revision: 2, blocks: doc.blocks });
    const read = await readFeishuLink(sdk, 'https://qinghe.feishu.cn/docx/doxcnEmbedSheet01');
    expect(read.doc.warnings).toEqual([]);
    expect(essence(parseDocument(read.doc).records)).toEqual(expected);
  });

  it('a wiki page holding a sheet, and ?sheet= picking one sheet', async () => {
    const viaWiki = await readFeishuLink(sdk, 'https://qinghe.feishu.cn/wiki/wikcnDutySheet0001');
    expect(essence(parseDocument(viaWiki.doc).records)).toEqual(expected);
    const one = await readFeishuLink(sdk, 'https://qinghe.feishu.cn/sheets/shtcnDutySheet0001?sheet=hid001');
    expect(JSON.stringify(one.doc.body)).toContain('不应读取');
  });
});

describe('reading Feishu documents', () => {
  it('pages through the blocks list until has_more is false', async () => {
    const doc = dutyDocx();
    for (let i = 1; i <= 40; i++) doc.text(`第${i}段补充说明。`);
    stub.docs.docx.set('doxcnLongDoc00001', { title: '长文档', revision: 3, blocks: doc.blocks });
    stub.docs.blockPageSize = 25;
    try {
      const before = stub.docs.callsTo('/open-apis/docx/v1/documents/doxcnLongDoc00001/blocks');
      const blocks = await sdk.docxBlocks('doxcnLongDoc00001');
      const calls = stub.docs.calls.filter((c) => c.path === '/open-apis/docx/v1/documents/doxcnLongDoc00001/blocks').slice(before);
      expect(blocks).toHaveLength(doc.blocks.length);
      expect(calls.length).toBe(Math.ceil(doc.blocks.length / 25));
      expect(calls[0]!.query).toMatchObject({ page_size: '500' });
      expect(calls[0]!.query.page_token).toBeUndefined();
      expect(calls[1]!.query.page_token).toBeTruthy();
      const fetched = await viaFetch.docxBlocks('doxcnLongDoc00001');
      expect(fetched.map((b) => b.block_id)).toEqual(blocks.map((b) => b.block_id));
      const read = await readFeishuLink(sdk, 'https://qinghe.feishu.cn/docx/doxcnLongDoc00001');
      const paras = read.doc.body.filter((b) => b.kind === 'para');
      expect(paras.at(-1)).toMatchObject({ text: '第40段补充说明。' });
    } finally {
      stub.docs.blockPageSize = 500;
    }
  });

  it('reads a prose document (headings, ordered lists) as the file reader reads the same text', async () => {
    const doc = new DocxBuilder('临川县自然资源局窗口岗位职责');
    doc.heading(2, '一、咨询岗位职责');
    doc.ordered('负责来访群众的业务咨询，发放办事指南。', '1');
    doc.ordered('负责引导办事群众到相应窗口办理业务。', 'auto');
    doc.text('责任人：王　伟');
    doc.heading(2, '二、受理岗位职责');
    doc.ordered('负责申请材料的接收和初审，材料齐全、符合法定形式的，当场受理。', '1');
    doc.ordered('负责登记流程：受理→审核→登簿→发证。由刘晓琳负责。', undefined);
    stub.docs.docx.set('doxcnProseDoc0001', { title: '临川县自然资源局窗口岗位职责', revision: 5, blocks: doc.blocks });
    const read = await readFeishuLink(sdk, 'https://qinghe.feishu.cn/docx/doxcnProseDoc0001');
    const markers = read.doc.body.filter((b) => b.kind === 'para' && b.marker).map((b) => b.kind === 'para' && b.marker);
    expect(markers).toEqual(['1.', '2.', '1.', '2.']);
    expect(read.doc.body.filter((b) => b.kind === 'heading').map((b) => b.kind === 'heading' && b.level)).toEqual([1, 2, 2]);
    const text = [
      '临川县自然资源局窗口岗位职责',
      '一、咨询岗位职责',
      '1.负责来访群众的业务咨询，发放办事指南。',
      '2.负责引导办事群众到相应窗口办理业务。',
      '责任人：王　伟',
      '二、受理岗位职责',
      '1.负责申请材料的接收和初审，材料齐全、符合法定形式的，当场受理。',
      '2.负责登记流程：受理→审核→登簿→发证。由刘晓琳负责。',
    ].join('\n');
    const fromFile = parseManual('post.txt', text).records;
    const fromFeishu = parseDocument(read.doc).records;
    expect(fromFeishu.length).toBeGreaterThan(0);
    const key = (rs: DutyRecord[]) => rs.map((r) => ({ kind: r.kind, post: r.post, item: r.item, lead: r.lead, duties: r.duties, timeLimit: r.timeLimit }));
    expect(key(fromFeishu)).toEqual(key(fromFile));
    expect(fromFeishu.find((r) => r.lead.includes('刘晓琳'))).toBeTruthy();
  });

  it('retries a rate-limited call after the wait Feishu asks for, a bounded number of times', async () => {
    waits.length = 0;
    stub.docs.failNext('/open-apis/wiki/v2/spaces/get_node', DOCS_ERRORS.rateLimited);
    const read = await readFeishuLink(sdk, 'https://qinghe.feishu.cn/wiki/wikcnDutyPage00001');
    expect(read.name).toBe(TITLE);
    expect(waits).toEqual([1000]);
    waits.length = 0;
    // Four attempts in all: every one limited → the admin is told to try later, after three waits.
    const before = stub.docs.callsTo('/open-apis/docx/v1/documents/doxcnDutyTable0001');
    stub.docs.failNext('/open-apis/docx/v1/documents/doxcnDutyTable0001', ...Array(4).fill(DOCS_ERRORS.rateLimited));
    const err = await readFeishuLink(viaFetch, 'https://qinghe.feishu.cn/docx/doxcnDutyTable0001').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FeishuDocsError);
    expect((err as FeishuDocsError).kind).toBe('rate_limited');
    expect((err as FeishuDocsError).message).toContain('稍后再试');
    expect(waits).toEqual([1000, 1000, 1000]);
    expect(stub.docs.callsTo('/open-apis/docx/v1/documents/doxcnDutyTable0001') - before).toBe(4);
  });

  it('says what to do when the bot may not read the document', async () => {
    stub.docs.denied.add('doxcnSecret000001');
    stub.docs.docx.set('doxcnSecret000001', { title: '内部文档', revision: 1, blocks: [] });
    for (const api of [sdk, viaFetch]) {
      const e = (await readFeishuLink(api, 'https://qinghe.feishu.cn/docx/doxcnSecret000001').catch((x: unknown) => x)) as FeishuDocsError;
      expect(e).toBeInstanceOf(FeishuDocsError);
      expect(e.kind).toBe('permission');
      expect(e.code).toBe(1770032);
      expect(e.message).toContain('请把文档分享给机器人或授予应用权限');
      expect(e.message).toContain('docx:document:readonly');
    }
    stub.docs.denied.add('shtcnSecret000001');
    stub.docs.spreadsheets.set('shtcnSecret000001', { title: 'x', revision: 1, sheets: [], values: {} });
    const s = (await readFeishuLink(sdk, 'https://qinghe.feishu.cn/sheets/shtcnSecret000001').catch((x: unknown) => x)) as FeishuDocsError;
    expect([s.kind, s.code]).toEqual(['permission', 1310213]);
    expect(s.message).toContain('sheets:spreadsheet:readonly');
    stub.docs.denied.add('wikcnSecret000001');
    const w = (await readFeishuLink(sdk, 'https://qinghe.feishu.cn/wiki/wikcnSecret000001').catch((x: unknown) => x)) as FeishuDocsError;
    expect([w.kind, w.code]).toEqual(['permission', 131006]);
    expect(w.message).toContain('知识库页面');
  });

  it('names the missing scope when the app lacks it, and says when a document does not exist', async () => {
    stub.docs.missingScopes.add('docx');
    try {
      const e = (await readFeishuLink(sdk, 'https://qinghe.feishu.cn/docx/doxcnDutyTable0001').catch((x: unknown) => x)) as FeishuDocsError;
      expect(e.kind).toBe('scope');
      expect(e.message).toContain('docx:document 或 docx:document:readonly');
      expect(e.message).toContain('请把文档分享给机器人或授予应用权限');
    } finally {
      stub.docs.missingScopes.delete('docx');
    }
    const nf = (await readFeishuLink(viaFetch, 'https://qinghe.feishu.cn/docx/doxcnNoSuchDoc0001').catch((x: unknown) => x)) as FeishuDocsError;
    expect(nf.kind).toBe('not_found');
    expect(nf.message).toContain('找不到');
  });

  it('refuses objects it cannot read, saying what to do', async () => {
    const mind = (await readFeishuLink(sdk, 'https://qinghe.feishu.cn/wiki/wikcnMindNote00001').catch((x: unknown) => x)) as FeishuDocsError;
    expect(mind.kind).toBe('unsupported');
    expect(mind.message).toContain('思维笔记');
    const old = (await readFeishuLink(sdk, 'https://qinghe.feishu.cn/wiki/wikcnOldDoc000001').catch((x: unknown) => x)) as FeishuDocsError;
    expect(old.message).toMatch(/旧版.*\.docx/);
    expect(() => parseFeishuLink('https://qinghe.feishu.cn/base/bascnAbcdef123456')).toThrow(/多维表格.*\.xlsx/);
    expect(() => parseFeishuLink('https://qinghe.feishu.cn/docs/doccnAbcdef123456')).toThrow(/旧版/);
  });

  it('says what a good link looks like when given a bad one', () => {
    for (const bad of ['明天开会', 'https://example.com/docx/doxcnAbcdef123456', 'https://qinghe.feishu.cn/drive/home/', 'ftp://qinghe.feishu.cn/docx/x']) {
      let e: unknown;
      try {
        parseFeishuLink(bad);
      } catch (x) {
        e = x;
      }
      expect(e, bad).toBeInstanceOf(FeishuDocsError);
      expect((e as FeishuDocsError).kind).toBe('bad_link');
      expect((e as FeishuDocsError).message).toContain('/docx/');
    }
    expect(parseFeishuLink('https://qinghe.feishu.cn/docx/doxcnAbcdef123456#part')).toMatchObject({ kind: 'docx', token: 'doxcnAbcdef123456' });
    expect(parseFeishuLink(' https://acme.larksuite.com/sheets/shtcnAbcdef123456?sheet=Q7PlXT。')).toMatchObject({ kind: 'sheet', token: 'shtcnAbcdef123456', sheetId: 'Q7PlXT' });
    expect(parseFeishuLink('https://qinghe.feishu.cn/wiki/wikcnAbcdef123456')).toMatchObject({ kind: 'wiki' });
  });

  it('reads a large sheet in row chunks', async () => {
    const values: SheetCell[][] = [['序号', '岗位', '事项', '职责', '牵头人']];
    values[2399] = ['99', '档案管理岗', '档案借阅审批', '审核借阅申请', '何畅'];
    values[1] = ['1', '综合岗', '公文收发', '收发公文', '林秀'];
    stub.docs.spreadsheets.set('shtcnBigSheet00001', {
      title: '大表',
      revision: 8,
      sheets: [{ sheet_id: 'big001', title: '清单', index: 0, resource_type: 'sheet', grid_properties: { row_count: 2500, column_count: 40 } }],
      values: { big001: values },
    });
    const before = stub.docs.callsTo('/open-apis/sheets/v2/spreadsheets/shtcnBigSheet00001/values/');
    const read = await readFeishuLink(sdk, 'https://qinghe.feishu.cn/sheets/shtcnBigSheet00001');
    const calls = stub.docs.calls.filter((c) => c.path.startsWith('/open-apis/sheets/v2/spreadsheets/shtcnBigSheet00001/values/')).slice(before);
    // 40 columns → 500 rows per read → 5 reads for 2500 rows.
    expect(calls.map((c) => decodeURIComponent(c.path.split('/values/')[1]!))).toEqual([
      'big001!A1:AN500',
      'big001!A501:AN1000',
      'big001!A1001:AN1500',
      'big001!A1501:AN2000',
      'big001!A2001:AN2500',
    ]);
    expect(calls[0]!.query).toMatchObject({ valueRenderOption: 'FormattedValue', dateTimeRenderOption: 'FormattedString' });
    const records = parseDocument(read.doc).records;
    const last = records.find((r) => r.item === '档案借阅审批')!;
    expect(last.lead).toEqual(['何畅']);
    expect(last.source.ref).toBe('清单!第2400行');
  });
});

describe('mentions without the contacts scope', () => {
  it('reads the mention as blank and says why', async () => {
    stub.docs.missingScopes.add('contact');
    try {
      const read = await readFeishuLink(viaFetch, 'https://qinghe.feishu.cn/docx/doxcnDutyTable0001');
      expect(read.doc.warnings.join()).toContain('contact:user.base:readonly');
      expect(parseDocument(read.doc).records[0]!.item).toBe('测绘资质初审');
    } finally {
      stub.docs.missingScopes.delete('contact');
    }
  });
});

describe('the docx converter on its own', () => {
  it('keeps merged cells once, resolves mentions by name and warns about what it skips', () => {
    const doc = new DocxBuilder('测试');
    doc.table(
      [
        ['岗位', '事项', '牵头人'],
        ['综合岗', '公文收发', [{ mention_user: { user_id: 'ou_unknown' } }]],
        [null, '档案管理', '林秀'],
      ],
      [[1, 0, 2, 1]],
    );
    doc.blocks.push({ block_id: 'img1', parent_id: doc.page.block_id, block_type: 27, image: { token: 'x' } });
    doc.page.children!.push('img1');
    const model: DocModel = feishuDocxToModel('测试', doc.blocks, { userName: () => undefined });
    const table = model.body.find((b) => b.kind === 'table');
    expect(table && table.kind === 'table' && table.cells.filter((c) => c.text === '综合岗')).toHaveLength(1);
    expect(table && table.kind === 'table' && table.cells.find((c) => c.text === '综合岗')).toMatchObject({ r: 1, c: 0, rowSpan: 2 });
    expect(model.warnings.join()).toContain('@用户');
    expect(model.warnings.join()).toContain('图片');
  });
});
