// Ranking evaluation under the two usual protocols, always beside the
// popularity baseline fitted on the same training data:
// - sampled (He et al. 2017, NCF): each held-out interaction is ranked among
//   `negatives` (99) items the user never interacted with, drawn uniformly
//   with a fixed seed (the same candidates for the model and the baseline);
// - full: each user's held-out items against every item not in the user's
//   training data.
import { Random, type Seed } from '@wasmml/datasets';
import { UserItems } from '../data/interactions.js';
import { sampleDistinctNegatives } from '../data/negatives.js';
import type { Split } from '../data/splits.js';
import { averagePrecisionAtK, coverageAtK, hitRateAtK, ndcgAtK, precisionAtK, recallAtK } from '../metrics/ranking.js';
import type { Recommender } from '../models/base.js';
import { popularity } from '../models/popularity.js';
import { topK } from '../serving/topk.js';

/** Options of {@link evaluateRanking}. */
export interface RankingOptions {
  /** 'sampled' (default): 1 held-out item against sampled negatives; 'full': against all items. */
  protocol?: 'sampled' | 'full';
  /** Cut-off K (default 10). */
  k?: number;
  /**
   * Negatives per held-out item in the sampled protocol (default 99). A case
   * whose user has fewer unseen items than this is left out (see `cases`).
   */
  negatives?: number;
  /** Seed of the negative sampling (default 0). */
  seed?: Seed;
  /** Evaluate the popularity baseline too (default true). */
  baseline?: boolean;
}

/** Mean metrics at K over the evaluated cases. */
export interface RankingMetrics {
  /** HR@K: share of cases with a held-out item in the top K. */
  hitRate: number;
  /** NDCG@K (binary relevance). */
  ndcg: number;
  /** Precision@K. */
  precision: number;
  /** Recall@K. */
  recall: number;
  /** MAP@K: mean average precision at K. */
  map: number;
  /** Catalogue coverage of the top-K lists (full protocol only; NaN for sampled). */
  coverage: number;
}

/** The result of {@link evaluateRanking}. */
export interface RankingReport {
  /** The protocol used. */
  protocol: 'sampled' | 'full';
  /** The cut-off. */
  k: number;
  /** Cases averaged over: held-out interactions (sampled) or users (full); metrics are NaN when 0. */
  cases: number;
  /** The model's metrics. */
  metrics: RankingMetrics;
  /** The popularity baseline's metrics on the same cases (when asked for). */
  baseline?: RankingMetrics;
  /** metrics / baseline for each metric (when there is a baseline). */
  lift?: RankingMetrics;
}

function mean(sums: RankingMetrics, n: number): RankingMetrics {
  const out = { ...sums };
  // No case to average over: NaN, not a misleading 0.
  for (const k of Object.keys(out) as Array<keyof RankingMetrics>) if (k !== 'coverage') out[k] = n ? out[k] / n : Number.NaN;
  return out;
}

function zero(): RankingMetrics {
  return { hitRate: 0, ndcg: 0, precision: 0, recall: 0, map: 0, coverage: Number.NaN };
}

/**
 * Metrics of one held-out item ranked against negatives, as the expectation
 * over a uniformly random order among tied scores (so ties — common for the
 * popularity baseline — neither help nor hurt).
 */
function sampledCase(scores: Float32Array, at: number, n: number, k: number, acc: RankingMetrics): void {
  const s = scores[at]!;
  let greater = 0,
    ties = 0;
  for (let j = 1; j < n; j++) {
    const v = scores[at + j]!;
    if (v > s || Number.isNaN(s)) greater++;
    else if (v === s) ties++;
  }
  let hr = 0,
    dcg = 0,
    ap = 0;
  for (let t = 0; t <= ties; t++) {
    const rank = greater + t;
    if (rank < k) {
      hr += 1;
      dcg += 1 / Math.log2(rank + 2);
      ap += 1 / (rank + 1);
    }
  }
  const w = 1 / (ties + 1);
  acc.hitRate += hr * w;
  acc.recall += hr * w;
  acc.precision += (hr * w) / k;
  acc.ndcg += dcg * w;
  acc.map += ap * w;
}

