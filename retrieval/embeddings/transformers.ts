import type { Embedder } from './types.js';

/** The part of @huggingface/transformers this loader uses. */
export interface TransformersModule {
  env: { allowRemoteModels: boolean; allowLocalModels?: boolean; localModelPath: string };
  pipeline(
    task: 'feature-extraction',
    model: string,
    options?: Record<string, unknown>,
  ): Promise<(texts: string | string[], options: { pooling: 'mean' | 'cls'; normalize: boolean }) => Promise<{ tolist(): unknown }>>;
}

export class TransformersMissingError extends Error {
  constructor(cause: unknown) {
    super(
      '已设置 EMBEDDINGS_MODEL_DIR，但没有安装 @huggingface/transformers。请运行：ONNXRUNTIME_NODE_INSTALL=skip npm install @huggingface/transformers\n' +
        'EMBEDDINGS_MODEL_DIR is set but @huggingface/transformers is not installed. Install it with: ' +
        `ONNXRUNTIME_NODE_INSTALL=skip npm install @huggingface/transformers (${(cause as Error)?.message ?? cause})`,
    );
    this.name = 'TransformersMissingError';
  }
}

/** Imports the package only when a model folder is configured; it is not a dependency of the project. */
export async function importTransformers(): Promise<TransformersModule> {
  const name = '@huggingface/transformers';
  try {
    return (await import(/* @vite-ignore */ name)) as TransformersModule;
  } catch (e) {
    throw new TransformersMissingError(e);
  }
}

/**
 * A local ONNX sentence-embedding model (e.g. bge-small-zh, bge-m3) through transformers.js, from a
 * folder on disk: remote models are switched off, so nothing is downloaded at run time.
 */
export class TransformersEmbedder implements Embedder {
  readonly id: string;
  private dims = 0;

  private constructor(
    private readonly extract: Awaited<ReturnType<TransformersModule['pipeline']>>,
    readonly modelDir: string,
    private readonly pooling: 'mean' | 'cls',
  ) {
    this.id = `transformers:${modelDir}:${pooling}`;
  }

  /**
   * Loads the model; `load` is the package import, injectable for tests. `pooling`: how token vectors
   * become one (bge models use the CLS token; sentence-transformers folders say so in 1_Pooling/config.json).
   */
  static async open(
    modelDir: string,
    o: { load?: () => Promise<TransformersModule>; pooling?: 'mean' | 'cls' } = {},
  ): Promise<TransformersEmbedder> {
    const mod = await (o.load ?? importTransformers)();
    const clean = modelDir.replace(/[\\/]+$/, '');
    const cut = Math.max(clean.lastIndexOf('/'), clean.lastIndexOf('\\'));
    mod.env.allowRemoteModels = false;
    mod.env.allowLocalModels = true;
    mod.env.localModelPath = cut >= 0 ? clean.slice(0, cut + 1) : './';
    const name = cut >= 0 ? clean.slice(cut + 1) : clean;
    let extract;
    try {
      extract = await mod.pipeline('feature-extraction', name, { local_files_only: true });
    } catch (e) {
      throw new Error(`无法从 EMBEDDINGS_MODEL_DIR 加载模型（${modelDir}）：${(e as Error).message} / cannot load the model in ${modelDir}`);
    }
    return new TransformersEmbedder(extract, clean, o.pooling ?? 'mean');
  }

  get dimensions(): number {
    return this.dims;
  }

  async embedDocuments(texts: string[]): Promise<number[][]> {
    const out: number[][] = [];
    for (let i = 0; i < texts.length; i += 32) out.push(...(await this.run(texts.slice(i, i + 32))));
    return out;
  }

  async embedQuery(text: string): Promise<number[]> {
    return (await this.run([text]))[0]!;
  }

  private async run(texts: string[]): Promise<number[][]> {
    const tensor = await this.extract(texts, { pooling: this.pooling, normalize: true });
    const rows = tensor.tolist() as number[][];
    if (!Array.isArray(rows) || rows.length !== texts.length || !Array.isArray(rows[0])) throw new Error('transformers.js 返回的向量格式不对 / unexpected output shape');
    if (this.dims === 0) this.dims = rows[0].length;
    return rows;
  }
}
