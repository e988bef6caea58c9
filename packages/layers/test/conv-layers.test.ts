// Convolution layers against tfjs-layers: same weights, same forward output, and
// the same weights after two epochs of SGD (so the gradients agree too).
import { describe, expect, it } from 'vitest';
import type * as tfl from '@tensorflow/tfjs-layers';
import { sgd } from '@wasmml/optimizers';
import type { LayersModel } from '@wasmml/layers';
import { close, data, expectSameTraining, OURS, tf, TFJS, twin, wm, type Lib } from './helpers.js';
import { randomFloats } from '@wasmml/test-utils';

/** A dilated [kh, kw, in, out] kernel as the plain kernel with zeros between the taps. */
function expandKernel(k: Float32Array, [kh, kw, ci, co]: number[], [dh, dw]: number[]): { values: Float32Array; shape: number[] } {
  const eh = (kh! - 1) * dh! + 1,
    ew = (kw! - 1) * dw! + 1;
  const out = new Float32Array(eh * ew * ci! * co!);
  const inner = ci! * co!;
  for (let i = 0; i < kh!; i++)
    for (let j = 0; j < kw!; j++) {
      out.set(k.subarray((i * kw! + j) * inner, (i * kw! + j + 1) * inner), (i * dh! * ew + j * dw!) * inner);
    }
  return { values: out, shape: [eh, ew, ci!, co!] };
}

/** The taps of an expanded kernel that the dilated kernel has (inverse of expandKernel). */
function takeTaps(e: Float32Array, [kh, kw, ci, co]: number[], [dh, dw]: number[]): Float32Array {
  const ew = (kw! - 1) * dw! + 1,
    inner = ci! * co!;
  const out = new Float32Array(kh! * kw! * inner);
  for (let i = 0; i < kh!; i++)
    for (let j = 0; j < kw!; j++) {
      out.set(e.subarray((i * dh! * ew + j * dw!) * inner, (i * dh! * ew + j * dw! + 1) * inner), (i * kw! + j) * inner);
    }
  return out;
}

/**
 * tfjs cannot differentiate dilated convolutions, so the reference for a dilated
 * layer is tfjs's plain convolution with the zero-expanded kernel: same outputs,
 * and the same gradient at the real taps. One full-batch SGD step compares them.
 */
async function expectDilatedMatches(
  ours: LayersModel,
  theirs: tfl.LayersModel,
  kShape: number[],
  dil: number[],
  xShape: number[],
  yShape: number[],
) {
  const k = randomFloats(
    kShape.reduce((a, b) => a * b, 1),
    21,
    -0.5,
    0.5,
  );
  const e = expandKernel(k, kShape, dil);
  const tw = theirs.getWeights();
  const oursK = ours.getWeights()[0]!;
  theirs.setWeights([tf.tensor(e.values, tw[0]!.shape), ...tw.slice(1)]);
  ours.setWeights([wm.tensor(k, oursK.shape), ...tw.slice(1).map((w) => wm.tensor(w.dataSync() as Float32Array, w.shape))]);
  const x = data(xShape, 22),
    y = data(yShape, 23);
  close((ours.predict(x.ours) as wm.Tensor).dataSync(), (theirs.predict(x.theirs) as tf.Tensor).dataSync(), 'predict');
  ours.compile({ optimizer: sgd(0.1), loss: 'meanSquaredError' });
  theirs.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
  const n = xShape[0]!;
  await ours.fit(x.ours, y.ours, { epochs: 1, batchSize: n, shuffle: false, verbose: 0 });
  await theirs.fit(x.theirs, y.theirs, { epochs: 1, batchSize: n, shuffle: false, verbose: 0 });
  const ow = ours.getWeights(),
    tw2 = theirs.getWeights();
  const kAfter = ow[0]!.dataSync() as Float32Array;
  close(kAfter, takeTaps(tw2[0]!.dataSync() as Float32Array, kShape, dil), 'dilated kernel after a step', 2e-4, 2e-5);
  expect(Math.max(...kAfter.map((v, i) => Math.abs(v - k[i]!)))).toBeGreaterThan(1e-4);
  ow.slice(1).forEach((w, i) => close(w.dataSync(), tw2[i + 1]!.dataSync(), `weight ${i + 1} after a step`, 2e-4, 2e-5));
}

function OURS_seq(padding: 'valid' | 'same', dilationRate: number[]): LayersModel {
  return OURS.sequential({
    layers: [
      OURS.layers.conv2d({ filters: 3, kernelSize: [3, 2], dilationRate, padding, activation: 'relu', inputShape: [9, 8, 2] }),
      OURS.layers.flatten(),
    ],
  });
}

function TFJS_seq(padding: 'valid' | 'same', kernelSize: number[]): tfl.LayersModel {
  return TFJS.sequential({
    layers: [TFJS.layers.conv2d({ filters: 3, kernelSize, padding, activation: 'relu', inputShape: [9, 8, 2] }), TFJS.layers.flatten()],
  });
}

