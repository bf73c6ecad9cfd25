import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Jieba } from '@node-rs/jieba';
import { cleanTokens, type Segmenter, type TaggedWord } from '../segmenter.js';

/** jieba (native, Node only). Query words use the plain cut without HMM, so "值班表谁排" is not glued. */
export class JiebaSegmenter implements Segmenter {
  private readonly jieba: Jieba;

  constructor(readonly extraWords: string[] = []) {
    this.jieba = Jieba.withDict(readDict());
    if (extraWords.length > 0) this.jieba.loadDict(Buffer.from(extraWords.map((w) => `${w} 1000`).join('\n')));
  }

  index(text: string): string[] {
    return cleanTokens(this.jieba.cutForSearch(text, false));
  }

  /**
   * jieba cuts a text block by block (runs of Han characters, letters, digits and +#&._%-; every other
   * character on its own), so a cut never crosses a separator.
   */
  readonly separable = true;

  /** Texts without whitespace are cut in one call, joined by newlines: jieba returns each newline as its own token. */
  indexMany(texts: string[]): string[][] {
    if (texts.length < 2 || texts.some((t) => /\s/.test(t))) return texts.map((t) => this.index(t));
    const out: string[][] = [];
    let current: string[] = [];
    for (const token of this.jieba.cutForSearch(texts.join('\n'), false)) {
      if (token === '\n') {
        out.push(cleanTokens(current));
        current = [];
      } else current.push(token);
    }
    out.push(cleanTokens(current));
    if (out.length !== texts.length) return texts.map((t) => this.index(t));
    return out;
  }

  words(text: string): string[] {
    return cleanTokens(this.jieba.cut(text, false));
  }

  tag(text: string): TaggedWord[] {
    return this.jieba
      .tag(text, false)
      .map((t) => ({ word: t.word.trim().toLowerCase(), tag: t.tag }))
      .filter((t) => cleanTokens([t.word]).length > 0);
  }
}

/**
 * The package's dictionary read here rather than through `@node-rs/jieba/dict`, which also reads the 6 MB idf
 * table this project never uses and keeps both buffers for the life of the process.
 */
function readDict(): Buffer {
  return readFileSync(createRequire(import.meta.url).resolve('@node-rs/jieba/dict.txt'));
}
