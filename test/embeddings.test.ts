import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readManuals } from '../ingest/node/readManuals.js';
import { parseCorpus } from '../ingest/parseManual.js';
import { ConfigError, loadConfig } from '../bot/config.js';
import { memoryLogger } from '../bot/log.js';
import { loadSynonyms, openEngine } from '../bot/runtime/nodeEngine.js';
import { createWorkerBot, WORKER_SEGMENTER_ID, type WorkerSeed } from '../bot/runtime/worker.js';
import { RemoteAnswerer } from '../retrieval/askService.js';
import { HashingNgramEmbeddings } from '../retrieval/embeddings.js';
import { embedCorpusFromFit, embedText, toBase64 } from '../retrieval/embeddings/corpus.js';
import { LocalEmbedderFit } from '../retrieval/embeddings/local.js';
import { RemoteEmbedder } from '../retrieval/embeddings/remote.js';
import { importTransformers, TransformersMissingError, type TransformersModule } from '../retrieval/embeddings/transformers.js';
import type { CorpusFit, SyncEmbedder } from '../retrieval/embeddings/types.js';
import { MemoryIndex } from '../retrieval/memoryIndex.js';
import { JiebaSegmenter } from '../retrieval/node/jiebaSegmenter.js';
import { SqliteIndex, textSources } from '../retrieval/node/sqliteIndex.js';
import { BigramSegmenter } from '../retrieval/segmenter.js';
import { d1Shim } from './support/d1Shim.js';
import { EmbeddingsStub, stubVector } from './support/embeddingsStub.js';
import { scratch } from './helpers.js';

const seeds = join(import.meta.dirname, '..', 'seeds');
const corpus = parseCorpus(readManuals(join(seeds, 'manuals')));
const texts = corpus.records.map(embedText);
const segmenter = new JiebaSegmenter(Object.keys(loadSynonyms(seeds)));
const cos = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);

