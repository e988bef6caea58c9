// Item side information as lists of integer feature ids per item (the input
// of hybrid models such as LightFM: an item is its id vector plus the mean of
// its features' vectors), kept in CSR form, and a builder for MovieLens
// (genres and release-year buckets), so rare and unseen movies borrow
// strength from the movies that share their features.
import type { MovieLensData } from '@wasmml/datasets';

/** Item features in CSR form: item i has feature ids ids[offsets[i] .. offsets[i+1]). */
export interface ItemFeatureTable {
  /** int32 [numItems + 1], non-decreasing from 0. */
  offsets: Int32Array;
  /** int32 feature ids, each in [0, numFeatures). */
  ids: Int32Array;
  /** Number of distinct features. */
  numFeatures: number;
}

/** Checks per-item feature lists and packs them as CSR. */
export function featureTable(lists: ArrayLike<ArrayLike<number>>, numItems: number, numFeatures: number, op: string): ItemFeatureTable {
  if (!Number.isInteger(numFeatures) || numFeatures < 1)
    throw new RangeError(`${op}: numItemFeatures = ${numFeatures}, expected an integer >= 1`);
  if (lists.length !== numItems) throw new RangeError(`${op}: itemFeatures has ${lists.length} lists, expected one per item (${numItems})`);
  const offsets = new Int32Array(numItems + 1);
  for (let i = 0; i < numItems; i++) offsets[i + 1] = offsets[i]! + lists[i]!.length;
  const ids = new Int32Array(offsets[numItems]!);
  for (let i = 0; i < numItems; i++) {
    const l = lists[i]!;
    for (let c = 0; c < l.length; c++) {
      const f = l[c]!;
      if (!(Number.isInteger(f) && f >= 0 && f < numFeatures)) {
        throw new RangeError(`${op}: itemFeatures[${i}][${c}] = ${f}, expected an integer feature id in [0, ${numFeatures})`);
      }
      ids[offsets[i]! + c] = f;
    }
  }
  return { offsets, ids, numFeatures };
}

/** Checks a saved CSR feature table against the model's sizes. */
export function checkFeatureTable(t: ItemFeatureTable, numItems: number, op: string): ItemFeatureTable {
  const { offsets, ids, numFeatures } = t;
  let ok = offsets.length === numItems + 1 && offsets[0] === 0 && offsets[numItems] === ids.length;
  for (let i = 0; ok && i < numItems; i++) ok = offsets[i + 1]! >= offsets[i]!;
  for (let k = 0; ok && k < ids.length; k++) ok = ids[k]! >= 0 && ids[k]! < numFeatures;
  if (!ok)
    throw new Error(
      `${op}: the item feature table (offsets [${offsets.length}], ids [${ids.length}]) does not fit ${numItems} items and ${numFeatures} features`,
    );
  return t;
}

/**
 * Rows of `base` [numItems, dim] plus the mean of the rows of `perFeature`
 * [numFeatures, dim] over each item's features (items without features keep
 * their own row).
 */
export function withFeatures(base: Float32Array, perFeature: Float32Array, t: ItemFeatureTable, dim: number): Float32Array {
  const out = base.slice();
  const numItems = t.offsets.length - 1;
  for (let i = 0; i < numItems; i++) {
    const lo = t.offsets[i]!,
      hi = t.offsets[i + 1]!;
    if (hi === lo) continue;
    const w = 1 / (hi - lo);
    for (let k = lo; k < hi; k++) {
      const f = t.ids[k]!;
      for (let d = 0; d < dim; d++) out[i * dim + d]! += perFeature[f * dim + d]! * w;
    }
  }
  return out;
}

/** Options of {@link movieLensItemFeatures}. */
export interface MovieLensFeatureOptions {
  /** Include one feature per genre (default true). */
  genres?: boolean;
  /** Width in years of the release-year buckets (default 5); 0 for no year feature. */
  yearBucket?: number;
}

/** Item features built from a data set: per item its feature ids, and the features' names. */
export interface ItemFeatureLists {
  /** Per dense item, its feature ids (pass as `itemFeatures`). */
  itemFeatures: number[][];
  /** Number of features (pass as `numItemFeatures`). */
  numItemFeatures: number;
  /** Name of each feature id ('genre:Drama', 'year:1995-1999', 'year:unknown'). */
  featureNames: string[];
  /** Per dense item, its release year (NaN when the title has none): pass as `itemYears` for the age prior. */
  itemYears: Float32Array;
}

/** The release year in a MovieLens title, "Heat (1995)" or "Babylon 5 (1994-1998)"; undefined when absent. */
export function releaseYear(title: string): number | undefined {
  const m = /\((\d{4})(?:\s*[-–]\s*\d{0,4})?\)\s*$/.exec(title.trim());
  return m ? Number(m[1]) : undefined;
}

/**
 * Item features of MovieLens for hybrid `bpr` / `neuMF` models: each movie's
 * genres (movies.csv; "(no genres listed)" gives none) and its release-year
 * bucket parsed from the title (`yearBucket`-year buckets; a title without a
 * year gets the bucket 'year:unknown'). Feature ids are in sorted name order.
 */
export function movieLensItemFeatures(
  ml: Pick<MovieLensData, 'itemIds' | 'titles' | 'movies'>,
  opts: MovieLensFeatureOptions = {},
): ItemFeatureLists {
  const useGenres = opts.genres ?? true,
    width = opts.yearBucket ?? 5;
  if (!Number.isInteger(width) || width < 0) throw new RangeError(`movieLensItemFeatures: yearBucket = ${width}, expected an integer >= 0`);
  const itemYears = new Float32Array(ml.itemIds.length);
  const names = Array.from(ml.itemIds, (id, i) => {
    const out: string[] = [];
    if (useGenres) for (const g of ml.movies.get(id)?.genres ?? []) if (g && g !== '(no genres listed)') out.push(`genre:${g}`);
    const y = releaseYear(ml.titles[i] ?? ml.movies.get(id)?.title ?? '');
    itemYears[i] = y ?? Number.NaN;
    if (width > 0) {
      const lo = y === undefined ? undefined : Math.floor(y / width) * width;
      out.push(lo === undefined ? 'year:unknown' : width === 1 ? `year:${lo}` : `year:${lo}-${lo + width - 1}`);
    }
    return [...new Set(out)];
  });
  const featureNames = [...new Set(names.flat())].sort();
  const index = new Map(featureNames.map((n, k) => [n, k]));
  return { itemFeatures: names.map((l) => l.map((n) => index.get(n)!)), numItemFeatures: featureNames.length, featureNames, itemYears };
}

/**
 * The table as a padded matrix for a layers model: int32 [numItems, width]
 * (width = the longest list, at least 1) of feature id + 1, 0 padding.
 */
export function paddedFeatures(t: ItemFeatureTable): { data: Int32Array; width: number } {
  const numItems = t.offsets.length - 1;
  let width = 1;
  for (let i = 0; i < numItems; i++) width = Math.max(width, t.offsets[i + 1]! - t.offsets[i]!);
  const data = new Int32Array(numItems * width);
  for (let i = 0; i < numItems; i++) {
    for (let k = t.offsets[i]!; k < t.offsets[i + 1]!; k++) data[i * width + k - t.offsets[i]!] = t.ids[k]! + 1;
  }
  return { data, width };
}
