// Row arithmetic shared by the MF and BPR kernels: table access, dot products
// over one factor row, and sparse Adam on one row (the formula itself is the
// shared optimizer's, assembly/optimizer.ts).
import { loadPartial, madd, storePartial } from '../../../assembly/common';
import { expv } from '../../../assembly/math';
import { adamMoment, adamStep } from '../../../assembly/optimizer';
import { Word } from '../src/kernels/table';

@inline export function word(table: usize, w: Word): i32 {
  return load<i32>(table + (<usize>w << 2));
}

@inline export function addr(table: usize, w: Word): usize {
  return <usize>load<i32>(table + (<usize>w << 2));
}

@inline export function real(table: usize, w: Word): f32 {
  return load<f32>(table + (<usize>w << 2));
}

/** Address of element `i` of an array of 4-byte elements. */
@inline export function at(base: usize, i: i32): usize {
  return base + (<usize>i << 2);
}

@inline export function ld(p: usize, w: i32): v128 {
  return w >= 4 ? v128.load(p) : loadPartial(p, w);
}

@inline export function st(p: usize, v: v128, w: i32): void {
  if (w >= 4) v128.store(p, v);
  else storePartial(p, v, w);
}

/** Lane sum in a fixed order: (l0 + l2) + (l1 + l3). */
@inline export function hsum(a: v128): f32 {
  const t = f32x4.add(a, i32x4.shuffle(a, a, 2, 3, 0, 1));
  return f32x4.extract_lane(t, 0) + f32x4.extract_lane(t, 1);
}

/** a · b over k floats; the tail goes through the same v128 code on a partial vector. */
@inline export function dot(a: usize, b: usize, k: i32): f32 {
  let acc0 = f32x4.splat(0), acc1 = f32x4.splat(0);
  let f = 0;
  for (; f + 8 <= k; f += 8) {
    const o = <usize>f << 2;
    acc0 = madd(v128.load(a + o), v128.load(b + o), acc0);
    acc1 = madd(v128.load(a + o + 16), v128.load(b + o + 16), acc1);
  }
  for (; f < k; f += 4) {
    const o = <usize>f << 2, w = k - f;
    acc0 = madd(ld(a + o, w), ld(b + o, w), acc0);
  }
  return hsum(f32x4.add(acc0, acc1));
}

/** (a - c) · b: the BPR score difference p · (q_i - q_j). */
@inline export function dotDiff(b: usize, a: usize, c: usize, k: i32): f32 {
  let acc = f32x4.splat(0);
  for (let f = 0; f < k; f += 4) {
    const o = <usize>f << 2, w = k - f;
    acc = madd(ld(b + o, w), f32x4.sub(ld(a + o, w), ld(c + o, w)), acc);
  }
  return hsum(acc);
}

@inline export function sigmoid(x: f32): f32 {
  return 1 / (1 + f32x4.extract_lane(expv(f32x4.splat(-x)), 0));
}

/** log(1 + e^z), without overflow. */
@inline export function softplus(z: f64): f64 {
  return (z > 0 ? z : 0) + Math.log1p(Math.exp(-Math.abs(z)));
}

/** Valid entries (in [0, lim)) of list[0..len): a context's items, an item's features (the rest is padding). */
@inline export function validCount(list: usize, len: i32, lim: i32): i32 {
  let n = 0;
  for (let t = 0; t < len; t++) {
    const l = load<i32>(at(list, t));
    if (l >= 0 && l < lim) n++;
  }
  return n;
}

/** Advances a row's step powers (beta1^t, beta2^t) at pw by one step. */
@inline export function stepPowers(pw: usize, b1: f32, b2: f32): void {
  store<f32>(pw, load<f32>(pw) * b1);
  store<f32>(pw, load<f32>(pw, 4) * b2, 4);
}

/** A row's reciprocal bias correction 1 / (1 - beta1^t) (lane 0) or 1 / (1 - beta2^t) (lane 1). */
@inline export function recipCorrection(pw: usize, lane: i32): v128 {
  return f32x4.splat(<f32>1 / (<f32>1 - load<f32>(pw + (<usize>lane << 2))));
}

/**
 * Sparse Adam on one vector (w lanes) of a row: the moments at ma / va are
 * updated in place; returns the new value of p. rc1 / rc2: the row's
 * reciprocal corrections; ob1 / ob2: 1 - beta1 / 1 - beta2; negLr = -lr.
 */
@inline export function adamVec(p: v128, g: v128, ma: usize, va: usize, w: i32, b1: v128, ob1: v128, b2: v128,
  ob2: v128, rc1: v128, rc2: v128, eps: v128, negLr: v128): v128 {
  const m = adamMoment(ld(ma, w), g, b1, ob1);
  const v = adamMoment(ld(va, w), f32x4.mul(g, g), b2, ob2);
  st(ma, m, w);
  st(va, v, w);
  return f32x4.add(adamStep(m, v, rc1, rc2, eps, negLr), p);
}

/** Sparse Adam on one float (a bias) at pa: one lane of adamVec. */
@inline export function adamScalar(pa: usize, g: f32, ma: usize, va: usize, b1: v128, ob1: v128, b2: v128, ob2: v128,
  rc1: v128, rc2: v128, eps: v128, negLr: v128): void {
  const p = adamVec(f32x4.splat(load<f32>(pa)), f32x4.splat(g), ma, va, 1, b1, ob1, b2, ob2, rc1, rc2, eps, negLr);
  store<f32>(pa, f32x4.extract_lane(p, 0));
}
