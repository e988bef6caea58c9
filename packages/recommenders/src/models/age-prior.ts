// An item-age prior for implicit-feedback models trained on timestamped data:
// per age bucket (years since the item's release, at the time of an
// interaction), the log of how much more often training interactions go to
// items of that age than a uniformly drawn catalogue item is that age. Added
// to a model's logits with each user's own "now" (the year of the user's
// latest training interaction), it combines the learned preference with a
// counted, time-aware prior, naive-Bayes style: films not yet released at the
// user's time sink, and recent releases rise for users active in recent years
// — a signal neither the user nor the item factors can carry, since it lives
// in the (user time, item) pair.
import type { Interactions } from '../data/interactions.js';
import type { ArtifactArrays } from '../io/artifacts.js';

/** Buckets: unknown year, not yet released, 0..4 years, 5–9, 10–19, 20–39, 40 and more. */
const BUCKETS = 11;

function bucket(refYear: number, itemYear: number): number {
  if (Number.isNaN(itemYear)) return 0;
  const age = refYear - itemYear;
  return age < 0 ? 1 : age <= 4 ? 2 + age : age <= 9 ? 7 : age <= 19 ? 8 : age <= 39 ? 9 : 10;
}

/** The UTC calendar year of a Unix time in seconds. */
function yearOf(seconds: number): number {
  return new Date(seconds * 1000).getUTCFullYear();
}

/** Release years as float32, NaN where unknown (undefined, null or NaN given); integers otherwise. */
function checkItemYears(years: ArrayLike<number | null | undefined>, numItems: number, op: string): Float32Array {
  if (years.length !== numItems) throw new Error(`${op}: itemYears has ${years.length} entries, expected numItems = ${numItems}`);
  const out = new Float32Array(numItems);
  for (let i = 0; i < numItems; i++) {
    const y = years[i];
    if (y === undefined || y === null || Number.isNaN(y)) out[i] = Number.NaN;
    else if (Number.isInteger(y) && y >= 0 && y <= 9999) out[i] = y;
    else throw new Error(`${op}: itemYears[${i}] = ${y}, expected a whole year (or NaN when unknown)`);
  }
  return out;
}

/** What fit counted: per-bucket log ratios and each user's reference year. */
interface Counts {
  /** log P(bucket | interaction) - log P(bucket | uniform catalogue item), per bucket. */
  logRatio: Float32Array;
  /** Year of each user's latest training interaction (NaN: none). */
  userYears: Float32Array;
}

/** A model's release years and, once fitted, the prior counted from its training data. */
export class AgePrior {
  private counts: Counts | undefined;

  private constructor(
    /** Release year per item (NaN unknown). */
    private readonly itemYears: Float32Array,
  ) {}

  /**
   * The prior of a model given `itemYears` (undefined without), checked
   * against numItems; with `arrays` (a saved model), fitted as saved.
   */
  static of(
    itemYears: ArrayLike<number | null> | undefined,
    numItems: number,
    numUsers: number,
    arrays: Record<string, Float32Array | Int32Array> | undefined,
    kind: string,
  ): AgePrior | undefined {
    if (itemYears === undefined) return undefined;
    const op = arrays ? `loadRecommender: ${kind}` : kind;
    const prior = new AgePrior(checkItemYears(itemYears, numItems, op));
    const lr = arrays?.['agePrior.logRatio'],
      uy = arrays?.['agePrior.userYears'];
    if (lr === undefined && uy === undefined) return prior;
    if (!(lr instanceof Float32Array && lr.length === BUCKETS && uy instanceof Float32Array && uy.length === numUsers)) {
      throw new Error(`${op}: agePrior arrays must be float32 logRatio [${BUCKETS}] and userYears [${numUsers}]`);
    }
    prior.counts = { logRatio: lr, userYears: uy };
    return prior;
  }

  /**
   * Counts the prior on training interactions whose `timestamps` are Unix
   * seconds (replacing an earlier fit; a missing column throws first). Both
   * distributions are smoothed by one count per bucket, so an empty bucket
   * gets a finite ratio.
   */
  fit(d: Interactions, numUsers: number, op: string): void {
    const t = d.timestamps,
      itemYears = this.itemYears;
    if (!t) throw new Error(`${op}: itemYears needs interaction timestamps (Unix seconds)`);
    const inter = new Float64Array(BUCKETS).fill(1),
      cat = new Float64Array(BUCKETS).fill(1);
    // The catalogue's age distribution depends only on the reference year: one histogram per distinct year.
    const byYear = new Map<number, Float64Array>();
    const catalogue = (y: number): Float64Array => {
      let h = byYear.get(y);
      if (!h) {
        h = new Float64Array(BUCKETS);
        for (let i = 0; i < itemYears.length; i++) h[bucket(y, itemYears[i]!)]! += 1 / itemYears.length;
        byYear.set(y, h);
      }
      return h;
    };
    const last = new Float64Array(numUsers).fill(Number.NEGATIVE_INFINITY);
    for (let k = 0; k < d.count; k++) {
      const y = yearOf(t[k]!);
      inter[bucket(y, itemYears[d.items[k]!]!)]! += 1;
      const h = catalogue(y);
      for (let b = 0; b < BUCKETS; b++) cat[b]! += h[b]!;
      const u = d.users[k]!;
      if (t[k]! > last[u]!) last[u] = t[k]!;
    }
    const si = inter.reduce((a, b) => a + b),
      sc = cat.reduce((a, b) => a + b);
    this.counts = {
      logRatio: Float32Array.from(inter, (x, b) => Math.log(x / si) - Math.log(cat[b]! / sc)),
      userYears: Float32Array.from(last, (s) => (Number.isFinite(s) ? yearOf(s) : Number.NaN)),
    };
  }

  /** Adds the prior to scores of (user, item) pairs; nothing before fit, for ids out of range or users without a year. */
  addPairs(users: ArrayLike<number>, items: ArrayLike<number>, scores: Float32Array): void {
    const c = this.counts;
    if (!c) return;
    const nu = c.userYears.length,
      ni = this.itemYears.length;
    for (let r = 0; r < scores.length; r++) {
      const u = users[r]!,
        i = items[r]!;
      if (!(u >= 0 && u < nu && i >= 0 && i < ni)) continue;
      const uy = c.userYears[u]!;
      if (!Number.isNaN(uy)) scores[r]! += c.logRatio[bucket(uy, this.itemYears[i]!)]!;
    }
  }

  /** Adds the prior to rows of every item's score, one row per user (nothing before fit). */
  addRows(users: ArrayLike<number>, scores: Float32Array): void {
    const c = this.counts;
    if (!c) return;
    const ni = this.itemYears.length;
    for (let r = 0; r < users.length; r++) {
      const uy = c.userYears[users[r]!];
      if (uy === undefined || Number.isNaN(uy)) continue;
      for (let i = 0; i < ni; i++) scores[r * ni + i]! += c.logRatio[bucket(uy, this.itemYears[i]!)]!;
    }
  }

  /** The release years as a saved config holds them: unknown years become null (JSON has no NaN). */
  config(): Array<number | null> {
    return Array.from(this.itemYears, (y) => (Number.isNaN(y) ? null : y));
  }

  /** The fitted arrays a saved model carries (none before fit). */
  arrays(): ArtifactArrays {
    const c = this.counts;
    return c
      ? {
          'agePrior.logRatio': { data: c.logRatio, shape: [BUCKETS] },
          'agePrior.userYears': { data: c.userYears, shape: [c.userYears.length] },
        }
      : {};
  }
}
