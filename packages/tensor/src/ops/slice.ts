// slice and stridedSlice (tfjs semantics), with their gradients.
import { convert, type TensorLike } from '../convert.js';
import { record } from '../engine.js';
import { fmtShape, stridesOf } from '../shape.js';
import { copyBlock } from '../strided.js';
import { emptyTensor, type Tensor, viewData, viewOf } from '../tensor.js';
import { zeros } from '../create.js';
import { reshape } from './reshape.js';

/** @internal out = x[begin + i*step] over `shape` (no recording). */
export function sliceRaw(x: Tensor, begin: number[], shape: number[], steps?: number[]): Tensor {
  const out = emptyTensor(shape, x.dtype);
  if (out.size === 0) return out;
  const xs = stridesOf(x.shape);
  let off = 0;
  for (let i = 0; i < x.rank; i++) off += begin[i]! * xs[i]!;
  const sStr = xs.map((s, i) => s * (steps ? steps[i]! : 1));
  copyBlock(viewData(x), off, sStr, viewData(out), 0, stridesOf(shape), shape);
  return out;
}

/** @internal Writes `src` into a zero tensor of `shape` at begin with steps (gradient of slicing). */
export function unsliceRaw(src: Tensor, shape: number[], begin: number[], steps?: number[]): Tensor {
  const out = zeros(shape, src.dtype);
  if (src.size === 0) return out;
  const os = stridesOf(shape);
  let off = 0;
  for (let i = 0; i < shape.length; i++) off += begin[i]! * os[i]!;
  const dStr = os.map((s, i) => s * (steps ? steps[i]! : 1));
  copyBlock(viewData(src), 0, stridesOf(src.shape), viewData(out), off, dStr, src.shape);
  return out;
}

/** Extracts x[begin : begin + size] (size -1 = to the end of that dimension). */
export function slice(x: Tensor | TensorLike, begin: number | number[], size?: number | number[]): Tensor {
  const t = convert(x, 'x', 'slice');
  const b = typeof begin === 'number' ? [begin, ...new Array<number>(Math.max(t.rank - 1, 0)).fill(0)] : [...begin];
  while (b.length < t.rank) b.push(0);
  const s0 = size === undefined ? [] : typeof size === 'number' ? [size] : [...size];
  const s = t.shape.map((d, i) => {
    const v = s0[i] ?? -1;
    return v === -1 ? d - b[i]! : v;
  });
  if (b.length !== t.rank) throw new Error(`slice: begin ${fmtShape(b)} has ${b.length} entries for a rank-${t.rank} tensor`);
  for (let i = 0; i < t.rank; i++) {
    if (!Number.isInteger(b[i]) || !Number.isInteger(s[i]) || b[i]! < 0 || s[i]! < 0 || b[i]! + s[i]! > t.shape[i]!) {
      throw new Error(
        `slice: begin ${fmtShape(b)} and size ${fmtShape(s)} are out of bounds for shape ${fmtShape(t.shape)} (dimension ${i})`,
      );
    }
  }
  const out = sliceRaw(t, b, s);
  record('Slice', [t], [out], ([dy]) => [unsliceRaw(dy!, t.shape, b)]);
  return out;
}

/**
 * tfjs stridedSlice: begin/end/strides per dimension with the beginMask,
 * endMask, ellipsisMask, newAxisMask and shrinkAxisMask bit fields.
 */
export function stridedSlice(
  x: Tensor | TensorLike,
  begin: number[],
  end: number[],
  strides?: number[],
  beginMask = 0,
  endMask = 0,
  ellipsisMask = 0,
  newAxisMask = 0,
  shrinkAxisMask = 0,
): Tensor {
  const t = convert(x, 'x', 'stridedSlice');
  const st = strides ?? begin.map(() => 1);
  // Expand the spec into one entry per input dimension (resolving ellipsis and new axes).
  const dims: Array<{ begin: number; end: number; stride: number; bMask: boolean; eMask: boolean; shrink: boolean }> = [];
  const newAxesAt: number[] = [];
  let inDim = 0;
  const nSpecDims = begin.length;
  for (let i = 0; i < nSpecDims; i++) {
    if (ellipsisMask & (1 << i)) {
      let specAfter = 0;
      for (let j = i + 1; j < nSpecDims; j++) if (!(newAxisMask & (1 << j))) specAfter++;
      const count = t.rank - inDim - specAfter;
      for (let k = 0; k < count; k++) dims.push({ begin: 0, end: 0, stride: 1, bMask: true, eMask: true, shrink: false });
      inDim += count;
      continue;
    }
    if (newAxisMask & (1 << i)) {
      newAxesAt.push(dims.length + newAxesAt.length);
      continue;
    }
    dims.push({
      begin: begin[i]!,
      end: end[i]!,
      stride: st[i] ?? 1,
      bMask: !!(beginMask & (1 << i)),
      eMask: !!(endMask & (1 << i)),
      shrink: !!(shrinkAxisMask & (1 << i)),
    });
    inDim++;
  }
  while (dims.length < t.rank) dims.push({ begin: 0, end: 0, stride: 1, bMask: true, eMask: true, shrink: false });
  if (dims.length > t.rank)
    throw new Error(`stridedSlice: ${dims.length} slice dimensions for a rank-${t.rank} tensor ${fmtShape(t.shape)}`);
  const b: number[] = [],
    sz: number[] = [],
    steps: number[] = [];
  const outShape: number[] = [];
  dims.forEach((d, i) => {
    const n = t.shape[i]!;
    if (d.stride === 0) throw new Error('stridedSlice: strides must not be 0');
    const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
    if (d.shrink) {
      const idx = d.begin < 0 ? d.begin + n : d.begin;
      if (idx < 0 || idx >= n) throw new Error(`stridedSlice: index ${d.begin} is out of range for dimension ${i} of size ${n}`);
      b.push(idx);
      sz.push(1);
      steps.push(1);
      return;
    }
    let lo: number, hi: number;
    if (d.stride > 0) {
      lo = d.bMask ? 0 : clamp(d.begin < 0 ? d.begin + n : d.begin, 0, n);
      hi = d.eMask ? n : clamp(d.end < 0 ? d.end + n : d.end, 0, n);
    } else {
      lo = d.bMask ? n - 1 : clamp(d.begin < 0 ? d.begin + n : d.begin, -1, n - 1);
      hi = d.eMask ? -1 : clamp(d.end < 0 ? d.end + n : d.end, -1, n - 1);
    }
    const count = Math.max(0, Math.ceil((hi - lo) / d.stride));
    b.push(count === 0 ? 0 : lo);
    sz.push(count);
    steps.push(d.stride);
    outShape.push(count);
  });
  const raw = sliceRaw(t, b, sz, steps);
  const finalShape = [...outShape];
  for (const a of newAxesAt) finalShape.splice(a, 0, 1);
  const out = viewOf(raw, finalShape);
  raw.dispose();
  record('StridedSlice', [t], [out], ([dy]) => [unsliceRaw(reshape(dy!, sz), t.shape, b, steps)]);
  return out;
}
