// Shape-only ops: they share the input's buffer (no kernel, no copy).
import { convert, type TensorLike } from '../convert.js';
import { record } from '../engine.js';
import { fmtShape, normAxes, normAxis, sizeOf } from '../shape.js';
import { type Tensor, viewOf } from '../tensor.js';

/** Same elements under a new shape; one dimension may be -1 (inferred). */
export function reshape(x: Tensor | TensorLike, shape: number[]): Tensor {
  const t = convert(x, 'x', 'reshape');
  const s = [...shape];
  const unknown = s.indexOf(-1);
  if (unknown !== s.lastIndexOf(-1)) throw new Error(`reshape: shape ${fmtShape(shape)} has more than one -1`);
  for (const d of s) {
    if (d !== -1 && (!Number.isInteger(d) || d < 0)) throw new Error(`reshape: shape ${fmtShape(shape)} has an invalid dimension ${d}`);
  }
  if (unknown >= 0) {
    const known = sizeOf(s.filter((d) => d !== -1));
    if (known === 0 || t.size % known !== 0) {
      throw new Error(`reshape: cannot reshape a tensor of shape ${fmtShape(t.shape)} (${t.size} elements) into ${fmtShape(shape)}`);
    }
    s[unknown] = t.size / known;
  }
  if (sizeOf(s) !== t.size) {
    throw new Error(
      `reshape: cannot reshape a tensor of shape ${fmtShape(t.shape)} (${t.size} elements) into ${fmtShape(shape)} (${sizeOf(s)} elements)`,
    );
  }
  const out = viewOf(t, s);
  record('Reshape', [t], [out], ([dy]) => [reshape(dy!, t.shape)]);
  return out;
}

/** Inserts a dimension of size 1 at axis. */
export function expandDims(x: Tensor | TensorLike, axis = 0): Tensor {
  const t = convert(x, 'x', 'expandDims');
  const a = axis < 0 ? axis + t.rank + 1 : axis;
  if (!Number.isInteger(a) || a < 0 || a > t.rank) {
    throw new Error(`expandDims: axis ${axis} is out of range for a rank-${t.rank} tensor (expected ${-t.rank - 1} <= axis <= ${t.rank})`);
  }
  const s = [...t.shape];
  s.splice(a, 0, 1);
  return reshape(t, s);
}

/** Removes dimensions of size 1 (all of them, or those listed). */
export function squeeze(x: Tensor | TensorLike, axis?: number | number[]): Tensor {
  const t = convert(x, 'x', 'squeeze');
  const axes = axis === undefined ? t.shape.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0) : normAxes(axis, t.rank, 'squeeze');
  for (const a of axes) {
    if (t.shape[a] !== 1) throw new Error(`squeeze: dimension ${a} of shape ${fmtShape(t.shape)} is ${t.shape[a]}, not 1`);
  }
  return reshape(
    t,
    t.shape.filter((_, i) => !axes.includes(i)),
  );
}

/** Reshapes to one dimension. */
export function flatten(x: Tensor | TensorLike): Tensor {
  const t = convert(x, 'x', 'flatten');
  return reshape(t, [t.size]);
}

/** Checks an axis against a rank (re-exported for ops that take one axis). */
export { normAxis };
