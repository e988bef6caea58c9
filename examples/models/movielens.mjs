// MovieLens ratings with biased matrix factorisation (global mean + user and
// movie biases + 100 latent factors, per-rating SGD in one fused kernel pass
// per epoch, @wasmml/recommenders): trained on a seeded 80/20 split of the
// ratings, scored by RMSE on the held-out fifth beside two baselines (the
// global mean; each movie's mean, shrunk towards it), then asked for one
// user's top 10. Runtime-agnostic: runners load the ratings (what
// wm.data.loadMovieLens returns) their own way and hand them in.
import * as wm from 'wasmml';
import { epochCallbacks } from './epoch-callbacks.mjs';

/**
 * The seeded 80/20 split; the training part is cut to its first `limit`
 * ratings (the split is already shuffled). The test part never depends on `limit`.
 * @param {import('wasmml').data.MovieLensData} ml
 * @param {{ limit?: number, seed?: number }} [options]
 */
export function splitRatings(ml, { limit, seed = 42 } = {}) {
  const { train, test } = wm.recommenders.randomSplit(ml, { testFraction: 0.2, seed });
  if (!limit || limit >= train.count) return { train, test };
  const cut = (a) => a?.slice(0, limit);
  return {
    train: {
      count: limit,
      users: cut(train.users),
      items: cut(train.items),
      ratings: cut(train.ratings),
      timestamps: cut(train.timestamps),
    },
    test,
  };
}

const rmseOf = (pred, truth) => {
  let s = 0;
  for (let i = 0; i < truth.length; i++) s += (pred[i] - truth[i]) ** 2;
  return Math.sqrt(s / truth.length);
};

/**
 * Trains the model, reports RMSE against the baselines, and the top 10 for
 * `user` (an original MovieLens userId; default: the first one). `callbacks`
 * are fit() callbacks, driven once per epoch (the kernel has no batches).
 * @param {{
 *   ratings: import('wasmml').data.MovieLensData, epochs?: number, limit?: number, seed?: number,
 *   factors?: number, user?: number, callbacks?: any,
 * }} options
 */
export async function trainMovieLens({ ratings: ml, epochs = 20, limit, seed = 1, factors = 100, user, callbacks }) {
  wm.setSeed(seed);
  const split = splitRatings(ml, { limit });
  const model = wm.recommenders.matrixFactorization({
    numUsers: ml.numUsers,
    numItems: ml.numItems,
    userIds: ml.userIds,
    itemIds: ml.itemIds,
    factors,
    seed,
  });
  const hooks = epochCallbacks(callbacks, { epochs, samples: split.train.count });
  const started = Date.now();
  await hooks.begin();
  const history = await model.fit(split.train, { epochs, validationData: split.test, callbacks: { onEpochEnd: hooks.onEpochEnd } });
  await hooks.end();
  const seconds = (Date.now() - started) / 1000;

  const evaluation = wm.recommenders.evaluateRatings(model, split);
  let sum = 0;
  for (const r of split.train.ratings) sum += r;
  const globalMeanRmse = rmseOf(new Float32Array(split.test.count).fill(sum / split.train.count), split.test.ratings);
  const results = {
    trainRatings: split.train.count,
    testRatings: split.test.count,
    ratingsPerSecond: Math.round((split.train.count * epochs) / Math.max(seconds, 1e-3)),
    testRmse: evaluation.metrics.rmse,
    testMae: evaluation.metrics.mae,
    globalMeanRmse,
    itemMeanRmse: evaluation.baseline.rmse,
    // How much lower the model's RMSE is than the better baseline's, as a fraction of it.
    rmseGain: 1 - evaluation.metrics.rmse / Math.min(globalMeanRmse, evaluation.baseline.rmse),
  };
  return { model, history, results, report: userReport(model, ml, split.train, user ?? ml.userIds[0]) };
}

/**
 * Lines describing one user: their five best-rated training movies, then the
 * model's top 10 among the movies they have not rated, with their scores.
 * @param {import('wasmml').recommenders.MatrixFactorization} model
 * @param {import('wasmml').data.MovieLensData} ml
 * @param {{ users: Int32Array, items: Int32Array, ratings: Float32Array, count: number }} train
 * @param {number} userId
 */
export function userReport(model, ml, train, userId) {
  const user = model.userIndex(userId);
  if (user < 0) return [`user ${userId} is not in the data`];
  const describe = (item) => {
    const genres = ml.movies.get(ml.itemIds[item])?.genres ?? [];
    return `${ml.titles[item] || `movie ${ml.itemIds[item]}`}${genres.length ? ` [${genres.join('|')}]` : ''}`;
  };
  const rated = [];
  for (let r = 0; r < train.count; r++) if (train.users[r] === user) rated.push([train.items[r], train.ratings[r]]);
  rated.sort((a, b) => b[1] - a[1]);
  const top = model.recommend(user, 10);
  return [
    `user ${userId}: ${rated.length} training ratings; best rated:`,
    ...rated.slice(0, 5).map(([item, r]) => `  ${r.toFixed(1)}  ${describe(item)}`),
    // Scores are predicted ratings before clipping to the rating scale: ties at 5 stars stay ordered.
    `top 10 for user ${userId} (score = predicted rating, unclipped; movies they have not rated):`,
    ...top.map((t, k) => `  ${String(k + 1).padStart(2)}. ${t.score.toFixed(2)}  ${describe(t.item)}`),
  ];
}
