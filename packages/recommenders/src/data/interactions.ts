// User–item interactions as parallel typed arrays over dense indices, and the
// per-user item sets (CSR) that negative sampling, "exclude seen" and the
// evaluation protocols look things up in.
import { Tensor } from '@wasmml/tensor';

/** A column of ids or values: a typed array, a plain array or a 1-D tensor. */
export type Column = ArrayLike<number> | Tensor;

/** Interactions as the caller gives them: ids (dense indices) and optional ratings and times. */
export interface InteractionData {
  /** Dense user index of each interaction. */
  users: Column;
  /** Dense item index of each interaction. */
  items: Column;
  /** Rating of each interaction (explicit feedback). */
  ratings?: Column;
  /** Time of each interaction (any increasing unit), for temporal splits. */
  timestamps?: Column;
}

/** Interactions checked and copied into typed arrays. */
export interface Interactions {
  /** Number of interactions. */
  count: number;
  /** Dense user index per interaction. */
  users: Int32Array;
  /** Dense item index per interaction. */
  items: Int32Array;
  /** Rating per interaction, when known. */
  ratings?: Float32Array;
  /** Time per interaction, when known. */
  timestamps?: Float64Array;
}

function values(c: Column): ArrayLike<number> {
  if (c instanceof Tensor) {
    if (c.rank !== 1) throw new Error(`expected a 1-D tensor, got shape [${c.shape}]`);
    return c.dataSync();
  }
  return c;
}

/**
 * Checks and copies interactions: same lengths, integer ids in range (when
 * the sizes are given), finite ratings. `op` names the caller in errors.
 */
export function toInteractions(data: InteractionData, op: string, numUsers?: number, numItems?: number): Interactions {
  if (!data || data.users === undefined || data.items === undefined) throw new Error(`${op}: data needs users and items`);
  const col = (c: Column, name: string) => {
    try {
      return values(c);
    } catch (e) {
      throw new Error(`${op}: ${name}: ${(e as Error).message}`);
    }
  };
  const u = col(data.users, 'users'),
    it = col(data.items, 'items');
  const n = u.length;
  if (it.length !== n) throw new Error(`${op}: users has ${n} entries but items has ${it.length}`);
  const ids = (src: ArrayLike<number>, name: string, limit: number | undefined) => {
    const out = new Int32Array(n);
    for (let k = 0; k < n; k++) {
      const v = src[k]!;
      if (!Number.isInteger(v) || v < 0 || (limit !== undefined && v >= limit)) {
        throw new RangeError(`${op}: ${name}[${k}] = ${v} is not an index in [0, ${limit ?? '∞'})`);
      }
      out[k] = v;
    }
    return out;
  };
  const out: Interactions = { count: n, users: ids(u, 'users', numUsers), items: ids(it, 'items', numItems) };
  if (data.ratings !== undefined) {
    const r = col(data.ratings, 'ratings');
    if (r.length !== n) throw new Error(`${op}: ratings has ${r.length} entries for ${n} interactions`);
    out.ratings = Float32Array.from(r);
    const bad = out.ratings.findIndex((x) => !Number.isFinite(x));
    if (bad >= 0) throw new RangeError(`${op}: ratings[${bad}] = ${out.ratings[bad]} is not finite`);
  }
  if (data.timestamps !== undefined) {
    const t = col(data.timestamps, 'timestamps');
    if (t.length !== n) throw new Error(`${op}: timestamps has ${t.length} entries for ${n} interactions`);
    out.timestamps = Float64Array.from(t);
  }
  return out;
}

/** The rows `rows` of interactions, in that order. */
export function takeInteractions(d: Interactions, rows: ArrayLike<number>): Interactions {
  const n = rows.length;
  const pick = <A extends Int32Array | Float32Array | Float64Array>(a: A): A => {
    const out = new (a.constructor as new (n: number) => A)(n);
    for (let k = 0; k < n; k++) out[k] = a[rows[k]!]!;
    return out;
  };
  return {
    count: n,
    users: pick(d.users),
    items: pick(d.items),
    ...(d.ratings ? { ratings: pick(d.ratings) } : {}),
    ...(d.timestamps ? { timestamps: pick(d.timestamps) } : {}),
  };
}

/** One more than the largest index in `a` (0 when empty). */
export function extent(a: Int32Array): number {
  let m = -1;
  for (let k = 0; k < a.length; k++) if (a[k]! > m) m = a[k]!;
  return m + 1;
}

/** Each user's distinct items, sorted (compressed rows): membership by binary search. */
export class UserItems {
  /** offsets[u]..offsets[u+1] index `items` for user u. */
  readonly offsets: Int32Array;
  /** Item indices, sorted within each user, without duplicates. */
  readonly items: Int32Array;

  /** Number of users (rows). */
  readonly numUsers: number;

  /** Builds from interactions (duplicates collapse); users beyond numUsers are dropped. */
  constructor(users: Int32Array, items: Int32Array, numUsers: number) {
    this.numUsers = numUsers;
    const counts = new Int32Array(numUsers + 1);
    for (let k = 0; k < users.length; k++) if (users[k]! < numUsers) counts[users[k]! + 1]!++;
    for (let u = 0; u < numUsers; u++) counts[u + 1]! += counts[u]!;
    const fillAt = counts.slice(0, numUsers);
    const raw = new Int32Array(counts[numUsers]!);
    for (let k = 0; k < users.length; k++) if (users[k]! < numUsers) raw[fillAt[users[k]!]!++] = items[k]!;
    const offsets = new Int32Array(numUsers + 1);
    const out = new Int32Array(raw.length);
    let w = 0;
    for (let u = 0; u < numUsers; u++) {
      const row = raw.subarray(counts[u]!, counts[u + 1]!).sort();
      for (let k = 0; k < row.length; k++) if (k === 0 || row[k] !== row[k - 1]) out[w++] = row[k]!;
      offsets[u + 1] = w;
    }
    this.offsets = offsets;
    this.items = out.slice(0, w);
  }

  /** Restores from saved arrays. */
  static fromArrays(offsets: Int32Array, items: Int32Array): UserItems {
    const x = Object.create(UserItems.prototype) as { offsets: Int32Array; items: Int32Array; numUsers: number };
    x.offsets = offsets;
    x.items = items;
    x.numUsers = offsets.length - 1;
    return x as unknown as UserItems;
  }

  /** User u's items (a view; empty for users out of range). */
  of(u: number): Int32Array {
    if (!(u >= 0 && u < this.numUsers)) return new Int32Array(0);
    return this.items.subarray(this.offsets[u]!, this.offsets[u + 1]!);
  }

  /** Number of distinct items of user u. */
  count(u: number): number {
    return u >= 0 && u < this.numUsers ? this.offsets[u + 1]! - this.offsets[u]! : 0;
  }

  /** Whether user u has item i. */
  has(u: number, i: number): boolean {
    if (!(u >= 0 && u < this.numUsers)) return false;
    let lo = this.offsets[u]!,
      hi = this.offsets[u + 1]! - 1;
    const a = this.items;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1,
        v = a[mid]!;
      if (v === i) return true;
      if (v < i) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }
}

/** Interaction count of every item (float32, for popularity scores). */
export function itemCounts(items: Int32Array, numItems: number): Float32Array {
  const c = new Float32Array(numItems);
  for (let k = 0; k < items.length; k++) if (items[k]! < numItems) c[items[k]!]!++;
  return c;
}
