// classWeight: per-class loss weights turned into per-sample weights (tfjs/Keras).
import { tensor, tidy, type Tensor } from '@wasmml/tensor';
import * as ops from '@wasmml/tensor';

/** Loss weight by class index; classes left out weigh 1. */
export type ClassWeight = Record<number, number>;

/**
 * `fit`'s classWeight: one {@link ClassWeight} (single-output models), a list with
 * one per output (null for none), or a map from output name to one.
 */
export type ClassWeightArg = ClassWeight | Array<ClassWeight | null> | Record<string, ClassWeight>;

/** One ClassWeight (or none) per output. */
export function classWeightsPerOutput(cw: ClassWeightArg, outputNames: string[], op: string): Array<ClassWeight | undefined> {
  if (Array.isArray(cw)) {
    if (cw.length !== outputNames.length) throw new Error(`${op}: classWeight has ${cw.length} entries for ${outputNames.length} outputs`);
    return cw.map((c) => c ?? undefined);
  }
  const values = Object.values(cw);
  if (values.length > 0 && values.every((v) => typeof v === 'object' && v !== null)) {
    const byName = cw as Record<string, ClassWeight>;
    for (const k of Object.keys(byName)) {
      if (!outputNames.includes(k)) throw new Error(`${op}: classWeight names output '${k}'; the outputs are ${outputNames.join(', ')}`);
    }
    return outputNames.map((n) => byName[n]);
  }
  if (outputNames.length > 1) {
    throw new Error(
      `${op}: the model has ${outputNames.length} outputs; give classWeight as a list or a map by output name (${outputNames.join(', ')})`,
    );
  }
  for (const [k, v] of Object.entries(cw)) {
    if (!/^\d+$/.test(k) || typeof v !== 'number')
      throw new Error(`${op}: classWeight must map class indices to numbers, got ${k}: ${JSON.stringify(v)}`);
  }
  return [cw as ClassWeight];
}

/**
 * The weight of each sample of `y` (class ids [n] or [n, 1], or one-hot [n, classes]), looked up inside the arena: a
 * table of the class weights (1 past the last class given) gathered at each label, so the labels are never read back.
 */
export function sampleWeightsFor(y: Tensor, weights: ClassWeight, op: string): Tensor {
  if (y.rank > 2) throw new Error(`${op}: classWeight needs targets of rank 1 or 2 (class ids or one-hot), got shape [${y.shape}]`);
  const entries = Object.entries(weights).map(([k, w]) => [Number(k), w] as const);
  const size = entries.reduce((m, [k]) => Math.max(m, k + 1), 0);
  const table = new Float32Array(size + 1).fill(1);
  for (const [k, w] of entries) table[k] = w;
  return tidy(() => {
    const flat = ops.reshape(y, [-1]);
    const ids = y.rank === 2 && y.shape[1]! > 1 ? ops.argMax(y, -1) : ops.cast(flat.dtype === 'float32' ? ops.round(flat) : flat, 'int32');
    const known = ops.logicalAnd(ops.greaterEqual(ids, 0), ops.less(ids, size));
    return ops.gather(tensor(table), ops.where(known, ids, size));
  });
}
