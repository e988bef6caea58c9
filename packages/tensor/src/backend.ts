// The one place where tensor ops meet the element-wise kernel wrappers.
// TEMPORARY: JS loops stand in for the element-wise kernels until they merge;
// only this file changes then.
import type { DataType } from './dtype.js';
import { stridesOf } from './shape.js';
import { Tensor, viewData, emptyTensor } from './tensor.js';

export type BinaryKind = 'add' | 'sub' | 'mul' | 'div' | 'maximum' | 'minimum' | 'pow' | 'squaredDifference'
  | 'floorDiv' | 'mod' | 'atan2';
export type CompareKind = 'equal' | 'notEqual' | 'less' | 'lessEqual' | 'greater' | 'greaterEqual';
export type LogicalKind = 'logicalAnd' | 'logicalOr' | 'logicalXor';
export type UnaryKind = 'neg' | 'abs' | 'sign' | 'exp' | 'expm1' | 'log' | 'log1p' | 'sqrt' | 'rsqrt' | 'square'
  | 'reciprocal' | 'sin' | 'cos' | 'tanh' | 'sigmoid' | 'relu' | 'relu6' | 'leakyRelu' | 'elu' | 'selu' | 'softplus'
  | 'gelu' | 'geluTanh' | 'erf' | 'clipByValue' | 'round' | 'floor' | 'ceil' | 'isNaN' | 'isFinite' | 'isInf';

const f32 = Math.fround;
const binFns: Record<BinaryKind, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  maximum: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b)),
  minimum: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.min(a, b)),
  pow: (a, b) => a ** b,
  squaredDifference: (a, b) => (a - b) * (a - b),
  floorDiv: (a, b) => Math.floor(a / b),
  mod: (a, b) => {
    const r = a % b;
    return r !== 0 && (r < 0) !== (b < 0) ? r + b : r;
  },
  atan2: (a, b) => Math.atan2(a, b),
};
const cmpFns: Record<CompareKind, (a: number, b: number) => boolean> = {
  equal: (a, b) => a === b, notEqual: (a, b) => a !== b, less: (a, b) => a < b, lessEqual: (a, b) => a <= b,
  greater: (a, b) => a > b, greaterEqual: (a, b) => a >= b,
};
const logFns: Record<LogicalKind, (a: number, b: number) => boolean> = {
  logicalAnd: (a, b) => !!a && !!b, logicalOr: (a, b) => !!a || !!b, logicalXor: (a, b) => !!a !== !!b,
};

