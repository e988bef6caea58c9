// Fused LSTM cell: the gate activations and the state update of one time step,
// forward and backward, over rows of a batch (one pool item per row).
//
// Composed from tensor ops a step costs about fifteen small ops (split, four
// activations, products, sums, mask selects) each with its own allocation and
// pass over memory; fused it is one pass. The recurrent product h·U is done
// beforehand by gemm_f32 accumulating into the gate pre-activations;
// lstm_forward_f32 / lstm_backward_f32 run a whole sequence in one dispatch.
//
// Layouts (tfjs/Keras): gates [i, f, g, o], each `units` wide. Every row
// pointer comes with a row stride in elements so the same kernel reads
// batch-major [batch, steps, *] sequences and contiguous [batch, *] states.
import { madd, imin, loadPartial, storePartial } from './common';
import { sigmoidv, tanhv } from './activation';
import { gemm_f32 } from './gemm';
import { ACT_LINEAR } from './activation';

/** recAct codes: the recurrent (gate) activation. */
export const REC_HARD_SIGMOID: i32 = 0;
export const REC_SIGMOID: i32 = 1;

// tfjs hardSigmoid: clip(0.2x + 0.5, 0, 1).
@inline export function gateAct(x: v128, recAct: i32): v128 {
  if (recAct == REC_SIGMOID) return sigmoidv(x);
  return f32x4.min(f32x4.max(madd(x, f32x4.splat(0.2), f32x4.splat(0.5)), f32x4.splat(0)), f32x4.splat(1));
}

// Derivative of the gate activation from its output y.
@inline export function gateActGrad(y: v128, recAct: i32): v128 {
  if (recAct == REC_SIGMOID) return f32x4.mul(y, f32x4.sub(f32x4.splat(1), y));
  const inside = v128.and(f32x4.gt(y, f32x4.splat(0)), f32x4.lt(y, f32x4.splat(1)));
  return v128.and(f32x4.splat(0.2), inside);
}

/**
 * One LSTM step for rows [start, end) of the batch:
 *   z = [zi, zf, zg, zo] (pre-activations, x·W + b + h·U), overwritten by the
 *   activated gates i, f, g, o; c = f*cPrev + i*tanh(g); h = o*tanh(c).
 * Rows whose mask value is 0 carry the previous state (h = hPrev, c = cPrev).
 * hSave (0 for none) receives a copy of hPrev, for the weight gradient.
 * mask is 0 (no mask) or the address of the row's mask value (stride mrs).
 * Range items: batch rows.
 */
export function lstm_cell_f32(z: usize, zrs: i32, hPrev: usize, hprs: i32, cPrev: usize, cprs: i32,
  h: usize, hrs: i32, c: usize, crs: i32, hSave: usize, hsrs: i32, mask: usize, mrs: i32,
  units: i32, recAct: i32, start: i32, end: i32): void {
  const gs = <usize>units << 2;
  for (let b = start; b < end; b++) {
    const zr = z + (<usize>b * zrs << 2);
    const hp = hPrev + (<usize>b * hprs << 2), cp = cPrev + (<usize>b * cprs << 2);
    const hr = h + (<usize>b * hrs << 2), cr = c + (<usize>b * crs << 2);
    const keep = mask == 0 || load<f32>(mask + (<usize>b * mrs << 2)) != 0;
    for (let j = 0; j < units; j += 4) {
      const w = imin(4, units - j);
      const o4 = <usize>j << 2;
      const zi = zr + o4, zf = zi + gs, zg = zf + gs, zo = zg + gs;
      const hpv = loadPartial(hp + o4, w), cpv = loadPartial(cp + o4, w);
      if (hSave != 0) storePartial(hSave + (<usize>b * hsrs << 2) + o4, hpv, w);
      const i = gateAct(loadPartial(zi, w), recAct);
      const f = gateAct(loadPartial(zf, w), recAct);
      const g = tanhv(loadPartial(zg, w));
      const o = gateAct(loadPartial(zo, w), recAct);
      storePartial(zi, i, w); storePartial(zf, f, w); storePartial(zg, g, w); storePartial(zo, o, w);
      if (keep) {
        const cn = madd(f, cpv, f32x4.mul(i, g));
        storePartial(cr + o4, cn, w);
        storePartial(hr + o4, f32x4.mul(o, tanhv(cn)), w);
      } else {
        storePartial(cr + o4, cpv, w);
        storePartial(hr + o4, hpv, w);
      }
    }
  }
}

