// Recurrent layers against tfjs-layers with the same weights: forward outputs
// (returnSequences, returnState, goBackwards, masking from Embedding maskZero,
// Bidirectional) and the weights after training steps.
import { describe, expect, it } from 'vitest';
import { tf } from '@wasmml/test-utils/tfjs';
import * as tfl from '@tensorflow/tfjs-layers';
// tfjs-layers' orthogonal initializer calls chained ops (t.flatten()).
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops.js';
import * as wm from '@wasmml/tensor';
import { adam } from '@wasmml/optimizers';
import { expectClose } from '@wasmml/test-utils';
import { layers, sequential, type Layer, type Sequential } from '@wasmml/layers';

type Kind = 'simpleRNN' | 'lstm' | 'gru';

function copyWeights(ours: Sequential, theirs: tfl.Sequential): void {
  const tw = theirs.getWeights().map((w) => w.dataSync());
  const ow = ours.getWeights();
  expect(ow.map((w) => w.shape)).toEqual(theirs.getWeights().map((w) => w.shape));
  ours.setWeights(ow.map((w, i) => wm.tensor(tw[i]!, w.shape)));
}

function close(a: ArrayLike<number>, b: ArrayLike<number>, what: string, rtol = 1e-4, atol = 2e-5) {
  expectClose(a, b, rtol, atol, what);
}

// Ids with trailing and leading zeros so masking matters (ids 1..vocab-1 elsewhere).
const B = 4,
  T = 6,
  VOCAB = 11;
const IDS = Array.from({ length: B * T }, (_, i) => {
  const b = Math.floor(i / T),
    t = i % T;
  if ((b === 1 && t >= 4) || (b === 2 && t < 2) || (b === 3 && t === 3)) return 0;
  return 1 + ((i * 7) % (VOCAB - 1));
});

function pair(
  kind: Kind,
  rnn: Record<string, unknown>,
  opts: { maskZero?: boolean; bidirectional?: 'concat' | 'sum' | 'mul' | 'ave' } = {},
) {
  const emb = { inputDim: VOCAB, outputDim: 5, inputLength: T, maskZero: opts.maskZero ?? false };
  const args = { units: 3, ...rnn };
  const ourRnn = (layers[kind] as (a: never) => Layer)(args as never);
  const theirRnn = (tfl.layers[kind] as (a: never) => tfl.layers.Layer)(args as never);
  const ours = sequential({
    layers: [
      layers.embedding(emb),
      opts.bidirectional ? layers.bidirectional({ layer: ourRnn as never, mergeMode: opts.bidirectional }) : ourRnn,
    ],
  });
  const theirs = tfl.sequential({
    layers: [
      tfl.layers.embedding(emb),
      opts.bidirectional ? tfl.layers.bidirectional({ layer: theirRnn as never, mergeMode: opts.bidirectional }) : theirRnn,
    ],
  });
  copyWeights(ours, theirs);
  return { ours, theirs };
}

function forward(kind: Kind, rnn: Record<string, unknown>, opts: Parameters<typeof pair>[2] = {}) {
  const { ours, theirs } = pair(kind, rnn, opts);
  const o = ours.predict(wm.tensor(IDS, [B, T])) as wm.Tensor;
  const t = theirs.predict(tf.tensor(IDS, [B, T])) as tf.Tensor;
  expect(o.shape).toEqual(t.shape);
  close(o.dataSync(), t.dataSync(), `${kind} ${JSON.stringify(rnn)} ${JSON.stringify(opts)}`);
}

