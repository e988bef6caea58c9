import { describe, expect, it } from 'vitest';
import { loadMnist, augment } from '@wasmml/datasets';

describe('smoke', () => {
  it('embedded pipeline', async () => {
    const t0 = performance.now();
    const m = await loadMnist({ source: 'embedded' });
    const t1 = performance.now();
    const ds = m.dataset().shuffle(10000, { seed: 1 }).map(augment({ seed: 2, cropPadding: 2, flip: true })).batch(32);
    let n = 0;
    for await (const b of ds) n += (b as any).xs.shape[0];
    const t2 = performance.now();
    console.log(m.count, n, t1 - t0, t2 - t1, 10000 / ((t2 - t1) / 1000));
    expect(n).toBe(10000);
  });
});
