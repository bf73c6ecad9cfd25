import { afterAll, describe, expect, it } from 'vitest';
import { engineIn, scratch } from './helpers.js';

describe('vector search', () => {
  const dirs = scratch();
  afterAll(() => dirs.cleanup());

  it('scans the vectors in memory with the same results as the sqlite-vec table', async () => {
    const { index } = await engineIn(dirs);
    const embed = (q: string) => index.embedder.embedSync!(q);
    const questions = ['谁负责测绘作业证初审', '征收征用工作的流程', '盖章找谁', '森林防火', '地质灾害防治'];
    const fast = questions.map((q) => index.nearest(embed(q), 10));
    index.useVec0Only();
    const slow = questions.map((q) => index.nearest(embed(q), 10));
    questions.forEach((_, i) => {
      expect(fast[i]!.size).toBe(10);
      expect([...fast[i]!.keys()]).toEqual([...slow[i]!.keys()]);
      for (const [id, s] of fast[i]!) expect(s).toBeCloseTo(slow[i]!.get(id)!, 5);
    });
    index.close();
  });
});
