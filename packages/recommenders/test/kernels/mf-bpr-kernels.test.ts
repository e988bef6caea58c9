import { beforeAll, describe, expect, it } from 'vitest';
import { expectClose, randomFloats, rng } from '@wasmml/test-utils';
import { bprTrainEpoch } from '../../src/kernels/bpr-epoch.js';
import { mfPredict, mfTrainEpoch } from '../../src/kernels/mf-epoch.js';
import type { SparseRule } from '../../src/kernels/types.js';
import {
  adam64,
  adamStep,
  blockNegatives,
  get,
  layoutOf,
  modelOut,
  pickNegative,
  problem,
  put,
  putI32,
  refMf,
  release,
  RULES,
  setup,
  singleAndThreaded,
  stratify,
  uniformNegatives,
  upload,
  type Adam64,
  type Problem,
  expectModel,
  ruleConstants,
  twoBlocks,
} from './mf-helpers.js';

beforeAll(() => setup(2));

describe('mf_sgd_f32 / mf_adam_f32', () => {
  for (const k of [1, 3, 4, 7, 16, 37]) {
    for (const rule of RULES) {
      for (const bias of [true, false]) {
        it(`k=${k} ${rule.type} lr=${rule.learningRate} bias=${bias}: matches a float64 reference over 3 epochs`, () => {
          const pr = problem(11, 13, k, 300, bias, k * 7 + (bias ? 1 : 0));
          const B = 3;
          const { order, offsets } = stratify(pr.users, (idx) => [pr.items[idx]!], B);
          const mu = 3.2;
          const P = Float64Array.from(pr.P),
            Q = Float64Array.from(pr.Q),
            bu = Float64Array.from(pr.bu),
            bi = Float64Array.from(pr.bi);
          const st = rule.type === 'adam' ? adam64(pr.nu, pr.ni, k) : undefined;
          const d = upload(pr, rule.type === 'adam');
          const layout = layoutOf(order, offsets, B, d.ptrs);
          for (let epoch = 0; epoch < 3; epoch++) {
            const want = refMf(pr, order, mu, rule, st, P, Q, bu, bi);
            const got = mfTrainEpoch({ vars: d.vars, data: d.samples, layout, mu, rule, adam: d.adam });
            expect(Math.abs(got - want)).toBeLessThan(1e-3 * Math.max(1, want));
          }
          const [gP, gQ, gbu, gbi] = modelOut(d, pr);
          expectClose(gP!, P, 1e-3, 1e-4, 'P');
          expectClose(gQ!, Q, 1e-3, 1e-4, 'Q');
          if (bias) {
            expectClose(gbu!, bu, 1e-3, 1e-4, 'bu');
            expectClose(gbi!, bi, 1e-3, 1e-4, 'bi');
          }
          release(...d.ptrs);
        });
      }
    }
  }

  it('SGD lowers the training error on a low-rank problem', () => {
    const nu = 40,
      ni = 50,
      k = 4,
      n = 1500;
    const r = rng(3);
    const U = randomFloats(nu * 2, 4, -1, 1),
      V = randomFloats(ni * 2, 5, -1, 1);
    const pr = problem(nu, ni, k, n, true, 9);
    for (let s = 0; s < n; s++) {
      const u = Math.floor(r() * nu),
        i = Math.floor(r() * ni);
      pr.users[s] = u;
      pr.items[s] = i;
      pr.ratings[s] = 3 + U[u * 2]! * V[i * 2]! + U[u * 2 + 1]! * V[i * 2 + 1]!;
    }
    const { order, offsets } = stratify(pr.users, (idx) => [pr.items[idx]!], 4);
    const d = upload(pr, false);
    const layout = layoutOf(order, offsets, 4, d.ptrs);
    const losses: number[] = [];
    for (let e = 0; e < 40; e++)
      losses.push(mfTrainEpoch({ vars: d.vars, data: d.samples, layout, mu: 3, rule: { type: 'sgd', learningRate: 0.05, l2: 0.001 } }) / n);
    expect(losses[39]!).toBeLessThan(losses[0]! * 0.1);
    release(...d.ptrs);
  });

  for (const rule of RULES) {
    it(`${rule.type}: threaded results equal single-threaded ones bit for bit`, () => {
      const pr = problem(300, 400, 37, 20000, true, 21);
      const B = 8;
      const { order, offsets } = stratify(pr.users, (idx) => [pr.items[idx]!], B);
      const { single, threaded } = singleAndThreaded(() => {
        const d = upload(pr, rule.type === 'adam');
        const layout = layoutOf(order, offsets, B, d.ptrs);
        const loss = mfTrainEpoch({ vars: d.vars, data: d.samples, layout, mu: 3, rule, adam: d.adam });
        const out = [...modelOut(d, pr), ...(d.adam ? [get(d.adam.moments.itemFactors![1]), get(d.adam.itemPowers)] : [])];
        release(...d.ptrs);
        return { loss, out };
      });
      expect(threaded.loss).toBe(single.loss);
      single.out.forEach((a, i) => expect(threaded.out[i]).toEqual(a));
    });
  }

  it('an empty epoch does nothing', () => {
    const pr = problem(3, 4, 5, 0, true, 2);
    const d = upload(pr, false);
    const layout = layoutOf(new Int32Array(0), new Int32Array(5), 2, d.ptrs);
    expect(mfTrainEpoch({ vars: d.vars, data: d.samples, layout, mu: 3, rule: RULES[0]! })).toBe(0);
    expect(modelOut(d, pr)[0]).toEqual(pr.P);
    release(...d.ptrs);
  });

  it('rejects a layout whose blocks share rows, ids out of range and bad offsets, writing nothing', () => {
    const pr = problem(6, 6, 4, 40, true, 5);
    const d = upload(pr, false);
    // Two blocks in one stratum holding the same user.
    const bad = layoutOf(Int32Array.from([0, 1]), Int32Array.from([0, 1, 2]), 1, d.ptrs);
    bad.blocks = 2;
    pr.users[1] = pr.users[0]!;
    pr.items[1] = (pr.items[0]! + 1) % 6;
    d.samples.users = putI32(pr.users);
    d.samples.items = putI32(pr.items);
    d.ptrs.push(d.samples.users, d.samples.items);
    expect(() => mfTrainEpoch({ vars: d.vars, data: d.samples, layout: bad, mu: 3, rule: RULES[0]! })).toThrow(
      /user .* is in two blocks .* disjoint rows/,
    );
    const outside = layoutOf(Int32Array.from([0]), Int32Array.from([0, 1]), 1, d.ptrs);
    pr.items[0] = 6;
    d.samples.items = putI32(pr.items);
    d.ptrs.push(d.samples.items);
    expect(() => mfTrainEpoch({ vars: d.vars, data: d.samples, layout: outside, mu: 3, rule: RULES[0]! })).toThrow(
      /item 6 of sample 0 is not in \[0, 6\)/,
    );
    const badOffsets = layoutOf(Int32Array.from([2, 3]), Int32Array.from([0, 3]), 1, d.ptrs);
    expect(() => mfTrainEpoch({ vars: d.vars, data: d.samples, layout: badOffsets, mu: 3, rule: RULES[0]! })).toThrow(
      /offsets must run from 0 to positions/,
    );
    expect(() => mfTrainEpoch({ vars: d.vars, data: d.samples, layout: outside, mu: 3, rule: { type: 'adam' } })).toThrow(
      /needs its state buffers/,
    );
    expect(modelOut(d, pr)[0]).toEqual(pr.P);
    expect(modelOut(d, pr)[1]).toEqual(pr.Q);
    release(...d.ptrs);
  });
});

