// Quantisation-aware training of the weights (Jacob et al. 2018; TFMOT
// `quantize_model`), as a callback: every step runs forward and backward on
// the int8-rounded kernels while the optimizer's updates accumulate in float
// shadow weights — the straight-through estimator, d round(w) / dw = 1. At the
// end of training the model holds the float weights, now robust to the
// rounding; quantizeModel then gives the int8 model. (Activations are not
// fake-quantised: their u7 ranges are calibrated afterwards.)
import { Callback, type Conv2D, type Dense, type LayersModel } from '@wasmml/layers';
import { tensor, type Variable } from '@wasmml/tensor';
import { pickLayers } from '../common.js';
import { fakeQuantizeColumns } from './int8-math.js';
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

/** The callback of {@link quantizeAwareTraining}; `fit` with it, then `quantizeModel`. */
export class QuantizeAwareCallback extends Callback {
  private readonly kernels: Shadowed[];

  /** @internal */
  constructor(kernels: Shadowed[]) {
    super();
    this.kernels = kernels;
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
    for (const s of this.kernels) {
      if (!s.shadow || !s.rounded) continue;
      const w = s.variable.dataSync() as Float32Array;
      for (let i = 0; i < w.length; i++) s.shadow[i] = s.shadow[i]! + (w[i]! - s.rounded[i]!);
      assignValues(s.variable, s.shadow);
      s.shadow = s.rounded = undefined;
    }
  }
}

/**
 * Quantisation-aware fine-tuning for when post-training int8 loses too much:
 * returns a callback for `fit` that trains the model's Dense / Conv2D kernels
 * through their per-channel int8 rounding. Throws, naming the layer, for a
 * layer with weights that has no int8 kernel.
 */
export function quantizeAwareTraining(model: LayersModel): QuantizeAwareCallback {
  const op = 'quantizeAwareTraining';
  const kernels: Shadowed[] = [];
  for (const layer of pickLayers(model, undefined, op)) {
    if (stepKind(layer, op) === 'float') continue;
    const v = (layer as Dense | Conv2D).kernel as Variable;
    const n = v.shape[v.shape.length - 1]!;
    kernels.push({ variable: v, k: v.size / n, n, shadow: undefined, rounded: undefined });
  }
  return new QuantizeAwareCallback(kernels);
}