describe('the local default embedder (LSA + idf-weighted n-grams, fitted at ingest)', () => {
  const recipe = new LocalEmbedderFit(segmenter, { segmenterId: 'jieba-test' });
  const fitted = recipe.fit(texts);

  it('fits deterministically, and a stored fit restores to the same vectors', () => {
    const again = recipe.fit(texts);
    expect(again.id).toBe(fitted.id);
    expect(Buffer.from(again.serialize()).equals(Buffer.from(fitted.serialize()))).toBe(true);
    const restored = recipe.restore(fitted.serialize());
    expect(restored.id).toBe(fitted.id);
    for (const t of ['征收征用报件审查', texts[3]!, '没有出现过的词语']) expect([...restored.embedSync(t)]).toEqual([...fitted.embedSync(t)]);
    expect(fitted.id).toMatch(/^local:lsa\d+\+ngram256:.*:fit=[0-9a-f]{16}$/);
    expect(fitted.dimensions).toBe(fitted.embedSync('测绘').length);
    // Unit length, also for text with no fitted word (then the n-grams carry it): the index scans dot products.
    for (const t of ['测绘', '盖章找谁', 'xyz', texts[0]!]) expect(cos(fitted.embedSync(t), fitted.embedSync(t))).toBeCloseTo(1, 5);
    // A different corpus gives a different fit, hence a different id (and an index rebuild).
    expect(recipe.fit(texts.slice(0, 100)).id).not.toBe(fitted.id);
    // Another recipe's bytes are refused.
    expect(() => new LocalEmbedderFit(segmenter, { segmenterId: 'other' }).restore(fitted.serialize())).toThrow();
  });

  it('puts words that share contexts in the manuals nearer than words that never meet (pairs picked from the corpus)', () => {
    const docs = texts.map((t) => new Set(segmenter.words(t).filter((w) => /^[\u4e00-\u9fa5]{2,4}$/.test(w))));
    const df = new Map<string, number>();
    for (const d of docs) for (const w of d) df.set(w, (df.get(w) ?? 0) + 1);
    const words = [...df].filter(([, n]) => n >= 3 && n <= docs.length * 0.15).map(([w]) => w).sort();
    const together = (a: string, b: string) => docs.filter((d) => d.has(a) && d.has(b)).length;
    const shareChar = (a: string, b: string) => [...a].some((c) => b.includes(c));
    const related: [string, string][] = [];
    const unrelated: [string, string][] = [];
    for (let i = 0; i < words.length; i++) {
      for (let j = i + 1; j < words.length; j++) {
        const [a, b] = [words[i]!, words[j]!];
        if (shareChar(a, b)) continue;
        const both = together(a, b);
        const jaccard = both / (df.get(a)! + df.get(b)! - both);
        if (both >= 3 && jaccard >= 0.6) related.push([a, b]);
        else if (both === 0) unrelated.push([a, b]);
      }
    }
    expect(related.length).toBeGreaterThanOrEqual(20);
    expect(unrelated.length).toBeGreaterThanOrEqual(100);
    const score = (e: SyncEmbedder, pairs: [string, string][]) => pairs.map(([a, b]) => cos(e.embedSync(a), e.embedSync(b)));
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    const near = score(fitted, related);
    const far = score(fitted, unrelated.filter((_, i) => i % Math.ceil(unrelated.length / 2000) === 0));
    const farSorted = [...far].sort((x, y) => x - y);
    const farP90 = farSorted[Math.floor(farSorted.length * 0.9)]!;
    expect(mean(near)).toBeGreaterThan(mean(far) + 0.2);
    expect(near.filter((x) => x > farP90).length / near.length).toBeGreaterThan(0.8);
    // The fixed hashing embedder cannot tell these pairs apart: the gain comes from the fit.
    const hashing = new HashingNgramEmbeddings({ dimensions: 256 });
    expect(Math.abs(mean(score(hashing, related)) - mean(score(hashing, unrelated.slice(0, 500))))).toBeLessThan(0.05);
  });

  it('finds a record from its title in colloquial words better than fixed hashing (vector signal alone)', () => {
    // Paraphrases built from seeds/synonyms.json: a manual term in a record title replaced by the colloquial word.
    const synonyms = loadSynonyms(seeds);
    const cases = new Map<string, number>();
    corpus.records.forEach((r, i) => {
      const title = r.item.replace(/^[一二三四五六七八九十]+、/, '');
      for (const [said, forms] of Object.entries(synonyms)) {
        for (const form of forms) if (title.includes(form) && !title.includes(said)) cases.set(title.split(form).join(said), i);
      }
    });
    expect(cases.size).toBeGreaterThanOrEqual(20);
    const mrr = (embed: (t: string) => Float32Array) => {
      const docs = texts.map(embed);
      let sum = 0;
      for (const [q, i] of cases) {
        const v = embed(q);
        const mine = cos(docs[i]!, v);
        sum += 1 / (docs.filter((d) => cos(d, v) > mine).length + 1);
      }
      return sum / cases.size;
    };
    const hashing = new HashingNgramEmbeddings({ dimensions: 256 });
    const before = mrr((t) => hashing.embed(t));
    const after = mrr((t) => fitted.embedSync(t));
    expect(after).toBeGreaterThan(before + 0.03);
    expect(after).toBeGreaterThan(0.85);
  });

  it('embeds a question in well under a millisecond', () => {
    const qs = corpus.records.slice(0, 50).map((r) => r.item);
    for (const q of qs) fitted.embedSync(q);
    const times: number[] = [];
    for (let round = 0; round < 4; round++) {
      for (const q of qs) {
        const s = performance.now();
        fitted.embedSync(q);
        times.push(performance.now() - s);
      }
    }
    times.sort((a, b) => a - b);
    expect(times[Math.floor(times.length / 2)]).toBeLessThan(1);
  });

  it('works in the in-memory index from a fit bundled at build time (the Worker path)', () => {
    const bigram = new LocalEmbedderFit(new BigramSegmenter(), { segmenterId: WORKER_SEGMENTER_ID });
    const bytes = bigram.fit(texts).serialize();
    const embedded = embedCorpusFromFit(bigram, bytes, texts)!;
    const fromBundle = new MemoryIndex(corpus.records, corpus.units, embedded);
    const fittedAtStart = new MemoryIndex(corpus.records, corpus.units, bigram);
    expect(fromBundle.embedder.id).toBe(fittedAtStart.embedder.id);
    const q = (fromBundle.embedder as SyncEmbedder).embedSync('测绘作业证初审');
    expect([...fromBundle.nearest(q, 5)]).toEqual([...fittedAtStart.nearest(q, 5)]);
    expect(embedCorpusFromFit(new LocalEmbedderFit(new BigramSegmenter(), { segmenterId: 'jieba-2' }), bytes, texts)).toBeNull();
  });

  it('the Worker starts from the fit bundled by build:worker, and fits at start without one', async () => {
    const fit = new LocalEmbedderFit(new BigramSegmenter(), { segmenterId: WORKER_SEGMENTER_ID }).fit(texts);
    const seed: WorkerSeed = { records: corpus.records, units: corpus.units, synonyms: loadSynonyms(seeds), deadlines: null, holidays: {} };
    const bundled = await createWorkerBot({ ...seed, embedderFit: toBase64(fit.serialize()) }, { DB: d1Shim(), CONSOLE_PUBLIC: '1' }, { log: memoryLogger() });
    const atStart = await createWorkerBot(seed, { DB: d1Shim(), CONSOLE_PUBLIC: '1' }, { log: memoryLogger() });
    expect(bundled.index.embedder.id).toBe(fit.id);
    expect(atStart.index.embedder.id).toBe(fit.id);
    expect((await bundled.answerer.ask('预算编制找谁')).answers[0]?.lead).toEqual(['李秀文']);
  });
});

