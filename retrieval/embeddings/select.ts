import type { Segmenter } from '../segmenter.js';
import { LocalEmbedderFit } from './local.js';
import type { EmbeddingsSettings } from './settings.js';
import { TransformersEmbedder, type TransformersModule } from './transformers.js';
import type { EmbedderSource } from './types.js';

/** The embedder the settings name: the local fit (default), an OpenAI-compatible server, or a local ONNX model. */
export async function embedderFor(
  settings: EmbeddingsSettings,
  segmenter: { segmenter: Segmenter; id: string },
  o: { loadTransformers?: () => Promise<TransformersModule>; pooling?: 'mean' | 'cls' } = {},
): Promise<EmbedderSource> {
  switch (settings.provider) {
    case 'local':
      return localEmbedder(segmenter);
    case 'openai': {
      // Loaded only when configured: the OpenAI client is large and the default needs none of it.
      const { RemoteEmbedder } = await import('./remote.js');
      return new RemoteEmbedder(settings);
    }
    case 'transformers':
      return TransformersEmbedder.open(settings.modelDir, { load: o.loadTransformers, pooling: o.pooling });
  }
}

export function localEmbedder(segmenter: { segmenter: Segmenter; id: string }): LocalEmbedderFit {
  return new LocalEmbedderFit(segmenter.segmenter, { segmenterId: segmenter.id });
}