describe('convolution layers agree with tfjs-layers', () => {
  it('conv1d: same padding, stride 2, relu', async () => {
    const { ours, theirs } = twin((L: Lib) =>
      L.sequential({
        layers: [
          L.layers.conv1d({ filters: 3, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', inputShape: [9, 2] }),
          L.layers.flatten(),
          L.layers.dense({ units: 2 }),
        ],
      }),
    );
    await expectSameTraining(ours, theirs, data([8, 9, 2], 1), data([8, 2], 2));
  });

  it('conv2d: valid, strides 2, no bias, softplus (not fused)', async () => {
    const { ours, theirs } = twin((L: Lib) =>
      L.sequential({
        layers: [
          L.layers.conv2d({
            filters: 3,
            kernelSize: [3, 2],
            strides: [2, 1],
            useBias: false,
            activation: 'softplus',
            inputShape: [7, 6, 2],
          }),
          L.layers.flatten(),
          L.layers.dense({ units: 3, activation: 'softmax' }),
        ],
      }),
    );
    await expectSameTraining(ours, theirs, data([6, 7, 6, 2], 5), data([6, 3], 6, 0, 1), { loss: 'categoricalCrossentropy' });
  });

  it('conv2d: same padding with odd and even sizes, stride 2', async () => {
    const { ours, theirs } = twin((L: Lib) =>
      L.sequential({
        layers: [
          L.layers.conv2d({ filters: 2, kernelSize: 4, strides: 2, padding: 'same', activation: 'sigmoid', inputShape: [7, 8, 3] }),
          L.layers.flatten(),
        ],
      }),
    );
    await expectSameTraining(ours, theirs, data([5, 7, 8, 3], 7), data([5, 4 * 4 * 2], 8));
  });

  it('conv2d: dilation [2, 3], valid; dilation 2, same (reference: expanded kernels)', async () => {
    for (const [padding, dil] of [
      ['valid', [2, 3]],
      ['same', [2, 2]],
    ] as const) {
      const ours = OURS_seq(padding, [...dil]);
      const theirs = TFJS_seq(padding, [(3 - 1) * dil[0] + 1, (2 - 1) * dil[1] + 1]);
      await expectDilatedMatches(ours, theirs, [3, 2, 2, 3], [...dil], [4, 9, 8, 2], [4, ours.outputs[0]!.shape[1] as number]);
    }
  });

  it('conv1d: dilation 3, valid (reference: expanded kernel)', async () => {
    const ours = OURS.sequential({
      layers: [
        OURS.layers.conv1d({ filters: 2, kernelSize: 3, dilationRate: 3, activation: 'tanh', inputShape: [10, 2] }),
        OURS.layers.flatten(),
      ],
    });
    const theirs = TFJS.sequential({
      layers: [TFJS.layers.conv1d({ filters: 2, kernelSize: 7, activation: 'tanh', inputShape: [10, 2] }), TFJS.layers.flatten()],
    });
    await expectDilatedMatches(ours, theirs, [1, 3, 2, 2], [1, 3], [5, 10, 2], [5, 4 * 2]);
  });

  it('depthwiseConv2d: dilation 2 (reference: expanded kernel)', async () => {
    const ours = OURS.sequential({
      layers: [
        OURS.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, dilationRate: 2, padding: 'same', inputShape: [7, 6, 2] }),
        OURS.layers.flatten(),
      ],
    });
    const theirs = TFJS.sequential({
      layers: [
        TFJS.layers.depthwiseConv2d({ kernelSize: 5, depthMultiplier: 2, padding: 'same', inputShape: [7, 6, 2] }),
        TFJS.layers.flatten(),
      ],
    });
    await expectDilatedMatches(ours, theirs, [3, 3, 2, 2], [2, 2], [3, 7, 6, 2], [3, 7 * 6 * 4]);
  });

  it('conv2dTranspose: a dilation rate is refused, not ignored', () => {
    expect(() => OURS.layers.conv2dTranspose({ filters: 2, kernelSize: 3, dilationRate: 2 })).toThrow(/dilation/);
  });

  it('conv2dTranspose: valid and same, strides 2, bias and activation', async () => {
    const { ours, theirs } = twin((L: Lib) =>
      L.sequential({
        layers: [
          L.layers.conv2dTranspose({ filters: 3, kernelSize: 3, strides: 2, activation: 'relu', inputShape: [4, 5, 2] }),
          L.layers.conv2dTranspose({ filters: 2, kernelSize: 2, strides: [2, 1], padding: 'same', activation: 'tanh' }),
          L.layers.flatten(),
        ],
      }),
    );
    // 4x5 -> valid stride 2 k3: 9x11 -> same stride [2,1]: 18x11.
    await expectSameTraining(ours, theirs, data([3, 4, 5, 2], 11), data([3, 18 * 11 * 2], 12));
  });

  it('depthwiseConv2d: depth multiplier 2, strides, same padding, relu', async () => {
    const { ours, theirs } = twin((L: Lib) =>
      L.sequential({
        layers: [
          L.layers.depthwiseConv2d({
            kernelSize: 3,
            depthMultiplier: 2,
            strides: 2,
            padding: 'same',
            activation: 'relu',
            inputShape: [7, 7, 3],
          }),
          L.layers.depthwiseConv2d({ kernelSize: [2, 3], useBias: false }),
          L.layers.flatten(),
          L.layers.dense({ units: 2 }),
        ],
      }),
    );
    await expectSameTraining(ours, theirs, data([4, 7, 7, 3], 13), data([4, 2], 14));
  });
});
