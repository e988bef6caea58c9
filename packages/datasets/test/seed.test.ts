import { describe, expect, it } from 'vitest';
import { setSeed } from '@wasmml/tensor';
import { augment, fromArrays, shaped } from '@wasmml/datasets';

describe('unseeded randomness follows @wasmml/tensor setSeed', () => {
  it('the same global seed gives the same shuffle and the same augmentation', async () => {
    const run = async () => {
      setSeed(123);
      const order = await fromArrays(Array.from({ length: 50 }, (_, i) => i))
        .shuffle(50)
        .toArray();
      const img = shaped(
        Float32Array.from({ length: 8 * 8 }, (_, i) => i),
        [8, 8, 1],
      );
      const aug = augment({ cropPadding: 2, flip: true });
      const out = await fromArrays([img, img, img]).map(aug).toArray();
      return { order, pixels: out.map((o) => Array.from((o as { data: Float32Array }).data.slice(0, 10))) };
    };
    const a = await run(),
      b = await run();
    expect(a).toEqual(b);
    setSeed(124);
    const c = await fromArrays(Array.from({ length: 50 }, (_, i) => i))
      .shuffle(50)
      .toArray();
    expect(c).not.toEqual(a.order);
  });
});