describe('the index records which embedder built it', () => {
  const dirs = scratch();
  const stub = new EmbeddingsStub(48);
  beforeAll(() => stub.start());
  afterAll(async () => {
    await stub.stop();
    dirs.cleanup();
  });

  const counting = (inner: CorpusFit) => {
    const calls = { fit: 0, restore: 0 };
    const wrapped: CorpusFit = {
      kind: 'corpus-fit',
      configId: inner.configId,
      fit: (t) => (calls.fit++, inner.fit(t)),
      restore: (b) => (calls.restore++, inner.restore(b)),
    };
    return { wrapped, calls };
  };
  const open = (embedder: SqliteIndex['embedder'] | CorpusFit) =>
    SqliteIndex.open({
      path: join(dirs.dataDir, 'switch.db'),
      sources: textSources(readManuals(join(dirs.seedsDir, 'manuals'))),
      corpus: () => parseCorpus(readManuals(join(dirs.seedsDir, 'manuals'))),
      segmenterId: 'jieba-2',
      embedder,
    });
  const dims = (index: SqliteIndex) => index.vectorDims();

  it('keeps the local fit in the index: re-opening restores it instead of refitting', async () => {
    const { wrapped, calls } = counting(new LocalEmbedderFit(segmenter, { segmenterId: 'jieba-2' }));
    const first = await open(wrapped);
    expect(first.report.rebuilt).toBe(true);
    expect(calls).toEqual({ fit: 1, restore: 0 });
    const id = first.report.embedder;
    expect(dims(first.index)).toBe(first.index.embedder.dimensions);
    first.index.close();
    const second = await open(wrapped);
    expect(second.report.rebuilt).toBe(false);
    expect(calls).toEqual({ fit: 1, restore: 1 });
    expect(second.report.embedder).toBe(id);
    second.index.close();
  });

  it('rebuilds when the embedder changes, with vectors of the new length', async () => {
    const remote = (dimensions: number | null) => new RemoteEmbedder({ baseURL: stub.url, model: 'stub-m3', apiKey: 'k', dimensions, timeoutMs: 5000, documentRetries: 0 });
    const a = await open(remote(null));
    expect(a.report.rebuilt).toBe(true);
    expect(a.report.embedder).toBe(`openai:${stub.url}:stub-m3:default`);
    expect(dims(a.index)).toBe(48);
    a.index.close();

    const sent = stub.requests.length;
    const b = await open(remote(null));
    expect(b.report.rebuilt).toBe(false);
    expect(stub.requests.length).toBe(sent);
    b.index.close();

    const c = await open(remote(32));
    expect(c.report.rebuilt).toBe(true);
    expect(dims(c.index)).toBe(32);
    expect(stub.requests.at(-1)!.dimensions).toBe(32);
    c.index.close();

    const d = await open(new LocalEmbedderFit(segmenter, { segmenterId: 'jieba-2' }));
    expect(d.report.rebuilt).toBe(true);
    expect(d.report.embedder).toMatch(/^local:/);
    expect(dims(d.index)).toBe(d.index.embedder.dimensions);
    d.index.close();
  });

  it('refuses to build when the server fails at ingest, saying which embedder', async () => {
    stub.mode = 'fail500';
    try {
      await expect(open(new RemoteEmbedder({ baseURL: stub.url, model: 'other-model', apiKey: 'k', timeoutMs: 5000, documentRetries: 0 }))).rejects.toThrow(
        /建索引时无法取得向量（openai:.*other-model/,
      );
    } finally {
      stub.mode = 'ok';
    }
  });
});

