// batchNorm, dropout, broadcastTo, topk and shuffle (tfjs semantics).
import { convert, type TensorLike } from '../convert.js';
import { fmtShape, broadcastShape, shapesEqual } from '../shape.js';
import { emptyTensor, type Tensor, writeData } from '../tensor.js';
import { generator } from '../random.js';
import { randomUniform } from '../create.js';
import { add, div, greaterEqual, mul, sub } from './binary.generated.js';
import { rsqrt } from './unary.js';
import { cast } from './cast.js';
import { record } from '../engine.js';
import { sumToShape } from './broadcast.js';
import { binaryInto } from '../backend.js';
import { zeros } from '../create.js';

/** (x - mean) / sqrt(variance + ε) · scale + offset, broadcasting (tfjs `batchNorm`). */
export function batchNorm(
  x: Tensor | TensorLike,
  mean: Tensor | TensorLike,
  variance: Tensor | TensorLike,
  offset?: Tensor | TensorLike,
  scale?: Tensor | TensorLike,
  varianceEpsilon = 0.001,
): Tensor {
  const t = convert(x, 'x', 'batchNorm');
  let y = mul(sub(t, mean), rsqrt(add(variance, varianceEpsilon)));
  if (scale !== undefined) y = mul(y, scale);
  if (offset !== undefined) y = add(y, offset);
  return y;
}

/** Zeroes each element with probability rate and scales the rest by 1/(1-rate). */
export function dropout(x: Tensor | TensorLike, rate: number, noiseShape?: number[], seed?: number): Tensor {
  const t = convert(x, 'x', 'dropout');
  if (!(rate >= 0 && rate < 1)) throw new Error(`dropout: rate must be in [0, 1), got ${rate}`);
  if (rate === 0) return t;
  const mask = cast(greaterEqual(randomUniform(noiseShape ?? t.shape, 0, 1, 'float32', seed), rate), 'float32');
  return div(mul(t, mask), 1 - rate);
}

/** Broadcasts x to shape (tfjs `broadcastTo`). */
export function broadcastTo(x: Tensor | TensorLike, shape: number[]): Tensor {
  const t = convert(x, 'x', 'broadcastTo');
  const target = broadcastShape(t.shape, shape, 'broadcastTo');
  if (!shapesEqual(target, shape)) {
    throw new Error(`broadcastTo: cannot broadcast ${fmtShape(t.shape)} to ${fmtShape(shape)}`);
  }
  const z = zeros(shape, t.dtype);
  const out = binaryInto('add', z, t, shape, t.dtype);
  z.dispose();
  record('BroadcastTo', [t], [out], ([dy]) => [sumToShape(dy!, t.shape)]);
  return out;
}

/**
 * The k largest values along the last axis and their indices (tfjs `topk`; ties keep the lower index).
 * @property __type.values The k values, [..., k], largest first (also when `sorted` is false).
 * @property __type.indices Their int32 positions along the last axis, [..., k].
 */
export function topk(x: Tensor | TensorLike, k = 1, sorted = true): { values: Tensor; indices: Tensor } {
  const t = convert(x, 'x', 'topk');
  if (t.rank === 0) throw new Error('topk: input must have rank >= 1');
  const n = t.shape[t.rank - 1]!;
  if (!Number.isInteger(k) || k < 0 || k > n) throw new Error(`topk: k = ${k} must be in [0, ${n}] for shape ${fmtShape(t.shape)}`);
  const rows = n === 0 ? 0 : t.size / n;
  const outShape = [...t.shape.slice(0, -1), k];
  const src = t.dataSync();
  const vals = new (t.dtype === 'int32' ? Int32Array : Float32Array)(rows * k);
  const idx = new Int32Array(rows * k);
  const order = new Int32Array(n);
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < n; i++) order[i] = i;
    const base = r * n;
    const arr = Array.from(order).sort((p, q) => {
      const d = src[base + q]! - src[base + p]!;
      return d !== 0 && !Number.isNaN(d) ? d : p - q;
    });
    for (let j = 0; j < k; j++) {
      idx[r * k + j] = arr[j]!;
      vals[r * k + j] = src[base + arr[j]!]!;
    }
  }
  void sorted;
  const values = emptyTensor(outShape, t.dtype === 'int32' ? 'int32' : 'float32');
  const indices = emptyTensor(outShape, 'int32');
  writeData(values, vals);
  writeData(indices, idx);
  return { values, indices };
}

/** Shuffles an array in place with the seeded global generator (tfjs `util.shuffle`). */
export function shuffle<T>(array: { length: number; [i: number]: T }, seed?: number): void {
  const g = generator(seed);
  for (let i = array.length - 1; i > 0; i--) {
    const j = g.int(i + 1);
    const tmp = array[i]!;
    array[i] = array[j]!;
    array[j] = tmp;
  }
}
