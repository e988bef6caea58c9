// Issue 4e: memory stays flat over 2,000 training steps: after the first epoch
// (which creates the optimizer's slots) the tensor count, the bytes the tensors
// hold and the arena's bytes in use are the same at every epoch end.
import { expect, it } from 'vitest';
import { layers, sequential } from '@wasmml/layers';
import { adam } from '@wasmml/optimizers';
import { randomFloats } from '@wasmml/test-utils';
import * as wm from '@wasmml/tensor';

it('2,000 steps of fit (conv, batch norm, dropout, Adam, metrics, validation) leave memory flat', async () => {
  const model = sequential({
    layers: [
      layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu', inputShape: [6, 6, 1] }),
      layers.batchNormalization(),
      layers.flatten(),
      layers.dropout({ rate: 0.2 }),
      layers.dense({ units: 8, activation: 'relu', kernelRegularizer: 'l2' }),
      layers.dense({ units: 3, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: adam(0.01), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const x = wm.tensor(randomFloats(400 * 36, 1), [400, 6, 6, 1]);
  const y = wm.tensor(
    Array.from({ length: 400 }, (_, i) => i % 3),
    [400],
    'int32',
  );
  const vx = wm.tensor(randomFloats(50 * 36, 2), [50, 6, 6, 1]),
    vy = wm.tensor(
      Array.from({ length: 50 }, (_, i) => i % 3),
      [50],
      'int32',
    );
  const snapshots: Array<{ numTensors: number; numBytes: number; arena: number }> = [];
  let steps = 0;
  await model.fit(x, y, {
    epochs: 20,
    batchSize: 4,
    verbose: 0,
    validationData: [vx, vy],
    callbacks: {
      onBatchEnd: () => {
        steps++;
      },
      onEpochEnd: () => {
        const m = wm.memory();
        snapshots.push({ numTensors: m.numTensors, numBytes: m.numBytes, arena: m.arena.bytesInUse });
      },
    },
  });
  expect(steps).toBe(2000);
  console.log(JSON.stringify({ case: 'memory-2000-steps', first: snapshots[0], last: snapshots.at(-1) }));
  for (const s of snapshots.slice(1)) expect(s).toEqual(snapshots[1]);
  // And predict/evaluate afterwards free everything they make.
  const before = wm.memory();
  wm.dispose(model.predict(vx));
  wm.dispose(model.evaluate(vx, vy));
  expect(wm.memory().numTensors).toBe(before.numTensors);
  expect(wm.memory().arena.bytesInUse).toBe(before.arena.bytesInUse);
});