/** Float64 reference of one BPR epoch; negatives by position, best-scored candidate first on ties. */
function refBpr(
  pr: Problem,
  order: Int32Array,
  negs: Int32Array,
  per: number,
  rule: SparseRule,
  st: Adam64 | undefined,
  P: Float64Array,
  Q: Float64Array,
  bi: Float64Array,
): number {
  const { k } = pr;
  const { lr, l2, lrB, l2B, b1, b2, eps } = ruleConstants(rule);
  const score = (u: number, i: number) => {
    let s = pr.bias ? bi[i]! : 0;
    for (let f = 0; f < k; f++) s += P[u * k + f]! * Q[i * k + f]!;
    return s;
  };
  let loss = 0;
  order.forEach((idx, pos) => {
    const u = pr.users[idx]!,
      i = pr.items[idx]!;
    const j = pickNegative(negs, pos, per, i, (it) => score(u, it));
    if (j < 0) return;
    const x = score(u, i) - score(u, j);
    const g = 1 / (1 + Math.exp(x));
    loss += Math.log1p(Math.exp(-x));
    if (rule.type === 'sgd') {
      if (pr.bias) {
        bi[i]! += lrB * (g - l2B * bi[i]!);
        bi[j]! += lrB * (-g - l2B * bi[j]!);
      }
      for (let f = 0; f < k; f++) {
        const p = P[u * k + f]!,
          a = Q[i * k + f]!,
          c = Q[j * k + f]!;
        P[u * k + f] = p + lr * (g * (a - c) - l2 * p);
        Q[i * k + f] = a + lr * (g * p - l2 * a);
        Q[j * k + f] = c + lr * (-g * p - l2 * c);
      }
    } else {
      const tu = ++st!.tu[u]!,
        ti = ++st!.ti[i]!,
        tj = ++st!.ti[j]!;
      if (pr.bias) {
        adamStep(bi, st!.mbi, st!.vbi, i, l2B * bi[i]! - g, ti, lrB, b1, b2, eps);
        adamStep(bi, st!.mbi, st!.vbi, j, l2B * bi[j]! + g, tj, lrB, b1, b2, eps);
      }
      for (let f = 0; f < k; f++) {
        const p = P[u * k + f]!,
          a = Q[i * k + f]!,
          c = Q[j * k + f]!;
        adamStep(P, st!.mP, st!.vP, u * k + f, l2 * p - g * (a - c), tu, lr, b1, b2, eps);
        adamStep(Q, st!.mQ, st!.vQ, i * k + f, l2 * a - g * p, ti, lr, b1, b2, eps);
        adamStep(Q, st!.mQ, st!.vQ, j * k + f, l2 * c + g * p, tj, lr, b1, b2, eps);
      }
    }
  });
  return loss;
}

