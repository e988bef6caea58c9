// A model whose Dense and Conv2D layers run on the int8 kernels: the float
// layers between them (pooling, flatten, dropout, activations) run as they
// are, or on the u7 bytes where they chain two int8 layers (u7-chain.ts).
// Inference only.
import { getActivation, type Layer } from '@wasmml/layers';
import {
  concat,
  int8Conv2d,
  int8MatMul,
  QuantizedTensor,
  slice,
  tidy,
  type Int8Activation,
  type Int8InputQuant,
  type Int8Weights,
  type Tensor,
} from '@wasmml/tensor';
import { applyOnU7, fusedActivation, planSteps, type StepPlan } from './u7-chain.js';

/** One step of a quantised model: an int8 layer, or a float layer run as is. */
export type QuantizedStep =
  | {
      /** Which int8 kernel runs it. */
      kind: 'dense' | 'conv2d';
      /** The float layer this replaces (its config: activation, strides, padding...). */
      layer: Layer;
      /** Packed int8 weights (+ bias). */
      weights: Int8Weights;
      /** Calibrated quantisation of the layer's input. */
      input: Int8InputQuant;
      /** The int8 values and scales, as saved. */
      values: Int8Array;
      /** Per-output-channel weight scales. */
      scales: Float32Array;
    }
  | {
      /** A layer without weights, run in float. */
      kind: 'float';
      /** The layer. */
      layer: Layer;
    };

/** Summary of one quantised layer: its name and the input quantisation calibration chose. */
export interface QuantizedLayerInfo {
  /** Layer name. */
  name: string;
  /** 'dense', 'conv2d' or 'float'. */
  kind: QuantizedStep['kind'];
  /** Input scale (int8 layers). */
  inputScale?: number;
  /** Input zero point, 0..127 (int8 layers). */
  inputZeroPoint?: number;
  /**
   * How the layer runs: 'int8' (its result comes back as float32), 'int8 → u7' (requantised
   * for the next int8 layer), 'u7' (a layer without weights run on the bytes between two int8
   * layers), 'fused' (a max pool run by the convolution before it), 'float'.
   */
  runs: 'int8' | 'int8 → u7' | 'u7' | 'fused' | 'float';
}

type Value = Tensor | QuantizedTensor;

// One step on a float tensor or on the u7 bytes of the step before, as planned.
function runStep(step: QuantizedStep, x: Value, plan: StepPlan): Value {
  if (plan.skip) return x;
  if (step.kind === 'float') {
    if (x instanceof QuantizedTensor) return applyOnU7(step.layer, x);
    return step.layer.apply(x, { training: false }) as Tensor;
  }
  const l = step.layer as unknown as {
    activation: string;
    kernelSize: number[];
    strides: number[];
    padding: 'valid' | 'same';
    dilationRate: number[];
  };
  const fused = fusedActivation(step.layer);
  const act = (fused ? l.activation : 'linear') as Int8Activation;
  const output = plan.output;
  if (step.kind === 'dense') {
    const y = output ? int8MatMul(x, step.weights, step.input, act, output) : int8MatMul(x, step.weights, step.input, act);
    return fused ? y : getActivation(l.activation)(y as Tensor);
  }
  const opts = {
    strides: [l.strides[0]!, l.strides[1]!] as [number, number],
    pad: l.padding,
    dilations: [l.dilationRate[0]!, l.dilationRate[1]!] as [number, number],
    activation: act,
    maxPool2x2: plan.pool2x2 === true,
  };
  const size: [number, number] = [l.kernelSize[0]!, l.kernelSize[1]!];
  const y = output
    ? int8Conv2d(x, step.weights, size, step.input, { ...opts, output })
    : int8Conv2d(x, step.weights, size, step.input, opts);
  return fused ? y : getActivation(l.activation)(y as Tensor);
}

/**
 * The result of {@link quantizeModel} (or of loading a quantised file): the
 * float model's layers with Dense / Conv2D replaced by int8 kernels.
 */
export class QuantizedModel {
  /** Input shape without the batch dimension. */
  readonly inputShape: number[];
  /** @internal */
  readonly steps: QuantizedStep[];
  /** @internal The model's Keras topology, kept for saving. */
  readonly topology: object;
  private disposed = false;
  private readonly ownsLayers: boolean;
  private readonly plans: StepPlan[];

  /** @internal ownsLayers: the float layers were made for this model (loaded from a file) and go with it. */
  constructor(inputShape: number[], steps: QuantizedStep[], topology: object, ownsLayers: boolean) {
    this.inputShape = inputShape;
    this.steps = steps;
    this.topology = topology;
    this.ownsLayers = ownsLayers;
    this.plans = planSteps(steps);
  }

  /** The layers in order, with the calibrated input quantisation of the int8 ones. */
  get layers(): QuantizedLayerInfo[] {
    let onBytes = false;
    return this.steps.map((s, i) => {
      const plan = this.plans[i]!;
      if (s.kind === 'float') {
        return { name: s.layer.name, kind: s.kind, runs: plan.skip ? 'fused' : onBytes ? 'u7' : 'float' };
      }
      onBytes = plan.output !== undefined;
      const runs = onBytes ? 'int8 → u7' : 'int8';
      return { name: s.layer.name, kind: s.kind, inputScale: s.input.scale, inputZeroPoint: s.input.zeroPoint, runs };
    });
  }

  /** Outputs for inputs x [batch, ...inputShape], in batches of batchSize (default 256). */
  predict(x: Tensor, args: { batchSize?: number } = {}): Tensor {
    if (this.disposed) throw new Error('QuantizedModel.predict: the model was disposed');
    const want = this.inputShape;
    if (x.rank !== want.length + 1 || want.some((d, i) => d !== x.shape[i + 1])) {
      throw new Error(`QuantizedModel.predict: expected input [batch, ${want.join(', ')}], got [${x.shape.join(', ')}] (${x.dtype})`);
    }
    const bs = args.batchSize ?? 256;
    const n = x.shape[0]!;
    const plans = this.plans;
    // The last int8 layer never requantises (no int8 layer after it reads u7), so the result is a float tensor.
    const run = (b: Tensor) => tidy(() => this.steps.reduce<Value>((t, s, i) => runStep(s, t, plans[i]!), b) as Tensor);
    if (n <= bs) return run(x);
    return tidy(() => {
      const parts: Tensor[] = [];
      for (let i = 0; i < n; i += bs) parts.push(run(slice(x, i, Math.min(bs, n - i))));
      return concat(parts, 0);
    });
  }

  /** Frees the packed int8 weights (and, for a loaded model, its float layers; a float model passed to quantizeModel stays usable). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const s of this.steps) {
      if (s.kind !== 'float') s.weights.dispose();
      if (this.ownsLayers) s.layer.dispose();
    }
  }
}