function erf(x: number): number {
  // Abramowitz–Stegun 7.1.26 is too coarse; use a series / continued fraction split.
  const ax = Math.abs(x);
  if (ax < 2) {
    let sum = x, term = x;
    for (let n = 1; n < 60; n++) {
      term *= (-x * x) / n;
      const t = term / (2 * n + 1);
      sum += t;
      if (Math.abs(t) < 1e-17 * Math.abs(sum)) break;
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  }
  let f = 0;
  for (let n = 60; n >= 1; n--) f = (n / 2) / (ax + f);
  const r = 1 - Math.exp(-ax * ax) / Math.sqrt(Math.PI) / (ax + f);
  return x < 0 ? -r : r;
}

const SELU_A = 1.6732632423543772, SELU_S = 1.0507009873554805;
function unaryFn(kind: UnaryKind, a: number, b: number): (x: number) => number {
  switch (kind) {
    case 'neg': return (x) => -x;
    case 'abs': return Math.abs;
    case 'sign': return (x) => (Number.isNaN(x) ? 0 : Math.sign(x));
    case 'exp': return Math.exp;
    case 'expm1': return Math.expm1;
    case 'log': return Math.log;
    case 'log1p': return Math.log1p;
    case 'sqrt': return Math.sqrt;
    case 'rsqrt': return (x) => 1 / Math.sqrt(x);
    case 'square': return (x) => x * x;
    case 'reciprocal': return (x) => 1 / x;
    case 'sin': return Math.sin;
    case 'cos': return Math.cos;
    case 'tanh': return Math.tanh;
    case 'sigmoid': return (x) => 1 / (1 + Math.exp(-x));
    case 'relu': return (x) => (x < 0 ? 0 : x);
    case 'relu6': return (x) => (x < 0 ? 0 : x > 6 ? 6 : x);
    case 'leakyRelu': return (x) => (x < 0 ? a * x : x);
    case 'elu': return (x) => (x < 0 ? Math.expm1(x) : x);
    case 'selu': return (x) => (x < 0 ? SELU_S * SELU_A * Math.expm1(x) : SELU_S * x);
    case 'softplus': return (x) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
    case 'gelu': return (x) => 0.5 * x * (1 + erf(x / Math.SQRT2));
    case 'geluTanh': return (x) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
    case 'erf': return erf;
    case 'clipByValue': return (x) => (x < a ? a : x > b ? b : x);
    case 'round': return (x) => {
      const r = Math.round(x);
      return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
    };
    case 'floor': return Math.floor;
    case 'ceil': return Math.ceil;
    case 'isNaN': return (x) => (Number.isNaN(x) ? 1 : 0);
    case 'isFinite': return (x) => (Number.isFinite(x) ? 1 : 0);
    case 'isInf': return (x) => (x === Infinity || x === -Infinity ? 1 : 0);
  }
}

/** dx = dy · f'(x) (using y = f(x) where cheaper). */
function gradFn(kind: UnaryKind, a: number, b: number): (x: number, y: number, dy: number) => number {
  switch (kind) {
    case 'neg': return (_x, _y, g) => -g;
    case 'abs': return (x, _y, g) => g * Math.sign(x);
    case 'exp': return (_x, y, g) => g * y;
    case 'expm1': return (_x, y, g) => g * (y + 1);
    case 'log': return (x, _y, g) => g / x;
    case 'log1p': return (x, _y, g) => g / (1 + x);
    case 'sqrt': return (_x, y, g) => g / (2 * y);
    case 'rsqrt': return (x, _y, g) => (-0.5 * g) / (x * Math.sqrt(x));
    case 'square': return (x, _y, g) => 2 * x * g;
    case 'reciprocal': return (x, _y, g) => -g / (x * x);
    case 'sin': return (x, _y, g) => g * Math.cos(x);
    case 'cos': return (x, _y, g) => -g * Math.sin(x);
    case 'tanh': return (_x, y, g) => g * (1 - y * y);
    case 'sigmoid': return (_x, y, g) => g * y * (1 - y);
    case 'relu': return (x, _y, g) => (x > 0 ? g : 0);
    case 'relu6': return (x, _y, g) => (x > 0 && x < 6 ? g : 0);
    case 'leakyRelu': return (x, _y, g) => (x > 0 ? g : a * g);
    case 'elu': return (x, y, g) => (x < 0 ? g * (y + 1) : g);
    case 'selu': return (x, _y, g) => (x < 0 ? g * SELU_S * SELU_A * Math.exp(x) : g * SELU_S);
    case 'softplus': return (x, _y, g) => g / (1 + Math.exp(-x));
    case 'gelu': return (x, _y, g) => g * (0.5 * (1 + erf(x / Math.SQRT2)) + (x * Math.exp(-0.5 * x * x)) / Math.sqrt(2 * Math.PI));
    case 'geluTanh': return (x, _y, g) => {
      const c = Math.sqrt(2 / Math.PI), u = c * (x + 0.044715 * x ** 3), t = Math.tanh(u);
      return g * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * c * (1 + 3 * 0.044715 * x * x));
    };
    case 'erf': return (x, _y, g) => (g * 2 * Math.exp(-x * x)) / Math.sqrt(Math.PI);
    case 'clipByValue': return (x, _y, g) => (x >= a && x <= b ? g : 0);
    default: return () => 0;
  }
}

