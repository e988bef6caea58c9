// Unary element-wise ops, their derivatives and the float class predicates.
// Addresses are byte offsets into the arena, n is the element count; out may
// be x. Each op is its own kernel (`<op>_f32`, `<op>_grad_f32`, see
// assembly/unary.ts); names, costs and what each derivative reads are rows of
// unary-table.ts.
import { runtime } from '../runtime.js';
import { UNARY_TABLE, type UnaryRow } from './unary-table.js';
import { checkAddress } from './broadcast.js';
import { perDtypeOp } from './names.js';

/**
 * Unary ops, named as the tfjs ops: the keys of {@link UNARY_TABLE}. `gelu` is the exact x·Φ(x) (erf form),
 * `geluApprox` the tanh approximation 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
 */
export type UnaryOp = keyof typeof UNARY_TABLE;
const ROWS: Readonly<Record<UnaryOp, UnaryRow>> = UNARY_TABLE;

/** Every `UnaryOp`. */
export const UNARY_OPS = Object.keys(UNARY_TABLE) as UnaryOp[];
// Kernel names built once: a template string per call shows up in small-op dispatch.
const F32_NAME = Object.fromEntries(UNARY_OPS.map((op) => [op, `${ROWS[op].kernel}_f32`])) as Record<UnaryOp, string>;
const I32_NAME = Object.fromEntries(UNARY_OPS.map((op) => [op, `${ROWS[op].kernel}_i32`])) as Record<UnaryOp, string>;
const GRAD_NAME = Object.fromEntries(UNARY_OPS.map((op) => [op, `${ROWS[op].kernel}_grad_f32`])) as Record<UnaryOp, string>;
/** The `UnaryOp`s with an int32 kernel (wrapping: neg and abs of -2^31 give -2^31). */
export const INT32_UNARY_OPS: readonly UnaryOp[] = UNARY_OPS.filter((op) => ROWS[op].int32 === true);
// Error labels, also built once (names.ts).
const LABEL = perDtypeOp(['float32', 'int32'], UNARY_OPS, (dt, op) => `wasmml unary ${op} (${dt})`);
const GRAD_LABEL = new Map(UNARY_OPS.map((op) => [op as string, `wasmml unaryGrad ${op}`]));

/**
 * Which saved tensor each derivative reads: the forward input x, the forward
 * output y, or nothing (the other address may be 0).
 */
export const UNARY_GRAD_READS = Object.fromEntries(
  UNARY_OPS.map((op) => {
    const g = ROWS[op].grad;
    return [op, g === 'zero' ? 'none' : g];
  }),
) as Readonly<Record<UnaryOp, 'x' | 'y' | 'none'>>;

/** Float class tests with a uint8 (tfjs bool) result. */
export type PredicateOp = 'isNaN' | 'isFinite' | 'isInf';

const PREDICATES: Record<PredicateOp, string> = { isNaN: 'is_nan', isFinite: 'is_finite', isInf: 'is_inf' };
/** Every `PredicateOp`. */
export const PREDICATE_OPS = Object.keys(PREDICATES) as PredicateOp[];

function checkCount(what: string, n: number): void {
  if (!Number.isInteger(n) || n < 0) throw new Error(`${what}: element count must be a non-negative integer, got ${n}`);
}

function entry(what: string, op: UnaryOp): UnaryRow {
  const e = Object.hasOwn(ROWS, op) ? ROWS[op] : undefined;
  if (e === undefined) throw new Error(`${what}: unknown op; expected one of ${UNARY_OPS.join(', ')}`);
  return e;
}

// The scalar parameters a kernel takes, with tfjs's defaults: leakyRelu alpha
// 0.2, elu alpha 1; clipByValue needs both bounds, lo <= hi.
function params(what: string, op: UnaryOp, alpha: number | undefined, beta: number | undefined): number[] {
  if (op === 'leakyRelu') return [alpha ?? 0.2];
  if (op === 'elu') return [alpha ?? 1];
  if (op === 'clipByValue') {
    if (alpha === undefined || beta === undefined || Number.isNaN(alpha) || Number.isNaN(beta) || alpha > beta) {
      throw new Error(`${what}: needs alpha = min and beta = max with min <= max, got ${alpha}, ${beta}`);
    }
    return [alpha, beta];
  }
  return [];
}

