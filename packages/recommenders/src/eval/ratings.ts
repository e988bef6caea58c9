// Rating evaluation: RMSE and MAE of a model on held-out ratings, beside a
// baseline fitted on the training ratings — each item's mean rating, shrunk
// towards the global mean (the popularity-style reference for ratings).
import type { Split } from '../data/splits.js';
import { mae, rmse } from '../metrics/rating.js';

/** Anything that predicts ratings for (user, item) pairs. */
export interface RatingPredictor {
  /** Predicted ratings of the pairs. */
  predict(users: ArrayLike<number>, items: ArrayLike<number>): Float32Array;
}

/** RMSE and MAE. */
export interface RatingMetrics {
  /** Root mean squared error. */
  rmse: number;
  /** Mean absolute error. */
  mae: number;
}

/** The result of {@link evaluateRatings}. */
export interface RatingReport {
  /** Held-out ratings scored. */
  cases: number;
  /** The model's errors. */
  metrics: RatingMetrics;
  /** The item-mean baseline's errors. */
  baseline: RatingMetrics;
}

/**
 * Item-mean predictions: (sum of the item's training ratings + shrinkage x
 * global mean) / (count + shrinkage); the global mean for unseen items.
 */
export function itemMeanBaseline(split: Split, shrinkage = 10): Float32Array {
  const { train, test } = split;
  if (!train.ratings) throw new Error('itemMeanBaseline: the training data has no ratings');
  let total = 0;
  const sum = new Map<number, number>(),
    count = new Map<number, number>();
  for (let r = 0; r < train.count; r++) {
    const i = train.items[r]!,
      v = train.ratings[r]!;
    total += v;
    sum.set(i, (sum.get(i) ?? 0) + v);
    count.set(i, (count.get(i) ?? 0) + 1);
  }
  const mu = train.count ? total / train.count : 0;
  return Float32Array.from(test.items, (i) => ((sum.get(i) ?? 0) + shrinkage * mu) / ((count.get(i) ?? 0) + shrinkage));
}

/** RMSE / MAE of `model` on `split.test` ratings, beside the item-mean baseline from `split.train`. */
export function evaluateRatings(model: RatingPredictor, split: Split): RatingReport {
  const { test } = split;
  if (!test.ratings) throw new Error('evaluateRatings: the test data has no ratings');
  const pred = model.predict(test.users, test.items);
  const base = itemMeanBaseline(split);
  return {
    cases: test.count,
    metrics: { rmse: rmse(pred, test.ratings), mae: mae(pred, test.ratings) },
    baseline: { rmse: rmse(base, test.ratings), mae: mae(base, test.ratings) },
  };
}