describe('recurrent layers agree with tfjs-layers', () => {
  for (const kind of ['simpleRNN', 'lstm', 'gru'] as const) {
    describe(kind, () => {
      it('last output', () => forward(kind, {}));
      it('returnSequences', () => forward(kind, { returnSequences: true }));
      it('goBackwards, returnSequences', () => forward(kind, { goBackwards: true, returnSequences: true }));
      it('masked (Embedding maskZero)', () => forward(kind, { returnSequences: true }, { maskZero: true }));
      it('masked, goBackwards, last output', () => forward(kind, { goBackwards: true }, { maskZero: true }));
      it('sigmoid recurrent activation, no bias', () =>
        forward(kind, { recurrentActivation: 'sigmoid', useBias: false, activation: 'relu' }));
      it('bidirectional concat, masked, returnSequences', () =>
        forward(kind, { returnSequences: true }, { maskZero: true, bidirectional: 'concat' }));
      it('bidirectional ave', () => forward(kind, {}, { bidirectional: 'ave' }));
    });
  }

  it('LSTM returnState gives [output, h, c] as tfjs', () => {
    const args = { units: 3, returnState: true, returnSequences: true };
    const x = Array.from({ length: B * T * 2 }, (_, i) => Math.sin(i * 0.9));
    const ours = layers.lstm(args),
      theirs = tfl.layers.lstm(args);
    const to = theirs.apply(tf.tensor(x, [B, T, 2])) as tf.Tensor[];
    ours.apply(wm.tensor(x, [B, T, 2]));
    ours.setWeights(theirs.getWeights().map((w) => wm.tensor(w.dataSync(), w.shape)));
    const oo = ours.apply(wm.tensor(x, [B, T, 2])) as wm.Tensor[];
    expect(oo.length).toBe(3);
    oo.forEach((t, i) => close(t.dataSync(), to[i]!.dataSync(), `returnState output ${i}`));
  });

  it('default bias: tfjs leaves unitForgetBias off', () => {
    const l = layers.lstm({ units: 2 });
    l.apply(wm.zeros([1, 2, 3]));
    expect(Array.from(l.getWeights()[2]!.dataSync())).toEqual(new Array(8).fill(0));
    const f = layers.lstm({ units: 2, unitForgetBias: true });
    f.apply(wm.zeros([1, 2, 3]));
    expect(Array.from(f.getWeights()[2]!.dataSync())).toEqual([0, 0, 1, 1, 0, 0, 0, 0]);
  });

  for (const kind of ['simpleRNN', 'lstm', 'gru'] as const) {
    it(`${kind}: masked bidirectional classifier, 2 epochs of Adam give the same weights`, async () => {
      const emb = { inputDim: VOCAB, outputDim: 5, inputLength: T, maskZero: true };
      const ours = sequential({
        layers: [
          layers.embedding(emb),
          layers.bidirectional({ layer: (layers[kind] as (a: never) => Layer)({ units: 4 } as never) as never }),
          layers.dense({ units: 2, activation: 'softmax' }),
        ],
      });
      const theirs = tfl.sequential({
        layers: [
          tfl.layers.embedding(emb),
          tfl.layers.bidirectional({ layer: (tfl.layers[kind] as (a: never) => tfl.layers.Layer)({ units: 4 } as never) as never }),
          tfl.layers.dense({ units: 2, activation: 'softmax' }),
        ],
      });
      copyWeights(ours, theirs);
      const Y = Array.from({ length: B }, (_, i) => [i % 2, 1 - (i % 2)]).flat();
      ours.compile({ optimizer: adam(0.05), loss: 'categoricalCrossentropy' });
      theirs.compile({ optimizer: tf.train.adam(0.05), loss: 'categoricalCrossentropy' });
      const h = await ours.fit(wm.tensor(IDS, [B, T]), wm.tensor(Y, [B, 2]), { epochs: 2, batchSize: 2, shuffle: false, verbose: 0 });
      const th = await theirs.fit(tf.tensor(IDS, [B, T]), tf.tensor(Y, [B, 2]), { epochs: 2, batchSize: 2, shuffle: false, verbose: 0 });
      close(h.history.loss!, th.history.loss as number[], 'loss history');
      const ow = ours.getWeights(),
        tw = theirs.getWeights();
      ow.forEach((w, i) => close(w.dataSync(), tw[i]!.dataSync(), `weight ${i} after training`, 5e-4, 5e-5));
    });
  }
});
