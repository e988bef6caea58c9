// Each user's interactions in time order, and the "recent items" context that
// sequential models (FPMC, Rendle et al. 2010) add to the user: for a training
// interaction, the items the user had just before it; for serving, the user's
// latest training items. Padding is -1.
import type { Interactions } from './interactions.js';

/**
 * Row indices of each user's interactions ordered by timestamp (ties, and data
 * without timestamps, keep row order): CSR offsets [numUsers + 1] and rows.
 */
export interface Timelines {
  /** offsets[u]..offsets[u+1] is user u's range in `rows`. */
  offsets: Int32Array;
  /** Interaction rows, grouped by user, oldest first. */
  rows: Int32Array;
}

/** Orders each user's interactions by time (stable: equal times keep row order). */
export function userTimelines(d: Interactions, numUsers: number): Timelines {
  const offsets = new Int32Array(numUsers + 1);
  for (let k = 0; k < d.count; k++) offsets[d.users[k]! + 1]!++;
  for (let u = 0; u < numUsers; u++) offsets[u + 1]! += offsets[u]!;
  const rows = new Int32Array(d.count),
    fill = offsets.slice(0, numUsers);
  for (let k = 0; k < d.count; k++) rows[fill[d.users[k]!]!++] = k;
  const t = d.timestamps;
  if (t) {
    for (let u = 0; u < numUsers; u++) {
      const part = Array.from(rows.subarray(offsets[u]!, offsets[u + 1]!)).sort((a, b) => t[a]! - t[b]! || a - b);
      rows.set(part, offsets[u]!);
    }
  }
  return { offsets, rows };
}

/**
 * int32 [count, length]: for each interaction, the items of the same user just
 * before it in time (at most `length`, oldest first, -1 padding after them).
 */
export function recentContext(d: Interactions, tl: Timelines, length: number): Int32Array {
  const out = new Int32Array(d.count * length).fill(-1);
  const users = tl.offsets.length - 1;
  for (let u = 0; u < users; u++) {
    const lo = tl.offsets[u]!,
      hi = tl.offsets[u + 1]!;
    for (let p = lo; p < hi; p++) {
      const at = tl.rows[p]! * length;
      let w = 0;
      for (let q = Math.max(lo, p - length); q < p; q++) out[at + w++] = d.items[tl.rows[q]!]!;
    }
  }
  return out;
}

/** int32 [numUsers, length]: each user's latest `length` items (oldest first, -1 padding after them). */
export function latestItems(d: Interactions, tl: Timelines, length: number): Int32Array {
  const users = tl.offsets.length - 1;
  const out = new Int32Array(users * length).fill(-1);
  for (let u = 0; u < users; u++) {
    const lo = tl.offsets[u]!,
      hi = tl.offsets[u + 1]!;
    let w = 0;
    for (let q = Math.max(lo, hi - length); q < hi; q++) out[u * length + w++] = d.items[tl.rows[q]!]!;
  }
  return out;
}

/**
 * User vectors with their context: row u = base[u] + mean of ctxFactors[l]
 * over the valid items l of context row u (base[u] alone when there is none).
 */
export function withContext(
  base: Float32Array,
  ctxFactors: Float32Array,
  context: Int32Array,
  length: number,
  numItems: number,
  dim: number,
): Float32Array {
  const out = base.slice();
  const users = base.length / dim;
  for (let u = 0; u < users; u++) {
    let n = 0;
    for (let c = 0; c < length; c++) {
      const l = context[u * length + c]!;
      if (l >= 0 && l < numItems) n++;
    }
    if (n === 0) continue;
    for (let c = 0; c < length; c++) {
      const l = context[u * length + c]!;
      if (!(l >= 0 && l < numItems)) continue;
      for (let f = 0; f < dim; f++) out[u * dim + f]! += ctxFactors[l * dim + f]! / n;
    }
  }
  return out;
}
