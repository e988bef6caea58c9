// Memory stays flat in the language-model loops: 1,000 generated tokens (well
// past the context window, so the cache slides) and 2,000 training steps of a
// GPT through fit leave the tensor count, the tensors' bytes and the arena's
// bytes in use where they were.
import * as ops from '@wasmml/tensor';
import { losses } from '@wasmml/layers';
import { adam } from '@wasmml/optimizers';
import { expect, it } from 'vitest';
import { generate, gpt, shiftedWindows } from '../src/index.js';

const snapshot = () => {
  const m = ops.memory();
  return { numTensors: m.numTensors, numBytes: m.numBytes, arena: m.arena.bytesInUse };
};

it('generating 1,000 tokens (32-token context) keeps memory flat during and after', async () => {
  const model = gpt({ vocabSize: 40, contextLength: 32, layers: 2, heads: 2, dim: 16, seed: 3 });
  await generate(model, [1, 2], { maxNewTokens: 40, seed: 1 }); // warm-up: the sampler's and the kernels' first allocations
  const before = snapshot();
  const during: Array<ReturnType<typeof snapshot>> = [];
  let n = 0;
  const out = await generate(model, [1, 2], {
    maxNewTokens: 1000,
    seed: 2,
    onToken: () => {
      n++;
      if (n === 100 || n === 500 || n === 1000) during.push(snapshot());
    },
  });
  expect(out.length).toBe(1002);
  // Once the window is full the cache no longer grows: the same at token 100, 500 and 1,000.
  expect(during[1]).toEqual(during[0]);
  expect(during[2]).toEqual(during[0]);
  expect(snapshot()).toEqual(before);
}, 300_000);

it('2,000 training steps of a GPT through fit keep memory flat', async () => {
  const model = gpt({ vocabSize: 30, contextLength: 12, layers: 2, heads: 2, dim: 16, seed: 4 });
  model.compile({ optimizer: adam(3e-3), loss: losses.sparseCategoricalCrossentropy({ fromLogits: true }) });
  const stream = Array.from({ length: 2400 }, (_, i) => (i * 7 + (i % 5)) % 30);
  const { xs, ys } = shiftedWindows(stream, { contextLength: 12, stride: 12 });
  expect(xs.shape[0]).toBe(199);
  const snapshots: Array<ReturnType<typeof snapshot>> = [];
  let steps = 0;
  const h = await model.fit(xs, ys, {
    epochs: 40,
    batchSize: 4,
    verbose: 0,
    callbacks: {
      onBatchEnd: () => {
        steps++;
      },
      onEpochEnd: () => {
        snapshots.push(snapshot());
      },
    },
  });
  expect(steps).toBe(2000);
  // After the first epoch (Adam's slots), every epoch ends with the same memory.
  for (const s of snapshots.slice(1)) expect(s).toEqual(snapshots[1]);
  // The patterned stream is learnable: the loss falls.
  const loss = h.history.loss as number[];
  expect(loss.at(-1) as number).toBeLessThan((loss[0] as number) * 0.5);
  ops.dispose([xs, ys]);
}, 600_000);
