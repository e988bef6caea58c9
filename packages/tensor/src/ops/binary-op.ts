// The one tensor-level path of every broadcasting binary op (arithmetic,
// comparisons, logical): the dtype rule and result dtype of the op's table row
// (@wasmml/kernels binary-table.ts), the kernel, and the gradient recorded
// beside it, summed back to each input's shape. The ops, one per row with the
// row's gradient expressions, are generated into binary.generated.ts; besides
// those ops, the expressions may call the helpers exported here.
import {
  ARITHMETIC_TABLE,
  type BinaryOp,
  type BinaryRow,
  COMPARE_TABLE,
  type CompareOp,
  LOGICAL_TABLE,
  type LogicalOp,
} from '@wasmml/kernels';
import { binaryInto, compareInto, logicalInto } from '../backend.js';
import { convert, convertPair, type TensorLike } from '../convert.js';
import { zerosLike } from '../create.js';
import { type DataType, upcastType } from '../dtype.js';
import { record } from '../engine.js';
import { broadcastShape, fmtShape, shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { sumToShape } from './broadcast.js';
import { castRaw } from './cast.js';
import { log } from './unary.generated.js';
import { where } from './where.js';

export { floor, neg } from './unary.generated.js';

type AnyBinaryOp = BinaryOp | CompareOp | LogicalOp;
type Family = 'arithmetic' | 'compare' | 'logical';
const TABLES: Array<[Family, Readonly<Record<string, BinaryRow>>]> = [
  ['arithmetic', ARITHMETIC_TABLE],
  ['compare', COMPARE_TABLE],
  ['logical', LOGICAL_TABLE],
];
const ROWS = new Map<string, { row: BinaryRow; family: Family }>(
  TABLES.flatMap(([family, table]) => Object.entries(table).map(([op, row]) => [op, { row, family }] as const)),
);

/** A binary op's gradient: dy, the operands after the dtype rule and the output, to the gradients of a and b. */
export type BinaryGrad = (dy: Tensor, a: Tensor, b: Tensor, y: Tensor) => [Tensor, Tensor];

/** The operands of a row's op after its dtype rule: both of one dtype (tfjs upcasting), or bool for logical ops. */
function operands(name: string, row: BinaryRow, x: Tensor | TensorLike, y: Tensor | TensorLike): [Tensor, Tensor] {
  if (row.dtypes === 'bool') {
    const a = convert(x, 'a', name, 'bool'),
      b = convert(y, 'b', name, 'bool');
    if (a.dtype !== 'bool' || b.dtype !== 'bool') {
      throw new Error(`${name}: inputs must be bool, got ${a.dtype} ${fmtShape(a.shape)} and ${b.dtype} ${fmtShape(b.shape)}`);
    }
    return [a, b];
  }
  let [a, b] = convertPair(x, y, name);
  let dtype: DataType = row.dtypes === 'float' ? 'float32' : upcastType(a.dtype, b.dtype);
  if (dtype === 'bool') dtype = 'int32';
  if (a.dtype !== dtype) a = castRaw(a, dtype);
  if (b.dtype !== dtype) b = castRaw(b, dtype);
  return [a, b];
}

/** @internal Runs the broadcasting binary op `op` of the kernels' binary tables and records its gradient. */
export function binaryOp(op: AnyBinaryOp, x: Tensor | TensorLike, y: Tensor | TensorLike, grad?: BinaryGrad): Tensor {
  const { row, family } = ROWS.get(op)!;
  const name = row.tfjs;
  const [a, b] = operands(name, row, x, y);
  const shape = shapesEqual(a.shape, b.shape) ? a.shape.slice() : broadcastShape(a.shape, b.shape, name);
  const out =
    family === 'arithmetic'
      ? binaryInto(op as BinaryOp, a, b, shape, a.dtype)
      : family === 'compare'
        ? compareInto(op as CompareOp, a, b, shape)
        : logicalInto(op as LogicalOp, a, b, shape);
  if (grad) {
    record(name, [a, b], [out], ([dy]) => {
      const [ga, gb] = grad(dy!, a, b, out);
      return [sumToShape(ga, a.shape), sumToShape(gb, b.shape)];
    });
  }
  if (row.result !== 'int32' || out.dtype === 'int32') return out;
  // floorDiv on floats: the int32 result passes the gradient through, as a Cast.
  const int = castRaw(out, 'int32');
  record('Cast', [out], [int], ([dy]) => [dy!]);
  return int;
}

/** t as float32 (a view when it is already): masks and int32 operands in gradients. */
export const f32 = (t: Tensor): Tensor => castRaw(t, 'float32');

/** log(x) where x > 0, else 0 (the exponent's gradient of pow at a non-positive base, as tfjs). */
export function positiveLog(x: Tensor): Tensor {
  const zero = zerosLike(x);
  return where(compareInto('greater', x, zero, x.shape), log(x), zero);
}
