// Issue 4a: a 2-3-1 sigmoid network learns XOR-like data (the sign of x·y, which
// no linear model separates).
import { expect, it } from 'vitest';
import { layers, sequential } from '@wasmml/layers';
import { adam } from '@wasmml/optimizers';
import { rng } from '@wasmml/test-utils';
import * as wm from '@wasmml/tensor';

/** Points in [-1, 1]², away from the axes, labelled 1 where x and y have opposite signs. */
function xorData(n: number, seed: number): { x: wm.Tensor; y: wm.Tensor } {
  const r = rng(seed);
  const xs: number[] = [],
    ys: number[] = [];
  while (ys.length < n) {
    const a = 2 * r() - 1,
      b = 2 * r() - 1;
    if (Math.abs(a) < 0.1 || Math.abs(b) < 0.1) continue;
    xs.push(a, b);
    ys.push(a * b < 0 ? 1 : 0);
  }
  return { x: wm.tensor(xs, [n, 2]), y: wm.tensor(ys, [n, 1]) };
}

it('a 2-3-1 sigmoid classifier learns XOR-like data (>= 95 % on held-out points)', async () => {
  wm.setSeed(4);
  const train = xorData(400, 1),
    test = xorData(200, 2);
  const model = sequential({
    layers: [layers.dense({ units: 3, activation: 'sigmoid', inputShape: [2] }), layers.dense({ units: 1, activation: 'sigmoid' })],
  });
  model.compile({ optimizer: adam(0.05), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  const linear = sequential({ layers: [layers.dense({ units: 1, activation: 'sigmoid', inputShape: [2] })] });
  linear.compile({ optimizer: adam(0.05), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  const h = await model.fit(train.x, train.y, { epochs: 100, batchSize: 32, verbose: 0, validationData: [test.x, test.y] });
  await linear.fit(train.x, train.y, { epochs: 100, batchSize: 32, verbose: 0 });
  const [loss, acc] = (model.evaluate(test.x, test.y) as wm.Tensor[]).map((t) => t.dataSync()[0]!);
  const linearAcc = (linear.evaluate(test.x, test.y) as wm.Tensor[])[1]!.dataSync()[0]!;
  console.log(
    JSON.stringify({
      case: 'xor-2-3-1',
      firstLoss: h.history.loss![0],
      lastLoss: h.history.loss!.at(-1),
      testLoss: loss,
      testAcc: acc,
      linearAcc,
    }),
  );
  expect(h.history.loss!.at(-1)!).toBeLessThan(0.5 * h.history.loss![0]!);
  expect(acc).toBeGreaterThanOrEqual(0.95);
  // The hidden layer is what makes it learnable: a line can put at most three
  // quadrants of four on their right side (75 %).
  expect(linearAcc).toBeLessThan(0.8);
});
