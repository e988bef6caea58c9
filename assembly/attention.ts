// Fused scaled dot-product attention (Keras 3's dot_product_attention layout:
// q [B, T, H, D], k and v [B, S, H, D]) for the decoder blocks, forward and
// backward, without the [B, H, T, S] score tensor the composed ops build.
//
// Forward: one query row per range item. Its scores against the keys it may
// see go to a per-thread scratch row (S floats), are exponentiated once and
// summed, and the value rows are accumulated with those weights; the row's
// log-sum-exp is kept so backward can rebuild the probabilities from the
// scores alone (FlashAttention's recomputation, Dao et al. 2022, one query row
// at a time instead of tiles: the key and value rows of one head fit in L1 at
// the sizes these models run).
//
// Backward: one (batch, head) pair per range item, so the dk / dv rows it
// accumulates belong to one thread. For each query row: p = exp(s - lse),
// dv += p·do, ds = p·(do·v - do·o), dq = scale·Σ ds·k, dk += scale·ds·q.
//
// Causal masks are aligned to the end: query t is at absolute position
// S - T + t and sees keys 0..S-T+t (with a key/value cache, T new queries
// after S - T cached positions; without one, S = T and the usual triangle).
import { imin } from './common';
import { expNonPositive } from './math';
import { logv } from './softmax';

// q·k over D floats (D % 4 tail in scalar code).
@inline function dot(a: usize, b: usize, d: i32): f32 {
  let acc = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= d; i += 4) acc = f32x4.add(acc, f32x4.mul(v128.load(a + (<usize>i << 2)), v128.load(b + (<usize>i << 2))));
  let s = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
  for (; i < d; i++) s += load<f32>(a + (<usize>i << 2)) * load<f32>(b + (<usize>i << 2));
  return s;
}

// y += w·x over D floats.
@inline function axpy(y: usize, w: f32, x: usize, d: i32): void {
  const wv = f32x4.splat(w);
  let i = 0;
  for (; i + 4 <= d; i += 4) {
    const p = y + (<usize>i << 2);
    v128.store(p, f32x4.add(v128.load(p), f32x4.mul(wv, v128.load(x + (<usize>i << 2)))));
  }
  for (; i < d; i++) store<f32>(y + (<usize>i << 2), load<f32>(y + (<usize>i << 2)) + w * load<f32>(x + (<usize>i << 2)));
}

@inline function zero(p: usize, n: i32): void {
  memory.fill(p, 0, <usize>n << 2);
}

// Keys query row t (of T, against S keys) may see.
@inline function visible(t: i32, T: i32, S: i32, causal: i32): i32 {
  if (!causal) return S;
  const n = S - T + t + 1;
  return n < 0 ? 0 : imin(n, S);
}

/**
 * o = softmax(scale·q·kᵀ [+ causal mask])·v and lse = the rows' log-sum-exp
 * ([B, T, H]). A row that sees no key gets o = 0 and lse = -inf.
 * scratch: 4·S bytes. Range items: query rows r = (b·T + t)·H + h.
 */
export function attention_f32(q: usize, k: usize, v: usize, o: usize, lse: usize, T: i32, S: i32, H: i32, D: i32,
  scale: f32, causal: i32, scratch: usize, start: i32, end: i32): void {
  const rowK = <usize>H * D << 2; // bytes between consecutive key (value) positions of one head
  for (let r = start; r < end; r++) {
    const h = r % H, t = (r / H) % T, b = r / (H * T);
    const qr = q + (<usize>r * D << 2), or = o + (<usize>r * D << 2);
    const kb = k + ((<usize>b * S * H + h) * D << 2), vb = v + ((<usize>b * S * H + h) * D << 2);
    const n = visible(t, T, S, causal);
    zero(or, D);
    if (n === 0) {
      store<f32>(lse + (<usize>r << 2), -Infinity);
      continue;
    }
    let m: f32 = -Infinity;
    for (let j = 0; j < n; j++) {
      const s = dot(qr, kb + <usize>j * rowK, D) * scale;
      store<f32>(scratch + (<usize>j << 2), s);
      m = max(m, s);
    }
    // exp(s - m) four at a time; the tail lanes read past n but are not summed.
    const mv = f32x4.splat(m);
    let sv = f32x4.splat(0);
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const p = scratch + (<usize>j << 2);
      const e = expNonPositive(f32x4.sub(v128.load(p), mv));
      v128.store(p, e);
      sv = f32x4.add(sv, e);
    }
    let sum = f32x4.extract_lane(sv, 0) + f32x4.extract_lane(sv, 1) + f32x4.extract_lane(sv, 2) + f32x4.extract_lane(sv, 3);
    for (; j < n; j++) {
      const p = scratch + (<usize>j << 2);
      const e = f32x4.extract_lane(expNonPositive(f32x4.splat(load<f32>(p) - m)), 0);
      store<f32>(p, e);
      sum += e;
    }
    const inv: f32 = 1 / sum;
    for (let i = 0; i < n; i++) axpy(or, load<f32>(scratch + (<usize>i << 2)) * inv, vb + <usize>i * rowK, D);
    store<f32>(lse + (<usize>r << 2), m + f32x4.extract_lane(logv(f32x4.splat(sum)), 0));
  }
}

/**
 * Gradients of attention_f32 from do (its output gradient), o and lse:
 * dq [B, T, H, D], dk and dv [B, S, H, D] (all overwritten).
 * Range items: (batch, head) pairs bh = b·H + h.
 */
export function attention_grad_f32(q: usize, k: usize, v: usize, o: usize, lse: usize, dout: usize,
  dq: usize, dk: usize, dv: usize, T: i32, S: i32, H: i32, D: i32, scale: f32, causal: i32, start: i32,
  end: i32): void {
  const rowK = <usize>H * D << 2, rowQ = rowK;
  for (let bh = start; bh < end; bh++) {
    const b = bh / H, h = bh % H;
    const kOff = (<usize>b * S * H + h) * D << 2, qOff = (<usize>b * T * H + h) * D << 2;
    for (let j = 0; j < S; j++) {
      zero(dk + kOff + <usize>j * rowK, D);
      zero(dv + kOff + <usize>j * rowK, D);
    }
    for (let t = 0; t < T; t++) {
      const at = qOff + <usize>t * rowQ;
      const qr = q + at, dor = dout + at, dqr = dq + at;
      zero(dqr, D);
      const n = visible(t, T, S, causal);
      if (n === 0) continue;
      const l = load<f32>(lse + ((<usize>(b * T + t) * H + h) << 2));
      const delta = dot(dor, o + at, D);
      for (let j = 0; j < n; j++) {
        const kj = kOff + <usize>j * rowK;
        const p = f32x4.extract_lane(expNonPositive(f32x4.splat(min<f32>(dot(qr, k + kj, D) * scale - l, 0))), 0);
        axpy(dv + kj, p, dor, D);
        const ds = p * (dot(dor, v + kj, D) - delta) * scale;
        axpy(dqr, ds, k + kj, D);
        axpy(dk + kj, ds, qr, D);
      }
    }
  }
}
