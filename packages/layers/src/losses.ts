// Losses: per-sample values (mean over the last axis where Keras takes it);
// the model averages them over the batch. Each works on probabilities or, with
// fromLogits, on logits through a fused, numerically stable kernel.
import * as ops from '@wasmml/tensor';
import { nearestName, Tensor } from '@wasmml/tensor';

/** A per-sample loss: yTrue and yPred in, one value per sample out. */
export type LossFn = (yTrue: Tensor, yPred: Tensor) => Tensor;

/** A named loss, as compile() takes it. */
export interface LossObject {
  /** Loss name, used in logs and saved training configs. */
  readonly name: string;
  /** Whether yPred holds logits rather than probabilities. */
  readonly fromLogits?: boolean;
  /** Per-sample loss values for a batch. */
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
    throw new Error(
      `sparseCategoricalCrossentropy: labels shape [${yTrue.shape}] does not fit predictions [${yPred.shape}] (expected [${yPred.shape.slice(0, -1)}] or with a trailing 1)`,
    );
  }
  const ids = labels.dtype === 'int32' ? labels : ops.cast(labels, 'int32');
  if (fromLogits) return ops.sparseSoftmaxCrossEntropyWithLogits(ids, yPred);
  // tfjs: clip, then the categorical loss (which renormalises) on one-hot labels.
  const p = ops.clipByValue(yPred, EPS, 1 - EPS);
  return categoricalCrossentropy(ops.oneHot(ids, yPred.shape[yPred.rank - 1]!, 1, 0, 'float32'), p);
}

/** Keras cosine similarity loss: -cos(yTrue, yPred) over the last axis (tfjs `cosineProximity`). */
export function cosineSimilarity(yTrue: Tensor, yPred: Tensor): Tensor {
  check('cosineSimilarity', yTrue, yPred);
  const norm = (t: Tensor) => ops.div(t, ops.sqrt(ops.maximum(ops.sum(ops.square(t), -1, true), 1e-12)));
  return ops.neg(ops.sum(ops.mul(norm(f32(yTrue)), norm(yPred)), -1));
}

/** Options of the loss factories: fromLogits for the cross-entropies, delta for huber. */
export interface LossOptions {
  /** yPred holds logits, not probabilities (cross-entropies only). */
  fromLogits?: boolean;
  /** Where huber turns from quadratic to linear (default 1). */
  delta?: number;
}

type WithOptions = (yTrue: Tensor, yPred: Tensor, opts: LossOptions) => Tensor;

function factory(name: string, fn: WithOptions, takes: Array<keyof LossOptions>) {
  function make(yTrue: Tensor, yPred: Tensor, fromLogits?: boolean): Tensor;
  function make(opts?: LossOptions): LossObject;
  function make(a?: Tensor | LossOptions, b?: Tensor, fromLogits?: boolean): Tensor | LossObject {
    if (a instanceof Tensor) return fn(a, b!, { fromLogits: fromLogits ?? false });
    const opts = a ?? {};
    for (const k of Object.keys(opts)) {
      if (!takes.includes(k as keyof LossOptions)) {
        const near = nearestName(k, takes);
        throw new Error(
          `losses.${name}: unknown option '${k}'${near ? `; did you mean '${near}'?` : ''} (takes: ${takes.join(', ') || 'none'})`,
        );
      }
    }
    const logits = opts.fromLogits ?? false;
    return { name, fromLogits: logits, call: (yt, yp) => fn(yt, yp, opts) };
  }
  return make;
}

/**
 * Losses: call with (yTrue, yPred) for per-sample values, or with options
 * ({fromLogits}, or {delta} for huber) for a loss object compile() takes.
 */
export const losses = {
  /** mean((yTrue - yPred)²) over the last axis (tfjs `losses.meanSquaredError`; alias 'mse'). */
  meanSquaredError: factory('meanSquaredError', (a, b) => meanSquaredError(a, b), []),
  /** mean(|yTrue - yPred|) over the last axis (alias 'mae'). */
  meanAbsoluteError: factory('meanAbsoluteError', (a, b) => meanAbsoluteError(a, b), []),
  /** Huber loss over the last axis: quadratic below `delta` (default 1), linear above. */
  huber: factory('huber', (a, b, o) => huber(a, b, o.delta ?? 1), ['delta']),
  /**
   * Binary cross-entropy over the last axis, on probabilities (clipped to [1e-7, 1 - 1e-7]) or, with fromLogits, on
   * logits.
   */
  binaryCrossentropy: factory('binaryCrossentropy', (a, b, o) => binaryCrossentropy(a, b, o.fromLogits), ['fromLogits']),
  /**
   * Cross-entropy with one-hot (or soft) labels over the last axis, on probabilities (renormalised and clipped, as
   * Keras) or logits.
   */
  categoricalCrossentropy: factory('categoricalCrossentropy', (a, b, o) => categoricalCrossentropy(a, b, o.fromLogits), ['fromLogits']),
  /** Cross-entropy with integer class labels ([batch] or [batch, 1]), on probabilities or logits. */
  sparseCategoricalCrossentropy: factory('sparseCategoricalCrossentropy', (a, b, o) => sparseCategoricalCrossentropy(a, b, o.fromLogits), [
    'fromLogits',
  ]),
  /** -cos(yTrue, yPred) over the last axis (Keras `cosine_similarity`, tfjs `cosineProximity`). */
  cosineSimilarity: factory('cosineSimilarity', (a, b) => cosineSimilarity(a, b), []),
};

const aliases: Record<string, keyof typeof losses> = {
  meansquarederror: 'meanSquaredError',
  mse: 'meanSquaredError',
  meanabsoluteerror: 'meanAbsoluteError',
  mae: 'meanAbsoluteError',
  huber: 'huber',
  huberloss: 'huber',
  binarycrossentropy: 'binaryCrossentropy',
  categoricalcrossentropy: 'categoricalCrossentropy',
  sparsecategoricalcrossentropy: 'sparseCategoricalCrossentropy',
  cosinesimilarity: 'cosineSimilarity',
  cosineproximity: 'cosineSimilarity',
};

/** A loss from a name ('categoricalCrossentropy', 'mse', 'sparse_categorical_crossentropy'), a function or an object. */
export function getLoss(id: string | LossFn | LossObject): LossObject {
  if (typeof id === 'function') return { name: id.name || 'customLoss', call: id };
  if (typeof id === 'object') return id;
  const key = aliases[id.replace(/_/g, '').toLowerCase()];
  if (!key) throw new Error(`unknown loss '${id}' (known: ${Object.keys(losses).join(', ')})`);
  return (losses[key] as (o?: LossOptions) => LossObject)({});
}
