// Fused GRU sequences (tfjs/Keras GRU with reset_after = false, gates [z, r, h]):
//   z = rec(xz + hPrev·Uz), r = rec(xr + hPrev·Ur),
//   hh = tanh(xh + (r*hPrev)·Uh), h = z*hPrev + (1-z)*hh.
// As for the LSTM (rnn.ts), batch rows never interact, so a thread runs every
// time step for its own 4-row panels: one pool dispatch per sequence.
// Row layouts: gates [batch, steps, 3u] (time t), h [batch, steps, u] (k-th
// processed step), rh and hSave [batch, steps, u] (time t), mask [batch, steps].
import { imin, loadPartial, storePartial, madd } from './common';
import { tanhv } from './activation';
import { gemm_f32 } from './gemm';
import { ACT_LINEAR } from './activation';
import { gateAct, gateActGrad } from './rnn';

@inline function rowAt(base: usize, row: i32, stride: i32): usize {
  return base + (<usize>row * stride << 2);
}

/**
 * GRU forward over a sequence. packedZR: U[:, 0:2u] packed by gemm_pack_b_f32;
 * packedH: U[:, 2u:3u] packed. gates are overwritten with activated z, r, hh.
 * rh receives r*hPrev (also the A operand of the second GEMM); hSave (0 for
 * none) hPrev. scratch: gemm_f32's (16*units bytes). Items: ceil(batch/4) panels.
 */
export function gru_forward_f32(gates: usize, packedZR: usize, packedH: usize, h0: usize, h: usize, rh: usize,
  hSave: usize, mask: usize, batch: i32, steps: i32, units: i32, goBackwards: i32, recAct: i32,
  scratch: usize, start: i32, end: i32): void {
  const g3 = 3 * units, su = steps * units, gs = <usize>units << 2;
  const row0 = start * 4, row1 = imin(end * 4, batch);
  for (let k = 0; k < steps; k++) {
    const t = goBackwards != 0 ? steps - 1 - k : k;
    const hp = k == 0 ? h0 : h + (<usize>(k - 1) * units << 2), hprs = k == 0 ? units : su;
    const z = gates + (<usize>t * g3 << 2), rht = rh + (<usize>t * units << 2);
    gemm_f32(hp, hprs, 1, 0, packedZR, 0, z, steps * g3, 0, batch, 2 * units, units, 0, ACT_LINEAR, 0, 1, scratch, start, end);
    for (let b = row0; b < row1; b++) {
      const zr = rowAt(z, b, steps * g3), hpr = rowAt(hp, b, hprs), rhr = rowAt(rht, b, su);
      for (let j = 0; j < units; j += 4) {
        const w = imin(4, units - j), o4 = <usize>j << 2;
        const hpv = loadPartial(hpr + o4, w);
        if (hSave != 0) storePartial(rowAt(hSave + (<usize>t * units << 2), b, su) + o4, hpv, w);
        const zg = gateAct(loadPartial(zr + o4, w), recAct), rg = gateAct(loadPartial(zr + gs + o4, w), recAct);
        storePartial(zr + o4, zg, w);
        storePartial(zr + gs + o4, rg, w);
        storePartial(rhr + o4, f32x4.mul(rg, hpv), w);
      }
    }
    gemm_f32(rht, su, 1, 0, packedH, 0, z + (gs << 1), steps * g3, 0, batch, units, units, 0, ACT_LINEAR, 0, 1, scratch, start, end);
    for (let b = row0; b < row1; b++) {
      const zr = rowAt(z, b, steps * g3), hpr = rowAt(hp, b, hprs), hr = rowAt(h + (<usize>k * units << 2), b, su);
      const keep = mask == 0 || load<f32>(mask + (<usize>(b * steps + t) << 2)) != 0;
      for (let j = 0; j < units; j += 4) {
        const w = imin(4, units - j), o4 = <usize>j << 2;
        const hpv = loadPartial(hpr + o4, w);
        const hh = tanhv(loadPartial(zr + (gs << 1) + o4, w));
        storePartial(zr + (gs << 1) + o4, hh, w);
        if (keep) {
          const zg = loadPartial(zr + o4, w);
          // z*hPrev + (1-z)*hh = hh + z*(hPrev - hh)
          storePartial(hr + o4, madd(zg, f32x4.sub(hpv, hh), hh), w);
        } else {
          storePartial(hr + o4, hpv, w);
        }
      }
    }
  }
}