function sampled(
  models: Recommender[],
  split: Split,
  k: number,
  negatives: number,
  seed: Seed,
): { cases: number; metrics: RankingMetrics[] } {
  const { train, test } = split;
  const numItems = models[0]!.numItems,
    numUsers = models[0]!.numUsers;
  const seenTrain = new UserItems(train.users, train.items, numUsers);
  const seenTest = new UserItems(test.users, test.items, numUsers);
  const rng = new Random(seed);
  const n = negatives + 1;
  const users: number[] = [],
    items: number[] = [];
  let cases = 0;
  for (let r = 0; r < test.count; r++) {
    const u = test.users[r]!,
      i = test.items[r]!;
    if (u >= numUsers || i >= numItems) continue;
    const negs = sampleDistinctNegatives(rng, numItems, [seenTrain, seenTest], u, negatives, i);
    if (negs.length < negatives) continue; // too few unseen items to build a full candidate list
    users.push(...new Array<number>(n).fill(u));
    items.push(i, ...negs);
    cases++;
  }
  const U = Int32Array.from(users),
    I = Int32Array.from(items);
  const metrics = models.map((m) => {
    const scores = m.scorePairs(U, I);
    const acc = zero();
    for (let c = 0; c < cases; c++) sampledCase(scores, c * n, n, k, acc);
    return mean(acc, cases);
  });
  return { cases, metrics };
}

function full(models: Recommender[], split: Split, k: number): { cases: number; metrics: RankingMetrics[] } {
  const { train, test } = split;
  const numItems = models[0]!.numItems,
    numUsers = models[0]!.numUsers;
  const seenTrain = new UserItems(train.users, train.items, numUsers);
  const seenTest = new UserItems(test.users, test.items, numUsers);
  const users: number[] = [];
  for (let u = 0; u < numUsers; u++) {
    const rel = Array.from(seenTest.of(u)).filter((i) => !seenTrain.has(u, i));
    if (rel.length > 0) users.push(u);
  }
  const metrics = models.map((m) => {
    const acc = zero();
    const lists: Int32Array[] = [];
    const block = Math.max(1, Math.floor((1 << 22) / numItems));
    for (let b = 0; b < users.length; b += block) {
      const us = users.slice(b, b + block);
      const scores = m.scoreItems(us);
      us.forEach((u, j) => {
        const top = topK(scores, k, (i) => seenTrain.has(u, i), j * numItems, numItems);
        const rel = new Set(Array.from(seenTest.of(u)).filter((i) => !seenTrain.has(u, i)));
        lists.push(top);
        acc.hitRate += hitRateAtK(top, rel, k);
        acc.ndcg += ndcgAtK(top, rel, k);
        acc.precision += precisionAtK(top, rel, k);
        acc.recall += recallAtK(top, rel, k);
        acc.map += averagePrecisionAtK(top, rel, k);
      });
    }
    acc.coverage = coverageAtK(lists, numItems, k);
    return mean(acc, users.length);
  });
  return { cases: users.length, metrics };
}

/**
 * Ranks held-out interactions (`split.test`) with `model` after training on
 * `split.train`, under the sampled or full protocol, and — unless
 * `baseline: false` — the popularity baseline fitted on `split.train` on the
 * very same cases.
 */
export function evaluateRanking(model: Recommender, split: Split, opts: RankingOptions = {}): RankingReport {
  const protocol = opts.protocol ?? 'sampled';
  const k = opts.k ?? 10;
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`evaluateRanking: k = ${k}, expected an integer >= 1`);
  const negatives = opts.negatives ?? 99;
  if (!Number.isInteger(negatives) || negatives < 1)
    throw new RangeError(`evaluateRanking: negatives = ${negatives}, expected an integer >= 1`);
  if (protocol !== 'sampled' && protocol !== 'full')
    throw new Error(`evaluateRanking: protocol '${String(protocol)}' is not 'sampled' or 'full'`);
  const models: Recommender[] = [model];
  const withBaseline = opts.baseline ?? true;
  if (withBaseline) models.push(popularity({ numUsers: model.numUsers, numItems: model.numItems }).fit(split.train));
  const r = protocol === 'sampled' ? sampled(models, split, k, negatives, opts.seed ?? 0) : full(models, split, k);
  const report: RankingReport = { protocol, k, cases: r.cases, metrics: r.metrics[0]! };
  if (withBaseline) {
    const b = r.metrics[1]!;
    report.baseline = b;
    const lift = { ...report.metrics };
    for (const key of Object.keys(lift) as Array<keyof RankingMetrics>) lift[key] = report.metrics[key] / b[key];
    report.lift = lift;
  }
  return report;
}
