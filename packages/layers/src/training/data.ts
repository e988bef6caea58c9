// Normalising the x / y arguments of fit, evaluate and predict, and batching.
import { gather, tensor, tidy, type Tensor } from '@wasmml/tensor';
import type { LayersModel } from '../model.js';

/** One tensor, a list (one per model input/output), or a map by input/output name. */
export type ModelData = Tensor | Tensor[] | Record<string, Tensor>;

export function toList(model: LayersModel, data: ModelData, kind: 'inputs' | 'outputs', op: string): Tensor[] {
  const syms = kind === 'inputs' ? model.inputs : model.outputs;
  if (Array.isArray(data)) {
    if (syms.length > 0 && data.length !== syms.length) {
      throw new Error(`${model.name}.${op}: got ${data.length} ${kind === 'inputs' ? 'x' : 'y'} tensors for ${syms.length} model ${kind}`);
    }
    return data;
  }
  if ('shape' in data && 'dtype' in data) return [data as Tensor];
  const names = syms.map((s) => (kind === 'inputs' ? s.sourceLayer?.name : s.sourceLayer?.name) ?? s.name);
  return names.map((n) => {
    const t = (data as Record<string, Tensor>)[n];
    if (!t)
      throw new Error(
        `${model.name}.${op}: no ${kind === 'inputs' ? 'input' : 'target'} named '${n}' in the data (have ${Object.keys(data).join(', ')})`,
      );
    return t;
  });
}

/** Checks every tensor has the same number of samples (first dimension); returns it. */
export function sampleCount(lists: Tensor[][], model: LayersModel, op: string): number {
  let n: number | undefined;
  for (const list of lists) {
    for (const t of list) {
      if (t.rank === 0) throw new Error(`${model.name}.${op}: data must have a batch dimension, got a scalar`);
      if (n === undefined) n = t.shape[0]!;
      else if (t.shape[0] !== n) {
        throw new Error(
          `${model.name}.${op}: all x and y must have the same number of samples; got ${n} and ${t.shape[0]} (shape [${t.shape}])`,
        );
      }
    }
  }
  return n ?? 0;
}

/** Rows `ids` of every tensor. */
export function takeRows(list: Tensor[], ids: Int32Array): Tensor[] {
  return tidy(() => {
    const idx = tensor(ids, [ids.length], 'int32');
    return list.map((t) => gather(t, idx, 0));
  });
}

export function range(start: number, end: number): Int32Array {
  const a = new Int32Array(Math.max(0, end - start));
  for (let i = 0; i < a.length; i++) a[i] = start + i;
  return a;
}
