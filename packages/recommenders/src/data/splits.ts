// Train/test splits of interactions: random, per-user leave-one-out (latest
// or random item), temporal (global cut or per user), and the k-core filter
// that many implicit-feedback papers apply first. Every split keeps the index
// space: a user or item index means the same in train and test.
import { Random, type Seed } from '@wasmml/datasets';
import { extent, takeInteractions, toInteractions, type InteractionData, type Interactions } from './interactions.js';

/** A train/test split. */
export interface Split {
  /** Interactions to fit on. */
  train: Interactions;
  /** Held-out interactions. */
  test: Interactions;
}

/** Options of {@link randomSplit}. */
export interface RandomSplitOptions {
  /** Fraction of interactions held out (default 0.2). */
  testFraction?: number;
  /** Seed of the shuffle (default 0). */
  seed?: Seed;
}

function fraction(f: number, op: string): number {
  if (!(f >= 0 && f <= 1)) throw new RangeError(`${op}: testFraction = ${f}, expected a number in [0, 1]`);
  return f;
}

function byMask(d: Interactions, isTest: Uint8Array): Split {
  const tr: number[] = [],
    te: number[] = [];
  for (let k = 0; k < d.count; k++) (isTest[k] ? te : tr).push(k);
  return { train: takeInteractions(d, tr), test: takeInteractions(d, te) };
}

/** A seeded random split: `testFraction` of all interactions (rounded down) go to test. */
export function randomSplit(data: InteractionData, opts: RandomSplitOptions = {}): Split {
  const d = toInteractions(data, 'randomSplit');
  const f = fraction(opts.testFraction ?? 0.2, 'randomSplit');
  const perm = new Random(opts.seed ?? 0).permutation(d.count);
  const isTest = new Uint8Array(d.count);
  const nTest = Math.floor(d.count * f);
  for (let k = 0; k < nTest; k++) isTest[perm[k]!] = 1;
  return byMask(d, isTest);
}

/** Options of {@link leaveOneOut}. */
export interface LeaveOneOutOptions {
  /** 'time': each user's latest interaction (needs timestamps; ties go to the later row); 'random': a random one. Default 'time' when timestamps are given, else 'random'. */
  by?: 'time' | 'random';
  /** Seed for 'random' (default 0). */
  seed?: Seed;
  /** Users with fewer interactions keep them all in train (default 2). */
  minInteractions?: number;
}

/** Per user, one interaction held out for test (the NCF protocol: the latest one). */
export function leaveOneOut(data: InteractionData, opts: LeaveOneOutOptions = {}): Split {
  const d = toInteractions(data, 'leaveOneOut');
  const by = opts.by ?? (d.timestamps ? 'time' : 'random');
  if (by === 'time' && !d.timestamps) throw new Error("leaveOneOut: by 'time' needs timestamps");
  if (by !== 'time' && by !== 'random') throw new Error(`leaveOneOut: by = ${String(by)}, expected 'time' or 'random'`);
  const numUsers = extent(d.users);
  const counts = new Int32Array(numUsers),
    pick = new Int32Array(numUsers).fill(-1);
  const rng = new Random(opts.seed ?? 0);
  for (let k = 0; k < d.count; k++) {
    const u = d.users[k]!;
    counts[u]!++;
    if (by === 'time') {
      if (pick[u]! < 0 || d.timestamps![k]! >= d.timestamps![pick[u]!]!) pick[u] = k;
    } else if (rng.next() * counts[u]! < 1) {
      pick[u] = k; // reservoir sampling: each of the user's rows equally likely
    }
  }
  const min = opts.minInteractions ?? 2;
  const isTest = new Uint8Array(d.count);
  for (let u = 0; u < numUsers; u++) if (counts[u]! >= min && pick[u]! >= 0) isTest[pick[u]!] = 1;
  return byMask(d, isTest);
}

/** Options of {@link temporalSplit}. */
export interface TemporalSplitOptions {
  /** Fraction held out: the latest interactions (default 0.2). */
  testFraction?: number;
  /** Split each user's history separately (default false: one global time cut). */
  perUser?: boolean;
}