describe('bpr_sgd_f32 / bpr_adam_f32', () => {
  function bprCase(pr: Problem, per: number, B: number, seed: number) {
    // Negatives drawn per sample from the positive's item block, then laid out by position.
    return blockNegatives(rng(seed), pr, per, B);
  }

  for (const k of [1, 5, 8, 19]) {
    for (const rule of RULES) {
      for (const per of [1, 3]) {
        it(`k=${k} ${rule.type} candidates=${per}: matches a float64 reference over 2 epochs`, () => {
          const pr = problem(9, 40, k, 250, true, 100 + k);
          const B = 2;
          const { order, offsets, negs } = bprCase(pr, per, B, k);
          const P = Float64Array.from(pr.P),
            Q = Float64Array.from(pr.Q),
            bi = Float64Array.from(pr.bi);
          const st = rule.type === 'adam' ? adam64(pr.nu, pr.ni, k) : undefined;
          const d = upload(pr, rule.type === 'adam');
          const layout = layoutOf(order, offsets, B, d.ptrs);
          const negPtr = putI32(negs, [order.length, per]);
          d.ptrs.push(negPtr);
          const bu0 = get(d.vars.userBias!);
          for (let epoch = 0; epoch < 2; epoch++) {
            const want = refBpr(pr, order, negs, per, rule, st, P, Q, bi);
            const got = bprTrainEpoch({ vars: d.vars, data: d.samples, negatives: negPtr, layout, rule, adam: d.adam });
            expect(Math.abs(got - want)).toBeLessThan(1e-3 * Math.max(1, want));
          }
          const [gP, gQ, gbu, gbi] = modelOut(d, pr);
          expectClose(gP!, P, 1e-3, 1e-4, 'P');
          expectClose(gQ!, Q, 1e-3, 1e-4, 'Q');
          expectClose(gbi!, bi, 1e-3, 1e-4, 'bi');
          expect(gbu).toEqual(bu0); // BPR has no user bias: untouched
          release(...d.ptrs);
        });
      }
    }
  }

  it('threaded equals single-threaded, and a negative outside the block is rejected', () => {
    const pr = problem(200, 300, 24, 12000, true, 31);
    const B = 4;
    const { order, offsets, negs } = bprCase(pr, 2, B, 5);
    for (const rule of RULES) {
      const { single, threaded } = singleAndThreaded(() => {
        const d = upload(pr, rule.type === 'adam');
        const layout = layoutOf(order, offsets, B, d.ptrs);
        const negPtr = putI32(negs, [order.length, 2]);
        d.ptrs.push(negPtr);
        const loss = bprTrainEpoch({ vars: d.vars, data: d.samples, negatives: negPtr, layout, rule, adam: d.adam });
        const out = modelOut(d, pr);
        release(...d.ptrs);
        return { loss, out };
      });
      expect(threaded.loss).toBe(single.loss);
      single.out.forEach((a, i) => expect(threaded.out[i]).toEqual(a));
    }
    const d = upload(pr, false);
    const layout = layoutOf(order, offsets, B, d.ptrs);
    const moved = negs.slice();
    // Move a negative of the first position into another block's item group.
    moved[0] = (moved[0]! + 1) % pr.ni;
    const negPtr = putI32(moved, [order.length, 2]);
    d.ptrs.push(negPtr);
    expect(() => bprTrainEpoch({ vars: d.vars, data: d.samples, negatives: negPtr, layout, rule: RULES[0]! })).toThrow(
      /negative item .* is in two blocks/,
    );
    release(...d.ptrs);
  });
});

