// Post-training static int8 quantisation (ONNX Runtime's QDQ static mode, in
// spirit): per-output-channel symmetric int8 weights, and each int8 layer's
// input range calibrated on sample data (min / max over the batches).
import { Conv2D, Dense, modelArtifacts, type Layer, type LayersModel } from '@wasmml/layers';
import { Int8Weights, slice, tidy, type Int8InputQuant, type Tensor } from '@wasmml/tensor';
import { describeLayer, pickLayers } from '../common.js';
import { quantizeColumns, rangeQuant } from './int8-math.js';
import { QuantizedModel, type QuantizedStep } from './quantized-model.js';

/** Options of {@link quantizeModel}. */
export interface QuantizeOptions {
  /** Sample inputs [n, ...inputShape] whose activation ranges set the int8 input scales (a few hundred suffice). */
  calibrationData: Tensor;
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
 * the int8 wasm kernels (int32 accumulation), the rest in float. The float
 * model is left as it was (and stays usable). Throws, naming the layer, for a
 * layer with weights that has no int8 kernel, and for calibration data of the
 * wrong shape.
 */
export async function quantizeModel(model: LayersModel, opts: QuantizeOptions): Promise<QuantizedModel> {
  const op = 'quantizeModel';
  const { layers, inputShape } = sequentialLayers(model, op);
  const kinds = layers.map((l) => stepKind(l, op));
  const x = opts?.calibrationData;
  if (!x || typeof (x as Tensor).shape !== 'object')
    throw new Error(`${op}: options.calibrationData must be a tensor of sample inputs [n, ${inputShape}]`);
  if (x.dtype !== 'float32' || x.rank !== inputShape.length + 1 || inputShape.some((d, i) => d !== x.shape[i + 1]) || x.shape[0] === 0) {
    throw new Error(
      `${op}: calibrationData must be float32 [n >= 1, ${inputShape.join(', ')}] (model ${model.name}'s input), got [${x.shape}] (${x.dtype})`,
    );
  }
  const ranges = layers.map(() => ({ min: Infinity, max: -Infinity }));
  const bs = opts.batchSize ?? 256;
  for (let i = 0; i < x.shape[0]!; i += bs) {
    tidy(() => {
      let t = slice(x, i, Math.min(bs, x.shape[0]! - i));
      layers.forEach((l, j) => {
        if (kinds[j] !== 'float') {
          const d = t.dataSync() as Float32Array;
          const r = ranges[j]!;
          for (let e = 0; e < d.length; e++) {
            const v = d[e]!;
            if (v < r.min) r.min = v;
            if (v > r.max) r.max = v;
          }
        }
        t = l.apply(t, { training: false }) as Tensor;
      });
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
