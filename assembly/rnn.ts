// Fused LSTM cell: the gate activations and the state update of one time step,
// forward and backward, over rows of a batch (one pool item per row).
//
// Composed from tensor ops a step costs about fifteen small ops (split, four
// activations, products, sums, mask selects) each with its own allocation and
// pass over memory; fused it is one pass. The recurrent product h·U is done
// beforehand by gemm_f32 accumulating into the gate pre-activations.
//
// Layouts (tfjs/Keras): gates [i, f, g, o], each `units` wide. Every row
// pointer comes with a row stride in elements so the same kernel reads
// batch-major [batch, steps, *] sequences and contiguous [batch, *] states.
import { madd, imin, loadPartial, storePartial } from './common';
import { sigmoidv, tanhv } from './math';

/** recAct codes: the recurrent (gate) activation. */
export const REC_HARD_SIGMOID: i32 = 0;
export const REC_SIGMOID: i32 = 1;

// tfjs hardSigmoid: clip(0.2x + 0.5, 0, 1).
@inline function gate(x: v128, recAct: i32): v128 {
  if (recAct == REC_SIGMOID) return sigmoidv(x);
  return f32x4.min(f32x4.max(madd(x, f32x4.splat(0.2), f32x4.splat(0.5)), f32x4.splat(0)), f32x4.splat(1));
}

// Derivative of the gate activation from its output y.
@inline function gateGrad(y: v128, recAct: i32): v128 {
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
      const i = gate(loadPartial(zi, w), recAct);
      const f = gate(loadPartial(zf, w), recAct);
      const g = tanhv(loadPartial(zg, w));
      const o = gate(loadPartial(zo, w), recAct);
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
      storePartial(dO, f32x4.mul(f32x4.mul(dhv, tc), gateGrad(o, recAct)), w);
      storePartial(di, f32x4.mul(f32x4.mul(dcv, g), gateGrad(i, recAct)), w);
      storePartial(df, f32x4.mul(f32x4.mul(dcv, loadPartial(cp + o4, w)), gateGrad(f, recAct)), w);
      storePartial(dg, f32x4.mul(f32x4.mul(dcv, i), f32x4.sub(one, f32x4.mul(g, g))), w);
      storePartial(dcr + o4, f32x4.mul(dcv, f), w);
      storePartial(dhr + o4, zero, w);
    }
  }
}
