// Post-training static int8 quantisation (ONNX Runtime's QDQ static mode, in
// spirit): per-output-channel symmetric int8 weights, and each int8 layer's
// input range calibrated on sample data (min / max over the batches).
import { Conv2D, Dense, modelArtifacts, type Layer, type LayersModel } from '@wasmml/layers';
import { Int8Weights, slice, tidy, type Int8InputQuant, type Tensor } from '@wasmml/tensor';
import { describeLayer, pickLayers } from '../common.js';
import { quantizeColumns, rangeQuant } from './int8-math.js';
import { QuantizedModel, type QuantizedStep } from './quantized-model.js';
import type { ActivationRange } from './qat.js';

/** Options of {@link quantizeModel}. */
export interface QuantizeOptions {
  /** Sample inputs [n, ...inputShape] whose activation ranges set the int8 input scales (a few hundred suffice). */
  calibrationData?: Tensor;
  /**
   * Input ranges by layer name, instead of calibrating those layers: what
   * quantisation-aware training settled on (`QuantizeAwareCallback.activationRanges()`).
   * Every int8 layer needs a range from here or from `calibrationData`.
   */
  activationRanges?: Record<string, ActivationRange>;
  /** Batch size of the calibration passes (default 256). */
  batchSize?: number;
}

/** @internal What quantizeModel and the loader need to know of a sequential model. */
export function sequentialLayers(model: LayersModel, op: string): { layers: Layer[]; inputShape: number[] } {
  const layers = pickLayers(model, undefined, op);
  const isChain = model.getClassName() === 'Sequential' || layers.every((l) => l.inboundNodes.length <= 1);
  const shape = model.inputShape;
  if (!isChain || !Array.isArray(shape) || Array.isArray(shape[0]) || model.outputs.length !== 1) {
    throw new Error(`${op}: model ${model.name} must be a single-input, single-output chain of layers (a Sequential model)`);
  }
  const inputShape = (shape as Array<number | null>).slice(1);
  if (inputShape.some((d) => d === null)) throw new Error(`${op}: model ${model.name} needs a fully known input shape, got [${shape}]`);
  return { layers, inputShape: inputShape as number[] };
}

/** @internal Whether a layer runs on the int8 kernels, or in float (no weights), or is refused. */
export function stepKind(layer: Layer, op: string): 'dense' | 'conv2d' | 'float' {
  if (layer instanceof Dense) return 'dense';
  if (layer instanceof Conv2D) return 'conv2d';
  if (layer.weights.length === 0) return 'float';
  throw new Error(
    `${op}: ${describeLayer(layer)} cannot be quantised to int8 (supported: Dense, Conv2D; layers without weights run in float)`,
  );
}

/** @internal Packs a Dense / Conv2D layer's kernel (given as int8 values and scales) with its float bias. */
export function int8Step(
  kind: 'dense' | 'conv2d',
  layer: Layer,
  values: Int8Array,
  scales: Float32Array,
  input: Int8InputQuant,
): QuantizedStep {
  const l = layer as Dense | Conv2D;
  const shape = l.kernel!.shape;
  const n = shape[shape.length - 1]!,
    k = l.kernel!.size / n;
  const bias = l.bias ? (l.bias.dataSync() as Float32Array) : undefined;
  const weights = Int8Weights.create({ values, scales, k, n, ...(bias ? { bias } : {}) });
  return { kind, layer, weights, input, values, scales };
}

/**
 * Quantises a trained Sequential model to int8: Dense and Conv2D layers run on
 * the int8 wasm kernels (int32 accumulation), the rest in float (or on the u7
 * bytes between two int8 layers). Each int8 layer's input range comes from
 * `activationRanges` or is calibrated (min / max) on `calibrationData`. The
 * float model is left as it was (and stays usable). Throws, naming the layer,
 * for a layer with weights that has no int8 kernel, an int8 layer with no
 * range, and for calibration data of the wrong shape.
 */
export async function quantizeModel(model: LayersModel, opts: QuantizeOptions): Promise<QuantizedModel> {
  const op = 'quantizeModel';
  const { layers, inputShape } = sequentialLayers(model, op);
  const kinds = layers.map((l) => stepKind(l, op));
  const given = opts?.activationRanges ?? {};
  for (const [name, r] of Object.entries(given)) {
    const l = layers.find((x) => x.name === name);
    if (!l || stepKind(l, op) === 'float') {
      throw new Error(`${op}: activationRanges names '${name}', which is not an int8 layer of model ${model.name} (Dense or Conv2D)`);
    }
    if (!(Number.isFinite(r?.min) && Number.isFinite(r?.max) && r.min <= r.max)) {
      throw new Error(`${op}: activationRanges['${name}'] must be { min, max } with finite min <= max, got ${JSON.stringify(r)}`);
    }
  }
  const x = opts?.calibrationData;
  const missing = layers.filter((l, j) => kinds[j] !== 'float' && !(l.name in given));
  if (x === undefined && missing.length > 0) {
    throw new Error(
      `${op}: options.calibrationData must be a tensor of sample inputs [n, ${inputShape}] (no activationRanges for ${missing.map((l) => `'${l.name}'`).join(', ')})`,
    );
  }
  if (x !== undefined) {
    if (typeof (x as Tensor).shape !== 'object')
      throw new Error(`${op}: options.calibrationData must be a tensor of sample inputs [n, ${inputShape}]`);
    if (x.dtype !== 'float32' || x.rank !== inputShape.length + 1 || inputShape.some((d, i) => d !== x.shape[i + 1]) || x.shape[0] === 0) {
      throw new Error(
        `${op}: calibrationData must be float32 [n >= 1, ${inputShape.join(', ')}] (model ${model.name}'s input), got [${x.shape}] (${x.dtype})`,
      );
    }
  }
  const ranges = layers.map((l) => (given[l.name] ? { ...given[l.name]! } : { min: Infinity, max: -Infinity }));
  const calibrate = layers.map((l, j) => kinds[j] !== 'float' && !(l.name in given));
  const bs = opts.batchSize ?? 256;
  const last = calibrate.lastIndexOf(true);
  for (let i = 0; x !== undefined && last >= 0 && i < x.shape[0]!; i += bs) {
    tidy(() => {
      let t = slice(x, i, Math.min(bs, x.shape[0]! - i));
      for (let j = 0; j <= last; j++) {
        if (calibrate[j]) {
          const d = t.dataSync() as Float32Array;
          const r = ranges[j]!;
          for (let e = 0; e < d.length; e++) {
            const v = d[e]!;
            if (v < r.min) r.min = v;
            if (v > r.max) r.max = v;
          }
        }
        t = layers[j]!.apply(t, { training: false }) as Tensor;
      }
    });
  }
  const steps: QuantizedStep[] = [];
  try {
    layers.forEach((l, j) => {
      const kind = kinds[j]!;
      if (kind === 'float') {
        steps.push({ kind, layer: l });
        return;
      }
      const kernel = (l as Dense | Conv2D).kernel!;
      const n = kernel.shape[kernel.shape.length - 1]!;
      const { values, scales } = quantizeColumns(kernel.dataSync() as Float32Array, kernel.size / n, n);
      steps.push(int8Step(kind, l, values, scales, rangeQuant(ranges[j]!.min, ranges[j]!.max)));
    });
  } catch (e) {
    for (const s of steps) if (s.kind !== 'float') s.weights.dispose();
    throw e;
  }
  const topology = (await modelArtifacts(model, { includeOptimizer: false })).modelTopology as object;
  return new QuantizedModel(inputShape, steps, topology, false);
}