describe('mf_predict_f32', () => {
  it('scores pairs, falling back to the known side for ids out of range', () => {
    const pr = problem(5, 7, 6, 0, true, 8);
    const d = upload(pr, false);
    const us = [0, 4, 2, -1, 5, 3, -2],
      is = [6, 0, 3, 2, 1, 7, 99];
    const u = putI32(us),
      i = putI32(is);
    const out = mfPredict(d.vars, u, i, 3.5);
    const want = us.map((uu, s) => {
      const ii = is[s]!;
      const uOk = uu >= 0 && uu < 5,
        iOk = ii >= 0 && ii < 7;
      let v = 3.5 + (uOk ? pr.bu[uu]! : 0) + (iOk ? pr.bi[ii]! : 0);
      if (uOk && iOk) for (let f = 0; f < 6; f++) v += pr.P[uu * 6 + f]! * pr.Q[ii * 6 + f]!;
      return v;
    });
    expectClose(get(out), want, 1e-5, 1e-5);
    release(u, i, out, ...d.ptrs);
  });

  it('threaded equals single-threaded', () => {
    const pr = problem(100, 120, 33, 50000, false, 12);
    const d = upload(pr, false);
    const { single, threaded } = singleAndThreaded(() => {
      const out = mfPredict(d.vars, d.samples.users, d.samples.items, 1);
      const v = get(out);
      out.dispose();
      return v;
    });
    expect(threaded).toEqual(single);
    expect(Number.isFinite(get(d.vars.userFactors)[0]!)).toBe(true);
    release(...d.ptrs);
  });
});

/**
 * Float64 reference of one BPR-SGD epoch with a context (FPMC-style): the user
 * side is p_u + mean over the sample's valid context items l of s_l; p and each
 * s_l (in context order, a repeated item stepping twice) step before q_i, q_j,
 * all from the values before the triple.
 */
function refBprContext(
  pr: Problem,
  order: Int32Array,
  negs: Int32Array,
  per: number,
  rule: SparseRule,
  ctx: Int32Array,
  cl: number,
  l2C: number,
  P: Float64Array,
  Q: Float64Array,
  bi: Float64Array,
  S: Float64Array,
): number {
  const { k } = pr;
  const { lr, l2, lrB, l2B } = ruleConstants(rule);
  let loss = 0;
  order.forEach((idx, pos) => {
    const u = pr.users[idx]!,
      i = pr.items[idx]!;
    const ls = Array.from(ctx.subarray(idx * cl, (idx + 1) * cl)).filter((l) => l >= 0 && l < pr.ni);
    const w = ls.length ? 1 / ls.length : 0;
    const ue = Float64Array.from({ length: k }, (_, f) => P[u * k + f]! + w * ls.reduce((s, l) => s + S[l * k + f]!, 0));
    const score = (it: number) => {
      let s = pr.bias ? bi[it]! : 0;
      for (let f = 0; f < k; f++) s += ue[f]! * Q[it * k + f]!;
      return s;
    };
    const j = pickNegative(negs, pos, per, i, score);
    if (j < 0) return;
    const x = score(i) - score(j);
    const g = 1 / (1 + Math.exp(x));
    loss += Math.log1p(Math.exp(-x));
    if (pr.bias) {
      bi[i]! += lrB * (g - l2B * bi[i]!);
      bi[j]! += lrB * (-g - l2B * bi[j]!);
    }
    for (let f = 0; f < k; f++) {
      const p = P[u * k + f]!,
        a = Q[i * k + f]!,
        c = Q[j * k + f]!;
      P[u * k + f] = p + lr * (g * (a - c) - l2 * p);
      for (const l of ls) S[l * k + f] = S[l * k + f]! + lr * (g * (a - c) * w - l2C * S[l * k + f]!);
      Q[i * k + f] = a + lr * (g * ue[f]! - l2 * a);
      Q[j * k + f] = c + lr * (-g * ue[f]! - l2 * c);
    }
  });
  return loss;
}