/** Holds out the latest interactions: globally (one cut in time) or per user. Ties keep row order. */
export function temporalSplit(data: InteractionData, opts: TemporalSplitOptions = {}): Split {
  const d = toInteractions(data, 'temporalSplit');
  if (!d.timestamps) throw new Error('temporalSplit: needs timestamps');
  const f = fraction(opts.testFraction ?? 0.2, 'temporalSplit');
  const t = d.timestamps;
  const isTest = new Uint8Array(d.count);
  const byTime = (rows: number[]) => rows.sort((a, b) => t[a]! - t[b]! || a - b);
  if (!opts.perUser) {
    const rows = byTime(Array.from({ length: d.count }, (_, k) => k));
    const nTest = Math.floor(d.count * f);
    for (let k = d.count - nTest; k < d.count; k++) isTest[rows[k]!] = 1;
  } else {
    const per = new Map<number, number[]>();
    for (let k = 0; k < d.count; k++) {
      const u = d.users[k]!;
      let list = per.get(u);
      if (!list) per.set(u, (list = []));
      list.push(k);
    }
    for (const rows of per.values()) {
      byTime(rows);
      const nTest = Math.floor(rows.length * f);
      for (let k = rows.length - nTest; k < rows.length; k++) isTest[rows[k]!] = 1;
    }
  }
  return byMask(d, isTest);
}

/** Options of {@link coreFilter}. */
export interface CoreFilterOptions {
  /** Minimum interactions per user (default 1). */
  minUserInteractions?: number;
  /** Minimum interactions per item (default 1). */
  minItemInteractions?: number;
}

/** The result of {@link coreFilter}: interactions over new dense indices and the old index of each. */
export interface CoreFiltered {
  /** The kept interactions, re-indexed densely. */
  interactions: Interactions;
  /** Number of kept users. */
  numUsers: number;
  /** Number of kept items. */
  numItems: number;
  /** Old user index of each new one. */
  userIndex: Int32Array;
  /** Old item index of each new one. */
  itemIndex: Int32Array;
}

/**
 * The k-core: repeatedly drops users and items with fewer interactions than
 * the minimums until none is left, then renumbers both densely (in order of
 * the old indices).
 */
export function coreFilter(data: InteractionData, opts: CoreFilterOptions = {}): CoreFiltered {
  const d = toInteractions(data, 'coreFilter');
  const minU = opts.minUserInteractions ?? 1,
    minI = opts.minItemInteractions ?? 1;
  const nu = extent(d.users),
    ni = extent(d.items);
  const alive = new Uint8Array(d.count).fill(1);
  for (;;) {
    const cu = new Int32Array(nu),
      ci = new Int32Array(ni);
    for (let k = 0; k < d.count; k++)
      if (alive[k]) {
        cu[d.users[k]!]!++;
        ci[d.items[k]!]!++;
      }
    let dropped = 0;
    for (let k = 0; k < d.count; k++) {
      if (alive[k] && (cu[d.users[k]!]! < minU || ci[d.items[k]!]! < minI)) {
        alive[k] = 0;
        dropped++;
      }
    }
    if (dropped === 0) break;
  }
  const rows: number[] = [];
  for (let k = 0; k < d.count; k++) if (alive[k]) rows.push(k);
  const kept = takeInteractions(d, rows);
  const renumber = (ids: Int32Array, n: number) => {
    const used = new Uint8Array(n);
    for (const v of ids) used[v] = 1;
    const map = new Int32Array(n).fill(-1),
      old: number[] = [];
    for (let v = 0; v < n; v++)
      if (used[v]) {
        map[v] = old.length;
        old.push(v);
      }
    for (let k = 0; k < ids.length; k++) ids[k] = map[ids[k]!]!;
    return Int32Array.from(old);
  };
  const userIndex = renumber(kept.users, nu),
    itemIndex = renumber(kept.items, ni);
  return { interactions: kept, numUsers: userIndex.length, numItems: itemIndex.length, userIndex, itemIndex };
}