/**
 * Backward of lstm_cell_f32 for rows [start, end):
 *   dh is the gradient reaching h from later steps; dhSeq (0 for none) the
 *   gradient of this step's output. Writes dz (pre-activation gradients) and
 *   updates the carries in place: dc <- dcPrev, dh <- the part of dhPrev that
 *   does not go through U (the caller then adds dz·Uᵀ).
 * gates: activated gates from the forward pass; c: this step's cell state.
 * Range items: batch rows.
 */
export function lstm_cell_grad_f32(gates: usize, grs: i32, cPrev: usize, cprs: i32, c: usize, crs: i32,
  dhSeq: usize, dsrs: i32, dh: usize, dc: usize, dz: usize, dzrs: i32, mask: usize, mrs: i32,
  units: i32, recAct: i32, start: i32, end: i32): void {
  const gs = <usize>units << 2;
  const one = f32x4.splat(1), zero = f32x4.splat(0);
  for (let b = start; b < end; b++) {
    const gr = gates + (<usize>b * grs << 2), dzr = dz + (<usize>b * dzrs << 2);
    const cp = cPrev + (<usize>b * cprs << 2), cr = c + (<usize>b * crs << 2);
    const dhr = dh + (<usize>b * units << 2), dcr = dc + (<usize>b * units << 2);
    const keep = mask == 0 || load<f32>(mask + (<usize>b * mrs << 2)) != 0;
    for (let j = 0; j < units; j += 4) {
      const w = imin(4, units - j);
      const o4 = <usize>j << 2;
      let dhv = loadPartial(dhr + o4, w);
      if (dhSeq != 0) dhv = f32x4.add(dhv, loadPartial(dhSeq + (<usize>b * dsrs << 2) + o4, w));
      const gi = gr + o4, gf = gi + gs, gg = gf + gs, go = gg + gs;
      const di = dzr + o4, df = di + gs, dg = df + gs, dO = dg + gs;
      if (!keep) {
        // Masked step: the state passed straight through.
        storePartial(di, zero, w); storePartial(df, zero, w); storePartial(dg, zero, w); storePartial(dO, zero, w);
        storePartial(dhr + o4, dhv, w);
        continue;
      }
      const i = loadPartial(gi, w), f = loadPartial(gf, w), g = loadPartial(gg, w), o = loadPartial(go, w);
      const tc = tanhv(loadPartial(cr + o4, w));
      const dcv = madd(f32x4.mul(dhv, o), f32x4.sub(one, f32x4.mul(tc, tc)), loadPartial(dcr + o4, w));
      storePartial(dO, f32x4.mul(f32x4.mul(dhv, tc), gateActGrad(o, recAct)), w);
      storePartial(di, f32x4.mul(f32x4.mul(dcv, g), gateActGrad(i, recAct)), w);
      storePartial(df, f32x4.mul(f32x4.mul(dcv, loadPartial(cp + o4, w)), gateActGrad(f, recAct)), w);
      storePartial(dg, f32x4.mul(f32x4.mul(dcv, i), f32x4.sub(one, f32x4.mul(g, g))), w);
      storePartial(dcr + o4, f32x4.mul(dcv, f), w);
      storePartial(dhr + o4, zero, w);
    }
  }
}

