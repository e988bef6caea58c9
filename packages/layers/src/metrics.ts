// Metrics: stateful (update per batch, result over everything seen since reset)
// so epoch figures are exact, not averages of batch averages.
import * as ops from '@wasmml/tensor';
import { tidy, type Tensor } from '@wasmml/tensor';
import { meanAbsoluteError, meanSquaredError } from './losses.js';

/**
 * A stateful training metric: `update` per batch, `result` over every sample since `reset`, so epoch figures are
 * exact rather than averages of batch averages.
 */
export interface Metric {
  /** Key in logs and History (tfjs names: 'acc' for accuracy). */
  readonly name: string;
  /** Adds a batch of labels and predictions to the running state. */
  update(yTrue: Tensor, yPred: Tensor): void;
  /** The metric over everything seen since the last reset (0 before any update). */
  result(): number;
  /** Clears the running state (at the start of each epoch and evaluation). */
  reset(): void;
}

function f32(t: Tensor): Tensor {
  return t.dtype === 'float32' ? t : ops.cast(t, 'float32');
}

/** Mean of a per-sample quantity over all samples seen. */
class MeanOf implements Metric {
  private total = 0;
  private count = 0;
  constructor(
    readonly name: string,
    private readonly fn: (yTrue: Tensor, yPred: Tensor) => Tensor,
  ) {}
  update(yTrue: Tensor, yPred: Tensor): void {
    const [s, n] = tidy(() => {
      const v = this.fn(yTrue, yPred);
      return [ops.sum(f32(v)).dataSync()[0]!, v.size] as const;
    });
    this.total += s;
    this.count += n;
  }
  result() {
    return this.count === 0 ? 0 : this.total / this.count;
  }
  reset() {
    this.total = 0;
    this.count = 0;
  }
}

/** 1 where yPred (thresholded) equals yTrue. */
export function binaryAccuracy(yTrue: Tensor, yPred: Tensor, threshold = 0.5): Tensor {
  return ops.mean(f32(ops.equal(f32(yTrue), f32(ops.greater(yPred, threshold)))), -1);
}

export function categoricalAccuracy(yTrue: Tensor, yPred: Tensor): Tensor {
  return f32(ops.equal(ops.argMax(yTrue, -1), ops.argMax(yPred, -1)));
}

export function sparseCategoricalAccuracy(yTrue: Tensor, yPred: Tensor): Tensor {
  const labels = yTrue.rank === yPred.rank ? ops.reshape(yTrue, yTrue.shape.slice(0, -1)) : yTrue;
  return f32(ops.equal(ops.cast(labels, 'int32'), ops.argMax(yPred, -1)));
}

/** Confusion counts of binary (or multi-label) predictions at a threshold. */
class Confusion implements Metric {
  tp = 0;
  fp = 0;
  fn = 0;
  constructor(
    readonly name: string,
    private readonly kind: 'precision' | 'recall' | 'f1',
    private readonly threshold = 0.5,
  ) {}
  update(yTrue: Tensor, yPred: Tensor): void {
    const [tp, fp, fn] = tidy(() => {
      const pred = f32(ops.greater(yPred, this.threshold));
      const truth = f32(ops.greater(f32(yTrue), 0.5));
      // One readback of the three sums, not three.
      const [tpv, predicted, actual] = ops.stack([ops.sum(ops.mul(pred, truth)), ops.sum(pred), ops.sum(truth)]).dataSync() as Float32Array;
      return [tpv!, predicted! - tpv!, actual! - tpv!];
    });
    this.tp += tp;
    this.fp += fp;
    this.fn += fn;
  }
  result(): number {
    const p = this.tp + this.fp === 0 ? 0 : this.tp / (this.tp + this.fp);
    const r = this.tp + this.fn === 0 ? 0 : this.tp / (this.tp + this.fn);
    if (this.kind === 'precision') return p;
    if (this.kind === 'recall') return r;
    return p + r === 0 ? 0 : (2 * p * r) / (p + r);
  }
  reset() {
    this.tp = this.fp = this.fn = 0;
  }
}

/** Area under the ROC curve, from counts at evenly spaced thresholds (Keras's method). */
class AUC implements Metric {
  readonly name = 'auc';
  private readonly pos: Float64Array;
  private readonly neg: Float64Array;
  constructor(
    private readonly numThresholds = 200,
    private readonly fromLogits = false,
  ) {
    this.pos = new Float64Array(numThresholds + 1);
    this.neg = new Float64Array(numThresholds + 1);
  }
  update(yTrue: Tensor, yPred: Tensor): void {
    const p = yPred.dataSync(),
      t = f32(yTrue).dataSync();
    if (p.length !== t.length) throw new Error(`auc: yTrue has ${t.length} values, yPred ${p.length}`);
    for (let i = 0; i < p.length; i++) {
      // Logits go through the sigmoid so that the [0, 1] thresholds still cover them.
      const prob = this.fromLogits ? 1 / (1 + Math.exp(-p[i]!)) : p[i]!;
      const b = Math.min(this.numThresholds, Math.max(0, Math.floor(prob * this.numThresholds)));
      if (t[i]! > 0.5) this.pos[b]! += 1;
      else this.neg[b]! += 1;
    }
  }
  result(): number {
    // Sweep thresholds from high to low, integrating TPR over FPR (trapezoids).
    const totalP = this.pos.reduce((a, b) => a + b, 0),
      totalN = this.neg.reduce((a, b) => a + b, 0);
    if (totalP === 0 || totalN === 0) return 0;
    let tp = 0,
      fp = 0,
      area = 0;
    for (let b = this.numThresholds; b >= 0; b--) {
      const tp2 = tp + this.pos[b]!,
        fp2 = fp + this.neg[b]!;
      area += ((fp2 - fp) / totalN) * ((tp + tp2) / 2 / totalP);
      tp = tp2;
      fp = fp2;
    }
    return area;
  }
  reset() {
    this.pos.fill(0);
    this.neg.fill(0);
  }
}

