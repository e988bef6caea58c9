import { beforeAll, describe, expect, it } from 'vitest';
import { expectClose, randomFloats, rng } from '@wasmml/test-utils';
import { bprTrainEpoch } from '../../src/kernels/bpr-epoch.js';
import type { BprItemFeatureTensors, SparseRule } from '../../src/kernels/types.js';
import {
  get,
  layoutOf,
  modelOut,
  pickNegative,
  problem,
  put,
  putI32,
  release,
  RULES,
  setup,
  uniformNegatives,
  upload,
  type Problem,
  expectModel,
  ruleConstants,
  twoBlocks,
} from './mf-helpers.js';

beforeAll(() => setup(2));

/** Item features as CSR: offsets [ni + 1] and ids. */
interface Csr {
  offsets: Int32Array;
  ids: Int32Array;
}

interface FeatState {
  F: Float64Array;
  fb: Float64Array | undefined;
  l2F: number;
}
interface CtxState {
  S: Float64Array;
  items: Int32Array;
  cl: number;
  l2C: number;
}

/**
 * Float64 reference of one BPR-SGD epoch with item features: the item side is
 * q_i + mean_f F_f and b_i + mean_f fb_f; the user side p_u (+ mean_l s_l with a
 * context). Everything is computed from the values before the triple, then
 * stepped in the kernel's order: biases (b_i, b_j, i's fb, j's fb), then per
 * factor p, s_l, q_i, q_j, i's F rows, j's F rows (a row listed twice steps twice).
 */
function refBprFeatures(
  pr: Problem,
  order: Int32Array,
  negs: Int32Array,
  per: number,
  rule: SparseRule,
  csr: Csr,
  fs: FeatState,
  cs: CtxState | undefined,
  P: Float64Array,
  Q: Float64Array,
  bi: Float64Array,
): number {
  const { k } = pr;
  const { lr, l2, lrB, l2B } = ruleConstants(rule);
  const feats = (i: number) => Array.from(csr.ids.subarray(csr.offsets[i]!, csr.offsets[i + 1]!));
  const wOf = (xs: number[]) => (xs.length ? 1 / xs.length : 0);
  const itemVec = (i: number) => {
    const fl = feats(i),
      w = wOf(fl);
    return Float64Array.from({ length: k }, (_, f) => Q[i * k + f]! + w * fl.reduce((s, x) => s + fs.F[x * k + f]!, 0));
  };
  const itemBias = (i: number) => {
    const fl = feats(i);
    return (pr.bias ? bi[i]! : 0) + (fs.fb ? wOf(fl) * fl.reduce((s, x) => s + fs.fb![x]!, 0) : 0);
  };
  let loss = 0;
  order.forEach((idx, pos) => {
    const u = pr.users[idx]!,
      i = pr.items[idx]!;
    const ls = cs ? Array.from(cs.items.subarray(idx * cs.cl, (idx + 1) * cs.cl)).filter((l) => l >= 0 && l < pr.ni) : [];
    const wc = wOf(ls);
    const ue = Float64Array.from({ length: k }, (_, f) => P[u * k + f]! + wc * ls.reduce((s, l) => s + cs!.S[l * k + f]!, 0));
    const score = (it: number) => {
      const q = itemVec(it);
      let s = itemBias(it);
      for (let f = 0; f < k; f++) s += ue[f]! * q[f]!;
      return s;
    };
    const j = pickNegative(negs, pos, per, i, score);
    if (j < 0) return;
    const qi = itemVec(i),
      qj = itemVec(j);
    const x = score(i) - score(j);
    const g = 1 / (1 + Math.exp(x));
    loss += Math.log1p(Math.exp(-x));
    const fi = feats(i),
      fj = feats(j),
      wi = wOf(fi),
      wj = wOf(fj);
    if (pr.bias) {
      bi[i]! += lrB * (g - l2B * bi[i]!);
      bi[j]! += lrB * (-g - l2B * bi[j]!);
    }
    if (fs.fb) {
      for (const x of fi) fs.fb[x]! += lrB * (g * wi - l2B * fs.fb[x]!);
      for (const x of fj) fs.fb[x]! += lrB * (-g * wj - l2B * fs.fb[x]!);
    }
    for (let f = 0; f < k; f++) {
      const d = qi[f]! - qj[f]!;
      const p = P[u * k + f]!;
      P[u * k + f] = p + lr * (g * d - l2 * p);
      for (const l of ls) cs!.S[l * k + f] = cs!.S[l * k + f]! + lr * (g * d * wc - cs!.l2C * cs!.S[l * k + f]!);
      const a = Q[i * k + f]!,
        c = Q[j * k + f]!;
      Q[i * k + f] = a + lr * (g * ue[f]! - l2 * a);
      Q[j * k + f] = c + lr * (-g * ue[f]! - l2 * c);
      for (const x of fi) fs.F[x * k + f] = fs.F[x * k + f]! + lr * (g * ue[f]! * wi - fs.l2F * fs.F[x * k + f]!);
      for (const x of fj) fs.F[x * k + f] = fs.F[x * k + f]! + lr * (-g * ue[f]! * wj - fs.l2F * fs.F[x * k + f]!);
    }
  });
  return loss;
}

/** Per item 0-3 features out of nf (a repeat now and then). */
function randomCsr(ni: number, nf: number, seed: number): Csr {
  const r = rng(seed);
  const lists = Array.from({ length: ni }, () => {
    const n = Math.floor(r() * 4);
    const xs = Array.from({ length: n }, () => Math.floor(r() * nf));
    if (n === 3 && r() < 0.3) xs[2] = xs[0]!;
    return xs;
  });
  const offsets = new Int32Array(ni + 1);
  lists.forEach((l, i) => (offsets[i + 1] = offsets[i]! + l.length));
  return { offsets, ids: Int32Array.from(lists.flat()) };
}