/**
 * GRU backward over a sequence run by gru_forward_f32. packedUhT: Uhᵀ packed
 * (K = u, N = u); packedUzrT: U[:, 0:2u]ᵀ packed (K = 2u, N = u). dh: [batch, u]
 * carry (final-state gradient in, dh0 out); drh: [batch, u] work rows. Writes
 * dGates (pre-activation gradients, time t rows). dhSeq: 0 or output gradients.
 * scratch: gemm_f32's (32*units bytes). Items: ceil(batch/4) panels.
 */
export function gru_backward_f32(gates: usize, packedUhT: usize, packedUzrT: usize, h0: usize, h: usize, rh: usize,
  dhSeq: usize, dh: usize, drh: usize, dGates: usize, mask: usize, batch: i32, steps: i32, units: i32,
  goBackwards: i32, recAct: i32, scratch: usize, start: i32, end: i32): void {
  const g3 = 3 * units, su = steps * units, gs = <usize>units << 2;
  const row0 = start * 4, row1 = imin(end * 4, batch);
  const one = f32x4.splat(1), zero = f32x4.splat(0);
  for (let k = steps - 1; k >= 0; k--) {
    const t = goBackwards != 0 ? steps - 1 - k : k;
    const hp = k == 0 ? h0 : h + (<usize>(k - 1) * units << 2), hprs = k == 0 ? units : su;
    const g = gates + (<usize>t * g3 << 2), dg = dGates + (<usize>t * g3 << 2);
    for (let b = row0; b < row1; b++) {
      const gr = rowAt(g, b, steps * g3), dgr = rowAt(dg, b, steps * g3), hpr = rowAt(hp, b, hprs);
      const dhr = rowAt(dh, b, units);
      const keep = mask == 0 || load<f32>(mask + (<usize>(b * steps + t) << 2)) != 0;
      for (let j = 0; j < units; j += 4) {
        const w = imin(4, units - j), o4 = <usize>j << 2;
        let dhv = loadPartial(dhr + o4, w);
        if (dhSeq != 0) dhv = f32x4.add(dhv, loadPartial(rowAt(dhSeq + (<usize>k * units << 2), b, su) + o4, w));
        if (!keep) {
          storePartial(dgr + o4, zero, w); storePartial(dgr + gs + o4, zero, w); storePartial(dgr + (gs << 1) + o4, zero, w);
          storePartial(dhr + o4, dhv, w);
          continue;
        }
        const zg = loadPartial(gr + o4, w), hh = loadPartial(gr + (gs << 1) + o4, w), hpv = loadPartial(hpr + o4, w);
        storePartial(dgr + o4, f32x4.mul(f32x4.mul(dhv, f32x4.sub(hpv, hh)), gateActGrad(zg, recAct)), w);
        storePartial(dgr + (gs << 1) + o4, f32x4.mul(f32x4.mul(dhv, f32x4.sub(one, zg)), f32x4.sub(one, f32x4.mul(hh, hh))), w);
        storePartial(dhr + o4, f32x4.mul(dhv, zg), w);
      }
    }
    // d(r*hPrev) = dHh·Uhᵀ, overwriting drh.
    gemm_f32(dg + (gs << 1), steps * g3, 1, 0, packedUhT, 0, drh, units, 0, batch, units, units, 0, ACT_LINEAR, 0, 0, scratch, start, end);
    for (let b = row0; b < row1; b++) {
      const gr = rowAt(g, b, steps * g3), dgr = rowAt(dg, b, steps * g3), hpr = rowAt(hp, b, hprs);
      const dhr = rowAt(dh, b, units), drr = rowAt(drh, b, units);
      const keep = mask == 0 || load<f32>(mask + (<usize>(b * steps + t) << 2)) != 0;
      if (!keep) continue;
      for (let j = 0; j < units; j += 4) {
        const w = imin(4, units - j), o4 = <usize>j << 2;
        const d = loadPartial(drr + o4, w), rg = loadPartial(gr + gs + o4, w);
        storePartial(dgr + gs + o4, f32x4.mul(f32x4.mul(d, loadPartial(hpr + o4, w)), gateActGrad(rg, recAct)), w);
        storePartial(dhr + o4, madd(d, rg, loadPartial(dhr + o4, w)), w);
      }
    }
    gemm_f32(dg, steps * g3, 1, 0, packedUzrT, 0, dh, units, 0, batch, units, 2 * units, 0, ACT_LINEAR, 0, 1, scratch, start, end);
  }
}
