// Unary element-wise ops, their derivatives and the float class predicates.
// Addresses are byte offsets into the arena, n is the element count; out may
// be x. Each op is its own kernel (`<op>_f32`, `<op>_grad_f32`, see
// assembly/unary.ts and unary_grad.ts).
import { runtime } from '../runtime.js';
import { checkAddress } from './broadcast.js';
import { perDtypeOp } from './names.js';

/**
 * Unary ops, named as the tfjs ops. `gelu` is the exact x·Φ(x) (erf form),
 * `geluApprox` the tanh approximation 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
 */
export type UnaryOp = 'neg' | 'abs' | 'sign' | 'exp' | 'expm1' | 'log' | 'log1p' | 'sqrt' | 'rsqrt' | 'square' |
  'reciprocal' | 'sin' | 'cos' | 'tanh' | 'sigmoid' | 'relu' | 'relu6' | 'leakyRelu' | 'elu' | 'selu' | 'softplus' |
  'gelu' | 'geluApprox' | 'erf' | 'clipByValue' | 'round' | 'floor' | 'ceil';

// Kernel base name and work per element for the pool's threading decision,
// in units of a same-shape add (about 0.1 ns per element, memory-bound), from
// single-thread timings of 1M elements.
const UNARY: Record<UnaryOp, readonly [string, number]> = {
  neg: ['neg', 1], abs: ['abs', 1], sign: ['sign', 1], exp: ['exp', 9], expm1: ['expm1', 14], log: ['log', 15],
  log1p: ['log1p', 19], sqrt: ['sqrt', 3], rsqrt: ['rsqrt', 5], square: ['square', 1],
  reciprocal: ['reciprocal', 2], sin: ['sin', 17], cos: ['cos', 17], tanh: ['tanh', 16], sigmoid: ['sigmoid', 10],
  relu: ['relu', 1], relu6: ['relu6', 1], leakyRelu: ['leaky_relu', 1], elu: ['elu', 17], selu: ['selu', 17],
  softplus: ['softplus', 20], gelu: ['gelu', 57], geluApprox: ['gelu_approx', 12], erf: ['erf', 39],
  clipByValue: ['clip_by_value', 1], round: ['round', 1], floor: ['floor', 1], ceil: ['ceil', 1],
};
/** Every `UnaryOp`. */
export const UNARY_OPS = Object.keys(UNARY) as UnaryOp[];
// Kernel names built once: a template string per call shows up in small-op dispatch.
const F32_NAME = Object.fromEntries(UNARY_OPS.map((op) => [op, `${UNARY[op][0]}_f32`])) as Record<UnaryOp, string>;
const GRAD_NAME = Object.fromEntries(UNARY_OPS.map((op) => [op, `${UNARY[op][0]}_grad_f32`])) as Record<UnaryOp, string>;
/** The `UnaryOp`s with an int32 kernel (wrapping: neg and abs of -2^31 give -2^31). */
export const INT32_UNARY_OPS: readonly UnaryOp[] = ['neg', 'abs', 'sign', 'square'];
// Error labels, also built once (names.ts).
const LABEL = perDtypeOp(['float32', 'int32'], UNARY_OPS, (dt, op) => `wasmml unary ${op} (${dt})`);
const GRAD_LABEL = new Map(UNARY_OPS.map((op) => [op as string, `wasmml unaryGrad ${op}`]));

/**
 * Which saved tensor each derivative reads: the forward input x, the forward
 * output y, or nothing (the other address may be 0).
 */
export const UNARY_GRAD_READS: Readonly<Record<UnaryOp, 'x' | 'y' | 'none'>> = {
  neg: 'none', abs: 'x', sign: 'none', exp: 'y', expm1: 'x', log: 'x', log1p: 'x', sqrt: 'y', rsqrt: 'y',
  square: 'x', reciprocal: 'y', sin: 'x', cos: 'x', tanh: 'y', sigmoid: 'y', relu: 'y', relu6: 'x',
  leakyRelu: 'x', elu: 'y', selu: 'x', softplus: 'x', gelu: 'x', geluApprox: 'x', erf: 'x', clipByValue: 'x',
  round: 'none', floor: 'none', ceil: 'none',
};

/** Float class tests with a uint8 (tfjs bool) result. */
export type PredicateOp = 'isNaN' | 'isFinite' | 'isInf';

const PREDICATES: Record<PredicateOp, string> = { isNaN: 'is_nan', isFinite: 'is_finite', isInf: 'is_inf' };
/** Every `PredicateOp`. */
export const PREDICATE_OPS = Object.keys(PREDICATES) as PredicateOp[];

function checkCount(what: string, n: number): void {
  if (!Number.isInteger(n) || n < 0) throw new Error(`${what}: element count must be a non-negative integer, got ${n}`);
}

function entry(what: string, op: UnaryOp): readonly [string, number] {
  const e = Object.hasOwn(UNARY, op) ? UNARY[op] : undefined;
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
export function unary(op: UnaryOp, dtype: 'float32' | 'int32', x: number, out: number, n: number,
  alpha?: number, beta?: number): void {
  const what = LABEL.get(dtype)?.get(op) ?? `wasmml unary ${op} (${dtype})`;
  const [name, cost] = entry(what, op);
  checkCount(what, n);
  if (dtype !== 'float32' && dtype !== 'int32') throw new Error(`${what}: dtype must be 'float32' or 'int32'`);
  if (dtype === 'int32' && !INT32_UNARY_OPS.includes(op)) {
    throw new Error(`${what}: no int32 kernel; cast to float32 first (int32 ops: ${INT32_UNARY_OPS.join(', ')})`);
  }
  const args = [x, out, ...params(what, op, alpha, beta)];
  if (n === 0) return;
  checkAddress(what, 'x', x);
  checkAddress(what, 'out', out);
  runtime().pool.run(dtype === 'int32' ? `${name}_i32` : F32_NAME[op], args, n, { cost });
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
export function unaryGrad(op: UnaryOp, x: number, y: number, dy: number, dx: number, n: number,
  alpha?: number, beta?: number): void {
  const what = GRAD_LABEL.get(op) ?? `wasmml unaryGrad ${op}`;
  const [name, cost] = entry(what, op);
  checkCount(what, n);
  const args = [x, y, dy, dx, ...params(what, op, alpha, beta)];
  if (n === 0) return;
  const reads = UNARY_GRAD_READS[op];
  if (reads !== 'none') checkAddress(`${what} (reads ${reads})`, reads, reads === 'x' ? x : y);
  checkAddress(what, 'dy', dy);
  checkAddress(what, 'dx', dx);
  runtime().pool.run(GRAD_NAME[op], args, n, { cost: cost + 2 });
}
