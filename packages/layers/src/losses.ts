// Losses: per-sample values (mean over the last axis where Keras takes it);
// the model averages them over the batch. Each works on probabilities or, with
// fromLogits, on logits through a fused, numerically stable kernel.
import * as ops from '@wasmml/tensor';
import { Tensor } from '@wasmml/tensor';

/** A per-sample loss: yTrue and yPred in, one value per sample out. */
export type LossFn = (yTrue: Tensor, yPred: Tensor) => Tensor;

/** A named loss, as compile() takes it. */
export interface LossObject {
  readonly name: string;
  readonly fromLogits?: boolean;
  call: LossFn;
}

const EPS = 1e-7;

function check(op: string, yTrue: Tensor, yPred: Tensor, sameShape = true): void {
  if (sameShape && yTrue.shape.join() !== yPred.shape.join()) {
    throw new Error(`${op}: yTrue shape [${yTrue.shape}] (${yTrue.dtype}) does not match yPred shape [${yPred.shape}] (${yPred.dtype})`);
  }
}

function f32(t: Tensor): Tensor {
  return t.dtype === 'float32' ? t : ops.cast(t, 'float32');
}

export function meanSquaredError(yTrue: Tensor, yPred: Tensor): Tensor {
  check('meanSquaredError', yTrue, yPred);
  return ops.mean(ops.squaredDifference(f32(yTrue), yPred), -1);
}

export function meanAbsoluteError(yTrue: Tensor, yPred: Tensor): Tensor {
  check('meanAbsoluteError', yTrue, yPred);
  return ops.mean(ops.abs(ops.sub(f32(yTrue), yPred)), -1);
}

export function huber(yTrue: Tensor, yPred: Tensor, delta = 1): Tensor {
  check('huber', yTrue, yPred);
  const err = ops.abs(ops.sub(f32(yTrue), yPred));
  const quad = ops.minimum(err, delta);
  const lin = ops.sub(err, quad);
  return ops.mean(ops.add(ops.mul(ops.square(quad), 0.5), ops.mul(lin, delta)), -1);
}

export function binaryCrossentropy(yTrue: Tensor, yPred: Tensor, fromLogits = false): Tensor {
  check('binaryCrossentropy', yTrue, yPred);
  const z = f32(yTrue);
  if (fromLogits) return ops.mean(ops.sigmoidCrossEntropyWithLogits(z, yPred), -1);
  const p = ops.clipByValue(yPred, EPS, 1 - EPS);
  const l = ops.add(ops.mul(z, ops.log(p)), ops.mul(ops.sub(1, z), ops.log(ops.sub(1, p))));
  return ops.neg(ops.mean(l, -1));
}

export function categoricalCrossentropy(yTrue: Tensor, yPred: Tensor, fromLogits = false): Tensor {
  check('categoricalCrossentropy', yTrue, yPred);
  if (fromLogits) return ops.softmaxCrossEntropyWithLogits(f32(yTrue), yPred);
  // Keras: renormalise the probabilities, clip, then -Σ y log p.
  const p = ops.clipByValue(ops.div(yPred, ops.sum(yPred, -1, true)), EPS, 1 - EPS);
  return ops.neg(ops.sum(ops.mul(f32(yTrue), ops.log(p)), -1));
}

export function sparseCategoricalCrossentropy(yTrue: Tensor, yPred: Tensor, fromLogits = false): Tensor {
  const labels = yTrue.rank === yPred.rank ? ops.reshape(yTrue, yTrue.shape.slice(0, -1)) : yTrue;
  if (labels.shape.join() !== yPred.shape.slice(0, -1).join()) {
    throw new Error(`sparseCategoricalCrossentropy: labels shape [${yTrue.shape}] does not fit predictions [${yPred.shape}] (expected [${yPred.shape.slice(0, -1)}] or with a trailing 1)`);
  }
  const ids = labels.dtype === 'int32' ? labels : ops.cast(labels, 'int32');
  if (fromLogits) return ops.sparseSoftmaxCrossEntropyWithLogits(ids, yPred);
  const p = ops.clipByValue(yPred, EPS, 1 - EPS);
  const picked = ops.sum(ops.mul(ops.oneHot(ids, yPred.shape[yPred.rank - 1]!, 1, 0, 'float32'), ops.log(p)), -1);
  return ops.neg(picked);
}

/** Keras cosine similarity loss: -cos(yTrue, yPred) over the last axis (tfjs `cosineProximity`). */
export function cosineSimilarity(yTrue: Tensor, yPred: Tensor): Tensor {
  check('cosineSimilarity', yTrue, yPred);
  const norm = (t: Tensor) => ops.div(t, ops.sqrt(ops.maximum(ops.sum(ops.square(t), -1, true), 1e-12)));
  return ops.neg(ops.sum(ops.mul(norm(f32(yTrue)), norm(yPred)), -1));
}

type WithLogits = (yTrue: Tensor, yPred: Tensor, fromLogits?: boolean) => Tensor;

function factory(name: string, fn: WithLogits) {
  function make(a: Tensor, b: Tensor, fromLogits?: boolean): Tensor;
  function make(opts?: { fromLogits?: boolean }): LossObject;
  function make(a?: Tensor | { fromLogits?: boolean }, b?: Tensor, fromLogits?: boolean): Tensor | LossObject {
    if (a instanceof Tensor) return fn(a, b!, fromLogits);
    const logits = a?.fromLogits ?? false;
    return { name, fromLogits: logits, call: (yt, yp) => fn(yt, yp, logits) };
  }
  return make;
}

/** Losses: call with (yTrue, yPred) for per-sample values, or with options ({fromLogits}) for compile(). */
export const losses = {
  meanSquaredError: factory('meanSquaredError', meanSquaredError),
  meanAbsoluteError: factory('meanAbsoluteError', meanAbsoluteError),
  huber: factory('huber', (a, b) => huber(a, b)),
  binaryCrossentropy: factory('binaryCrossentropy', binaryCrossentropy),
  categoricalCrossentropy: factory('categoricalCrossentropy', categoricalCrossentropy),
  sparseCategoricalCrossentropy: factory('sparseCategoricalCrossentropy', sparseCategoricalCrossentropy),
  cosineSimilarity: factory('cosineSimilarity', cosineSimilarity),
};

const aliases: Record<string, keyof typeof losses> = {
  meansquarederror: 'meanSquaredError', mse: 'meanSquaredError', meanabsoluteerror: 'meanAbsoluteError', mae: 'meanAbsoluteError',
  huber: 'huber', huberloss: 'huber', binarycrossentropy: 'binaryCrossentropy', categoricalcrossentropy: 'categoricalCrossentropy',
  sparsecategoricalcrossentropy: 'sparseCategoricalCrossentropy', cosinesimilarity: 'cosineSimilarity', cosineproximity: 'cosineSimilarity',
};

/** A loss from a name ('categoricalCrossentropy', 'mse', 'sparse_categorical_crossentropy'), a function or an object. */
export function getLoss(id: string | LossFn | LossObject): LossObject {
  if (typeof id === 'function') return { name: id.name || 'customLoss', call: id };
  if (typeof id === 'object') return id;
  const key = aliases[id.replace(/_/g, '').toLowerCase()];
  if (!key) throw new Error(`unknown loss '${id}' (known: ${Object.keys(losses).join(', ')})`);
  return (losses[key] as (o?: { fromLogits?: boolean }) => LossObject)({});
}
