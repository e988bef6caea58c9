// profile() over a training run: time per layer (forward and gradient), the
// loss, the optimizer step and the metrics, each with its kernels.
import { expect, it } from 'vitest';
import { layers, sequential } from '@wasmml/layers';
import { adam } from '@wasmml/optimizers';
import { randomFloats } from '@wasmml/test-utils';
import * as wm from '@wasmml/tensor';

await wm.ready();

it('profiling fit reports every layer forward and backward, the loss, the optimizer and the metrics', async () => {
  const model = sequential({
    layers: [
      layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu', inputShape: [8, 8, 1] }),
      layers.maxPooling2d({ poolSize: 2 }),
      layers.flatten(),
      layers.dense({ units: 16, activation: 'relu' }),
      layers.dense({ units: 3, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: adam(0.01), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const x = wm.tensor(randomFloats(32 * 64, 1), [32, 8, 8, 1]),
    y = wm.tensor(
      Array.from({ length: 32 }, (_, i) => i % 3),
      [32],
      'int32',
    );
  const steps = 4;
  const info = await model
    .fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 })
    .then(() => wm.profile(() => model.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 })));
  const scope = new Map(info.byScope.map((s) => [s.name, s]));
  const kernelsOf = (name: string, phase: 'forward' | 'backward') =>
    info.kernels.filter((k) => k.scope === name && k.phase === phase).map((k) => k.name);
  const [conv, pool, flat, dense1, dense2] = model.layers.map((l) => l.name);
  // Each layer's own kernels, once per step, in both phases.
  expect(kernelsOf(conv!, 'forward').filter((n) => n.startsWith('conv2d')).length).toBe(steps);
  expect(kernelsOf(conv!, 'backward').some((n) => n.includes('filter'))).toBe(true);
  expect(kernelsOf(pool!, 'forward').filter((n) => n.startsWith('max_pool')).length).toBe(steps);
  expect(kernelsOf(pool!, 'backward').length).toBeGreaterThanOrEqual(steps);
  for (const d of [dense1!, dense2!]) {
    expect(kernelsOf(d, 'forward').filter((n) => n === 'gemm_f32').length).toBe(steps);
    expect(kernelsOf(d, 'backward').filter((n) => n === 'gemm_f32').length).toBeGreaterThanOrEqual(steps);
  }
  // flatten is a reshape: no kernels, but its (small) time is still reported.
  expect(kernelsOf(flat!, 'forward')).toEqual([]);
  expect(scope.get(flat!)!.forwardMs).toBeGreaterThan(0);
  // One fused optimizer kernel per step, the loss with its gradient, the metrics forward only.
  expect(kernelsOf('optimizer', 'forward').length).toBe(steps);
  expect(kernelsOf('loss', 'forward').length).toBeGreaterThanOrEqual(steps);
  expect(kernelsOf('loss', 'backward').length).toBeGreaterThanOrEqual(steps);
  expect(kernelsOf('metrics', 'forward').length).toBeGreaterThanOrEqual(steps);
  expect(kernelsOf('metrics', 'backward')).toEqual([]);
  // The split adds up: per scope and overall.
  for (const s of info.byScope) {
    expect(s.forwardMs + s.backwardMs).toBeGreaterThanOrEqual(0);
    expect(s.overheadMs).toBeCloseTo(s.forwardMs + s.backwardMs - s.forwardKernelMs - s.backwardKernelMs, 6);
  }
  expect(info.byScope.reduce((t, s) => t + s.forwardMs + s.backwardMs, 0)).toBeCloseTo(info.wallMs, 1);
  expect(info.byScope.reduce((t, s) => t + s.forwardKernelMs + s.backwardKernelMs, 0)).toBeCloseTo(info.kernelMs, 6);
  // Training leaves memory as it found it; the readbacks are the loss and accuracy of each step.
  expect(info.newTensors).toBe(0);
  expect(info.transfers.bytesReadBack).toBe(steps * 8);
  model.dispose();
  wm.dispose([x, y]);
});
