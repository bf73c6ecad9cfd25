import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import { cleanTokens, type Segmenter, type TaggedWord } from '../segmenter.js';

/** jieba (native, Node only). Query words use the plain cut without HMM, so "值班表谁排" is not glued. */
export class JiebaSegmenter implements Segmenter {
  private readonly jieba: Jieba;

  constructor(extraWords: string[] = []) {
    this.jieba = Jieba.withDict(dict);
    if (extraWords.length > 0) this.jieba.loadDict(Buffer.from(extraWords.map((w) => `${w} 1000`).join('\n')));
  }

  index(text: string): string[] {
    return cleanTokens(this.jieba.cutForSearch(text, false));
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