function broadcastLoop(outShape: number[], ins: Tensor[], body: (out: number, idx: number[]) => void): void {
  const n = outShape.reduce((p, d) => p * d, 1);
  if (n === 0) return;
  const rank = outShape.length;
  const strides = ins.map((t) => {
    const s = stridesOf(t.shape);
    return outShape.map((_, i) => {
      const j = i - (rank - t.rank);
      return j < 0 || t.shape[j] === 1 ? 0 : s[j]!;
    });
  });
  const pos = ins.map(() => 0);
  const idx = new Array<number>(rank).fill(0);
  for (let i = 0; i < n; i++) {
    body(i, pos);
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]!++;
      for (let k = 0; k < ins.length; k++) pos[k]! += strides[k]![d]!;
      if (idx[d]! < outShape[d]!) break;
      for (let k = 0; k < ins.length; k++) pos[k]! -= strides[k]![d]! * outShape[d]!;
      idx[d] = 0;
    }
  }
}

/** out = a (op) b with broadcasting into outShape. */
export function binaryInto(kind: BinaryKind, a: Tensor, b: Tensor, outShape: number[], dtype: DataType): Tensor {
  const out = emptyTensor(outShape, dtype);
  const av = viewData(a), bv = viewData(b), ov = viewData(out);
  const f = binFns[kind];
  const int = dtype === 'int32';
  broadcastLoop(outShape, [a, b], (i, p) => {
    const v = f(av[p[0]!]!, bv[p[1]!]!);
    ov[i] = int ? v | 0 : f32(v);
  });
  return out;
}

/** out (bool) = a (cmp) b with broadcasting. */
export function compareInto(kind: CompareKind, a: Tensor, b: Tensor, outShape: number[]): Tensor {
  const out = emptyTensor(outShape, 'bool');
  const av = viewData(a), bv = viewData(b), ov = viewData(out);
  const f = cmpFns[kind];
  broadcastLoop(outShape, [a, b], (i, p) => (ov[i] = f(av[p[0]!]!, bv[p[1]!]!) ? 1 : 0));
  return out;
}

/** out (bool) = a (and/or/xor) b with broadcasting. */
export function logicalInto(kind: LogicalKind, a: Tensor, b: Tensor, outShape: number[]): Tensor {
  const out = emptyTensor(outShape, 'bool');
  const av = viewData(a), bv = viewData(b), ov = viewData(out);
  const f = logFns[kind];
  broadcastLoop(outShape, [a, b], (i, p) => (ov[i] = f(av[p[0]!]!, bv[p[1]!]!) ? 1 : 0));
  return out;
}

/** out = cond ? a : b with broadcasting of all three. */
export function selectInto(cond: Tensor, a: Tensor, b: Tensor, outShape: number[]): Tensor {
  const out = emptyTensor(outShape, a.dtype);
  const cv = viewData(cond), av = viewData(a), bv = viewData(b), ov = viewData(out);
  broadcastLoop(outShape, [cond, a, b], (i, p) => (ov[i] = cv[p[0]!] ? av[p[1]!]! : bv[p[2]!]!));
  return out;
}

/** out = f(x); bool output for isNaN/isFinite/isInf. */
export function unaryInto(kind: UnaryKind, x: Tensor, alpha = 0, beta = 0): Tensor {
  const outDtype: DataType = kind === 'isNaN' || kind === 'isFinite' || kind === 'isInf' ? 'bool' : x.dtype;
  const out = emptyTensor(x.shape, outDtype);
  const xv = viewData(x), ov = viewData(out);
  const f = unaryFn(kind, alpha, beta);
  const int = outDtype === 'int32';
  for (let i = 0; i < xv.length; i++) {
    const v = f(xv[i]!);
    ov[i] = int ? v | 0 : v;
  }
  return out;
}

/** dx = dy · f'(x). */
export function unaryGradInto(kind: UnaryKind, x: Tensor, y: Tensor, dy: Tensor, alpha = 0, beta = 0): Tensor {
  const out = emptyTensor(x.shape, 'float32');
  const xv = viewData(x), yv = viewData(y), gv = viewData(dy), ov = viewData(out);
  const f = gradFn(kind, alpha, beta);
  for (let i = 0; i < xv.length; i++) ov[i] = f(xv[i]!, yv[i]!, gv[i]!);
  return out;
}
