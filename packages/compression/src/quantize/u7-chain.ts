// Which int8 layers of a quantised model hand u7 bytes straight to the next
// one. Between two int8 layers the float model only reshapes, drops out (a
// no-op at inference) or max-pools — all of which commute with the monotone
// u7 rounding — so the first layer's epilogue can requantise its output by
// the second's calibrated input quantisation, the layers in between run on
// the bytes, and the second reads them as they are: no f32 round trip, a
// quarter of the memory traffic. Anything else between them (average
// pooling, batch normalisation, an activation the epilogue cannot apply)
// breaks the chain there, and the values go through float as before.
import { Dropout, Flatten, MaxPooling2D, Reshape, type Layer } from '@wasmml/layers';
import { int8MaxPool, type Int8InputQuant, type QuantizedTensor } from '@wasmml/tensor';

const FUSED: readonly string[] = ['linear', 'relu', 'relu6'];

/** Whether an int8 layer's activation runs in its epilogue (else it runs after, in float). */
export function fusedActivation(layer: Layer): boolean {
  return FUSED.includes((layer as unknown as { activation: string }).activation);
}

/** Whether a layer without weights can run on u7 bytes, giving the bytes of its float result. */
export function onU7(layer: Layer): boolean {
  if (layer instanceof Flatten || layer instanceof Reshape || layer instanceof Dropout) return true;
  return layer instanceof MaxPooling2D;
}

/** Runs a layer for which {@link onU7} holds on u7 activations. */
export function applyOnU7(layer: Layer, x: QuantizedTensor): QuantizedTensor {
  if (layer instanceof Dropout) return x.reshape([...x.shape]);
  if (layer instanceof MaxPooling2D) {
    return int8MaxPool(x, layer.poolSize as [number, number], layer.strides as [number, number], layer.padding);
  }
  const out = layer.computeOutputShape([null, ...x.shape.slice(1)]) as Array<number | null>;
  return x.reshape([x.shape[0]!, ...(out.slice(1) as number[])]);
}

/** How one step of a quantised model runs (see {@link planSteps}). */
export interface StepPlan {
  /** int8 layers: requantise the output by this (the next int8 layer's input quantisation) instead of returning float32. */
  output?: Int8InputQuant;
  /** int8 Conv2D: max-pool its result 2x2 in the kernel (the MaxPooling2D after it is then skipped). */
  pool2x2?: boolean;
  /** A MaxPooling2D already run by the convolution before it. */
  skip?: boolean;
}

// A MaxPooling2D the int8 convolution can run in its epilogue: 2x2, stride 2, 'valid'.
function fusablePool(layer: Layer | undefined): boolean {
  if (!(layer instanceof MaxPooling2D)) return false;
  const [a, b] = layer.poolSize,
    [c, d] = layer.strides;
  return a === 2 && b === 2 && c === 2 && d === 2 && layer.padding === 'valid';
}

/**
 * The plan of each step: which int8 layers requantise for the next one, and
 * which convolutions absorb the 2x2 max pool after them (the epilogue is
 * monotone, so pooling the int32 sums pools what it would store).
 */
export function planSteps(steps: ReadonlyArray<{ kind: string; layer: Layer; input?: Int8InputQuant }>): StepPlan[] {
  const plans: StepPlan[] = steps.map(() => ({}));
  steps.forEach((s, i) => {
    if (s.kind === 'float' || !fusedActivation(s.layer)) return;
    const plan = plans[i]!;
    let j = i + 1;
    if (s.kind === 'conv2d' && fusablePool(steps[j]?.layer)) {
      plan.pool2x2 = true;
      plans[j]!.skip = true;
      j++;
    }
    for (; j < steps.length; j++) {
      const next = steps[j]!;
      if (next.kind !== 'float') {
        plan.output = next.input!;
        return;
      }
      if (!onU7(next.layer)) return;
    }
  });
  return plans;
}