/**
 * Name of a metric (Keras/tfjs camelCase or snake_case); 'accuracy' picks binary, categorical or sparse accuracy from
 * the loss.
 */
export type MetricIdentifier =
  | 'accuracy'
  | 'acc'
  | 'binaryAccuracy'
  | 'categoricalAccuracy'
  | 'sparseCategoricalAccuracy'
  | 'precision'
  | 'recall'
  | 'f1'
  | 'auc'
  | 'mse'
  | 'mae'
  | 'meanSquaredError'
  | 'meanAbsoluteError'
  | string;

/** Metric factories. */
export const metrics = {
  /** Share of values where (yPred > threshold) equals yTrue (threshold default 0.5). */
  binaryAccuracy: (threshold = 0.5) => new MeanOf('binaryAccuracy', (a, b) => binaryAccuracy(a, b, threshold)),
  /** Share of samples whose predicted class (argmax) matches the one-hot label's. */
  categoricalAccuracy: () => new MeanOf('categoricalAccuracy', categoricalAccuracy),
  /** Share of samples whose predicted class (argmax) equals the integer label. */
  sparseCategoricalAccuracy: () => new MeanOf('sparseCategoricalAccuracy', sparseCategoricalAccuracy),
  /** True positives / predicted positives, predictions thresholded at `threshold` (default 0.5). */
  precision: (threshold = 0.5) => new Confusion('precision', 'precision', threshold),
  /** True positives / actual positives, predictions thresholded at `threshold` (default 0.5). */
  recall: (threshold = 0.5) => new Confusion('recall', 'recall', threshold),
  /** Harmonic mean of precision and recall at `threshold` (default 0.5). */
  f1: (threshold = 0.5) => new Confusion('f1', 'f1', threshold),
  /**
   * Area under the ROC curve from counts at `numThresholds` (default 200) evenly spaced thresholds in [0, 1] (Keras's
   * method); predictions are probabilities, or logits when `fromLogits` is true.
   */
  auc: (numThresholds = 200, fromLogits = false) => new AUC(numThresholds, fromLogits),
  /** Mean squared error over all values seen. */
  meanSquaredError: () => new MeanOf('meanSquaredError', meanSquaredError),
  /** Mean absolute error over all values seen. */
  meanAbsoluteError: () => new MeanOf('meanAbsoluteError', meanAbsoluteError),
};

/**
 * A metric from a name. 'accuracy'/'acc' follows the loss and the output, as tfjs
 * does: binary for binaryCrossentropy or a single output unit, sparse for
 * sparseCategoricalCrossentropy, categorical otherwise; with fromLogits the
 * binary threshold is 0.
 * @param units Size of the output's last axis, when known.
 */
export function getMetric(id: MetricIdentifier | Metric, lossName: string, fromLogits = false, units: number | null = null): Metric {
  if (typeof id === 'object') return id;
  const key = id.replace(/_/g, '').toLowerCase();
  const rename = (m: Metric, name: string): Metric => Object.assign(Object.create(Object.getPrototypeOf(m)), m, { name });
  switch (key) {
    case 'accuracy':
    case 'acc': {
      const base =
        lossName === 'binaryCrossentropy' || units === 1
          ? metrics.binaryAccuracy(fromLogits ? 0 : 0.5)
          : lossName === 'sparseCategoricalCrossentropy'
            ? metrics.sparseCategoricalAccuracy()
            : metrics.categoricalAccuracy();
      return rename(base, 'acc');
    }
    case 'binaryaccuracy':
      return metrics.binaryAccuracy(fromLogits ? 0 : 0.5);
    case 'categoricalaccuracy':
      return metrics.categoricalAccuracy();
    case 'sparsecategoricalaccuracy':
      return metrics.sparseCategoricalAccuracy();
    case 'precision':
      return metrics.precision(fromLogits ? 0 : 0.5);
    case 'recall':
      return metrics.recall(fromLogits ? 0 : 0.5);
    case 'f1':
    case 'f1score':
      return metrics.f1(fromLogits ? 0 : 0.5);
    case 'auc':
      return metrics.auc(200, fromLogits);
    case 'mse':
    case 'meansquarederror':
      return rename(metrics.meanSquaredError(), id);
    case 'mae':
    case 'meanabsoluteerror':
      return rename(metrics.meanAbsoluteError(), id);
    default:
      throw new Error(
        `unknown metric '${id}' (known: accuracy, binaryAccuracy, categoricalAccuracy, sparseCategoricalAccuracy, precision, recall, f1, auc, mse, mae)`,
      );
  }
}