/**
 * out[i] = op(x[i]) for n elements. alpha: leakyRelu slope (default 0.2), elu
 * alpha (default 1), clipByValue min; beta: clipByValue max. int32 only for
 * `INT32_UNARY_OPS`.
 *
 * Edge cases follow float64 Math rounded to float32 (as tfjs's cpu backend):
 * overflow to ±Infinity, gradual underflow, NaN propagated, round half to
 * even, sign(NaN) = 0. neg, abs, sign, sqrt, square, reciprocal, relu, relu6,
 * leakyRelu, clipByValue, round, floor and ceil are exact; the transcendental
 * ops are within 3.2e-7 relative of float64 (gelu 6.1e-7; the tanh-form
 * geluApprox 1.3e-5 in its far negative tail). Measured figures per op are
 * in assembly/math.ts.
 */
export function unary(op: UnaryOp, dtype: 'float32' | 'int32', x: number, out: number, n: number, alpha?: number, beta?: number): void {
  const what = LABEL.get(dtype)?.get(op) ?? `wasmml unary ${op} (${dtype})`;
  const { cost } = entry(what, op);
  checkCount(what, n);
  if (dtype !== 'float32' && dtype !== 'int32') throw new Error(`${what}: dtype must be 'float32' or 'int32'`);
  if (dtype === 'int32' && !INT32_UNARY_OPS.includes(op)) {
    throw new Error(`${what}: no int32 kernel; cast to float32 first (int32 ops: ${INT32_UNARY_OPS.join(', ')})`);
  }
  const args = [x, out, ...params(what, op, alpha, beta)];
  if (n === 0) return;
  checkAddress(what, 'x', x);
  checkAddress(what, 'out', out);
  runtime().pool.run(dtype === 'int32' ? I32_NAME[op] : F32_NAME[op], args, n, { cost });
}

/** out[i] = 1 or 0 (uint8) as float32 x[i] is NaN / finite / ±Infinity, for n elements. */
export function predicate(op: PredicateOp, x: number, out: number, n: number): void {
  const what = `wasmml predicate ${op}`;
  const name = Object.hasOwn(PREDICATES, op) ? PREDICATES[op] : undefined;
  if (name === undefined) throw new Error(`${what}: unknown op; expected one of ${PREDICATE_OPS.join(', ')}`);
  checkCount(what, n);
  if (n === 0) return;
  checkAddress(what, 'x', x);
  checkAddress(what, 'out', out);
  runtime().pool.run(`${name}_f32`, [x, out], n, { cost: 1 });
}

/**
 * dx[i] = dy[i]·op'(x[i]) for n float32 elements: the gradient of `unary`
 * with the same alpha / beta. Reads x or the forward output y as
 * `UNARY_GRAD_READS[op]` says; pass 0 for the one it does not read.
 * Piecewise-constant ops (sign, round, floor, ceil) give 0.
 */
export function unaryGrad(op: UnaryOp, x: number, y: number, dy: number, dx: number, n: number, alpha?: number, beta?: number): void {
  const what = GRAD_LABEL.get(op) ?? `wasmml unaryGrad ${op}`;
  const { cost } = entry(what, op);
  checkCount(what, n);
  const args = [x, y, dy, dx, ...params(what, op, alpha, beta)];
  if (n === 0) return;
  const reads = UNARY_GRAD_READS[op];
  if (reads !== 'none') checkAddress(`${what} (reads ${reads})`, reads, reads === 'x' ? x : y);
  checkAddress(what, 'dy', dy);
  checkAddress(what, 'dx', dx);
  runtime().pool.run(GRAD_NAME[op], args, n, { cost: cost + 2 });
}