describe('an OpenAI-compatible embeddings server (stub on 127.0.0.1, real OpenAIEmbeddings)', () => {
  const dirs = scratch();
  const stub = new EmbeddingsStub(48);
  let opened: Awaited<ReturnType<typeof openEngine>>;
  const events: string[] = [];
  let now = Date.parse('2026-11-23T02:00:00Z');
  beforeAll(async () => {
    await stub.start();
    const config = loadConfig({ SEEDS_DIR: dirs.seedsDir, DATA_DIR: dirs.dataDir, EMBEDDINGS_BASE_URL: stub.url, EMBEDDINGS_MODEL: 'stub-m3', EMBEDDINGS_API_KEY: 'sk-test' });
    opened = await openEngine(config, { log: (event) => events.push(event), now: () => now });
  });
  afterAll(async () => {
    opened.index.close();
    await stub.stop();
    dirs.cleanup();
  });

  it('embeds the records in batches at ingest and each question at ask time', async () => {
    const docs = stub.batches();
    expect(docs.reduce((n, r) => n + r.input.length, 0)).toBe(corpus.records.length);
    expect(docs.length).toBe(Math.ceil(corpus.records.length / 32));
    expect(docs[0]).toMatchObject({ auth: 'Bearer sk-test', model: 'stub-m3', encodingFormat: 'float' });
    expect(opened.index.vectorDims()).toBe(48);

    const before = stub.requests.length;
    const a = await opened.answerer.ask('测绘作业证初审归谁管');
    expect(a.answers[0]?.lead).toEqual(['王金峰']);
    const asked = stub.requests.slice(before);
    expect(asked).toHaveLength(1);
    expect(asked[0]!.input).toEqual([opened.engine.parse('测绘作业证初审归谁管').topic]);
    // The vector in the index's space finds the record: the stub's vectors are really used.
    const near = opened.index.nearest(Float32Array.from(stubVector(asked[0]!.input[0]!, 48)), 3);
    expect([...near.keys()]).toContain(a.answers[0]!.id);
    // The same topic again is served from the cache.
    await opened.answerer.ask('测绘作业证初审归谁管');
    expect(stub.requests.length).toBe(before + 1);
  });

  it('answers without the vector signal when the server fails (500, 429), logging once, pausing, and recovers', async () => {
    const expected = opened.engine.ask('政府采购申请找哪个岗位');
    stub.mode = 'fail500';
    const sent = stub.requests.length;
    const a = await opened.answerer.ask('政府采购申请找哪个岗位');
    expect(stub.requests.length).toBe(sent + 1);
    // Within the pause the server is not asked; the answer comes from full-text and field matching.
    const b = await opened.answerer.ask('预算编制找谁');
    expect(stub.requests.length).toBe(sent + 1);
    now += 31_000;
    stub.mode = 'fail429';
    const c = await opened.answerer.ask('违法建设认定的办理流程');
    expect(stub.requests.length).toBe(sent + 2);
    expect(a.found && b.found && c.found).toBe(true);
    expect(a.answers[0]?.id).toBe(expected.answers[0]?.id);
    expect(b.answers[0]?.lead).toEqual(['李秀文']);
    expect(c.answers[0]?.lead).toEqual(['韩山']);
    expect(events).toEqual(['down']);
    now += 31_000;
    stub.mode = 'ok';
    await opened.answerer.ask('森林防火由谁负责');
    expect(events).toEqual(['down', 'up']);
    expect(stub.requests.length).toBe(sent + 3);
  });

  it('does not wait past the time limit when the server hangs', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const log: string[] = [];
    const answerer = new RemoteAnswerer(opened.engine, { embedder: opened.index.embedder, timeoutMs: 5000, after: () => gate, log: (e) => log.push(e) });
    stub.mode = 'hang';
    try {
      const pending = answerer.ask('地质灾害防治工作谁负责');
      await waitFor(() => stub.requests.at(-1)?.input[0]?.includes('地质灾害'));
      release();
      const answer = await pending;
      expect(answer.found).toBe(true);
      // Answered as the engine answers without a vector (the remote embedder has no synchronous path).
      expect(answer.answers.map((x) => x.id)).toEqual(opened.engine.ask('地质灾害防治工作谁负责').answers.map((x) => x.id));
      expect(log).toEqual(['down']);
    } finally {
      stub.mode = 'ok';
    }
  });

  it('runs on the Worker too: the bundled records embedded at start, /api/ask through the answerer', async () => {
    const seed: WorkerSeed = { records: corpus.records, units: corpus.units, synonyms: loadSynonyms(seeds), deadlines: null, holidays: {} };
    const before = stub.requests.length;
    const bot = await createWorkerBot(seed, { DB: d1Shim(), CONSOLE_PUBLIC: '1', EMBEDDINGS_BASE_URL: stub.url, EMBEDDINGS_MODEL: 'stub-m3' }, { log: memoryLogger() });
    expect(stub.requests.slice(before).reduce((n, r) => n + r.input.length, 0)).toBe(corpus.records.length);
    const res = await bot.app.request('/api/ask', { method: 'POST', body: JSON.stringify({ question: '预算编制找谁' }), headers: { 'content-type': 'application/json' } });
    expect(((await res.json()) as { answers: { lead: string[] }[] }).answers[0]!.lead).toEqual(['李秀文']);
    expect(stub.requests.at(-1)!.input).toEqual([bot.engine.parse('预算编制找谁').topic]);
  });
});

