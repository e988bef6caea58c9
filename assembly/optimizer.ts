// Fused optimizer updates over a whole parameter list in one call.
//
// The wrapper writes a table, one 32-byte row per parameter:
//   [param, grad, slot0, slot1, slot2, count, firstBlock, 0]  (int32 each)
// addresses in bytes, count in elements, firstBlock the number of BLOCK-sized
// element blocks of all earlier parameters. The range of a call is over those
// blocks, so threads get balanced work however uneven the parameter sizes.
// Every element is updated independently (tails through the same v128 code on
// partial vectors), so results never depend on the split.
//
// The update rules follow tfjs-core's optimizers operation for operation
// (float32 throughout); step-dependent scalars come from the wrapper.
import { imin, storePartial } from './common';
import { loadFill } from './reduce';

/** Elements per block of the range. */
export const OPT_BLOCK: i32 = 2048;

// Rule codes, internal: each opt_<rule>_f32 kernel is walk specialised for one.
const SGD: i32 = 0, MOMENTUM: i32 = 1, RMSPROP: i32 = 2, ADAGRAD: i32 = 3, ADAM: i32 = 4, ADAMAX: i32 = 5;

// The last row whose firstBlock <= block (empty rows share firstBlock with the
// next row, so the last such row is the one that owns the block).
@inline function findRow(table: usize, nParams: i32, block: i32): i32 {
  let lo = 0, hi = nParams - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (load<i32>(table + (<usize>mid << 5), 24) <= block) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

@inline function sq(x: v128): v128 {
  return f32x4.mul(x, x);
}

// Adam's formula (tfjs's), shared with the kernels of model packages that run
// Adam on their own rows (the recommenders' sparse Adam): one source for the
// arithmetic, so both give the same bits for the same inputs.

/** An Adam moment: prev * beta + x * (1 - beta), with x the gradient (first moment) or its square (second). */
@inline export function adamMoment(prev: v128, x: v128, beta: v128, oneMinusBeta: v128): v128 {
  return f32x4.add(f32x4.mul(prev, beta), f32x4.mul(x, oneMinusBeta));
}

/**
 * Adam's step -lr * mHat / (sqrt(vHat) + eps), with mHat = m * rc1, vHat = v * rc2 and rc1 = 1 / (1 - beta1^t),
 * rc2 = 1 / (1 - beta2^t): the bias corrections multiply by reciprocals, as divides and the square root bound
 * the update's speed.
 */
@inline export function adamStep(m: v128, v: v128, rc1: v128, rc2: v128, eps: v128, negLr: v128): v128 {
  const mh = f32x4.mul(m, rc1), vh = f32x4.mul(v, rc2);
  return f32x4.mul(f32x4.div(mh, f32x4.add(f32x4.sqrt(vh), eps)), negLr);
}

// Whole vectors load and store directly; the one partial vector at the end of
// a span goes through loadFill / storePartial with the same arithmetic.
@inline function ld(full: bool, p: usize, w: i32): v128 {
  return full ? v128.load(p) : loadFill(p, w, f32x4.splat(0));
}

@inline function st(full: bool, p: usize, v: v128, w: i32): void {
  if (full) v128.store(p, v);
  else storePartial(p, v, w);
}

// One vector of one rule: loads the lanes (w of them), updates, stores.
@inline function update(rule: i32, full: bool, p: usize, g: usize, s0: usize, s1: usize, s2: usize, w: i32,
  c0: f32, c1: f32, c2: f32, c3: f32, c4: f32, c5: f32, c6: f32, c7: f32, c8: f32, flag: i32, clip: f32): void {
  // pmin/pmax keep a NaN gradient NaN (the value is the first operand).
  const grad = f32x4.pmin(f32x4.pmax(ld(full, g, w), f32x4.splat(-clip)), f32x4.splat(clip));
  const value = ld(full, p, w);
  let nv = value;
  switch (rule) {
    case SGD: {
      nv = f32x4.add(f32x4.mul(f32x4.splat(c0), grad), value);
      break;
    }
    case MOMENTUM: {
      // c0 = -lr, c1 = momentum; flag: Nesterov.
      const m = f32x4.splat(c1);
      const acc = f32x4.add(f32x4.mul(m, ld(full, s0, w)), grad);
      st(full, s0, acc, w);
      const dir = flag ? f32x4.add(grad, f32x4.mul(acc, m)) : acc;
      nv = f32x4.add(f32x4.mul(f32x4.splat(c0), dir), value);
      break;
    }
    case RMSPROP: {
      // c0 = lr, c1 = decay, c2 = 1 - decay, c3 = momentum, c4 = epsilon; flag: centered.
      const ms = f32x4.add(f32x4.mul(ld(full, s0, w), f32x4.splat(c1)), f32x4.mul(sq(grad), f32x4.splat(c2)));
      st(full, s0, ms, w);
      let denom: v128;
      if (flag) {
        const mg = f32x4.add(f32x4.mul(ld(full, s2, w), f32x4.splat(c1)), f32x4.mul(grad, f32x4.splat(c2)));
        st(full, s2, mg, w);
        denom = f32x4.sqrt(f32x4.sub(ms, f32x4.add(sq(mg), f32x4.splat(c4))));
      } else {
        denom = f32x4.sqrt(f32x4.add(ms, f32x4.splat(c4)));
      }
      const mom = f32x4.add(f32x4.mul(ld(full, s1, w), f32x4.splat(c3)),
        f32x4.div(f32x4.mul(grad, f32x4.splat(c0)), denom));
      st(full, s1, mom, w);
      nv = f32x4.sub(value, mom);
      break;
    }
    case ADAGRAD: {
      // c0 = -lr, c1 = epsilon.
      const acc = f32x4.add(ld(full, s0, w), sq(grad));
      st(full, s0, acc, w);
      nv = f32x4.add(f32x4.mul(f32x4.div(grad, f32x4.sqrt(f32x4.add(acc, f32x4.splat(c1)))), f32x4.splat(c0)), value);
      break;
    }
    case ADAM: {
      // c0 = -lr, c1 = beta1, c2 = 1 - beta1, c3 = beta2, c4 = 1 - beta2,
      // c5 = 1 / (1 - beta1^t), c6 = 1 / (1 - beta2^t), c7 = epsilon, c8 = lr * weightDecay (AdamW; 0 = Adam).
      const m = adamMoment(ld(full, s0, w), grad, f32x4.splat(c1), f32x4.splat(c2));
      const v = adamMoment(ld(full, s1, w), sq(grad), f32x4.splat(c3), f32x4.splat(c4));
      st(full, s0, m, w);
      st(full, s1, v, w);
      const step = adamStep(m, v, f32x4.splat(c5), f32x4.splat(c6), f32x4.splat(c7), f32x4.splat(c0));
      // Decoupled weight decay reads the value from before this step.
      const base = c8 != 0 ? f32x4.sub(value, f32x4.mul(f32x4.splat(c8), value)) : value;
      nv = f32x4.add(step, base);
      break;
    }
    default: {
      // Adamax. c0 = -lr / (1 + decay * iteration) / (1 - beta1^t), c1 = beta1,
      // c2 = 1 - beta1, c3 = beta2, c4 = epsilon.
      const m = f32x4.add(f32x4.mul(ld(full, s0, w), f32x4.splat(c1)), f32x4.mul(grad, f32x4.splat(c2)));
      const u = f32x4.max(f32x4.mul(ld(full, s1, w), f32x4.splat(c3)), f32x4.abs(grad));
      st(full, s0, m, w);
      st(full, s1, u, w);
      nv = f32x4.add(f32x4.mul(f32x4.splat(c0), f32x4.div(m, f32x4.add(u, f32x4.splat(c4)))), value);
      break;
    }
  }
  st(full, p, nv, w);
}

@inline function walk(rule: i32, table: usize, nParams: i32,
  c0: f32, c1: f32, c2: f32, c3: f32, c4: f32, c5: f32, c6: f32, c7: f32, c8: f32, flag: i32, clip: f32,
  start: i32, end: i32): void {
  if (start >= end || nParams <= 0) return;
  let k = findRow(table, nParams, start);
  let b = start;
  while (b < end && k < nParams) {
    const row = table + (<usize>k << 5);
    const count = load<i32>(row, 20), first = load<i32>(row, 24);
    const stop = imin(end, first + (count + OPT_BLOCK - 1) / OPT_BLOCK);
    if (b < stop) {
      const e0 = (b - first) * OPT_BLOCK, e1 = imin(count, (stop - first) * OPT_BLOCK);
      const p = <usize>load<i32>(row), g = <usize>load<i32>(row, 4);
      const s0 = <usize>load<i32>(row, 8), s1 = <usize>load<i32>(row, 12), s2 = <usize>load<i32>(row, 16);
      let e = e0;
      for (; e + 4 <= e1; e += 4) {
        const o = <usize>e << 2;
        update(rule, true, p + o, g + o, s0 + o, s1 + o, s2 + o, 4, c0, c1, c2, c3, c4, c5, c6, c7, c8, flag, clip);
      }
      if (e < e1) {
        const o = <usize>e << 2;
        update(rule, false, p + o, g + o, s0 + o, s1 + o, s2 + o, e1 - e, c0, c1, c2, c3, c4, c5, c6, c7, c8, flag, clip);
      }
      b = stop;
    }
    k++;
  }
}

/** SGD: p += -lr * g. negLr = -lr; clip bounds |g| (Infinity: off). Range items: blocks. */
export function opt_sgd_f32(table: usize, nParams: i32, negLr: f32, clip: f32, start: i32, end: i32): void {
  walk(SGD, table, nParams, negLr, 0, 0, 0, 0, 0, 0, 0, 0, 0, clip, start, end);
}

/** Momentum (slot0: accumulation); nesterov != 0 for Nesterov momentum. */
export function opt_momentum_f32(table: usize, nParams: i32, negLr: f32, momentum: f32, nesterov: i32, clip: f32,
  start: i32, end: i32): void {
  walk(MOMENTUM, table, nParams, negLr, momentum, 0, 0, 0, 0, 0, 0, 0, nesterov, clip, start, end);
}

/** RMSProp (slot0: mean square, slot1: moment, slot2: mean gradient when centered != 0). */
export function opt_rmsprop_f32(table: usize, nParams: i32, lr: f32, decay: f32, oneMinusDecay: f32, momentum: f32,
  epsilon: f32, centered: i32, clip: f32, start: i32, end: i32): void {
  walk(RMSPROP, table, nParams, lr, decay, oneMinusDecay, momentum, epsilon, 0, 0, 0, 0, centered, clip, start, end);
}

/** Adagrad (slot0: accumulated squares, initialised by the caller). */
export function opt_adagrad_f32(table: usize, nParams: i32, negLr: f32, epsilon: f32, clip: f32,
  start: i32, end: i32): void {
  walk(ADAGRAD, table, nParams, negLr, epsilon, 0, 0, 0, 0, 0, 0, 0, 0, clip, start, end);
}

/**
 * Adam, and AdamW when lrWd = lr * weightDecay != 0 (slot0: m, slot1: v).
 * bc1 = 1 - beta1^t, bc2 = 1 - beta2^t for step t (1-based).
 */
export function opt_adam_f32(table: usize, nParams: i32, negLr: f32, beta1: f32, oneMinusBeta1: f32, beta2: f32,
  oneMinusBeta2: f32, bc1: f32, bc2: f32, epsilon: f32, lrWd: f32, clip: f32, start: i32, end: i32): void {
  walk(ADAM, table, nParams, negLr, beta1, oneMinusBeta1, beta2, oneMinusBeta2, <f32>1 / bc1, <f32>1 / bc2, epsilon, lrWd, 0, clip,
    start, end);
}

/** Adamax (slot0: m, slot1: weighted infinity norm); stepScale = -lr_t / (1 - beta1^t). */
export function opt_adamax_f32(table: usize, nParams: i32, stepScale: f32, beta1: f32, oneMinusBeta1: f32,
  beta2: f32, epsilon: f32, clip: f32, start: i32, end: i32): void {
  walk(ADAMAX, table, nParams, stepScale, beta1, oneMinusBeta1, beta2, epsilon, 0, 0, 0, 0, 0, clip, start, end);
}
