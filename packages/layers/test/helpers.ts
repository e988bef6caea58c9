// Shared helpers for the layer tests: build the same model with our API and with
// tfjs-layers (the builders take the library as an argument, since the names and
// arguments are the same), copy the weights across, and compare outputs, losses
// and the weights after training.
import { expect } from 'vitest';
import { tf } from '@wasmml/test-utils/tfjs';
import * as tfl from '@tensorflow/tfjs-layers';
import * as wm from '@wasmml/tensor';
import { adam, sgd } from '@wasmml/optimizers';
import { expectClose, randomFloats } from '@wasmml/test-utils';
import { input, layers, model, regularizers, sequential, type LayersModel } from '@wasmml/layers';

/** The part of the API both libraries share, so one builder makes both models. */
export interface Lib {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  layers: any;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  sequential: (args?: any) => any;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  model: (args: any) => any;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  input: (args: any) => any;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  regularizers: any;
}

export const OURS: Lib = { layers, sequential, model, input, regularizers };
export const TFJS: Lib = {
  layers: tfl.layers,
  sequential: tfl.sequential,
  model: tfl.model,
  input: tfl.input,
  regularizers: tfl.regularizers,
};

/** Both versions of a model made by one builder. */
export function twin<M = LayersModel>(build: (L: Lib) => unknown): { ours: M; theirs: tfl.LayersModel } {
  return { ours: build(OURS) as M, theirs: build(TFJS) as tfl.LayersModel };
}

export function close(a: ArrayLike<number>, b: ArrayLike<number>, what: string, rtol = 1e-4, atol = 1e-5): void {
  expectClose(a, b, rtol, atol, what);
}

/** Copies tfjs's weights into ours, in model order; shapes must line up one to one. */
export function copyWeights(ours: LayersModel, theirs: tfl.LayersModel): void {
  const tw = theirs.getWeights();
  const ow = ours.getWeights();
  expect(ow.map((w) => w.shape)).toEqual(tw.map((w) => w.shape));
  ours.setWeights(tw.map((w) => wm.tensor(w.dataSync() as Float32Array, w.shape)));
  wm.dispose(ow);
}

/** Every weight of ours against tfjs's, in model order. */
export function expectSameWeights(ours: LayersModel, theirs: tfl.LayersModel, what: string, rtol = 2e-4, atol = 2e-5): void {
  const ow = ours.getWeights(),
    tw = theirs.getWeights();
  expect(ow.length).toBe(tw.length);
  ow.forEach((w, i) => close(w.dataSync(), tw[i]!.dataSync(), `${what}: weight ${i} (${ours.weights[i]?.name})`, rtol, atol));
  wm.dispose(ow);
}

/** Seeded data for both libraries. */
export interface Pair {
  ours: wm.Tensor;
  theirs: tf.Tensor;
  values: Float32Array;
}

export function data(shape: number[], seed: number, lo = -1, hi = 1): Pair {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = randomFloats(n, seed, lo, hi);
  return { ours: wm.tensor(values, shape), theirs: tf.tensor(values, shape), values };
}

/** One-hot targets (class i % classes), or sparse class ids with `sparse`. */
export function classes(n: number, k: number, sparse = false, seed = 3): Pair {
  const r = randomFloats(n, seed, 0, k);
  const ids = Array.from(r, (v) => Math.min(k - 1, Math.floor(v)));
  const values = sparse
    ? Float32Array.from(ids)
    : Float32Array.from(ids.flatMap((c) => Array.from({ length: k }, (_, j) => (j === c ? 1 : 0))));
  const shape = sparse ? [n] : [n, k];
  return { ours: wm.tensor(values, shape), theirs: tf.tensor(values, shape), values };
}

export function predictBoth(ours: LayersModel, theirs: tfl.LayersModel, x: Pair | Pair[]): [Float32Array[], Float32Array[]] {
  const xs = Array.isArray(x) ? x : [x];
  const o = ours.predict(xs.length === 1 ? xs[0]!.ours : xs.map((p) => p.ours));
  const t = theirs.predict(xs.length === 1 ? xs[0]!.theirs : xs.map((p) => p.theirs));
  const ol = Array.isArray(o) ? o : [o],
    tl = Array.isArray(t) ? t : [t];
  const res: [Float32Array[], Float32Array[]] = [ol.map((v) => v.dataSync() as Float32Array), tl.map((v) => v.dataSync() as Float32Array)];
  wm.dispose(ol);
  tf.dispose(tl);
  return res;
}

export interface CompareOptions {
  loss?: string;
  optimizer?: 'sgd' | 'adam';
  learningRate?: number;
  epochs?: number;
  batchSize?: number;
  rtol?: number;
  atol?: number;
}

/**
 * The full check: same weights in, same predictions out; then the same training
 * (shuffle off) gives the same loss history and the same weights.
 */
export async function expectSameTraining(
  ours: LayersModel,
  theirs: tfl.LayersModel,
  x: Pair | Pair[],
  y: Pair | Pair[],
  opts: CompareOptions = {},
): Promise<void> {
  const { rtol = 1e-4, atol = 1e-5 } = opts;
  copyWeights(ours, theirs);
  const [po, pt] = predictBoth(ours, theirs, x);
  po.forEach((p, i) => close(p, pt[i]!, `predict output ${i}`, rtol, atol));
  const lr = opts.learningRate ?? 0.05;
  const loss = opts.loss ?? 'meanSquaredError';
  ours.compile({ optimizer: opts.optimizer === 'adam' ? adam(lr) : sgd(lr), loss });
  theirs.compile({ optimizer: opts.optimizer === 'adam' ? tf.train.adam(lr) : tf.train.sgd(lr), loss });
  const xs = Array.isArray(x) ? x : [x],
    ys = Array.isArray(y) ? y : [y];
  const fitArgs = { epochs: opts.epochs ?? 2, batchSize: opts.batchSize ?? 4, shuffle: false, verbose: 0 as const };
  const h = await ours.fit(
    xs.length === 1 ? xs[0]!.ours : xs.map((p) => p.ours),
    ys.length === 1 ? ys[0]!.ours : ys.map((p) => p.ours),
    fitArgs,
  );
  const th = await theirs.fit(
    xs.length === 1 ? xs[0]!.theirs : xs.map((p) => p.theirs),
    ys.length === 1 ? ys[0]!.theirs : ys.map((p) => p.theirs),
    fitArgs,
  );
  close(h.history.loss!, th.history.loss as number[], 'loss history', rtol * 2, atol);
  expectSameWeights(ours, theirs, 'after fit', rtol * 2, atol * 2);
  const [qo, qt] = predictBoth(ours, theirs, x);
  qo.forEach((p, i) => close(p, qt[i]!, `predict output ${i} after fit`, rtol * 2, atol * 2));
  // Training must have moved something, or the comparison proves nothing.
  expect((th.history.loss as number[])[0]).not.toBe(0);
}

export { tf, tfl, wm };