describe('a local ONNX model through transformers.js (injected module)', () => {
  const dirs = scratch();
  afterAll(() => dirs.cleanup());

  function fakeTransformers() {
    const seen: { env?: TransformersModule['env']; model?: string; options?: Record<string, unknown>; pooling?: string; calls: string[][] } = { calls: [] };
    const mod: TransformersModule = {
      env: { allowRemoteModels: true, localModelPath: '/nowhere/' },
      async pipeline(task, model, options) {
        expect(task).toBe('feature-extraction');
        seen.env = { ...mod.env };
        seen.model = model;
        seen.options = options;
        return async (input, o) => {
          seen.pooling = o.pooling;
          expect(o.normalize).toBe(true);
          const list = Array.isArray(input) ? input : [input];
          seen.calls.push(list);
          return { tolist: () => list.map((t) => stubVector(t, 24)) };
        };
      },
    };
    return { mod, seen };
  }

  it('loads the model from EMBEDDINGS_MODEL_DIR with remote models off, and answers with it', async () => {
    const { mod, seen } = fakeTransformers();
    const config = loadConfig({ SEEDS_DIR: dirs.seedsDir, DATA_DIR: dirs.dataDir, EMBEDDINGS_MODEL_DIR: join(dirs.root, 'models', 'bge-small-zh') });
    expect(config.embeddings.provider).toBe('transformers');
    const { index, answerer, report, engine } = await openEngine(config, { loadTransformers: async () => mod });
    expect(seen.env).toEqual({ allowRemoteModels: false, allowLocalModels: true, localModelPath: `${join(dirs.root, 'models')}/` });
    expect(seen.model).toBe('bge-small-zh');
    expect(seen.options).toMatchObject({ local_files_only: true });
    expect(report.embedder).toBe(`transformers:${join(dirs.root, 'models', 'bge-small-zh')}:mean`);
    expect(seen.pooling).toBe('mean');
    expect(index.vectorDims()).toBe(24);
    expect(seen.calls.flat()).toHaveLength(corpus.records.length);
    const a = await answerer.ask('测绘作业证初审归谁管');
    expect(a.answers[0]?.lead).toEqual(['王金峰']);
    expect(seen.calls.at(-1)).toEqual([engine.parse('测绘作业证初审归谁管').topic]);
    index.close();
  });

  it('uses the CLS token when the model folder says so (bge), and rebuilds for the change', async () => {
    const dir = join(dirs.root, 'models', 'bge-small-zh');
    mkdirSync(join(dir, '1_Pooling'), { recursive: true });
    writeFileSync(join(dir, '1_Pooling', 'config.json'), JSON.stringify({ word_embedding_dimension: 24, pooling_mode_cls_token: true, pooling_mode_mean_tokens: false }));
    const { mod, seen } = fakeTransformers();
    const config = loadConfig({ SEEDS_DIR: dirs.seedsDir, DATA_DIR: dirs.dataDir, EMBEDDINGS_MODEL_DIR: dir });
    const { index, report } = await openEngine(config, { loadTransformers: async () => mod });
    expect(seen.pooling).toBe('cls');
    expect(report.embedder).toBe(`transformers:${dir}:cls`);
    expect(report.rebuilt).toBe(true);
    index.close();
  });

  it('fails at start with install instructions when the package is missing', async () => {
    let installed = true;
    try {
      await import(/* @vite-ignore */ ['@huggingface', 'transformers'].join('/'));
    } catch {
      installed = false;
    }
    if (installed) return;
    const error = await importTransformers().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransformersMissingError);
    expect((error as Error).message).toContain('ONNXRUNTIME_NODE_INSTALL=skip npm install @huggingface/transformers');
    expect((error as Error).message).toMatch(/没有安装[\s\S]*is not installed/);
  });
});