/**
 * A whole LSTM sequence forward. Batch rows never interact (h_b(t) depends only
 * on h_b(t-1)), so each thread runs every time step for its own 4-row panels:
 * one pool dispatch per sequence instead of two per step. Per step: the panels'
 * z += hPrev·U through gemm_f32 (U packed once by gemm_pack_b_f32), then the cell.
 * Layouts and outputs as in lstm_cell_f32, for time t (k-th processed step,
 * t = goBackwards ? steps-1-k : k): gates rows at gates + t*4u with stride
 * steps*4u, h and c rows at k*u (stride steps*u), hSave at t*u, mask at t (stride steps).
 * scratch: gemm_f32's (16*units bytes). Range items: ceil(batch/4) row panels.
 */
export function lstm_forward_f32(gates: usize, packedU: usize, h0: usize, c0: usize, h: usize, c: usize,
  hSave: usize, mask: usize, batch: i32, steps: i32, units: i32, goBackwards: i32, recAct: i32,
  scratch: usize, start: i32, end: i32): void {
  const g4 = 4 * units, su = steps * units, row0 = start * 4, row1 = imin(end * 4, batch);
  for (let k = 0; k < steps; k++) {
    const t = goBackwards != 0 ? steps - 1 - k : k;
    const hp = k == 0 ? h0 : h + (<usize>(k - 1) * units << 2), hprs = k == 0 ? units : su;
    const cp = k == 0 ? c0 : c + (<usize>(k - 1) * units << 2), cprs = k == 0 ? units : su;
    const z = gates + (<usize>t * g4 << 2);
    gemm_f32(hp, hprs, 1, 0, packedU, 0, z, steps * g4, 0, batch, g4, units, 0, ACT_LINEAR, 0, 1, scratch, start, end);
    lstm_cell_f32(z, steps * g4, hp, hprs, cp, cprs, h + (<usize>k * units << 2), su, c + (<usize>k * units << 2), su,
      hSave != 0 ? hSave + (<usize>t * units << 2) : 0, su, mask != 0 ? mask + (<usize>t << 2) : 0, steps, units, recAct, row0, row1);
  }
}

/**
 * A whole LSTM sequence backward (rows independent, as in lstm_forward_f32):
 * per step from the last, the cell gradient, then dh += dz·Uᵀ (Uᵀ packed once).
 * dh, dc: [batch, units] carries, holding the final-state gradients on entry and
 * dh0, dc0 on exit. dhSeq (0 for none): output gradients, rows at k*u.
 * scratch: gemm_f32's (64*units bytes). Range items: ceil(batch/4) row panels.
 */
export function lstm_backward_f32(gates: usize, packedUT: usize, c0: usize, c: usize, dhSeq: usize, dh: usize, dc: usize,
  dz: usize, mask: usize, batch: i32, steps: i32, units: i32, goBackwards: i32, recAct: i32,
  scratch: usize, start: i32, end: i32): void {
  const g4 = 4 * units, su = steps * units, row0 = start * 4, row1 = imin(end * 4, batch);
  for (let k = steps - 1; k >= 0; k--) {
    const t = goBackwards != 0 ? steps - 1 - k : k;
    const cp = k == 0 ? c0 : c + (<usize>(k - 1) * units << 2), cprs = k == 0 ? units : su;
    const dzt = dz + (<usize>t * g4 << 2);
    lstm_cell_grad_f32(gates + (<usize>t * g4 << 2), steps * g4, cp, cprs, c + (<usize>k * units << 2), su,
      dhSeq != 0 ? dhSeq + (<usize>k * units << 2) : 0, su, dh, dc, dzt, steps * g4,
      mask != 0 ? mask + (<usize>t << 2) : 0, steps, units, recAct, row0, row1);
    gemm_f32(dzt, steps * g4, 1, 0, packedUT, 0, dh, units, 0, batch, units, g4, 0, ACT_LINEAR, 0, 1, scratch, start, end);
  }
}
