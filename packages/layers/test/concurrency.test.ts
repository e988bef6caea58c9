// Training from several async tasks at once: each fit draws its shuffles and
// dropout masks from its own stream (seeded from the global generator when it
// starts), so interleaving two fits, or awaiting many ops with Promise.all,
// gives exactly the results of running them one after the other.
import { describe, expect, it } from 'vitest';
import * as wm from '@wasmml/tensor';
import { adam } from '@wasmml/optimizers';
import { randomFloats } from '@wasmml/test-utils';
import { layers, sequential, type LayersModel } from '@wasmml/layers';

function net(seed: number): LayersModel {
  const m = sequential({
    layers: [
      layers.dense({
        units: 16,
        activation: 'relu',
        inputShape: [6],
        kernelInitializer: { className: 'glorotUniform', config: { seed } } as never,
      }),
      layers.dropout({ rate: 0.25 }),
      layers.dense({
        units: 3,
        activation: 'softmax',
        kernelInitializer: { className: 'glorotUniform', config: { seed: seed + 1 } } as never,
      }),
    ],
  });
  m.compile({ optimizer: adam(0.01), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  return m;
}
const x = randomFloats(96 * 6, 1);
const y = Float32Array.from({ length: 96 }, (_, i) => (x[i * 6]! > 0 ? 1 : 0) + (x[i * 6 + 1]! > 0.5 ? 1 : 0));

/** Each batch end yields to the event loop, so two fits really interleave. */
const yielding = { onBatchEnd: async () => new Promise<void>((r) => setTimeout(r, 0)) };

async function train(m: LayersModel): Promise<{ weights: number[][]; loss: number[] }> {
  const xs = wm.tensor(x, [96, 6]),
    ys = wm.tensor(y, [96]);
  const h = await m.fit(xs, ys, { epochs: 3, batchSize: 16, verbose: 0, callbacks: yielding });
  wm.dispose([xs, ys]);
  return { weights: weightsOf(m), loss: h.history.loss as number[] };
}

/** The weight values (getWeights returns copies, freed here). */
function weightsOf(m: LayersModel): number[][] {
  const ws = m.getWeights();
  const out = ws.map((w) => Array.from(w.dataSync()));
  wm.dispose(ws);
  return out;
}

describe('concurrent async training', () => {
  it('two fits interleaved with Promise.all give the same weights and losses as run one after the other', async () => {
    wm.setSeed(7);
    const [a1, b1] = [net(1), net(2)];
    const seqA = await train(a1);
    const seqB = await train(b1);
    wm.setSeed(7);
    const before = wm.memory().numTensors;
    const [a2, b2] = [net(1), net(2)];
    let interleaved = 0,
      last = '';
    const mark = (who: string) => ({
      onBatchEnd: async () => {
        if (last && last !== who) interleaved++;
        last = who;
        await new Promise<void>((r) => setTimeout(r, 0));
      },
    });
    const run = async (m: LayersModel, who: string) => {
      const xs = wm.tensor(x, [96, 6]),
        ys = wm.tensor(y, [96]);
      const h = await m.fit(xs, ys, { epochs: 3, batchSize: 16, verbose: 0, callbacks: mark(who) });
      wm.dispose([xs, ys]);
      return { weights: weightsOf(m), loss: h.history.loss as number[] };
    };
    const [parA, parB] = await Promise.all([run(a2, 'a'), run(b2, 'b')]);
    expect(interleaved).toBeGreaterThan(10);
    expect(parA).toEqual(seqA);
    expect(parB).toEqual(seqB);
    [a2, b2].forEach((m) => m.dispose());
    expect(wm.memory().numTensors).toBe(before);
    [a1, b1].forEach((m) => m.dispose());
  });

  it('Promise.all of many async reads during a fit: the same values as one by one', async () => {
    const inputs = Array.from({ length: 40 }, (_, i) => randomFloats(257, 100 + i));
    const one = (v: Float32Array) => wm.tidy(() => wm.tensor(v).square().sum().add(wm.tensor(v).max()));
    const sequential = [];
    for (const v of inputs) {
      const t = one(v);
      sequential.push(Array.from(await t.data()));
      t.dispose();
    }
    const m = net(3);
    await train(m); // creates the optimizer's slots
    const before = wm.memory().numTensors;
    const fitting = train(m);
    const parallel = await Promise.all(
      inputs.map(async (v) => {
        const t = one(v);
        try {
          return Array.from(await t.data());
        } finally {
          t.dispose();
        }
      }),
    );
    await fitting;
    expect(parallel).toEqual(sequential);
    expect(wm.memory().numTensors).toBe(before);
    m.dispose();
  });
});