function negativesFor(pr: Problem, per: number, seed: number): Int32Array {
  return uniformNegatives(rng(seed), pr, per);
}

describe('bpr_sgd_f32 with item features', () => {
  const nf = 7;
  for (const k of [1, 5, 8, 19]) {
    for (const per of [1, 3]) {
      for (const withCtx of [false, true]) {
        const withFb = k !== 8;
        it(`k=${k} candidates=${per} context=${withCtx} featureBias=${withFb}: matches a float64 reference over 2 epochs`, () => {
          const pr = problem(9, 40, k, 250, true, 500 + k);
          const rule = RULES[1]!,
            l2F = 0.004,
            cl = 3;
          const negs = negativesFor(pr, per, k + 1);
          const csr = randomCsr(pr.ni, nf, k + 2);
          const F0 = randomFloats(nf * k, 90 + k, -0.3, 0.3),
            fb0 = randomFloats(nf, 91 + k, -0.2, 0.2);
          const S0 = randomFloats(pr.ni * k, 92 + k, -0.3, 0.3);
          const ctxItems = Int32Array.from({ length: pr.n * cl }, (_, t) => (t % 5 === 4 ? -1 : (t * 7) % pr.ni));
          const fs: FeatState = { F: Float64Array.from(F0), fb: withFb ? Float64Array.from(fb0) : undefined, l2F };
          const cs: CtxState | undefined = withCtx ? { S: Float64Array.from(S0), items: ctxItems, cl, l2C: 0.002 } : undefined;
          const P = Float64Array.from(pr.P),
            Q = Float64Array.from(pr.Q),
            bi = Float64Array.from(pr.bi);
          const order = Int32Array.from({ length: pr.n }, (_, t) => t);
          const d = upload(pr, false);
          const layout = layoutOf(order, Int32Array.of(0, pr.n), 1, d.ptrs);
          const negPtr = putI32(negs, [pr.n, per]),
            fPtr = put(F0, [nf, k]),
            fbPtr = put(fb0),
            offPtr = putI32(csr.offsets);
          const idPtr = putI32(csr.ids),
            sPtr = put(S0, [pr.ni, k]),
            ctxPtr = putI32(ctxItems, [pr.n, cl]);
          d.ptrs.push(negPtr, fPtr, fbPtr, offPtr, idPtr, sPtr, ctxPtr);
          const features: BprItemFeatureTensors = {
            factors: fPtr,
            offsets: offPtr,
            ids: idPtr,
            l2: l2F,
            ...(withFb ? { bias: fbPtr } : {}),
          };
          const context = withCtx ? { factors: sPtr, items: ctxPtr, l2: 0.002 } : undefined;
          for (let epoch = 0; epoch < 2; epoch++) {
            const want = refBprFeatures(pr, order, negs, per, rule, csr, fs, cs, P, Q, bi);
            const got = bprTrainEpoch({
              vars: d.vars,
              data: d.samples,
              negatives: negPtr,
              layout,
              rule,
              ...(context ? { context } : {}),
              features,
            });
            expect(Math.abs(got - want)).toBeLessThan(1e-3 * Math.max(1, want));
          }
          expectModel(d, pr, P, Q, bi);
          expectClose(get(fPtr), fs.F, 1e-3, 1e-4, 'F');
          if (withFb) expectClose(get(fbPtr), fs.fb!, 1e-3, 1e-4, 'fb');
          else expect(get(fbPtr)).toEqual(fb0);
          if (withCtx) expectClose(get(sPtr), cs!.S, 1e-3, 1e-4, 'S');
          release(...d.ptrs);
        });
      }
    }
  }

  it('rejects features on two blocks of a stratum, bad feature ids or offsets and adam, writing nothing', () => {
    const { pr, d, layout, negPtr } = twoBlocks();
    const fPtr = put(new Float32Array(3 * pr.k).fill(0.5), [3, pr.k]);
    // Items 0 and 1 (in different blocks) both have feature 2.
    const offPtr = putI32(Int32Array.of(0, 1, 2, 2, 2, 2, 2, 2, 2)),
      idPtr = putI32(Int32Array.of(2, 2));
    const badIds = putI32(Int32Array.of(2, 3)),
      badOff = putI32(Int32Array.of(0, 2, 1, 2, 2, 2, 2, 2, 2));
    d.ptrs.push(fPtr, offPtr, idPtr, badIds, badOff);
    const features = { factors: fPtr, offsets: offPtr, ids: idPtr };
    const base = { vars: d.vars, data: d.samples, negatives: negPtr, layout };
    const sgd = RULES[0]!;
    // Feature rows are shared by all items: features train on one block per stratum.
    expect(() => bprTrainEpoch({ ...base, rule: sgd, features })).toThrow(/model with item features trains on one block per stratum/);
    layout.blocks = 1;
    layout.strata = 2;
    expect(() => bprTrainEpoch({ ...base, rule: sgd, features: { ...features, ids: badIds } })).toThrow(
      /feature id 3 at entry 1 is not in \[0, 3\)/,
    );
    expect(() => bprTrainEpoch({ ...base, rule: sgd, features: { ...features, offsets: badOff } })).toThrow(
      /features.offsets decrease at item 1/,
    );
    expect(() => bprTrainEpoch({ ...base, rule: RULES[2]!, adam: d.adam, features })).toThrow(/item features train with the sgd rule only/);
    expect(modelOut(d, pr)[0]).toEqual(pr.P);
    expect(get(fPtr)).toEqual(new Float32Array(3 * pr.k).fill(0.5));
    release(...d.ptrs);
  });
});
