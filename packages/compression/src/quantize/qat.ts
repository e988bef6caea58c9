// Quantisation-aware training (Jacob et al. 2018; TFMOT `quantize_model`), as
// a callback, for both halves of what the int8 model rounds:
// - weights: every step runs forward and backward on the per-channel int8
//   rounding of the kernels while the optimizer's updates accumulate in float
//   shadow weights — the straight-through estimator, d round(w) / dw = 1;
// - activations: each int8 layer's input is fake-quantised on the u7 grid of a
//   moving-average range (TFMOT's MovingAverageQuantizer: the first batch's
//   min / max, then an exponential moving average with decay 0.999), which is
//   where the int8 model rounds them; the gradient passes where the input was
//   inside that range (fake-quant.ts).
// At the end of training the model holds the float weights, now robust to the
// rounding, and computes in float again; `quantizeModel(model, {
// activationRanges: qat.activationRanges() })` then gives the int8 model with
// the ranges training settled on (no calibration pass needed).
import { Callback, type CallArgs, type Conv2D, type Dense, type Layer, type LayersModel } from '@wasmml/layers';
import { max, min, tensor, type Tensor, type Variable } from '@wasmml/tensor';
import { pickLayers } from '../common.js';
import { fakeQuantU7 } from './fake-quant.js';
import { fakeQuantizeColumns, rangeQuant } from './int8-math.js';
import { stepKind } from './ptq.js';

function assignValues(v: Variable, values: Float32Array): void {
  const t = tensor(values, v.shape);
  v.assign(t); // assign copies the values
  t.dispose();
}

interface Shadowed {
  variable: Variable;
  k: number;
  n: number;
  shadow: Float32Array | undefined;
  rounded: Float32Array | undefined;
}

/** A range of real values, as {@link QuantizeAwareCallback.activationRanges} reports and `quantizeModel` takes. */
export interface ActivationRange {
  /** Smallest value. */
  min: number;
  /** Largest value. */
  max: number;
}

interface Observed {
  layer: Layer;
  range: ActivationRange | undefined;
  call: Layer['call'] | undefined;
}

/** Options of {@link quantizeAwareTraining}. */
export interface QuantizeAwareOptions {
  /** Also fake-quantise each int8 layer's input on a moving-average range (default true; TFMOT's quantize_model does). */
  activations?: boolean;
  /** Decay of the moving averages of the input ranges (default 0.999, as TFMOT). */
  emaDecay?: number;
}

/** The callback of {@link quantizeAwareTraining}; `fit` with it, then `quantizeModel`. */
export class QuantizeAwareCallback extends Callback {
  private readonly kernels: Shadowed[];
  private readonly inputs: Observed[];
  private readonly decay: number;

  /** @internal */
  constructor(kernels: Shadowed[], inputs: Observed[], decay: number) {
    super();
    this.kernels = kernels;
    this.inputs = inputs;
    this.decay = decay;
  }

  /**
   * The moving-average input range of each int8 layer, by layer name, as
   * training left it: pass it to `quantizeModel` as `activationRanges`. Empty
   * before training, or when activations are not fake-quantised.
   */
  activationRanges(): Record<string, ActivationRange> {
    const out: Record<string, ActivationRange> = {};
    for (const o of this.inputs) if (o.range) out[o.layer.name] = { ...o.range };
    return out;
  }

  override async onTrainBegin(): Promise<void> {
    for (const o of this.inputs) {
      if (o.call) continue;
      const call = o.layer.call;
      o.call = call;
      // An own property shadows the class's call for this layer only; onTrainEnd deletes it.
      o.layer.call = (inputs: Tensor | Tensor[], kwargs: CallArgs) => call.call(o.layer, this.observe(o, inputs, kwargs), kwargs);
    }
  }

  override async onBatchBegin(): Promise<void> {
    for (const s of this.kernels) {
      const w = s.variable.dataSync() as Float32Array;
      // After a step the variable holds rounded + update: carry the update into the shadow.
      if (s.shadow && s.rounded) for (let i = 0; i < w.length; i++) s.shadow[i] = s.shadow[i]! + (w[i]! - s.rounded[i]!);
      else s.shadow = w.slice();
      s.rounded = fakeQuantizeColumns(s.shadow.slice(), s.k, s.n);
      assignValues(s.variable, s.rounded);
    }
  }

  override async onTrainEnd(): Promise<void> {
    for (const o of this.inputs) {
      if (!o.call) continue;
      delete (o.layer as { call?: unknown }).call;
      o.call = undefined;
    }
    for (const s of this.kernels) {
      if (!s.shadow || !s.rounded) continue;
      const w = s.variable.dataSync() as Float32Array;
      for (let i = 0; i < w.length; i++) s.shadow[i] = s.shadow[i]! + (w[i]! - s.rounded[i]!);
      assignValues(s.variable, s.shadow);
      s.shadow = s.rounded = undefined;
    }
  }

  // Training steps update the layer's input range from the batch; every call
  // (validation and predict during fit too) sees the input fake-quantised by it.
  private observe(o: Observed, inputs: Tensor | Tensor[], kwargs: CallArgs): Tensor | Tensor[] {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    if (kwargs.training === true || !o.range) {
      const lo = min(x),
        hi = max(x);
      const b = { min: lo.dataSync()[0]!, max: hi.dataSync()[0]! };
      lo.dispose();
      hi.dispose();
      const d = this.decay;
      o.range = o.range ? { min: o.range.min * d + b.min * (1 - d), max: o.range.max * d + b.max * (1 - d) } : b;
    }
    const q = fakeQuantU7(x, rangeQuant(o.range.min, o.range.max));
    return Array.isArray(inputs) ? [q, ...inputs.slice(1)] : q;
  }
}

/**
 * Quantisation-aware fine-tuning for when post-training int8 loses too much:
 * returns a callback for `fit` that trains the model's Dense / Conv2D layers
 * through the int8 rounding of their kernels (per channel) and, unless
 * `activations: false`, of their inputs (u7 on moving-average ranges). Throws,
 * naming the layer, for a layer with weights that has no int8 kernel.
 */
export function quantizeAwareTraining(model: LayersModel, opts: QuantizeAwareOptions = {}): QuantizeAwareCallback {
  const op = 'quantizeAwareTraining';
  const decay = opts.emaDecay ?? 0.999;
  if (!(decay >= 0 && decay < 1)) throw new Error(`${op}: emaDecay must be in [0, 1), got ${opts.emaDecay}`);
  const kernels: Shadowed[] = [];
  const inputs: Observed[] = [];
  for (const layer of pickLayers(model, undefined, op)) {
    if (stepKind(layer, op) === 'float') continue;
    const v = (layer as Dense | Conv2D).kernel as Variable;
    const n = v.shape[v.shape.length - 1]!;
    kernels.push({ variable: v, k: v.size / n, n, shadow: undefined, rounded: undefined });
    if (opts.activations !== false) inputs.push({ layer, range: undefined, call: undefined });
  }
  return new QuantizeAwareCallback(kernels, inputs, decay);
}