describe('bpr_sgd_f32 with a context (FPMC-style)', () => {
  function contextCase(pr: Problem, per: number, cl: number, seed: number) {
    const r = rng(seed);
    const negs = uniformNegatives(r, pr, per);
    // Context entries: items, -1 padding, an out-of-range id (padding too) and, now and then, a repeat.
    const ctx = Int32Array.from({ length: pr.n * cl }, (_, _t) => {
      const x = r();
      if (x < 0.15) return -1;
      if (x < 0.2) return pr.ni + 3;
      return Math.floor(r() * pr.ni);
    });
    ctx[1] = ctx[0] = 2; // a repeated context item
    return { negs, ctx };
  }

  for (const k of [1, 5, 8, 19]) {
    for (const per of [1, 3]) {
      it(`k=${k} candidates=${per}: matches a float64 reference over 2 epochs`, () => {
        const pr = problem(9, 40, k, 250, true, 300 + k);
        const cl = 4,
          rule = RULES[1]!,
          l2C = 0.003;
        const { negs, ctx } = contextCase(pr, per, cl, k);
        const order = Int32Array.from({ length: pr.n }, (_, t) => t);
        const P = Float64Array.from(pr.P),
          Q = Float64Array.from(pr.Q),
          bi = Float64Array.from(pr.bi);
        const S0 = randomFloats(pr.ni * k, 77 + k, -0.3, 0.3),
          S = Float64Array.from(S0);
        const d = upload(pr, false);
        const layout = layoutOf(order, Int32Array.of(0, pr.n), 1, d.ptrs);
        const negPtr = putI32(negs, [pr.n, per]),
          ctxPtr = putI32(ctx, [pr.n, cl]),
          sPtr = put(S0, [pr.ni, k]);
        d.ptrs.push(negPtr, ctxPtr, sPtr);
        const context = { factors: sPtr, items: ctxPtr, l2: l2C };
        for (let epoch = 0; epoch < 2; epoch++) {
          const want = refBprContext(pr, order, negs, per, rule, ctx, cl, l2C, P, Q, bi, S);
          const got = bprTrainEpoch({ vars: d.vars, data: d.samples, negatives: negPtr, layout, rule, context });
          expect(Math.abs(got - want)).toBeLessThan(1e-3 * Math.max(1, want));
        }
        expectModel(d, pr, P, Q, bi);
        expectClose(get(sPtr), S, 1e-3, 1e-4, 'S');
        release(...d.ptrs);
      });
    }
  }

  it('rejects a context on two blocks of a stratum, and a context with adam, writing nothing', () => {
    // Two blocks in one stratum, and a context (whose rows all users share).
    const { pr, d, layout, negPtr } = twoBlocks();
    const ctxPtr = putI32(Int32Array.of(5, 5), [2, 1]);
    const sPtr = put(new Float32Array(pr.ni * pr.k).fill(0.5), [pr.ni, pr.k]);
    d.ptrs.push(ctxPtr, sPtr);
    const context = { factors: sPtr, items: ctxPtr };
    const base = { vars: d.vars, data: d.samples, negatives: negPtr, layout, context };
    // Context rows are shared by all users: a context trains on one block per stratum.
    expect(() => bprTrainEpoch({ ...base, rule: RULES[0]! })).toThrow(/context trains on one block per stratum/);
    expect(() => bprTrainEpoch({ ...base, rule: RULES[2]!, adam: d.adam })).toThrow(/sgd rule only/);
    expect(modelOut(d, pr)[0]).toEqual(pr.P);
    expect(get(sPtr)).toEqual(new Float32Array(pr.ni * pr.k).fill(0.5));
    release(...d.ptrs);
  });
});
