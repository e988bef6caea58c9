// toString()/print() formatting, close to tfjs's layout.
import type { DataType, TypedArray } from './dtype.js';
import { sizeOf } from './shape.js';

const EDGE = 3;
const MAX_FULL = 20;

function fmtValue(v: number, dtype: DataType): string {
  if (dtype === 'bool') return v ? 'true' : 'false';
  if (dtype === 'int32') return String(v);
  if (Number.isInteger(v) && Math.abs(v) < 1e16) return v.toFixed(0);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-4 || a >= 1e7) ? v.toExponential(4) : String(Number(v.toFixed(7)));
}

function rows(values: TypedArray, shape: number[], dim: number, offset: number, dtype: DataType, pad: number, indent: string): string {
  const n = shape[dim]!;
  const inner = sizeOf(shape.slice(dim + 1));
  const elide = n > MAX_FULL;
  const idx = elide ? [...Array(EDGE).keys(), -1, ...Array.from({ length: EDGE }, (_, i) => n - EDGE + i)] : [...Array(n).keys()];
  if (dim === shape.length - 1) {
    const parts = idx.map((i) => (i < 0 ? '...' : fmtValue(values[offset + i]!, dtype).padStart(pad)));
    return `[${parts.join(', ')}]`;
  }
  const sep = `,\n${'\n'.repeat(Math.max(0, shape.length - dim - 2))}${indent} `;
  const parts = idx.map((i) => (i < 0 ? '...' : rows(values, shape, dim + 1, offset + i * inner, dtype, pad, `${indent} `)));
  return `[${parts.join(sep)}]`;
}

/** The text tfjs-style `print()` shows. */
export function formatTensor(values: TypedArray, shape: number[], dtype: DataType, verbose: boolean): string {
  const head = verbose ? `Tensor\n  dtype: ${dtype}\n  rank: ${shape.length}\n  shape: [${shape.join(',')}]\n  values:\n` : 'Tensor\n';
  if (shape.length === 0) return `${head}    ${fmtValue(values[0]!, dtype)}`;
  let pad = 0;
  for (let i = 0; i < Math.min(values.length, 1000); i++) pad = Math.max(pad, fmtValue(values[i]!, dtype).length);
  return `${head}    ${rows(values, shape, 0, 0, dtype, pad, '    ')}`;
}
