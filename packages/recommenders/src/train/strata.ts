// The stratified sample layout of the fused MF / BPR kernels (DSGD, Gemulla et
// al. 2011). Users and items are dealt into B groups each, balancing the
// interaction counts (largest first, to the lightest group); sample (u, i)
// falls in cell (group(u), group(i)). An epoch runs B passes; pass s holds the
// B cells (b, (b + s) mod B), which share no user and no item, so the kernel
// runs them on different threads with a result that does not depend on the
// thread count. Each epoch shuffles the samples (kept in shuffled order inside
// their cell) and the order of the passes.
import type { Random } from '@wasmml/datasets';

/** An epoch's order and block offsets (see MfLayoutTensors in ../kernels/types.ts). */
export interface EpochLayout {
  /** Sample index at each position. */
  order: Int32Array;
  /** [blocks * blocks + 1] start of each (pass, block) cell in `order`. */
  offsets: Int32Array;
  /** Number of groups B (passes = blocks per pass = B). */
  blocks: number;
}

/** Deals indices into `blocks` groups balancing `weight` (longest-processing-time rule; ties to the lower group). */
export function balancedGroups(weight: Float64Array | Int32Array, blocks: number): Int32Array {
  const n = weight.length;
  const ids = Array.from({ length: n }, (_, i) => i).sort((a, b) => weight[b]! - weight[a]! || a - b);
  const load = new Float64Array(blocks);
  const group = new Int32Array(n);
  for (const i of ids) {
    let best = 0;
    for (let g = 1; g < blocks; g++) if (load[g]! < load[best]!) best = g;
    group[i] = best;
    load[best]! += weight[i]!;
  }
  return group;
}

/** Builds epoch layouts for fixed samples. */
export class Stratifier {
  /** Group of each user. */
  readonly userGroup: Int32Array;
  /** Group of each item. */
  readonly itemGroup: Int32Array;
  /** The items of each group (for negatives that must stay in the positive's group). */
  readonly groupItems: Int32Array[];
  private readonly cellOf: Int32Array;

  /** User of each sample. */
  readonly users: Int32Array;
  /** Item of each sample. */
  readonly items: Int32Array;
  /** Number of groups B. */
  readonly blocks: number;

  constructor(users: Int32Array, items: Int32Array, numUsers: number, numItems: number, blocks: number) {
    this.users = users;
    this.items = items;
    this.blocks = blocks;
    if (!Number.isInteger(blocks) || blocks < 1) throw new RangeError(`Stratifier: blocks = ${blocks}, expected an integer >= 1`);
    const cu = new Int32Array(numUsers),
      ci = new Int32Array(numItems);
    for (let k = 0; k < users.length; k++) {
      cu[users[k]!]!++;
      ci[items[k]!]!++;
    }
    this.userGroup = balancedGroups(cu, blocks);
    // Items with no interaction still need a group (they may be drawn as negatives).
    this.itemGroup = balancedGroups(
      Float64Array.from(ci, (c) => c + 1e-3),
      blocks,
    );
    this.groupItems = Array.from({ length: blocks }, () => [] as number[]).map((list, g) => {
      for (let i = 0; i < numItems; i++) if (this.itemGroup[i] === g) list.push(i);
      return Int32Array.from(list);
    });
    // The pass-independent part of each sample's cell: (item group - user group) mod B, and the user group.
    this.cellOf = new Int32Array(users.length);
    for (let k = 0; k < users.length; k++) {
      const ub = this.userGroup[users[k]!]!,
        ib = this.itemGroup[items[k]!]!;
      this.cellOf[k] = ((ib - ub + blocks) % blocks) * blocks + ub;
    }
  }

  /** A fresh shuffled layout. */
  layout(rng: Random): EpochLayout {
    const B = this.blocks,
      n = this.users.length;
    const passOrder = rng.permutation(B);
    // Cell of each sample this epoch: the pass moved to its shuffled slot.
    const moved = new Int32Array(B * B);
    for (let c = 0; c < B * B; c++) moved[c] = passOrder.indexOf(Math.floor(c / B)) * B + (c % B);
    const perm = rng.permutation(n);
    const cell = new Int32Array(n);
    const offsets = new Int32Array(B * B + 1);
    for (let k = 0; k < n; k++) {
      const c = moved[this.cellOf[k]!]!;
      cell[k] = c;
      offsets[c + 1]!++;
    }
    for (let c = 0; c < B * B; c++) offsets[c + 1]! += offsets[c]!;
    const at = offsets.slice(0, B * B);
    const order = new Int32Array(n);
    for (let p = 0; p < n; p++) {
      const k = perm[p]!;
      order[at[cell[k]!]!++] = k;
    }
    return { order, offsets, blocks: B };
  }
}