describe('EMBEDDINGS_* configuration', () => {
  const base = { SEEDS_DIR: 'seeds', DATA_DIR: 'data' };
  it('infers the provider from the variables set', () => {
    expect(loadConfig(base).embeddings).toEqual({ provider: 'local' });
    expect(loadConfig({ ...base, EMBEDDINGS_BASE_URL: 'http://127.0.0.1:11434/v1/', EMBEDDINGS_MODEL: 'bge-m3', EMBEDDINGS_DIMENSIONS: '512' }).embeddings).toEqual({
      provider: 'openai',
      baseURL: 'http://127.0.0.1:11434/v1',
      model: 'bge-m3',
      apiKey: 'none',
      dimensions: 512,
      timeoutMs: 5000,
    });
    expect(loadConfig({ ...base, EMBEDDINGS_MODEL_DIR: '/models/bge', EMBEDDINGS_TIMEOUT_MS: '800' }).embeddings).toEqual({ provider: 'transformers', modelDir: '/models/bge', timeoutMs: 800 });
  });

  it('refuses contradictory or incomplete settings with a clear message', () => {
    const bad = (env: Record<string, string>, message: RegExp) => expect(() => loadConfig({ ...base, ...env })).toThrow(message);
    bad({ EMBEDDINGS_PROVIDER: 'bert' }, /EMBEDDINGS_PROVIDER 只能是 local、openai 或 transformers/);
    bad({ EMBEDDINGS_BASE_URL: 'http://x/v1' }, /缺少 EMBEDDINGS_MODEL/);
    bad({ EMBEDDINGS_MODEL: 'bge-m3' }, /缺少 EMBEDDINGS_BASE_URL/);
    bad({ EMBEDDINGS_BASE_URL: 'x/v1', EMBEDDINGS_MODEL: 'm' }, /EMBEDDINGS_BASE_URL 不是有效网址/);
    bad({ EMBEDDINGS_BASE_URL: 'http://x/v1', EMBEDDINGS_MODEL: 'm', EMBEDDINGS_TIMEOUT_MS: '0' }, /EMBEDDINGS_TIMEOUT_MS 应为正整数/);
    bad({ EMBEDDINGS_BASE_URL: 'http://x/v1', EMBEDDINGS_MODEL: 'm', EMBEDDINGS_DIMENSIONS: '1.5' }, /EMBEDDINGS_DIMENSIONS 应为正整数/);
    bad({ EMBEDDINGS_BASE_URL: 'http://x/v1', EMBEDDINGS_MODEL_DIR: '/m' }, /请只留一个/);
    bad({ EMBEDDINGS_PROVIDER: 'local', EMBEDDINGS_MODEL: 'm' }, /不读 EMBEDDINGS_MODEL/);
    bad({ EMBEDDINGS_PROVIDER: 'transformers' }, /需要 EMBEDDINGS_MODEL_DIR/);
    expect(() => loadConfig({ ...base, EMBEDDINGS_PROVIDER: 'bert' })).toThrow(ConfigError);
  });

});

/** Polls a condition on the event loop (no wall-clock sleeps): for a request to reach the stub. */
async function waitFor(ok: () => boolean | undefined): Promise<void> {
  for (let i = 0; i < 10_000 && !ok(); i++) await new Promise((r) => setImmediate(r));
  expect(ok()).toBe(true);
}
